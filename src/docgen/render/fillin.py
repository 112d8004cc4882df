"""Forms to fill (`docgen export`): 附件2/附件3 in the official layout, prefilled, with the unit's cells open.

The grid is `layout.place`'s and the drawing `xlsx.draw`'s — no second grid. What differs from the 附件 `build`
writes: the cells a unit reports each period (every fund row's 下达数, 支出数 and 全年预计支出数; every indicator's
指标完成情况, 全年指标预计完成情况, 偏差原因分析, the three 完成目标可能性 ticks and 备注) are filled light yellow and
unlocked, everything else is locked under sheet protection without a password (a clerk can read and print it all,
and lift the protection from the menu; nothing is secret, it only keeps labels from being typed over); a note
row under the table says so. The figures the form computes (资金总额's reported columns, 下达率, 支出进度) are left
blank: a workbook without formulas cannot keep them right as the clerk types, and `docgen import` computes them.
A tick cell takes only 「√」 (a drop-down); a figure or value cell offers 「未填报」 in a drop-down beside any number
or text typed. Last period's figure is the cell's comment (「上期（2025年1-6月）：412.35」).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import messages as M
from ..evaluate.evaluation import Evaluation
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import form_of
from ..form.model import Department, Indicator, Project
from . import templates
from .layout import Placed, Sheet, place
from .xlsx import _Formats, draw, new_book

#: Budget columns a unit reports each period (forms.BUDGET_COLUMNS' fields).
INPUT_AMOUNTS = frozenset({"allocated", "spent", "expected"})
#: Indicator columns a unit reports each period (forms.INDICATOR_COLUMNS' fields).
INPUT_INDICATOR = frozenset({"result", "expected", "deviation", "likelihood", "remark"})
#: Columns whose cells offer 「未填报」 in their drop-down (the rest: free text, or the tick's own list).
MAY_BE_UNREPORTED = frozenset({"allocated", "spent", "expected", "result"})


@dataclass(frozen=True)
class Sheetful:
    """One submission to put on a sheet of a form to fill, with its last period's version (None: none found)."""

    evaluation: Evaluation
    previous: Project | Department | None = None


@dataclass
class _Cells:
    """What the fill-in marking decided for one sheet: the open cells and the comments on them."""

    open: set[tuple[int, int]] = field(default_factory=set)
    ticks: list[Placed] = field(default_factory=list)
    choices: list[Placed] = field(default_factory=list)  # a likelihood written out in one column (some profiles' forms)
    unreported: list[Placed] = field(default_factory=list)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)

    def unlocked(self, cell: Placed) -> bool:
        return (cell.row, cell.col) in self.open


def _column(cell: Placed) -> tuple[str, str] | None:
    """(block, column field) of a data cell: ("funds", "spent"), ("indicators", "result"), ("indicators",
    "deviation") for a part of a split 偏差原因分析 (「indicators.3.deviation.经费保障」); None for labels."""
    if cell.field is None:
        return None
    parts = cell.field.split(".")
    if parts[0] == "indicators" and len(parts) >= 3:
        return parts[0], parts[2]
    return (parts[0], parts[-1]) if len(parts) >= 3 else None


def _is_total(sub: Project | Department, cell: Placed) -> bool:
    parts = (cell.field or "").split(".")
    return len(parts) == 3 and parts[0] in sub.tables and parts[1] == F.TOTAL_ROW


def _previous_text(previous: Project | Department | None, cell: Placed, sub: Project | Department) -> str | None:
    """Last period's figure or value for an open cell, as the comment says it."""
    if previous is None or cell.field is None:
        return None
    parts = cell.field.split(".")
    if parts[0] in previous.tables and len(parts) == 3:
        row = previous.tables[parts[0]].get(parts[1])
        if row is None or not row.reported(parts[2]):
            return None
        return N.money(getattr(row, parts[2]))
    if parts[0] == "indicators" and len(parts) == 3 and parts[2] in ("result", "expected"):
        mine: Indicator = sub.indicators[int(parts[1])]
        same = next((i for i in previous.indicators if (i.level1, i.level2, i.name) == (mine.level1, mine.level2, mine.name)), None)
        if same is None or not same.reported(parts[2]):
            return None
        return str(getattr(same, parts[2]))
    return None


