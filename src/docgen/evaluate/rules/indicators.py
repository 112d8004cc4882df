"""有效性: each performance indicator against its target (W421–W426, W428–W430), and the indicator set (W427)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ... import messages as M
from ...check.load import JsonPath
from ...check.ruleset import BLUE, GREEN, RED, YELLOW, Rule
from ...form import indicators as V
from ...form import numbers as N
from ...form import vocabulary as F
from ...form.forms import form_of
from ...form.model import Indicator
from .. import figures as compute
from ..run import SUBMISSION, Run, Subject, implements

K, I = F.KEYS, F.INDICATOR_FIELDS  # noqa: E741 - K/I as in model.py


def _each(run: Run) -> list[tuple[int, Indicator, Subject, JsonPath]]:
    """Every indicator with what its findings are about and where it stands."""
    return [(index, ind, ("indicator", index), (K["indicators"], index)) for index, ind in enumerate(run.sub.indicators)]


# --- W421, W422 and W425: the indicator light -------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far an indicator's result is along its target: the light and what the light compared."""

    light: str | None
    code: str
    planned: str
    ratio: Decimal | None = None


def progress(indicator: Indicator, rule: Rule | None, month: int, year: int) -> Progress | None:
    """The indicator light of the 一体化 system (W421), or the within-target light (W422)."""
    target, result = indicator.effective_target, indicator.result
    if not V.comparable(target, result):
        return None
    if target.is_date or target.is_range or target.lower_is_better:
        met = V.meets(target, result, year)
        return Progress(GREEN if met else RED, "W422", target.text)
    if rule is None:
        return None
    if target.number is None or result.number is None:
        return None
    cumulative = indicator.is_cumulative
    if cumulative is None and month < 12 and result.number < target.number:
        return None  # unsure whether it accumulates, and short of the year's target: no light from a guess
    planned = compute.planned(target.number, month, bool(cumulative))
    ratio = compute.indicator_progress(result.number, target.number, month, bool(cumulative))
    if ratio is None:
        return None
    graded = rule.grade(ratio)
    light = graded[0] if graded else GREEN
    if light == BLUE and result.number == target.number:
        light = GREEN  # exactly the year's target: done, not a target set too low
    shown = target.shown(planned) if cumulative and month < 12 else target.text
    return Progress(light, "W421", shown, ratio)


def judged(run: Run, index: int) -> tuple[Progress, Rule, str | None] | None:
    """An indicator's progress, the rule (W421 or W422) that judges it and the light it gives; None when neither runs.

    Worked out once per indicator and shared by W421, W422 and W425 (which asks whether the light is red or yellow).
    """
    key = ("progress", index)
    if key not in run.memo:
        prog = progress(run.sub.indicators[index], run.rule("W421"), run.month, run.sub.period.year)
        rule = run.rule(prog.code) if prog else None
        if prog is None or rule is None:
            run.memo[key] = None
        else:
            run.memo[key] = (prog, rule, prog.light if prog.code == "W421" or prog.light == GREEN else rule.light)
    verdict: tuple[Progress, Rule, str | None] | None = run.memo[key]
    return verdict


def _off_target(run: Run, code: str) -> None:
    for index, ind, subject, at in _each(run):
        verdict = judged(run, index)
        if verdict is None or verdict[0].code != code or verdict[2] == GREEN:
            continue
        prog, rule, light = verdict
        run.hit(
            rule,
            light,
            subject,
            (*at, I["result"]),
            name=ind.name,
            target=ind.effective_target.text,
            result=ind.result.text,
            planned=prog.planned,
            ratio=N.plain_rate_or_dash(prog.ratio),
        )


@implements("W421")
def behind_schedule(run: Run) -> None:
    """W421: the indicator light of the 一体化 system, r = 完成情况 ÷ 应达值 × 100, for higher-is-better targets."""
    _off_target(run, "W421")


@implements("W422")
def outside_target(run: Run) -> None:
    """W422: a lower-is-better, range or date target the result does not meet."""
    _off_target(run, "W422")


@implements("W425")
def unexplained(run: Run) -> None:
    """W425: a red or yellow indicator (W421, W422) without 偏差原因分析."""
    rule = run.rule("W425")
    if rule is None:
        return
    for index, ind, subject, at in _each(run):
        verdict = judged(run, index)
        if verdict is not None and verdict[2] in (RED, YELLOW) and not ind.deviation:
            run.hit(rule, rule.light, subject, (*at, I["name"]), name=ind.name, result=ind.result.text, planned=verdict[0].planned)


# --- the other indicator rules ---------------------------------------------------------------------


