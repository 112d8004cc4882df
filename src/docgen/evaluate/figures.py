"""Derived figures, as forms.md defines them: pure functions over the model, Decimal throughout.

Every ratio docgen shows or grades is computed here, once, and nowhere else: rules and their lights,
messages, drafts, the 汇总表, the site's tones, summary.json and `docgen diff` all read these values.

The rounding rule
-----------------
A ratio is rounded once, to two decimals, half up (ROUND_HALF_UP: 59.995 -> 60.00), and from then on it
*is* that two-decimal number: a rule grades exactly the value that is printed, so a message that says
「60.00%」 never comes with the light of 「< 60」.

- 下达率, 支出进度, 序时进度 and the shares (上年结转 ÷ 安排数, 预计结转结余 ÷ 安排数, 全年预计支出 ÷ 安排数)
  are computed from the typed-in amounts (or the month) exactly, then rounded.
- A ratio of two rates graded against time — r = 支出进度 ÷ 序时进度 × 100 (W401, the 汇总表's 执行率) and
  下达率 ÷ 序时进度 × 100 (W402) — divides the two rates *as rounded and printed* and rounds the result
  again. A reader who divides the printed 支出进度 by the printed 序时进度 gets the printed r: month 5
  (序时进度 41.67), 25% spent: 25.00 ÷ 41.67 × 100 = 59.995… -> r = 60.00, yellow, not red.
- An indicator's progress r = result ÷ planned × 100 (W421), planned = the annual target pro-rated
  (target × months ÷ 12) for 累计类 indicators: planned is a quantity in the target's unit, kept exact
  (it is shown in the target's own unit, 「1.25万人次」), and r is rounded once.

A ratio whose denominator is 0 is None (shown 「—」) and is never graded.

Not reported
------------
A figure typed 「未填报」 is not a number: every column computed from it (小计 from 上年结转 or 本年预算, 下达率,
支出进度, 预计结转结余 and the ratios built on them) is not reported either (`Figures.unreported` names them all),
its ratio is None, so no rule grades it, and forms and drafts print 「未填报」 in its place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..form import vocabulary as F
from ..form.forms import form_of
from ..form.model import Amounts, Department, Period, Project

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MONTHS = 12


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, two decimals, half up; None (shown 「—」) when the denominator is 0."""
    if denominator == 0:
        return None
    return _round(numerator / denominator * HUNDRED)


def time_progress(period: Period) -> Decimal:
    """序时进度: months elapsed ÷ 12 × 100 (1-6月 → 50.00), rounded as every rate is (1-5月 → 41.67)."""
    return _round(Decimal(period.month) / MONTHS * HUNDRED)


def against_time(value: Decimal | None, period: Period) -> Decimal | None:
    """A rate graded against time: value ÷ 序时进度 × 100, from the two rates as rounded (see above)."""
    return None if value is None else rate(value, time_progress(period))


def subtotal(a: Amounts) -> Decimal:
    """小计 (安排数) = 上年结转 + 本年预算 (the 调整后预算 where one is recorded)."""
    return a.carried_over + a.effective_budget


def planned(target: Decimal, month: int, cumulative: bool) -> Decimal:
    """What an indicator should have reached by `month`, for display: the annual target pro-rated (累计类) or the target."""
    return target * month / MONTHS if cumulative else target


def indicator_progress(result: Decimal, target: Decimal, month: int, cumulative: bool) -> Decimal | None:
    """W421's r: result ÷ planned × 100, rounded once; None when nothing is planned yet.

    Planned is target × month ÷ 12 for a 累计类 indicator: the division by 12 is folded into the one division here,
    never done first (128 × 1 ÷ 12 has no exact decimal, and 1 ÷ 10.666… × 100 rounds to 9.37 where r is 9.375 → 9.38).
    """
    numerator, denominator = (result * MONTHS, target * month) if cumulative else (result, target)
    return rate(numerator, denominator) if denominator > 0 else None


def percent_of(percentage: Decimal, amount: Decimal) -> Decimal:
    """`percentage`% of `amount` (a tolerance such as W414's 允许差异率 of 安排数), exact."""
    return percentage * amount / HUNDRED


def fraction(value: Decimal) -> Decimal:
    """A rate in % as the fraction a spreadsheet's percent format expects (60.00 -> 0.6000), exact."""
    return value / HUNDRED


