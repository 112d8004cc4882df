"""Drafts of 附件1 sections from the figures, for the sections a submission leaves empty.

Plain official Chinese built from the computed figures (figures.py) and the indicators, sentence by sentence; the
wording lives in messages.DRAFT_NARRATIVE. Narrative written in the YAML always wins: these are only defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import form_of
from ..form.indicators import Value, exceeds, meets
from ..form.model import Department, Indicator, Project
from ..messages import ladder
from . import figures
from .evaluation import Evaluation
from .wording import draft as D
from .wording import worded, words

BASIC, EXECUTION, TARGETS = "基本情况", "预算执行情况分析", "绩效目标实现情况分析"


money = N.prose_money  # 「1,135.50」: amounts in the drafted prose, written as 附件1's tables write them
percent = N.rate_or_dash  # 「47.22%」, or 「—」 for a rate that cannot be computed


@dataclass(frozen=True)
class BudgetTable:
    """A budget table for 附件1: its caption, the heading of its label column, and its rows of figures."""

    caption: str
    label: str
    rows: dict[str, figures.Figures]
    given: frozenset[str]  # rows the submission wrote (others are shown only as part of 资金总额)
    heading: str = ""  # how the drafted analysis introduces its rows (「分资金来源看，」)


def budget_tables(ev: Evaluation) -> list[BudgetTable]:
    """The budget tables 附件1 shows for the submission's form, numbered 表1, 表2… with their captions (forms.py)."""
    sub = ev.submission
    return [
        BudgetTable(t.caption.format(number=i), t.row_heading, ev.tables[t.field], frozenset(sub.tables[t.field]), t.draft_heading)
        for i, t in enumerate(ev.form.tables, start=1)
    ]


def _subject(sub: Project | Department) -> str:
    return form_of(sub).report_subject


def _parts(fig: figures.Figures) -> str:
    return D("basic_budget_parts", carried_over=money(fig.carried_over), budget=money(fig.budget)) if fig.carried_over else ""


def _unreported(fig: figures.Figures) -> list[str]:
    """The typed amounts of a row stated 「未填报」, by their labels, in the form's order."""
    return [words(label) for name, label in F.AMOUNT_FIELDS.items() if name in fig.unreported]


def identity(sub: Project | Department) -> str:
    """Who and what the report is about: name, code, unit, department and term, in every 附件1 whoever wrote
    「基本情况」 (a term not given is said to be 未填报, never guessed)."""
    with worded(form_of(sub)):
        return _identity(sub)


def _identity(sub: Project | Department) -> str:
    if isinstance(sub, Project):  # a project names its code, unit and term; a department only itself
        span = D("basic_span", span=sub.span) if sub.span else D("basic_span_unreported")
        name = sub.name if sub.name.endswith(_subject(sub)) else D("project_subject", name=sub.name)
        return D("basic_project", name=name, code=sub.code, unit=sub.unit, department=sub.department, span=span)
    first = D("basic_department", name=sub.department, code=sub.department_code)
    if sub.monitored_projects is not None:
        first += D("basic_monitored", count=sub.monitored_projects)
    return first


def basic(ev: Evaluation) -> list[str]:
    """「一、基本情况」 after the identity: the annual target and the budget."""
    sub, total = ev.submission, ev.headline
    targets = (
        [D("basic_target", subject=_subject(sub), target=official(sub.target) + "。")] if sub.target else []
    )  # a form may have no target row
    if not total.reported("subtotal"):
        return [*targets, D("basic_budget_unreported", year=sub.period.year, subject=_subject(sub))]
    budget = D("basic_budget", year=sub.period.year, subject=_subject(sub), subtotal=money(total.subtotal), parts=_parts(total))
    table = budget_tables(ev)[-1]
    items = [D("basic_source_item", row=row, subtotal=money(fig.subtotal)) for row, fig in table.rows.items() if row in table.given]
    if len(items) > 1 and all(fig.reported("subtotal") for row, fig in table.rows.items() if row in table.given):
        budget += D("basic_sources", heading=table.heading, items="，".join(items))
    return [*targets, budget]


#: 「过程方面：」 in a clerk's phrase: the clause after it is joined with 「，」 so no colon follows another.
_ASPECT = re.compile(r"([\u4e00-\u9fff]{2,4}方面)[：:]\s*")
#: Corner brackets as quotes (「…」) become the double quotes official documents use (“…”).
_CORNERS = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def official(text: str) -> str:
    """A clerk's phrase as it stands inside a drafted sentence: “” quotes, 「过程方面，…」 rather than a chain of
    colons, and no full stop (the sentence around it decides)."""
    return _ASPECT.sub(r"\1，", text.strip().translate(_CORNERS)).rstrip("。；;，, ")


def _sentence(text: str) -> str:
    """A clerk's phrase as a full sentence: ends with 「。」 unless it already ends with punctuation."""
    text = _ASPECT.sub(r"\1，", text.strip().translate(_CORNERS))
    return text if text.endswith(("。", "！", "？", "…", ".", "）")) else text.rstrip("；;，, ") + "。"


