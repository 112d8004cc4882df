"""A department's 绩效监控报告 as the regulation defines it, in one .zip the 财政局 clerk can file.

第四章: the report consists of the 部门整体 analysis (正文 附件1 + 附件3) and one analysis per project (正文 附件1 +
附件2). The .zip holds one folder named like itself, a contents list first (目录.txt, UTF-8 with BOM and CRLF so
Windows Notepad shows it), then the files in the order the list gives. Fixed order, and every entry dated with the
data's date (dates.document_date: SOURCE_DATE_EPOCH, else the period's last day): same bytes for the same files.
Confidential projects are never in it; the list only says how many are sent separately.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import __version__, output
from ..form.forms import form_of
from ..form.model import Department, Period, Project
from ..messages import bundle_text as B
from ..messages import review_text
from . import dates, paths

ALREADY_COMPRESSED = (".docx", ".xlsx")  # zips themselves: stored, not deflated again


@dataclass
class Group:
    """One department's submissions for one period, in filing order (部门整体 first, then projects by code), each
    with its files (attachments, and their PDFs where current); `confidential` counts the projects left out."""

    period: Period
    code: str
    name: str
    entries: list[tuple[Project | Department, list[Path]]]
    confidential: int = 0
    department_withheld: bool = False  # its 部门整体 would reveal 涉密 figures: sent separately, like them
    when: datetime | None = None  # the date its files carry; None: dates.document_date(period)
    # submissions a reviewer returned (退回修改), left out until they pass again, each with the reason
    returned: list[tuple[Project | Department, str]] = field(default_factory=list)

    @property
    def date(self) -> datetime:
        return self.when or dates.document_date(self.period)


def _file_lines(files: list[Path], sub: Project | Department) -> list[str]:
    """A report's files; its table named by its attachment number (附件2), or by its title on a form filed otherwise."""
    lines = []
    form = form_of(sub)
    for path in files:
        if path.suffix == ".pdf":
            lines.append("    " + B("file_pdf", name=path.name))
        elif path.suffix == ".docx":
            lines.append("    " + B("file_docx", name=path.name))
        elif form.numbered:
            lines.append("    " + B("file_xlsx", name=path.name, table=path.name.split("-", 1)[0]))
        else:
            lines.append("    " + B("file_xlsx_titled", name=path.name, title=form.title))
    return lines


def index_text(group: Group) -> str:
    """目录.txt: what the bundle holds, report by report."""
    numbered = all(form_of(sub).numbered for sub, _ in group.entries)
    intro = B("intro" if numbered else "intro_titled")
    lines = [B("heading", department=group.name, code=group.code, period=group.period.label), "", intro, ""]
    departments = [(s, f) for s, f in group.entries if isinstance(s, Department)]
    projects = [(s, f) for s, f in group.entries if isinstance(s, Project)]
    if departments:
        lines += [B("department"), *_file_lines(departments[0][1], departments[0][0])]
    elif any(isinstance(s, Department) for s, _ in group.returned):
        lines.append(B("department") + review_text("department_returned"))
    else:
        lines.append(B("department_withheld" if group.department_withheld else "department_missing"))
    lines += ["", B("projects", count=len(projects))]
    for number, (project, files) in enumerate(projects, start=1):
        assert isinstance(project, Project)
        lines += [B("project", number=number, name=project.name, code=project.code, unit=project.unit), *_file_lines(files, project)]
    if group.confidential:
        lines += ["", B("confidential", count=group.confidential)]
    if group.returned:
        lines += ["", review_text("returned_out")]
        for sub, reason in group.returned:
            code = sub.code if isinstance(sub, Project) else review_text("whole_department")
            name = sub.name if isinstance(sub, Project) else sub.department
            lines.append(review_text("returned_item", name=name, code=code, reason=reason))
    lines += ["", B("footer", version=__version__)]
    return "\r\n".join(lines) + "\r\n"


def _info(name: str, stored: bool, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dates.zip_date(when))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write(build: Path, group: Group) -> Path:
    """Write the department's .zip atomically; returns its path."""
    target = paths.bundle(build, group.period, group.code, group.name)
    folder = target.stem
    when = group.date
    # written to the file as it is made, one attachment read at a time: a bundle of 1,000 projects is 18 MB
    with output.atomic(target, owner=build) as handle, zipfile.ZipFile(handle, "w") as archive:
        archive.writestr(_info(f"{folder}/{paths.bundle_index()}", False, when), "\ufeff" + index_text(group))
        for _, files in group.entries:
            for path in files:
                archive.writestr(_info(f"{folder}/{path.name}", path.suffix in ALREADY_COMPRESSED, when), path.read_bytes())
    return target
