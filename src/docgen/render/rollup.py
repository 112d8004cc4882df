"""Roll-ups (汇总表): one row per project for a department, one row per department for the city.

The rows are plain data (`ProjectLine`, `DepartmentLine`), computed once and shared by the workbooks
and the site's pages. Confidential (涉密) projects are counted in every total but never named: a
department's confidential projects become one row 「涉密项目（N个）」 and their warnings are not listed.
Workbooks are written with XlsxWriter (the writer measured fastest for 附件2, issue 3) into memory, with a
fixed creation date so the same inputs give the same bytes, and saved atomically (output.py).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, output
from .. import messages as M
from ..cache import Store, code_digest, digest, signature
from ..check.findings import Finding
from ..check.ruleset import BLUE, DEFAULT_POOL, GREEN, GREY, NONE, RED, YELLOW
from ..evaluate import figures as compute
from ..evaluate import stream
from ..evaluate.monitor import Analysis, SubmissionAnalysis, worst
from ..evaluate.record import SubmissionRecord
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import DEFAULT, Form, form_of
from ..form.model import Amounts, Department, Period, Project, Roster
from ..textwidth import width
from . import paths

if TYPE_CHECKING:
    from .rollup_xml import Pieces, Prepared

FIXED_DATE = datetime(2000, 1, 1)  # workbook metadata: no build time, so builds are reproducible
C = M.ROLLUP_COLUMNS


@dataclass(frozen=True)
class ProjectLine:
    """A project's row in a 汇总表, or the sum of several (the confidential row, the 合计 row)."""

    period: Period
    department_code: str
    department: str
    code: str
    name: str
    unit: str
    research: bool | None
    light: str | None
    amounts: Amounts
    red: int = 0
    yellow: int = 0
    blue: int = 0
    indicators: int = 0
    certain: int = 0
    possible: int = 0
    impossible: int = 0
    rules: tuple[str, ...] = ()
    projects: int = 1  # how many projects the row stands for
    known: compute.Figures | None = field(default=None, compare=False, repr=False)  # the Evaluation's, for one row
    withheld: bool = False  # counts only: its figures would reveal fewer than k 涉密 projects' (amounts kept for totals)
    reported: int = 0  # figures and values reported (not 「未填报」), summed over the rows a total stands for
    figures_total: int = 0  # … out of how many the forms ask for (「已填报 12/18」)
    incomplete: int = 0  # projects with a budget figure 「未填报」 (left out of a total's sums)
    excluded: frozenset[str] = frozenset()  # a sum's typed columns that leave out some row's 「未填报」 figure
    ungraded: int = 0  # rows 「未评价」 among those the row stands for: a total's light says so (「绿灯（3个未评价）」)
    thin: frozenset[str] = frozenset()  # the 涉密 row's typed columns fewer than k of its projects reported: 「—」
    returned: bool = False  # a reviewer returned it (退回修改): its light says so (「红灯（退回修改）」)

    @functools.cached_property
    def figures(self) -> compute.Figures:
        """The row's figures and ratios (执行率 = 支出进度 ÷ 序时进度 × 100 is the value W401 grades): the evaluated
        row's own, or, for a sum of rows, computed once from the summed amounts."""
        return self.known or compute.Figures.of(self.amounts, self.period)

    def _shown(self, column: str) -> Any:
        """A figure as the 汇总表 shows it: 「未填报」 on a project's row, a sum of what was reported (its note says so)
        for a total's typed column, 「—」 for a total's ratio that would rest on figures not reported and for a column
        the row's form does not have (上年结转 on Hubei's)."""
        fig = self.figures
        value = getattr(fig, column)
        if column in self._thin or column in fig.absent:  # 「—」: held back, or a column the row's form does not have
            return None
        if fig.reported(column):
            return value
        if not self.excluded:
            return F.NOT_REPORTED
        return value if column in F.AMOUNT_FIELDS else None

    @functools.cached_property
    def _thin(self) -> frozenset[str]:
        """Every column shown 「—」 because it rests on a thin typed column (`thin`)."""
        return compute.unreported_columns(self.thin)

    def values(self) -> dict[str, Any]:
        shown = {c: self._shown(c) for c in _FIGURES}
        return {
            "department_code": self.department_code,
            "department": self.department,
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "research": None if self.research is None else M.ROLLUP["yes" if self.research else "no"],
            "light": self.light or NONE,
            "ungraded": self.ungraded,
            "returned": self.returned,
            "completeness": f"{self.reported}/{self.figures_total}",
            **shown,
            "red": self.red,
            "yellow": self.yellow,
            "blue": self.blue,
            "indicators": self.indicators,
            "certain": self.certain,
            "possible": self.possible,
            "impossible": self.impossible,
            "rules": "、".join(self.rules),
        } | (dict.fromkeys(_WITHHELD) if self.withheld else {})


def project_line(sa: SubmissionAnalysis, rule_names: dict[str, str], returned: frozenset[str] = frozenset()) -> ProjectLine:
    """One project's row in the roll-ups: figures, lights and the codes of its red and yellow warnings; `returned`:
    the paths of submissions returned for revision (退回修改)."""
    sub = sa.submission
    assert isinstance(sub, Project)
    completeness = (sa.completeness.reported, sa.completeness.total)
    likely, indicators = sa.likely_by_role(), len(sub.indicators)
    line = _line(sub, sa.light, sa.headline.amounts, sa.counts(), likely, indicators, completeness, sa.findings, rule_names, returned)
    return replace(line, known=sa.headline)  # the Evaluation's figures, so the row's are not computed again


def _line(
    sub: Project,
    light: str | None,
    amounts: Amounts,
    counts: Mapping[str, int],
    likely: Sequence[int],
    indicators: int,
    completeness: tuple[int, int],
    findings: Sequence[Finding],
    rule_names: dict[str, str],
    returned: frozenset[str],
) -> ProjectLine:
    """A project's row, from the model (`project_line`) or from its record (`record_line`): one place for both."""
    certain, possible, impossible = likely
    return ProjectLine(
        period=sub.period,
        department_code=sub.department_code,
        department=sub.department,
        code=sub.code,
        name=sub.name,
        unit=sub.unit,
        research=sub.research,
        light=light,
        amounts=amounts,
        red=counts.get(RED, 0),
        yellow=counts.get(YELLOW, 0),
        blue=counts.get(BLUE, 0),
        indicators=indicators,
        certain=certain,
        possible=possible,
        impossible=impossible,
        rules=tuple(rule_names.get(c, c) for c in sorted({f.code for f in findings if f.light in (RED, YELLOW)})),
        reported=completeness[0],
        figures_total=completeness[1],
        incomplete=int(bool(amounts.unreported)),
        ungraded=int(light == GREY),
        returned=str(sub.path) in returned,
    )


