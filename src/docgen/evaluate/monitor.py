"""The monitoring engine: every rule of the rules file evaluated on the model, as Findings with lights.

The regulation (第四章) asks for 及时性、合规性、有效性 monitoring by 目标比较法. Each rule below is one
small function keyed by its stable code; thresholds, lights and the Chinese texts come from the rules
file (`ruleset`). Lights are given per budget row, per indicator and per submission (the worst of its
lights), and counted per department. 科研类 projects skip the rules marked 科研类豁免 during the year
and get an info line saying so instead of warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import messages as M
from ..cache import Shelf, digest
from ..check import ruleset as R
from ..check.findings import Finding, finding_rows, findings_from_rows
from ..check.load import Document, JsonPath, load_file
from ..check.ruleset import GREEN, NONE, RED, YELLOW, Rule, Ruleset
from ..form import indicators as V
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.model import Department, ExpectedProject, Indicator, Project, Roster
from . import figures as compute
from .evaluation import Evaluation, evaluate

K, A, I = F.KEYS, F.AMOUNT_FIELDS, F.INDICATOR_FIELDS  # noqa: E741 - K/A/I as in model.py
Submission = Project | Department
#: (path, json path, key?) -> (line, column). Without documents every finding stands at 1:1.
Locator = Callable[[Path, JsonPath, bool], tuple[int, int]]
Subject = tuple[Any, ...]  # ("submission",) | ("row", table, label) | ("indicator", index)
SUBMISSION: Subject = ("submission",)


def worst(lights: Iterable[str | None]) -> str | None:
    """The worst light (red > yellow > blue > green); None when there is none."""
    ranked = [light for light in lights if light in R.LIGHT_ORDER]
    return max(ranked, key=R.LIGHT_ORDER.index) if ranked else None


#: The warning texts quote amounts in 万元 and ratios (already rounded by `compute`, so the text shows what was
#: graded) without a % sign: their sentences say 「%」 themselves.
money, percent, number = N.plain_money, N.plain_rate_or_dash, V.format_number


# --- budget rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    """One row of a budget table with where it stands and whether findings speak for it.

    A sole 其中 row repeats its 资金总额, and 附件3's second table has the same 资金总额 as the first:
    those rows get lights but no findings of their own, so one fact is reported once.
    """

    table: str
    label: str
    figures: compute.Figures
    speaks: bool

    @property
    def total(self) -> bool:
        return self.label == F.TOTAL_ROW

    @property
    def at(self) -> JsonPath:
        return (self.table,) if self.total else (self.table, self.label)

    @property
    def subject(self) -> Subject:
        return ("row", self.table, self.label)


def budget_rows(ev: Evaluation) -> list[BudgetRow]:
    """Every budget row the rules look at; only rows that add something speak (not a lone row, nor a second table's total)."""
    rows = []
    for index, (table, figures, given) in enumerate(ev.table_rows()):
        rows.append(BudgetRow(table, F.TOTAL_ROW, figures[F.TOTAL_ROW], speaks=index == 0))
        for label in given:
            rows.append(BudgetRow(table, label, figures[label], speaks=len(given) > 1))
    return rows


# --- results ---------------------------------------------------------------------------------


SubmissionAnalysis = Evaluation  # the name the monitoring results had before they became the Evaluation


@dataclass(frozen=True)
class DepartmentLights:
    """A department in one period: how many of its submissions show each light."""

    period: str
    code: str
    name: str
    lights: dict[str, int]  # red, yellow, blue, green, none -> number of submissions

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "department_code": self.code, "department": self.name, "lights": dict(self.lights)}


