"""`docgen import`: filled 附件2/附件3 read back through the one form description that writes them.

The reader never trusts a cell address. It finds the form by its labels — the table's title, the identification
labels, the budget header (「上年结转」 under 「年度预算资金安排」), the 「绩效指标」 header, the notes — as
form/forms.py describes them (the same `Form`, its blocks and their columns, that render/layout.py places),
so docgen's own workbooks and hand-made ones in the official layout read alike: merged or split cells, extra or
missing 「……」 rows, blank rows, numbers stored as text (「1,650.00」, full-width digits), 「√」「✓」「是」 ticks.

What the form states but docgen computes (小计, 资金总额, 下达率, 支出进度) is compared with evaluate/figures.py's
figures, and a disagreement is a problem on that cell, never silently replaced. Money stays in 万元: the forms and
the YAML both count in 万元 (form/forms.py: kind `amount`). A cell 「未填报」 stays 「未填报」.

The YAML is written through ruamel's round trip (tooling/fmt.py), so an existing file keeps its comments and every
key the form does not carry (分析报告, 审核意见, 佐证材料, 按进度累计, 调整后预算, 明细 …), then put in canonical form.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from .. import messages as M
from ..evaluate import figures as compute
from ..form import vocabulary as F
from ..form.forms import (
    BUDGET_COLUMNS,
    FORMS,
    INDICATOR_COLUMNS,
    BudgetTable,
    Column,
    Form,
    Ident,
    IdentCell,
    Indicators,
    Notes,
    Profile,
)
from ..form.model import Amounts, Period, not_reported
from ..render.layout import budget_value
from . import fmt
from .sheets import Grid, Workbook, address, number, squeeze, text_of

K, I, A = F.KEYS, F.INDICATOR_FIELDS, F.AMOUNT_FIELDS  # noqa: E741 - I: the 绩效指标 field names, as in model.py

#: Marks read as a tick in a likelihood column, and marks read as "not this one" (squeezed).
TICKS = frozenset({"√", "✓", "✔", "☑", "是", "✅"})
UNTICKED = frozenset({"", "否", "×", "✗", "✘", "x", "X"})
#: Marks read as a ticked check-box beside an option of a group (项目属性: ☑持续性项目), and as an empty one.
BOX_TICKS = frozenset({"☑", "☒", "√", "✓", "✔", "■", "▣", "✅", "●"})
BOX_EMPTY = frozenset({"□", "☐", "○"})
#: A 「……」 row the official form leaves for more indicators (or fund rows): skipped when nothing else is in it.
_DOTS = re.compile(r"^[.…。·⋯]+$")
_PERIOD = re.compile(r"^\(?(\d{4})年(?:1[-－–—~～至])?(\d{1,2})月\)?$")
_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<code>[^（()）]*?)\s*[)）]\s*$", re.S)


@dataclass(frozen=True)
class Problem:
    """One problem, located on the spreadsheet (file, sheet, cell) rather than in a YAML file."""

    file: str
    sheet: str | None
    cell: str | None
    code: str
    message: str
    severity: str = "error"

    def location(self) -> str:
        if self.sheet is None:
            return M.label("import_file_location", file=self.file)
        return M.label("import_location", file=self.file, sheet=self.sheet, cell=self.cell or "A1")

    def text(self) -> str:
        """「附件2-….xlsx 工作表「附件2」 F8：错误 E510 …」."""
        severity = M.SEVERITY.get(self.severity, self.severity)
        return M.label("import_problem", location=self.location(), severity=severity, code=self.code, message=self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class Read:
    """One form read off one sheet: the data as the YAML keys it (money as Decimal), where each value came from
    (JSON path -> cell; indicators by their 三级指标), and the problems found."""

    kind: str
    file: str
    sheet: str
    form: Form
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[tuple[Any, ...], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    period: Period | None = None
    anchor: str = "A1"  # where the form starts (its title), for problems about the whole form
    flags: dict[str, Any] = field(default_factory=dict)  # what the roster says of a project (科研类, 涉密), for a new file
    header_end: int = 0  # the last row of the headers last found (a one-row header by hand, two rows on docgen's)

    def problem(self, cell: str | None, code: str, **args: Any) -> None:
        self.problems.append(Problem(self.file, self.sheet, cell, code, M.message(code, **args)))

    def cell_of(self, path: tuple[Any, ...]) -> str:
        """The cell a YAML path came from: the longest known prefix (an indicator by its index in `data`)."""
        probe = tuple(path)
        while probe:
            if probe in self.cells:
                return self.cells[probe]
            probe = probe[:-1]
        return self.anchor


# --- reading a grid ---------------------------------------------------------------------------


def _header_pattern(header: str) -> re.Pattern[str]:
    """A header as offices write it: 「1-XX月」 as any months (or none), the bracketed explanation optional."""
    text = squeeze(header)
    core, bracket, rest = text.partition("(")
    months = r"(?:1-\d{1,2}月|\d{1,2}月|1-XX月)?"
    placeholder = squeeze(F.MONTHS_PLACEHOLDER)

    def escaped(part: str) -> str:
        return months.join(re.escape(p) for p in part.split(placeholder))

    tail = f"(?:{re.escape(bracket)}{escaped(rest)})?" if bracket else ""
    return re.compile(f"^{escaped(core)}{tail}$")


class _Sheet:
    """A grid with the lookups the reader needs: labels by text, the value a person sees in a cell."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.texts: dict[tuple[int, int], str] = {}
        for (row, col), cell in grid.cells.items():
            if isinstance(cell.value, str) and cell.value.strip():
                self.texts[row, col] = squeeze(cell.value)
        self.values: frozenset[tuple[int, int]] = frozenset()

    def typed_values(self, labels: frozenset[str]) -> None:
        """Mark the cells that hold a value typed right of a label: such a cell is never taken for a label, so a
        预算单位 typed as 「项目年度绩效目标」 is not where the target is (found by tests/tooling/test_import_property.py).
        A cell is a label when its text is one and the cell just left of it is not a label itself."""
        values: set[tuple[int, int]] = set()
        for row, col in sorted(self.texts):
            left = self.grid.span(row, col)[1] - 1
            if left < 0:
                continue
            before = self.grid.span(row, left)[:2]
            if self.texts.get(before) in labels and before not in values:
                values.add((row, col))
        self.values = frozenset(values)

    def find(self, label: str, *, start: int = 0, stop: int | None = None) -> tuple[int, int] | None:
        """The first cell (top to bottom, left to right) whose whole text is `label`, in rows [start, stop), that is
        not a value typed right of a label (`typed_values`)."""
        wanted = squeeze(label)
        found = [
            rc
            for rc, text in self.texts.items()
            if text == wanted and rc[0] >= start and (stop is None or rc[0] < stop) and rc not in self.values
        ]
        return min(found) if found else None

    def match(self, pattern: re.Pattern[str], rows: range) -> tuple[int, int] | None:
        found = [rc for rc, text in self.texts.items() if rc[0] in rows and pattern.match(text)]
        return min(found) if found else None

    def shown(self, row: int, col: int) -> Any:
        """What Excel shows at (row, col): a merged range's value in every cell of it."""
        r1, c1, _, _ = self.grid.span(row, col)
        return self.grid.value(r1, c1)

    def columns(self, row: int, col: int) -> tuple[int, int]:
        _, c1, _, c2 = self.grid.span(row, col)
        return c1, c2

    def first_in(self, row: int, first: int, last: int) -> tuple[int, int]:
        """The cell of columns first..last on `row` that holds the value (a merged range's top-left, or the first
        filled one when a hand-made form split the merge); the first column when all are empty."""
        for col in range(first, last + 1):
            r1, c1, _, _ = self.grid.span(row, col)
            if self.grid.cell(r1, c1) is not None and text_of(self.grid.value(r1, c1)) != "":
                return r1, c1
        return self.grid.span(row, first)[:2]

    def right_of(self, row: int, col: int, labels: frozenset[str]) -> tuple[int, int] | None:
        """The value cell right of a label on its row: the first filled cell that is not another label."""
        _, _, _, last = self.grid.span(row, col)
        for c in range(last + 1, max(self.grid.cols, last + 2)):
            if self.grid.covered(row, c):
                continue
            text = self.texts.get((row, c))
            if text in labels:
                return None
            if self.grid.cell(row, c) is not None and text_of(self.grid.value(row, c)) != "":
                return row, c
        return None


