"""Derived figures, as forms.md defines them: pure functions over the model, Decimal throughout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import forms as F
from .model import Amounts, Department, Period, Project

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, two decimals, half up; None (shown 「—」) when the denominator is 0."""
    if denominator == 0:
        return None
    return (numerator / denominator * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def time_progress(period: Period) -> Decimal:
    """序时进度: months elapsed ÷ 12 × 100 (1-6月 → 50.00)."""
    return (Decimal(period.month) / 12 * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """One row of the budget table with its computed columns."""

    carried_over: Decimal
    budget: Decimal
    subtotal: Decimal  # 小计 = 安排数
    allocated: Decimal
    allocation_rate: Decimal | None  # 下达率% = 下达数 / 本年预算数
    spent: Decimal
    spend_progress: Decimal | None  # 支出进度% = 支出数 / 安排数
    expected: Decimal

    @classmethod
    def of(cls, a: Amounts) -> Figures:
        subtotal = a.carried_over + a.budget
        return cls(
            carried_over=a.carried_over,
            budget=a.budget,
            subtotal=subtotal,
            allocated=a.allocated,
            allocation_rate=rate(a.allocated, a.budget),
            spent=a.spent,
            spend_progress=rate(a.spent, subtotal),
            expected=a.expected,
        )


def total(rows: dict[str, Amounts]) -> Amounts:
    """资金总额: the sum of the 其中 rows, column by column."""
    result = Amounts()
    for amounts in rows.values():
        result = result + amounts
    return result


def table(rows: dict[str, Amounts], labels: tuple[str, ...]) -> dict[str, Figures]:
    """The budget table as the form shows it: 资金总额 first, then every 其中 row in order (absent rows as zero)."""
    out = {F.TOTAL_ROW: Figures.of(total(rows))}
    for label in labels:
        out[label] = Figures.of(rows.get(label, Amounts()))
    return out


def project_table(project: Project) -> dict[str, Figures]:
    """附件2's budget table as computed figures, in the form's row order, for drafts and rules alike."""
    return table(project.funds, F.PROJECT_FUND_ROWS)


def department_tables(department: Department) -> tuple[dict[str, Figures], dict[str, Figures]]:
    """附件3's two budget tables (by fund type, by use), computed the same way as a project's."""
    return table(department.funds_by_type, F.DEPT_FUND_ROWS_BY_TYPE), table(department.funds_by_use, F.DEPT_FUND_ROWS_BY_USE)


def headline(submission: Project | Department) -> Figures:
    """The 资金总额 row: what dashboards and roll-ups show for a submission."""
    rows = submission.funds if isinstance(submission, Project) else submission.funds_by_type
    return Figures.of(total(rows))
