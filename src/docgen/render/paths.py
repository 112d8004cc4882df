"""Where every output lives: one function each, shared by the renderers, the bundle and the site."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection, Iterator
from pathlib import Path

from .. import messages as M
from ..form.forms import form_of
from ..form.model import Department, Period, Project
from ..names import department_folder, safe

#: The prefix of pdf.py's (and dossier.py's) work folders in an output folder: swept when a killed build left one.
PDF_TEMP_PREFIX = ".pdf-tmp-"
#: What every 附件1 (the report, .docx) is named after; the tables after their form's sheet (附件2, 监控表 ...).
REPORT = "附件1"
#: How docgen names a period's folder (Period.key) and the files in it (`bundle`, `dossier`, `city_rollup`).
_PERIOD_KEY = re.compile(r"\d{4}-\d{2}")
_IN_PERIOD = re.compile(r"[^/]+-\d{4}年[^/]*月绩效监控(?:报告\.zip|报告\.pdf|汇总表\.xlsx)")
#: How every 汇总表's name ends (`department_rollup`, `city_rollup`).
ROLLUP_SUFFIX = "绩效监控汇总表.xlsx"


def period_dir(build: Path, period: Period) -> Path:
    """build/2025-06/: a period's outputs, named by its key so periods sort in order."""
    return build / period.key


@functools.lru_cache(maxsize=4096)
def department_dir(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局/: a department's attachments, and the bundle's contents. Kept per department:
    a build asks once per output (20,000 times at 10,000 projects), and joining paths is most of the asking."""
    return period_dir(build, period) / department_folder(code, name)


def stem(sub: Project | Department) -> str:
    """「101-2025-001-城乡义务教育…」 for a project, 「101-朔州市教育局-部门整体」 for a department."""
    if isinstance(sub, Project):
        return f"{safe(sub.code)}-{safe(sub.name)}"
    return f"{safe(sub.department_code)}-{safe(sub.department)}-部门整体"


def attachments(build: Path, sub: Project | Department) -> dict[str, Path]:
    """The files rendered for one submission, by kind: 附件1 (.docx), 附件2/附件3 (.xlsx)."""
    folder = department_dir(build, sub.period, sub.department_code, sub.department)
    table = form_of(sub).sheet
    return {
        "docx": folder / f"{REPORT}-{stem(sub)}.docx",
        "xlsx": folder / f"{table}-{stem(sub)}.xlsx",
    }


def bundle(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局-2025年1-6月绩效监控报告.zip: what a department sends to the 财政局."""
    return period_dir(build, period) / f"{safe(code)}-{safe(name)}-{period.label}绩效监控报告.zip"


def dossier(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局-2025年1-6月绩效监控报告.pdf: the bundle's reports as one PDF to print and stamp."""
    return bundle(build, period, code, name).with_suffix(".pdf")


def feedback(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/审核结果反馈-101-朔州市教育局.docx: the bureau's letter to a department (`docgen feedback`)."""
    return period_dir(build, period) / f"{M.review_text('feedback_file')}-{safe(code)}-{safe(name)}.docx"


def department_rollup(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局/101-朔州市教育局-2025年1-6月绩效监控汇总表.xlsx: one row per project."""
    return department_dir(build, period, code, name) / f"{safe(code)}-{safe(name)}-{period.label}{ROLLUP_SUFFIX}"


def city_rollup(build: Path, period: Period, area: str = "全市") -> Path:
    """build/2025-06/全市-2025年1-6月绩效监控汇总表.xlsx: one row per department, and every project (「全县-…」 under
    a 县级 profile: `area` is the profile's, forms.area_of)."""
    return period_dir(build, period) / f"{safe(area)}-{period.label}{ROLLUP_SUFFIX}"


def pdf(path: Path) -> Path:
    """The PDF beside a rendered .docx/.xlsx (docgen build --pdf)."""
    return path.with_suffix(".pdf")


def own_outputs(build: Path, sheets: Collection[str]) -> Iterator[Path]:
    """The files of build/ that sit where, and are named as, docgen writes its outputs (the functions above): in a
    period's folder its bundles, dossiers and area 汇总表; in a department's folder (「代码-名称」) its 附件 (named
    after 附件1 or one of `sheets`, the forms' sheet names), their PDFs and its 汇总表. Never a link, nor anything
    under one; nothing else of build/ (a clerk's file named otherwise, summary.json, site-src/, 审核结果反馈)."""
    for period in _folders(build):
        if not _PERIOD_KEY.fullmatch(period.name):
            continue
        for entry in _entries(period):
            if entry.is_dir(follow_symlinks=False) and "-" in entry.name and not entry.name.startswith("."):
                for item in _entries(Path(entry.path)):
                    if item.is_file(follow_symlinks=False) and _attachment(item.name, sheets):
                        yield Path(item.path)
            elif entry.is_file(follow_symlinks=False) and _IN_PERIOD.fullmatch(entry.name) and not _letter(entry.name):
                yield Path(entry.path)


def _letter(name: str) -> bool:
    """A 审核结果反馈 (`feedback`, or its PDF): `docgen feedback`'s, not the build's, even when its department's name
    ends as a bundle's or a dossier's does (「…-2025年1-6月绩效监控报告」); no bundle begins so (a code is ASCII)."""
    return name.startswith(f"{M.review_text('feedback_file')}-")


def _attachment(name: str, sheets: Collection[str]) -> bool:
    """A 附件 (or its PDF) or a department's 汇总表, by its name."""
    base, suffix = os.path.splitext(name)
    head = base.split("-", 1)[0]
    if name.endswith(ROLLUP_SUFFIX):
        return "-" in base
    return "-" in base and ((head == REPORT and suffix in (".docx", ".pdf")) or (head in sheets and suffix in (".xlsx", ".pdf")))


def _entries(folder: Path | os.DirEntry[str]) -> list[os.DirEntry[str]]:
    """What `folder` holds (nothing when it is gone or no folder), listed without following a link."""
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _folders(build: Path) -> Iterator[os.DirEntry[str]]:
    """The folders in `build`, never a link to one."""
    return (e for e in _entries(build) if e.is_dir(follow_symlinks=False))


def bundle_index() -> str:
    """The list of contents inside each bundle, for the 财政局 clerk who files it."""
    return "目录.txt"