def _form_kind(sheet: _Sheet, forms: dict[str, Form]) -> str | None:
    """附件2 or 附件3, by the form's title, else by an identification label only that form has (a deleted title)."""
    texts = set(sheet.texts.values())
    kinds = tuple(k for k in ("project", "department") if k in forms)
    for kind in kinds:
        if squeeze(forms[kind].title) in texts:
            return kind
    labels = {kind: _labels(_ident(forms[kind])) for kind in kinds}
    for kind in kinds:
        own = labels[kind].difference(*(labels[o] for o in kinds if o != kind))
        if own and own <= texts:
            return kind
    return None


def read_workbook(book: Workbook, forms: dict[str, Form] | None = None) -> tuple[list[Read], list[Problem]]:
    """Every form in the workbook (one per sheet: several projects may come as several sheets); sheets that hold
    no form (an instructions sheet) are passed over. A workbook without any form is a problem of its own.
    `forms` are the repository's profile's (form/forms.py: the very description render/layout.py lays out)."""
    forms = forms or FORMS
    reads = []
    for grid in book.sheets:
        sheet = _Sheet(grid)
        kind = _form_kind(sheet, forms)
        if kind is not None:
            reads.append(_read_sheet(book.name, sheet, forms[kind]))
    problems = [] if reads else [Problem(book.name, None, None, "E505", M.message("E505", **_which_forms(forms)))]
    return reads, problems


def _which_forms(forms: dict[str, Form]) -> dict[str, str]:
    """E505's words: the profile's forms by title (「附件2《市级项目支出绩效运行监控表》或附件3《…》」) and the first
    identification label of each, as printed."""
    project, department = forms["project"], forms["department"]
    first = [next((c.label for row in _ident(f).rows for c in row if c.label), "") for f in (project, department)]
    return {
        "forms": M.label("import_which_forms", project=project.title, department=department.title),
        "labels": "".join(f"「{label}」" for label in first if label),
    }


def _read_sheet(file: str, sheet: _Sheet, form: Form) -> Read:
    read = Read(form.kind, file, sheet.grid.name, form)
    sheet.typed_values(_labels(_ident(form)) | {squeeze(b.label) for b in (form.target, *form.table_rows) if b is not None})
    title = sheet.find(form.title)
    if title is not None:
        read.anchor = address(*title)
    read.period = _period(read, sheet, title)
    _identity(read, sheet)
    limits = _block_rows(sheet, form)
    for index, table in enumerate(form.tables):
        _budget(read, sheet, table, index, limits)
    _target(read, sheet)
    _indicators(read, sheet, limits)
    _table_rows(read, sheet)
    return read


