"""附件2/附件3 as .xlsx: draws the cells `layout.place` positions, with the styles of templates/tables.yaml.

`workbook_bytes` writes the sheet's XML straight from the laid-out cells (render/sheetml.py), around parts
prepared once per process; XlsxWriter prepares those parts (styles.xml with the formats below, theme, content
types, relationships) and still draws the forms to fill (render/fillin.py: protection, drop-downs, comments), where
its cost is paid once per department, not per submission. `xlsxwriter_bytes` is the same workbook drawn cell by
cell with XlsxWriter: the reference the tests hold the prepared-parts writer to, byte for byte.

Every string is written as a string, so a text starting with = + - @ stays text and never becomes a formula.
Values are written computed (no formulas: formulas written by a library carry no cached result and show empty in
many readers). Identical input gives identical bytes (fixed zip timestamps; we fix the document dates).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..evaluate import figures
from ..evaluate.evaluation import Evaluation
from ..form.forms import form_of
from . import sheetml, templates
from .layout import WIDTHS, Placed, Sheet, place
from .paginate import Metrics, Plan, paginate

CM_PER_INCH = 2.54
GB2312_CHARSET = 134  # lets Excel/WPS substitute a font of the same script when the named one is missing
NORMAL_FONT_SIZE = 11  # the workbook's Normal style: Excel's column width unit is the width of its "0"
STACKED = 270  # XlsxWriter's rotation for vertically stacked characters (Excel's 255)
PIXELS_PER_UNIT = 7.0  # Excel column unit: the width of "0" in Calibri 11 at 96 dpi
COLUMN_PADDING_PX = 5.0

#: Style name (from layout.Placed) -> (font role, XlsxWriter format properties).
STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "title": ("title", {"align": "center", "valign": "vcenter"}),
    "period": ("period", {"align": "center", "valign": "vcenter"}),
    "label": ("body", {"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}),
    "header": ("header", {"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}),
    "block": ("header", {"align": "center", "valign": "vcenter", "border": 1, "rotation": STACKED}),
    "text": ("body", {"align": "left", "valign": "vcenter", "text_wrap": True, "border": 1, "indent": 1}),
    "center": ("body", {"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}),
    "money": ("body", {"align": "right", "valign": "vcenter", "border": 1}),  # padded by the number format's _)
    "rate": ("body", {"align": "right", "valign": "vcenter", "border": 1}),
    "tick": ("body", {"align": "center", "valign": "vcenter", "border": 1}),
    "note": ("note", {"align": "left", "valign": "vcenter", "text_wrap": True}),
}
#: How a cell the unit fills in looks on a form to fill (docgen export): a light fill, and unlocked under protection.
INPUT_FILL = "#FFF2CC"
INPUT_PROPS: dict[str, Any] = {"bg_color": INPUT_FILL, "locked": False}


@lru_cache(maxsize=4096)
def _ems(text: str) -> float:
    """Width of a text in ems (labels and headers repeat on every sheet: cached)."""
    wide = sum(unicodedata.east_asian_width(c) in ("W", "F", "A") for c in text)
    return wide + 0.55 * (len(text) - wide)


@lru_cache(maxsize=16384)
def _lines(text: str, width_px: float, size: float) -> int:
    """Lines a wrapped text needs in a cell `width_px` wide (explicit newlines kept); labels, headers and notes
    repeat in every workbook and each is measured again while paginating: cached."""
    usable = max(width_px - COLUMN_PADDING_PX, 1.0)
    em = size * 96 / 72
    return sum(max(1, math.ceil(_ems(paragraph) * em * 1.04 / usable)) for paragraph in text.split("\n"))


@lru_cache(maxsize=1024)
def _span_px(first: int, last: int, widths: tuple[float, ...] = WIDTHS) -> float:
    return sum(widths[c] * PIXELS_PER_UNIT + COLUMN_PADDING_PX for c in range(first, last + 1))


def metrics(style: dict[str, Any]) -> Metrics:
    """tables.yaml's `print:` numbers; a project's own tables.yaml without them takes docgen's."""
    data = style.get("print")
    if not isinstance(data, dict):
        data = templates.table_style(templates.BUILTIN / templates.TABLES_YAML)["print"]
    return Metrics.of(data)


