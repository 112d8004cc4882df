"""Turn docgen's outputs into stable, diff-friendly JSON: what a reader of the output sees, never its bytes.

One function per kind of output, chosen by suffix (`normalise`):
- .xlsx: document properties; per sheet its cells (row-major: coordinate -> value, or [value, number format,
  fill] where those are not General/none), merged ranges, column widths and row heights (docgen computes them
  from character counts, not from fonts: render_xlsx.row_heights, rollup._width), and the print set-up docgen sets.
- .docx: document properties, then the body in order: paragraphs as [style name, text], tables as their grid
  (gridCol widths) and rows of cells ([text, "gridSpan=2", "vMerge=restart"] where merged).
- .zip: entry names in archive order (the filing order), their dates, and the text of 目录.txt; never the bytes.
- summary.json: as written, keys sorted.
- .md (the site's generated Markdown sources): the lines of the page.

Volatile bits become placeholders (`scrub`): docgen's version (summary.json "generator", the 汇总表 subtitle,
目录.txt's footer) -> <version>; the temporary root folder -> <root>; git commit ids on site pages -> <commit>
(they depend on the file modes and bytes git sees, not on what docgen does).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.oxml.ns import qn
from docx.table import Table
from openpyxl.utils import get_column_letter, range_boundaries

from docgen import __version__

Json = Any
VERSION = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")
COMMIT = re.compile(r'(<code class="dg-commit">)[0-9a-f]{7,40}(</code>)')


def scrub(text: str, root: Path) -> str:
    """Placeholders for what changes from machine to machine or release to release, never with docgen's logic."""
    text = text.replace(root.as_posix(), "<root>").replace(str(root), "<root>")
    text = VERSION.sub("<version>", text)
    return COMMIT.sub(r"\1<commit>\2", text)