def _value(key: str, value: Value, reported: bool = True, **args: str) -> str:
    """「完成1.2万亩」 for a number, 「完成情况为“尚未收获”」 for words, 「完成情况未填报」: all read as plain Chinese."""
    if not reported:
        return D(f"{key}_unreported", **args)
    return D(key if value.quantitative else f"{key}_text", value=value.text, **args)


def versus(progress: Decimal, time: Decimal) -> str:
    """「低于序时进度（50.00%）6.67个百分点」: spending set against the time progress."""
    gap = abs(progress - time)
    key = "versus_equal" if gap == 0 else ("versus_below" if progress < time else "versus_above")
    return D(key, time=percent(time), gap=N.plain_rate(gap))


def _execution_unreported(sub: Project | Department, fig: figures.Figures) -> str:
    """The execution sentence of a row with figures 「未填报」: what was reported, what was not, and no verdict."""
    missing = D("unreported_join").join(_unreported(fig))
    reported = [
        D("execution_reported_item", name=words(label), value=money(getattr(fig, name)))
        for name, label in F.AMOUNT_FIELDS.items()
        if fig.reported(name)
    ]
    if not reported:
        return D("execution_unreported_none", month=sub.period.month, subject=_subject(sub))
    return D("execution_unreported", month=sub.period.month, subject=_subject(sub), reported="、".join(reported), missing=missing)


def _execution_sentence(sub: Project | Department, fig: figures.Figures) -> str:
    if _unreported(fig):
        return _execution_unreported(sub, fig)
    time = fig.time_progress
    allocation = D("execution_allocation", rate=percent(fig.allocation_rate)) if fig.allocation_rate is not None else ""
    progress = ""
    if fig.spend_progress is not None:
        progress = D("execution_progress", rate=percent(fig.spend_progress), versus=versus(fig.spend_progress, time))
    return D(
        "execution" if "allocated" not in fig.absent else "execution_no_allocation",  # a form without 下达数
        month=sub.period.month,
        subject=_subject(sub),
        subtotal=money(fig.subtotal),
        parts=_parts(fig),
        allocated=money(fig.allocated),
        allocation=allocation,
        spent=money(fig.spent),
        progress=progress,
    )


def _rows_sentence(table: BudgetTable, first: bool) -> str | None:
    items = []
    for row, fig in table.rows.items():
        if row not in table.given:
            continue
        if _unreported(fig):
            items.append(D("execution_row_unreported", row=row, missing=D("unreported_join").join(_unreported(fig))))
            continue
        progress = D("execution_row_progress", rate=percent(fig.spend_progress)) if fig.spend_progress is not None else ""
        items.append(D("execution_row", row=row, subtotal=money(fig.subtotal), spent=money(fig.spent), progress=progress))
    if len(items) < 2 and first:
        return None  # a single source says nothing the total did not (a later table's breakdown still does)
    return D("execution_rows", heading=table.heading, items="；".join(items)) if items else None


def money_notes(ev: Evaluation) -> list[str]:
    """Notes under the budget tables (附件1, the .xlsx) for what the form's columns cannot hold: the 年初预算 of a row
    shown at its 调整后预算, and payments approved but not yet made. Empty for a submission that uses neither."""
    with worded(ev.form):
        return _money_notes_of(ev)


def _money_notes_of(ev: Evaluation) -> list[str]:
    notes = []
    shown = "adjusted_budget" in ev.form.amounts  # a form with a 全年预算数 column prints both budgets itself
    for t in ev.form.tables:
        for row in ev.submission.tables[t.field]:
            fig = ev.tables[t.field][row]
            if fig.initial_budget is not None and not shown:
                notes.append(D("note_adjusted", row=row, adjusted=money(fig.budget), initial=money(fig.initial_budget)))
            if fig.pending:
                notes.append(D("note_pending", row=row, pending=money(fig.pending)))
    return notes


def _money_notes(fig: figures.Figures, column: bool = False) -> str:
    """What real reports say beside the figures: the budget as adjusted (both figures), payments approved but not made.
    `column`: the form shows the adjusted budget as a column of its own (全年预算数), its rate is 执行率."""
    text = ""
    if fig.initial_budget is not None:
        key = "execution_adjusted_column" if column else "execution_adjusted"
        text += D(key, initial=money(fig.initial_budget), adjusted=money(fig.budget))
    if fig.pending:
        text += D("execution_pending", pending=money(fig.pending), rate=percent(fig.committed_progress))
    return text


def _line_items(ev: Evaluation) -> list[str]:
    """One sentence per fund row broken down into 明细: the activities its money pays for."""
    out = []
    for t in ev.form.tables:
        for row, amounts in ev.submission.tables[t.field].items():
            if amounts.items:
                items = [
                    D(
                        "execution_item" if i.amount is not None else "execution_item_unreported",
                        name=i.name,
                        amount=money(i.amount) if i.amount is not None else "",
                        use=D("execution_item_use", use=i.use) if i.use else "",
                    )
                    for i in amounts.items
                ]
                out.append(D("execution_items", row=row, items="；".join(items)))
    return out


