"""附件2/附件3 laid out: `place()` puts one evaluated submission on the 13-column grid (A–M) as positioned cells.

The grid itself — every label, field and span, block by block — is the forms' description (form/forms.py:
`FORMS`, each form's `budget_columns`, `indicator_columns`, answers and widths); render_xlsx only draws the
placed cells. A reader of filled-in
forms walks the same description (labels to find, fields to read), so nothing here may depend on how a workbook
is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..evaluate.draft import money_notes
from ..evaluate.evaluation import Evaluation
from ..evaluate.figures import Figures
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import (
    Budget,
    Column,
    Form,
    Ident,
    IdentCell,
    Indicators,
    Notes,
    Text,
    form_of,
)
from ..form.model import Department, Indicator, Period, Project

#: Column widths in Excel character units (the width of "0" in the default font); a Chinese character takes ~2.
WIDTHS = (6.5, 21.0, 13.0, 18.0, 12.0, 12.0, 9.0, 9.0, 12.0, 7.5, 7.5, 8.5, 14.0)


def widths(form: Form) -> tuple[float, ...]:
    """The form's column widths: its own (a wider grid), else the 13 columns A–M of 朔州's forms."""
    return form.widths or WIDTHS


def header_text(text: str, period: Period) -> str:
    """A header with 「1-XX月」 replaced by the real period (「1-6月」)."""
    return text.replace(F.MONTHS_PLACEHOLDER, period.months)


def fund_row_label(index: int, row: str) -> str:
    """「资金总额：」, then 「其中：」 before the first fund row, as the form prints them."""
    return F.FIRST_ROW_PREFIX + row if index == 0 else row


# --- placing a submission -------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One cell (or merged range) of the grid, 0-based and inclusive, with its value and style name.

    Styles: title, period, label, header, block (a block label in column A), text, center, money, rate, tick, note.
    `field` names what a data cell holds (「funds.中央财政资金.spent」, 「indicators.3.name」); None for labels.
    """

    row: int
    col: int
    last_row: int
    last_col: int
    value: str | Decimal | None
    style: str
    field: str | None = None

    @property
    def merged(self) -> bool:
        return self.last_row > self.row or self.last_col > self.col


@dataclass(frozen=True)
class Sheet:
    """A form laid out for one submission: the placed cells plus what printing needs (repeated header, borders)."""

    form: Form
    cells: tuple[Placed, ...]
    rows: int
    header_rows: tuple[int, int]  # rows repeated at the top of every printed page (the indicator header)
    body_rows: frozenset[int]  # rows inside the bordered table (not the title or the notes)
    breaks: tuple[tuple[int, int], ...] = ()  # (row, rank) where a page may start: 1 a new 一级 group, 2 a new 二级

    @property
    def widths(self) -> tuple[float, ...]:
        return widths(self.form)

    @property
    def body_end(self) -> int:
        """The first row after the bordered table (the notes')."""
        return max(self.body_rows, default=-1) + 1


class _Grid:
    def __init__(self) -> None:
        self.cells: list[Placed] = []
        self.row = 0
        self.breaks: list[tuple[int, int]] = []

    def put(
        self,
        row: int,
        col: int,
        value: str | Decimal | None,
        style: str,
        *,
        last_row: int | None = None,
        last_col: int | None = None,
        field: str | None = None,
    ) -> None:
        self.cells.append(
            Placed(row, col, row if last_row is None else last_row, col if last_col is None else last_col, value, style, field)
        )


def _identity(sub: Project | Department, field: str) -> str:
    if field == "department_and_code":
        return f"{sub.department}（{sub.department_code}）"
    return str(getattr(sub, field))


def choices_text(cell: IdentCell, chosen: str) -> str:
    """A check-box group as printed: 「1、持续性项目 □　2、新增性项目 ☑」, the chosen one ticked."""
    return F.CHOICE_SEPARATOR.join(
        F.CHOICE_ITEM.format(number=i, choice=choice, box=F.BOX_TICKED if choice == chosen else F.BOX_EMPTY)
        for i, choice in enumerate(cell.choices, start=1)
    )