def _period(read: Read, sheet: _Sheet, title: tuple[int, int] | None) -> Period | None:
    start = title[0] + 1 if title else 0
    for row in range(start, min(start + 4, sheet.grid.rows)):
        for col in range(sheet.grid.cols):
            text = sheet.texts.get((row, col))
            if text and (found := _PERIOD.match(text)):
                year, month = int(found[1]), int(found[2])
                if 1 <= month <= 12:
                    read.data[K["year"]], read.data[K["month"]] = year, month
                    read.cells[(K["year"],)] = read.cells[(K["month"],)] = address(row, col)
                    return Period(year, month)
    seen = text_of(sheet.grid.value(start, 0)) if title else ""
    read.problem(address(start, 0), "E507", found=M.label("import_found_period", value=seen) if seen else "")
    return None


def _labels(ident: Ident) -> frozenset[str]:
    return frozenset(squeeze(cell.label) for row in ident.rows for cell in row if cell.label)


def _ident(form: Form) -> Ident:
    return next(b for b in form.blocks if isinstance(b, Ident))


def budget_columns(form: Form) -> tuple[Column, ...]:
    """The form's budget columns (a profile may have its own), as render/layout.py lays them out."""
    budget = form.budget
    return budget.columns if budget is not None and budget.columns else BUDGET_COLUMNS


def indicator_columns(form: Form) -> tuple[Column, ...]:
    """The form's indicator columns, the likelihood answers among them (a profile may have its own scale)."""
    block = next((b for b in form.blocks if isinstance(b, Indicators)), None)
    return block.columns if block is not None and block.columns else INDICATOR_COLUMNS


def _header_of(columns: tuple[Column, ...], name: str) -> str:
    return next(c.header for c in columns if c.field == name)


def _notes(form: Form) -> tuple[str, ...]:
    return tuple(text for b in form.blocks if isinstance(b, Notes) for text in b.texts)


def ident_label(form: Form, field_name: str) -> str:
    """The label printed left of an identification field (「主管部门及代码」), for messages about its value."""
    for row in _ident(form).rows:
        for label, value in itertools.pairwise(row):
            if label.label and value.field == field_name:
                return label.label
    return field_name


def _identity(read: Read, sheet: _Sheet) -> None:
    ident = _ident(read.form)
    labels = _labels(ident)
    for cells in ident.rows:
        for label, value in itertools.pairwise(cells):
            if label.label is None or value.field is None:
                continue
            at = sheet.find(label.label)
            if at is None:
                read.problem(read.anchor, "E506", label=label.label, what=M.label("import_ident_block", label=label.label))
                continue
            spot = sheet.right_of(*at, labels)
            text = text_of(sheet.grid.value(*spot)) if spot else ""
            cell = address(*spot) if spot else address(at[0], sheet.columns(*at)[1] + 1)
            if value.choices:
                _choice(read, value, label.label, text, cell)
            elif value.field == "department_and_code":
                found = _NAME_AND_CODE.match(text)
                if found is None or not found["name"].strip() or not found["code"]:
                    read.problem(cell, "E508", label=label.label, value=text)
                    continue
                read.data[K["department"]], read.data[K["department_code"]] = found["name"].strip(), found["code"]
                read.cells[(K["department"],)] = read.cells[(K["department_code"],)] = cell
            else:
                key = K["project_name"] if value.field == "name" else K[value.field]
                read.data[key] = text
                read.cells[(key,)] = cell


def _choice(read: Read, group: IdentCell, label: str, text: str, cell: str) -> None:
    """A check-box group as printed (「1、持续性项目 ☑　2、新增性项目 □」) or as offices type it (「☑持续性项目
    □新增性项目」, 「√持续性项目」, 「■新增性项目」, or the option's name alone): the one ticked option, none (the key
    stays unwritten, as layout prints an unchosen group), or a problem."""
    key = group.key or group.field or label
    read.cells[(key,)] = cell
    flat = squeeze(text)
    if not flat:
        return
    if flat in (squeeze(c) for c in group.choices):
        read.data[key] = next(c for c in group.choices if squeeze(c) == flat)
        return
    spots = sorted((flat.find(squeeze(c)), c) for c in group.choices if squeeze(c) in flat)
    if not spots:
        read.problem(cell, "E531", label=label, value=text, options="、".join(group.choices), first=group.choices[0])
        return
    marks = BOX_TICKS | BOX_EMPTY
    before = any(ch in marks for ch in flat[: spots[0][0]])  # a box before the first option: boxes precede options
    ticked = []
    for i, (at, choice) in enumerate(spots):
        if before:
            start = spots[i - 1][0] + len(squeeze(spots[i - 1][1])) if i else 0
            segment = flat[start:at]
        else:
            end = spots[i + 1][0] if i + 1 < len(spots) else len(flat)
            segment = flat[at + len(squeeze(choice)) : end]
        if any(ch in BOX_TICKS for ch in segment):
            ticked.append(choice)
    if len(ticked) > 1:
        read.problem(cell, "E530", label=label, choices="、".join(ticked))
    elif ticked:
        read.data[key] = ticked[0]


@dataclass(frozen=True)
class _Limits:
    """Where the blocks start, so a table's rows stop at the next block: the budget headers, the target, the
    indicator header."""

    budget_headers: tuple[int, ...]
    target: int | None
    indicators: int | None
    end: int


