"""Drafts of 附件1's 「四、绩效监控结果分析」 from the monitoring findings, in plain official Chinese.

Used for the sections a submission leaves empty: 「（一）监控总体结论」, 「（二）预算执行和绩效目标出现偏差的
原因分析」 and 「（三）存在问题及整改措施和建议」. The sentences come from `messages.DRAFT_ANALYSIS`, the problems from
the findings' messages and the measures from each rule's 建议 in the rules file. Paragraphs are
separated by a newline.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import messages as M
from ..check.findings import Finding
from ..check.ruleset import RED, YELLOW, Ruleset
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.model import Project
from .monitor import SubmissionAnalysis


def _analysis_keys() -> tuple[str, ...]:
    """The keys under the fourth level-1 heading of 附件1 (四、绩效监控结果分析), in order."""
    keys: list[str] = []
    level1 = 0
    for section in F.REPORT_SECTIONS:
        if section.level == 1:
            level1 += 1
        elif level1 == 4 and section.key:
            keys.append(section.key)
    return tuple(keys)


CONCLUSION, DEVIATION, PROBLEMS = SECTION_KEYS = _analysis_keys()
BUDGET_RULES = ("W401", "W402", "W403", "W404", "W405", "W411", "W412", "W414")
TARGET_RULES = ("W421", "W422", "W423", "W424", "W425")
D = M.DRAFT_ANALYSIS
#: A 备注 that begins by naming itself (「拟采取的措施：」) is not labelled twice.
_MEASURES_LABEL = re.compile(r"^[^：:。]{0,8}措施[：:]")


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _warnings(sa: SubmissionAnalysis, codes: tuple[str, ...]) -> list[Finding]:
    return [f for f in sa.findings if f.code in codes and f.light in (RED, YELLOW)]


def conclusion(sa: SubmissionAnalysis) -> str:
    """The one-paragraph verdict that opens 「四、绩效监控结果分析」, drafted from the figures and lights."""
    sub = sa.submission
    subject = D["subject_project"] if isinstance(sub, Project) else D["subject_department"]
    if sa.exempt:
        return D["conclusion_exempt"].format(subject=subject)
    total = sa.headline
    missing = [label for name, label in F.AMOUNT_FIELDS.items() if name in total.unreported]
    if missing:
        budget = D["conclusion_budget_unreported"].format(fields="、".join(missing))
    elif total.subtotal > 0:
        budget = D["conclusion_budget"].format(
            arranged=N.plain_money(total.subtotal),
            spent=N.plain_money(total.spent),
            spend_progress=N.plain_rate_or_dash(total.spend_progress),
            time_progress=N.plain_rate_or_dash(total.time_progress),
        )
        if total.pending:
            budget += D["conclusion_pending"].format(
                pending=N.plain_money(total.pending), rate=N.plain_rate_or_dash(total.committed_progress)
            )
    else:
        budget = D["conclusion_budget_empty"]
    likely = sa.likelihoods()
    targets = D["conclusion_indicators"].format(
        total=len(sub.indicators), certain=likely[F.CERTAIN], possible=likely[F.POSSIBLE], impossible=likely[F.IMPOSSIBLE]
    )
    if "indicators" in sub.unreported:
        targets = D["conclusion_indicators_unreported"]
    elif unknown := sum(not i.reported("likelihood") for i in sub.indicators):
        targets += D["conclusion_indicators_unreported_count"].format(count=unknown)
    lead = D["conclusion_lead"].format(year=sub.period.year, month=sub.period.month, subject=subject)
    text = f"{lead}{budget}{D['separator']}{targets}{D['separator']}{M.DRAFT_ANALYSIS_LIGHT[sa.light or 'green']}"
    counts = sa.counts()
    if counts[RED] or counts[YELLOW]:
        text += D["conclusion_counts"].format(red=counts[RED], yellow=counts[YELLOW])
    if not sa.completeness.complete:
        text += D["conclusion_completeness"].format(reported=sa.completeness.reported, total=sa.completeness.total)
    return text


def deviation(sa: SubmissionAnalysis) -> str:
    """The drafted deviation paragraph: the budget and target warnings in words, or that there is none."""
    budget = _warnings(sa, BUDGET_RULES)
    targets = _warnings(sa, TARGET_RULES)
    if not budget and not targets:
        return D["deviation_none"] if sa.completeness.complete else D["deviation_unreported"]
    paragraphs = []
    if budget:
        paragraphs.append(D["deviation_budget"].format(items="".join(_sentence(f.message) for f in budget)))
    if targets:
        paragraphs.append(D["deviation_targets"].format(items="".join(_sentence(f.message) for f in targets)))
        reasons = [
            D["deviation_reason"].format(name=i.name, reason=i.deviation.rstrip("。")) for i in sa.submission.indicators if i.deviation
        ]
        paragraphs.append(
            _sentence(D["deviation_reasons"].format(items=D["separator"].join(reasons))) if reasons else D["deviation_no_reason"]
        )
    return "\n".join(paragraphs)


def problems(sa: SubmissionAnalysis, ruleset: Ruleset) -> str:
    """The drafted problems and measures, one item per red or yellow rule, worst first."""
    found = [f for f in sa.findings if f.light in (RED, YELLOW)]
    if not found:
        return D["problems_none"] if sa.completeness.complete else D["problems_unreported"].format(missing=sa.completeness.missing)
    codes = list(dict.fromkeys(f.code for f in sorted(found, key=lambda f: (f.light != RED, f.code))))
    problem_items: list[str] = []
    measure_items: list[str] = []
    for index, code in enumerate(codes, 1):
        rule = ruleset[code]
        hits = [f for f in found if f.code == code]
        light = M.LIGHT_NAMES[RED if any(f.light == RED for f in hits) else YELLOW]
        problem_items.append(D["problems_item"].format(index=index, name=rule.name, light=light, count=len(hits)))
        if rule.advice:
            measure_items.append(_sentence(D["measures_item"].format(index=len(measure_items) + 1, advice=rule.advice)))
    paragraphs = [D["problems_lead"].format(items="".join(problem_items)), D["measures_lead"].format(items="".join(measure_items))]
    remarks = [
        D["deviation_reason"].format(name=i.name, reason=_MEASURES_LABEL.sub("", i.remark).rstrip("。"))
        for i in sa.submission.indicators
        if i.likelihood == F.IMPOSSIBLE and i.remark
    ]
    if remarks:
        paragraphs.append(_sentence(D["measures_remark"].format(items=D["separator"].join(remarks))))
    return "\n".join(paragraphs)


def draft(sa: SubmissionAnalysis, ruleset: Ruleset, *, only_missing: bool = True) -> dict[str, str]:
    """The three texts of 「四、绩效监控结果分析」, keyed as in `forms.REPORT_KEYS`.

    With `only_missing` (the default) only the sections the submission left empty are drafted, so a
    renderer can fill its gaps with `{**drafted, **written}` or simply use what this returns.
    """
    written = sa.submission.report
    makers: dict[str, Callable[[], str]] = {
        CONCLUSION: lambda: conclusion(sa),
        DEVIATION: lambda: deviation(sa),
        PROBLEMS: lambda: problems(sa, ruleset),
    }
    return {key: make() for key, make in makers.items() if not (only_missing and written.get(key))}
