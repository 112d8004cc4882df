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
from ..check.rulebook import DECLARATIONS
from ..check.ruleset import RED, YELLOW, Ruleset
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import form_of
from ..messages import ladder
from . import draft as draft_text
from .figures import Figures
from .monitor import SubmissionAnalysis
from .wording import Worded, worded, words


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
#: Findings about the paperwork, not about the money or the targets: the 财政局 reads them in the check's report,
#: never in the unit's own 分析报告 (a roster mismatch, W414's sums, an explanation not written, a value unreadable).
PAPERWORK_RULES = ("W413", "W414", "W425", "W426", "W428", "W429")
D = Worded(M.DRAFT_ANALYSIS)  # each template in the form's words (wording.worded, set by `draft`)
LIT = (RED, YELLOW)
#: A 备注 that begins by naming itself (「拟采取的措施：」) is not labelled twice.
_MEASURES_LABEL = re.compile(r"^[^：:。]{0,8}措施[：:]")


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _warnings(sa: SubmissionAnalysis, codes: tuple[str, ...]) -> list[Finding]:
    return [f for f in sa.findings if f.code in codes and f.code not in PAPERWORK_RULES and f.light in LIT]


def _missing(fig: Figures) -> str:
    """The typed amounts of a budget row stated 「未填报」, by their labels in the form's words: 「下达数、支出数」."""
    return "、".join(words(label) for name, label in F.AMOUNT_FIELDS.items() if name in fig.unreported)


def conclusion(sa: SubmissionAnalysis) -> str:
    """The one-paragraph verdict that opens 「四、绩效监控结果分析」, drafted from the figures and lights."""
    sub = sa.submission
    subject = form_of(sub).report_referent
    if sa.exempt:
        return D["conclusion_exempt"].format(subject=subject)
    total = sa.headline
    if missing := _missing(total):
        budget = D["conclusion_budget_unreported"].format(fields=missing)
    elif total.subtotal > 0:
        budget = D["conclusion_budget"].format(
            arranged=N.prose_money(total.subtotal),
            spent=N.prose_money(total.spent),
            spend_progress=N.rate_or_dash(total.spend_progress),
            time_progress=N.rate_or_dash(total.time_progress),
        )
        if total.pending:
            budget += D["conclusion_pending"].format(
                pending=N.prose_money(total.pending), rate=N.plain_rate_or_dash(total.committed_progress)
            )
    else:
        budget = D["conclusion_budget_empty"]
    likely = sa.likelihoods()
    items = D["names_join"].join(D["conclusion_likelihood"].format(likelihood=lk, count=likely[lk]) for lk in likely if likely[lk])
    targets = D["conclusion_indicators"].format(total=len(sub.indicators)) + (D["conclusion_likely"].format(items=items) if items else "")
    if "indicators" in sub.unreported:
        targets = D["conclusion_indicators_unreported"]
    elif unknown := sum(not i.reported("likelihood") for i in sub.indicators):
        targets += D["conclusion_indicators_unreported_count"].format(count=unknown)
    lead = D["conclusion_lead"].format(year=sub.period.year, month=sub.period.month, subject=subject)
    light = words(M.DRAFT_ANALYSIS_LIGHT[sa.light or "green"])
    text = D["separator"].join(part for part in (lead + budget, targets, light) if part)
    counts = sa.counts()
    lit = [D["conclusion_count"].format(light=M.LIGHT_NAMES[light], count=counts[light]) for light in (RED, YELLOW) if counts[light]]
    if lit:
        text += D["conclusion_counts"].format(items=D["names_join"].join(lit))
    if not sa.completeness.complete:
        text += D["conclusion_completeness"].format(reported=sa.completeness.reported, total=sa.completeness.total)
    return text


def _names(findings: list[Finding], ruleset: Ruleset | None) -> str:
    """The rules behind `findings` by name, in the rules file's order: 「支出进度滞后、预计结转结余」."""
    codes = dict.fromkeys(f.code for f in sorted(findings, key=lambda f: f.code))
    return D["names_join"].join(words((ruleset[c] if ruleset is not None else DECLARATIONS[c]).name) for c in codes)


def _budget_rows(sa: SubmissionAnalysis) -> list[str]:
    """One sentence per budget row whose light is red or yellow: each row once, 资金总额 first, a lone source not
    again after the total it equals."""
    seen: set[str] = set()
    sentences = []
    for key, table, given in sa.table_rows():
        lights = sa.row_lights.get(key, {})
        for row in (F.TOTAL_ROW, *(given if len(given) > 1 else ())):
            if lights.get(row) not in LIT or row in seen or row not in table:
                continue
            seen.add(row)
            fig = table[row]
            if not (fig.reported("subtotal") and fig.reported("spent")):  # never 「已支出0.00万元」, nor a partial sum
                key = "deviation_row_unreported" if fig.reported("subtotal") else "deviation_row_unreported_all"
                sentences.append(D[key].format(row=row, subtotal=N.prose_money(fig.subtotal), missing=_missing(fig)))
                continue
            args = {"row": row, "subtotal": N.prose_money(fig.subtotal), "spent": N.prose_money(fig.spent)}
            if fig.spend_progress is None:
                sentences.append(D["deviation_row_unrated"].format(**args))
            else:
                versus = draft_text.versus(fig.spend_progress, fig.time_progress)
                sentences.append(D["deviation_row"].format(rate=N.rate(fig.spend_progress), versus=versus, **args))
    return sentences


