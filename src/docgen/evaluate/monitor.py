"""The monitoring engine: every rule in force evaluated on every submission, as Findings with lights.

The regulation (第四章) asks for 及时性、合规性、有效性 monitoring by 目标比较法. Each rule is declared once in
the rulebook (check/rulebook.py: code, texts, default thresholds) and its logic is one function in `rules/`,
registered against its code; the thresholds, lights and texts in force come from the rules file (check/ruleset.py,
read by `load_rules` here). The engine gives each function a `run.Run`, turns the hits into findings at their
positions, and gives lights per budget row, per indicator and per submission (the worst of its lights), counted per
department. 科研类 projects skip the rules marked 科研类豁免 during the year and get an info line (I401) instead.
A project's results are kept between runs for large trees (`_ProjectShelf`).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import children
from ..cache import Store, digest, dumps
from ..check import ruleset as R
from ..check.findings import Finding, finding_rows, findings_from_rows
from ..check.load import Document, JsonPath, load_file
from ..check.ruleset import GREEN, GREY, NONE, RED, YELLOW, Ruleset
from ..form import vocabulary as F
from ..form.forms import Profile, form_of
from ..form.model import Department, Project, Roster
from .evaluation import Evaluation, evaluate
from .rules import IMPLEMENTATIONS
from .run import Hit, Previous, RosterIndex, Run, Subject, Submission, budget_rows, roster_index

#: (path, json path, key?) -> (line, column). Without documents every finding stands at 1:1.
Locator = Callable[[Path, JsonPath, bool], tuple[int, int]]


def worst(lights: Iterable[str | None]) -> str | None:
    """The worst light (red > yellow > blue > green); None when there is none."""
    ranked = [light for light in lights if light in R.LIGHT_ORDER]
    return max(ranked, key=R.LIGHT_ORDER.index) if ranked else None


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
            lights = {k: counter.get(k, 0) for k in (*R.LIGHTS, GREY, NONE)}
            out.append(DepartmentLights(period, code, members[0].submission.department, lights))
        return out

    def department(self, period: str, code: str) -> DepartmentLights | None:
        return next((d for d in self.departments() if d.period == period and d.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        subs = sorted(self.submissions.values(), key=lambda sa: sa.path)
        return {"submissions": [sa.as_dict() for sa in subs], "departments": [d.as_dict() for d in self.departments()]}


# --- putting it together ---------------------------------------------------------------------------


def _at_start(path: Path, at: JsonPath, key: bool) -> tuple[int, int]:
    return (1, 1)


def locator(documents: dict[str, Document]) -> Locator:
    """Positions from the loaded documents, keyed by str(path) as in Finding.path."""

    def locate(path: Path, at: JsonPath, key: bool) -> tuple[int, int]:
        doc = documents.get(str(path))
        return doc.position(at, key=key) if doc is not None else (1, 1)

    return locate


def _repeats_total(hit: Hit, hits: list[Hit]) -> bool:
    """A 其中 row's graded finding that is no worse than its 资金总额's for the same rule says nothing new."""
    if hit.subject[0] != "row" or hit.subject[2] == F.TOTAL_ROW or not IMPLEMENTATIONS[hit.code].per_row:
        return False
    total = worst(h.light for h in hits if h.code == hit.code and h.subject == ("row", hit.subject[1], F.TOTAL_ROW)) or GREEN
    return R.LIGHT_ORDER.index(hit.light or GREEN) <= R.LIGHT_ORDER.index(total)


def _finish(run: Run, ev: Evaluation, locate: Locator) -> Evaluation:
    """The hits as findings at their positions, and the lights of each row, indicator and the submission."""
    sub = run.sub
    findings: list[Finding] = []
    words = form_of(sub).words  # the message's template in the form's words (执行率 on a form that says so)
    for hit in run.hits:
        if not hit.speaks or _repeats_total(hit, run.hits):
            continue
        rule = run.ruleset[hit.code]
        severity = "warning" if hit.light in (RED, YELLOW) and not hit.note else "info"
        line, column = locate(sub.path, hit.at, hit.key)
        findings.append(Finding(str(sub.path), line, column, hit.code, severity, words(rule.message).format(**hit.args), hit.light))
    baseline = None if run.exempt else GREEN
    coloured = [hit for hit in run.hits if not hit.note]
    by_subject: dict[Subject, list[str | None]] = {}
    for hit in coloured:
        by_subject.setdefault(hit.subject, []).append(hit.light)
    rows: dict[str, dict[str, str | None]] = {}
    grey = False  # something not reported kept a rule from judging it
    for row in run.rows:
        unjudged = bool(row.figures.unreported) and baseline is not None
        evaluated = baseline if row.figures.subtotal > 0 and not unjudged else None
        light = worst([evaluated, *by_subject.get(row.subject, [])])
        rows.setdefault(row.table, {})[row.label] = GREY if light is None and unjudged else light
        grey = grey or unjudged
    indicator_lights = []
    for i, ind in enumerate(sub.indicators):
        unjudged = bool(ind.unreported) and baseline is not None
        light = worst([None if unjudged else baseline, *by_subject.get(("indicator", i), [])])
        indicator_lights.append(GREY if light is None and unjudged else light)
        grey = grey or unjudged
    grey = grey or (bool(sub.unreported) and baseline is not None)
    indicators = tuple(indicator_lights)
    found = worst(h.light for h in coloured)
    light = found or (GREY if grey else baseline)  # a half-reported file with no alarm is 「未评价」, never green
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
    store: Store | None = None,
    previous: Mapping[str, Project] | None = None,
    present: Mapping[str, frozenset[str]] | None = None,
) -> Analysis:
    """Evaluate every rule on every submission; cross-submission rules see the whole period.

    `present` (a 部门整体's path -> the project codes that have a file beside it) tells W414 a project whose file
    has errors from one not sent at all.

    `context`: more projects of the same period (not analysed themselves) for the cross-submission
    rules, when only some files were checked. `digests` (path -> digest of the file's bytes) and `store` (given
    for large trees) let a project's results be kept between runs: see `_ProjectShelf`. `previous` (path -> the same
    project in the previous period of its year) is what W417/W418 compare against.
    """
    analysis = Analysis(ruleset)
    roster_of = {r.period.key: r for r in rosters}
    indexes = {key: roster_index(r) for key, r in roster_of.items()}
    by_department: dict[tuple[str, str], list[Project]] = {}
    for project in [*projects, *context]:
        by_department.setdefault((project.period.key, project.department_code), []).append(project)
    shelf = _ProjectShelf(ruleset, digests, store) if digests and store is not None else None
    subs: list[Submission] = [*projects, *departments]
    done: dict[str, Evaluation] = {}
    jobs: list[tuple[Run, Evaluation, str | None]] = []  # the rules still to run, with the record and its cache key
    for sub in subs:
        roster = roster_of.get(sub.period.key)
        index = indexes.get(sub.period.key, {})
        ev = evaluate(sub)
        before = (previous or {}).get(str(sub.path))
        earlier = Previous.of(before) if before is not None else None
        key = shelf.key(sub, roster, index, earlier) if shelf is not None and isinstance(sub, Project) else None
        kept = shelf.get(ev, key) if shelf is not None and key else None
        if kept is not None:
            done[str(sub.path)] = kept
            continue
        run = Run(sub, ruleset, [], roster, index, previous=earlier)
        if isinstance(sub, Department):
            run.members = by_department.get((sub.period.key, sub.department_code), [])
            files = (present or {}).get(str(sub.path), frozenset())
            run.missing, run.erroneous = unsubmitted(roster, sub.department_code, {p.code for p in run.members}, files)
        jobs.append((run, ev, key))
    judged = _judge_all([(run, ev) for run, ev, _ in jobs], locate, encode=shelf is not None)
    for (_, _, key), (sa, encoded) in zip(jobs, judged, strict=True):
        done[str(sa.path)] = sa
        if shelf is not None and key:
            shelf.put(sa, key, encoded)
    analysis.submissions = {str(sub.path): done[str(sub.path)] for sub in subs}  # in the order given, as before
    if shelf is not None:
        shelf.save()
    return analysis


def _judge(run: Run, ev: Evaluation, locate: Locator) -> Evaluation:
    """Every rule on one submission (its budget rows computed here, from its figures), as a finished record."""
    run.rows = budget_rows(ev)
    for function in _rules_for(form_of(run.sub)):
        function(run)
    return _finish(run, ev, locate)


#: id(form) -> (the form, how many rules were registered, the functions of the rules that apply to it, in order)
_RULES_FOR: dict[int, tuple[Any, int, tuple[Callable[[Run], None], ...]]] = {}


def _rules_for(form: Any) -> tuple[Callable[[Run], None], ...]:
    """The rules that can speak on a submission of `form` (rulebook's `reads`: silent about a column the form does
    not have), in their order: asked once a form, not ~27 times a submission (0.1 ms of a file's ~2 ms)."""
    known = _RULES_FOR.get(id(form))
    if known is None or known[0] is not form or known[1] != len(IMPLEMENTATIONS):
        functions = tuple(rule.function for code, rule in IMPLEMENTATIONS.items() if R.SPECS[code].applies(form))
        known = _RULES_FOR[id(form)] = (form, len(IMPLEMENTATIONS), functions)
    return known[2]


#: From this many submissions on, the rules run in worker processes (fork: they inherit the models, documents and
#: rules without pickling) and send back only findings and lights. Measured on 1,000 projects (2 cores): the
#: parent's monitoring 0.55 s -> ~0.3 s wall. Below it, starting workers costs more than it saves.
PARALLEL_FROM = 300

_JOBS: list[tuple[Run, Evaluation]] = []  # what the forked workers judge, by index: set just before they are forked
_LOCATE: list[Locator] = []


def _record(sa: Evaluation) -> list[Any]:
    """What a worker sends back for a submission: exactly what the cache keeps (`_ProjectShelf.put`)."""
    return [finding_rows(sa.findings), sa.light, list(sa.indicator_lights), sa.row_lights, sa.exempt]


def _judge_slice(start: int, stop: int, encode: bool) -> list[tuple[list[Any], str | None]]:
    """In a worker: the records of jobs start..stop, and with `encode` their cache entries (JSON, spread over the
    workers like the check's)."""
    out = []
    for run, ev in _JOBS[start:stop]:
        record = _record(_judge(run, ev, _LOCATE[0]))
        out.append((record, dumps(record) if encode else None))
    return out


def _judge_all(jobs: list[tuple[Run, Evaluation]], locate: Locator, *, encode: bool) -> list[tuple[Evaluation, str | None]]:
    """Each job judged, in order: here for a few, else in forked workers that send back only findings and lights
    (the parent keeps its own models and documents; pickling whole records back cost more than judging them)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [(_judge(run, ev, locate), None) for run, ev in jobs]
    _JOBS[:], _LOCATE[:] = jobs, [locate]
    size = -(-len(jobs) // (workers * 2))
    starts = list(range(0, len(jobs), size))
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=children.pool_worker, initargs=(os.getpid(),)) as pool:
            slices = pool.map(_judge_slice, starts, [s + size for s in starts], [encode] * len(starts))
            records = [item for chunk in slices for item in chunk]
    finally:
        _JOBS.clear()
        _LOCATE.clear()
    out = []
    for (_, ev), (record, encoded) in zip(jobs, records, strict=True):
        sa = _restored(ev, record)
        if sa is None:  # pragma: no cover - a worker's record is always of the shape _record writes
            raise RuntimeError("monitoring worker sent back a record of another shape")
        out.append((sa, encoded))
    return out


def _restored(ev: Evaluation, kept: Any) -> Evaluation | None:
    """`ev` with the findings and lights of a record `_record` wrote (from a worker or the cache); None when `kept`
    is not of that shape."""
    try:  # plain data from a file: anything not of the shape `put` writes is a miss
        rows, light, indicator_lights, row_lights, exempt = kept
        lights = (*R.LIGHT_ORDER, GREY, NONE, None)
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


class _ProjectShelf:
    """A project's monitoring results kept between runs (cache.Store), for large trees.

    A project's rules read only the project itself, the rules in force, its line in the roster (W413) and its
    previous period's amounts (W417, W418); its findings' positions come from the same bytes. So its results are
    keyed by exactly these: the file's digest, the ruleset, the roster entry and the previous amounts. A 部门整体
    is always analysed afresh (W414 reads the department's projects). Measured on 1,000 projects: the monitoring
    of a rebuild after one edit 0.3 s -> 0.05 s.
    """

    def __init__(self, ruleset: Ruleset, digests: Mapping[str, str], store: Store) -> None:
        self.digests = digests
        self.rules = digest(repr(ruleset.rules))
        self.shelf = store.shelf("monitor", digests)

    def key(self, sub: Project, roster: Roster | None, index: RosterIndex, previous: Previous | None = None) -> str | None:
        content = self.digests.get(str(sub.path))
        if not content:
            return None
        entry = repr(index.get(sub.code)) if roster is not None else ""
        profile = sub.form.digest if sub.form is not None else ""  # another profile may judge the same bytes otherwise
        return digest(content, self.rules, str(roster.path) if roster is not None else "", entry, repr(previous), profile)

    def get(self, ev: Evaluation, key: str) -> Evaluation | None:
        kept = self.shelf.get(ev.path, key)
        return _restored(ev, kept) if kept is not None else None

    def put(self, sa: Evaluation, key: str, encoded: str | None = None) -> None:
        """Keep `sa`'s record; `encoded` is that record already written by `dumps` (in a worker)."""
        if encoded is not None:
            self.shelf.put_encoded(sa.path, key, encoded)
        else:
            self.shelf.put(sa.path, key, _record(sa))

    def save(self) -> None:
        self.shelf.save()


def unsubmitted(roster: Roster | None, code: str, have: set[str], files: frozenset[str]) -> tuple[int, int]:
    """The department's roster projects whose code is not among `have` (the codes of its projects judged): (without
    a file, with a file that has errors)."""
    if roster is None:
        return 0, 0
    absent = [p.code for d in roster.departments if d.code == code for p in d.projects if p.code not in have]
    return sum(1 for c in absent if c not in files), sum(1 for c in absent if c in files)


# --- the rules file --------------------------------------------------------------------------------


def _read(path: Path, root: Path | None = None) -> tuple[Document | None, list[Finding]]:
    from ..check.validate import schema_findings  # validate imports ruleset; imported here to keep modules acyclic

    doc, findings = load_file(path, root)
    if doc is None:
        return None, findings
    return doc, findings + schema_findings(doc, "rules")


def load_rules(path: Path | None = None, root: Path | None = None, profile: Profile | None = None) -> tuple[Ruleset | None, list[Finding]]:
    """The packaged defaults, with the thresholds the repository's `profile` sets, overridden by `path` (relative to
    `root` when given); on any problem, None and findings with file:line."""
    default_file = R.default_path()  # named as the defaults' source; they are built from the rulebook
    defaults = R.default_rules()
    if profile is not None and profile.rules:  # the profile's defaults (check/profile.py checked their keys)
        defaults = R.merge(defaults, {code: {R.KEYS["thresholds"]: dict(given)} for code, given in profile.rules.items()})
    if path is None:
        return R.build(defaults, (str(default_file),)), []
    doc, findings = _read(path, root)
    if doc is None:
        return None, findings
    given = doc.data.get(R.RULES_KEY)
    merged = R.merge(defaults, given if isinstance(given, dict) else {})
    findings = sorted(findings + R.check_document(doc, merged), key=lambda f: (f.path, f.line, f.column, f.code))
    if any(f.is_error for f in findings):
        return None, findings
    built = R.build(merged, (str(default_file), str(path)))
    pool = doc.data.get(R.POOL_KEY)
    raised = isinstance(pool, int) and not isinstance(pool, bool) and pool >= R.DEFAULT_POOL  # E219 refused a lower one
    return (dataclasses.replace(built, pool=pool) if raised else built), findings