@dataclass(frozen=True)
class Figures:
    """One row of the budget table with its computed columns and ratios, for one period."""

    carried_over: Decimal
    budget: Decimal
    subtotal: Decimal  # 小计 = 安排数
    allocated: Decimal
    allocation_rate: Decimal | None  # 下达率% = 下达数 / 本年预算数
    spent: Decimal
    spend_progress: Decimal | None  # 支出进度% = 支出数 / 安排数
    expected: Decimal
    balance: Decimal  # 预计结转结余 = 安排数 − 全年预计支出数 (negative when more is expected than arranged)
    time_progress: Decimal  # 序时进度% of the period
    execution: Decimal | None  # 支出进度 ÷ 序时进度 × 100 (W401, the 汇总表's 执行率)
    allocation_pace: Decimal | None  # 下达率 ÷ 序时进度 × 100 (W402)
    carried_over_share: Decimal | None  # 上年结转 ÷ 安排数 × 100 (W403)
    balance_share: Decimal | None  # 预计结转结余 ÷ 安排数 × 100 (W404)
    expected_rate: Decimal | None  # 全年预计支出数 ÷ 安排数 × 100
    unreported: frozenset[str] = frozenset()  # typed and computed columns that are not reported (「未填报」)
    initial_budget: Decimal | None = None  # 年初预算 (the 本年预算 as typed) when a 调整后预算 is recorded; `budget` is then adjusted
    pending: Decimal = Decimal(0)  # 已审批待支付
    committed_progress: Decimal | None = None  # (支出数 + 已审批待支付) ÷ 安排数 × 100
    committed_execution: Decimal | None = None  # committed_progress ÷ 序时进度 × 100 (W401 when a payment is pending)
    absent: frozenset[str] = frozenset()  # columns the form cannot have: an amount it lacks and what needs it (None)

    def printed(self) -> list[Decimal]:
        """Every number the row's figures print: its amounts, 预计结转结余 and every rate computed from them (the pages
        and the drafted 附件1 text print them all: 「占安排数的80.85%」). Of a public submission, all public
        (confidential.secrets)."""
        rates = [self.allocation_rate, self.spend_progress, self.execution, self.allocation_pace, self.carried_over_share]
        rates += [self.balance_share, self.expected_rate, self.committed_progress, self.committed_execution]
        amounts = [self.carried_over, self.budget, self.subtotal, self.allocated, self.spent, self.expected, self.balance]
        return amounts + [v for v in rates if v is not None]

    def reported(self, name: str) -> bool:
        return name not in self.unreported and name not in self.absent

    @property
    def anything_reported(self) -> bool:
        return not DEPENDS.keys() <= self.unreported | self.absent

    @property
    def adjusted(self) -> bool:
        """Whether the row records a budget adjustment (年初预算 and 调整后预算 both shown)."""
        return self.initial_budget is not None

    @property
    def amounts(self) -> Amounts:
        """The typed-in amounts the row was computed from (the 年初预算 as 本年预算, the 调整后预算 beside it)."""
        typed = self.unreported & frozenset(F.AMOUNT_FIELDS)
        absent = self.absent & frozenset(F.AMOUNT_FIELDS)
        initial = self.budget if self.initial_budget is None else self.initial_budget
        adjusted = self.budget if self.initial_budget is not None else None
        return Amounts(
            self.carried_over,
            initial,
            self.allocated,
            self.spent,
            self.expected,
            unreported=typed,
            adjusted_budget=adjusted,
            pending=self.pending,
            absent=absent,
        )

    @classmethod
    def of(cls, a: Amounts, period: Period) -> Figures:
        gone = absent_columns(a.absent)
        missing = unreported_columns(a.unreported) | gone
        arranged = subtotal(a)
        budget = a.effective_budget
        allocation_rate = _unless(missing, "allocation_rate", rate(a.allocated, budget))
        spend_progress = _unless(missing, "spend_progress", rate(a.spent, arranged))
        # 已审批待支付 counts only up to what can still be paid (安排数 − 支出数): a pending sum beyond the budget
        # is a typing slip or an overrun (W316), never a reason to turn a red light green.
        payable = min(a.pending, max(arranged - a.spent, Decimal(0)))
        committed = _unless(missing, "spend_progress", rate(a.spent + payable, arranged))
        balance = arranged - a.expected
        return cls(
            initial_budget=None if a.adjusted_budget is None else a.budget,
            pending=a.pending,
            committed_progress=committed,
            committed_execution=against_time(committed, period),
            carried_over=a.carried_over,
            budget=budget,
            subtotal=arranged,
            allocated=a.allocated,
            allocation_rate=allocation_rate,
            spent=a.spent,
            spend_progress=spend_progress,
            expected=a.expected,
            balance=balance,
            time_progress=time_progress(period),
            execution=against_time(spend_progress, period),
            allocation_pace=against_time(allocation_rate, period),
            carried_over_share=_unless(missing, "carried_over_share", rate(a.carried_over, arranged)),
            balance_share=_unless(missing, "balance_share", rate(balance, arranged)),
            expected_rate=_unless(missing, "expected_rate", rate(a.expected, arranged)),
            unreported=missing - gone,
            absent=gone,
        )