@dataclass
class Analysis:
    """Monitoring results for a set of submissions: per submission, and counted per department."""

    ruleset: Ruleset
    submissions: dict[str, Evaluation] = field(default_factory=dict)  # by path, as in Finding.path

    @property
    def findings(self) -> list[Finding]:
        out = [f for sa in self.submissions.values() for f in sa.findings]
        return sorted(out, key=lambda f: (f.path, f.line, f.column, f.code))

    def of(self, path: Path | str) -> SubmissionAnalysis | None:
        return self.submissions.get(str(path))

    def departments(self) -> list[DepartmentLights]:
        """Every (period, department) with a submission, counting its submissions by overall light."""
        groups: dict[tuple[str, str], list[SubmissionAnalysis]] = {}
        for sa in self.submissions.values():
            groups.setdefault((sa.submission.period.key, sa.submission.department_code), []).append(sa)
        out = []
        for (period, code), members in sorted(groups.items()):
            counter = Counter(sa.light or NONE for sa in members)
            out.append(DepartmentLights(period, code, members[0].submission.department, {k: counter.get(k, 0) for k in (*R.LIGHTS, NONE)}))
        return out

    def department(self, period: str, code: str) -> DepartmentLights | None:
        return next((d for d in self.departments() if d.period == period and d.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        subs = sorted(self.submissions.values(), key=lambda sa: sa.path)
        return {"submissions": [sa.as_dict() for sa in subs], "departments": [d.as_dict() for d in self.departments()]}


# --- the engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    code: str
    light: str | None
    subject: Subject
    at: JsonPath
    key: bool
    speaks: bool
    args: dict[str, Any]


class _Run:
    """Rules evaluated on one submission: collects hits, knows the period and the exemption."""

    def __init__(self, sub: Submission, ruleset: Ruleset) -> None:
        self.sub = sub
        self.ruleset = ruleset
        self.month = sub.period.month
        self.exempt = bool(sub.research) and self.month < 12
        self.hits: list[_Hit] = []
        self._active = {code: ruleset.active(code, self.exempt) for code in ruleset.rules}

    def rule(self, code: str) -> Rule | None:
        return self._active[code]

    def hit(
        self, rule: Rule, light: str | None, subject: Subject, at: JsonPath, *, key: bool = False, speaks: bool = True, **args: Any
    ) -> None:
        """Record a rule's verdict; `speaks=False` gives the light without repeating the finding."""
        self.hits.append(_Hit(rule.code, light, subject, at, key, speaks, {"month": self.month, **args}))


# 及时性 ------------------------------------------------------------------------------------


def _against_time(
    run: _Run,
    rows: list[BudgetRow],
    code: str,
    field: str,
    ratio_of: Callable[[compute.Figures], Decimal | None],
    shown: Callable[[compute.Figures], dict[str, str]],
) -> None:
    """Grade a rate per row by its ratio to 序时进度 (r = rate ÷ 序时进度 × 100, as compute.Figures has it)."""
    rule = run.rule(code)
    if rule is None:
        return
    for row in rows:
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
                time_progress=percent(row.figures.time_progress),
                ratio=percent(ratio),
                limit=number(graded[1]),
                **shown(row.figures),
            )


def spend_progress(run: _Run, rows: list[BudgetRow]) -> None:
    """W401: the budget execution light, r = 支出进度 ÷ 序时进度 × 100."""
    _against_time(
        run,
        rows,
        "W401",
        "spent",
        lambda f: f.execution,
        lambda f: {"spent": money(f.spent), "arranged": money(f.subtotal), "spend_progress": percent(f.spend_progress)},
    )


def allocation(run: _Run, rows: list[BudgetRow]) -> None:
    """W402: 下达率 behind 序时进度."""
    _against_time(
        run,
        rows,
        "W402",
        "allocated",
        lambda f: f.allocation_pace,
        lambda f: {"allocated": money(f.allocated), "budget": money(f.budget), "allocation_rate": percent(f.allocation_rate)},
    )


def carried_over(run: _Run, rows: list[BudgetRow]) -> None:
    """W403: a large 上年结转 share of 安排数 (资金总额 only)."""
    rule = run.rule("W403")
    total = rows[0]
    if rule is None or total.figures.carried_over == 0:
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
            carried_over=money(total.figures.carried_over),
            arranged=money(total.figures.subtotal),
            share=percent(share),
            limit=number(graded[1]),
        )


