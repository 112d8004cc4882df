"""A submission's indicators held against the approved 绩效目标, and the 目标调整 records that justify a change.

One comparison, computed here once: validate turns the unjustified changes into W610-W613, `docgen diff` shows
every change as its own row (目标与批复不一致 / 已按目标调整记录调整), and the site's project page shows approved
against reported. Indicators are matched by name (三级指标); an approved one missing and a new one under the same
一级/二级 are one rename.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field

from ..form import review as RV
from ..form import targets as TG
from ..form import vocabulary as F
from ..form.indicators import Value, parse
from ..form.model import Indicator, Project

#: What happened to an indicator between the approval and the submission, with the code of its warning.
CHANGED, REMOVED, ADDED, RENAMED = "changed", "removed", "added", "renamed"
CODES = {CHANGED: "W610", REMOVED: "W611", ADDED: "W612", RENAMED: "W613"}


@dataclass(frozen=True)
class Change:
    """One difference from the approved targets: the indicator (approved name, reported name), both values, where
    the reported one is (`index` in the submission's indicators, None when removed), and the 目标调整 covering it."""

    kind: str
    name: str  # as approved (for an added indicator: as reported)
    approved: str  # 年度指标值 as approved ("" for an added indicator)
    reported: str  # the value the submission holds to: its 调整后指标值, else its 年度指标值 ("" when removed)
    index: int | None
    renamed: str = ""  # the reported name of a renamed indicator
    record: RV.Application | None = None

    @property
    def code(self) -> str:
        return CODES[self.kind]

    @property
    def justified(self) -> bool:
        return self.record is not None


#: One indicator side by side: as approved (None: added), as reported (None: removed), and its change (None: the same).
Row = tuple[TG.ApprovedIndicator | None, Indicator | None, Change | None]


@dataclass(frozen=True)
class Comparison:
    """A project against its approved targets: every indicator side by side, and the changes."""

    approved: TG.ApprovedProject
    rows: tuple[Row, ...]
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def unjustified(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.justified)


@functools.lru_cache(maxsize=65536)
def normal(value: str) -> str:
    """A value as compared: full-width folded (１２０％ is 120%), spaces dropped (cached: the same texts recur in
    every project of a repository)."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def same(a: str, b: str) -> bool:
    """Whether two 年度指标值 say the same: equal text, or equal comparator, number, range and unit."""
    if a == b or normal(a) == normal(b):
        return True
    pa, pb = parse(normal(a)), parse(normal(b))
    if not (pa.quantitative and pb.quantitative):
        return False
    return _shape(pa) == _shape(pb)


def _shape(v: Value) -> tuple[object, ...]:
    return (v.comparator or "=", v.number * v.scale if v.number is not None else None, v.upper, v.unit, v.per)


def reported_value(ind: Indicator) -> str:
    """What the submission holds the indicator to: its 调整后指标值 where written, else its 年度指标值."""
    adjusted = ind.adjusted_target is not None and ind.reported("adjusted_target")
    return ind.adjusted_target.text if adjusted and ind.adjusted_target is not None else ind.target.text


def _differing(ind: Indicator, approved: str) -> str | None:
    """The value of `ind` that departs from the approved one, or None: its 年度指标值 when that was retyped (the
    baseline itself changed), else its 调整后指标值 when that differs."""
    if not same(ind.target.text, approved):
        return ind.target.text
    value = reported_value(ind)
    return None if same(value, approved) else value


def baseline(approved: list[TG.ApprovedProject], project: Project) -> TG.ApprovedProject | None:
    """The approved targets in force for a project: its year's latest file up to its period that lists it."""
    period = (project.period.year, project.period.month)
    found = [
        a
        for a in approved
        if a.code == project.code and a.department_code == project.department_code and a.period[0] == period[0] and a.period <= period
    ]
    return max(found, key=lambda a: a.period) if found else None


def adjustments(records: list[RV.Application], project: Project) -> list[RV.Application]:
    """The 目标调整 records of a project decided in its year up to its period, latest first."""
    period = (project.period.year, project.period.month)
    mine = [
        r
        for r in records
        if r.adjusts_target
        and r.subject == project.code
        and r.department_code == project.department_code
        and r.period[0] == period[0]
        and r.period <= period
    ]
    return sorted(mine, key=lambda r: (r.period, r.date, r.path, r.line), reverse=True)


def _covering(records: list[RV.Application], name: str, reported: str, approved: str, renamed: str = "") -> RV.Application | None:
    """The latest record that adjusts `name` to what the submission reports (and from what was approved)."""
    for r in records:
        if normal(r.indicator) != normal(name):
            continue
        if r.original and approved and not same(r.original, approved):
            continue
        if renamed and normal(r.renamed) != normal(renamed):
            continue
        if reported == "" and normal(r.adjusted) == F.TARGET_CANCELLED:
            return r
        if reported and same(r.adjusted, reported):
            return r
    return None


def compare(approved: TG.ApprovedProject, project: Project, records: list[RV.Application]) -> Comparison:
    """The project's indicators against the approved ones, each change with the record that justifies it (or None)."""
    if "indicators" in project.unreported:
        return Comparison(approved, ())
    mine = adjustments(records, project)
    reported = {normal(ind.name): (i, ind) for i, ind in enumerate(project.indicators)}
    known = {normal(a.name) for a in approved.indicators}
    rows: list[Row] = []
    changes: list[Change] = []
    removed: list[TG.ApprovedIndicator] = []
    for a in approved.indicators:
        hit = reported.get(normal(a.name))
        if hit is None:
            removed.append(a)
            continue
        i, ind = hit
        value = _differing(ind, a.target) if ind.reported("target") else None
        if value is None:
            rows.append((a, ind, None))
            continue
        changes.append(Change(CHANGED, a.name, a.target, value, i, record=_covering(mine, a.name, value, a.target)))
        rows.append((a, ind, changes[-1]))
    added = [(i, ind) for i, ind in enumerate(project.indicators) if normal(ind.name) not in known]
    for a in removed:
        partner = next(((i, ind) for i, ind in added if (ind.level1, ind.level2) == (a.level1, a.level2)), None)
        if partner is not None and sum(1 for x in removed if (x.level1, x.level2) == (a.level1, a.level2)) == 1:
            added.remove(partner)
            i, ind = partner
            value = reported_value(ind)
            record = _covering(mine, a.name, value, a.target, renamed=ind.name)
            changes.append(Change(RENAMED, a.name, a.target, value, i, renamed=ind.name, record=record))
            rows.append((a, ind, changes[-1]))
            continue
        changes.append(Change(REMOVED, a.name, a.target, "", None, record=_covering(mine, a.name, "", a.target)))
        rows.append((a, None, changes[-1]))
    for i, ind in added:
        value = reported_value(ind)
        changes.append(Change(ADDED, ind.name, "", value, i, record=_covering(mine, ind.name, value, "")))
        rows.append((None, ind, changes[-1]))
    return Comparison(approved, tuple(rows), tuple(changes))


def compare_all(approved: list[TG.ApprovedProject], projects: list[Project], records: list[RV.Application]) -> dict[str, Comparison]:
    """Each project that has approved targets in force, compared; by the project's path. The approved projects and
    the 目标调整 records are indexed by project first: at 10,000 projects a scan per project would be quadratic."""
    by_project: dict[tuple[str, str], list[TG.ApprovedProject]] = {}
    for a in approved:
        by_project.setdefault((a.department_code, a.code), []).append(a)
    by_subject: dict[tuple[str, str], list[RV.Application]] = {}
    for r in records:
        if r.adjusts_target:
            by_subject.setdefault((r.department_code, r.subject), []).append(r)
    out = {}
    for project in projects:
        key = (project.department_code, project.code)
        base = baseline(by_project.get(key, []), project)
        if base is not None:
            out[str(project.path)] = compare(base, project, by_subject.get(key, []))
    return out
