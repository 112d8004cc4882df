"""A department's 报送 as ONE PDF, ready to print, stamp and archive: cover, 目录, then every report, numbered through.

Offices print, stamp and file one document, not a zip of separate files. The dossier holds exactly the bundle's
published attachments (bundle.Group: 涉密 projects and a withheld 部门整体 are never in it; the 目录 only counts
them), in the regulation's order: 部门整体 附件1 and 附件3, then each project's 附件1 and 附件2.

Page numbers 「— n —」 run on from the 目录's first body page: every attachment is converted a second time by
LibreOffice with its numbering started where its part begins (附件1: w:pgNumType; 附件2/3: the sheet's
firstPageNumber) and its footer set to the centred number, so numbers are drawn by LibreOffice in the document's own
font, never pasted over the page. Where each part begins is first taken from the separate PDFs' page counts; the
numbered PDFs are counted again (a footer's height follows its font, so a table may fit one page more or less) and a
department whose parts moved is numbered once more, so the 目录 never points to a wrong page. The cover and the 目录 are a
.docx made from the reference document (templates/report.docx), so they share its fonts and margins.
pypdf merges the parts, adds one bookmark per part and writes the file with pdf.finish (no clock in it).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import __version__, output
from .. import messages as M
from ..escape import xml as escape
from ..form.forms import form_of
from ..form.model import Department, Project
from ..messages import dossier_text as D
from . import bundle, dates, docx, paths, pdf

NUMERALS = "一二三四五六七八九十"
TEXT_WIDTH_TWIPS = docx.TEXT_WIDTH_TWIPS
SHEET = re.compile(r"xl/worksheets/sheet\d+\.xml")
FOOTER = re.compile(r"word/footer\d*\.xml")
PAGE_FOOTER_XLSX = "&amp;C— &amp;P —"  # 「— n —」 centred, in the sheet's footer syntax (&P: the page number)


@dataclass(frozen=True)
class Entry:
    """One line of the 目录: a part with its attachment (and so its pages), or a heading without a page."""

    text: str
    level: int  # 0: a top line (一、…), 1: a project's heading, 2: a project's attachment
    source: Path | None = None  # the .docx/.xlsx whose PDF is the part


def entries(group: bundle.Group) -> list[Entry]:
    """The 目录 of a department's dossier, in filing order; parts are the attachments the bundle publishes."""
    lines: list[Entry] = []
    departments = [(sub, files) for sub, files in group.entries if isinstance(sub, Department)]
    projects = [(sub, files) for sub, files in group.entries if isinstance(sub, Project)]
    if departments:
        department, files = departments[0]
        report, table = _sources(files)
        lines += [Entry(D("part_department_report"), 0, report), Entry(_table_title(department, "part_department_table"), 0, table)]
    else:
        lines.append(Entry(D("part_department_withheld" if group.department_withheld else "part_department_missing"), 0))
    number = NUMERALS[2 if departments else 1]
    lines.append(Entry(D("part_projects", number=number, count=len(projects)), 0))
    for index, (project, files) in enumerate(projects, start=1):
        report, table = _sources(files)
        lines += [
            Entry(D("part_project", number=_numeral(index), name=project.name, code=project.code), 1),
            Entry(D("part_project_report"), 2, report),
            Entry(_table_title(project, "part_project_table"), 2, table),
        ]
    if group.confidential:
        lines.append(Entry(D("confidential", count=group.confidential), 0))
    return lines


def _table_title(sub: Project | Department, key: str) -> str:
    """The 目录's line for a submission's table: by its attachment number (附件2), or by its title on a form filed
    otherwise (the national 项目支出绩效目标执行监控表)."""
    form = form_of(sub)
    return D(key) if form.numbered else D(f"{key}_titled", title=form.title)


def _numeral(number: int) -> str:
    """一 … 九十九, 一百, 一百零一, 一千零一十 …: the 目录 numbers projects as the 附件1 headings number sections; a
    department of a province-sized tree files hundreds of projects (a tenth one once stopped the build: 「十十」)."""
    digits = "零" + NUMERALS[:9]
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number >= 10000:
        high, low = divmod(number, 10000)
        return _numeral(high) + "万" + (("零" if low < 1000 else "") + _numeral(low) if low else "")
    out, gap = "", False
    for power, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
        digit = number // 10**power % 10
        if not digit:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + digits[digit] + unit
        gap = False
    return out


