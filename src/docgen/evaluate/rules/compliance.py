"""合规性 within a submission, per fund row: spending or allocation beyond the budget (W411, W412), spending beyond
what was allocated (W415), a year's outlook below what is already spent (W416), a yuan amount in a 万元 field (W419);
and against the same project's previous period (W417, W418)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ...form import numbers as N
from ...form import vocabulary as F
from ...form.model import Amounts
from ..run import BudgetRow, Run, implements

A = F.AMOUNT_FIELDS


@implements("W411")
def overspend(run: Run) -> None:
    """W411 (超预算): 支出数 or 全年预计支出数 above 安排数, per fund row."""
    rule = run.rule("W411")
    if rule is None:
        return
    for row in run.rows:
        if row.total:
            continue
        fig = row.figures
        for name, value in (("spent", fig.spent), ("expected", fig.expected)):
            if fig.reported(name) and fig.reported("subtotal") and value > fig.subtotal:
                run.hit(
                    rule,
                    rule.light,
                    row.subject,
                    (*row.at, A[name]),
                    row=row.label,
                    field=run.words(A[name]),
                    value=N.plain_money(value),
                    arranged=N.plain_money(fig.subtotal),
                    excess=N.plain_money(value - fig.subtotal),
                )


@implements("W412")
def over_allocation(run: Run) -> None:
    """W412: 下达数 above 本年预算."""
    rule = run.rule("W412")
    if rule is None:
        return
    for row in run.rows:
        fig = row.figures
        if not row.total and fig.reported("allocated") and fig.reported("budget") and fig.allocated > fig.budget:
            run.hit(
                rule,
                rule.light,
                row.subject,
                (*row.at, A["allocated"]),
                row=row.label,
                allocated=N.plain_money(row.figures.allocated),
                budget=N.plain_money(row.figures.budget),
            )


@implements("W415")
def spent_beyond_allocated(run: Run) -> None:
    """W415: 支出数 above 下达数 (plus 上年结转, which is not allocated again), per fund row."""
    rule = run.rule("W415")
    if rule is None:
        return
    for row in run.rows:
        fig = row.figures
        allowed = fig.allocated + fig.carried_over
        known = all(fig.reported(name) for name in ("spent", "allocated", "carried_over"))
        if not row.total and known and fig.spent > allowed:
            run.hit(
                rule,
                rule.light,
                row.subject,
                (*row.at, A["spent"]),
                row=row.label,
                spent=N.plain_money(fig.spent),
                allocated=N.plain_money(allowed),
                excess=N.plain_money(fig.spent - allowed),
            )


@implements("W416")
def outlook_below_spent(run: Run) -> None:
    """W416: 全年预计支出数 below the 支出数 already made, per fund row."""
    rule = run.rule("W416")
    if rule is None:
        return
    for row in run.rows:
        fig = row.figures
        if not row.total and fig.reported("expected") and fig.reported("spent") and fig.expected < fig.spent:
            run.hit(
                rule,
                rule.light,
                row.subject,
                (*row.at, A["expected"]),
                row=row.label,
                spent=N.plain_money(fig.spent),
                expected=N.plain_money(fig.expected),
                gap=N.plain_money(fig.spent - fig.expected),
            )


def _wan(value: Decimal) -> str:
    """An amount typed in yuan, in 万元 as a clerk would type it (3200000 -> 320)."""
    text = format(value / 10000, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@implements("W419")
def yuan_in_wan(run: Run) -> None:
    """W419: an amount so large for 万元 that it was most likely typed in yuan."""
    rule = run.rule("W419")
    if rule is None:
        return
    limit = Decimal(rule.threshold("金额不低于"))
    for row in run.rows:
        if row.total:
            continue
        amounts = row.figures.amounts
        for name, key in A.items():
            value = getattr(amounts, name)
            if amounts.reported(name) and value >= limit:
                run.hit(
                    rule,
                    rule.light,
                    row.subject,
                    (*row.at, key),
                    row=row.label,
                    field=key,
                    value=N.plain_money(value),
                    limit=N.plain_money(limit),
                    wan=_wan(value),
                )


def _beside_previous(run: Run) -> Iterator[tuple[BudgetRow, Amounts, Amounts]]:
    """Each fund row (not the totals) with its amounts now and in the previous period, where that period has the row."""
    if run.previous is None:
        return
    for row in run.rows:
        before = run.previous.rows.get((row.table, row.label))
        if not row.total and before is not None:
            yield row, row.figures.amounts, before


@implements("W417")
def cumulative_fell(run: Run) -> None:
    """W417: 支出数 or 下达数 lower than in the same project's previous period of the year (both are cumulative)."""
    rule = run.rule("W417")
    if rule is None or run.previous is None:
        return
    previous = run.previous
    for row, now, before in _beside_previous(run):
        for name in ("spent", "allocated"):
            if now.reported(name) and before.reported(name) and getattr(now, name) < getattr(before, name):
                run.hit(
                    rule,
                    rule.light,
                    row.subject,
                    (*row.at, A[name]),
                    row=row.label,
                    field=run.words(A[name]),
                    current=N.plain_money(getattr(now, name)),
                    previous=N.plain_money(getattr(before, name)),
                    previous_period=previous.label,
                    previous_file=previous.path,
                )


@implements("W418")
def budget_changed(run: Run) -> None:
    """W418: 本年预算 differs from the previous period's, and no 调整后预算 records the adjustment."""
    rule = run.rule("W418")
    if rule is None or run.previous is None:
        return
    previous = run.previous
    for row, now, before in _beside_previous(run):
        known = now.reported("budget") and (before.adjusted_budget is not None or before.reported("budget"))
        if known and now.adjusted_budget is None and now.budget != before.effective_budget:
            run.hit(
                rule,
                rule.light,
                row.subject,
                (*row.at, A["budget"]),
                row=row.label,
                current=N.plain_money(now.budget),
                previous=N.plain_money(before.effective_budget),
                previous_period=previous.label,
                previous_file=previous.path,
            )