def _block_rows(sheet: _Sheet, form: Form) -> _Limits:
    """Each budget table's header is found by its first column's header (朔州's 「上年结转」 under 「年度预算资金安排」,
    Hubei's 「年初预算数」 over two rows): the row it ends on is the table's last header row."""
    first = budget_columns(form)[0]
    pattern = _header_pattern(first.header)
    headers = tuple(sorted({sheet.grid.span(row, col)[2] for (row, col), text in sheet.texts.items() if pattern.match(text)}))
    target = sheet.find(form.target.label) if form.target else None
    level1 = sheet.find(_header_of(indicator_columns(form), "name"))
    return _Limits(headers, target[0] if target else None, level1[0] if level1 else None, sheet.grid.rows)


def _column_spans(read: Read, sheet: _Sheet, columns: tuple[Column, ...], rows: range, what: str) -> dict[Column, tuple[int, int]] | None:
    """Each column's grid columns, found by its header in `rows`; None (and a problem) when one is missing."""
    spans: dict[Column, tuple[int, int]] = {}
    period = read.period or Period(2000, 12)
    for column in columns:
        header = column.header
        at = sheet.find(header, start=rows.start, stop=rows.stop) if column.kind == "tick" else sheet.match(_header_pattern(header), rows)
        if at is None:
            shown = header.replace(F.MONTHS_PLACEHOLDER, period.months)
            read.problem(address(rows.start, column.first), "E506", label=shown, what=what)
            return None
        spans[column] = sheet.columns(*at)
        read.header_end = max(read.header_end, sheet.grid.span(*at)[2])
    return spans


def _amount(read: Read, sheet: _Sheet, row: int, span: tuple[int, int], label: str, name: str) -> tuple[Any, str, bool]:
    """(value, cell, blank): a typed amount — Decimal, 「未填报」, or None with a problem — and where it is."""
    r, c = sheet.first_in(row, *span)
    cell = sheet.grid.cell(r, c)
    where = address(r, c)
    field_name = f"{label}·{amount_key(name)}"
    if cell is None or (text_of(cell.value) == "" and not cell.formula):
        return None, where, True
    if cell.formula:
        read.problem(where, "E512", field=field_name, formula=cell.formula)
        return None, where, False
    value = cell.value
    if isinstance(value, str) and squeeze(value) == F.NOT_REPORTED:
        return F.NOT_REPORTED, where, False
    found = number(value)
    if found is None:
        hint = M.hint("amount_text") if isinstance(value, str) else ""
        read.problem(where, "E510", field=field_name, value=text_of(value), hint=hint)
        return None, where, False
    return found, where, False


def _row_label(text: str) -> str:
    text = squeeze(text)
    prefix = squeeze(F.FIRST_ROW_PREFIX)
    return text.removeprefix(prefix).rstrip(":")


def _budget(read: Read, sheet: _Sheet, table: BudgetTable, index: int, limits: _Limits) -> None:
    what = M.label("import_budget_block", table=table.key)
    columns = budget_columns(read.form)
    if index >= len(limits.budget_headers):
        budget = read.form.budget
        at = sheet.find(budget.label) if budget is not None else None
        at = at or sheet.find(table.total_label or F.TOTAL_ROW_LABEL)  # the label went with the header row: the 资金总额 row
        shown = columns[0].header.replace(F.MONTHS_PLACEHOLDER, (read.period or Period(2000, 12)).months)
        read.problem(address(*at) if at else read.anchor, "E506", label=shown, what=what)
        return
    sub = limits.budget_headers[index]
    spans = _column_spans(read, sheet, columns, range(max(sub - 1, 0), sub + 1), what)
    if spans is None:
        return
    stops = [r for r in (*limits.budget_headers[index + 1 :], limits.target, limits.indicators) if r is not None and r > sub]
    stop = min([*stops, limits.end])
    if index + 1 < len(limits.budget_headers):
        stop = min(stop, limits.budget_headers[index + 1] - 1)  # the next table's group header row
    first_money = min(c for c, _ in spans.values())
    totals = {squeeze(F.TOTAL_ROW), _row_label(table.total_label or F.TOTAL_ROW_LABEL)}
    known = {squeeze(r): r for r in table.rows}
    rows: dict[str, dict[str, Any]] = {}
    stated: dict[str, tuple[int, dict[str, Any]]] = {}
    money = typed_columns(columns)
    for row in range(sub + 1, stop):
        label_text = next((text_of(sheet.grid.value(row, c)) for c in range(1, first_money) if text_of(sheet.grid.value(row, c))), "")
        label = _row_label(label_text)
        filled = any(text_of(sheet.shown(row, c)) for c1, c2 in spans.values() for c in range(c1, c2 + 1))
        if (not label and not filled) or (_DOTS.match(label) and not filled):
            continue
        if label in totals:
            stated[F.TOTAL_ROW] = (row, {c.field: sheet.first_in(row, *spans[c]) for c in columns})
            continue
        if label not in known:
            if filled:
                where = address(row, 1)
                read.problem(where, "E518", label=label_text, table=table.key, options="、".join(table.rows))
            continue
        name = known[label]
        values: dict[str, Any] = {}
        blanks: list[tuple[str, str]] = []
        for column in money:
            value, where, blank = _amount(read, sheet, row, spans[column], name, column.field)
            read.cells[(table.key, name, amount_key(column.field))] = where
            if blank:
                blanks.append((column.field, where))
            elif value is not None:
                values[amount_key(column.field)] = value
        read.cells[(table.key, name)] = address(row, 1)
        if len(blanks) == len(money):
            continue  # a fund source not written: the row stays absent, as on a hand-filled form
        for name_, where in blanks:
            read.problem(where, "E511", field=f"{name}·{amount_key(name_)}")
        rows[name] = _adjustment(values)
        stated[name] = (row, {c.field: sheet.first_in(row, *spans[c]) for c in columns})
    read.cells[(table.key,)] = address(sub, 1)
    whole = stated.get(F.TOTAL_ROW)
    if not rows and whole is not None and _all_not_reported(sheet, whole[1], money):
        read.data[table.key] = F.NOT_REPORTED
        return
    read.data[table.key] = rows
    needed = [amount_key(c.field) for c in money if c.field != ADJUSTED]
    if any(not all(k in v for k in needed) for v in rows.values()):
        return  # amounts missing or unreadable: their problems are told; figures would compare nonsense
    _check_figures(read, sheet, table, rows, stated)