def _sources(files: list[Path]) -> tuple[Path, Path]:
    """The 附件1 .docx and the 附件2/3 .xlsx among a submission's files."""
    return next(f for f in files if f.suffix == ".docx"), next(f for f in files if f.suffix == ".xlsx")


def parts(group: bundle.Group) -> list[Path]:
    """The attachments the dossier is made of, in order (each must have its PDF)."""
    return [e.source for e in entries(group) if e.source is not None]


# --- the attachments, numbered from where they start ------------------------------------------------------


def _rewrite(data: bytes, edit: Callable[[str, str], str | None]) -> bytes:
    """A copy of a .docx/.xlsx (a zip) with some XML parts rewritten by `edit(name, text)` (None: unchanged)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xml"):
                changed = edit(info.filename, content.decode("utf-8"))
                if changed is not None:
                    content = changed.encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def numbered_docx(data: bytes, start: int) -> bytes:
    """附件1 with its pages numbered from `start` and the 「— n —」 footers centred (the dossier is bound on the left
    but read as one document: one place for the number on every page)."""

    def edit(name: str, text: str) -> str | None:
        if name == docx.DOCUMENT:
            head, _, sect = text.rpartition("<w:sectPr")
            sect = re.sub(r"<w:pgNumType\b[^>]*/>", "", sect)
            sect = re.sub(r"(<w:cols\b|<w:docGrid\b|</w:sectPr>)", f'<w:pgNumType w:start="{start}"/>\\1', sect, count=1)
            return head + "<w:sectPr" + sect
        if FOOTER.fullmatch(name):
            text = re.sub(r'<w:jc w:val="[a-z]+"/>', '<w:jc w:val="center"/>', text)
            return re.sub(r"<w:ind\b[^>]*/>", "", text)
        return None

    return _rewrite(data, edit)


def numbered_xlsx(data: bytes, start: int) -> bytes:
    """附件2/附件3 with the first sheet's pages numbered from `start` and every footer the centred 「— n —」."""
    first = True

    def edit(name: str, text: str) -> str | None:
        nonlocal first
        if not SHEET.fullmatch(name):
            return None
        number = f'firstPageNumber="{start}" useFirstPageNumber="1" ' if first else ""
        first = False
        footer = f"<headerFooter><oddFooter>{PAGE_FOOTER_XLSX}</oddFooter></headerFooter>"
        text = re.sub(r"<headerFooter\b[^>]*/>|<headerFooter\b.*?</headerFooter>", "", text, flags=re.DOTALL)
        if "<pageSetup" in text:
            text = re.sub(r'\s(?:firstPageNumber|useFirstPageNumber)="[^"]*"', "", text)
            text = re.sub(r"<pageSetup\b([^>]*?)(/?)>", lambda m: f"<pageSetup {number}{m[1].strip()}{m[2]}>", text, count=1)
            text = re.sub(r"(<pageSetup\b[^>]*/>|<pageSetup\b.*?</pageSetup>)", lambda m: m[1] + footer, text, count=1, flags=re.DOTALL)
        else:
            anchor = re.search(r"<pageMargins\b[^>]*/>", text) or re.search(r"</sheetData>", text)
            assert anchor is not None  # every worksheet has its sheetData
            text = text[: anchor.end()] + f"<pageSetup {number}/>" + footer + text[anchor.end() :]
        return text

    return _rewrite(data, edit)


# --- the cover and the 目录 ---------------------------------------------------------------------------------


def _p(text: str, style: str, *, align: str | None = None, before: int = 0, size: int | None = None, extra: str = "") -> str:
    """One paragraph of the cover: a style of the reference, no first-line indent, optional size (half-points)."""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    spacing = f'<w:spacing w:before="{before}"/>' if before else ""
    props = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>' if size else ""
    body = "".join(
        "<w:r><w:tab/></w:r>" if piece == "\t" else f'<w:r>{props}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>'
        for piece in re.split(r"(\t)", text)
        if piece
    )
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}{spacing}<w:ind w:left="0" w:firstLine="0" w:firstLineChars="0"/>{jc}'
        f"</w:pPr>{body}</w:p>"
    )