def _open(sheet: Sheet, sub: Project | Department, previous: Project | Department | None, period_label: str) -> tuple[Sheet, _Cells]:
    """The placed sheet as a form to fill: computed figures blanked, open cells found, the note row added."""
    marks = _Cells()
    cells: list[Placed] = []
    form = form_of(sub)
    rates = frozenset(c.field for c in form.budget_columns if c.kind == "rate")  # computed from what is typed: blank
    own_rows = frozenset(t.field for t in form.table_rows)  # 「偏差或不能完成目标原因分析」…: written each period
    for cell in sheet.cells:
        column = _column(cell)
        if cell.field in own_rows:
            marks.open.add((cell.row, cell.col))
        if column is not None and column[0] in sub.tables:
            if column[1] in rates or (_is_total(sub, cell) and column[1] in INPUT_AMOUNTS):
                cell = replace(cell, value=None, style="center")
            elif column[1] in INPUT_AMOUNTS:
                marks.open.add((cell.row, cell.col))
        elif column is not None and column[0] == "indicators" and column[1] in INPUT_INDICATOR:
            marks.open.add((cell.row, cell.col))
            if cell.style == "tick":
                marks.ticks.append(cell)
            elif column[1] == "likelihood":
                marks.choices.append(cell)
        if (cell.row, cell.col) in marks.open and column is not None and column[1] in MAY_BE_UNREPORTED:
            marks.unreported.append(cell)
        if (cell.row, cell.col) in marks.open:
            before = _previous_text(previous, cell, sub)
            if before is not None:
                marks.comments[cell.row, cell.col] = M.export_label("fill_previous", period=period_label, value=before)
        cells.append(cell)
    note = Placed(sheet.rows, 0, sheet.rows, len(sheet.widths) - 1, M.export_label("fill_note"), "note")
    return replace(sheet, cells=(*cells, note), rows=sheet.rows + 1), marks


def _validate(ws: Any, marks: _Cells, answers: tuple[str, ...]) -> None:
    for cell in marks.ticks:
        ws.data_validation(
            cell.row,
            cell.col,
            cell.last_row,
            cell.last_col,
            {
                "validate": "list",
                "source": [F.TICK],
                "input_title": F.INDICATOR_FIELDS["likelihood"],
                "input_message": M.export_label("fill_tick_help"),
                "error_title": F.INDICATOR_FIELDS["likelihood"],
                "error_message": M.export_label("fill_tick_error"),
            },
        )
    for cell in marks.choices:
        ws.data_validation(
            cell.row,
            cell.col,
            cell.last_row,
            cell.last_col,
            {
                "validate": "list",
                "source": [*answers, F.NOT_REPORTED],
                "input_title": F.INDICATOR_FIELDS["likelihood"],
                "input_message": M.export_label("fill_choice_help"),
            },
        )
    for cell in marks.unreported:
        ws.data_validation(
            cell.row,
            cell.col,
            cell.last_row,
            cell.last_col,
            {
                "validate": "list",
                "source": [F.NOT_REPORTED],
                "show_error": False,  # a number or a text is typed; the list only offers 「未填报」
                "input_title": M.export_label("fill_input_title"),
                "input_message": M.export_label("fill_unreported_help"),
            },
        )
    for (row, col), text in marks.comments.items():
        ws.write_comment(row, col, text, {"author": "docgen", "x_scale": 1.6})


def sheet_name(sub: Project | Department, used: set[str]) -> str:
    """A sheet's name: 附件3, or the project's code (Excel: at most 31 characters, none of []:*?/\\), made unique."""
    base = form_of(sub).sheet if isinstance(sub, Department) else sub.code
    base = "".join("_" if c in "[]:*?/\\'" else c for c in base)[:28] or form_of(sub).sheet
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]}-{n}"
    used.add(name.lower())
    return name


def fillin_bytes(items: Iterable[Sheetful], style_path: Path, *, title: str) -> bytes:
    """One workbook of forms to fill, a sheet per submission, in the order given; same bytes for the same input."""
    style = templates.table_style(style_path)
    buffer = io.BytesIO()
    book = new_book(buffer, style)
    formats = _Formats(book, style)
    used: set[str] = set()
    first: Project | Department | None = None
    for item in items:
        sub = item.evaluation.submission
        first = first or sub
        sheet, marks = _open(place(item.evaluation), sub, item.previous, _label(item.previous))
        ws, _ = draw(book, sheet_name(sub, used), item.evaluation, style, formats, sheet=sheet, unlocked=marks.unlocked)
        _validate(ws, marks, form_of(sub).answers)
        ws.protect("", {"format_rows": True, "format_columns": True, "select_locked_cells": True, "select_unlocked_cells": True})
    if first is not None:
        book.set_properties(
            {
                "title": title,
                "author": getattr(first, "unit", first.department),
                "company": first.department,
                "created": datetime(first.period.year, first.period.month, 1),
            }
        )
    book.close()
    return buffer.getvalue()


def _label(previous: Project | Department | None) -> str:
    return previous.period.label if previous is not None else ""


def amount(value: Decimal) -> str:
    """An amount as the forms print it (for the comments), kept here so tests can say what a comment holds."""
    return N.money(value)