def expected_balance(run: _Run, rows: list[BudgetRow]) -> None:
    """W404: 全年预计支出数 below 安排数: money expected to be left over (结转结余)."""
    rule = run.rule("W404")
    if rule is None:
        return
    for row in rows:
        fig = row.figures
        if fig.expected >= fig.subtotal:
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
                arranged=money(fig.subtotal),
                expected=money(fig.expected),
                balance=money(fig.balance),
                share=percent(share),
                limit=number(graded[1]),
                speaks=row.speaks,
            )


def progressed(indicator: Indicator) -> bool:
    """A counted indicator with a result above zero: work has been done."""
    result = indicator.result
    return indicator.is_cumulative and result.number is not None and result.number > 0 and not result.is_range


def zero_spending(run: _Run, rows: list[BudgetRow]) -> None:
    """W405: nothing spent although money was allocated or work is under way ("check 待支付")."""
    rule = run.rule("W405")
    total = rows[0].figures
    if rule is None or total.spent != 0 or run.month < int(rule.threshold("月份不早于")):
        return
    count = sum(progressed(i) for i in run.sub.indicators)
    if total.allocated > 0 or count:
        run.hit(rule, rule.light, SUBMISSION, rows[0].at, key=True, allocated=money(total.allocated), progressed=count)


# 合规性 ------------------------------------------------------------------------------------


def overspend(run: _Run, rows: list[BudgetRow]) -> None:
    """W411 (超预算): 支出数 or 全年预计支出数 above 安排数, per fund row."""
    rule = run.rule("W411")
    if rule is None:
        return
    for row in rows:
        if row.total:
            continue
        fig = row.figures
        for name, value in (("spent", fig.spent), ("expected", fig.expected)):
            if value > fig.subtotal:
                run.hit(
                    rule,
                    rule.light,
                    row.subject,
                    (*row.at, A[name]),
                    row=row.label,
                    field=A[name],
                    value=money(value),
                    arranged=money(fig.subtotal),
                    excess=money(value - fig.subtotal),
                )


def over_allocation(run: _Run, rows: list[BudgetRow]) -> None:
    """W412: 下达数 above 本年预算."""
    rule = run.rule("W412")
    if rule is None:
        return
    for row in rows:
        if not row.total and row.figures.allocated > row.figures.budget:
            run.hit(
                rule,
                rule.light,
                row.subject,
                (*row.at, A["allocated"]),
                row=row.label,
                allocated=money(row.figures.allocated),
                budget=money(row.figures.budget),
            )


# 有效性 ------------------------------------------------------------------------------------


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
    cumulative = indicator.is_cumulative
    if target.number is None or result.number is None:
        return None
    planned = compute.planned(target.number, month, cumulative)
    ratio = compute.indicator_progress(result.number, target.number, month, cumulative)
    if ratio is None:
        return None
    graded = rule.grade(ratio)
    shown = target.shown(planned) if cumulative and month < 12 else target.text
    return Progress(graded[0] if graded else GREEN, "W421", shown, ratio)


