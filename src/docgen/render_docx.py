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
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from . import draft
from . import forms as F
from . import messages as M
from .errors import EnvironmentProblem
from .escape import xml as escape  # XML text: & < > as entities, characters XML forbids dropped
from .model import Department, Project

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
LABEL_COLUMN_TWIPS = 1404

#: Sections the submission may leave empty, and what stands there then (besides a draft or an extra text).
OPTIONAL_SECTIONS = {"绩效监控延伸情况", "其他需要说明的事项"}


@dataclass(frozen=True)
class Reference:
    """The parts of the reference .docx, read once per process."""

    parts: tuple[tuple[str, bytes], ...]  # every part in archive order; document.xml and core.xml are replaced
    head: str  # document.xml up to and including <w:body>
    tail: str  # the body's final w:sectPr and the closing tags
    styles: dict[str, str]  # role -> style id


def _style_ids(path: Path, styles_xml: bytes) -> dict[str, str]:
    by_name: dict[str, str] = {}
    for node in ET.fromstring(styles_xml).iter(f"{W_NS}style"):
        name = node.find(f"{W_NS}name")
        if name is not None:
            by_name[name.get(f"{W_NS}val", "").lower()] = node.get(f"{W_NS}styleId", "")
    missing = [name for name in STYLE_NAMES.values() if name.lower() not in by_name]
    if missing:
        raise EnvironmentProblem(M.label("template_styles", path=path, names="、".join(missing)))
    return {role: by_name[name.lower()] for role, name in STYLE_NAMES.items()}


@cache
def reference(path: Path) -> Reference:
    """The reference .docx, read once per process: its parts are reused for every 附件1."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = tuple((info.filename, archive.read(info)) for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=exc)) from exc
    contents = dict(parts)
    if DOCUMENT not in contents or "word/styles.xml" not in contents:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=f"{DOCUMENT} / word/styles.xml"))
    document = contents[DOCUMENT].decode("utf-8")
    body = re.search(r"<w:body>", document)
    sect = document.rfind("<w:sectPr")
    if body is None or sect < body.end():
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail="w:body / w:sectPr"))
    return Reference(parts, document[: body.end()], document[sect:], _style_ids(path, contents["word/styles.xml"]))


# --- XML pieces ---------------------------------------------------------------------------


def _run(text: str) -> str:
    """A run; 「\n」 becomes a line break inside the paragraph."""
    lines = (f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f"<w:r>{'<w:br/>'.join(lines)}</w:r>"


def _paragraph(style: str, text: str, align: str | None = None) -> str:
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>{_run(text) if text else ""}</w:p>'


def _cell(style: str, text: str, width: int, align: str, *, header: bool = False) -> str:
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' if header else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}<w:vAlign w:val="center"/></w:tcPr>'
        f"{_paragraph(style, text, align)}</w:tc>"
    )


def _figure(value: Decimal | None, rate: bool) -> str:
    if value is None:
        return F.NO_RATE
    return f"{value:.2f}%" if rate else f"{value:,.2f}"


BUDGET_COLUMNS = ("carried_over", "budget", "subtotal", "allocated", "allocation_rate", "spent", "spend_progress", "expected")


def _budget_table(styles: dict[str, str], table: draft.BudgetTable, months: str) -> str:
    """A budget execution table: 资金总额 first, then the rows the submission wrote."""
    width = (TEXT_WIDTH_TWIPS - LABEL_COLUMN_TWIPS) // len(BUDGET_COLUMNS)
    widths = [TEXT_WIDTH_TWIPS - width * len(BUDGET_COLUMNS)] + [width] * len(BUDGET_COLUMNS)
    cell = styles["cell"]
    headers = [table.label] + [M.draft(f"col_{c}", months=months) for c in BUDGET_COLUMNS]
    rows = [
        "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        + "".join(_cell(cell, text, w, "center", header=True) for text, w in zip(headers, widths, strict=True))
        + "</w:tr>"
    ]
    for index, (label, fig) in enumerate(table.rows.items()):
        if index and label not in table.given:
            continue
        values = [_figure(getattr(fig, c), c.endswith(("rate", "progress"))) for c in BUDGET_COLUMNS]
        shown = F.TOTAL_ROW if index == 0 else label
        rows.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + _cell(cell, shown, widths[0], "center")
            + "".join(_cell(cell, v, w, "right") for v, w in zip(values, widths[1:], strict=True))
            + "</w:tr>"
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'{_paragraph(styles["caption"], table.caption)}<w:tbl><w:tblPr><w:tblStyle w:val="{styles["table"]}"/>'
        f'<w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _paragraphs(text: str) -> list[str]:
    """A clerk's narrative: one paragraph per non-empty line, indentation dropped (the style indents)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