_FIGURES = (
    *("carried_over", "budget", "subtotal", "allocated", "allocation_rate", "spent", "spend_progress", "execution"),
    *("expected", "balance"),
)


#: What a withheld row leaves blank (shown 「—」): every figure, rate, light and warning count, the rule names.
_WITHHELD = (
    *("carried_over", "budget", "subtotal", "allocated", "allocation_rate", "spent", "spend_progress", "execution"),
    *("expected", "balance", "red", "yellow", "blue", "indicators", "certain", "possible", "impossible", "rules", "light"),
    "completeness",
    "ungraded",
)


def withhold(line: ProjectLine) -> ProjectLine:
    """The row as counts only: no light, no rule names; its figures and warning counts are kept for the totals
    that pool it with others, and left blank wherever it is shown (`values`)."""
    return replace(line, light=None, rules=(), withheld=True)


def pool_size(analysis: Analysis) -> int:
    """k, the rules file's 涉密汇总最少项目数: fewer 涉密 projects than this are counted, never summed."""
    return int(getattr(analysis.ruleset, "pool", DEFAULT_POOL) or DEFAULT_POOL)


_COUNTS = (
    "red",
    "yellow",
    "blue",
    "indicators",
    "certain",
    "possible",
    "impossible",
    "projects",
    "reported",
    "figures_total",
    "incomplete",
    "ungraded",
)


def _worst_or_grey(lights: list[str | None]) -> str | None:
    """The worst light; 「未评价」 when some row was not evaluated for want of figures and none raised a light."""
    return worst(lights) or (GREY if GREY in lights else None)


def combine(lines: Sequence[ProjectLine], *, name: str = "", keep_rules: bool = True) -> ProjectLine:
    """The sum of rows: amounts and counts add up; the light is the worst; rates are recomputed from the sums.

    A figure 「未填报」 is left out of its column's sum, which the row then names in `excluded` (the sheet's note says
    so), and every ratio resting on such a column is not computed: a sum that misses some spending is no 支出进度.
    """
    first = lines[0]
    amounts = Amounts()
    excluded: frozenset[str] = frozenset().union(*(line.excluded | line.amounts.unreported for line in lines))
    for line in lines:
        amounts = amounts + replace(line.amounts, unreported=frozenset())
    amounts = replace(amounts, unreported=excluded)
    same_dept = len({line.department_code for line in lines}) == 1
    return ProjectLine(
        period=first.period,
        department_code=first.department_code if same_dept else "",
        department=first.department if same_dept else "",
        code="",
        name=name,
        unit="",
        research=None,
        light=_worst_or_grey([line.light for line in lines]),
        amounts=amounts,
        excluded=excluded,
        rules=tuple(sorted({r for line in lines for r in line.rules})) if keep_rules else (),
        **{key: sum(getattr(line, key) for line in lines) for key in _COUNTS},
    )


@dataclass(frozen=True)
class DepartmentRollup:
    """A department's 汇总表: its projects (confidential ones as one row), the total, its 附件3 analysis."""

    period: Period
    code: str
    name: str
    lines: tuple[ProjectLine, ...]  # named projects, then the confidential row if any
    total: ProjectLine | None
    confidential: int
    department: SubmissionAnalysis | None  # 部门整体 (附件3), if submitted
    findings: tuple[tuple[ProjectLine, Finding], ...]  # warnings of named projects, for 预警明细
    expected: int | None  # projects on the roster; None without a roster
    submitted: int

    pool: int = DEFAULT_POOL

    @property
    def missing(self) -> int | None:
        return None if self.expected is None else max(self.expected - self.submitted, 0)

    @property
    def withheld(self) -> bool:
        """1 to k-1 涉密 projects: their row, the 合计 and 附件3's figures are not shown (they could be subtracted)."""
        return 0 < self.confidential < self.pool

    @property
    def thin(self) -> frozenset[str]:
        """The typed columns of the 涉密 row left out because fewer than k of its projects reported them."""
        return frozenset().union(*(line.thin for line in self.lines))

    @property
    def note(self) -> str:
        if self.withheld:
            return M.ROLLUP["withheld_note"].format(pool=self.pool)
        parts = (M.ROLLUP["confidential_note"] if self.confidential else "", thin_note(self.thin, self.pool), excluded_note(self.total))
        return "".join(n for n in parts if n)


def excluded_note(total: ProjectLine | None) -> str:
    """「注：N 个项目有「未填报」的数据…」 under a table whose 合计 leaves figures out; "" when it leaves none out.
    N counts the named projects only (`pool_row`): without any, the note gives no number."""
    if total is None or not total.excluded or total.withheld:
        return ""
    columns = "、".join(label for name, label in F.AMOUNT_FIELDS.items() if name in total.excluded)
    if not total.incomplete:
        return M.ROLLUP["excluded_note_uncounted"].format(columns=columns)
    return M.ROLLUP["excluded_note"].format(count=total.incomplete, columns=columns)


def thin_note(thin: frozenset[str], pool: int) -> str:
    """Why the 涉密 row shows 「—」 in a column (`pool_row`); "" when it shows every column."""
    if not thin:
        return ""
    columns = "、".join(label for name, label in F.AMOUNT_FIELDS.items() if name in thin)
    return M.ROLLUP["thin_note"].format(pool=pool, columns=columns)


def _rule_names(analysis: Analysis) -> dict[str, str]:
    words = form_in(analysis).words  # 「执行率滞后」 on a form that calls 支出进度 执行率
    return {code: words(rule.name) for code, rule in analysis.ruleset.rules.items()}


def pool_row(secret: Sequence[ProjectLine], pool: int, withheld: bool) -> ProjectLine:
    """The 涉密 projects as one row. A typed column that fewer than k of them reported is left out of the row
    (「—」) and of every sum above it: else the row, or a total less the named projects, is the one figure reported.
    Their 「未填报」 are not counted in the notes either (`incomplete`), which would say how many did not report."""
    thin = frozenset() if withheld else compute.thin_columns([line.amounts for line in secret], pool)
    members = [replace(line, amounts=compute.without(line.amounts, thin), known=None, incomplete=0) for line in secret]
    row = combine(members, name=M.ROLLUP["confidential_row"].format(count=len(secret)))
    return withhold(row) if withheld else replace(row, thin=thin)