ADJUSTED = "adjusted_budget"
ADJUSTED_KEY = F.ROW_EXTRA_FIELDS[ADJUSTED]


def typed_columns(columns: tuple[Column, ...]) -> list[Column]:
    """The budget columns a clerk types (the five amounts, and a 全年预算数 column where the form has one)."""
    return [c for c in columns if c.kind == "money" and (c.field in A or c.field == ADJUSTED)]


def amount_key(name: str) -> str:
    """The YAML key of a typed budget column: 本年预算… , 调整后预算 for a form's 全年预算数."""
    return ADJUSTED_KEY if name == ADJUSTED else A[name]


def _adjustment(values: dict[str, Any]) -> dict[str, Any]:
    """A form with both 年初预算数 and 全年预算数 (layout.budget_value) records an adjustment only where they differ;
    where the budget is 「未填报」 the 全年预算数 printed beside it says nothing."""
    adjusted = values.get(ADJUSTED_KEY)
    budget = values.get(A["budget"])
    if adjusted is None:
        return values
    if (isinstance(budget, Decimal) and isinstance(adjusted, Decimal) and adjusted == budget) or (
        budget == F.NOT_REPORTED and (adjusted == F.NOT_REPORTED or adjusted == 0)
    ):
        return {k: v for k, v in values.items() if k != ADJUSTED_KEY}
    return values


def _all_not_reported(sheet: _Sheet, cells: dict[str, tuple[int, int]], money: list[Column]) -> bool:
    return all(squeeze(text_of(sheet.grid.value(*cells[c.field]))) == F.NOT_REPORTED for c in money if c.field != ADJUSTED)


def _check_figures(read: Read, sheet: _Sheet, table: BudgetTable, rows: dict[str, dict[str, Any]], stated: dict[str, Any]) -> None:
    """Compare what the form states for computed cells (资金总额's sums, 小计, 下达率, 支出进度, 执行率) with docgen's:
    every column of the form that is not typed, and on the 资金总额 row the typed ones too (their sums)."""
    form = read.form
    if read.period is None:
        return
    absent = form.absent
    amounts = {
        name: Amounts.from_data({k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}, absent)
        for name, values in rows.items()
    }
    figures = compute.table(amounts, table.rows, read.period, absent=absent)
    columns = budget_columns(form)
    typed = {c.field for c in typed_columns(columns)}
    for name, (_, cells) in stated.items():
        fig = figures[name]
        checked = [c.field for c in columns if c.field not in typed]
        if name == F.TOTAL_ROW:
            checked = [c.field for c in columns]
        for column in checked:
            where = cells[column]
            cell = sheet.grid.cell(*where)
            if cell is None or (text_of(cell.value) == "" and not cell.formula):
                continue
            if cell.formula and (cell.value is None or (isinstance(cell.value, str) and cell.value.startswith("#"))):
                continue  # a formula without a literal cached result: nothing stated to compare
            _compare(read, cell.value, cell.number_format, fig, column, name, address(*where))


def _compare(read: Read, value: Any, number_format: str, fig: compute.Figures, column: str, row: str, where: str) -> None:
    columns = budget_columns(read.form)
    rate = any(c.field == column and c.kind == "rate" for c in columns)
    label = f"{row}·{_column_name(column, columns)}"
    if column != ADJUSTED and not fig.reported(column):
        computed_text = F.NOT_REPORTED
        ok = isinstance(value, str) and squeeze(value) in (F.NOT_REPORTED, squeeze(F.NO_RATE))
    else:
        computed = budget_value(fig, next(c for c in columns if c.field == column), read.form)
        computed_text = F.NO_RATE if computed is None else (f"{computed:.2f}%" if rate else f"{computed:,.2f}")
        ok = _agrees(value, number_format, computed, rate)
    if not ok:
        rule = (
            M.label(f"import_rule_{column}")
            if column in ("subtotal", "allocation_rate", "spend_progress")
            else M.label("import_rule_total")
        )
        read.problem(where, "E513", field=label, stated=text_of(value), computed=computed_text, rule=rule)


def _column_name(column: str, columns: tuple[Column, ...]) -> str:
    """A budget column as the clerk sees it on this form (「年初预算数」, 「执行率」), the period's months left out."""
    return squeeze(_header_of(columns, column)).split("(")[0].replace(squeeze(F.MONTHS_PLACEHOLDER), "").rstrip("%")


def _agrees(value: Any, number_format: str, computed: Decimal | None, rate: bool) -> bool:
    """A stated cell agrees with docgen's figure when it shows the same at two decimals (a rate as 0.4722 with a %
    format, as 47.22, or as the text 「47.22%」); 「—」 or 0 where docgen has no rate."""
    if isinstance(value, str) and squeeze(value) == squeeze(F.NO_RATE):
        return computed is None
    text = squeeze(value) if isinstance(value, str) else None
    percent = bool(text and text.endswith("%")) or "%" in number_format
    found = number(text.rstrip("%") if text else value)
    if found is None:
        return False
    if computed is None:
        return found == 0
    cent = Decimal("0.01")
    if rate:
        candidates = [found * 100] if percent and text is None else [found]
        if not percent:
            candidates.append(found * 100)  # a fraction typed without a % format
        return any(abs(c.quantize(cent) - computed) <= cent for c in candidates)
    return abs(found.quantize(cent) - computed.quantize(cent)) <= Decimal("0.005") or found.quantize(cent) == computed.quantize(cent)


