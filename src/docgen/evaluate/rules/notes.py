"""提示: notes that colour nothing. I401: a 科研类 project is not monitored during the year; I402: what was not
reported (「未填报」) and so not evaluated; I403: the narrative quotes a rate the figures do not give."""

from __future__ import annotations

import re
from decimal import Decimal

from ...form import numbers as N
from ...form import vocabulary as F
from ...form.forms import form_of
from ...messages import UNREPORTED as U
from ..run import SUBMISSION, Run, implements

K, A, I = F.KEYS, F.AMOUNT_FIELDS, F.INDICATOR_FIELDS  # noqa: E741 - as in model.py
#: A rate quoted in the narrative: its word, a few linking characters (为、达到、是、：), the number and 「%」.
_QUOTED_RATE = re.compile(
    r"(预算执行率|资金使用率|使用率|支出进度|支出率|执行率|下达率)[^0-9。；;，,%％\n]{0,6}?(\d{1,3}(?:\.\d+)?)\s*[%％]"
)
_ALLOCATION_WORDS = ("下达率",)
#: Words that make a quoted rate a goal or a forecast, not a statement of the period (「10月底前支出进度达到80%以上」).
_NOT_STATED = re.compile(r"前|以上|以下|左右|力争|争取|确保|预计|目标|计划|将|要|应|不低于|不少于|超过|年底|全年")
_CLAUSE_END = re.compile(r"[。；;，,！？\n]")


def _clause(text: str, start: int, end: int) -> str:
    """The clause a match stands in: from the previous punctuation mark to the next one."""
    before = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    after = _CLAUSE_END.search(text, end)
    return text[before : after.start() if after else len(text)]


@implements("I401")
def research_exemption(run: Run) -> None:
    """I401: the rules marked 科研类豁免 were skipped for a 科研类 project in months 1–11; say which, instead of warnings."""
    if not run.exempt:
        return
    info = run.ruleset.active("I401", False)  # a note about the exemption is never itself exempt
    if info is None:
        return
    skipped = run.ruleset.exempted()
    run.hit(
        info,
        info.light,
        SUBMISSION,
        (F.KEYS["research"],),
        key=True,
        note=True,
        count=len(skipped),
        rules="、".join(r.name for r in skipped),
    )


@implements("I402")
def not_reported(run: Run) -> None:
    """I402: each figure, indicator value, budget table or 绩效指标 block stated 「未填报」, and what it kept from a light.

    The rules skip what is not reported (its ratios are None, figures.py); this note says so at its line, and the
    engine gives what it concerns the grey light 「未评价」 instead of a green that nothing earned.
    """
    info = run.ruleset.active("I402", False)
    if info is None:
        return
    sub = run.sub
    for row in run.rows:
        typed = [A[name] for name in A if name in row.figures.unreported]
        if not typed:
            continue
        if row.total and row.table in _unreported_keys(run):
            what = U["table"].format(table=row.table)
            run.hit(info, info.light, row.subject, row.at, key=True, note=True, what=what, skipped=U["skipped_row"])
        elif not row.total:
            what = U["row"].format(table=row.table, row=row.label, fields=U["join"].join(run.words(t) for t in typed))
            run.hit(info, info.light, row.subject, (*row.at, typed[0]), note=True, what=what, skipped=U["skipped_row"])
    if "indicators" in sub.unreported:
        run.hit(info, info.light, SUBMISSION, (K["indicators"],), key=True, note=True, what=U["block"], skipped=U["skipped_block"])
    for index, ind in enumerate(sub.indicators):
        fields = [I[name] for name in ("target", "adjusted_target", "result", "expected", "likelihood") if name in ind.unreported]
        if fields:
            what = U["indicator"].format(name=ind.name, fields=U["join"].join(fields))
            at = (K["indicators"], index, fields[0])
            run.hit(info, info.light, ("indicator", index), at, note=True, what=what, skipped=U["skipped_indicator"])


def _unreported_keys(run: Run) -> set[str]:
    """The YAML keys of the budget tables the submission stated 「未填报」 as a whole."""
    return {t.key for t in form_of(run.sub).tables if t.field in run.sub.unreported}


@implements("I403")
def quoted_rate(run: Run) -> None:
    """I403: a 使用率/支出进度/下达率 quoted in the 分析报告 that no row's computed rate comes near (「使用率100%」 beside
    a computed 支出进度 of 25%). A rate any budget row gives, within the tolerance, is taken as quoted from that row."""
    rule = run.rule("I403")
    if rule is None:
        return
    tolerance = Decimal(rule.threshold("允许差异"))
    headline = run.rows[0].figures
    for section, text in run.sub.report.items():
        for match in _QUOTED_RATE.finditer(text):
            if _NOT_STATED.search(_clause(text, match.start(), match.end())):
                continue  # a goal or a forecast, not what the period reached
            word, stated = match[1], Decimal(match[2])
            allocation = word in _ALLOCATION_WORDS
            computed = headline.allocation_rate if allocation else headline.spend_progress
            if computed is None:
                continue
            candidates = [
                r
                for row in run.rows
                for r in ((row.figures.allocation_rate,) if allocation else (row.figures.spend_progress, row.figures.committed_progress))
                if r is not None
            ]
            if any(abs(stated - r) <= tolerance for r in candidates):
                continue
            run.hit(
                rule,
                rule.light,
                SUBMISSION,
                (F.KEYS["report"], section),
                section=section,
                word=word,
                stated=N.plain_rate(stated),
                computed=N.plain_rate(computed),
                figure=run.words("下达率" if allocation else "支出进度"),
            )
