"""附件1 as .docx: the body's XML written from the sections, everything else taken from templates/report.docx.

A .docx is a zip of XML parts. The reference document carries the styles (fonts with w:eastAsia, sizes, fixed line
spacing), the A4 page with GB/T 9704 margins and the footers with the 「— 1 —」 page field; we keep all its parts,
write only word/document.xml (its final w:sectPr kept) and the document properties, and zip with fixed timestamps,
so the same input gives the same bytes. Measured against python-docx and docxtpl in benchmarks/render.py.
Styles are found by name, not id: Word and WPS rename style ids when a department re-saves the reference.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from .. import messages as M
from ..errors import EnvironmentProblem
from ..escape import xml as escape  # XML text: & < > as entities, characters XML forbids dropped
from ..evaluate import draft, report
from ..evaluate.evaluation import Evaluation
from ..evaluate.figures import Figures
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import BUDGET_COLUMNS as BUDGET_FORM_COLUMNS
from ..form.forms import Column, Form, form_of
from ..form.model import Department, Project
from ..textwidth import WIDE
from .layout import budget_value

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


#: Role -> the style name (as Word stores it) the reference document must define.
STYLE_NAMES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading1": "heading 1",
    "heading2": "heading 2",
    "body": "Body Text",
    "caption": "caption",
    "cell": "Table Text",
    "signature": "Signature",
    "table": "Table Grid",
}
TEXT_WIDTH_TWIPS = 8844  # 156 mm: the GB/T 9704 text block


@dataclass(frozen=True)
class Reference:
    """The parts of the reference .docx, read once per process."""

    parts: tuple[tuple[str, bytes], ...]  # every part in archive order; document.xml and core.xml are replaced
    head: str  # document.xml up to and including <w:body>
    tail: str  # the body's final w:sectPr and the closing tags
    styles: dict[str, str]  # role -> style id
    table_size: int  # half-points: the size of the "Table Text" style
    cell_padding: int  # twips: left + right cell margin of the "Table Grid" style


def _style_ids(path: Path, styles_xml: bytes) -> dict[str, str]:
    by_name: dict[str, str] = {}
    for node in _parse(path, "word/styles.xml", styles_xml).iter(f"{W_NS}style"):
        name = node.find(f"{W_NS}name")
        if name is not None:
            by_name[name.get(f"{W_NS}val", "").lower()] = node.get(f"{W_NS}styleId", "")
    missing = [name for name in STYLE_NAMES.values() if name.lower() not in by_name]
    if missing:
        raise EnvironmentProblem(M.label("template_styles", path=path, names="、".join(missing)))
    return {role: by_name[name.lower()] for role, name in STYLE_NAMES.items()}


def _inherited(root: ET.Element, style_id: str, path: str) -> ET.Element | None:
    """The first element at `path` in a style or the styles it is based on."""
    by_id = {node.get(f"{W_NS}styleId"): node for node in root.iter(f"{W_NS}style")}
    seen: set[str] = set()
    while style_id in by_id and style_id not in seen:
        seen.add(style_id)
        found = by_id[style_id].find(path)
        if found is not None:
            return found
        based = by_id[style_id].find(f"{W_NS}basedOn")
        style_id = "" if based is None else based.get(f"{W_NS}val", "")
    return None


def _twips(node: ET.Element | None, default: int) -> int:
    value = None if node is None else node.get(f"{W_NS}w", node.get(f"{W_NS}val"))
    return int(value) if value and value.isdigit() else default


def _table_look(styles_xml: bytes, styles: dict[str, str]) -> tuple[int, int]:
    """The table text size (half-points) and the cells' left + right margin (twips), as the reference sets them.

    Word's defaults where the reference is silent: 10 pt text, 108 twips (1.9 mm) each side of a cell.
    """
    root = ET.fromstring(styles_xml)  # already parsed once by _style_ids, through _parse
    size = _inherited(root, styles["cell"], f"{W_NS}rPr/{W_NS}sz")
    if size is None:
        size = root.find(f"{W_NS}docDefaults/{W_NS}rPrDefault/{W_NS}rPr/{W_NS}sz")
    margins = f"{W_NS}tblPr/{W_NS}tblCellMar/{W_NS}"
    left, right = (_inherited(root, styles["table"], margins + side) for side in ("left", "right"))
    return _twips(size, 20), _twips(left, 108) + _twips(right, 108)


def _parse(path: Path, part: str, data: bytes) -> ET.Element:
    """One XML part of the reference (a project's templates/report.docx, from a pull request): a document type
    declaration is refused before parsing (OOXML never has one; no entity, internal or external, is ever expanded)
    and a parse error is a Chinese message naming the template (exit 3)."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=M.label("template_xml_dtd", part=part)))
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        detail = M.label("template_xml", part=part, detail=f"{exc.position[0]}:{exc.position[1] + 1}")
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail)) from exc