def _target(read: Read, sheet: _Sheet) -> None:
    block = read.form.target
    if block is None:
        return
    key = K["project_target"] if read.kind == "project" else K["dept_target"]
    at = sheet.find(block.label)
    if at is None:
        read.problem(read.anchor, "E506", label=block.label, what=M.label("import_ident_block", label=block.label))
        return
    spot = sheet.right_of(*at, frozenset())
    read.data[key] = text_of(sheet.grid.value(*spot)) if spot else ""
    read.cells[(key,)] = address(*spot) if spot else address(at[0], sheet.columns(*at)[1] + 1)


def _value_text(value: Any, number_format: str) -> str:
    """An indicator value as text: a number in a % format as 「95%」, others as shown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        found = number(value)
        if found is not None:
            return f"{(found * 100).normalize():f}%"
    if isinstance(value, float):
        found = number(value)
        return f"{found.normalize():f}" if found is not None else text_of(value)
    return text_of(value)


def _adjusted(text: str) -> tuple[str, str | None]:
    """「≥12000人（调整后：≥11500人）」 as written by layout._value_text -> (target, adjusted)."""
    head, _, rest = F.ADJUSTED_TARGET.partition("{target}")
    middle, _, tail = rest.partition("{adjusted}")
    pattern = re.compile(f"^{re.escape(head)}(?P<target>.*?){re.escape(middle)}(?P<adjusted>.*){re.escape(tail)}$", re.S)
    found = pattern.match(text)
    return (found["target"], found["adjusted"]) if found else (text, None)


def _indicators(read: Read, sheet: _Sheet, limits: _Limits) -> None:
    """The indicator rows under the header: the levels the form has (一级, 二级 — a merged group label read on every
    row it spans), then each column as the form describes it (a split 偏差原因分析 part by part, the likelihood as
    ticks or as the answer written out)."""
    what = M.label("import_indicator_block")
    columns = indicator_columns(read.form)
    key = K["indicators"]
    if limits.indicators is None:
        read.problem(read.anchor, "E506", label=_header_of(columns, "name"), what=what)
        return
    top = limits.indicators
    read.header_end = top
    spans = _column_spans(read, sheet, columns, range(top, top + 2), what)
    if spans is None:
        return
    first = read.header_end + 1  # the first indicator row, under the header's last row
    levels = [c for c in columns if c.field in ("level1", "level2")]
    level_cols = tuple(spans[c][0] for c in levels)
    ticks = [c for c in columns if c.kind == "tick"]
    others = [c for c in columns if c.kind != "tick" and c not in levels]
    name_column = next(c for c in columns if c.field == "name")
    block = squeeze(next(b.label for b in read.form.blocks if isinstance(b, Indicators)))
    read.cells[(key,)] = address(first, spans[name_column][0])
    if squeeze(text_of(sheet.shown(first, level_cols[0] if level_cols else spans[name_column][0]))) == F.NOT_REPORTED:
        read.data[key] = F.NOT_REPORTED
        return
    found: list[dict[str, Any]] = []
    current = [""] * len(levels)
    for row in range(first, limits.end):
        if _table_ends(sheet, row, block, _notes(read.form)):
            break
        for depth, col in enumerate(level_cols):
            typed = text_of(sheet.shown(row, col))
            if typed:
                if typed != current[depth]:
                    current[depth + 1 :] = [""] * (len(current) - depth - 1)
                current[depth] = typed
        values = {c: _cell_text(sheet, row, spans[c]) for c in others}
        marks = {c.header: _cell_text(sheet, row, spans[c]) for c in ticks}
        name = values[name_column][0]
        rest = any(v[0] for c, v in values.items() if c is not name_column) or any(v[0] for v in marks.values())
        if not name or _DOTS.match(name):
            if rest:
                read.problem(values[name_column][1], "E517")
            continue
        levels_read = {c.field: (current[i], address(row, level_cols[i])) for i, c in enumerate(levels)}
        _indicator(read, found, levels_read, values, marks)
    read.data[key] = found


def _cell_text(sheet: _Sheet, row: int, span: tuple[int, int]) -> tuple[str, str]:
    r, c = sheet.first_in(row, *span)
    cell = sheet.grid.cell(r, c)
    if cell is None:
        return "", address(r, c)
    return _value_text(cell.value, cell.number_format), address(r, c)


def _table_ends(sheet: _Sheet, row: int, block: str, notes_of: tuple[str, ...]) -> bool:
    """The indicator table ends where a row has text of its own in column A other than the block's label (the notes:
    the 「绩效指标」 label spans the table there), or a note's opening words."""
    own = sheet.texts.get((row, 0))
    if own and own != block and not sheet.grid.covered(row, 0):
        return True
    notes = tuple(squeeze(n)[:6] for n in notes_of)
    return any(text.startswith(notes) for (r, _), text in sheet.texts.items() if r == row)