def row_heights(sheet: Sheet, fonts: dict[str, dict[str, Any]], measure: Metrics | None = None) -> list[float]:
    """Row heights (points) that show every wrapped text: Excel never grows rows for merged cells by itself.
    A block label stands stacked, one character a line: its rows grow to hold all of it."""
    m = measure or metrics({})
    heights = [m.min_row_pt] * sheet.rows
    multi: list[tuple[Placed, float]] = []
    widths = sheet.widths
    sizes = {name: float(fonts[role]["size"]) for name, (role, _) in STYLES.items()}
    for cell in sheet.cells:
        text = cell.value
        if not isinstance(text, str):
            continue
        size = sizes[cell.style]
        lines = len(text) if cell.style == "block" else _lines(text, _span_px(cell.col, cell.last_col, widths), size)
        need = lines * size * m.line_factor + m.cell_padding_pt
        if cell.style == "title":
            need = max(need, size * 2.2)
        if cell.last_row == cell.row:
            heights[cell.row] = max(heights[cell.row], need)
        else:
            multi.append((cell, need))
    for cell, need in multi:  # a label spanning rows: grow its rows evenly until it fits
        rows = range(cell.row, cell.last_row + 1)
        have = sum(heights[r] for r in rows)
        if have < need:
            extra = (need - have) / len(rows)
            for r in rows:
                heights[r] += extra
    return [round(h * 4) / 4 for h in heights]


class _Formats:
    """One XlsxWriter Format per (style, number format): formats must be shared, not created per cell."""

    def __init__(self, book: xlsxwriter.Workbook, style: dict[str, Any]) -> None:
        self.book, self.style, self.cache = book, style, {}  # type: ignore[var-annotated]

    def get(self, name: str, *, text_number: bool = False, unlocked: bool = False) -> Format:
        key = (name, text_number, unlocked)
        if key not in self.cache:
            fmt = self.book.add_format(format_properties(self.style, name, text_number=text_number, unlocked=unlocked))
            fmt.set_font_charset(GB2312_CHARSET)
            self.cache[key] = fmt
        return self.cache[key]


def format_properties(style: dict[str, Any], name: str, *, text_number: bool = False, unlocked: bool = False) -> dict[str, Any]:
    """The XlsxWriter format properties of style `name` (layout.Placed) under tables.yaml's fonts and number formats."""
    role, props = STYLES[name]
    font = style["fonts"][role]
    props = {**props, "font_name": font["name"], "font_size": font["size"], "bold": bool(font.get("bold"))}
    if unlocked:  # a cell the unit fills in on a form to fill (render/fillin.py): marked and left editable
        props.update(INPUT_PROPS)
    if name in ("money", "rate") and not text_number:
        props["num_format"] = style["number_formats"][name]
    return props


def _write(ws: Worksheet, cell: Placed, formats: _Formats, *, unlocked: bool = False) -> None:
    value = cell.value
    if isinstance(value, Decimal):
        number = float(figures.fraction(value)) if cell.style == "rate" else float(value)
        fmt = formats.get(cell.style, unlocked=unlocked)
        if cell.merged:
            ws.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, None, fmt)
        ws.write_number(cell.row, cell.col, number, fmt)
        return
    fmt = formats.get(cell.style, unlocked=unlocked)
    if cell.merged:
        ws.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, None, fmt)
    if value is None or value == "":
        if not cell.merged:
            ws.write_blank(cell.row, cell.col, None, fmt)
    else:
        write_text(ws, cell.row, cell.col, value, fmt)