def indicator_rules(run: _Run) -> None:
    """W421–W426, W428–W429 for each indicator."""
    year = run.sub.period.year
    for index, ind in enumerate(run.sub.indicators):
        subject: Subject = ("indicator", index)
        at: JsonPath = (K["indicators"], index)
        _value_hints(run, ind, subject, at)
        prog = progress(ind, run.rule("W421"), run.month, year)
        rule = run.rule(prog.code) if prog else None
        if prog is not None and rule is not None:
            light = prog.light if prog.code == "W421" or prog.light == GREEN else rule.light
            if light != GREEN:
                run.hit(
                    rule,
                    light,
                    subject,
                    (*at, I["result"]),
                    name=ind.name,
                    target=ind.effective_target.text,
                    result=ind.result.text,
                    planned=prog.planned,
                    ratio=percent(prog.ratio),
                )
            unexplained = run.rule("W425")
            if light in (RED, YELLOW) and unexplained is not None and not ind.deviation:
                run.hit(
                    unexplained, unexplained.light, subject, (*at, I["name"]), name=ind.name, result=ind.result.text, planned=prog.planned
                )
        expected_rule = run.rule("W423")
        if expected_rule is not None and V.meets(ind.effective_target, ind.expected, year) is False:
            run.hit(
                expected_rule,
                expected_rule.light,
                subject,
                (*at, I["expected"]),
                name=ind.name,
                target=ind.effective_target.text,
                expected=ind.expected.text,
            )
        likely = run.rule("W424")
        if likely is not None and likely.thresholds.get(ind.likelihood) is not None:
            run.hit(
                likely,
                likely.thresholds[ind.likelihood],
                subject,
                (*at, I["likelihood"]),
                name=ind.name,
                likelihood=ind.likelihood,
                remark=ind.remark,
            )
        thin = run.rule("W426")
        if thin is not None and ind.deviation:
            words = thin.threshold("关键词")
            if words and not any(word in ind.deviation for word in words):
                run.hit(thin, thin.light, subject, (*at, I["deviation"]), name=ind.name, keywords="、".join(words))


def _value_hints(run: _Run, ind: Indicator, subject: Subject, at: JsonPath) -> None:
    """W428: a numeric-looking value that does not parse; W429: target and result of different kinds."""
    unreadable = run.rule("W428")
    if unreadable is not None:
        values = (("target", ind.target), ("adjusted_target", ind.adjusted_target), ("result", ind.result), ("expected", ind.expected))
        for name, value in values:
            if value is not None and V.looks_numeric(value):
                run.hit(unreadable, unreadable.light, subject, (*at, I[name]), name=ind.name, field=I[name], value=value.text)
    mismatch = run.rule("W429")
    target, result = ind.effective_target, ind.result
    if mismatch is not None and not target.qualitative and not result.qualitative and not V.comparable(target, result):
        run.hit(mismatch, mismatch.light, subject, (*at, I["result"]), name=ind.name, target=target.text, result=result.text)


def missing_kinds(run: _Run) -> None:
    """W427: a required 一级 or 二级 kind with no indicator."""
    rule = run.rule("W427")
    if rule is None:
        return
    level1 = {i.level1 for i in run.sub.indicators}
    level2 = {i.level2 for i in run.sub.indicators}
    missing = [name for name in rule.threshold("必填一级指标") if name not in level1]
    missing += [name for name in rule.threshold("必填二级指标") if name not in level2 and _level1_of(name) not in missing]
    if missing:
        run.hit(rule, rule.light, SUBMISSION, (K["indicators"],), key=True, missing="、".join(missing))


def _level1_of(level2: str) -> str:
    return next(l1 for l1, l2s in F.TAXONOMY.items() if level2 in l2s)


#: Graded per-row rules: a 其中 row is reported only where it is worse than its 资金总额.
ROW_GRADED = ("W401", "W402", "W404")

PER_SUBMISSION = (spend_progress, allocation, carried_over, expected_balance, zero_spending, overspend, over_allocation)


# --- rules across submissions ------------------------------------------------------------------


RosterIndex = dict[str, tuple[ExpectedProject, str]]  # project code -> (roster entry, department code)


def roster_index(roster: Roster) -> RosterIndex:
    """Project code -> (roster entry, department code), so W413 looks each project up once."""
    return {p.code: (p, dept.code) for dept in roster.departments for p in dept.projects}