def _two_row_headers(grid: _Grid, columns: tuple[Column, ...], period: Period, top: int) -> None:
    """Headers over two rows: a grouped column's group label spans its columns on the first row."""
    groups: dict[str, list[Column]] = {}
    for column in columns:
        if column.group:
            groups.setdefault(column.group, []).append(column)
            grid.put(top + 1, column.first, header_text(column.header, period), "header", last_col=column.last)
        else:
            grid.put(top, column.first, header_text(column.header, period), "header", last_row=top + 1, last_col=column.last)
    for group, members in groups.items():
        grid.put(top, members[0].first, group, "header", last_col=members[-1].last)


def _rate_value(rate: Decimal | None) -> str | Decimal:
    return N.NO_RATE if rate is None else rate


def budget_value(fig: Figures, column: Column, form: Form) -> Decimal | None:
    """The figure a budget column shows: a form with a 全年预算数 column (`adjusted_budget`) shows the 年初预算 under
    `budget` and the budget the rates use under it; 朔州's shows the budget the rates use under 本年预算."""
    if column.field == "adjusted_budget":
        return fig.budget
    if column.field == "budget" and fig.initial_budget is not None and "adjusted_budget" in form.amounts:
        return fig.initial_budget
    value: Decimal | None = getattr(fig, column.field)
    return value


def _budget(grid: _Grid, block: Budget, ev: Evaluation) -> None:
    sub = ev.submission
    form = form_of(sub)
    columns = form.budget_columns
    start = grid.row
    for table in block.tables:
        top = grid.row
        grid.put(top, 1, table.number or None, "header", last_row=top + 1)
        _two_row_headers(grid, columns, sub.period, top)
        given = sub.tables[table.field]
        figures = ev.tables[table.field]
        row = top + 2
        for index, (label, fig) in enumerate(figures.items()):
            shown = index == 0 or label in given  # a fund source not written stays blank, as on a hand-filled form
            text = (table.total_label or F.TOTAL_ROW_LABEL) if index == 0 else fund_row_label(index - 1, label)
            grid.put(row, 1, text, "label")
            for column in columns:
                value: str | Decimal | None = budget_value(fig, column, form) if shown else None
                if shown and column.kind == "rate":
                    value = _rate_value(budget_value(fig, column, form))
                if shown and column.field != "adjusted_budget" and not fig.reported(column.field):
                    value = F.NOT_REPORTED  # printed as typed: never a 0 nobody reported
                style = "center" if value in (N.NO_RATE, F.NOT_REPORTED) else column.kind
                grid.put(row, column.first, value, style, last_col=column.last, field=f"{table.field}.{label}.{column.field}")
            row += 1
        grid.row = row
    grid.put(start, 0, block.label, "block", last_row=grid.row - 1)


def _groups(levels: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """The taxonomy's groups in the form's order: (一级, 二级) pairs, or the 一级 alone on a form without 二级."""
    for level1, level2s in F.TAXONOMY.items():
        if "level2" in levels:
            for level2 in level2s:
                yield level1, level2
        else:
            yield (level1,)


def _indicator_rows(indicators: tuple[Indicator, ...], levels: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], int | None]]:
    """(group, index into indicators or None) in the form's order; an empty group keeps one blank row."""
    for group in _groups(levels):
        found: list[int | None] = [i for i, ind in enumerate(indicators) if (ind.level1, ind.level2)[: len(group)] == group]
        for index in found or [None]:
            yield group, index


def _indicator_value(indicator: Indicator, column: Column, form: Form) -> str | None:
    """What one indicator shows in one column of the form."""
    if column.kind == "tick":
        return F.TICK if indicator.likelihood == column.header else None
    if column.kind == "choice":  # the answer written out, in one column
        return indicator.likelihood if indicator.reported("likelihood") else F.NOT_REPORTED
    if column.kind == "value":
        return _value_text(indicator, column.field)
    if column.part:
        return indicator.part(column.part) or None
    ticks = any(c.kind == "tick" for c in form.indicator_columns)
    if column.field == "remark" and ticks and not indicator.reported("likelihood"):  # no tick says nothing: say why
        unreported = f"{F.INDICATOR_FIELDS['likelihood']}：{F.NOT_REPORTED}"
        return "；".join(text for text in (unreported, indicator.remark) if text)
    return str(getattr(indicator, column.field)) or None