def department_rollup(
    analysis: Analysis, period: Period, code: str, *, name: str = "", roster: Roster | None = None, returned: frozenset[str] = frozenset()
) -> DepartmentRollup:
    """A department's 汇总表: its named projects, its 涉密 projects folded into one row, and the total."""
    names = _rule_names(analysis)
    members = [sa for sa in analysis.submissions.values() if sa.submission.period == period and sa.submission.department_code == code]
    projects = sorted((sa for sa in members if isinstance(sa.submission, Project)), key=lambda sa: getattr(sa.submission, "code", ""))
    dept = next((sa for sa in members if isinstance(sa.submission, Department)), None)
    rows = [(sa.confidential, project_line(sa, names, frozenset() if sa.confidential else returned), sa.findings) for sa in projects]
    title = name or (members[0].submission.department if members else "")
    return _assemble(period, code, title, roster, rows, dept, pool_size(analysis))


def _assemble(
    period: Period,
    code: str,
    title: str,
    roster: Roster | None,
    projects: Sequence[tuple[bool, ProjectLine, Sequence[Finding]]],
    dept: SubmissionAnalysis | None,
    pool: int,
) -> DepartmentRollup:
    """A department's 汇总表 from its projects' rows in code order (涉密 or not, the row, its monitoring findings),
    whether these come from the evaluations (`department_rollup`) or from the records (`records_rollups`)."""
    named = [line for secret, line, _ in projects if not secret]
    secret = [line for is_secret, line, _ in projects if is_secret]
    lines = list(named)
    withheld = 0 < len(secret) < pool
    if secret:
        lines.append(pool_row(secret, pool, withheld))
    total = combine(lines, name=M.ROLLUP["total_row"], keep_rules=False) if lines else None
    if total is not None and withheld:
        total = withhold(total)
    findings = tuple((line, f) for is_secret, line, found in projects if not is_secret for f in found if f.light in (RED, YELLOW, BLUE))
    roster_dept = next((d for d in roster.departments if d.code == code), None) if roster else None
    return DepartmentRollup(
        period=period,
        code=code,
        name=_rollup_name(title, roster, code),
        lines=tuple(lines),
        total=total,
        confidential=len(secret),
        department=dept,
        findings=findings,
        expected=len(roster_dept.projects) if roster_dept else None,
        submitted=len(projects),
        pool=pool,
    )


def _rollup_name(title: str, roster: Roster | None, code: str) -> str:
    """A department's name in its 汇总表: as its files give it, else as the roster lists it, else its code."""
    roster_dept = next((d for d in roster.departments if d.code == code), None) if roster else None
    return title or (roster_dept.name if roster_dept else code)


@dataclass(frozen=True)
class DepartmentLine:
    """A department's row in the city's 汇总表: its projects summed, counted by light."""

    rollup: DepartmentRollup
    lights: dict[str, int] = field(default_factory=dict)  # projects by overall light

    def values(self) -> dict[str, Any]:
        r = self.rollup
        base = (
            r.total.values() if r.total else ProjectLine(r.period, r.code, r.name, "", "", "", None, None, Amounts(), projects=0).values()
        )
        dept_light = r.department.light if r.department else None
        lights = [dept_light, *(line.light for line in r.lines)]
        base.update(
            department_code=r.code,
            department=r.name,
            light=_worst_or_grey(lights) or NONE,
            ungraded=lights.count(GREY),
            expected_projects=r.expected,
            submitted_projects=r.submitted,
            missing_projects=r.missing,
            department_submitted=M.ROLLUP["submitted" if r.department else "not_submitted"],
            **{f"lights_{k}": self.lights.get(k, 0) for k in (RED, YELLOW, BLUE, GREEN, GREY, NONE)},
        )
        return base


@dataclass(frozen=True)
class CityRollup:
    """The city's 汇总表 for a period: one line per department and the city total."""

    period: Period
    departments: tuple[DepartmentLine, ...]
    total: ProjectLine | None

    @property
    def lines(self) -> list[ProjectLine]:
        return [line for d in self.departments for line in d.rollup.lines]


def city_rollup(analysis: Analysis, period: Period, roster: Roster | None = None, returned: frozenset[str] = frozenset()) -> CityRollup:
    """Roll every department of the period up, including roster departments that have not submitted."""
    codes = _codes(
        (
            (sa.submission.department_code, sa.submission.department)
            for sa in analysis.submissions.values()
            if sa.submission.period == period
        ),
        roster,
    )
    departments = []
    for code in sorted(codes):
        roll = department_rollup(analysis, period, code, name=_department_name(roster, code, codes[code]), roster=roster, returned=returned)
        lights = [
            (sa.submission.confidential, sa.light)
            for sa in analysis.submissions.values()
            if isinstance(sa.submission, Project) and sa.submission.period == period and sa.submission.department_code == code
        ]
        departments.append(DepartmentLine(roll, _project_lights(roll, lights)))
    return _city(period, departments, pool_size(analysis))


def _codes(named: Iterable[tuple[str, str]], roster: Roster | None) -> dict[str, str]:
    """A period's departments, code -> name: those that submitted (the last name given wins), then the roster's that
    did not, so a department that has not submitted still has its line."""
    codes = dict(named)
    if roster is not None:
        for dept in roster.departments:
            codes.setdefault(dept.code, dept.name)
    return codes


def _project_lights(roll: DepartmentRollup, lights: Iterable[tuple[bool, str | None]]) -> dict[str, int]:
    """A department's projects counted by overall light ((涉密, light) each)."""
    counted: dict[str, int] = {}
    for secret, light in lights:
        if secret and roll.withheld:
            continue  # counts only: the lights of fewer than k 涉密 projects are not shown
        key = light or NONE
        counted[key] = counted.get(key, 0) + 1
    return counted


def _city(period: Period, departments: list[DepartmentLine], pool: int) -> CityRollup:
    return CityRollup(period, tuple(departments), city_total([head_of(d) for d in departments], pool))


def city_total(heads: Sequence[CityPart], pool: int) -> ProjectLine | None:
    """The city's 合计: its departments' totals summed."""
    totals = [h.total for h in heads if h.total is not None]
    total = combine(totals, name=M.ROLLUP["total_row"], keep_rules=False) if totals else None
    # the city total less every shown total and project gives the 涉密 projects of withheld departments: shown
    # only when they are at least k together
    hidden = sum(h.confidential for h in heads if h.withheld)
    if total is not None and 0 < hidden < pool:
        total = withhold(total)
    return total


@dataclass(frozen=True)
class CityPart:
    """A department's share of the city's 汇总表: its row on the departments sheet (`values`), its 合计 (summed into
    the city's), what the city's notes say of it. With its rows on the all-projects and warnings sheets as written
    (rollup_parts.Source), the city's writer needs nothing else of a department, so an unchanged one is kept so in
    the user's cache (rollup_parts.py) and never rolled up again (issue 18)."""

    values: dict[str, Any]
    total: ProjectLine | None
    withheld: bool
    confidential: int
    thin: frozenset[str]
    pool: int
    note: str
    lights: dict[str, int]