def execution(ev: Evaluation) -> list[str]:
    """「（一）预算执行情况分析」: allocation, spending against time progress, by source, and the year's outlook."""
    sub, total = ev.submission, ev.headline
    paragraphs = [_execution_sentence(sub, total) + _money_notes(total, "adjusted_budget" in ev.form.amounts)]
    tables = budget_tables(ev)
    for index, table in enumerate(tables):
        sentence = _rows_sentence(table, index == 0)
        if sentence:
            paragraphs.append(sentence)
    outlook = []
    if total.subtotal and total.reported("expected_rate"):
        gap = total.expected - total.subtotal
        tail = D("expected_surplus", gap=money(-gap)) if gap < 0 else D("expected_over", gap=money(gap)) if gap > 0 else ""
        outlook.append(D("expected", expected=money(total.expected), rate=percent(total.expected_rate), tail=tail))
    if total.reported("spent") and total.reported("subtotal") and total.spent > total.subtotal:
        outlook.append(D("over_budget", month=sub.period.month, gap=money(total.spent - total.subtotal)))
    paragraphs.extend(_line_items(ev))
    refs = D("table_ref_join").join(D("table_ref", number=i + 1) for i in range(len(tables)))
    outlook.append(D("see_tables", tables=refs))
    paragraphs.append("".join(outlook))
    return paragraphs


def targets(sub: Project | Department) -> list[str]:
    """「（二）绩效目标实现情况分析」: the indicators by kind and likelihood, then one sentence per indicator."""
    subject = _subject(sub)
    if "indicators" in sub.unreported:
        return [D("targets_unreported", subject=subject)]
    if not sub.indicators:
        return [D("targets_none", subject=subject)]
    kinds = [D("targets_kind", level1=level1, count=n) for level1 in F.TAXONOMY if (n := sum(i.level1 == level1 for i in sub.indicators))]
    likelihoods = [
        D("targets_likelihood_item", likelihood=lk, count=n)
        for lk in form_of(sub).answers
        if (n := sum(i.likelihood == lk for i in sub.indicators))
    ]
    if n := sum(not i.reported("likelihood") for i in sub.indicators):
        likelihoods.append(D("targets_likelihood_unreported", count=n))
    paragraphs = [
        D("targets_count", subject=subject, count=len(sub.indicators), kinds="、".join(kinds))
        + D("targets_likelihood", items="，".join(likelihoods))
    ]
    for number, ind in enumerate(ordered_indicators(sub.indicators), start=1):
        text = ladder(3, number) + indicator(ind, sub.period.months, "expected" in form_of(sub).indicator_fields)
        if ind.deviation:
            text += D("indicator_deviation", text=_sentence(ind.deviation))
        if ind.judged == F.IMPOSSIBLE and ind.remark:
            remark = _sentence(ind.remark)
            text += remark if remark.startswith(D("remark_prefix")) else D("indicator_remark", text=remark)
        paragraphs.append(text)
    return paragraphs


def ordered_indicators(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    """The indicators in the form's order of 二级指标, as 附件1 numbers them."""
    return sorted(indicators, key=lambda i: F.LEVEL2_ALL.index(i.level2) if i.level2 in F.LEVEL2_ALL else len(F.LEVEL2_ALL))


def indicator(ind: Indicator, months: str, expected: bool = True) -> str:
    """One indicator as a sentence: 「数量指标“受益人数”：年度指标值≥100人，1-6月完成60人，…，预计能够完成年度目标。」
    `expected`: whether the form has a 全年预计 column (a form without one drafts no clause about it)."""
    target = _value("indicator_target", ind.target, ind.reported("target"))
    if ind.adjusted_target and ind.reported("adjusted_target"):
        target = D("indicator_adjusted", target=target, adjusted=ind.adjusted_target)
    return D(
        "indicator" if expected else "indicator_no_expected",
        level2=ind.level2,
        name=ind.name.translate(_CORNERS),
        target=target,
        result=_value("indicator_result", ind.result, ind.reported("result"), months=months),
        expected=_value("indicator_expected", ind.expected, ind.reported("expected")),
        judgement=judgement(ind),
    )


def judgement(ind: Indicator) -> str:
    """The closing clause: the 完成目标可能性 as reported, except that a forecast short of the target is never drafted
    as 「能够完成」 (issue 14: the draft says what the forecast is and that it falls short, W317 asks the clerk)."""
    if ind.judged == F.CERTAIN and ind.reported("expected"):
        target = ind.effective_target
        if meets(target, ind.expected) is False:
            return D("judgement_above" if exceeds(target, ind.expected) else "judgement_short", target=target.text)
    return D(f"judgement_{ind.judged}")


DRAFTERS: dict[str, Callable[[Evaluation], list[str]]] = {BASIC: basic, EXECUTION: execution, TARGETS: lambda ev: targets(ev.submission)}


def drafts(ev: Evaluation) -> dict[str, list[str]]:
    """Drafted paragraphs for every section the submission leaves empty (key -> paragraphs), in the form's words."""
    with worded(ev.form):
        return {key: make(ev) for key, make in DRAFTERS.items() if not ev.submission.report.get(key)}