def roster_flags(run: _Run, roster: Roster | None, index: RosterIndex) -> None:
    """W413: the project's department, unit, 科研类 and 涉密 flags as the period's roster has them."""
    rule = run.rule("W413")
    sub = run.sub
    if rule is None or roster is None or not isinstance(sub, Project) or sub.code not in index:
        return  # not on the roster: W302 says so
    entry, dept_code = index[sub.code]
    pairs = (
        ("department_code", dept_code, sub.department_code),
        ("unit", entry.unit, sub.unit),
        ("research", entry.research, sub.research),
        ("confidential", entry.confidential, sub.confidential),
    )
    for name, roster_value, file_value in pairs:
        if roster_value != file_value:
            run.hit(
                rule,
                rule.light,
                SUBMISSION,
                (K[name],),
                key=True,
                field=K[name],
                roster_value=_shown(roster_value),
                file_value=_shown(file_value),
                roster=roster.path,
            )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return M.MONITOR_LABELS["yes"] if value else M.MONITOR_LABELS["no"]
    return f"「{value}」"


def project_spending(run: _Run, projects: list[Project], missing: int) -> None:
    """W414: 附件3's 项目支出 against the sum of the department's project tables for the period."""
    rule = run.rule("W414")
    sub = run.sub
    if rule is None or not isinstance(sub, Department):
        return
    stated = sub.funds_by_use.get(F.PROJECT_SPENDING_ROW)
    if stated is None or not projects:
        return
    summed = compute.total({str(i): compute.total(p.funds) for i, p in enumerate(projects)})
    tolerance = Decimal(rule.threshold("允许差额"))
    allowed = max(tolerance, compute.percent_of(Decimal(rule.threshold("允许差异率")), compute.subtotal(stated)))
    differing = [(name, key) for name, key in A.items() if abs(getattr(stated, name) - getattr(summed, name)) > allowed]
    if not differing:
        return
    first, field_name = differing[0]
    difference = getattr(stated, first) - getattr(summed, first)
    differences = "；".join(
        M.MONITOR_LABELS["w414_column"].format(field=key, stated=money(getattr(stated, name)), summed=money(getattr(summed, name)))
        for name, key in differing
    )
    row: Subject = ("row", K["funds_by_use"], F.PROJECT_SPENDING_ROW)
    run.hit(
        rule,
        rule.light,
        row,
        (K["funds_by_use"], F.PROJECT_SPENDING_ROW),
        key=True,
        row=F.PROJECT_SPENDING_ROW,
        differences=differences,
        field=field_name,
        difference=money(abs(difference)),
        dept_arranged=money(compute.subtotal(stated)),
        dept_spent=money(stated.spent),
        sum_arranged=money(compute.subtotal(summed)),
        sum_spent=money(summed.spent),
        projects=len(projects),
        missing=missing,
    )


# --- putting it together ---------------------------------------------------------------------------


def _at_start(path: Path, at: JsonPath, key: bool) -> tuple[int, int]:
    return (1, 1)


def locator(documents: dict[str, Document]) -> Locator:
    """Positions from the loaded documents, keyed by str(path) as in Finding.path."""

    def locate(path: Path, at: JsonPath, key: bool) -> tuple[int, int]:
        doc = documents.get(str(path))
        return doc.position(at, key=key) if doc is not None else (1, 1)

    return locate


def _repeats_total(hit: _Hit, hits: list[_Hit]) -> bool:
    """A 其中 row's graded finding that is no worse than its 资金总额's for the same rule says nothing new."""
    if hit.subject[0] != "row" or hit.subject[2] == F.TOTAL_ROW or hit.code not in ROW_GRADED:
        return False
    total = worst(h.light for h in hits if h.code == hit.code and h.subject == ("row", hit.subject[1], F.TOTAL_ROW)) or GREEN
    return R.LIGHT_ORDER.index(hit.light or GREEN) <= R.LIGHT_ORDER.index(total)