#: The most a reference .docx may hold once unpacked: docgen's own is ~40 KB; a zip bomb is refused unread.
MAX_REFERENCE_BYTES = 32 * 1024 * 1024


@cache
def reference(path: Path) -> Reference:
    """The reference .docx, read once per process: its parts are reused for every 附件1.

    It may come from the project (templates/report.docx in a pull request): a damaged zip, a zip bomb, an XML part
    that does not parse or declares a DTD are each a Chinese message naming the file (EnvironmentProblem, exit 3)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_REFERENCE_BYTES:
                raise zipfile.BadZipFile(path)
            parts = tuple((info.filename, archive.read(info)) for info in infos)
    except OSError as exc:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=exc.strerror or exc)) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, ValueError, zlib.error) as exc:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=M.label("template_zip"))) from exc
    contents = dict(parts)
    if DOCUMENT not in contents or "word/styles.xml" not in contents:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=f"{DOCUMENT} / word/styles.xml"))
    for name, data in parts:
        if name.endswith((".xml", ".rels")):
            _parse(path, name, data)  # every part is copied into each 附件1: none may carry a DTD or be malformed
    try:
        document = contents[DOCUMENT].decode("utf-8")
    except UnicodeDecodeError as exc:
        detail = M.label("template_xml", part=DOCUMENT, detail="UTF-8")
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail)) from exc
    body = re.search(r"<w:body>", document)
    sect = document.rfind("<w:sectPr")
    if body is None or sect < body.end():
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail="w:body / w:sectPr"))
    styles = _style_ids(path, contents["word/styles.xml"])
    size, padding = _table_look(contents["word/styles.xml"], styles)
    return Reference(parts, document[: body.end()], document[sect:], styles, size, padding)


# --- XML pieces ---------------------------------------------------------------------------


def _run(text: str, size: int | None = None) -> str:
    """A run, in the style's size unless `size` (half-points) is given; 「\n」 becomes a line break inside the paragraph."""
    props = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>' if size else ""
    lines = (f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f"<w:r>{props}{'<w:br/>'.join(lines)}</w:r>"


def _paragraph(
    style: str, text: str, align: str | None = None, size: int | None = None, *, before: int | None = None, keep_next: bool = False
) -> str:
    """A paragraph in `style`; `before` (twips) overrides the style's space before it; `keep_next` keeps it on the
    page of the paragraph after it."""
    keep = "<w:keepNext/>" if keep_next else ""
    spacing = f'<w:spacing w:before="{before}"/>' if before is not None else ""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}{spacing}{jc}</w:pPr>{_run(text, size) if text else ""}</w:p>'


def _cell(style: str, text: str, width: int, align: str, size: int | None, *, header: bool = False) -> str:
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' if header else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}<w:vAlign w:val="center"/></w:tcPr>'
        f"{_paragraph(style, text, align, size)}</w:tc>"
    )


def _figure(value: Decimal | None, rate: bool) -> str:
    return N.rate_or_dash(value) if rate else N.money_or_dash(value)