def _indicator(
    read: Read,
    found: list[dict[str, Any]],
    levels: dict[str, tuple[str, str]],
    values: dict[Column, tuple[str, str]],
    marks: dict[str, tuple[str, str]],
) -> None:
    index = len(found)
    path = (K["indicators"], index)
    item: dict[str, Any] = {}
    for name, (text, where) in levels.items():
        item[I[name]] = text
        read.cells[(*path, I[name])] = where
    by_field = {c.field: v for c, v in values.items() if not c.part and c.kind != "choice"}
    name_text, name_cell = by_field["name"]
    item[I["name"]] = name_text
    read.cells[path] = read.cells[(*path, I["name"])] = name_cell
    target, adjusted = _adjusted(by_field["target"][0])
    item[I["target"]] = target
    read.cells[(*path, I["target"])] = by_field["target"][1]
    if adjusted is not None:
        item[I["adjusted_target"]] = adjusted
        read.cells[(*path, I["adjusted_target"])] = by_field["target"][1]
    for name in ("result", "expected", "deviation"):
        if name not in by_field:
            continue
        if by_field[name][0] or name in ("result", "expected"):
            item[I[name]] = by_field[name][0]
        read.cells[(*path, I[name])] = by_field[name][1]
    parts = {c.part: v for c, v in values.items() if c.part}
    if parts:
        given = {part: text for part, (text, _) in parts.items() if text}
        if given:
            item[I["deviation"]] = given
        read.cells[(*path, I["deviation"])] = next(iter(parts.values()))[1]
        for part, (_, where) in parts.items():
            read.cells[(*path, I["deviation"], part)] = where
    likelihood: str | None = None
    remark, remark_cell = by_field.get("remark", ("", name_cell))
    unreported = f"{I['likelihood']}：{F.NOT_REPORTED}"
    if marks and remark.startswith(unreported):
        likelihood = F.NOT_REPORTED
        remark = remark[len(unreported) :].lstrip("；;").strip()
    if remark:
        item[I["remark"]] = remark
    if "remark" in by_field:
        read.cells[(*path, I["remark"])] = remark_cell
    choice = next((v for c, v in values.items() if c.kind == "choice"), None)
    if choice is not None:
        likelihood = _answer(read, name_text, *choice)
        read.cells[(*path, I["likelihood"])] = choice[1]
    elif marks:
        likelihood = _ticked(read, path, name_text, marks, likelihood)
    item[I["likelihood"]] = likelihood or F.NOT_REPORTED
    found.append(item)


def _answers(form: Form) -> str:
    return "".join(f"「{a}」" for a in form.answers)


def _answer(read: Read, name: str, text: str, where: str) -> str | None:
    """The likelihood written out in one column (Hubei's 「完成目标可能性（确定能、有可能、不可能）」): an answer of
    the form's scale or 「未填报」."""
    flat = squeeze(text)
    answers = {squeeze(a): a for a in read.form.answers}
    if flat in answers:
        return answers[flat]
    if flat == F.NOT_REPORTED:
        return F.NOT_REPORTED
    if not flat:
        read.problem(where, "E533", name=name, answers=_answers(read.form))
    else:
        read.problem(where, "E532", name=name, value=text, answers=_answers(read.form))
    return None


def _ticked(read: Read, path: tuple[Any, ...], name: str, marks: dict[str, tuple[str, str]], likelihood: str | None) -> str | None:
    """The likelihood as one ticked column of several (朔州's, the national form's)."""
    ticked = []
    for choice, (mark, where) in marks.items():
        text = squeeze(mark)
        if text in TICKS:
            ticked.append((choice, where))
        elif text == F.NOT_REPORTED:
            likelihood = F.NOT_REPORTED
        elif text not in UNTICKED:
            read.problem(where, "E516", name=name, choice=choice, value=mark)
    first_tick = next(iter(marks.values()))[1]
    read.cells[(*path, I["likelihood"])] = ticked[0][1] if ticked else first_tick
    if len(ticked) > 1:
        read.problem(ticked[1][1], "E515", name=name, count=len(ticked), choices="、".join(c for c, _ in ticked))
    elif ticked:
        likelihood = ticked[0][0]
    elif likelihood is None and not any(squeeze(m) not in UNTICKED for m, _ in marks.values()):
        read.problem(first_tick, "E514", name=name, answers=_answers(read.form))
    return likelihood


def _table_rows(read: Read, sheet: _Sheet) -> None:
    """The form's own table-level rows (「偏差或不能完成目标原因分析」「相关建议或举措」): each under its key, when
    written (layout leaves an unwritten one blank)."""
    for block in read.form.table_rows:
        at = sheet.find(block.label)
        if at is None:
            read.problem(read.anchor, "E506", label=block.label, what=M.label("import_ident_block", label=block.label))
            continue
        spot = sheet.right_of(*at, frozenset())
        read.cells[(block.key,)] = address(*spot) if spot else address(at[0], sheet.columns(*at)[1] + 1)
        text = text_of(sheet.grid.value(*spot)) if spot else ""
        if text:
            read.data[block.key] = text


# --- writing YAML -------------------------------------------------------------------------------


#: Keys whose values are codes: written in double quotes, as README asks of clerks (「101」 is a code, not a number).
_CODES = frozenset((K["project_code"], K["department_code"]))


def _money(value: Decimal) -> Any:
    """An amount as the form shows it (two decimals: 860.00), more only where the value has them (0.008)."""
    return fmt._Money(fmt.money_text(value if value == 0 or -value.as_tuple().exponent > 2 else value.quantize(Decimal("0.01"))))  # type: ignore[operator]


def _scalar(value: Any, key: str = "") -> Any:
    if isinstance(value, Decimal):
        return _money(value)
    if key in _CODES and isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _node(v) if isinstance(v, (dict, list)) else _scalar(v, k)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(_node(v) for v in value)
        return seq
    return _scalar(value)


def _dump(tree: Any) -> str:
    out = io.StringIO()
    fmt._yaml().dump(tree, out)
    return out.getvalue()


