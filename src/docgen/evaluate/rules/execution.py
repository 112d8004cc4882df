"""及时性: budget execution against 序时进度 (W401–W405), per budget row."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ... import messages as M
from ...form import indicators as V
from ...form import numbers as N
from ...form import vocabulary as F
from ...form.model import Indicator
from .. import figures as compute
from ..run import SUBMISSION, Run, implements

A = F.AMOUNT_FIELDS


def _against_time(
    run: Run,
    code: str,
    field: str,
    ratio_of: Callable[[compute.Figures], Decimal | None],
    shown: Callable[[compute.Figures], dict[str, Any]],
) -> None:
    """Grade a rate per row by its ratio to 序时进度 (r = rate ÷ 序时进度 × 100, as compute.Figures has it)."""
    rule = run.rule(code)
    if rule is None:
        return
    for row in run.rows:
        ratio = ratio_of(row.figures)
        graded = rule.grade(ratio) if ratio is not None else None
        if graded and ratio is not None:
            run.hit(
                rule,
                graded[0],
                row.subject,
                row.at + (() if row.total else (A[field],)),
                key=row.total,
                speaks=row.speaks,
                row=row.label,
                time_progress=N.plain_rate_or_dash(row.figures.time_progress),
                ratio=N.plain_rate_or_dash(ratio),
                limit=V.format_number(graded[1]),
                **shown(row.figures),
            )


def _pending_note(f: compute.Figures) -> str:
    return M.label("pending_note", pending=N.plain_money(f.pending)) if f.pending else ""


@implements("W401", per_row=True)
def spend_progress(run: Run) -> None:
    """W401: the budget execution light, r = 支出进度 ÷ 序时进度 × 100; a row with 已审批待支付 is graded on
    (支出数 + 已审批待支付), so a payment approved but not yet made does not make the project red."""
    _against_time(
        run,
        "W401",
        "spent",
        lambda f: f.committed_execution if f.pending else f.execution,
        lambda f: {
            "spent": N.plain_money(f.spent),
            "arranged": N.plain_money(f.subtotal),
            "spend_progress": N.plain_rate_or_dash(f.committed_progress if f.pending else f.spend_progress),
            "pending": N.plain_money(f.pending),
            "pending_note": _pending_note(f),
        },
    )


@implements("W402", per_row=True)
def allocation(run: Run) -> None:
    """W402: 下达率 behind 序时进度."""
    _against_time(
        run,
        "W402",
        "allocated",
        lambda f: f.allocation_pace,
        lambda f: {
            "allocated": N.plain_money(f.allocated),
            "budget": N.plain_money(f.budget),
            "allocation_rate": N.plain_rate_or_dash(f.allocation_rate),
        },
    )


@implements("W403")
def carried_over(run: Run) -> None:
    """W403: a large 上年结转 share of 安排数 (资金总额 only)."""
    rule = run.rule("W403")
    total = run.rows[0]
    if rule is None or not total.figures.reported("carried_over") or total.figures.carried_over == 0:
        return
    share = total.figures.carried_over_share
    graded = rule.grade(share) if share is not None else None
    if graded:
        run.hit(
            rule,
            graded[0],
            total.subject,
            total.at,
            key=True,
            carried_over=N.plain_money(total.figures.carried_over),
            arranged=N.plain_money(total.figures.subtotal),
            share=N.plain_rate_or_dash(share),
            limit=V.format_number(graded[1]),
        )


@implements("W404", per_row=True)
def expected_balance(run: Run) -> None:
    """W404: 全年预计支出数 below 安排数: money expected to be left over (结转结余)."""
    rule = run.rule("W404")
    if rule is None:
        return
    for row in run.rows:
        fig = row.figures
        if not fig.reported("balance") or fig.expected >= fig.subtotal:
            continue
        share = fig.balance_share
        graded = rule.grade(share) if share is not None else None
        if graded:
            run.hit(
                rule,
                graded[0],
                row.subject,
                row.at + (() if row.total else (A["expected"],)),
                key=row.total,
                row=row.label,
                arranged=N.plain_money(fig.subtotal),
                expected=N.plain_money(fig.expected),
                balance=N.plain_money(fig.balance),
                share=N.plain_rate_or_dash(share),
                limit=V.format_number(graded[1]),
                speaks=row.speaks,
            )


def progressed(indicator: Indicator) -> bool:
    """A counted indicator with a result above zero: work has been done."""
    result = indicator.result
    return indicator.is_cumulative is True and result.number is not None and result.number > 0 and not result.is_range


@implements("W405")
def zero_spending(run: Run) -> None:
    """W405: nothing spent although money was allocated or work is under way ("check 待支付").

    Silent without a budget (nothing was arranged to spend) and when the 待支付 is already stated (已审批待支付)."""
    rule = run.rule("W405")
    total = run.rows[0].figures
    if rule is None or not total.reported("spent") or total.spent != 0 or run.month < int(rule.threshold("月份不早于")):
        return
    if total.subtotal == 0 or total.pending > 0:
        return
    count = sum(progressed(i) for i in run.sub.indicators)
    if (total.reported("allocated") and total.allocated > 0) or count:
        run.hit(rule, rule.light, SUBMISSION, run.rows[0].at, key=True, allocated=N.plain_money(total.allocated), progressed=count)