# --- Column widths of the budget tables -------------------------------------------------------
# Widths come from the text, never from a font installed here, so every machine writes the same bytes. Each
# character class counts as wide as its widest glyph among the fonts the reference names (仿宋_GB2312 and Times New
# Roman in the "Table Text" style) and the fonts a machine without them substitutes (Noto Serif CJK SC per
# templates/fonts.conf; for Times New Roman, Liberation Serif, or DejaVu Serif where that is missing). Thousandths
# of an em, integers throughout.
WIDE_MILLI_EM = 1000  # CJK and full-width forms: one em in every CJK font
DIGIT_MILLI_EM = 640  # 0-9: Times New Roman and Liberation Serif 500, Noto CJK 550, DejaVu Serif 636
NARROW_MILLI_EM = 320  # 「,」「.」: Times New Roman 250, DejaVu Serif 318
OTHER_MILLI_EM = 1000  # anything else (「%」 833-950, 「-」, 「—」): one em is enough for all of them
SAFETY_MILLI_EM = 250  # per line, for rounding and kerning in the layout engine
MIN_LABEL_MILLI_EM = 4000  # the label column holds 「资金总额」 on one line; longer row names take lines of equal length
#: Smallest table text, half-points: 7 pt. Six amount columns of 「9,999,999.99」, two rates of 「100.00%」 and the label
#: column fit the 156 mm text block at 7 pt with the widths above; any smaller is hard to read on paper.
MIN_TABLE_SIZE = 14
BREAK = "\u200b"  # where a header from messages.py may break (a zero-width space, never written to the document)


def _milli_em(text: str) -> int:
    """How wide a line of text is, in thousandths of an em, by character class."""
    total = 0
    for char in text:
        if WIDE.match(char):
            total += WIDE_MILLI_EM
        elif char.isascii() and char.isdigit():
            total += DIGIT_MILLI_EM
        elif char in ",.":
            total += NARROW_MILLI_EM
        else:
            total += OTHER_MILLI_EM
    return total + SAFETY_MILLI_EM