def _value_text(indicator: Indicator, field: str) -> str:
    if field == "target" and indicator.adjusted_target is not None and indicator.reported("adjusted_target"):
        return F.ADJUSTED_TARGET.format(target=indicator.target, adjusted=indicator.adjusted_target)
    return str(getattr(indicator, field))


def _indicators(grid: _Grid, block: Indicators, sub: Project | Department) -> None:
    form = form_of(sub)
    columns = form.indicator_columns
    levels = form.levels
    level_columns = [next(c for c in columns if c.field == name) for name in levels]
    top = grid.row
    _two_row_headers(grid, columns, sub.period, top)
    row = top + 2
    if "indicators" in sub.unreported and not sub.indicators:  # 「绩效指标: 未填报」: say so, never a blank table
        first = columns[0].first
        grid.put(row, first, F.NOT_REPORTED, "center", last_col=columns[-1].last, field="indicators")
        grid.put(top, 0, block.label, "block", last_row=row)
        grid.row = row + 1
        return
    spans: dict[tuple[str, ...], list[int]] = {}
    for group, index in _indicator_rows(sub.indicators, levels):
        if row > top + 2 and group not in spans:  # a page may start where a group starts
            grid.breaks.append((row, 1 if group[:1] not in spans else 2))
        for depth in range(1, len(group) + 1):
            spans.setdefault(group[:depth], []).append(row)
        indicator = sub.indicators[index] if index is not None else None
        for column in columns[len(levels) :]:
            field = f"indicators.{index}.{column.field}" if index is not None else None
            if column.part and field:
                field = f"{field}.{column.part}"
            value = None if indicator is None else _indicator_value(indicator, column, form)
            style = "center" if column.kind in ("value", "tick", "choice") else "text"
            grid.put(row, column.first, value, "tick" if column.kind == "tick" else style, last_col=column.last, field=field)
        row += 1
    for key, rows in spans.items():
        where = level_columns[len(key) - 1]
        grid.put(rows[0], where.first, key[-1], "label", last_row=rows[-1], last_col=where.last)
    grid.put(top, 0, block.label, "block", last_row=row - 1)
    grid.row = row


def place(ev: Evaluation) -> Sheet:
    """Lay one evaluated submission out on the grid: title, period line, then each block of its form in order."""
    sub = ev.submission
    form = form_of(sub)
    last = len(widths(form)) - 1
    grid = _Grid()
    grid.put(0, 0, form.title, "title", last_col=last)
    grid.put(1, 0, f"（{sub.period.label}）", "period", last_col=last)
    grid.row = 2
    header_rows = (0, 0)
    body_start = grid.row
    body_end = grid.row
    for block in form.blocks:
        if isinstance(block, Ident):
            for cells in block.rows:
                for cell in cells:
                    if cell.label is not None:
                        grid.put(grid.row, cell.first, cell.label, "label", last_col=cell.last)
                    elif cell.choices:
                        chosen = sub.texts.get(cell.field or "", "")
                        grid.put(grid.row, cell.first, choices_text(cell, chosen), "text", last_col=cell.last, field=cell.field)
                    else:
                        assert cell.field is not None
                        grid.put(grid.row, cell.first, _identity(sub, cell.field), "text", last_col=cell.last, field=cell.field)
                grid.row += 1
        elif isinstance(block, Budget):
            _budget(grid, block, ev)
        elif isinstance(block, Text):
            value = sub.texts.get(block.field, "") if block.key else getattr(sub, block.field)
            grid.put(grid.row, 0, block.label, "label", last_col=1)
            grid.put(grid.row, 2, value or None if block.key else value, "text", last_col=last, field=block.field)
            grid.row += 1
            body_end = max(body_end, grid.row) if block.key else body_end
        elif isinstance(block, Indicators):
            header_rows = (grid.row, grid.row + 1)
            grid.breaks.append((grid.row, 1))  # the indicator table may start a page of its own
            _indicators(grid, block, sub)
            body_end = grid.row
        elif isinstance(block, Notes):
            for text in (*block.texts, *money_notes(ev)):
                grid.put(grid.row, 0, text, "note", last_col=last)
                grid.row += 1
    return Sheet(form, tuple(grid.cells), grid.row, header_rows, frozenset(range(body_start, body_end)), tuple(grid.breaks))