COVER_TITLE_SIZE = 52  # half-points: 一号, the cover's two title lines
HANGING = {0: 640, 1: 960, 2: 0}  # twips a wrapped 目录 line hangs by: past 「一、」 (2 characters) or 「（一）」 (3)
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
LEVEL_INDENT = 640  # twips: two 3号 characters, as a sub-item is indented


def _submitted_on(group: bundle.Group, when: datetime) -> str:
    """The cover's 报送日期: the 部门整体's own 成文日期 when it gives one, so the cover is never dated before the
    report it carries; else the build's date (the period's last day, or SOURCE_DATE_EPOCH)."""
    for sub, _ in group.entries:
        if isinstance(sub, Department) and sub.sign_off.signed_on:
            written = docx.signed_on(sub)
            if written != M.draft("signed_on_blank"):
                return written
    return dates.written_date(when)


def cover_docx(reference_path: Path, group: bundle.Group, when: datetime, starts: dict[Path, int]) -> bytes:
    """The cover (unit, period, 报送日期, the stamp area) and the 目录 with each part's first page number."""
    ref = docx.reference(reference_path)
    s = ref.styles
    out = [
        _p(group.name, s["title"], align="center", before=2000, size=COVER_TITLE_SIZE),
        _p(D("title", period=group.period.label), s["title"], align="center", before=500, size=COVER_TITLE_SIZE),
        _p(D("unit_line", department=group.name, code=group.code), s["body"], align="center", before=2800),
        _p(D("period_line", period=group.period.label), s["body"], align="center"),
        _p(D("date_line", date=_submitted_on(group, when)), s["body"], align="center"),
        _p(D("stamp"), s["body"], align="right", before=800),
        PAGE_BREAK,
        _p(D("contents"), s["title"], align="center"),
    ]
    tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs>'
    for entry in entries(group):
        text = entry.text if entry.source is None else f"{entry.text}\t{starts[entry.source]}"
        hanging = HANGING[entry.level]
        indent = f'<w:ind w:left="{LEVEL_INDENT * entry.level + hanging}" w:hanging="{hanging}"/>'
        paragraph = _p(text, s["body"], extra=tabs)
        out.append(paragraph.replace('<w:ind w:left="0" w:firstLine="0" w:firstLineChars="0"/>', indent))
    tail = re.sub(r"<w:(?:footer|header)Reference\b[^>]*/>", "", ref.tail)  # the cover and the 目录 carry no number
    document = (ref.head + "".join(out) + tail).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ref.parts:
            info = zipfile.ZipInfo(name, date_time=docx.ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, document if name == docx.DOCUMENT else data)
    return buffer.getvalue()


# --- putting it together -------------------------------------------------------------------------------------

ATTEMPTS = 2  # conversions of the numbered parts: the second only for a department whose pages moved in the first


@dataclass
class Made:
    """Dossiers written, and problems to report without failing the build (in Chinese)."""

    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """One department's dossier on its way: its pages per part as last counted."""

    group: bundle.Group
    target: Path
    when: datetime
    counts: dict[Path, int]  # attachment -> pages, in filing order

    def starts(self) -> dict[Path, int]:
        """Where each part begins: the body is numbered from 1, the cover and the 目录 are not numbered."""
        out, page = {}, 1
        for part, count in self.counts.items():
            out[part] = page
            page += count
        return out