def head_of(d: DepartmentLine) -> CityPart:
    """What the city's 汇总表 reads of a department's roll-up besides its rows."""
    r = d.rollup
    return CityPart(d.values(), r.total, r.withheld, r.confidential, r.thin, r.pool, r.note, dict(d.lights))


def record_line(
    sub: Project, record: SubmissionRecord, findings: Sequence[Finding], rule_names: dict[str, str], returned: frozenset[str] = frozenset()
) -> ProjectLine:
    """`project_line` from a project's record (check(stream=True, built=True)) and its monitoring findings: the same
    row, without the model (`sub` is its identity only, for the period and names)."""
    amounts = stream.headline_of(record)
    light = None if record.light == NONE else record.light
    likely = [int(n) for n in record.built["likely"]]
    return _line(
        sub, light, amounts, record.counts, likely, int(record.built["indicators"]), record.completeness, findings, rule_names, returned
    )


def records_cities(
    projects: Sequence[tuple[Project, SubmissionRecord]],
    judged: Mapping[str, Sequence[Finding]],
    analysis: Analysis,
    rosters: Sequence[Roster],
    returned: frozenset[str] = frozenset(),
) -> list[CityRollup]:
    """`cities` for a build that holds records, not evaluations: every project as (its identity, its record) in the
    check's order, its monitoring findings by path; `analysis` holds the rules and only the 部门整体 (evaluated: ten,
    not ten thousand). The same roll-ups as `cities` over the whole analysis (tests/render/test_rollup_records.py)."""
    pool = pool_size(analysis)
    return [
        _city(period, [p.line for p in pending], pool) for period, pending in records_pending(projects, judged, analysis, rosters, returned)
    ]


@dataclass
class Pending:
    """A department of a period, from the records, rolled up only when something asks for it (`line`): a build
    after one edit rolls up the department edited, not every one (issue 18). `key`: the digest of everything its
    汇总表 is made of (api._RecordsView.department_keys), when known."""

    period: Period
    code: str
    name: str  # its 汇总表's name (DepartmentRollup.name)
    empty: bool  # no project and no 部门整体: a roster's department that has not submitted, no 汇总表 of its own
    make: Callable[[], DepartmentLine] = field(repr=False)
    key: str | None = None

    @functools.cached_property
    def line(self) -> DepartmentLine:
        return self.make()

    def forget(self) -> None:
        """Let go of the roll-up once its 汇总表 are written (it is made again if asked for)."""
        self.__dict__.pop("line", None)


def records_pending(
    projects: Sequence[tuple[Project, SubmissionRecord]],
    judged: Mapping[str, Sequence[Finding]],
    analysis: Analysis,
    rosters: Sequence[Roster],
    returned: frozenset[str] = frozenset(),
    keys: Mapping[tuple[str, str], str] | None = None,
) -> list[tuple[Period, list[Pending]]]:
    """`records_cities` department by department, each rolled up when first asked for (`Pending.line`)."""
    names = _rule_names(analysis)
    pool = pool_size(analysis)
    departments = [sa for sa in analysis.submissions.values() if isinstance(sa.submission, Department)]
    periods = sorted({sub.period for sub, _ in projects} | {sa.submission.period for sa in departments}, key=lambda p: p.key)
    roster_of = {r.period: r for r in rosters}
    out = []
    for period in periods:
        roster = roster_of.get(period)
        mine: dict[str, list[tuple[Project, SubmissionRecord]]] = {}  # by department, once: not one scan a department
        for sub, rec in projects:
            if sub.period == period:
                mine.setdefault(sub.department_code, []).append((sub, rec))
        heads = [sa for sa in departments if sa.submission.period == period]
        named = [(code, members[-1][0].department) for code, members in mine.items()]  # the last named, as before
        codes = _codes([*named, *((sa.submission.department_code, sa.submission.department) for sa in heads)], roster)
        pending = []
        for code in sorted(codes):
            head = next((sa for sa in heads if sa.submission.department_code == code), None)
            first = mine[code][0][0].department if code in mine else head.submission.department if head else ""
            title = _department_name(roster, code, codes[code]) or first

            make = functools.partial(
                _record_department, period, code, title, roster, head, mine.get(code, []), judged, names, returned, pool
            )
            empty = code not in mine and head is None
            key = keys.get((period.key, code)) if keys is not None else None
            pending.append(Pending(period, code, _rollup_name(title, roster, code), empty, make, key))
        out.append((period, pending))
    return out


def _record_department(
    period: Period,
    code: str,
    title: str,
    roster: Roster | None,
    head: SubmissionAnalysis | None,
    mine: list[tuple[Project, SubmissionRecord]],
    judged: Mapping[str, Sequence[Finding]],
    names: dict[str, str],
    returned: frozenset[str],
    pool: int,
) -> DepartmentLine:
    """One department's line in `records_cities`: its projects (`mine`, in the check's order) rolled up."""
    members = sorted(mine, key=lambda m: m[0].code)
    rows = [
        (
            rec.confidential,
            record_line(sub, rec, judged.get(rec.path, ()), names, frozenset() if rec.confidential else returned),
            judged.get(rec.path, ()),
        )
        for sub, rec in members
    ]
    roll = _assemble(period, code, title, roster, rows, head, pool)
    lights = [(rec.confidential, None if rec.light == NONE else rec.light) for _, rec in mine]
    return DepartmentLine(roll, _project_lights(roll, lights))


def _department_name(roster: Roster | None, code: str, fallback: str) -> str:
    if roster is not None:
        for dept in roster.departments:
            if dept.code == code:
                return dept.name
    return fallback


# --- workbooks ------------------------------------------------------------------------------------