def _finish(run: _Run, ev: Evaluation, rows_of: list[BudgetRow], locate: Locator) -> Evaluation:
    sub = run.sub
    findings: list[Finding] = []
    for hit in run.hits:
        if not hit.speaks or _repeats_total(hit, run.hits):
            continue
        rule = run.ruleset[hit.code]
        severity = "warning" if hit.light in (RED, YELLOW) else "info"
        line, column = locate(sub.path, hit.at, hit.key)
        findings.append(Finding(str(sub.path), line, column, hit.code, severity, rule.text(**hit.args), hit.light))
    if run.exempt:
        info = run.ruleset.active("I401", False)
        if info is not None:
            skipped = run.ruleset.exempted()
            text = info.text(month=run.month, count=len(skipped), rules="、".join(r.name for r in skipped))
            line, column = locate(sub.path, (K["research"],), True)
            findings.append(Finding(str(sub.path), line, column, "I401", "info", text, info.light))
    baseline = None if run.exempt else GREEN
    by_subject: dict[Subject, list[str | None]] = {}
    for hit in run.hits:
        by_subject.setdefault(hit.subject, []).append(hit.light)
    rows: dict[str, dict[str, str | None]] = {}
    for row in rows_of:
        evaluated = baseline if row.figures.subtotal > 0 else None
        rows.setdefault(row.table, {})[row.label] = worst([evaluated, *by_subject.get(row.subject, [])])
    indicators = tuple(worst([baseline, *by_subject.get(("indicator", i), [])]) for i in range(len(sub.indicators)))
    light = worst([baseline, *(h.light for h in run.hits)])
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return replace(ev, findings=findings, light=light, indicator_lights=indicators, row_lights=rows, exempt=run.exempt)


def analyse(
    projects: list[Project],
    departments: list[Department],
    rosters: list[Roster],
    ruleset: Ruleset,
    locate: Locator = _at_start,
    context: Iterable[Project] = (),
    digests: Mapping[str, str] | None = None,
) -> Analysis:
    """Evaluate every rule on every submission; cross-submission rules see the whole period.

    `context`: more projects of the same period (not analysed themselves) for the cross-submission
    rules, when only some files were checked. `digests` (path -> digest of the file's bytes, given for
    large trees) lets a project's results be kept between runs: see `_ProjectShelf`.
    """
    analysis = Analysis(ruleset)
    roster_of = {r.period.key: r for r in rosters}
    indexes = {key: roster_index(r) for key, r in roster_of.items()}
    by_department: dict[tuple[str, str], list[Project]] = {}
    for project in [*projects, *context]:
        by_department.setdefault((project.period.key, project.department_code), []).append(project)
    shelf = _ProjectShelf(ruleset, digests) if digests else None
    subs: list[Submission] = [*projects, *departments]
    for sub in subs:
        roster = roster_of.get(sub.period.key)
        index = indexes.get(sub.period.key, {})
        ev = evaluate(sub)
        key = shelf.key(sub, roster, index) if shelf is not None and isinstance(sub, Project) else None
        kept = shelf.get(ev, key) if shelf is not None and key else None
        if kept is not None:
            analysis.submissions[str(sub.path)] = kept
            continue
        run = _Run(sub, ruleset)
        rows = budget_rows(ev)
        for rule_fn in PER_SUBMISSION:
            rule_fn(run, rows)
        indicator_rules(run)
        missing_kinds(run)
        roster_flags(run, roster, index)
        if isinstance(sub, Department):
            members = by_department.get((sub.period.key, sub.department_code), [])
            project_spending(run, members, _missing(roster, sub.department_code, members))
        analysis.submissions[str(sub.path)] = sa = _finish(run, ev, rows, locate)
        if shelf is not None and key:
            shelf.put(sa, key)
    if shelf is not None:
        shelf.save()
    return analysis