#: Every column of a budget row -> the typed-in amounts it is computed from.
DEPENDS: dict[str, frozenset[str]] = {
    "carried_over": frozenset({"carried_over"}),
    "budget": frozenset({"budget"}),
    "subtotal": frozenset({"carried_over", "budget"}),
    "allocated": frozenset({"allocated"}),
    "allocation_rate": frozenset({"allocated", "budget"}),
    "spent": frozenset({"spent"}),
    "spend_progress": frozenset({"spent", "carried_over", "budget"}),
    "expected": frozenset({"expected"}),
    "balance": frozenset({"expected", "carried_over", "budget"}),
    "execution": frozenset({"spent", "carried_over", "budget"}),
    "allocation_pace": frozenset({"allocated", "budget"}),
    "carried_over_share": frozenset({"carried_over", "budget"}),
    "balance_share": frozenset({"expected", "carried_over", "budget"}),
    "expected_rate": frozenset({"expected", "carried_over", "budget"}),
}


#: An amount a form has no column for -> the columns that cannot exist without it (never computed, never graded).
#: A form without 上年结转 arranges its 本年预算 only (安排数 = 本年预算), so the rates on 安排数 still stand.
ABSENT_DEPENDS: dict[str, frozenset[str]] = {
    "carried_over": frozenset({"carried_over", "carried_over_share"}),
    "budget": frozenset(DEPENDS),
    "allocated": frozenset({"allocated", "allocation_rate", "allocation_pace"}),
    "spent": frozenset({"spent", "spend_progress", "execution"}),
    "expected": frozenset({"expected", "balance", "balance_share", "expected_rate"}),
}


def absent_columns(absent: frozenset[str]) -> frozenset[str]:
    """The columns of a row that a form lacking the amounts `absent` cannot have."""
    return frozenset(column for name in absent for column in ABSENT_DEPENDS[name])


def unreported_columns(typed: frozenset[str]) -> frozenset[str]:
    """The columns of a row that cannot be stated because an amount they are computed from is not reported."""
    return frozenset(column for column, inputs in DEPENDS.items() if inputs & typed)


def _unless(missing: frozenset[str], column: str, value: Decimal | None) -> Decimal | None:
    return None if column in missing else value


def total(rows: dict[str, Amounts], absent: frozenset[str] = frozenset()) -> Amounts:
    """资金总额: the sum of the 其中 rows, column by column."""
    return Amounts.summed(rows.values(), absent)


def pooled(rows: Iterable[Amounts], period: Period) -> Figures:
    """Rows of several submissions added column by column, then computed as one row (a department's projects, a
    city's departments).

    Two department figures exist and are different measures, so the pages name each (issue 17):
    - 部门整体支出进度: the 资金总额 of the department's own 附件3, i.e. all its money (基本支出 and every project,
      涉密 ones included, whether or not each project reported): the department's 支出进度 wherever one is named;
    - 项目合计支出进度: `pooled` over the projects the site shows (submitted, valid, not 涉密): a cross-check only.
    A 「未填报」 column adds what was reported and stays marked, as `total` does.
    """
    return Figures.of(total({str(i): a for i, a in enumerate(rows)}), period)