TEXT, MONEY, RATE, COUNT, LIGHT = "text", "money", "rate", "count", "light"
PROJECT_COLUMNS = (
    ("code", TEXT),
    ("name", TEXT),
    ("unit", TEXT),
    ("research", TEXT),
    ("light", LIGHT),
    ("completeness", TEXT),
    ("carried_over", MONEY),
    ("budget", MONEY),
    ("subtotal", MONEY),
    ("allocated", MONEY),
    ("allocation_rate", RATE),
    ("spent", MONEY),
    ("spend_progress", RATE),
    ("execution", RATE),
    ("expected", MONEY),
    ("balance", MONEY),
    ("red", COUNT),
    ("yellow", COUNT),
    ("blue", COUNT),
    ("indicators", COUNT),
    ("certain", COUNT),
    ("possible", COUNT),
    ("impossible", COUNT),
    ("rules", TEXT),
)
CITY_PROJECT_COLUMNS = (("department_code", TEXT), ("department", TEXT), *PROJECT_COLUMNS)
DEPARTMENT_COLUMNS = (
    ("department_code", TEXT),
    ("department", TEXT),
    ("light", LIGHT),
    ("expected_projects", COUNT),
    ("submitted_projects", COUNT),
    ("missing_projects", COUNT),
    ("department_submitted", TEXT),
    ("lights_red", COUNT),
    ("lights_yellow", COUNT),
    ("lights_blue", COUNT),
    ("lights_green", COUNT),
    ("lights_grey", COUNT),
    ("lights_none", COUNT),
    ("completeness", TEXT),
    *[
        c
        for c in PROJECT_COLUMNS
        if c[1] in (MONEY, RATE) or c[0] in ("red", "yellow", "blue", "indicators", "certain", "possible", "impossible")
    ],
)
FINDING_COLUMNS = (
    ("code", TEXT),
    ("name", TEXT),
    ("category", TEXT),
    ("rule_code", TEXT),
    ("light_name", LIGHT),
    ("message", TEXT),
    ("location", TEXT),
)
CITY_FINDING_COLUMNS = (("department", TEXT), *FINDING_COLUMNS)
ROW_COLUMNS = (
    ("table", TEXT),
    ("row", TEXT),
    ("light", LIGHT),
    *[c for c in PROJECT_COLUMNS if c[1] in (MONEY, RATE) and c[0] != "execution"],
)
WIDTHS = {TEXT: 14, MONEY: 12, RATE: 10, COUNT: 8, LIGHT: 9}
WIDE = {
    "name": 36,
    "message": 80,
    "rules": 30,
    "department": 22,
    "location": 20,
    "unit": 22,
    "execution": 14,
    "department_code": 8,
    "code": 14,
}
LINE_HEIGHT = 13.5  # points per line of 10-point 宋体
LIGHT_FILL = {RED: "#F4B6B6", YELLOW: "#FFE699", BLUE: "#BDD7EE", GREEN: "#C6E0B4", GREY: "#D9D9D9", NONE: "#E7E6E6"}


@dataclass
class Sheet:
    """One sheet: a title, a header row, data rows (sortable and filterable), a total row and a note."""

    name: str
    title: str
    subtitle: str
    columns: Sequence[tuple[str, str]]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    note: str = ""
    frozen_columns: int = 2
    #: The form the rows were filled in on: the headers and notes take its words and columns (its profile's digest is
    #: in the sheet's repr, which keys an unchanged workbook).
    form: Form | None = field(default=None, repr=False)
    profile: str = ""
    #: Rows already written for the `shown` columns, after `rows`: the departments' rows in the city's 汇总表, each
    #: department's a piece kept in the cache (rollup_xml.Piece, rollup_parts.py). Only the prepared writer takes them.
    prepared: Pieces | None = None
    #: `rows` already made ready to write for the `shown` columns (rollup_xml.Preparer), when they were for the
    #: city's 汇总表 too (`Laid`); only the prepared writer takes them.
    ready: list[Prepared] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """How many data rows the sheet has."""
        return len(self.rows) + len(self.prepared or ())

    @property
    def shown(self) -> list[tuple[str, str]]:
        """The columns this sheet prints: none the form cannot have (上年结转, 下达数 on a form without them), and no
        小计 on a form without 上年结转, where it is the 本年预算 again under the same words."""
        gone = compute.absent_columns(self.form.absent) if self.form is not None else frozenset()
        if self.form is not None and "carried_over" in self.form.absent:
            gone |= {"subtotal"}
        return [(key, kind) for key, kind in self.columns if key not in gone]

    def header(self, key: str) -> str:
        """A column's header in the form's words; the likelihood counts under the form's own answers (Hubei's 不可能,
        not 朔州's 完全不可能)."""
        if self.form is None:
            return C[key]
        answers = [lk.answer for lk in self.form.likelihoods if lk.role == key]
        return "、".join(answers) if answers else self.form.words(C[key])


def _cell_spec(kind: str, total: bool = False, light: str | None = None) -> dict[str, Any]:
    """The format of a data or total cell: what XlsxWriter is given (`_Formats.cell`) and what numbers its style in
    the prepared writer (`_styles`), one definition for both."""
    spec: dict[str, Any] = dict(_FONT)
    if kind == MONEY:
        spec["num_format"] = "#,##0.00"
    elif kind == RATE:
        spec.update(num_format="0.00%", align="right")
    elif kind == COUNT:
        spec["num_format"] = "0"
    elif kind == LIGHT:
        spec.update(align="center", bg_color=LIGHT_FILL.get(light or NONE, "#FFFFFF"))
    else:
        spec["text_wrap"] = True
    if total:
        spec.update(bold=True, top=2)
    return spec