TITLE_LINE_CHARS = 20  # 2号 characters on one line of the 156 mm text block


def title(sub: Project | Department, *, lines: bool = False) -> str:
    """「城乡义务教育…项目支出绩效监控分析报告」: the name takes the place of 「项目（部门整体）」.

    With `lines`, a title too long for one line breaks where the sense allows (GB/T 9704): after 「…项目」, else after the
    name itself (「…奖补）」 / 「项目支出绩效监控分析报告」), never leaving a word alone on a line.
    """
    if isinstance(sub, Project):
        name = sub.name
        subject = name if name.endswith(M.draft("subject_project")) else M.draft("project_subject", name=name)
    else:
        name = sub.department
        subject = M.draft("department_subject", name=name)
    text = M.draft("report_title", subject=subject)
    if lines and len(text) > TITLE_LINE_CHARS:
        for cut in (len(subject), len(name)):
            if cut <= TITLE_LINE_CHARS and len(text) - cut <= TITLE_LINE_CHARS:
                return text[:cut] + "\n" + text[cut:]
    return text


def section_texts(sub: Project | Department, extra: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Paragraphs per section key: the submission's text, else an extra drafted text (e.g. from the warnings
    engine), else docgen's own draft from the figures, else 「无。」 or 「（未填写）」."""
    drafted = draft.drafts(sub)
    texts: dict[str, list[str]] = {}
    for key in F.REPORT_KEYS:
        if sub.report.get(key):
            texts[key] = _paragraphs(sub.report[key])
        elif extra and extra.get(key, "").strip():
            texts[key] = _paragraphs(extra[key])
        elif key in drafted:
            texts[key] = drafted[key]
        else:
            texts[key] = [M.label("none") if key in OPTIONAL_SECTIONS else M.label("not_filled")]
    return texts


def body_xml(sub: Project | Department, styles: dict[str, str], extra: Mapping[str, str] | None = None) -> str:
    """附件1's document body: title, then each report section with the submission's text or a draft."""
    texts = section_texts(sub, extra)
    out = [
        _paragraph(styles["title"], title(sub, lines=True)),
        _paragraph(styles["subtitle"], M.draft("report_year", year=sub.period.year)),
    ]
    for section in F.REPORT_SECTIONS:
        out.append(_paragraph(styles["heading1" if section.level == 1 else "heading2"], section.heading))
        if section.key is None:
            continue
        out.extend(_paragraph(styles["body"], text) for text in texts[section.key])
        if section.key == draft.EXECUTION:
            out.extend(_budget_table(styles, table, sub.period.months) for table in draft.budget_tables(sub))
    unit = sub.unit if isinstance(sub, Project) else sub.department
    out.append(_paragraph(styles["signature"], unit))
    return "".join(out)


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


def document_bytes(sub: Project | Department, reference_path: Path, extra: Mapping[str, str] | None = None) -> bytes:
    """The .docx of one submission's 附件1 report, in memory; identical bytes for identical input.

    `extra` maps section keys (forms.REPORT_KEYS) to drafted text from elsewhere (the warnings engine drafts
    「四、绩效监控结果分析」); a section the submission fills in keeps the submission's text.
    """
    ref = reference(reference_path)
    document = (ref.head + body_xml(sub, ref.styles, extra) + ref.tail).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ref.parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, document if name == DOCUMENT else _core(sub) if name == CORE else data)
    return buffer.getvalue()