def thin_columns(rows: Sequence[Amounts], pool: int) -> frozenset[str]:
    """The typed columns that fewer than `pool` (k) of the rows reported: a pooled sum of them would be the figure
    of fewer than k 涉密 projects (one, when the others are 「未填报」), so it is not published (issue 14)."""
    return frozenset(name for name in F.AMOUNT_FIELDS if sum(a.reported(name) for a in rows) < pool)


def without(amounts: Amounts, columns: Iterable[str]) -> Amounts:
    """The amounts with `columns` left out as if 「未填报」 (zero in their slot): they feed no sum."""
    left = frozenset(columns)
    if not left:
        return amounts
    zeros: dict[str, Any] = dict.fromkeys(left, Decimal(0))
    adjusted = None if "budget" in left else amounts.adjusted_budget
    return replace(amounts, **zeros, unreported=amounts.unreported | left, adjusted_budget=adjusted)


def table(
    rows: dict[str, Amounts], labels: tuple[str, ...], period: Period, *, reported: bool = True, absent: frozenset[str] = frozenset()
) -> dict[str, Figures]:
    """The budget table as the form shows it: 资金总额 first, then every 其中 row in order (absent rows as zero).

    A table stated 「未填报」 as a whole (`reported` False) has a 资金总额 of which nothing is reported. `absent`:
    the amounts the form has no column for (forms.Form.absent).
    """
    empty = Amounts(absent=absent)
    whole = total(rows, absent) if reported else Amounts.nothing_reported(absent)
    out = {F.TOTAL_ROW: Figures.of(whole, period)}
    for label in labels:
        out[label] = Figures.of(rows.get(label, empty), period)
    return out


Table = dict[str, Figures]  # row label (资金总额 first) -> its figures
Tables = dict[str, Table]  # a budget table's model attribute (forms.BudgetTable.field) -> the table


def tables(submission: Project | Department) -> Tables:
    """Every budget table the submission's form has (forms.py), as the form shows it, for its period.

    Called once per submission, by evaluation.evaluate: everything downstream reads the Evaluation.
    """
    form = form_of(submission)
    return {
        t.field: table(
            submission.tables[t.field], t.rows, submission.period, reported=t.field not in submission.unreported, absent=form.absent
        )
        for t in form.tables
    }


def headline(submission: Project | Department) -> Figures:
    """The 资金总额 row of the submission's first budget table (a convenience for scripts: the build reads Evaluation)."""
    first = form_of(submission).tables[0]
    return tables(submission)[first.field][F.TOTAL_ROW]


#: The values of one indicator that completeness counts (an adjustment is optional, not a gap when absent).
INDICATOR_VALUES = ("target", "result", "expected", "likelihood")


@dataclass(frozen=True)
class Completeness:
    """How many of the figures and values the form asks for were reported (not 「未填报」): 「已填报 12/18 项」.

    Counted: the five amounts of every fund row written (a budget table stated 「未填报」 as a whole: its 资金总额's
    five), and the target, result, expected outcome and likelihood of every indicator. 「绩效指标: 未填报」 counts as
    one indicator lacking every required field (一级、二级、三级指标 and those four: 7 items), at least as many as
    the smallest indicator block the form accepts, so a missing block never looks smaller than a thin one.
    A submission is complete when every one was reported.
    """

    reported: int
    total: int

    @property
    def complete(self) -> bool:
        return self.reported == self.total

    @property
    def missing(self) -> int:
        return self.total - self.reported

    def as_dict(self) -> dict[str, int | bool]:
        return {"reported": self.reported, "total": self.total, "complete": self.complete}


def completeness(submission: Project | Department) -> Completeness:
    """How much of the submission was reported, counted as `Completeness` says (once, by evaluation.evaluate)."""
    form = form_of(submission)
    amounts = len(F.AMOUNT_FIELDS) - len(form.absent)
    reported = total_ = 0
    for t in form.tables:
        if t.field in submission.unreported:
            total_ += amounts
            continue
        for row in submission.tables[t.field].values():
            total_ += amounts
            reported += amounts - len(row.unreported)
    asked = [name for name in INDICATOR_VALUES if name in form.indicator_fields]  # a form may lack 全年预计
    if "indicators" in submission.unreported:
        total_ += sum(name in form.indicator_fields for name in F.INDICATOR_REQUIRED)
    for indicator in submission.indicators:
        total_ += len(asked)
        reported += sum(indicator.reported(name) for name in asked)
    return Completeness(reported, total_)