def _twips_for(milli_em: int, size: int, padding: int) -> int:
    """A column width holding `milli_em` of text at `size` half-points (one em = size × 10 twips), rounded up."""
    return -(-milli_em * size // 100) + padding


def _column_widths(needs: list[int], label_needs: tuple[int, int], size: int, padding: int) -> list[int] | None:
    """Widths of the label column and the figure columns at `size`, or None if the figures do not fit the text block.

    Every figure column gets what its widest line needs; the label column what is left, up to its widest name;
    room still left is shared by the figure columns.
    """
    figures = [_twips_for(need, size, padding) for need in needs]
    least, most = (_twips_for(need, size, padding) for need in label_needs)
    left = TEXT_WIDTH_TWIPS - sum(figures)
    if left < least:
        return None
    label = min(left, most)
    share, rest = divmod(left - label, len(figures))
    return [label + rest] + [width + share for width in figures]


def _header_lines(header: str, width: int, size: int, padding: int) -> str:
    """The header's pieces (split at BREAK) on as few lines as fit the column, joined by 「\n」."""
    lines: list[str] = []
    for piece in header.split(BREAK):
        if lines and _twips_for(_milli_em(lines[-1] + piece), size, padding) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def _label_lines(label: str, width: int, size: int, padding: int) -> str:
    """A row name too long for its column, on as few lines of equal length as fit: never one character alone."""
    count = 1
    while True:
        step = -(-len(label) // count)
        lines = [label[start : start + step] for start in range(0, len(label), step)]
        if step == 1 or all(_twips_for(_milli_em(line), size, padding) <= width for line in lines):
            return "\n".join(lines)
        count += 1


def _table_layout(headers: list[str], columns: list[list[str]], labels: list[str], base: int, padding: int) -> tuple[int, list[int]]:
    """The largest size from the style's down to MIN_TABLE_SIZE at which no figure or header piece must break.

    Figures beyond what MIN_TABLE_SIZE holds (amounts of 100,000,000.00 万元 and more in every column) get columns
    in proportion to their needs, and then do wrap. w:noWrap cannot help: ECMA-376 applies it to auto-layout tables
    only, and LibreOffice 7.4 wraps the noWrap cells of a fixed table all the same.
    """
    needs = [max(_milli_em(text) for text in [*header.split(BREAK), *column]) for header, column in zip(headers[1:], columns, strict=True)]
    label_needs = (max(MIN_LABEL_MILLI_EM + SAFETY_MILLI_EM, _milli_em(headers[0])), max(_milli_em(t) for t in [headers[0], *labels]))
    for size in range(base, min(base, MIN_TABLE_SIZE) - 1, -1):
        widths = _column_widths(needs, label_needs, size, padding)
        if widths is not None:
            return size, widths
    size = min(base, MIN_TABLE_SIZE)
    wanted = [label_needs[0], *needs]
    widths = [TEXT_WIDTH_TWIPS * need // sum(wanted) for need in wanted]
    return size, [widths[0] + TEXT_WIDTH_TWIPS - sum(widths), *widths[1:]]


#: The budget columns of 朔州's forms as 附件1 prints them (a form of another profile prints its own: `_budget_columns`).
BUDGET_COLUMNS = tuple(c.field for c in BUDGET_FORM_COLUMNS)


def _budget_columns(form: Form, months: str) -> list[tuple[Column, str]]:
    """The budget columns 附件1 prints with their headers: 朔州's eight with 附件1's short headers, or the form's own."""
    if form.budget_columns == BUDGET_FORM_COLUMNS:
        return [(c, M.draft(f"col_{c.field}", months=months)) for c in form.budget_columns]
    return [(c, c.header.replace(F.MONTHS_PLACEHOLDER, months)) for c in form.budget_columns]


def _shown(fig: Figures, column: Column) -> bool:
    """Whether a budget column's figure is printed (else 「未填报」); 全年预算数 falls back on the 年初预算."""
    return column.field == "adjusted_budget" or fig.reported(column.field)


def _budget_table(ref: Reference, table: draft.BudgetTable, months: str, form: Form) -> str:
    """A budget execution table: 资金总额 first, then the rows the submission wrote; no figure ever breaks."""
    chosen = _budget_columns(form, months)
    headers = [table.label] + [header for _, header in chosen]
    shown = [(label, fig) for index, (label, fig) in enumerate(table.rows.items()) if not index or label in table.given]
    labels = [F.TOTAL_ROW] + [label for label, _ in shown[1:]]
    columns = [
        [_figure(budget_value(fig, c, form), c.kind == "rate") if _shown(fig, c) else F.NOT_REPORTED for _, fig in shown] for c, _ in chosen
    ]
    size, widths = _table_layout(headers, columns, labels, ref.table_size, ref.cell_padding)
    run_size = None if size == ref.table_size else size
    cell = ref.styles["cell"]
    header_cells = "".join(
        _cell(cell, _header_lines(text, w, size, ref.cell_padding), w, "center", run_size, header=True)
        for text, w in zip(headers, widths, strict=True)
    )
    rows = [f"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{header_cells}</w:tr>"]
    for index, label in enumerate(labels):
        rows.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + _cell(cell, _label_lines(label, widths[0], size, ref.cell_padding), widths[0], "center", run_size)
            + "".join(_cell(cell, column[index], w, "right", run_size) for column, w in zip(columns, widths[1:], strict=True))
            + "</w:tr>"
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'{_paragraph(ref.styles["caption"], table.caption)}<w:tbl><w:tblPr><w:tblStyle w:val="{ref.styles["table"]}"/>'
        f'<w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


TITLE_LINE_CHARS = 20  # 2号 characters on one line of the 156 mm text block


def title(sub: Project | Department, *, lines: bool = False) -> str:
    """「城乡义务教育…项目支出绩效监控分析报告」: the name takes the place of 「项目（部门整体）」.

    With `lines`, a title too long for one line breaks where the sense allows (GB/T 9704): after 「…项目」, else after the
    name itself (「…奖补）」 / 「项目支出绩效监控分析报告」), never leaving a word alone on a line.
    """
    if isinstance(sub, Project):
        name = sub.name
        subject = name if name.endswith(form_of(sub).report_subject) else M.draft("project_subject", name=name)
    else:
        name = sub.department
        subject = M.draft("department_subject", name=name)
    text = M.draft("report_title", subject=subject)
    if lines and len(text) > TITLE_LINE_CHARS:
        for cut in (len(subject), len(name)):
            if cut <= TITLE_LINE_CHARS and len(text) - cut <= TITLE_LINE_CHARS:
                return text[:cut] + "\n" + text[cut:]
    return text


def section_texts(ev: Evaluation, extra: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Paragraphs per section key, as evaluate/report.py decides them for 附件1 and the site alike."""
    return {key: list(text.paragraphs) for key, text in report.section_texts(ev, extra).items()}


def body_xml(ev: Evaluation, ref: Reference, extra: Mapping[str, str] | None = None) -> str:
    """附件1's document body: title, then each report section (forms.py) with the submission's text or a draft."""
    sub = ev.submission
    texts = section_texts(ev, extra)
    styles = ref.styles
    out = [
        _paragraph(styles["title"], title(sub, lines=True)),
        _paragraph(styles["subtitle"], M.draft("report_year", year=sub.period.year)),
    ]
    for section in ev.form.report:
        out.append(_paragraph(styles["heading1" if section.level == 1 else "heading2"], section.heading))
        if section.key is None:
            continue
        last = section == ev.form.report[-1]
        paragraphs = texts[section.key]
        # the report's last paragraph goes with the 落款 (GB/T 9704: a signature never stands alone on a page)
        out.extend(_paragraph(styles["body"], text, keep_next=last and i == len(paragraphs) - 1) for i, text in enumerate(paragraphs))
        if section.key == draft.EXECUTION:
            out.extend(_budget_table(ref, table, sub.period.months, ev.form) for table in draft.budget_tables(ev))
            out.extend(_paragraph(styles["caption"], note, "left") for note in draft.money_notes(ev))  # a note reads left
    out.extend(_sign_off(sub, ref))
    return "".join(out)


LINE_TWIPS = 579  # one line of the reference's 28.95 pt grid: the space between the 落款 and the contact block


def signed_on(sub: Project | Department) -> str:
    """The 成文日期 as GB/T 9704 writes it (「2025年7月10日」), or blanks to fill by hand when the submission gives none."""
    given = sub.sign_off.signed_on
    try:
        day = date.fromisoformat(given)
    except ValueError:
        return M.draft("signed_on_blank")
    return M.draft("signed_on", year=day.year, month=day.month, day=day.day)


def contact(sub: Project | Department) -> list[str]:
    """「单位负责人：…」 then 「填报人：…　　联系电话：…」 (two lines: one would wrap inside the telephone number),
    each blank left to fill by hand where the submission gives none."""
    blank = M.draft("contact_blank")
    given = sub.sign_off
    return [
        M.draft("contact_head", head=given.head or blank),
        M.draft("contact_preparer", preparer=given.preparer or blank, phone=given.phone or blank),
    ]


def _sign_off(sub: Project | Department, ref: Reference) -> list[str]:
    """The 落款 (unit, then 成文日期 right under it) and the contact block the offices print under a report."""
    unit = sub.unit if isinstance(sub, Project) else sub.department
    signature = ref.styles["signature"]
    head, preparer = contact(sub)
    return [  # one block: none of it is left alone at the top of a page
        _paragraph(signature, unit, keep_next=True),
        _paragraph(signature, signed_on(sub), before=0, keep_next=True),
        _paragraph(ref.styles["body"], head, before=LINE_TWIPS, keep_next=True),
        _paragraph(ref.styles["body"], preparer),
    ]


def _core(sub: Project | Department) -> bytes:
    """Document properties without dates: the same input gives the same bytes."""
    author = sub.unit if isinstance(sub, Project) else sub.department
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title(sub))}</dc:title><dc:subject>{escape(sub.period.label)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator><cp:keywords>{escape(sub.department)}</cp:keywords></cp:coreProperties>"
    ).encode()


def document_bytes(ev: Evaluation, reference_path: Path, extra: Mapping[str, str] | None = None) -> bytes:
    """The .docx of one submission's 附件1 report, in memory; identical bytes for identical input.

    `extra` maps section keys (forms.REPORT_KEYS) to drafted text from elsewhere (the warnings engine drafts
    「四、绩效监控结果分析」); a section the submission fills in keeps the submission's text.
    """
    ref = reference(reference_path)
    return package(ref, body_xml(ev, ref, extra), _core(ev.submission))


def package(ref: Reference, body: str, core: bytes) -> bytes:
    """The reference .docx with `body` as its document and `core` as its properties, zipped with fixed dates and
    modes, so identical input gives identical bytes (附件1 and the 审核结果反馈 letters alike)."""
    document = (ref.head + body + ref.tail).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ref.parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, document if name == DOCUMENT else core if name == CORE else data)
    return buffer.getvalue()