_FONT = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
_TITLE = {"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
_SUBTITLE = {"font_name": "宋体", "font_size": 10, "align": "right"}
_HEADER = {**_FONT, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9E1F2"}
_NOTE = {"font_name": "宋体", "font_size": 9, "italic": True}


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format(_TITLE)
        self.subtitle = book.add_format(_SUBTITLE)
        self.header = book.add_format(_HEADER)
        self.note = book.add_format(_NOTE)
        self.cells: dict[tuple[str, bool, str | None], Any] = {}
        self._book = book

    def cell(self, kind: str, total: bool = False, light: str | None = None) -> Any:
        key = (kind, total, light)
        if key not in self.cells:
            self.cells[key] = self._book.add_format(_cell_spec(kind, total, light))
        return self.cells[key]


def _lines(columns: Sequence[tuple[str, str]], values: dict[str, Any]) -> int:
    """How many lines the wrapped text cells of a row need (spreadsheets do not grow rows written by a program)."""
    needed = 1
    for key, kind in columns:
        value = values.get(key)
        if kind == TEXT and isinstance(value, str) and value:
            needed = max(needed, text_lines(value, _width(key, kind) - 1))
    return needed


def text_lines(value: str, room: int) -> int:
    """How many lines a text needs in a wrapped cell `room` characters wide."""
    if 2 * len(value) > room:  # else it fits on one line even if every character is wide
        return math.ceil(width(value) / room)
    return 1


def _width(key: str, kind: str) -> int:
    return WIDE.get(key, WIDTHS[kind])


def _write_row(ws: Any, fmt: _Formats, row: int, columns: Sequence[tuple[str, str]], values: dict[str, Any], total: bool = False) -> None:
    from .xlsx import write_text  # every text as text (a name typed as <r>…</r> is no markup); loaded with xlsxwriter

    lines = _lines(columns, values)
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * lines + 2)
    for col, (key, kind) in enumerate(columns):
        value = values.get(key)
        if kind == TEXT:
            write_text(ws, row, col, "" if value is None else str(value), fmt.cell(TEXT, total))
        elif kind == LIGHT:
            light = value if value in M.LIGHT_NAMES else None
            write_text(ws, row, col, light_label(values, key) if value is not None else "", fmt.cell(LIGHT, total, light))
        elif value is None:
            write_text(ws, row, col, N.NO_VALUE, fmt.cell(kind, total))
        elif isinstance(value, str):  # 「未填报」 in a figure's column: printed as typed, never as 0
            write_text(ws, row, col, value, fmt.cell(TEXT, total))
        elif kind == RATE:
            ws.write_number(row, col, float(compute.fraction(Decimal(value))), fmt.cell(RATE, total))
        else:  # MONEY, COUNT
            ws.write_number(row, col, float(value), fmt.cell(kind, total))


def light_label(values: dict[str, Any], key: str = "light") -> str:
    """A row's light in words; a total over rows some of which are 「未评价」 says how many (「绿灯（3个未评价）」),
    so a green 合计 never hides projects nobody could grade."""
    value = values.get(key)
    label = M.LIGHT_NAMES.get(value, value or "") if isinstance(value, str) else ""
    ungraded = (values.get("ungraded") or 0) if key == "light" else 0
    if value in M.LIGHT_NAMES and value not in (GREY, NONE) and ungraded:
        return M.ROLLUP["light_ungraded"].format(light=label, count=ungraded)
    if key == "light" and values.get("returned"):
        return label + M.review_text("rollup_returned")
    return label


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """Render sheets into .xlsx bytes: title rows, a frozen header with an autofilter, number formats. Written from
    prepared parts (rollup_xml: the city's 汇总表 at 10,000 projects took XlsxWriter ~10 s), the same bytes as
    `_written_by_xlsxwriter`, which still writes a workbook holding a text XlsxWriter would take for rich text."""
    from . import rollup_xml

    sheets = list(sheets)
    try:
        return rollup_xml.workbook(sheets)
    except rollup_xml.Markup:
        if any(sheet.prepared is not None for sheet in sheets):
            raise  # XlsxWriter cannot take prepared rows: the caller lays the rows out again (rollup_parts.write_city)
        return _written_by_xlsxwriter(sheets)


def _written_by_xlsxwriter(sheets: Iterable[Sheet]) -> bytes:
    """The sheets drawn cell by cell with XlsxWriter: the reference rollup_xml's bytes are compared with."""
    import xlsxwriter  # here, not at the top: `validate` needs the roll-up's figures but never writes a workbook

    from .xlsx import merge_text, write_text

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_DATE, "author": "docgen", "comments": f"docgen {__version__}"})
    fmt = _Formats(book)
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        columns = sheet.shown
        words = sheet.form.words if sheet.form is not None else str
        last = len(columns) - 1
        merge_text(ws, 0, 0, 0, last, sheet.title, fmt.title)
        merge_text(ws, 1, 0, 1, last, sheet.subtitle, fmt.subtitle)
        ws.set_row(0, 28)
        ws.set_row(2, 45)
        for col, (key, kind) in enumerate(columns):
            write_text(ws, 2, col, sheet.header(key), fmt.header)
            ws.set_column(col, col, _width(key, kind))
        for index, values in enumerate(sheet.rows):
            _write_row(ws, fmt, 3 + index, columns, values)
        end = 3 + len(sheet.rows)
        ws.autofilter(2, 0, max(end - 1, 2), last)
        ws.freeze_panes(3, sheet.frozen_columns)
        if sheet.total is not None:
            _write_row(ws, fmt, end, columns, sheet.total, total=True)
            end += 1
        if sheet.note:
            write_text(ws, end + 1, 0, words(sheet.note), fmt.note)
        ws.set_landscape()
        ws.set_paper(8)  # A3: a 汇总表 has more columns than A4 shows legibly
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)
    book.close()
    return buffer.getvalue()


def _subtitle(period: Period) -> str:
    return M.ROLLUP["subtitle"].format(time_progress=N.plain_rate(compute.time_progress(period)), generator=f"docgen {__version__}")


def _finding_rows(pairs: Iterable[tuple[ProjectLine, Finding]], analysis: Analysis) -> list[dict[str, Any]]:
    rows = []
    names: dict[str, str] = {}  # a file's name made once for its ~4 warnings
    for line, f in pairs:
        rule = analysis.ruleset.rules.get(f.code)
        name = names.get(f.path)
        if name is None:
            name = names[f.path] = Path(f.path).name
        rows.append(
            {
                "department_code": line.department_code,
                "department": line.department,
                "code": line.code,
                "name": line.name,
                "category": rule.category if rule else "",
                "rule_code": f.code,
                "light_name": f.light or NONE,
                "message": f.message,
                "location": f"{name}:{f.line}",
            }
        )
    return rows


def _department_rows(roll: DepartmentRollup) -> list[dict[str, Any]]:
    """附件3's two tables, row by row, with the light each row earned (none when withheld: they hold 涉密 money)."""
    if roll.department is None or roll.withheld:
        return []
    sub = roll.department.submission
    rows = []
    for table, figures, given in roll.department.table_rows():
        for label, fig in figures.items():
            if label != F.TOTAL_ROW and label not in given:
                continue
            line = ProjectLine(sub.period, sub.department_code, sub.department, "", label, "", None, None, fig.amounts, known=fig)
            values = line.values()
            values.update(table=table, row=label, light=roll.department.row_lights.get(table, {}).get(label) or NONE)
            rows.append(values)
    return rows


def department_workbook(roll: DepartmentRollup, analysis: Analysis) -> bytes:
    """A department's 汇总表 as .xlsx bytes."""
    return workbook(department_sheets(roll, analysis))


@dataclass(frozen=True)
class Laid:
    """A department's rows on its 汇总表's project and warning sheets, as values and made ready to write for their
    shown columns (rollup_xml.Preparer): after one edit the department's rows are laid out once for its 汇总表 and
    its part of the city's (rollup_parts.part_of, which puts its code and name first), not twice (~5,700 rows at
    10,000 projects)."""

    projects: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    ready: tuple[list[Prepared], list[Prepared]]