def deviation(sa: SubmissionAnalysis, ruleset: Ruleset | None = None) -> str:
    """The drafted deviation analysis under 「（二）」: 「1．预算执行方面。」 with the rows that lag, 「2．绩效目标方面。」
    with one 「（1）」 per indicator that lags and the unit's own reasons; or that there is none."""
    budget = _warnings(sa, BUDGET_RULES)
    targets = _warnings(sa, TARGET_RULES)
    sub = sa.submission
    lit = {id(ind) for ind, light in zip(sub.indicators, sa.indicator_lights, strict=False) if light in LIT}
    lagging = [ind for ind in draft_text.ordered_indicators(sub.indicators) if id(ind) in lit]
    if not budget and not (targets and lagging):
        return D["deviation_none"] if sa.completeness.complete else D["deviation_unreported"]
    paragraphs: list[str] = []
    if budget:
        text = ladder(3, len(paragraphs) + 1) + D["deviation_budget"] + "".join(_budget_rows(sa))
        paragraphs.append(text + D["deviation_kinds"].format(names=_names(budget, ruleset)))
    if targets and lagging:
        paragraphs.append(ladder(3, len(paragraphs) + 1) + D["deviation_targets"])
        for number, ind in enumerate(lagging, 1):
            text = ladder(4, number) + draft_text.indicator(ind, sub.period.months, "expected" in form_of(sub).indicator_fields)
            if ind.deviation:
                text += _sentence(D["deviation_reason"].format(reason=draft_text.official(ind.deviation)))
            paragraphs.append(text)
    return "\n".join(paragraphs)


def problems(sa: SubmissionAnalysis, ruleset: Ruleset) -> str:
    """The drafted problems and measures under 「（三）」: 「1．存在的问题。」 with one 「（1）」 per red or yellow rule,
    worst first, then 「2．整改措施和建议。」 with each rule's 建议 and the measures the unit names for indicators
    it expects to miss."""
    found = [f for f in sa.findings if f.light in LIT and f.code not in PAPERWORK_RULES]
    if not found:
        return D["problems_none"] if sa.completeness.complete else D["problems_unreported"].format(missing=sa.completeness.missing)
    codes = list(dict.fromkeys(f.code for f in sorted(found, key=lambda f: (f.light != RED, f.code))))
    paragraphs = [ladder(3, 1) + D["problems_lead"]]
    measures: list[str] = []
    for index, code in enumerate(codes, 1):
        rule = ruleset[code]
        hits = [f for f in found if f.code == code]
        light = M.LIGHT_NAMES[RED if any(f.light == RED for f in hits) else YELLOW]
        paragraphs.append(ladder(4, index) + D["problems_item"].format(name=words(rule.name), light=light, count=len(hits)))
        if rule.advice:
            measures.append(_sentence(D["measures_item"].format(advice=draft_text.official(words(rule.advice)))))
    for ind in sa.submission.indicators:
        if ind.judged == F.IMPOSSIBLE and ind.remark:
            remark = draft_text.official(_MEASURES_LABEL.sub("", ind.remark))
            measures.append(_sentence(D["measures_remark"].format(name=draft_text.official(ind.name), remark=remark)))
    if measures:
        paragraphs.append(ladder(3, 2) + D["measures_lead"])
        paragraphs.extend(ladder(4, number) + text for number, text in enumerate(dict.fromkeys(measures), 1))
    return "\n".join(paragraphs)


def draft(sa: SubmissionAnalysis, ruleset: Ruleset, *, only_missing: bool = True) -> dict[str, str]:
    """The three texts of 「四、绩效监控结果分析」, keyed as in `forms.REPORT_KEYS`.

    With `only_missing` (the default) only the sections the submission left empty are drafted, so a
    renderer can fill its gaps with `{**drafted, **written}` or simply use what this returns.
    """
    written = sa.submission.report
    makers: dict[str, Callable[[], str]] = {
        CONCLUSION: lambda: conclusion(sa),
        DEVIATION: lambda: deviation(sa, ruleset),
        PROBLEMS: lambda: problems(sa, ruleset),
    }
    with worded(form_of(sa.submission)):  # in the words of the submission's form (执行率 where it says so)
        return {key: make() for key, make in makers.items() if not (only_missing and written.get(key))}