def write_text(ws: Worksheet, row: int, col: int, value: str, fmt: Any) -> None:
    """A text into an XlsxWriter cell, as text whatever it holds.

    XlsxWriter writes a string that starts with <r> and ends with </r> unescaped, taking it for its own rich-text
    markup: a name typed in a submission or a roster would be markup in the workbook (or make it unreadable). Such a
    text goes in as two runs in the cell's own font, which XlsxWriter escapes and which read back as the same text.
    Every XlsxWriter workbook docgen writes (the forms to fill, the 汇总表) puts its texts through here."""
    if value.startswith("<r>") and value.endswith("</r>"):
        value = value[: sheetml.MAX_TEXT]
        ws.write_rich_string(row, col, fmt, value[:1], fmt, value[1:], fmt)
    else:
        ws.write_string(row, col, value, fmt)


def merge_text(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int, value: str, fmt: Any) -> None:
    """A merged range holding a text, the text written by `write_text`."""
    ws.merge_range(first_row, first_col, last_row, last_col, None, fmt)
    write_text(ws, first_row, first_col, value, fmt)


def _page_setup(ws: Worksheet, sheet: Sheet, page: dict[str, Any], plan: Plan) -> None:
    ws.set_paper(9)  # A4
    if page.get("orientation", "landscape") == "landscape":
        ws.set_landscape()
    m = {k: float(v) / CM_PER_INCH for k, v in page["margins_cm"].items()}
    ws.set_margins(left=m["left"], right=m["right"], top=m["top"], bottom=m["bottom"])
    ws.center_horizontally()
    if plan.breaks:  # a fixed scale and manual breaks where paginate decided (readers ignore them when fitting)
        ws.set_print_scale(plan.scale)
        ws.set_h_pagebreaks(list(plan.breaks))
    else:  # fits, or nearly fits: shrunk onto one page
        ws.fit_to_pages(1, 1)
    ws.repeat_rows(*sheet.header_rows)
    ws.print_area(0, 0, sheet.rows - 1, len(sheet.widths) - 1)
    if page.get("footer"):
        ws.set_footer(f"&C{page['footer']}")
    ws.hide_gridlines(2)


def laid_out(ev: Evaluation, style: dict[str, Any]) -> tuple[Sheet, list[float], Plan]:
    """The placed sheet as printed (spanning labels split at the page breaks), its row heights and its page plan."""
    return _paginated(place(ev), style)


def _paginated(sheet: Sheet, style: dict[str, Any]) -> tuple[Sheet, list[float], Plan]:
    """A placed sheet (of `place`, or a form to fill's: render/fillin.py) split into its printed pages."""
    measure = metrics(style)
    if sheet.widths != WIDTHS:  # a wider (narrower) grid than the measured 13 columns prints at a smaller (larger) scale
        measure = dataclasses.replace(measure, width_scale=measure.width_scale * sum(WIDTHS) / sum(sheet.widths))
    return paginate(sheet, lambda placed: row_heights(placed, style["fonts"], measure), style["page"], measure)