def department_sheets(roll: DepartmentRollup, analysis: Analysis, laid: Laid | None = None) -> list[Sheet]:
    """The sheets of a department's 汇总表, apart from writing so the build can skip an unchanged workbook (`laid`:
    its rows, when laid out already)."""
    label = roll.period.label
    title = M.ROLLUP["dept_title"].format(department=roll.name, period=label)
    sheets = [
        Sheet(
            M.ROLLUP["sheet_projects"],
            title,
            _subtitle(roll.period),
            PROJECT_COLUMNS,
            laid.projects if laid is not None else [line.values() for line in roll.lines],
            roll.total.values() if roll.total else None,
            roll.note,
            ready=laid.ready[0] if laid is not None else None,
        ),
        Sheet(
            M.ROLLUP["sheet_department"],
            title,
            _subtitle(roll.period),
            ROW_COLUMNS,
            _department_rows(roll),
            note=roll.note if roll.withheld else "",
            frozen_columns=2,
        ),
        Sheet(
            M.ROLLUP["sheet_findings"],
            title,
            _subtitle(roll.period),
            FINDING_COLUMNS,
            laid.findings if laid is not None else _finding_rows(roll.findings, analysis),
            note=roll.note,
            ready=laid.ready[1] if laid is not None else None,
        ),
    ]
    return _on_form(sheets, analysis)


def form_in(analysis: Analysis) -> Form:
    """The form the roll-ups' wording and columns follow: the repository's profile's, which its submissions were read
    with (the default profile's project form when there is none)."""
    forms_used = (form_of(sa.submission) for sa in analysis.submissions.values())
    return next((form for form in forms_used if form.level), DEFAULT.forms["project"])


def level_of(analysis: Analysis) -> str:
    """The level the roll-ups' wording carries: the repository's profile's, which its submissions were read with."""
    forms_used = (form_of(sa.submission) for sa in analysis.submissions.values())
    return next((form.level for form in forms_used if form.level), DEFAULT.level)


def city_workbook(city: CityRollup, analysis: Analysis) -> bytes:
    """The city's 汇总表 as .xlsx bytes."""
    from . import rollup_xml

    try:
        return workbook(city_sheets(city, analysis))
    except rollup_xml.Markup:
        return workbook(city_value_sheets(city, analysis))


def city_sheets(city: CityRollup, analysis: Analysis) -> list[Sheet]:
    """The sheets of the city's 汇总表, apart from writing so the build can skip an unchanged workbook: its long
    sheets' rows as each department's pieces, as a build from the records writes them (rollup_parts.py), so that
    every writer of it (build, merge, `docgen rollups`) gives the same bytes."""
    from . import rollup_parts

    sources = [rollup_parts.part_of(d, analysis) for d in city.departments]
    return rollup_parts.sheets_of(city.period, sources, city.total, analysis)


def city_value_sheets(city: CityRollup, analysis: Analysis) -> list[Sheet]:
    """`city_sheets` with every row as values: what XlsxWriter draws when a text is one it would take as markup."""
    findings = [pair for d in city.departments for pair in d.rollup.findings]
    heads = [head_of(d) for d in city.departments]
    return parts_sheets(city.period, heads, city.total, analysis, [line.values() for line in city.lines], _finding_rows(findings, analysis))


def parts_sheets(
    period: Period,
    heads: Sequence[CityPart],
    city: ProjectLine | None,
    analysis: Analysis,
    projects: list[dict[str, Any]],
    findings: list[dict[str, Any]],
) -> list[Sheet]:
    """The city's sheets from its departments' parts (`city`: its 合计): the project and warning rows given as
    values (`projects`, `findings`); rollup_parts.py gives them prepared instead (`Sheet.prepared`)."""
    label = period.label
    title = M.ROLLUP["city_title"].format(period=label, level=level_of(analysis))
    withheld = next((h for h in heads if h.withheld), None)
    confidential = any(h.confidential for h in heads)
    note = withheld.note if withheld else M.ROLLUP["confidential_note"] if confidential else ""
    thin = frozenset().union(*(h.thin for h in heads))
    pool = next((h.pool for h in heads), DEFAULT_POOL)
    note = "".join(n for n in (note, "" if withheld else thin_note(thin, pool), "" if withheld else excluded_note(city)) if n)
    total = city.values() if city else None
    if total is not None:
        total.update({f"lights_{k}": sum(h.lights.get(k, 0) for h in heads) for k in (RED, YELLOW, BLUE, GREEN, GREY, NONE)})
        for key in ("expected_projects", "submitted_projects", "missing_projects"):
            parts = [h.values[key] for h in heads]
            total[key] = sum(p for p in parts if p is not None)
        total.update(department=M.ROLLUP["total_row"], department_code="", light=city.light if city else NONE)
    project_total = city.values() if city else None
    if project_total is not None:
        project_total.update(department=M.ROLLUP["total_row"], name="")
    sheets = [
        Sheet(
            M.ROLLUP["sheet_departments"],
            title,
            _subtitle(period),
            DEPARTMENT_COLUMNS,
            [h.values for h in heads],
            total,
            note,
        ),
        Sheet(
            M.ROLLUP["sheet_all_projects"],
            title,
            _subtitle(period),
            CITY_PROJECT_COLUMNS,
            projects,
            project_total,
            note,
            frozen_columns=4,
        ),
        Sheet(
            M.ROLLUP["sheet_findings"],
            title,
            _subtitle(period),
            CITY_FINDING_COLUMNS,
            findings,
            note=note,
        ),
    ]
    return _on_form(sheets, analysis)


def _on_form(sheets: list[Sheet], analysis: Analysis) -> list[Sheet]:
    """The sheets in the words and columns of the repository's form (form_in)."""
    form = form_in(analysis)
    return [replace(sheet, form=form, profile=form.digest) for sheet in sheets]