class _ProjectShelf:
    """A project's monitoring results kept between runs (cache.Shelf), for large trees.

    A project's rules read only the project itself, the rules in force and its line in the roster (W413);
    its findings' positions come from the same bytes. So its results are keyed by exactly these: the file's
    digest, the ruleset and the roster entry. A 部门整体 is always analysed afresh (W414 reads the department's
    projects). Measured on 1,000 projects: the monitoring of a rebuild after one edit 0.3 s -> 0.05 s.
    """

    def __init__(self, ruleset: Ruleset, digests: Mapping[str, str]) -> None:
        self.digests = digests
        self.rules = digest(repr(ruleset.rules))
        self.shelf = Shelf("monitor", digests)

    def key(self, sub: Project, roster: Roster | None, index: RosterIndex) -> str | None:
        content = self.digests.get(str(sub.path))
        if not content:
            return None
        entry = repr(index.get(sub.code)) if roster is not None else ""
        return digest(content, self.rules, str(roster.path) if roster is not None else "", entry)

    def get(self, ev: Evaluation, key: str) -> Evaluation | None:
        kept = self.shelf.get(ev.path, key)
        if kept is None:
            return None
        try:  # plain data from a file: anything not of the shape `put` writes is a miss
            rows, light, indicator_lights, row_lights, exempt = kept
            lights = (*R.LIGHT_ORDER, NONE, None)
            if light not in lights or not isinstance(exempt, bool) or not all(x in lights for x in indicator_lights):
                return None
            if not all(
                isinstance(t, str) and all(isinstance(r, str) and x in lights for r, x in rows_.items()) for t, rows_ in row_lights.items()
            ):
                return None
            return replace(
                ev,
                findings=findings_from_rows(rows),
                light=light,
                indicator_lights=tuple(indicator_lights),
                row_lights=row_lights,
                exempt=exempt,
            )
        except (TypeError, ValueError, AttributeError):
            return None

    def put(self, sa: Evaluation, key: str) -> None:
        self.shelf.put(sa.path, key, [finding_rows(sa.findings), sa.light, list(sa.indicator_lights), sa.row_lights, sa.exempt])

    def save(self) -> None:
        self.shelf.save()


def _missing(roster: Roster | None, code: str, submitted: list[Project]) -> int:
    if roster is None:
        return 0
    have = {p.code for p in submitted}
    return sum(1 for d in roster.departments if d.code == code for p in d.projects if p.code not in have)


# --- the rules file --------------------------------------------------------------------------------


def find_rules(paths: Iterable[Path], cwd: Path | None = None) -> Path | None:
    """The repository's rules file: schema/rules.yaml beside the submissions/ folder being checked, or in cwd."""
    candidates: list[Path] = []
    for path in paths:
        for parent in [path.resolve(), *path.resolve().parents]:
            if parent.name == "submissions":
                candidates.append(parent.parent / "schema" / R.RULES_FILE)
                break
    candidates.append((cwd or Path.cwd()) / "schema" / R.RULES_FILE)
    return next((c for c in candidates if c.is_file()), None)


def _read(path: Path) -> tuple[Document | None, list[Finding]]:
    from ..check.validate import schema_findings  # validate imports ruleset; imported here to keep modules acyclic

    doc, findings = load_file(path)
    if doc is None:
        return None, findings
    return doc, findings + schema_findings(doc, "rules")


def load_rules(path: Path | None = None) -> tuple[Ruleset | None, list[Finding]]:
    """The packaged defaults overridden by `path`; on any problem, None and findings with file:line."""
    default_file = R.default_path()  # named as the defaults' source; they are built from the rulebook
    defaults = R.default_rules()
    if path is None:
        return R.build(defaults, (str(default_file),)), []
    doc, findings = _read(path)
    if doc is None:
        return None, findings
    given = doc.data.get(R.RULES_KEY)
    merged = R.merge(defaults, given if isinstance(given, dict) else {})
    findings = sorted(findings + R.check_document(doc, merged), key=lambda f: (f.path, f.line, f.column, f.code))
    if any(f.is_error for f in findings):
        return None, findings
    return R.build(merged, (str(default_file), str(path))), findings