class _Unfit(Exception):
    """A dossier that cannot be made (a part did not convert): not written, said in Chinese."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def write_all(
    folder: Path,
    groups: list[bundle.Group],
    reference_path: Path,
    fonts_conf: Path,
    *,
    jobs: int,
    dated: Callable[[bundle.Group], datetime],
) -> Made:
    """Write each group's dossier beside its bundle; every part's PDF must already be there (build --pdf).

    The separate PDFs give each part's pages; a numbered part may still paginate differently (its footer is not the
    separate file's, and a footer's height follows its font), so the counts are taken again from the numbered PDFs
    and a department whose parts moved is numbered and converted once more before it is merged."""
    made = Made()
    pending = {
        number: _Plan(group, paths.dossier(folder, group.period, group.code, group.name), dated(group), _separate_counts(group))
        for number, group in enumerate(groups)
    }
    with tempfile.TemporaryDirectory(prefix=pdf.TEMP_PREFIX, dir=folder.resolve()) as tmp:
        for attempt in range(ATTEMPTS):
            staged: dict[int, tuple[Path, list[tuple[Path, Path]]]] = {}
            for number, plan in pending.items():
                work = Path(tmp) / f"{attempt}-{number}"
                work.mkdir()
                starts = plan.starts()
                cover = work / "cover.docx"
                cover.write_bytes(cover_docx(reference_path, plan.group, plan.when, starts))
                variants = []
                for index, part in enumerate(plan.counts):
                    variant = work / f"p{index}{part.suffix}"
                    numbered = numbered_docx if part.suffix == ".docx" else numbered_xlsx
                    variant.write_bytes(numbered(part.read_bytes(), starts[part]))
                    variants.append((part, variant))
                staged[number] = (cover, variants)
            sources = [path for cover, variants in staged.values() for path in (cover, *(v for _, v in variants))]
            converted = pdf.convert(sources, Path(tmp), fonts_conf, jobs=jobs)
            made.problems += [p for p in converted.problems if p not in made.problems]
            for number, (cover, variants) in staged.items():
                plan = pending[number]
                try:
                    counts = _numbered_counts(cover, variants)
                except _Unfit as exc:
                    made.problems.append(M.label("dossier_failed", path=plan.target.name, detail=exc.detail))
                    del pending[number]
                    continue
                if counts == plan.counts:
                    made.written.append(_merge(folder, plan, cover, variants))
                    del pending[number]
                elif attempt + 1 == ATTEMPTS:
                    moved = next(part for part in counts if counts[part] != plan.counts[part])
                    detail = M.label("dossier_pages_changed", name=moved.name, before=plan.counts[moved], after=counts[moved])
                    made.problems.append(M.label("dossier_failed", path=plan.target.name, detail=detail))
                else:
                    plan.counts = counts
    return made


def _separate_counts(group: bundle.Group) -> dict[Path, int]:
    return {part: pdf.page_count(paths.pdf(part)) for part in parts(group)}


def _numbered_counts(cover: Path, variants: list[tuple[Path, Path]]) -> dict[Path, int]:
    """Pages of each numbered part as converted; _Unfit when the cover or a part did not convert."""
    if not paths.pdf(cover).is_file():
        raise _Unfit(M.label("pdf_failed", path=D("contents"), detail=""))
    counts = {}
    for part, variant in variants:
        if not paths.pdf(variant).is_file():
            raise _Unfit(M.label("pdf_failed", path=part.name, detail=""))
        counts[part] = pdf.page_count(paths.pdf(variant))
    return counts


def _merge(folder: Path, plan: _Plan, cover: Path, variants: list[tuple[Path, Path]]) -> Path:
    """The cover, then every numbered part with a bookmark each, written with pdf.finish (the data's date)."""
    from pypdf import PdfReader, PdfWriter

    group = plan.group
    writer = PdfWriter()
    writer.append(PdfReader(paths.pdf(cover)), outline_item=D("contents"))
    titles = {e.source: e.text for e in entries(group) if e.source is not None}
    titles.update({e.source: name for e, name in _project_names(group) if e.source is not None})
    for part, variant in variants:
        writer.append(PdfReader(paths.pdf(variant)), outline_item=titles[part])
    info = {
        "/Title": f"{group.name}{D('title', period=group.period.label)}",
        "/Author": group.name,
        "/Subject": group.period.label,
        "/Producer": f"docgen {__version__} (LibreOffice, pypdf)",
    }
    output.write_bytes(plan.target, pdf.finish(writer, plan.when, info), owner=folder)
    return plan.target


def _project_names(group: bundle.Group) -> list[tuple[Entry, str]]:
    """Bookmarks name the project with its attachment: 「（一）农村公路养护工程…项目支出绩效监控分析报告（附件1）」."""
    out = []
    project = ""
    for entry in entries(group):
        if entry.level == 1:
            project = entry.text
        elif entry.level == 2 and entry.source is not None:
            out.append((entry, f"{project}{entry.text}"))
    return out