@implements("W423")
def expected_short(run: Run) -> None:
    """W423: 全年预计完成情况 short of the (adjusted) target."""
    rule = run.rule("W423")
    if rule is None:
        return
    for _, ind, subject, at in _each(run):
        target, year = ind.effective_target, run.sub.period.year
        if V.meets(target, ind.expected, year) is False:
            miss = M.label("expected_above" if V.exceeds(target, ind.expected, year) else "expected_short")
            run.hit(
                rule, rule.light, subject, (*at, I["expected"]), name=ind.name, target=target.text, expected=ind.expected.text, miss=miss
            )


@implements("W424")
def likelihood(run: Run) -> None:
    """W424: the light the thresholds give the reported 完成目标可能性 (有可能, 完全不可能)."""
    rule = run.rule("W424")
    if rule is None:
        return
    for _, ind, subject, at in _each(run):
        if rule.thresholds.get(ind.judged) is not None:  # thresholds keyed by 朔州's wording; any scale maps onto it
            light = rule.thresholds[ind.judged]
            run.hit(rule, light, subject, (*at, I["likelihood"]), name=ind.name, likelihood=ind.likelihood, remark=ind.remark)


@implements("W426")
def thin_deviation(run: Run) -> None:
    """W426: a 偏差原因分析 that names none of the keywords (决策, 过程, 管理)."""
    rule = run.rule("W426")
    if rule is None:
        return
    words = rule.threshold("关键词")
    for _, ind, subject, at in _each(run):
        if ind.deviation and words and not any(word in ind.deviation for word in words):
            run.hit(rule, rule.light, subject, (*at, I["deviation"]), name=ind.name, keywords="、".join(words))


@implements("W428")
def unreadable_value(run: Run) -> None:
    """W428: a numeric-looking value that does not parse."""
    rule = run.rule("W428")
    if rule is None:
        return
    for _, ind, subject, at in _each(run):
        values = (("target", ind.target), ("adjusted_target", ind.adjusted_target), ("result", ind.result), ("expected", ind.expected))
        for name, value in values:
            if value is not None and V.looks_numeric(value):
                run.hit(rule, rule.light, subject, (*at, I[name]), name=ind.name, field=I[name], value=value.text)


@implements("W429")
def incomparable(run: Run) -> None:
    """W429: target and result of different kinds (「1200人」 against 「1200人次」)."""
    rule = run.rule("W429")
    if rule is None:
        return
    for _, ind, subject, at in _each(run):
        target, result = ind.effective_target, ind.result
        if _fraction_for_percent(target, result):
            continue  # W430 says what is wrong
        if not target.qualitative and not result.qualitative and not V.comparable(target, result):
            run.hit(rule, rule.light, subject, (*at, I["result"]), name=ind.name, target=target.text, result=result.text)


def _fraction_for_percent(target: V.Value, other: V.Value) -> bool:
    return V.decimal_percent(target, other) is not None or V.decimal_percent(other, target) is not None


@implements("W430")
def fraction_for_percent(run: Run) -> None:
    """W430: 「0.95」 beside 「≥95%」 (or the other way round): 「是不是 95%？」 instead of a ratio of 1%."""
    rule = run.rule("W430")
    if rule is None:
        return
    for _, ind, subject, at in _each(run):
        target = ind.effective_target
        target_field = "adjusted_target" if ind.adjusted_target is not None else "target"
        found: dict[str, tuple[V.Value, V.Value, Decimal]] = {}  # field -> (typed, against, percent): one hint a field
        for name, value in (("result", ind.result), ("expected", ind.expected)):
            for field, typed, against in ((name, value, target), (target_field, target, value)):
                percent = V.decimal_percent(against, typed)
                if percent is not None:
                    found.setdefault(field, (typed, against, percent))
        for field, (typed, against, percent) in found.items():
            shown = f"{V.format_number(percent)}%"
            run.hit(
                rule,
                rule.light,
                subject,
                (*at, I[field]),
                name=ind.name,
                field=I[field],
                value=typed.text,
                percent=shown,
                target=against.text,
            )


@implements("W427")
def missing_kinds(run: Run) -> None:
    """W427: a required 一级 or 二级 kind with no indicator."""
    rule = run.rule("W427")
    if rule is None or "indicators" in run.sub.unreported:
        return  # 绩效指标: 未填报 — no indicators yet is not a missing kind (I402 says it was not evaluated)
    level1 = {i.level1 for i in run.sub.indicators}
    level2 = {i.level2 for i in run.sub.indicators}
    missing = [name for name in rule.threshold("必填一级指标") if name not in level1]
    if any(c.field == "level2" for c in form_of(run.sub).indicator_columns):  # a form without 二级指标 asks for none
        missing += [name for name in rule.threshold("必填二级指标") if name not in level2 and _level1_of(name) not in missing]
    if missing:
        run.hit(rule, rule.light, SUBMISSION, (K["indicators"],), key=True, missing="、".join(missing))


def _level1_of(level2: str) -> str:
    return next(l1 for l1, l2s in F.TAXONOMY.items() if level2 in l2s)