def new_book(buffer: io.BytesIO, style: dict[str, Any]) -> xlsxwriter.Workbook:
    """A workbook with docgen's settings: strings never become formulas, numbers or links."""
    normal = {"font_name": style["fonts"]["body"]["name"], "font_size": NORMAL_FONT_SIZE}
    return xlsxwriter.Workbook(
        buffer,
        {
            "default_format_properties": normal,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def draw(
    book: xlsxwriter.Workbook,
    name: str,
    ev: Evaluation,
    style: dict[str, Any],
    formats: _Formats,
    *,
    sheet: Sheet | None = None,
    unlocked: Callable[[Placed], bool] | None = None,
) -> tuple[Worksheet, Sheet]:
    """One submission drawn as worksheet `name` (the placed `sheet` when given, else laid out here); `unlocked`
    marks the cells a form to fill leaves open (render/fillin.py)."""
    sheet, heights, plan = _paginated(sheet if sheet is not None else place(ev), style)
    ws = book.add_worksheet(name)
    for col, width in enumerate(sheet.widths):
        ws.set_column(col, col, width)
    for row, height in enumerate(heights):
        ws.set_row(row, height)
    for cell in sheet.cells:
        _write(ws, cell, formats, unlocked=bool(unlocked and unlocked(cell)))
    _page_setup(ws, sheet, style["page"], plan)
    return ws, sheet


def _properties(ev: Evaluation) -> dict[str, Any]:
    sub = ev.submission
    return {
        "title": form_of(sub).title,
        "subject": sub.name,
        "author": getattr(sub, "unit", sub.department),
        "company": sub.department,
        "created": datetime(sub.period.year, sub.period.month, 1),
    }


def xlsxwriter_bytes(ev: Evaluation, style_path: Path) -> bytes:
    """The workbook of `workbook_bytes` drawn cell by cell with XlsxWriter (the writer before render/sheetml.py):
    the reference the tests compare the two with, and the benchmarks' baseline."""
    style = templates.table_style(style_path)
    buffer = io.BytesIO()
    book = new_book(buffer, style)
    book.set_properties(_properties(ev))
    draw(book, form_of(ev.submission).sheet, ev, style, _Formats(book, style))
    book.close()
    return buffer.getvalue()


#: The print scales Excel accepts; XlsxWriter ignores another (and so do we: neither a scale nor fit to page).
SCALES = range(10, 401)


def workbook_bytes(ev: Evaluation, style_path: Path) -> bytes:
    """The .xlsx of one evaluated submission, in memory; identical bytes for identical input (and to
    `xlsxwriter_bytes`'s): the sheet's XML from the laid-out cells, the rest from parts prepared once."""
    style = templates.table_style(style_path)
    keys = _format_keys(style_path)
    sheet, heights, plan = _paginated(place(ev), style)
    page = style["page"]
    margins = page["margins_cm"]
    setup = sheetml.Page(
        landscape=page.get("orientation", "landscape") == "landscape",
        margins=(
            float(margins["left"]) / CM_PER_INCH,
            float(margins["right"]) / CM_PER_INCH,
            float(margins["top"]) / CM_PER_INCH,
            float(margins["bottom"]) / CM_PER_INCH,
        ),
        scale=(plan.scale if plan.scale in SCALES else 100) if plan.breaks else None,
        breaks=plan.breaks,
        titles=sheet.header_rows,
        footer=f"&C{page['footer']}" if page.get("footer") else None,
    )
    cells = (sheetml.Cell(cell.row, cell.col, cell.last_row, cell.last_col, _cell_value(cell), keys[cell.style]) for cell in sheet.cells)
    props = sheetml.Properties(**_properties(ev))
    normal = style["fonts"]["body"]["name"]
    return sheetml.workbook(form_of(ev.submission).sheet, sheet.widths, heights, cells, setup, props, lambda used: _parts(normal, used))


def _cell_value(cell: Placed) -> str | float | None:
    value = cell.value
    if isinstance(value, Decimal):
        return float(figures.fraction(value)) if cell.style == "rate" else float(value)
    return value or None


@lru_cache(maxsize=16)
def _format_keys(style_path: Path) -> dict[str, str]:
    """Style name -> its format's key: its XlsxWriter properties as JSON (styles alike share one key, as XlsxWriter
    shares one format between them)."""
    style = templates.table_style(style_path)
    return {name: json.dumps(format_properties(style, name), sort_keys=True, ensure_ascii=False) for name in STYLES}


@lru_cache(maxsize=64)
def _parts(normal: str, keys: tuple[Any, ...]) -> sheetml.Parts:
    """The parts every workbook with these formats (in this order of first use) shares, written once by XlsxWriter:
    a workbook with one blank cell per format, in that order, and one string (so the shared strings' part is
    declared)."""
    buffer = io.BytesIO()
    book = new_book(buffer, {"fonts": {"body": {"name": normal}}})
    ws = book.add_worksheet()
    for row, key in enumerate(keys):
        fmt = book.add_format(json.loads(key))
        fmt.set_font_charset(GB2312_CHARSET)
        ws.write_blank(row, 0, None, fmt)
    ws.write_string(len(keys), 0, "-")
    book.close()
    with zipfile.ZipFile(buffer) as archive:
        return sheetml.Parts.of({name: archive.read(name) for name in sheetml.SHARED})