def _scrub_all(value: Json, root: Path) -> Json:
    if isinstance(value, str):
        return scrub(value, root)
    if isinstance(value, list):
        return [_scrub_all(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_all(v, root) for k, v in value.items()}
    return value


# --- .xlsx --------------------------------------------------------------------------------------


def _number(value: float | None) -> float | int | None:
    """Widths, heights and margins as read back: integral values as ints, so 20 and 20.0 never differ."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _cell(cell: Any) -> Json:
    value = cell.value
    if isinstance(value, float):
        value = _number(value)
    elif value is not None and not isinstance(value, (str, int)):
        value = str(value)
    extra = []
    if cell.number_format != "General":
        extra.append(cell.number_format)
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
        extra.append(f"fill={fill.fgColor.rgb}")
    return [value, *extra] if extra else value


def _print_setup(ws: Any) -> dict[str, Json]:
    setup, margins, options = ws.page_setup, ws.page_margins, ws.print_options
    return {
        "orientation": setup.orientation,
        "paper_size": setup.paperSize,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "fit_to_width": setup.fitToWidth,
        "fit_to_height": setup.fitToHeight,
        "repeat_rows": ws.print_title_rows,
        "print_area": ws.print_area,
        "margins": {k: _number(getattr(margins, k)) for k in ("left", "right", "top", "bottom")},
        "centered_horizontally": bool(options.horizontalCentered),
        "footer": ws.oddFooter.center.text,
        "gridlines_shown": ws.sheet_view.showGridLines is not False,
        "freeze_panes": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        **({"row_breaks": [b.id for b in ws.row_breaks.brk]} if ws.row_breaks.brk else {}),  # manual page breaks (附件2/3)
        **({"scale": setup.scale} if setup.scale not in (None, 100) else {}),  # the fixed scale they print at
    }


def _sheet(ws: Any) -> dict[str, Json]:
    cells = {cell.coordinate: _cell(cell) for row in ws.iter_rows() for cell in row if cell.value is not None}
    merged = sorted(ws.merged_cells.ranges, key=lambda r: range_boundaries(r.coord)[1::-1])
    columns = {}
    for dim in sorted(ws.column_dimensions.values(), key=lambda d: d.min or 0):
        for index in range(dim.min or 0, (dim.max or 0) + 1):
            if dim.customWidth:
                columns[get_column_letter(index)] = _number(dim.width)
    rows = {str(r): _number(d.height) for r, d in sorted(ws.row_dimensions.items()) if d.height is not None}
    return {
        "name": ws.title,
        "cells": cells,
        "merged": [r.coord for r in merged],
        "column_widths": columns,
        "row_heights": rows,
        "print": _print_setup(ws),
    }


def xlsx(path: Path) -> Json:
    book = openpyxl.load_workbook(path)
    props = book.properties
    return {
        "properties": {
            "title": props.title,
            "subject": props.subject,
            "creator": props.creator,
            "created": props.created.isoformat() if props.created else None,
        },
        "sheets": [_sheet(ws) for ws in book.worksheets],
    }


# --- .docx --------------------------------------------------------------------------------------


def _table(table: Table) -> dict[str, Json]:
    tbl = table._tbl
    grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.gridCol_lst]
    rows = []
    for tr in tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            marks = []
            if tc.grid_span != 1:
                marks.append(f"gridSpan={tc.grid_span}")
            if tc.vMerge is not None:
                marks.append(f"vMerge={tc.vMerge}")
            row.append([text, *marks] if marks else text)
        rows.append(row)
    return {"grid": grid, "rows": rows}


def docx_(path: Path) -> Json:
    document = docx.Document(str(path))
    props = document.core_properties
    body: list[Json] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            body.append({"table": _table(block)})
        else:
            body.append([block.style.name if block.style is not None else None, block.text])
    return {
        "properties": {"title": props.title, "subject": props.subject, "author": props.author, "keywords": props.keywords},
        "body": body,
    }


# --- bundles, summary.json, site pages ----------------------------------------------------------


def zip_(path: Path) -> Json:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        index = next((i for i in infos if i.filename.endswith("/目录.txt") or i.filename == "目录.txt"), None)
        text = archive.read(index).decode("utf-8-sig") if index else None
    return {
        "entries": [i.filename for i in infos],
        "dates": sorted({"{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*i.date_time) for i in infos}),
        "目录.txt": text.replace("\r\n", "\n").split("\n") if text is not None else None,
    }


def summary(path: Path) -> Json:
    """As written, keys sorted: readers look values up by key, so docgen may reorder keys freely."""
    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=lambda pairs: dict(sorted(pairs)))


def markdown(path: Path) -> Json:
    return path.read_text(encoding="utf-8").split("\n")


NORMALISERS: dict[str, Callable[[Path], Json]] = {".xlsx": xlsx, ".docx": docx_, ".zip": zip_, ".json": summary, ".md": markdown}


def normalise(path: Path, root: Path) -> Json:
    """The stable JSON form of one output; placeholders put in for the volatile bits."""
    return _scrub_all(NORMALISERS[path.suffix](path), root)


# --- the snapshot text --------------------------------------------------------------------------


def _scalar(value: Json) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def dumps(value: Json) -> str:
    """Pretty JSON with one line per cell, paragraph or page line: dicts open up; lists of plain values stay on one
    line, except long ones (a page's lines, 目录.txt, entry names), which get a line per item. Keys keep the order
    the normaliser built (row-major cells, body order), which is fixed by construction."""

    def encode(item: Json, indent: str) -> str:
        inner = indent + " "
        if isinstance(item, dict):
            if not item:
                return "{}"
            parts = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {encode(v, inner)}" for k, v in item.items()]
            return "{\n" + ",\n".join(parts) + "\n" + indent + "}"
        if isinstance(item, list):
            if not item:
                return "[]"
            flat = json.dumps(item, ensure_ascii=False)
            if all(_scalar(v) for v in item) and len(item) <= 12 and len(flat) <= 200:
                return flat
            return "[\n" + ",\n".join(inner + encode(v, inner) for v in item) + "\n" + indent + "]"
        return json.dumps(item, ensure_ascii=False)

    return encode(value, "") + "\n"
