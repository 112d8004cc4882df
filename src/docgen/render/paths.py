"""Where every output lives: one function each, shared by the renderers, the bundle and the site."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from ..form.forms import form_of
from ..form.model import Department, Period, Project

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')
#: Bytes one name may take in a file name. A file name holds at most two names plus ~60 bytes of fixed words
#: (「附件1-」, 「-2025年1-6月绩效监控汇总表.xlsx」, output.py's temporary suffix): 2 x 80 + 60 stays under the 255 bytes
#: Linux, macOS and Windows allow per component, whatever the name's length.
NAME_BYTES = 80
_MARK = "~"  # begins the hash suffix; a name that has it of its own is hashed too, so no name can pose as another's
#: The prefix of pdf.py's (and dossier.py's) work folders in an output folder: swept when a killed build left one.
PDF_TEMP_PREFIX = ".pdf-tmp-"


def safe(name: str) -> str:
    """A file-name-safe form of a Chinese name (Windows forbids \\ / : * ? " < > |), unique and bounded.

    A name that is safe and short is kept as it is. Otherwise (characters replaced, or longer than NAME_BYTES)
    it is cut and given a suffix from a hash of the name as typed: 「a/b」 and 「a:b」 become 「a_b~…」 with two
    different suffixes, never the same file.
    """
    cleaned = _UNSAFE.sub("_", name).strip("_.")
    if cleaned == name and _MARK not in name and len(name.encode("utf-8", "surrogatepass")) <= NAME_BYTES:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = cleaned.encode("utf-8")[: NAME_BYTES - len(digest) - 1].decode("utf-8", "ignore").rstrip("_.")
    return f"{head}{_MARK}{digest}"


def period_dir(build: Path, period: Period) -> Path:
    """build/2025-06/: a period's outputs, named by its key so periods sort in order."""
    return build / period.key


@functools.lru_cache(maxsize=4096)
def department_dir(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局/: a department's attachments, and the bundle's contents. Kept per department:
    a build asks once per output (20,000 times at 10,000 projects), and joining paths is most of the asking."""
    return period_dir(build, period) / f"{safe(code)}-{safe(name)}"


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
        "docx": folder / f"附件1-{stem(sub)}.docx",
        "xlsx": folder / f"{table}-{stem(sub)}.xlsx",
    }


def bundle(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局-2025年1-6月绩效监控报告.zip: what a department sends to the 财政局."""
    return period_dir(build, period) / f"{safe(code)}-{safe(name)}-{period.label}绩效监控报告.zip"


def dossier(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局-2025年1-6月绩效监控报告.pdf: the bundle's reports as one PDF to print and stamp."""
    return bundle(build, period, code, name).with_suffix(".pdf")


def department_rollup(build: Path, period: Period, code: str, name: str) -> Path:
    """build/2025-06/101-朔州市教育局/101-朔州市教育局-2025年1-6月绩效监控汇总表.xlsx: one row per project."""
    return department_dir(build, period, code, name) / f"{safe(code)}-{safe(name)}-{period.label}绩效监控汇总表.xlsx"


def city_rollup(build: Path, period: Period, area: str = "全市") -> Path:
    """build/2025-06/全市-2025年1-6月绩效监控汇总表.xlsx: one row per department, and every project (「全县-…」 under
    a 县级 profile: `area` is the profile's, forms.area_of)."""
    return period_dir(build, period) / f"{safe(area)}-{period.label}绩效监控汇总表.xlsx"


def pdf(path: Path) -> Path:
    """The PDF beside a rendered .docx/.xlsx (docgen build --pdf)."""
    return path.with_suffix(".pdf")


def bundle_index() -> str:
    """The list of contents inside each bundle, for the 财政局 clerk who files it."""
    return "目录.txt"
