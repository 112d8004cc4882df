"""合规性 within a submission: spending or allocation beyond the budget (W411, W412), per fund row."""

from __future__ import annotations

from ...form import numbers as N
from ...form import vocabulary as F
from ..run import Run, implements

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
                    field=A[name],
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