def new_text(path: Path, data: dict[str, Any], modeline: str, profile: Profile | None = None) -> str:
    """A new submission file: the modeline `docgen new` writes, then the data in canonical form (the repository's
    `profile`'s order)."""
    text = modeline + _dump(_node(data))
    done = fmt.format_text(path, text, profile)
    return done.after if done.after is not None else text


def _same(old: Any, new: Any) -> bool:
    """Equal as docgen reads them: money by value (860.00 is 860), texts without surrounding space."""
    if isinstance(new, Decimal):
        if isinstance(old, bool) or not isinstance(old, (int, float, Decimal, str)):
            return False
        try:
            return Decimal(str(old)) == new
        except ArithmeticError:
            return False
    if isinstance(new, str) and isinstance(old, str):
        return old.strip() == new.strip()
    if isinstance(new, str) and isinstance(old, (int, float)) and not isinstance(old, bool):  # 「0.54」 typed as a number
        found = number(new)
        return found is not None and Decimal(str(old)) == found
    return bool(old == new) and type(old) is type(new)


def _set(node: CommentedMap, key: str, value: Any) -> None:
    if key not in node or not _same(node[key], value):
        node[key] = _scalar(value, key)


def _merge_table(node: CommentedMap, key: str, rows: Any, form: Form) -> None:
    old = node.get(key)
    if not isinstance(rows, dict) or not isinstance(old, CommentedMap):
        if not (isinstance(rows, str) and isinstance(old, str) and _same(old, rows)):
            node[key] = _node(rows)
        return
    for name in [n for n in old if n not in rows]:
        del old[name]
    for name, values in rows.items():
        if not isinstance(old.get(name), CommentedMap):
            old[name] = _node(values)
            continue
        row = old[name]
        adjusted = ADJUSTED_KEY
        own_column = any(c.field == ADJUSTED for c in budget_columns(form))
        for key_, value in values.items():
            target_key = key_
            if not own_column and key_ == A["budget"] and adjusted in row and not not_reported(row[adjusted]):
                target_key = adjusted  # the form shows the budget the rates use: the 调整后预算 where there is one
            _set(row, target_key, value)
        if own_column and adjusted not in values and adjusted in row and not not_reported(row[adjusted]):
            _set(row, adjusted, values.get(A["budget"]))  # 全年预算数 = 年初预算数 on the form: no adjustment left


def _merge_indicators(node: CommentedMap, items: Any, form: Form) -> None:
    key = K["indicators"]
    old = node.get(key)
    if not isinstance(items, list) or not isinstance(old, CommentedSeq):
        node[key] = _node(items)
        return
    by_name = {str(item.get(I["name"])).strip(): item for item in old if isinstance(item, CommentedMap)}
    wanted = {item[I["name"]]: item for item in items}
    kept = CommentedSeq()
    for item in old:
        name = str(item.get(I["name"])).strip() if isinstance(item, CommentedMap) else None
        if name in wanted:
            fresh = wanted[name]
            for field_key in (I["level1"], I["level2"], I["target"], I["result"], I["expected"], I["likelihood"]):
                if field_key in fresh:
                    _set(item, field_key, fresh[field_key])
            shown = form.indicator_fields | {"adjusted_target"}
            for optional in ("adjusted_target", "deviation", "remark"):
                if I[optional] in fresh:
                    _set_part(item, I[optional], fresh[I[optional]])
                elif I[optional] in item and optional in shown:
                    del item[I[optional]]
            kept.append(item)
    kept.extend(_node(item) for name, item in wanted.items() if name not in by_name)
    node[key] = kept


def _set_part(node: CommentedMap, key: str, value: Any) -> None:
    """A value that may be a mapping (a split 偏差原因分析): merged part by part so comments on the parts survive."""
    old = node.get(key)
    if not isinstance(value, dict):
        _set(node, key, value)
    elif not isinstance(old, CommentedMap):
        node[key] = _node(value)
    else:
        for part in [p for p in old if p not in value]:
            del old[part]
        for part, text in value.items():
            _set(old, part, text)


def merged_text(path: Path, before: str, data: dict[str, Any], form: Form | None = None, profile: Profile | None = None) -> str | None:
    """`before` (an existing submission) with the form's values of `data` put in, every other key and comment kept;
    None when ruamel cannot read it back (the caller writes nothing). A table-level row or check-box group the form
    shows empty is removed (the form is what the clerk filled)."""
    rt = fmt._yaml()
    body = before.removeprefix(fmt.BOM)
    try:
        tree = rt.load(body)
    except Exception:  # noqa: BLE001 - an existing file ruamel cannot read: refuse to touch it
        return None
    if not isinstance(tree, CommentedMap):
        return None
    kind = "department" if K["project_code"] not in data and K["project_name"] not in data else "project"
    form = form or FORMS[kind]
    tables = {t.key for t in form.tables}
    for key, value in data.items():
        if key in tables:
            _merge_table(tree, key, value, form)
        elif key == K["indicators"]:
            _merge_indicators(tree, value, form)
        else:
            _set(tree, key, value)
    own = [t.key for t in form.table_rows] + [c.key for c in form.choice_cells if c.key]
    for key in own:
        if key not in data and key in tree:
            del tree[key]
    text = _dump(tree)
    done = fmt.format_text(path, text, profile)
    if done.after is None:
        return None
    return (fmt.BOM if before.startswith(fmt.BOM) else "") + done.after.removeprefix(fmt.BOM)


def paths_in(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path in a plain data tree (for mapping findings back to cells)."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from paths_in(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from paths_in(v, (*path, i))