class _Keys:
    """The content key of each 汇总表 last written: an unchanged workbook is not rewritten.

    Writing the workbooks is most of their cost (3-4 s for 1,000 projects); their sheets are cheap to build and
    compare, so a rebuild after one edit rewrites only its department's 汇总表 and the city's. One manifest per
    `scope`, as `docgen build` writes the departments' and the city's workbooks in two processes at once; kept in
    the project's cache (Store.record), never in build/, with each file's signature as written (engine.Manifest).
    A workbook the last run wrote and this one did not (a department gone from the roster or renamed, the profile's
    area renamed) is removed on `save`, as a stale attachment is: a cold build would not write it.
    """

    def __init__(self, build: Path, scope: str, store: Store | None = None) -> None:
        self.build, self.file = build, _manifest(build, scope, store or Store(build.parent))
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            self.keys: dict[str, list[Any]] = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2}
        except (OSError, ValueError, AttributeError):
            self.keys = {}
        self.now: dict[str, list[Any]] = {}  # the workbooks of this run, written or kept: all the manifest keeps

    def write(self, target: Path, sheets: list[Sheet] | Callable[[], list[Sheet]], inputs: str | None = None) -> bool:
        """Write the workbook unless the last one was written with the same key and is still that file. The key is
        the sheets' content, or with `inputs` (the digest of what they are made of) that, and the sheets are built
        only when written."""
        if inputs is not None:
            key = digest(code_digest(), "inputs", inputs)
        else:
            sheets = sheets() if callable(sheets) else sheets
            key = digest(code_digest(), repr(sheets))  # all of docgen's code: the column headers live in messages.py
        name = target.relative_to(self.build).as_posix()
        found = signature(target)
        if found is not None and self.keys.get(name) == [key, found]:
            self.now[name] = self.keys[name]
            return False
        output.write_bytes(target, workbook(sheets() if callable(sheets) else sheets), owner=self.build)
        self.now[name] = [key, signature(target)]
        return True

    def save(self) -> None:
        """Remove the workbooks of the last run not written or kept by this one, then keep this run's. Only a file
        still the very one docgen wrote (its signature as kept: never a file put there by hand, nor a link) and
        strictly inside build/ (output.remove_stale) is removed: the manifest is data, never trusted (an entry kept
        without a signature would match any link, folder or missing file, whose signature is None too)."""
        names = sorted(set(self.keys) - set(self.now))
        gone = [self.build / n for n in names if self.keys[n][1] is not None and signature(self.build / n) == self.keys[n][1]]
        output.remove_stale(gone, self.build)
        with contextlib.suppress(OSError):  # an unwritable cache only costs rewriting the 汇总表 next time
            output.write_text(self.file, json.dumps(self.now, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


#: The two manifests of the 汇总表 (`_Keys`): the departments' and the city's, written by one process each.
SCOPES = ("departments", "city")


def _manifest(build: Path, scope: str, store: Store) -> Path:
    return store.record(build, f"rollups-{scope}")


def written_since(build: Path, store: Store, since_ns: int) -> set[str] | None:
    """The 汇总表 (relative to `build`) the last run wrote or kept, from both manifests; None when either is missing,
    unreadable or older than `since_ns` (an unwritable cache): then which 汇总表 are that run's is not known."""
    made: set[str] = set()
    for scope in SCOPES:
        file = _manifest(build, scope, store)
        try:
            if file.stat().st_mtime_ns < since_ns:
                return None
            made.update(json.loads(file.read_bytes()))
        except (OSError, ValueError, TypeError):
            return None
    return made


def cities(analysis: Analysis, rosters: Sequence[Roster], returned: frozenset[str] = frozenset()) -> list[CityRollup]:
    """The city roll-up of every period analysed, its departments' roll-ups inside: built once per build and
    given to both writers (`write_departments`, `write_city`)."""
    periods = sorted({sa.submission.period for sa in analysis.submissions.values()}, key=lambda p: p.key)
    roster_of = {r.period: r for r in rosters}
    return [city_rollup(analysis, period, roster_of.get(period), returned) for period in periods]


class Departments:
    """Departments' 汇总表 from `records_pending`, each written as its roll-up is made and let go of then: `docgen
    build` writes one with the department's part of the city's (rollup_parts.write_city), so it never holds every
    department's roll-up at once (at 10,000 projects, cold: the roll-up child's peak). The manifest is `_Keys`'s."""

    def __init__(self, build: Path, analysis: Analysis, store: Store | None = None) -> None:
        self.build, self.analysis = build, analysis
        self.manifest = _Keys(build, "departments", store)
        self.written: list[Path] = []

    def write(self, period: Period, item: Pending, laid: Laid | None = None) -> None:
        """The department's 汇总表 unless its key is the one kept (then it is not even rolled up), and let it go
        (`laid`: its rows, when laid out for its part of the city's)."""
        if not item.empty:
            target = paths.department_rollup(self.build, period, item.code, item.name)
            if self.manifest.write(target, lambda: department_sheets(item.line.rollup, self.analysis, laid), item.key):
                self.written.append(target)
        item.forget()

    def save(self) -> None:
        self.manifest.save()


def write_departments(
    build: Path,
    analysis: Analysis,
    rosters: Sequence[Roster] = (),
    *,
    built: Sequence[CityRollup] | None = None,
    store: Store | None = None,
    keys: Mapping[tuple[str, str], str] | None = None,
    pending: Sequence[tuple[Period, Sequence[Pending]]] | None = None,
) -> list[Path]:
    """Every department's 汇总表, for every period analysed (`built`: the roll-ups `cities` gave); returns the
    files (re)written. `store`: the project's, where the manifest is kept (default: of the folder above `build`).
    `keys`: (period, department code) -> the digest of what its 汇总表 is made of (a build from records), so an
    unchanged department's sheets are not built. `pending` (records_pending, with their keys): instead of `built`,
    an unchanged department is not even rolled up (`Departments`)."""
    departments = Departments(build, analysis, store)
    for period, items in pending or ():
        for item in items:
            departments.write(period, item)
    for city in (cities(analysis, rosters) if built is None else built) if pending is None else ():
        for line in city.departments:
            roll = line.rollup
            if roll.submitted == 0 and roll.department is None:
                continue
            target = paths.department_rollup(build, city.period, roll.code, roll.name)
            inputs = keys.get((city.period.key, roll.code)) if keys is not None else None
            if departments.manifest.write(target, functools.partial(department_sheets, roll, analysis), inputs):
                departments.written.append(target)
    departments.save()
    return departments.written


def write_city(
    build: Path,
    analysis: Analysis,
    rosters: Sequence[Roster] = (),
    *,
    built: Sequence[CityRollup] | None = None,
    store: Store | None = None,
) -> list[Path]:
    """The city's 汇总表, for every period analysed (`built`: the roll-ups `cities` gave); returns the files (re)written."""
    from . import rollup_xml

    written = []
    keys = _Keys(build, "city", store)
    for city in cities(analysis, rosters) if built is None else built:
        target = paths.city_rollup(build, city.period, form_in(analysis).area)
        try:
            changed = keys.write(target, city_sheets(city, analysis))
        except rollup_xml.Markup:  # a text XlsxWriter takes for rich text: the whole workbook by XlsxWriter
            changed = keys.write(target, city_value_sheets(city, analysis))
        if changed:
            written.append(target)
    keys.save()
    return written


def write_all(
    build: Path, analysis: Analysis, rosters: Sequence[Roster] = (), *, store: Store | None = None, returned: frozenset[str] = frozenset()
) -> list[Path]:
    """Every department's 汇总表 and the city's, for every period analysed; returns the files (re)written."""
    built = cities(analysis, rosters, returned)
    return write_departments(build, analysis, rosters, built=built, store=store) + write_city(
        build, analysis, rosters, built=built, store=store
    )
