"""The library API the CLI, the site and the tests call: check, analyse, build, rollup, new."""

from __future__ import annotations

import codecs
import contextlib
import functools
import gc
import hashlib
import io
import itertools
import json
import multiprocessing
import operator
import os
import pickle
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, children, confidential, output, redact
from . import cache as cache_store
from . import messages as M
from .cache import Listing, Store, Walk, code_digest
from .check import consistency
from .check import review as review_checks
from .check import targets as target_checks
from .check import validate as checking
from .check.consistency import UNFILLED, Probe
from .check.findings import Finding, Findings, error, finding_rows, findings_from_rows, warning
from .check.load import Document, read_bounded
from .check.profile import profile_of
from .check.ruleset import NONE as NO_LIGHT
from .check.ruleset import RED as LIGHT_RED
from .check.ruleset import SCHEMA_FILES, Ruleset
from .check.ruleset import default_path as default_rules_path
from .check.validate import check_files, kind_in, kind_of
from .errors import DocgenError, EnvironmentProblem, InvalidSubmissions, Leak, UsageError, write_problem
from .evaluate import figures, monitor, review, targets
from .evaluate import record as submission_record
from .evaluate import stream as streaming
from .evaluate.evaluation import Evaluation, evaluate
from .evaluate.rules.roster import member_funds
from .evaluate.run import Run, roster_index
from .files import read_regular
from .form import forms, limits
from .form import numbers as N
from .form import review as review_form
from .form import targets as targets_form
from .form import vocabulary as F
from .form.forms import DEFAULT_PROFILE as DEFAULT_PROFILE_ID
from .form.forms import Form, Profile
from .form.model import Department, Period, Project, Review, Roster
from .form.model import build as build_model
from .verdicts import FileDigests, Verdicts
from .workspace import SITE_LOCK, WORD_LIST, Workspace

if TYPE_CHECKING:  # the renderers, the site, diff, fmt, the hook and jinja2 load only when used: every command starts faster
    import jinja2

    from .history import revdiff, review_state
    from .render import engine, rollup
    from .site import generate as site_module
    from .tooling import fmt as fmt_module

SUBMISSIONS = "submissions"
PERIOD_ARG = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
BUILD = "build"
SITE = "site"  # site.OUTPUT, named here too so that `build` need not import the site's modules


@dataclass
class Result(Findings):
    """Everything one check produced: findings for people, models for the renderers."""

    files: list[Path]  # as the user would type them, relative to where they stand (for counts and messages)
    findings: list[Finding]
    projects: list[Project] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    rosters: list[Roster] = field(default_factory=list)
    analysis: monitor.Analysis | None = None  # monitoring lights and W4xx findings; None when the rules file is broken
    documents: dict[str, Document] = field(default_factory=dict, repr=False)  # loaded files by path, for positions
    digests: dict[str, str] = field(default_factory=dict, repr=False)  # path -> digest of its bytes, read once
    paths: list[Path] = field(default_factory=list)  # the files checked, relative to the project root
    profile: Profile = field(default=forms.DEFAULT, repr=False)  # the repository's forms (docgen.yaml), for every stage
    records: review.Records = field(default_factory=lambda: review.Records())  # 审核意见, 整改, 结果应用 (审核/ files)
    approved: list[targets_form.ApprovedProject] = field(default_factory=list)  # 批复目标/ files: the baseline
    comparisons: dict[str, targets.Comparison] = field(default_factory=dict, repr=False)  # project path -> against approved
    flawed_projects: list[Project] = field(default_factory=list, repr=False)  # invalid but shaped: 涉密 counts them too
    period_rosters: list[Roster] = field(default_factory=list, repr=False)  # the rosters the 涉密 marks were read from
    submission_records: list[submission_record.SubmissionRecord] = field(default_factory=list, repr=False)  # check(stream=True)
    # check(stream=True, built=True), for `build` without the models: each project's monitoring findings by path, the
    # 部门整体 evaluated and judged, and the rules in force (None: the rules file is broken)
    judged: dict[str, list[Finding]] = field(default_factory=dict, repr=False)
    department_evaluations: list[Evaluation] = field(default_factory=list, repr=False)
    ruleset: Ruleset | None = field(default=None, repr=False)
    stream_keys: dict[str, str] = field(default_factory=dict, repr=False)  # period -> what its outcomes were judged from
    # … and the 结果应用 records the approved targets were compared with: a site page compares its one project again
    applications: list[review_form.Application] = field(default_factory=list, repr=False)
    evidence: list[Probe] = field(default_factory=list, repr=False)  # the 佐证材料 paths W306/W309 were decided from

    @property
    def ok(self) -> bool:
        return not self.errors


def refusals(result: Result, *, strict: bool = False) -> list[Finding]:
    """What keeps valid drafts out of the official 报送: an unfilled template (E313, always), and with `strict`
    a submission with figures 「未填报」 (E312). `validate` accepts both as drafts; `build`, the hook and CI refuse."""
    out = [
        Finding(f.path, f.line, f.column, "E313", "error", M.message("E313", detail=f.message))
        for f in result.findings
        if f.code in UNFILLED
    ]
    if strict and result.analysis is not None:
        for sa in result.analysis.submissions.values():
            done = sa.completeness
            if done.complete:
                continue
            first = next((f for f in sa.findings if f.code == "I402"), None)
            line, column = (first.line, first.column) if first else (1, 1)
            out.append(error(sa.path, line, column, "E312", reported=done.reported, total=done.total, missing=done.missing))
    return sorted(out, key=lambda f: (f.path, f.line, f.column, f.code))


def discover(paths: list[Path]) -> list[str]:
    """Files named, and every .yaml/.yml below folders named (hidden folders skipped), absolute, sorted as Paths sort
    (by their parts): as strings, not Paths made, hashed and sorted (10,000 files: ~0.05 s)."""
    found: set[str] = set()
    for path in paths:
        if not path.is_dir():
            found.add(str(path))
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]  # never walked into: .git, editor folders
            # a symlinked folder is never walked into (os.walk does not follow it) but listed, so it is refused (E115)
            found.update(os.path.join(folder, d) for d in dirs if os.path.islink(os.path.join(folder, d)))
            inside = os.path.join(folder, "")
            found.update(inside + name for name in files if not name.startswith(".") and name.endswith(F.YAML_SUFFIXES))
    # by their parts: the separator as the least of characters (NUL, in no name) orders the texts as their parts
    # compare, without a list of parts made for each (~0.02 s at 10,000 files)
    return sorted(found, key=lambda p: p.replace(os.sep, "\0"))


def _workspace(where: Workspace | Path | None) -> Workspace:
    """A Workspace as given, the project at a root folder (--root, tests), or the one the user stands in."""
    if isinstance(where, Workspace):
        return where
    return Workspace.at(where) if where is not None else Workspace.find()


def _store(ws: Workspace, cache: bool) -> Store | None:
    """The project's cache, used only for the project the user stands in (never for a temporary export of the
    staged files or a revision materialised by `docgen diff`, which would leave entries under a new name on
    every run); None with `cache` False (--no-cache)."""
    return Store(ws.root) if cache and ws.here.is_relative_to(ws.root) else None


def _existing_files(paths: list[Path], ws: Workspace) -> list[Path]:
    """The submission files under `paths` (as typed), relative to the root; a path that is not there is a usage error."""
    missing = [p for p in paths if not ws.absolute(p).exists()]
    if missing:
        raise UsageError(M.label("no_files", path=missing[0]))
    root = str(ws.root)
    prefix = root if root.endswith(os.sep) else root + os.sep
    # what `discover` lists is absolute and normalised already (ws.absolute): a file below the root is its text after
    # the root's, as `ws.relative` would make it without normalising each path again (10,000 files: ~0.04 s)
    return [Path(p[len(prefix) :]) if p.startswith(prefix) else ws.relative(p) for p in discover([ws.absolute(p) for p in paths])]


def _rules_file(ws: Workspace, rules: Path | None) -> Path | None:
    """The rules in force, relative to the root: `rules` as typed, else schema/rules.yaml when there is one."""
    if rules is not None:
        if not ws.absolute(rules).is_file():
            raise UsageError(M.message("E323", path=rules))
        return ws.relative(ws.absolute(rules))
    return ws.relative(ws.rules) if ws.rules.is_file() else None


def check(
    paths: list[Path],
    rules: Path | None = None,
    *,
    workspace: Workspace | None = None,
    cache: bool = True,
    context: list[Path] | None = None,
    stream: bool = False,
    figures: bool = False,
    built: bool = False,
    walked: Walk | None = None,
) -> Result:
    """Validate files or folders, then run the monitoring rules on every valid submission.

    Every problem in every file, each with its file (relative to the project root), line and column; monitoring
    warnings (W4xx) and hints join the findings. `paths` are as the user typed them (relative to where they
    stand); the project is `workspace`, else the one the files are in. `rules` overrides the project's
    schema/rules.yaml. `cache` False neither reads nor writes docgen's cache (--no-cache). `context`: other
    project files (relative to the root) seen only by the rules across files (check_files).

    `stream` True: for callers that need only the findings (`docgen validate`), each project file is checked,
    evaluated and judged in one pass in a worker, and the Result keeps a `SubmissionRecord` per project instead of
    its Document and model (`submission_records`; `projects`, `documents` and `analysis` stay empty): the same
    findings, with memory that does not grow with the tree (evaluate/stream.py). Ignored with `context`, and for
    files outside a period folder. `figures` True: each record carries its summary.json entry (`summary`).
    `built` True (with `figures`): also what `build` reads instead of the models (record.built, Result.judged).
    `walked`: a stat pass over the files taken before this run read any (cache.Walk, `build`'s): the streamed check
    takes each file's signature from it instead of stat'ing it again.
    """
    ws = workspace or Workspace.around(paths)
    if any(Path(os.path.abspath(ws.absolute(p))).is_relative_to(ws.submissions) for p in paths):
        _submissions(ws)  # a submissions/ that is a link out of the repository is refused here as by build and site
    files = _existing_files(paths, ws)
    rules_file = _rules_file(ws, rules)
    store = _store(ws, cache)
    profile = profile_of(ws)  # the repository's forms (docgen.yaml), handed to every stage from here
    kinds = [kind_of(p) for p in files]  # once a file: a tree's 10,000 files were each asked three times (~0.02 s)
    if stream and context is None and _streamable(files, kinds):
        with children.collection(False):  # what the workers send back is kept, not garbage: never walked again and again
            return _check_streamed(ws, files, kinds, rules_file, profile, _store(ws, cache), figures, built, walked)
    rosters = [p.parent.parent / F.ROSTER_FILE for p, kind in zip(files, kinds, strict=True) if kind != "roster"]
    checked = check_files(
        files, [r for r in set(rosters) if ws.file(r).is_file()], root=ws.root, store=store, context=context, profile=profile
    )
    result = Result(files=_shown_paths(ws, files), findings=checked.findings, digests=checked.digests, paths=files, profile=profile)
    result.evidence = checked.evidence
    bad, shaped = checked.error_paths(), checked.shaped_paths()
    flawed: list[Project | Department] = []  # invalid, but in the schema's shape: monitored, never rendered
    for kind, doc in checked.documents:
        result.documents[str(doc.path)] = doc
        if kind in review_form.KINDS:  # 审核/ files: records of the review loop, not submissions
            if str(doc.path) not in bad:
                result.records.add(kind, doc.data, str(doc.path), review_checks.item_lines(doc, kind))
            continue
        if kind == targets_form.KIND:  # 批复目标/ files: the approved targets, the baseline of the indicators
            if str(doc.path) not in bad:
                lines = target_checks.item_lines(doc)
                result.approved += targets_form.projects_from(doc.data, str(doc.path), profile.form("project"), lines)
            continue
        if str(doc.path) in bad:
            if kind != "roster" and str(doc.path) in shaped:
                flawed.append(build_model(kind, doc.path, doc.data, profile.form(kind)))  # type: ignore[arg-type]
            continue
        model = build_model(kind, doc.path, doc.data, profile.form(kind))
        {"project": result.projects, "department": result.departments, "roster": result.rosters}[kind].append(model)  # type: ignore[attr-defined]
    # 涉密 by either flag: the roster's mark makes a project confidential even when its file says otherwise (E311)
    period_rosters = result.rosters or _period_rosters(result, ws)
    # one 涉密 code list for valid and flawed files alike: a code flagged only in a refused file (E311, E309) is still
    # 涉密 in every period, so an earlier period's department totals stay withheld
    decided = confidential.apply_roster([*result.projects, *(s for s in flawed if isinstance(s, Project))], period_rosters)
    result.projects, result.flawed_projects = decided[: len(result.projects)], decided[len(result.projects) :]
    flawed = [*result.flawed_projects, *(s for s in flawed if not isinstance(s, Project))]
    result.period_rosters = list(period_rosters)
    result.findings += _record_findings(result.records, period_rosters)
    result.findings += _target_findings(result, ws)
    _monitor(result, ws, files, rules_file, flawed, checked.digests, store, period_rosters)
    return result


def _shown_paths(ws: Workspace, files: list[Path]) -> list[Path]:
    """Each of `files` (root-relative) as `Workspace.shown` names it, as a Path: standing at the root, a relative file
    is named as it is (10,000 look-ups of `shown` and as many Paths made: ~0.05 s)."""
    if ws.here == ws.root:
        return [Path(ws.shown(p)) if p.is_absolute() else p for p in files]
    return [Path(ws.shown(p)) for p in files]


def _streamable(files: list[Path], kinds: list[str]) -> bool:
    """Whether `check(stream=True)` may process these files (of these `kinds`) as a stream: every project in a period
    folder (`submissions/<年度>-<月份>/<部门>/`), which orders the periods for W417/W418."""
    projects = [p for p, kind in zip(files, kinds, strict=True) if kind == "project"]
    return bool(projects) and all(not p.is_absolute() and _period_of_folder(p) is not None for p in projects)


def _period_of_folder(path: Path) -> tuple[int, int] | None:
    return _period_above(os.path.dirname(str(path)))


@functools.lru_cache(maxsize=4096)
def _period_above(folder: str) -> tuple[int, int] | None:
    """The period the name of the folder above `folder` gives (path.parent.parent.name), once a folder: each of a
    tree's 10,000 files is asked about three times."""
    match = PERIOD_ARG.match(os.path.basename(os.path.dirname(folder)))
    return (int(match["year"]), int(match["month"])) if match else None


def _check_streamed(
    ws: Workspace,
    files: list[Path],
    kinds: list[str],
    rules_file: Path | None,
    profile: Profile,
    store: Store | None,
    figures: bool = False,
    built: bool = False,
    walked: Walk | None = None,
) -> Result:
    """`check(stream=True)`: the few other files (rosters, 部门整体, 审核/, 批复目标/) as `check` does, each project
    file in one pass in a worker (evaluate/stream.py), period by period; the findings are the same set."""
    projects = [p for p, kind in zip(files, kinds, strict=True) if kind == "project"]
    others = [p for p, kind in zip(files, kinds, strict=True) if kind != "project"]
    # each file's period folder's roster, one Path per folder (10,000 Path operations were ~0.05 s before the workers)
    folders = {os.path.dirname(f) for f in {os.path.dirname(str(p)) for p, kind in zip(files, kinds, strict=True) if kind != "roster"}}
    rosters = {Path(folder) / F.ROSTER_FILE for folder in folders}
    large = store if store is not None and len(projects) >= checking.CACHE_FROM else None  # the roster of a large tree is large
    first = check_files(others, [r for r in rosters if ws.file(r).is_file()], root=ws.root, profile=profile, store=large, cache_from=1)
    result = Result(files=_shown_paths(ws, files), findings=[], paths=files, profile=profile)
    bad, shaped = first.error_paths(), first.shaped_paths()
    flawed: list[Department] = []
    for kind, doc in first.documents:  # as `check`, for the files that are not projects
        result.documents[str(doc.path)] = doc
        if kind in review_form.KINDS:
            if str(doc.path) not in bad:
                result.records.add(kind, doc.data, str(doc.path), review_checks.item_lines(doc, kind))
        elif kind == targets_form.KIND:
            if str(doc.path) not in bad:
                result.approved += targets_form.projects_from(
                    doc.data, str(doc.path), profile.form("project"), target_checks.item_lines(doc)
                )
        elif str(doc.path) not in bad:
            model = build_model(kind, doc.path, doc.data, profile.form(kind))
            (result.rosters if isinstance(model, Roster) else result.departments).append(model)  # type: ignore[arg-type]
        elif kind == "department" and str(doc.path) in shaped:
            flawed.append(build_model(kind, doc.path, doc.data, profile.form(kind)))  # type: ignore[arg-type]
    period_rosters = result.rosters or _period_rosters(result, ws, {p.parent.parent for p in projects})
    result.period_rosters = list(period_rosters)
    ruleset, problems = monitor.load_rules(rules_file, ws.root, profile)
    approved, applications = _baseline_around(result, ws, {period[0] for p in projects if (period := _period_of_folder(p))})
    result.approved += approved
    every_application = [*result.records.applications, *applications]

    def against_targets(project: Project, doc: Document) -> list[Finding]:
        return _target_warnings(targets.compare_all(result.approved, [project], every_application), {str(doc.path): doc})

    listed: dict[tuple[int, int], dict[str, list[Path]]] = {}

    def read_previous(project: Project, year: int, month: int) -> Project | None:
        if (year, month) not in listed:
            listed[year, month] = _period_files(ws, year, month)
        return _read_previous(ws, project, listed[year, month].get(project.code, []))

    flagged = confidential.roster_flags(period_rosters)
    periods, in_roster = confidential.roster_listed(period_rosters)
    setting = streaming.Setting(
        ws.root,
        profile,
        ruleset,
        {r.period.key: r for r in period_rosters},
        flagged,
        periods,
        in_roster,
        read_previous,
        against_targets if result.approved else None,
        figures=figures,
        built=built,
        walked=walked,
    )
    batches: dict[tuple[int, int], list[Path]] = {}
    for path in projects:
        batches.setdefault(_period_of_folder(path) or (0, 0), []).append(path)
    found = [*first.findings, *problems]
    done: list[streaming.Streamed] = []
    shelf = store.shelf("stream", [str(p) for p in projects]) if store is not None and len(projects) >= checking.CACHE_FROM else None
    judged_by = cache_store.digest(
        profile.digest,
        repr(ruleset.rules) if ruleset else "",
        repr(sorted(setting.rosters.items())),
        repr(result.approved),
        repr(every_application),
    )
    for period in sorted(batches):  # earlier periods first: W417/W418 compare with them (Setting.known)
        setting.later = any(later[0] == period[0] and later > period for later in batches)
        earlier = _earlier_files(ws, period, {o.path: o.digest for o in done})
        key = cache_store.digest(judged_by, str(setting.later), str(figures), earlier, *(["built-3"] if built else []))
        outcomes = streaming.stream(batches[period], setting, shelf, key)
        if built:
            result.stream_keys[f"{period[0]}-{period[1]:02d}"] = key
        slims = [("project", o.slim) for o in outcomes if o.slim is not None]
        cross = consistency.check_duplicate_codes(slims) + consistency.check_against_roster(slims, first.rosters, first.broken)
        erring = {f.path for o in outcomes for f in o.checked if f.is_error} | {f.path for f in cross if f.is_error}
        for valid in (True, False) if setting.later else ():  # as api.check's `known` (for a later period of the
            for o in outcomes:  # year: W417/W418): valid projects, then those with errors, the later winning
                if o.modelled and (o.path not in erring) == valid and o.period is not None and o.previous is not None:
                    setting.known[(o.code, *o.period)] = o.previous
        found += cross
        found += consistency.check_monitored_count(slims + [(k, d) for k, d in first.documents if k == "department"], first.rosters)
        for o in outcomes:  # what is left of it: its findings, its record, and what its 部门整体's W414 sums
            o.slim = o.previous = None
            if o.record is not None and o.record.valid != (o.path not in erring):  # copied only where it changes (~0.09 s)
                o.record = replace(o.record, valid=o.path not in erring)
        done += outcomes
    if shelf is not None:  # saved and let go here: the lines it still holds (new ones, those of unreadable files)
        shelf.save()  # are not held while the findings are sorted and the 部门整体 judged
    shelf = None
    # 涉密 in another period (apply_roster's `codes`, valid and flawed files alike as `check` applies it): judged again
    codes = {o.code for o in done if o.record and o.here} | setting.codes
    for i, o in enumerate(done):
        if o.record is not None and (o.here or o.code in codes) != o.assumed:
            again = streaming.process(Path(o.path), setting, secret=not o.assumed)
            again.slim = again.previous = None
            done[i] = replace(again, record=replace(again.record, valid=o.record.valid)) if again.record else again
    for o in done:
        found += o.checked + o.judged + (o.targets if o.record is not None and o.record.valid else [])
        if built:
            result.judged[o.path] = o.judged
    result.findings = found
    result.findings += _record_findings(result.records, period_rosters)
    departments = [evaluate(d) for d in [*result.departments, *flawed]]
    if ruleset is not None:
        departments = _judge_departments(result, ws, files, flawed, done, ruleset, period_rosters)
        result.findings += [f for ev in departments for f in ev.findings]
    result.findings = _ordered(result.findings)
    if built:
        result.department_evaluations, result.ruleset, result.applications = departments, ruleset, every_application
    result.digests = {**first.digests, **{o.path: o.digest for o in done}}
    result.evidence = [*first.evidence, *(probe for o in done for probe in o.evidence)]
    sound = {str(d.path) for d in result.departments}
    result.submission_records = [
        *(
            submission_record.record_of(ev, ws.key(ev.path), digest=first.digests.get(ev.path, ""), valid=ev.path in sound, summary=figures)
            for ev in departments
        ),
        *(o.record for o in done if o.record is not None),
    ]
    return result


def _ordered(findings: list[Finding]) -> list[Finding]:
    """A check's findings, each once, in order: deduplicated in the order they came (file by file, mostly in order
    already, which the sort takes as runs) rather than as a set (a random order: 47,000 findings sorted in ~0.15 s),
    by a key made in C (a lambda's tuple a finding: ~0.05 s more)."""
    return sorted(dict.fromkeys(findings), key=operator.attrgetter("path", "line", "column", "code", "message"))


def _earlier_files(ws: Workspace, period: tuple[int, int], digests: dict[str, str]) -> str:
    """What W417/W418 may read for a period's projects: every project file of the earlier periods of its year
    (its path and the digest of its bytes), as `_previous_projects` would find them; part of a cached outcome's key."""
    year, month = period
    parts = []
    for earlier in range(1, month):
        for _, candidates in sorted(_period_files(ws, year, earlier).items()):
            for candidate in candidates:
                name = str(ws.relative(candidate))
                parts.append(f"{name}\0{digests.get(name) or cache_store.file_digest(candidate)}")
    return cache_store.digest(*parts)


def _judge_departments(
    result: Result,
    ws: Workspace,
    files: list[Path],
    flawed: list[Department],
    done: list[streaming.Streamed],
    ruleset: Ruleset,
    rosters: list[Roster],
) -> list[Evaluation]:
    """monitor.analyse for the 部门整体 of a streamed check: W414 sums what each project's outcome kept of it."""
    members: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for o in done:
        if o.record is not None and o.funds is not None:
            members.setdefault((o.record.period, o.record.department_code), []).append((o.code, o.funds))
    for p in _sibling_projects(result, files, ws):
        members.setdefault((p.period.key, p.department_code), []).append((p.code, member_funds(p)))
    roster_of = {r.period.key: r for r in rosters}
    present = _project_files_beside([*result.departments, *flawed], ws)
    locate = monitor.locator(result.documents)
    out = []
    indexes: dict[str, Any] = {}  # one index a roster, not one a department (10,000 entries: ~40 ms each)
    for dept in [*result.departments, *flawed]:
        roster = roster_of.get(dept.period.key)
        if roster is not None and dept.period.key not in indexes:
            indexes[dept.period.key] = roster_index(roster)
        index = indexes.get(dept.period.key, {}) if roster is not None else {}
        run = Run(dept, ruleset, [], roster, index)
        mine = members.get((dept.period.key, dept.department_code), [])
        run.member_funds = [funds for _, funds in mine]
        files_ = present.get(str(dept.path), frozenset())
        run.missing, run.erroneous = monitor.unsubmitted(roster, dept.department_code, {code for code, _ in mine}, files_)
        out.append(monitor._judge(run, evaluate(dept), locate))
    return out


def _returned(result: Result) -> frozenset[str]:
    """The paths of the submissions a reviewer returned (退回修改): marked in the 汇总表, out of the bundles."""
    return frozenset(str(s.path) for s in _submitted(result) if result.records.returned(s))


def _submitted(result: Result) -> list[Project | Department]:
    """The valid submissions of a check, departments first."""
    return [*result.departments, *result.projects]


def _record_findings(records: review.Records, rosters: list[Roster]) -> list[Finding]:
    """The review records' findings across files: 整改 past its deadline (W601), a subject the roster does not
    list for the department (W602)."""
    by_period: dict[tuple[int, int], list[review_form.Rectification]] = {}
    for item in records.rectifications:
        by_period.setdefault(item.period, []).append(item)
    found = [f for period, items in by_period.items() for f in review_checks.overdue(items, reference_date(period))]
    listed = {((r.period.year, r.period.month), d.code): {p.code for p in d.projects} for r in rosters for d in r.departments}
    every: list[review_form.Opinion | review_form.Rectification | review_form.Application] = [
        *records.opinions,
        *records.rectifications,
        *records.applications,
    ]
    subjects = [(x.path, x.line, x.department_code, x.subject, x.period) for x in every]
    return found + review_checks.against_roster(subjects, listed)


def _target_findings(result: Result, ws: Workspace) -> list[Finding]:
    """W610-W613: a project's indicators or 年度指标值 that differ from the approved targets in force without a
    目标调整 record; placed at the indicator (or the 绩效指标 key for one removed). A 涉密 project is warned like
    any other here: the values stay in the local report, never on the site or in an export."""
    approved, applications = _baseline_around(result, ws, {p.period.year for p in result.projects})
    result.approved += approved
    result.comparisons = targets.compare_all(result.approved, result.projects, [*result.records.applications, *applications])
    return _target_warnings(result.comparisons, result.documents)


def _target_warnings(comparisons: dict[str, targets.Comparison], documents: dict[str, Document]) -> list[Finding]:
    """The W610-W613 of `comparisons`, at the indicator in its document (or the 绩效指标 key for one removed)."""
    key = F.KEYS["indicators"]
    out = []
    for path, comparison in comparisons.items():
        doc = documents.get(path)
        for c in comparison.unjustified:
            at = _indicator_at(doc, key, c.index)
            out.append(warning(path, *at, c.code, indicator=c.name, approved=c.approved, reported=c.reported, renamed=c.renamed))
    return out


def _baseline_around(
    result: Result, ws: Workspace, years_: set[int]
) -> tuple[list[targets_form.ApprovedProject], list[review_form.Application]]:
    """The approved targets and 结果应用 records of the checked projects' years that the check did not include (one
    file named, the staged files): read quietly, valid ones only, so a project is held to its baseline however it
    is checked. Nothing to read when the whole tree was checked."""
    years = sorted(years_)
    if not years or not ws.submissions.is_dir():
        return [], []
    found: list[Path] = []
    for folder in sorted(f for year in years for f in ws.submissions.glob(f"{year}-*") if f.is_dir() and not f.is_symlink()):
        found += sorted((folder / F.TARGETS_FOLDER).glob("*.yaml")) + sorted(
            (folder / F.REVIEW_FOLDER).glob(f"{F.APPLICATION_PREFIX}*.yaml")
        )
    extra = [p for p in (ws.relative(f) for f in found) if str(p) not in result.documents]
    if not extra:
        return [], []
    checked = check_files(extra, root=ws.root, profile=result.profile)
    bad = checked.error_paths()
    approved: list[targets_form.ApprovedProject] = []
    applications: list[review_form.Application] = []
    for kind, doc in checked.documents:
        if str(doc.path) in bad:
            continue
        if kind == targets_form.KIND:
            approved += targets_form.projects_from(doc.data, str(doc.path), result.profile.form("project"), target_checks.item_lines(doc))
        elif kind == "application":
            applications += review_form.applications_from(doc.data, str(doc.path), review_checks.item_lines(doc, kind))
    return approved, applications


def _indicator_at(doc: Document | None, key: str, index: int | None) -> tuple[int, int]:
    """Where a target warning points: the indicator reported, or for one removed the 绩效指标 key."""
    if doc is None:
        return 1, 1
    return doc.position((key, index)) if index is not None else doc.position((key,), key=True)


def _monitor(
    result: Result,
    ws: Workspace,
    files: list[Path],
    rules: Path | None,
    flawed: list[Project | Department],
    digests: dict[str, str],
    store: Store | None,
    rosters: list[Roster],
) -> None:
    """Run the monitoring rules against `rosters` (the periods' rosters, read once by `check`); a broken rules file
    is reported like a broken submission."""
    ruleset, problems = monitor.load_rules(rules, ws.root, result.profile)
    findings = list(result.findings) + problems
    if ruleset is not None:
        locate = monitor.locator(result.documents)
        projects = result.projects + [s for s in flawed if isinstance(s, Project)]
        departments = result.departments + [s for s in flawed if isinstance(s, Department)]
        large = store if len(files) >= checking.CACHE_FROM and all(not p.is_absolute() for p in files) else None
        result.analysis = monitor.analyse(
            projects,
            departments,
            rosters,
            ruleset,
            locate,
            context=_sibling_projects(result, files, ws),
            digests=digests,
            store=large,
            previous=_previous_projects(projects, ws),
            present=_project_files_beside(departments, ws),
        )
        findings += [f for sa in result.analysis.submissions.values() for f in sa.findings]  # sorted once, below
    result.findings = _ordered(findings)


def _period_rosters(result: Result, ws: Workspace, folders: set[Path] | None = None) -> list[Roster]:
    """The rosters of the periods checked, read quietly when only some submissions were named; `folders` are more
    period folders (a streamed check keeps no project's document)."""
    rosters = []
    for folder in sorted({Path(p).parent.parent for p in result.documents} | (folders or set())):
        path = folder / F.ROSTER_FILE
        if ws.file(path).is_file():
            checked = check_files([path], root=ws.root, profile=result.profile)
            rosters += [
                build_model("roster", doc.path, doc.data, result.profile.form("roster"))
                for _, doc in checked.documents
                if not checked.errors
            ]
    return [r for r in rosters if isinstance(r, Roster)]


def ruleset(root: Workspace | Path | None = None, rules: Path | None = None) -> tuple[Ruleset | None, list[Finding]]:
    """The rules in force for a project: the defaults overridden by schema/rules.yaml (or `rules`)."""
    ws = _workspace(root)
    return monitor.load_rules(_rules_file(ws, rules), ws.root, profile_of(ws))


def init_rules(root: Workspace | Path | None = None) -> Path:
    """Copy the default rules to schema/rules.yaml (never over an existing file), with the editor modeline.
    Returns its path relative to the project root."""
    ws = _workspace(root)
    if ws.rules.exists():
        raise UsageError(M.label("exists", path=ws.shown(ws.relative(ws.rules))))
    modeline = f"# yaml-language-server: $schema={SCHEMA_FILES['rules']}\n"
    output.write_text(ws.rules, modeline + default_rules_path().read_text(encoding="utf-8"))
    return ws.relative(ws.rules)


def draft_conclusions(result: Result, submission: Project | Department, *, only_missing: bool = True) -> dict[str, str]:
    """Drafts of 附件1's 「四、绩效监控结果分析」 for one submission, keyed 监控总体结论 / 偏差原因分析 /
    存在问题及整改措施和建议 (forms.REPORT_KEYS); by default only the sections the submission left empty.
    Paragraphs are separated by a newline. Empty when the submission was not analysed.
    """
    from .evaluate import conclusions  # the drafts load only for the commands that write them, not for validate

    analysis = analyse(result)
    sa = analysis.of(submission.path)
    return conclusions.draft(sa, analysis.ruleset, only_missing=only_missing) if sa is not None else {}


def _drafted_sections(result: Result, submission: Project | Department) -> dict[str, str]:
    """The default drafts of `build`: 「四、绩效监控结果分析」 from the warnings, and for a 部门整体 with 整改 or
    结果应用 records, its 结果应用情况 in 「五、其他需要说明的事项」."""
    drafted = draft_conclusions(result, submission)
    if isinstance(submission, Department):
        applied = draft_applications(result, submission)
        if applied:
            drafted[F.REPORT_KEYS[-1]] = applied
    return drafted


def draft_applications(result: Result, department: Department) -> str:
    """The department's 结果应用情况, drafted from the review folder's records of its year up to its period: each
    结果应用 the bureau decided and each 整改 item of the latest 整改 file with its state (overdue ones said so);
    "" without records;
    涉密 projects are never named. Paragraphs are separated by a newline."""
    period, code = department.period, department.department_code

    def ours(item: Any) -> bool:
        year, month = item.period
        return bool(item.department_code == code and year == period.year and month <= period.month)

    applied = [a for a in result.records.applications if ours(a)]
    items = [r for r in result.records.rectifications if ours(r)]
    if not applied and not items:  # most departments: the tree's 涉密 codes and names are not gathered for nothing
        return ""  # (10,000 projects and their roster entries, once a 部门整体: ~0.06 s of a one-edit build)
    secret = {p.code for p in result.projects if p.confidential} | {
        e.code for r in result.rosters for d in r.departments for e in d.projects if e.confidential
    }
    names = {p.code: p.name for p in result.projects if not p.confidential}

    def label(subject: str) -> str:
        if subject == F.WHOLE_DEPARTMENT:
            return M.review_text("whole_department")
        return M.review_text("draft_subject", name=names.get(subject, subject), code=subject)

    applied = [a for a in applied if a.subject not in secret]
    items = [r for r in items if r.subject not in secret]
    latest = max((r.period for r in items), default=None)
    items = [r for r in items if r.period == latest]  # each period's 整改 file restates the ledger: the latest counts
    if not applied and not items:
        return ""
    today = reference_date((period.year, period.month))
    paragraphs = []
    if applied:
        texts = []
        for a in applied:
            amount = M.review_text("feedback_amount", amount=N.money(a.amount)) if a.amount is not None else ""
            number = M.review_text("feedback_number", number=a.document_number) if a.document_number else ""
            texts.append(
                M.review_text("draft_application", subject=label(a.subject), kind=a.kind, amount=amount, number=number, date=a.date)
            )
        paragraphs.append(M.review_text("draft_applications", items="".join(texts)))
    if items:
        texts = [
            M.review_text(
                "draft_rectification",
                subject=label(r.subject),
                problem=r.problem,
                measure=r.measure,
                deadline=r.deadline,
                status=r.status,
                late=M.review_text("draft_overdue") if r.overdue(today) else "",
            )
            for r in items
        ]
        paragraphs.append(M.review_text("draft_rectifications", items="".join(texts)))
    return "\n".join(paragraphs)


def _sibling_projects(result: Result, files: list[Path], ws: Workspace) -> list[Project]:
    """Projects beside a checked 部门整体.yaml that were not named: read quietly so W414 sees the whole department."""
    checked = {str(p) for p in files}
    siblings = []
    for dept in result.departments:
        folder = ws.relative(ws.file(Path(dept.path).parent))
        prefix = "" if folder == Path() else f"{folder}{os.sep}"  # str(folder / name), without a Path a file
        # a checked file is passed over by its name (a department's 1,000 files, each a Path and sorted as one, were ~0.05 s)
        for name in sorted(n for n in os.listdir(ws.file(folder)) if prefix + n not in checked):
            path = folder / name
            if path.suffix in F.YAML_SUFFIXES and kind_of(path) == "project":
                quiet = check_files([path], root=ws.root, profile=result.profile)
                siblings += [
                    build_model("project", doc.path, doc.data, result.profile.form("project"))
                    for _, doc in quiet.documents
                    if not quiet.errors
                ]
    return [p for p in siblings if isinstance(p, Project)]


def _previous_projects(projects: list[Project], ws: Workspace) -> dict[str, Project]:
    """For each project, the same project (by code) in the latest earlier period of its year, for W417/W418.

    Taken from the projects checked when it is among them, else read quietly from submissions/<year>-<month>/*/<code>.yaml;
    never through a symbolic link (the folders are looked at with lstat, the file is read by check_files, which
    refuses links), so nothing outside the repository is read. A previous file with errors is not compared; among
    several files of that name in a period, the one in the project's own department's folder is tried first, so a
    decoy in another folder does not hide it. Each earlier period's folders are listed once (`_period_files`), not
    once per project (1,000 projects: 5,000 lookups and ~30,000 stat calls before).
    """
    known = {(p.code, p.period.year, p.period.month): p for p in projects}
    listed: dict[tuple[int, int], dict[str, list[Path]]] = {}
    out: dict[str, Project] = {}
    for project in projects:
        code, year = project.code, project.period.year
        if not limits.CODE_CHARS.fullmatch(code):
            continue
        for month in range(project.period.month - 1, 0, -1):
            found = known.get((code, year, month))
            if found is None:
                if (year, month) not in listed:
                    listed[year, month] = _period_files(ws, year, month)
                found = _read_previous(ws, project, listed[year, month].get(code, []))
            if found is not None:
                out[str(project.path)] = found
                break
    return out


def _period_files(ws: Workspace, year: int, month: int) -> dict[str, list[Path]]:
    """The project files of one earlier period by file name (code): regular files in real folders only."""
    files: dict[str, list[Path]] = {}
    top = ws.submissions
    if top.is_symlink() or not top.is_dir():
        return files
    for name in dict.fromkeys((f"{year}-{month:02d}", f"{year}-{month}")):
        folder = top / name
        if folder.is_symlink() or not folder.is_dir():
            continue
        for dept in sorted(folder.iterdir()):
            if dept.is_symlink() or not dept.is_dir():
                continue
            for candidate in sorted(dept.iterdir()):
                if candidate.suffix == ".yaml" and not candidate.is_symlink() and candidate.is_file():
                    files.setdefault(candidate.stem, []).append(candidate)
    return files


def _read_previous(ws: Workspace, project: Project, candidates: list[Path]) -> Project | None:
    """The first of `candidates` that is a valid file of `project` (same code), its own department's folder first."""
    own = [c for c in candidates if c.parent.name.split("-", 1)[0] == project.department_code]
    for candidate in [*own, *(c for c in candidates if c not in own)]:
        chosen = profile_of(ws)
        quiet = check_files([ws.relative(candidate)], root=ws.root, profile=chosen)
        built = [build_model("project", doc.path, doc.data, chosen.form("project")) for _, doc in quiet.documents if not quiet.errors]
        found = next((p for p in built if isinstance(p, Project) and p.code == project.code), None)
        if found is not None:
            return found
    return None


def _project_files_beside(departments: list[Department], ws: Workspace) -> dict[str, frozenset[str]]:
    """The project codes (file names) in each 部门整体's folder: W414 tells a file with errors from one never sent."""
    present = {}
    for dept in departments:
        folder = ws.file(Path(dept.path).parent)
        names = os.listdir(folder) if folder.is_dir() else []
        # names as strings, not a Path each (a department's 1,000 files: ~0.03 s): a stem and a suffix as Path's
        where = folder.name
        stems = (
            name[: -len(suffix)]
            for name in names
            for suffix in F.YAML_SUFFIXES
            if name.endswith(suffix) and len(name) > len(suffix) and kind_in(name, where) == "project"
        )
        present[str(dept.path)] = frozenset(stems)
    return present


def analyse(result: Result) -> monitor.Analysis:
    """Monitoring results of a check: per submission path its findings and lights, per department the counts.

    `analyse(check([Path("submissions")])).of(path).light` is 'red', 'yellow', 'blue', 'green' or None;
    `.departments()` counts each department's submissions by light. Raises InvalidSubmissions when the
    rules file itself is invalid (its errors are in `result.findings`).
    """
    if result.analysis is None:
        raise InvalidSubmissions(M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings)))
    return result.analysis


# --- build --------------------------------------------------------------------------------


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else N.plain_rate(value)


figures_json = submission_record.figures_json  # one budget row's figures as exact strings (evaluate/record.py)


def submission_json(ev: Evaluation, root: Path) -> dict[str, Any]:
    """One evaluated submission with its computed figures (money as exact decimal strings, rates in %)."""
    return submission_record.summary_entry(ev, Workspace.at(root).key(ev.submission.path))


def summary(result: Result, root: Path) -> dict[str, Any]:
    """Every submission with its computed figures; build/ is published, so 涉密 projects are only counted, and a
    department with fewer than k of them (confidential.withheld_paths) gives its 部门整体 without figures."""
    periods: dict[str, dict[str, Any]] = {}
    withheld = confidential.withheld_paths(result)
    subs: list[Project | Department] = [*result.departments, *result.projects]
    for sub in sorted(subs, key=lambda s: (s.period.key, s.department_code, s.kind != "department", s.path.as_posix())):
        period = periods.setdefault(
            sub.period.key,
            {
                "period": sub.period.key,
                "label": sub.period.label,
                "time_progress": _rate(figures.time_progress(sub.period)),
                "confidential_excluded": 0,
                "submissions": [],
            },
        )
        if sub.confidential:
            period["confidential_excluded"] += 1
            continue
        sa = result.analysis.of(sub.path) if result.analysis else None
        entry = submission_json(sa or evaluate(sub), root)
        if str(sub.path) in withheld:
            del entry["tables"]
            entry["figures_withheld"] = True
        if sa is not None and str(sub.path) not in withheld:  # the monitoring light and how many findings of each light
            entry.update(light=sa.light or NO_LIGHT, lights=sa.counts())
        period["submissions"].append(entry)
    return {"generator": f"docgen {__version__}", "periods": list(periods.values())}


@dataclass
class Built:
    """What `build` produced: the checked submissions, build/summary.json, and the render stage's report."""

    result: Result
    summary: Path
    rendered: engine.Rendered
    # its warnings as printed standing at the root, when remembered for a replay (`_remember`); as UTF-8 when the
    # roll-up child made them (`_told`: 5.8 million characters at 10,000 projects, never decoded whole)
    text: str | bytes | None = None
    summary_line: str = ""  # … and its closing line


def build(
    root: Workspace | Path | None = None,
    out: Path | None = None,
    *,
    rules: Path | None = None,
    force: bool = False,
    pdf: bool = False,
    include_confidential: Path | None = None,
    jobs: int | None = None,
    progress: engine.Progress | None = None,
    extra_sections: engine.ExtraSections | None = None,
    cache: bool = True,
    strict: bool = False,
    walks: Walks | None = None,
) -> Built:
    """Validate all of submissions/; only when nothing is wrong, write build/summary.json, the 汇总表 and the attachments.

    Re-renders only what changed since the last build (`force` renders all). `pdf` converts every output with
    LibreOffice. Confidential projects are skipped unless `include_confidential` names a folder outside `out`.
    `extra_sections(sub)` returns drafted texts for 附件1 sections the submission leaves empty (section key -> text,
    keys from forms.REPORT_KEYS); by default 「四、绩效监控结果分析」 is drafted from the warnings engine's findings.
    `root` is the project (default: the one the user stands in); `cache` False: --no-cache. An unfilled template is
    never built (E313); `strict` (the official 报送) also refuses a submission with figures 「未填报」 (E312).
    `walks`: the stat passes `unchanged_build` took just before (the CLI's), not taken again.
    """
    ws = _workspace(root)
    out = out or ws.build
    if walks is None or walks.checked != (out, include_confidential):  # not checked again a moment after the replay's
        _check_outputs(ws, out, include_confidential)
    started = time.time_ns()  # before any input is read: an edit from here on is never taken as built
    walked = walks.inputs if walks is not None and walks.inputs is not None and walks.inputs.names == _input_names(ws, rules) else None
    if walked is None and cache and not pdf:
        walked = _inputs_walk(ws, rules, started)
    inputs = walked.digest if walked is not None and cache and not pdf else None
    result = _buildable(ws, out, rules, cache=cache, strict=strict, records=extra_sections is None, walked=walked)
    # what the check kept lives to the end of the build: the collections from here walk only what is made after it
    # (three walks of the check's millions of objects before, ~0.5 s of CPU at 10,000 projects)
    gc.freeze()
    try:
        from .render import engine, templates

        tpl = templates.find(ws.root)
        engine.check_templates(tpl)  # a hostile or broken template stops the build before anything is written
        records = Store(ws.root)  # the manifests of build/: in the user's cache, never in build/ (cache.Store.record)
        legacy = [out / ".docgen-manifest.json", out / ".docgen-rollups-departments.json", out / ".docgen-rollups-city.json"]
        for old in legacy:  # where an older docgen kept them: never read; removed, so build/ holds only outputs
            output.remove(old, out)
        # what is printed and what a replay prints (44,000 warnings at 10,000 projects, ~1 s) is made by the child too,
        # handed back in a file; also when this build is not remembered (an input changed within SETTLED_NS)
        told = (records.record(out, "report"), os.urandom(8).hex()) if cache and not pdf else None
        # the city's 汇总表 lists every project and every finding and changes with every edit (~0.6 s for 1,000
        # projects, benchmarks/render.py): a forked child writes it while this process writes the rest. Forked as
        # soon as the check is done: each process makes the view of the records it reads (`_viewed`, the child its
        # roll-ups' departments too), side by side (~0.2 s of serial time at 10,000 projects)
        city_written = _in_background(_roll_up, ws, result, out, records, cache, told)
        result, view = _viewed(ws, result)
        if view is not None:  # built from the streamed records: the models are read again only where rendered
            extra_sections = view.drafted
        keys = view.department_keys() if view else None
        # the view made after the fork lives to the end of the build, as the check's objects do: frozen as they are
        # (a full collection walked it during the render plan: ~0.1 s at 10,000 projects)
        gc.freeze()
        target = out / SUMMARY_FILE
        secrets = _secrets(ws, result, view, cache)
        options = _render_options(
            ws,
            result,
            rules,
            records,
            secrets,
            force=force,
            pdf=pdf,
            include_confidential=include_confidential,
            jobs=jobs,
            progress=progress,
            extra_sections=extra_sections,
            plan_keys={group: key for group, key in (keys or {}).items() if group[0] in result.stream_keys},
            returned=view.returned if view else None,
        )
        planned = _planned(result, view, options)
        gc.freeze()  # the plan too (10,000 evaluations)
        rendered = engine.render_all(planned, out, tpl, options)
        # summary.json here, while the child still writes the 汇总表: after one edit this process waited for it
        # (~0.15 s at 10,000 projects), and summary.json was ~0.07 s of the child's share
        _write_summary(ws, result, view, out, Store(ws.root, enabled=cache))
        city_written()
        rendered.removed += _leftovers(ws, out, rendered, records, started)  # before the check: a 涉密 one too
        rendered.problems += _publish(ws, out, secrets, include_confidential)
        built_ = Built(result, target, rendered)
        # the warnings' text the roll-up child made for this run, printed (not made again here: 44,000 lines, ~0.3 s at
        # 10,000 projects) and kept for a replay; with the render's problems, the findings are printed as they are
        said = _told(told) if not rendered.problems else None
        if said is not None:
            built_.text, built_.summary_line, _, _ = said
        try:
            if inputs is not None and not rendered.problems:
                before = walks.outputs if walks is not None else None
                _remember(
                    ws,
                    out,
                    inputs,
                    built_,
                    rules=rules,
                    strict=strict,
                    include_confidential=include_confidential,
                    told=told,
                    said=said,
                    before=before,
                )
        finally:
            if told is not None:
                with contextlib.suppress(OSError):
                    told[0].unlink(missing_ok=True)  # in the record from here on, or printed and done with
        return built_
    finally:
        gc.unfreeze()  # also when the build stops: a caller that goes on (tests, a service) collects as before


# --- a rebuild with nothing changed -------------------------------------------------------------------------------

#: The record (Store.record) of the last build that can vouch for the next one: what it read, what it wrote, and
#: what it reported. A `docgen build` whose inputs and outputs still have the same signatures replays the report
#: without reading, parsing or checking a single submission (issue 18: no-change rebuild under 1 s at 10,000).
UNCHANGED = "unchanged"
UNCHANGED_FORMAT = "docgen-unchanged-3"
#: … and its stamp beside it: the key alone, asked first (a changed input is known without reading the record or
#: walking build/), and build/ as that build's last walk listed it, for the next build's (cache.Listing).
STAMP = "unchanged-stamp"


@dataclass
class Unchanged:
    """What the last build reported, replayed by `unchanged_build` when nothing it read or wrote has changed."""

    rows: str  # its findings (finding_rows, as JSON), read only when asked for: 44,000 at 10,000 projects cost 0.3 s
    files: int  # files checked
    submissions: int  # submissions built
    rendered: engine.Rendered
    summary: Path
    text: str | None = None  # its warnings as `docgen build` prints them standing at the root; None: made from `findings`
    summary_line: str = ""  # its closing line (report.summary_line)

    @functools.cached_property
    def findings(self) -> list[Finding]:
        return findings_from_rows(json.loads(self.rows))


def _report_text(findings: list[Finding], files: int) -> tuple[str | None, str]:
    """What `docgen build` prints of `findings` standing at the root (`_warning_text`) and its closing line: replayed
    as they are."""
    from . import report

    return _warning_text(findings), report.summary_line(findings, files)


def _warning_text(findings: Sequence[Finding]) -> str | None:
    """The warnings of `findings` as `docgen build` prints them standing at the root, one line each; None when one
    names a file outside the root (shown otherwise from elsewhere)."""
    from . import report

    lines: list[str] = []
    path, shown = None, ""
    for f in findings:  # one pass; a file's ~4 warnings come together (by path): its path looked at once
        if f.severity != "warning":
            continue
        if f.path != path:
            path = f.path
            if os.path.isabs(path):
                return None
            shown = _typed(path)
        lines.append(report.text_line(f if shown == path else replace(f, path=shown)))
    return "\n".join(lines)


def _typed(path: str) -> str:
    """A root-relative path as the user types it standing at the root: str(Path(path)), without making a Path of
    one already written so (10,000 Paths made were ~30 ms of the report)."""
    plain = os.sep == "/" and "//" not in path and "/./" not in path and not path.startswith("./") and not path.endswith(("/", "/."))
    return path if not path or plain else str(Path(path))


#: Findings written at once into a replay record's JSON (`_findings_literal`): a few hundred kB of text at a time.
_ROWS_AT_ONCE = 1000


def _findings_literal(findings: list[Finding]) -> Iterator[bytes]:
    """What a replay keeps of a build's findings: their rows (finding_rows) as JSON, given as the JSON string that
    holds that text (`Unchanged.rows` reads it back), piece by piece (`_escaped_rows`). At 10,000 projects the rows'
    JSON is 7 MB of text and its quoted copy as much again: made whole, read back and dumped again in the record,
    they raised the parent's last step by ~70 MiB."""
    return itertools.chain([b'"['], _escaped_rows(findings), [b']"'])


def _escaped_rows(findings: Sequence[Finding]) -> Iterator[bytes]:
    """The rows (finding_rows) of `findings` as JSON, joined by commas without the list's brackets, escaped as inside
    a JSON string (UTF-8), a few hundred kB at a time: JSON escapes character by character, so pieces escaped alone
    join into the whole escaped, and «[», «,» and «]» are their own escapes."""
    for start in range(0, len(findings), _ROWS_AT_ONCE):
        # the rows' list as one JSON text, its brackets dropped: the rows joined by commas, one encoder call a piece
        text = json.dumps(finding_rows(list(findings[start : start + _ROWS_AT_ONCE])), ensure_ascii=False, separators=(",", ":"))
        yield json.dumps(("," if start else "") + text[1:-1], ensure_ascii=False)[1:-1].encode()


def _json_string(pieces: Iterable[str]) -> Iterator[bytes]:
    """The JSON string (UTF-8) of `pieces` joined, each escaped alone: what json.dumps writes of the whole, as JSON
    escapes character by character, without a copy of the whole."""
    yield b'"'
    for piece in pieces:
        yield json.dumps(piece, ensure_ascii=False)[1:-1].encode()
    yield b'"'


#: The user cache's texts of each folder's share of the report a build prints and keeps for a replay (`_write_told`).
REPORT_PARTS = "report-parts"
#: Bytes as a kept share hands them out (not copied) or as made.
_Text = bytes | memoryview
#: A finding's fields: all its printed line and its kept row are made of.
_FINDING_FIELDS = operator.attrgetter("path", "line", "column", "code", "severity", "message", "light")


def _report_parts(findings: list[Finding], kept: cache_store.Texts) -> Iterator[tuple[_Text | None, _Text, bool]]:
    """Each folder's share of the report, in order (the findings come by path): its warnings' text (`_warning_text`,
    as UTF-8; None when one names a file outside the root), its findings' rows (`_escaped_rows`), and whether the
    text has nothing JSON escapes but its line feeds (`_PLAIN`: the replay's record keeps it as a JSON literal).

    Kept in the user's cache under the digest of the folder's findings, every field of each pickled (`_pickled`: a
    faithful encoding made in C, the same bytes only for the same findings; ~45 ms for 47,000, against ~150 ms to
    make the text and the rows at 10,000 projects), so after one edit one department's share is made again, not
    every one's."""
    fields = list(map(_FINDING_FIELDS, findings))
    runs: list[tuple[str, int, int]] = []
    path, folder, start = None, "", 0
    for i, row in enumerate(fields):
        if row[0] != path:
            path = row[0]
            there = path[: path.rfind("/") + 1]  # its folder (root-relative paths, by «/»)
            if there != folder or not i:
                if i:
                    runs.append((folder, start, i))
                folder, start = there, i
    if fields:
        runs.append((folder, start, len(fields)))
    seen: dict[str, int] = {}
    for folder, start, stop in runs:
        seen[folder] = seen.get(folder, -1) + 1  # a folder's files may come in two runs, around a subfolder's
        name, key = f"{folder}\0{seen[folder]}", hashlib.sha256(_pickled((os.sep, fields[start:stop]))).hexdigest()
        part = _report_part(kept.get(name, key))
        if part is not None:
            yield part
            continue
        text = _warning_text(findings[start:stop])
        made, rows = text.encode() if text is not None else None, b"".join(_escaped_rows(findings[start:stop]))
        plain = made is not None and _PLAIN.search(made) is None
        kept.put(name, key, b"%d %d\n" % (len(made) if made is not None else -1, plain) + (made or b"") + rows)
        yield made, rows, plain


def _pickled(value: object) -> bytes:
    """`value` (tuples of texts, numbers and None) pickled without its memo: the same values give the same bytes
    whichever objects hold them (a finding read from the cache shares its path, one just checked may not); a key's
    material, never unpickled."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: nothing is written as a reference to an object written before
    pickler.dump(value)
    return buffer.getvalue()


def _report_part(data: bytes | None) -> tuple[memoryview | None, memoryview, bool] | None:
    """A folder's share as `_report_parts` kept it (the size of its text, -1 for none, and 1 when that text is plain,
    then the text and the rows), not copied; None for anything else."""
    end = (data or b"").find(b"\n")
    head = (data or b"")[: max(end, 0)].split(b" ")
    if data is None or end < 0 or len(head) != 2 or not head[0].lstrip(b"-").isdigit() or head[1] not in (b"0", b"1"):
        return None
    size, rest = int(head[0]), memoryview(data)[end + 1 :]
    if size < -1 or size > len(rest):
        return None
    return (rest[:size] if size >= 0 else None), rest[max(size, 0) :], head[1] == b"1"


def _write_told(told: tuple[Path, str], result: Result, kept: cache_store.Texts) -> None:
    """The replay's report as the roll-up child makes it for the parent (`_told`): this run's token, a JSON line with
    the closing line, the size of the warnings' text (`_report_text`; -1 for none) and whether that text is plain
    (`_PLAIN`), that text as UTF-8, then the findings (`_findings_literal`); each folder's share made again only when
    its findings changed (`_report_parts`, kept in `kept`)."""
    from . import report

    parts = list(_report_parts(result.findings, kept))
    outside = any(text is None for text, _, _ in parts)
    texts = [text for text, _, _ in parts if text] if not outside else []
    size = -1 if outside else sum(map(len, texts)) + max(len(texts) - 1, 0)  # joined by line feeds as written
    plain = not outside and all(plain for text, _, plain in parts if text)
    head = json.dumps([report.summary_line(result.findings, len(result.files)), size, plain], ensure_ascii=False)
    pieces: list[_Text] = [f"{told[1]}\n{head}\n".encode()]
    for i, text in enumerate(texts):
        pieces += [b"\n", text] if i else [text]
    pieces.append(b'"[')
    for i, (_, rows, _) in enumerate(parts):
        pieces += [b",", rows] if i else [rows]
    pieces.append(b']"')
    output.write_chunks(told[0], pieces)


def _told(told: tuple[Path, str] | None) -> tuple[bytes | None, str, int, bool] | None:
    """The warnings' text (as UTF-8: printed and kept as it is, never decoded whole) and closing line the roll-up
    child wrote for this run (its token), where its findings start in the file (copied from there into the record,
    never read whole), and whether the text is plain (`_PLAIN`); else None."""
    if told is None:
        return None
    try:
        with told[0].open("rb") as handle:
            token = handle.readline()
            summary_line, size, plain = json.loads(handle.readline())
            if token != f"{told[1]}\n".encode() or not isinstance(summary_line, str) or type(size) is not int or type(plain) is not bool:
                return None
            text = handle.read(size) if size >= 0 else None
            start = handle.tell()
    except (OSError, ValueError, TypeError):
        return None
    if text is not None and len(text) != size:
        return None
    return text, summary_line, start, plain


#: What JSON escapes in a text besides a line feed (json.dumps, ensure_ascii=False): in UTF-8 only ASCII bytes are
#: below 0x80, so a text without these bytes is escaped by writing its line feeds as «\n» (`_literal`)
_PLAIN = re.compile(rb'[\x00-\x09\x0b-\x1f"\\]')


def _literal(text: str | bytes | None, size: int = 1 << 18, plain: bool = False) -> Iterator[bytes]:
    """`text` as a JSON string (UTF-8), `size` characters (or bytes of UTF-8) at a time: what json.dumps writes,
    without its copy of the whole (each character is escaped on its own, so the pieces join into the same literal).
    `plain`: UTF-8 with nothing to escape but its line feeds (`_PLAIN`), written so a piece at a time (json.dumps
    over the 5.8 million characters of 10,000 projects' warnings was ~30 ms of the build's last step)."""
    if text is None:
        return iter([b"null"])
    if plain and isinstance(text, bytes):
        escaped = (text[start : start + size].replace(b"\n", b"\\n") for start in range(0, len(text), size))
        return itertools.chain([b'"'], escaped, [b'"'])
    if isinstance(text, str):
        return _json_string(text[start : start + size] for start in range(0, len(text), size))
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # a piece may end inside a character
    pieces = (decode(text[start : start + size], final=start + size >= len(text)) for start in range(0, len(text), size))
    return _json_string(pieces)


def _copied(path: Path, start: int) -> Iterator[bytes]:
    """The bytes of `path` from `start` on, a MiB at a time."""
    with path.open("rb") as handle:
        handle.seek(start)
        while chunk := handle.read(1 << 20):
            yield chunk


@dataclass
class Walks:
    """The stat passes of one `docgen build` (cache.Walk): submissions/ and the other inputs, build/ and its
    manifests. `unchanged_build` takes them; when it cannot replay, `build` uses the same: the inputs' signature for
    what it remembers, each submission's signature for the streamed check, and build/'s listing for the walk after
    the build, which reads again only the folders the build changed (issue 18: four walks and a stat of every
    submission became one walk of each and one of the folders written)."""

    inputs: Walk | None = None
    outputs: Walk | None = None
    checked: tuple[Path, Path | None] | None = None  # (out, include_confidential) `_check_outputs` found safe just before


def _input_names(ws: Workspace, rules: Path | None) -> list[str]:
    """What a build reads besides docgen itself: the submissions, the project's templates, its schema/ (the rules
    file), docgen.yaml and the profile it chooses, and a --rules file given elsewhere; sorted as a Walk keeps them."""
    names = [SUBMISSIONS, ws.relative(ws.templates).as_posix(), "schema", ws.relative(ws.config).as_posix()]
    choice = ws.profile_choice
    if choice is not None and choice.path is not None:
        names.append(choice.path)
    if rules is not None:
        names.append(os.path.abspath(ws.absolute(rules)))
    return sorted(names)


def _unwalked(evidence: list[Probe], names: list[str]) -> list[list[str]]:
    """The 佐证材料 paths the findings were decided from that the inputs' walk does not see (one under submissions/,
    say, changes the walk's digest: it is not looked at again), for a replay to look at each again: a 佐证材料 beside
    the repository's submissions/ (「../../../材料/x.pdf」) appearing or going changes the report (W306)."""
    walked = {name for name in names if "/" not in name}  # one part: every step below it is in the walk …

    def seen(target: str) -> bool:  # … but for the names a walk leaves out
        parts = target.split("/")
        return parts[0] in walked and not any(part.endswith(cache_store.SKIPPED) for part in parts)

    return [list(probe) for probe in dict.fromkeys(evidence) if not seen(probe[0])]


def _inputs_walk(ws: Workspace, rules: Path | None, since_ns: int) -> Walk:
    """One stat pass over what a build reads (`_input_names`); its digest is None while a file is still settling."""
    return Walk(ws.root, _input_names(ws, rules), since_ns=since_ns)


def _output_folders(out: Path, include_confidential: Path | None) -> list[str]:
    """The folders a build writes (absolute): build/ and the 涉密 one."""
    return [os.path.abspath(out)] + ([os.path.abspath(include_confidential)] if include_confidential else [])


def _outputs_walk(ws: Workspace, out: Path, include_confidential: Path | None, before: Walk | Listing | None = None) -> Walk:
    """One stat pass over the output folders and their manifests in the user's cache; `before`: the same walk taken
    earlier in this run, whose unchanged folders are not listed again (cache.Walk)."""
    folders = _output_folders(out, include_confidential)
    store = Store(ws.root)  # the manifests read by a full build: one edited or planted by hand is never replayed over
    manifests = [str(store.record(Path(f), name)) for f in folders for name in ("rollups-departments", "rollups-city")]
    manifests += [str(store.record_shards(Path(f), "attachments")) for f in folders]  # engine.MANIFEST: not loaded here
    return Walk(ws.root, folders + manifests, before=before)


def _inputs_key(ws: Workspace, out: Path, inputs: str, *, rules: Path | None, strict: bool, include_confidential: Path | None) -> str:
    """Inputs, options and docgen's own code in one key: what a build read and how."""
    folders = _output_folders(out, include_confidential)
    options = json.dumps([str(rules), strict, folders, os.environ.get("SOURCE_DATE_EPOCH", "")], ensure_ascii=False)
    return cache_store.digest(code_digest(), __version__, options, inputs)


def _build_key(inputs_key: str, walked: Walk) -> str | None:
    """`_inputs_key` and the outputs as `walked` in one key; None when an output folder cannot be read."""
    return None if walked.digest is None else cache_store.digest(inputs_key, walked.digest)


def _stamp(ws: Workspace, out: Path) -> dict[str, Any] | None:
    """The last build's stamp (`_remember`): its inputs' key, its whole key and build/ as it walked it, a few kB
    read before the record's 21 MB (at 10,000 projects); None when there is none of ours."""
    with contextlib.suppress(OSError, ValueError):
        stamp = json.loads(Store(ws.root).record(out, STAMP).read_text(encoding="utf-8"))
        if isinstance(stamp, dict) and stamp.get("format") == UNCHANGED_FORMAT:
            return stamp
    return None


def _remember(
    ws: Workspace,
    out: Path,
    inputs: str,
    built: Built,
    *,
    rules: Path | None,
    strict: bool,
    include_confidential: Path | None,
    told: tuple[Path, str] | None = None,
    said: tuple[bytes | None, str, int, bool] | None = None,
    before: Walk | None = None,
) -> None:
    """Keep what this build read, wrote and reported, for the next `docgen build` with nothing changed (`told`, `said`:
    the file the roll-up child wrote for this run and what `_told` read of it, its findings copied from there;
    `before`: build/ as walked before the build, else as the last
    build's walk listed it (its stamp): the folders the build did not change are not listed again). A file changed
    in place in such a folder keeps the signature listed before, so the key remembered is not the one the next
    fresh walk gives: no replay (the safe side)."""
    listed: Walk | Listing | None = before
    if listed is None:
        listed = Listing.read((_stamp(ws, out) or {}).get("listing"))
    walked = _outputs_walk(ws, out, include_confidential, listed)
    inputs_key = _inputs_key(ws, out, inputs, rules=rules, strict=strict, include_confidential=include_confidential)
    key = _build_key(inputs_key, walked)
    if key is None:
        return
    r = built.rendered
    text: str | bytes | None
    if said is not None and told is not None:
        text, summary_line, start, plain = said
        rows, literal = _copied(told[0], start), _literal(text, plain=plain)
    else:
        text, summary_line = _report_text(built.result.findings, len(built.result.files))
        rows, literal = _findings_literal(built.result.findings), _literal(text)
        built.text, built.summary_line = text, summary_line  # printed from here: 44,000 lines are not made twice
    record = {
        "format": UNCHANGED_FORMAT,
        "key": key,
        "summary_line": summary_line,
        "files": len(built.result.files),
        "submissions": len(built.result.projects) + len(built.result.departments),
        "outputs": r.planned,
        "confidential_skipped": r.confidential_skipped,
        "confidential_written": r.confidential_written,
    }
    rest = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError):  # an unwritable cache only costs a full rebuild next time
        # the findings first, copied piece by piece: at 10,000 projects they are 14 MB of the record's 21; then the
        # warnings' text (5.8 million characters) written out in pieces too, never as one more copy of itself
        pieces = itertools.chain([b'{"findings":'], rows, [b',"text":'], literal, [f",{rest[1:]}".encode()])
        output.write_chunks(Store(ws.root).record(out, UNCHANGED), pieces)
        stamp = {
            "format": UNCHANGED_FORMAT,
            "inputs": inputs_key,
            "key": key,
            "listing": walked.listing().kept(),
            "evidence": _unwalked(built.result.evidence, _input_names(ws, rules)),
        }
        output.write_text(Store(ws.root).record(out, STAMP), json.dumps(stamp, separators=(",", ":")))  # after the record


def unchanged_build(
    root: Workspace | Path | None = None,
    out: Path | None = None,
    *,
    rules: Path | None = None,
    include_confidential: Path | None = None,
    strict: bool = False,
    walks: Walks | None = None,
) -> Unchanged | None:
    """The last build's report when nothing it read or wrote has changed since (every input and output file has the
    size, modification time and inode it had, docgen and the options are the same), else None: then `build` runs.

    Reads no submission: one walk over the file names of submissions/ and build/ (~0.1 s of CPU at 10,000
    projects). `docgen build --force`, `--pdf` and `--no-cache` never take this path. `walks` (given empty) is
    filled with the two walks, for the `build` that follows when this is None (`Walks`)."""
    ws = _workspace(root)
    out = out or ws.build
    _check_outputs(ws, out, include_confidential)
    if walks is not None:
        walks.checked = (out, include_confidential)
    try:
        walked = _inputs_walk(ws, rules, time.time_ns())
        if walks is not None:
            walks.inputs = walked
        stamp = _stamp(ws, out)
        if walked.digest is None or stamp is None:
            return None
        inputs_key = _inputs_key(ws, out, walked.digest, rules=rules, strict=strict, include_confidential=include_confidential)
        if stamp.get("inputs") != inputs_key:  # something read changed: neither build/ walked nor the record read
            return None
        if not consistency.evidence_holds(ws.root, stamp.get("evidence")):  # a 佐证材料 outside the walk changed
            return None
        outputs = _outputs_walk(ws, out, include_confidential)
        if walks is not None:
            walks.outputs = outputs
        key = _build_key(inputs_key, outputs)
        if key is None or stamp.get("key") != key:
            return None
        record = json.loads(Store(ws.root).record(out, UNCHANGED).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != UNCHANGED_FORMAT or record.get("key") != key:
            return None  # the stamp vouches for the record only when both hold this key
        from .render.rendered import Rendered

        rendered = Rendered(
            unchanged=int(record["outputs"]),
            confidential_skipped=int(record["confidential_skipped"]),
            confidential_written=int(record["confidential_written"]),
        )
        rows, text, summary_line = record["findings"], record["text"], record["summary_line"]
        if not (isinstance(rows, str) and (text is None or isinstance(text, str)) and isinstance(summary_line, str)):
            return None
        files, submissions = int(record["files"]), int(record["submissions"])
        return Unchanged(rows, files, submissions, rendered, out / SUMMARY_FILE, text, summary_line)
    except (OSError, ValueError, TypeError, KeyError):  # no record, or not one we wrote: build as usual
        return None


def _buildable(
    ws: Workspace, out: Path, rules: Path | None, *, cache: bool, strict: bool, records: bool = False, walked: Walk | None = None
) -> Result:
    """The checked tree, for a command that writes outputs (build, a shard, merge); with any error or refusal,
    InvalidSubmissions that says plainly nothing was written: a clerk reads the last line first. `records`: checked
    as a stream (`check(stream=True)`), with each submission's record instead of its model where the tree allows
    (`build`: _RecordsView)."""
    result = check(_submissions(ws), rules, workspace=ws, cache=cache, stream=records, figures=records, built=records, walked=walked)
    refused = _record_refusals(result, strict=strict) if result.submission_records else refusals(result, strict=strict)
    if not result.ok or refused:
        errors = sorted([*result.errors, *refused], key=lambda f: (f.path, f.line, f.column, f.code))
        counts = M.label("summary", files=len(result.files), errors=len(errors), warnings=len(result.warnings))
        nothing = M.label("nothing_built", errors=len(errors), path=ws.shown(ws.relative(out)))
        raise InvalidSubmissions(f"{counts}。{nothing}", errors, result.warnings)
    return result


def _record_refusals(result: Result, *, strict: bool = False) -> list[Finding]:
    """`refusals` of a check that kept records (check(stream=True)): E313 from the findings, and with `strict` E312
    from each record's completeness, at its first I402 as `refusals` places it."""
    out = refusals(replace(result, analysis=None), strict=False)
    if strict:
        first: dict[str, Finding] = {}
        for f in result.findings:
            if f.code == "I402":
                first.setdefault(f.path, f)
        for rec in result.submission_records:
            done = figures.Completeness(*rec.completeness)
            if rec.valid and not done.complete:
                at = first.get(rec.path)
                line, column = (at.line, at.column) if at else (1, 1)
                out.append(error(rec.path, line, column, "E312", reported=done.reported, total=done.total, missing=done.missing))
    return sorted(out, key=lambda f: (f.path, f.line, f.column, f.code))


#: json.dumps(…, ensure_ascii=False, separators=(",", ":")) as one encoder: json.dumps makes a new one per call
#: (~40,000 calls for summary.json at 10,000 projects)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: A submission as summary.json lists it from the records: its period's head, its record, its model or identity.
_Member = tuple[dict[str, Any], submission_record.SubmissionRecord, Project | Department]
#: What `build` writes beside the attachments: every submission's figures, for tools (`_write_summary`).
SUMMARY_FILE = "summary.json"
#: The user cache's shelf of each department's piece of summary.json (`_RecordsView.summary`).
SUMMARY_PARTS = "summary-parts"


@dataclass
class _RecordsView:
    """A checked tree as `build` holds it after check(stream=True, built=True): each project as its record and its
    identity (`_identity`: path, period, names, 涉密, its own 审核意见; no tables, indicators or texts), the 部门整体
    and the 涉密 projects whole (a handful), and the monitoring findings by path. `result` is the Result the stages
    read, with those identities as its projects and, as its `analysis`, the 部门整体 and one whole project (the
    form the 汇总表 are worded in). A project is read again from its file only where it is rendered (`read`, in the
    render worker) or where its texts are walked for the 涉密 check (`load`): the parent never holds every model
    (issue 18: 833 MiB at 10,000 projects before), and nothing is recomputed that the cache kept per file."""

    ws: Workspace
    result: Result
    records: dict[str, submission_record.SubmissionRecord]  # path -> record, projects and 部门整体
    pairs: list[tuple[Project, submission_record.SubmissionRecord]]  # every project: its identity and its record
    judged: dict[str, list[Finding]]
    identities: dict[str, Project]  # path -> the identity standing for a project in `result.projects`
    _wanted: tuple[int, set[str]] | None = None  # the secret figures as summary.json writes them (`printed`)
    _keys: dict[tuple[str, str], str] | None = None  # department_keys, once

    @classmethod
    def of(cls, ws: Workspace, checked: Result) -> _RecordsView:
        profile = checked.profile
        records = {rec.path: rec for rec in checked.submission_records}
        pairs: list[tuple[Project, submission_record.SubmissionRecord]] = []
        identities: dict[str, Project] = {}
        projects: list[Project] = []
        flawed: list[Project] = []
        view = cls(ws, checked, records, pairs, checked.judged, identities)
        form = profile.form("project")
        blanks: dict[str, dict[str, Any]] = {}  # one Period a period, not one a project, in a blank identity
        for rec in checked.submission_records:
            if rec.kind != "project":
                continue
            blank = blanks.get(rec.period)
            if blank is None:
                year, month = rec.period.split("-")
                blank = blanks[rec.period] = _blank(form, Period(int(year), int(month), form.period))
            who = _identity(rec, blank)
            if not rec.valid:  # an error that leaves its shape (only a site plans one: build refuses it): as `check` keeps it
                flawed.append(who)
                continue
            pairs.append((who, rec))
            identities[rec.path] = who
            projects.append(view.whole(who) if rec.confidential else who)  # 涉密: whole, for confidential.secrets
        departments = [ev.submission for ev in checked.department_evaluations]
        assert checked.ruleset is not None  # a build from records has a rules file that loaded (_buildable)
        stand_in = monitor.Analysis(checked.ruleset)
        if projects:  # the roll-ups' wording follows the first submission's form, a project's as `check` orders them
            first = projects[0]  # a 涉密 one whole (its tables are read), a public one as its identity (only its form is)
            stand_in.submissions[str(first.path)] = evaluate(first) if first.tables else Evaluation(first)
        stand_in.submissions.update({ev.path: ev for ev in checked.department_evaluations})
        view.result = replace(checked, projects=projects, departments=departments, analysis=stand_in, flawed_projects=flawed)  # type: ignore[arg-type]
        return view

    def whole(self, who: Project) -> Project:
        """The project read again from its bytes as checked (E840 when they changed since), with its 涉密 flag as
        decided."""
        rec = self.records[str(who.path)]
        path = Path(rec.path)
        raw, problems = read_bounded(path, self.ws.root)
        digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
        _, doc, _ = checking.check_one((path, raw, problems), self.ws.root, self.result.profile) if raw is not None else (None, None, [])
        if doc is None or digest != rec.digest:
            raise DocgenError(M.message("E840", path=self.ws.shown(path)))
        model = build_model("project", doc.path, doc.data, self.result.profile.form("project"))
        assert isinstance(model, Project)
        return replace(model, confidential=True) if who.confidential and not model.confidential else model

    def read(self, ev: Evaluation) -> Evaluation:
        """engine.Options.read: an identity evaluated whole, in the render worker; any other Evaluation as it is."""
        sub = ev.submission
        if isinstance(sub, Project) and self.identities.get(str(sub.path)) == sub:
            return evaluate(self.whole(sub))
        return ev

    def load(self, sub: Any) -> Any:
        """confidential.secrets' `load`: a project's texts are walked on its whole model."""
        return self.whole(sub) if isinstance(sub, Project) and self.identities.get(str(sub.path)) == sub else sub

    def printed(self, sub: Project, found: redact.Secrets) -> list[Decimal]:
        """confidential.secrets' `amounts`: what a public project prints that is one of the secret figures `found`,
        from the numbers its worker kept (figures.Figures.printed, two decimals as summary.json and the attachments
        print them; compared as numbers once the text matched)."""
        if self._wanted is None or self._wanted[0] != len(found.figures):
            self._wanted = (len(found.figures), {N.plain_money(abs(f)) for f in found.figures})
        wanted = self._wanted[1]
        text = self.records[str(sub.path)].part("printed")
        out = []
        for number in text.split() if wanted and isinstance(text, str) else ():  # a damaged cache row: nothing public
            if number in wanted:
                with contextlib.suppress(ArithmeticError, ValueError):
                    out.append(Decimal(number))
        return out

    @functools.cached_property
    def returned(self) -> frozenset[str]:
        """`_returned` of the view's result, once a process: its department keys, the roll-ups and the render options
        all ask (each asking walked the 10,000 projects' 审核意见 again: ~13 ms at 10,000 projects)."""
        return _returned(self.result)

    def department_keys(self) -> dict[tuple[str, str], str]:
        """(period, department code) -> everything its 汇总表 is made of, for rollup.write_departments: an unchanged
        department's sheets are not even built (~0.15 s each at 1,000 projects), and its part of the city's is kept
        (render/rollup_parts.py). Its projects' files (digest, 涉密 and validity as decided) and what their outcomes
        were judged from (the stream's key: profile, rules, rosters, approved targets, earlier periods), its
        部门整体's record and findings, the returned submissions, the rules' names and k, and the roster's name and
        count of the department. Computed once a build."""
        if self._keys is None:
            self._keys = self._department_keys()
        return self._keys

    def _department_keys(self) -> dict[tuple[str, str], str]:
        members: dict[tuple[str, str], list[str]] = {}
        for rec in self.records.values():
            row = f"{rec.path}\0{rec.digest}\0{rec.confidential}\0{rec.valid}"
            if rec.kind == "department":
                found = analyse(self.result).of(rec.path)
                row += "\0" + json.dumps([rec.as_row(), finding_rows(found.findings) if found else []], ensure_ascii=False, default=str)
            members.setdefault((rec.period, rec.department_code), []).append(row)
        returned = sorted(self.returned)
        ruleset = analyse(self.result).ruleset
        basis = cache_store.digest(
            __version__, self.result.profile.digest, repr(ruleset.rules), str(confidential.pool_size(analyse(self.result))), *returned
        )
        rosters = {r.period.key: r for r in self.result.rosters}
        out = {}
        for (period, code), rows in members.items():
            roster = rosters.get(period)
            entry = next((repr(d) for d in roster.departments if d.code == code), "") if roster is not None else ""
            out[(period, code)] = cache_store.digest(basis, self.result.stream_keys.get(period, ""), entry, *sorted(rows))
        return out

    def secrets(self, store: Store) -> redact.Secrets:
        return confidential.secrets(self.ws.root, self.result, store=store, load=self.load, amounts=self.printed)

    def drafted(self, sub: Project | Department) -> dict[str, str]:
        """The default extra sections (`_drafted_sections`): a project's as its worker drafted them (record.built),
        a 部门整体's drafted here from its evaluation."""
        if isinstance(sub, Project):
            return dict(self.records[str(sub.path)].part("drafted", {}))
        from .evaluate import conclusions

        analysis = analyse(self.result)
        ev = analysis.of(sub.path)
        drafted = conclusions.draft(ev, analysis.ruleset) if ev is not None else {}
        applied = draft_applications(self.result, sub)
        if applied:
            drafted[F.REPORT_KEYS[-1]] = applied
        return drafted

    def evaluations(self) -> list[Evaluation]:
        """What the render stage plans by: the 部门整体 evaluated, every project as its identity (read in the worker)."""
        analysis = analyse(self.result)
        departments = [analysis.submissions[str(d.path)] for d in self.result.departments]
        return [*departments, *(Evaluation(who) for who, _ in self.pairs)]

    def _by_department(self) -> list[tuple[tuple[str, str], list[_Member]]]:
        """Each department's submissions (its period's head, record, and model or identity) by (period, code), in
        summary.json's order of departments; a department's own are in no order (`_in_department_order`)."""
        departments = {str(d.path): d for d in self.result.departments}
        heads: dict[str, dict[str, Any]] = {}
        groups: dict[tuple[str, str], list[_Member]] = {}
        for rec in self.records.values():
            sub = departments.get(rec.path) if rec.kind == "department" else self.identities.get(rec.path)
            if sub is None:
                continue
            head = heads.get(rec.period)  # the record's period is its file's (sub.period.key), not made 10,000 times
            if head is None:
                head = {"period": sub.period.key, "label": sub.period.label, "time_progress": _rate(figures.time_progress(sub.period))}
                heads[rec.period] = head
            groups.setdefault((rec.period, rec.department_code), []).append((head, rec, sub))
        return sorted(groups.items())

    @staticmethod
    def _in_department_order(members: list[_Member]) -> list[_Member]:
        """A department's submissions in summary.json's order: its 部门整体 first, then its projects by path."""
        return sorted(members, key=lambda m: (m[1].kind != "department", m[1].path))

    def _in_order(self) -> Iterator[_Member]:
        """Each submission's record and its model or identity, in summary.json's order, with its period's head."""
        for _, members in self._by_department():
            yield from self._in_department_order(members)

    def _entry_text(self, rec: submission_record.SubmissionRecord, sub: Project | Department, withheld: set[str]) -> str | None:
        """A submission's summary.json entry as the text json.dumps writes (compact); None for a 涉密 project
        (summary.json only counts it). A project's entry is the text its worker kept, with its path and lights put
        in, so 10,000 entries are never held as dicts."""
        dump = _COMPACT.encode
        if sub.confidential:
            return None
        lights = f',"light":{dump(rec.light or NO_LIGHT)},"lights":{dump(dict(rec.counts))}'
        if rec.kind == "project":
            kind, rest = rec.part("entry")
            return f'{{"kind":{dump(kind)},"path":{dump(rec.path)},{rest}{lights}}}'
        entry = {"kind": rec.summary["kind"], "path": rec.path, **{k: v for k, v in rec.summary.items() if k != "kind"}}
        if rec.path in withheld:
            del entry["tables"]
            entry["figures_withheld"] = True
            return dump(entry)
        return dump(entry)[:-1] + lights + "}"  # the monitoring light and how many findings of each light

    def entry_texts(self) -> Iterator[tuple[dict[str, Any], str, str | None]]:
        """Each submission's summary.json entry (`_entry_text`), in summary.json's order, with its period's head."""
        withheld = confidential.withheld_paths(self.result)
        for head, rec, sub in self._in_order():
            yield head, rec.path, self._entry_text(rec, sub, withheld)

    def summary(self, store: Store | None = None) -> Iterator[bytes]:
        """`summary` from the records, as the text json.dumps writes (compact, in UTF-8), in pieces: each
        department's entries (`_entry_text`) joined, written as they come, never held whole (19 MB at 10,000
        projects). The same bytes (tests/test_build_records.py). Each period's 涉密 projects are counted first: its
        head comes before them.

        `store`: each department's piece is kept in the user's cache under what it is made of (`department_keys`,
        whether its 部门整体 is withheld, docgen's code), so after one edit one department's entries are made
        again, not 10,000 (issue 18: ~0.3 s of CPU); a kept piece is written as the bytes kept (decoding and
        encoding again 19 MB was ~30 ms)."""
        dump = _COMPACT.encode
        groups = self._by_department()
        excluded: dict[str, int] = {}
        for _, members in groups:
            for head, _, sub in members:
                excluded[head["period"]] = excluded.get(head["period"], 0) + sub.confidential
        withheld = confidential.withheld_paths(self.result)
        keys = {group: key for group, key in self.department_keys().items() if group[0] in self.result.stream_keys} if store else {}
        kept = store.texts(SUMMARY_PARTS) if store else None
        yield ('{"generator":' + dump(f"docgen {__version__}") + ',"periods":[').encode()
        period, first = None, True
        for group, members in groups:
            head = members[0][0]
            if head["period"] != period:
                opened = dump({**head, "confidential_excluded": excluded[head["period"]]})[:-1] + ',"submissions":['
                yield (("" if period is None else "]},") + opened).encode()
                period, first = head["period"], True
            name, key, text = f"{group[0]}/{group[1]}", keys.get(group), None
            if kept is not None and key is not None:
                key = cache_store.digest(key, json.dumps(sorted(p for _, rec, _ in members if (p := rec.path) in withheld)))
                text = kept.get(name, key)
            if text is None:
                texts = (self._entry_text(rec, sub, withheld) for _, rec, sub in self._in_department_order(members))
                text = ",".join(t for t in texts if t is not None).encode()
                if kept is not None and key is not None:
                    kept.put(name, key, text)
            if text:
                yield text if first else b"," + text
                first = False
        yield (("" if period is None else "]}") + "]}").encode()

    def entries(self) -> dict[str, dict[str, Any] | None]:
        """`_summary_entries` from the records: each submission's summary.json entry by path (None for 涉密)."""
        return {path: None if text is None else json.loads(text) for _, path, text in self.entry_texts()}

    def evaluation(self, who: Project) -> Evaluation:
        """A project as `docgen site` plans it from its record: its monitoring (findings and lights), completeness and
        资金总额 row (Figures.of the amounts its worker kept: the model's row) as its only table; the page that shows
        more reads it whole (`_SitePages.whole`)."""
        rec = self.records[str(who.path)]
        headline = figures.Figures.of(streaming.headline_of(rec), who.period)
        return Evaluation(
            who,
            computed={forms.form_of(who).tables[0].field: {F.TOTAL_ROW: headline}},
            findings=list(self.judged.get(rec.path, ())),
            light=_light(rec.light),
            indicator_lights=tuple(_light(light) for _, light in rec.indicators),
            row_lights={table: {row: _light(light) for row, light in rows.items()} for table, rows in rec.rows.items()},
            exempt=rec.exempt,
            completeness=figures.Completeness(*rec.completeness),
        )

    def site_result(self) -> Result:
        """`result` as `docgen site` plans it: every project evaluated from its record (`evaluation`, flawed ones
        too, as `check` monitors them) beside the 部门整体 as judged."""
        assert self.result.ruleset is not None  # a view is made only of a check that judged (`of`)
        analysis = monitor.Analysis(self.result.ruleset)
        analysis.submissions.update({ev.path: ev for ev in self.result.department_evaluations})
        for who in [*self.identities.values(), *self.result.flawed_projects]:
            analysis.submissions[str(who.path)] = self.evaluation(who)
        return replace(self.result, analysis=analysis)


def _light(light: str) -> str | None:
    """A light as a record writes it (NONE for none) as an Evaluation holds it."""
    return None if light == NO_LIGHT else light


@dataclass
class _SitePages:
    """generate.PageReader for a site planned from the records (`_RecordsView.site_result`): a project page about to
    be rendered (in the page worker, never where its page is kept) reads its project whole, with the monitoring as
    its record holds it and its rows against the approved targets, compared here for that one project."""

    view: _RecordsView
    approved: dict[tuple[str, str], list[targets_form.ApprovedProject]]
    adjusting: dict[tuple[str, str], list[review_form.Application]]

    @classmethod
    def of(cls, view: _RecordsView) -> _SitePages:
        approved: dict[tuple[str, str], list[targets_form.ApprovedProject]] = {}
        for a in view.result.approved:
            approved.setdefault((a.department_code, a.code), []).append(a)
        adjusting: dict[tuple[str, str], list[review_form.Application]] = {}
        for r in view.result.applications:
            adjusting.setdefault((r.department_code, r.subject), []).append(r)
        return cls(view, approved, adjusting)

    def whole(self, entry: Any) -> tuple[Evaluation, list[Any] | None]:
        from .site import targets as target_pages

        planned: Evaluation = entry.evaluation
        project = self.view.whole(entry.model)
        ev = replace(
            evaluate(project),
            findings=planned.findings,
            light=planned.light,
            indicator_lights=planned.indicator_lights,
            row_lights=planned.row_lights,
            exempt=planned.exempt,
        )
        approved, applications = self.targets_key(entry)
        compared = targets.compare_all(approved, [project], applications).get(str(project.path))
        return ev, target_pages.rows(compared) if compared is not None else None

    def targets_key(self, entry: Any) -> tuple[list[targets_form.ApprovedProject], list[review_form.Application]]:
        """What a project's rows against the approved targets are compared from besides its own file (whose digest
        its page's key holds): its approved targets and 结果应用 records."""
        key = (entry.model.department_code, entry.model.code)
        return self.approved.get(key, []), self.adjusting.get(key, [])


def _viewed(ws: Workspace, checked: Result) -> tuple[Result, _RecordsView | None]:
    """The checked tree as the output stages read it, for build, a shard and merge: from the streamed records
    (_RecordsView) when the check kept them, else as checked (with its models)."""
    view = _RecordsView.of(ws, checked) if checked.submission_records else None
    return (view.result if view is not None else checked), view


def _city_rollups(result: Result, view: _RecordsView | None) -> list[rollup.CityRollup]:
    """Every period's city roll-up (its departments' inside), from the records or the models: built once for the
    department and the city 汇总表."""
    from .render import rollup

    if view is not None:
        return rollup.records_cities(view.pairs, view.judged, analyse(result), result.rosters, view.returned)
    return rollup.cities(analyse(result), result.rosters, _returned(result))


def _pending(result: Result, view: _RecordsView | None) -> list[tuple[Period, list[rollup.Pending]]] | None:
    """From the records (`view`), every period's departments to roll up when asked, each with the digest of what its
    汇总表 is made of (`department_keys`); None for a build from the models."""
    from .render import rollup

    if view is None:
        return None
    return rollup.records_pending(view.pairs, view.judged, analyse(result), result.rosters, view.returned, view.department_keys())


def _write_summary(ws: Workspace, result: Result, view: _RecordsView | None, out: Path, store: Store | None = None) -> Path:
    """Write out/summary.json: compact (the indenting encoder is pure Python, ~0.4 s for 1,000 projects; tools read
    it, people use the site), from the records piece by piece (`_RecordsView.summary`, each department's piece kept
    in `store`)."""
    target = out / SUMMARY_FILE
    if view is not None:
        pieces: Iterable[bytes] = itertools.chain(view.summary(store), (b"\n",))
    else:
        pieces = ((json.dumps(summary(result, ws.root), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"),)
    output.write_chunks(target, pieces, owner=out)
    return target


def _secrets(ws: Workspace, result: Result, view: _RecordsView | None, cache: bool) -> redact.Secrets:
    """The 涉密 list an output-writing command redacts and scans by, from the records (`view`) or the models; typed
    figures kept (confidential._TypedFigures), per file in the user's cache unless --no-cache."""
    store = Store(ws.root, enabled=cache)
    return view.secrets(store) if view is not None else confidential.secrets(ws.root, result, store=store)


def _planned(result: Result, view: _RecordsView | None, options: engine.Options) -> list[Evaluation]:
    """What the render stage plans by, the same for `build` and a shard: from the records (`view`; a project is read
    whole in the render worker that writes it, `options.read`), or from the models."""
    if view is not None:
        options.read = view.read
        return view.evaluations()
    evaluations = analyse(result).submissions
    subs: list[Project | Department] = [*result.departments, *result.projects]
    return [evaluations[str(s.path)] for s in subs]


def _blank(form: Form, period: Period) -> dict[str, Any]:
    """The fields of a project of `form` and `period` naming nothing yet, made by its constructor: what `_identity`
    fills in."""
    return vars(Project(Path(), period, "", "", "", "", "", {}, "", (), form=form))


def _identity(rec: submission_record.SubmissionRecord, blank: dict[str, Any]) -> Project:
    """A project as its record names it: what the render stage plans by (paths, keys, bundles), the roll-ups' row
    and the 审核 records' match (its own 审核意见) read; no tables, indicators or texts (`_RecordsView.whole`).
    `blank`: the fields of its form and period (`_blank`), filled in here rather than by the constructor, whose 19
    frozen assignments were a third of the ~0.08 s the 10,000 identities took in each of a build's two processes
    (the same Project: tests/test_build_records.py)."""
    who: Project = object.__new__(Project)
    vars(who).update(
        blank,
        path=Path(rec.path),
        name=rec.name,
        code=rec.code or "",
        department=rec.department,
        department_code=rec.department_code,
        unit=rec.unit or "",
        tables={},
        report={},
        texts={},
        reviews=tuple(Review(*(str(x) for x in r)) for r in rec.built.get("reviews", ())),
        research=rec.research,
        confidential=rec.confidential,
    )
    return who


def _render_options(
    ws: Workspace,
    result: Result,
    rules: Path | None,
    records: Store,
    secrets: redact.Secrets,
    *,
    force: bool,
    pdf: bool,
    include_confidential: Path | None,
    jobs: int | None,
    progress: engine.Progress | None,
    extra_sections: engine.ExtraSections | None = None,
    plan_keys: dict[tuple[str, str], str] | None = None,
    returned: frozenset[str] | None = None,
) -> engine.Options:
    """What the render stage needs from the checked tree, built in one place for build() and a shard's build (whose
    outputs must be byte-identical): the drafted sections (by default 「四、绩效监控结果分析」 from the findings), the
    rules in force, 涉密 redaction, 退回 reasons, department names; `plan_keys`: each department's key
    (`_RecordsView.department_keys`) where its projects' drafted sections are their records' (engine._Plans);
    `returned`: the paths of the submissions returned (`_returned`), when known."""
    from .render import engine

    returned = _returned(result) if returned is None else returned
    return engine.Options(
        force=force,
        pdf=pdf,
        confidential_dir=include_confidential,
        jobs=jobs,
        extra_sections=extra_sections or functools.partial(_drafted_sections, result),
        inputs=(ws.absolute(rules) if rules else ws.rules, default_rules_path()),
        progress=progress,
        plan_keys=plan_keys or {},
        digests=result.digests,
        withheld=frozenset(confidential.withheld_paths(result)),
        redact=secrets.redact if secrets else None,
        redact_key=secrets.digest() if secrets else "",
        store=records,
        department_names={(r.period.key, d.code): d.name for r in result.rosters for d in r.departments},
        returned={
            str(s.path): (secrets.redact if secrets else str)(result.records.return_reason(s))
            for s in (_submitted(result) if returned else ())
            if str(s.path) in returned
        },
    )


def _publish(ws: Workspace, out: Path, secrets: redact.Secrets, include_confidential: Path | None = None) -> list[str]:
    """The last word before `out` is published: no 涉密 name, code or figure anywhere in it, else it is emptied.

    build/site-src is not this run's: the last `docgen site`'s sources. Holding a project made 涉密 since (its page,
    which the next `docgen site` replaces), it alone is removed, under the site's lock, and the build goes on; the
    line returned says so (never naming the page: its name holds the project's code). Any other leak in it is
    the site's to refuse (`docgen site` checks its sources too), and nothing 涉密 stays in `out` either way."""
    sources = ws.site_source
    own = output.inside(sources, out) and sources.is_dir() and not sources.is_symlink()
    try:
        confidential.check_published(
            out, secrets, skip=[*([include_confidential] if include_confidential else []), *([sources] if own else [])]
        )
    except Leak as exc:
        withdraw(out)
        raise Leak(f"{exc}{M.label('leak_withdrawn', folder=ws.shown(ws.relative(out)))}") from exc
    if not own:
        return []
    try:
        confidential.check_published(sources, secrets, words=frozenset({sources / WORD_LIST}))
    except Leak:
        with output.lock(sources.parent, SITE_LOCK):  # a `docgen site` writing them finishes first
            output.remove(sources, out)
        return [M.label("site_sources_withdrawn", folder=ws.shown(ws.relative(sources)))]
    return []


def _leftovers(ws: Workspace, out: Path, rendered: engine.Rendered, records: Store, started: int) -> list[Path]:
    """The outputs of build/ no submission makes any more, when no manifest lists them: after `docgen clean` (or
    with the cache lost) a build does not know the last run's outputs, so those of a department renamed, a project
    removed or made 涉密 stayed (a reviewer would send an old 附件; a 涉密 one failed the publication check and
    emptied build/). Removed: the files in docgen's own layout (paths.own_outputs: where and as docgen names its
    outputs, never a link) this run neither wrote nor kept, so build/ holds what a build in a fresh copy writes.
    A 汇总表 only when the roll-up child's manifests were written by this run (else none is removed); a PDF of an
    output still made stays, as a build that knew it would keep it (engine._keep_pdfs). Strictly inside build/
    (output.remove_stale); a file named otherwise is a clerk's, never touched."""
    if rendered.outputs is None:
        return []
    from .render import paths, rollup

    made = set(rendered.outputs)
    rollups = rollup.written_since(out, records, started)
    profiles = [profile_of(ws), *(forms.builtin(i) for i in forms.builtin_ids())]
    sheets = {form.sheet for profile in profiles for form in profile.forms.values() if form.sheet}
    gone = []
    for path in paths.own_outputs(out, sheets):
        rel = path.relative_to(out).as_posix()
        if rel in made or (path.name.endswith(paths.ROLLUP_SUFFIX) and (rollups is None or rel in rollups)):
            continue
        if path.suffix == ".pdf" and any(rel[:-4] + suffix in made for suffix in (".docx", ".xlsx", ".zip")):
            continue
        gone.append(path)
    return output.remove_stale(gone, out)


def withdraw(folder: Path) -> None:
    """After a failed publication check: empty `folder` (build/), so CI has nothing to publish; every deletion goes
    through output.remove (strictly inside `folder`, symlinks removed, never followed). The run's lock files stay
    (deleting a lock another run waits on would let a third one in). The next build renders everything again:
    an output whose file is gone is never taken as up to date."""
    for entry in sorted(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []:
        if not entry.name.endswith(".lock"):
            output.remove(entry, folder)


def _run_quietly(parent: int, func: Callable[..., object], *args: object) -> None:
    """The child's body: a failure becomes one line on stderr and a non-zero exit, never a traceback.

    No garbage collection: the child lives for one workbook and its memory goes when it exits; collecting
    while XlsxWriter builds 70,000 cells cost ~5 % of the city's workbook (0.59 s -> 0.56 s CPU).
    """
    children.die_with_parent(parent)
    gc.disable()
    try:
        func(*args)
    except Exception as exc:  # noqa: BLE001 - the forked child's last word: any failure becomes one line and exit 1
        sys.stderr.write(f"docgen: {write_problem(exc)}\n" if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        os._exit(1)


def _in_background(func: Callable[..., object], *args: object) -> Callable[[], None]:
    """Start `func(*args)` in a forked child and return a function that waits for it (and fails if it failed).

    Fork hands the child every object without pickling; the heap is frozen first so neither side's garbage
    collector walks (and so copies) the other's pages. Measured on 1,000 projects: a rebuild after one edit
    3.0 s -> 2.1 s. Elsewhere than Linux, or on one core, it runs here and now.
    """
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:  # fork is safe and cheap on Linux only
        func(*args)
        return lambda: None
    gc.freeze()
    children.trim_heap()
    child = multiprocessing.get_context("fork").Process(target=_run_quietly, args=(os.getpid(), func, *args))
    child.start()

    def wait() -> None:
        child.join()
        gc.unfreeze()
        if child.exitcode != 0:  # the child printed its traceback; nothing half-written is left (atomic writes)
            raise DocgenError(M.label("background_failed", code=child.exitcode))

    return wait


def write_rollups(result: Result, out: Path, store: Store | None = None) -> list[Path]:
    """The department and city 汇总表 of every period checked, under build/<period>/ (paths.py); their manifests
    in `store` (the project's)."""
    from .render import rollup  # the 汇总表 load only for the commands that write them, not for validate

    return rollup.write_all(out, analyse(result), result.rosters, store=store, returned=_returned(result))


def _roll_up(ws: Workspace, checked: Result, out: Path, records: Store, cache: bool, told: tuple[Path, str] | None) -> None:
    """`build`'s forked child: the 汇总表 (`_write_rollups`), from its own view of the checked tree (the parent makes
    the same for what it writes); from the records, each department is rolled up only where its 汇总表 or its part
    of the city's is not kept (`_pending`)."""
    result, view = _viewed(ws, checked)
    pending = _pending(result, view)
    built = _city_rollups(result, view) if pending is None else None  # the roll-up data, built once for both writers
    _write_rollups(result, out, built, records, pending, cache, view.department_keys() if view else None, told)


def _write_rollups(
    result: Result,
    out: Path,
    built: list[rollup.CityRollup] | None,
    store: Store,
    pending: list[tuple[Period, list[rollup.Pending]]] | None,
    memo: bool,
    keys: dict[tuple[str, str], str] | None,
    told: tuple[Path, str] | None = None,
) -> None:
    """`build`'s 汇总表, in its forked child while the parent renders: the city's, then each department's (only the
    departments changed are rolled up and written: `keys`, `pending`); with `told` (a file and this run's token),
    what `_remember` keeps of the findings, so the parent does not make it (`_told`)."""
    from .render import rollup

    if pending is None:
        write_city_rollup(result, out, built, store, pending, memo)
        rollup.write_departments(out, analyse(result), result.rosters, built=built, store=store, keys=keys)
    else:  # each department's 汇总表 with its part of the city's, its roll-up let go then (the child's peak, cold)
        departments = rollup.Departments(out, analyse(result), store)
        write_city_rollup(result, out, built, store, pending, memo, departments.write)
        departments.save()
    if told is not None:
        with contextlib.suppress(OSError):  # not written: the parent makes them itself
            _write_told(told, result, store.texts(REPORT_PARTS))


def write_city_rollup(
    result: Result,
    out: Path,
    built: list[rollup.CityRollup] | None = None,
    store: Store | None = None,
    pending: list[tuple[Period, list[rollup.Pending]]] | None = None,
    memo: bool = True,
    each: Callable[[Period, rollup.Pending, rollup.Laid | None], None] | None = None,
) -> list[Path]:
    """The city's 汇总表 of every period checked (`built`: the roll-up data, when already built; `pending`: the
    departments from the records, each department's part kept in the cache unless `memo` is False, each given to
    `each` once its part is taken)."""
    from .render import rollup, rollup_parts

    if pending is not None:
        return rollup_parts.write_city(out, analyse(result), pending, store, memo, each)
    return rollup.write_city(out, analyse(result), result.rosters, built=built, store=store)


def rollups(
    root: Workspace | Path | None = None, out: Path | None = None, rules: Path | None = None, *, cache: bool = True
) -> tuple[Result, list[Path]]:
    """Only the 汇总表: validate submissions/ and, when nothing is wrong, write the roll-up workbooks."""
    ws = _workspace(root)
    out = out or ws.build
    _check_outputs(ws, out)
    result = check(_submissions(ws), rules, workspace=ws, cache=cache)
    refused = refusals(result)  # an unfilled template is no 已报项目 in a 汇总表 either
    if not result.ok or refused:
        errors = sorted([*result.errors, *refused], key=lambda f: (f.path, f.line, f.column, f.code))
        raise InvalidSubmissions(M.label("summary", files=len(result.files), errors=len(errors), warnings=len(result.warnings)), errors)
    return result, write_rollups(result, out, Store(ws.root))


def _submissions(ws: Workspace) -> list[Path]:
    """root/submissions, which must not lead out of the repository (a committed symlink to a folder elsewhere)."""
    folder = ws.submissions
    try:
        outside = folder.is_symlink() and not folder.resolve().is_relative_to(ws.root.resolve())
    except OSError:
        outside = True
    if outside:
        raise UsageError(M.label("submissions_outside", path=ws.shown(SUBMISSIONS), root=ws.shown(".")))
    return [folder]


class TrackedOutput(DocgenError):
    """git tracks a file in build/ or site/: the repository would be publishing its own outputs (exit 1)."""

    exit_code = 1


def _refuse_tracked(ws: Workspace, *folders: Path) -> None:
    """Nothing the repository commits under build/ or site/ is trusted: a forged 附件 committed there (with a manifest
    claiming it up to date) would be published as docgen's own. When git tracks any file there, stop before reading."""
    inside = [ws.relative(f).as_posix() for f in folders if not ws.relative(f).is_absolute()]
    if not inside:
        return
    from .history import git

    found = git.tracked(ws.root, inside)
    if found:
        raise TrackedOutput(M.label("output_tracked", path=found[0], count=len(found), folders=" ".join(inside)))


def _check_outputs(ws: Workspace, out: Path, confidential: Path | None = None, site: Path | None = None) -> None:
    """Before anything is written: no output folder may be a symlink (a committed build/ or site/ link would aim
    docgen's writes and deletions anywhere), and the confidential folder may lie neither in build/ nor in site/."""
    site = site or ws.site
    _refuse_tracked(ws, out, site)
    for folder in (out, site, confidential):
        if folder is not None:  # the whole tree: a link planted in build/2025-06/ would carry the first write elsewhere
            output.refuse_symlink(folder, within=True)
    if confidential is not None:
        real = confidential.resolve()
        if real.is_relative_to(site.resolve()):
            raise UsageError(M.label("confidential_inside_site", site=ws.shown(site), path=ws.shown(confidential)))
        if real.is_relative_to(out.resolve()):
            raise UsageError(M.label("confidential_inside_build", build=ws.shown(out), path=ws.shown(confidential)))


# --- new ----------------------------------------------------------------------------------


def _template(name: str) -> jinja2.Template:
    import jinja2

    text = resources.files("docgen.tooling").joinpath("scaffolds", name).read_text(encoding="utf-8")
    return jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined).from_string(text)


def _department_folder(period_dir: Path, code: str, name: str | None) -> Path:
    if period_dir.is_dir():
        for folder in sorted(period_dir.iterdir()):
            if folder.is_dir() and (folder.name == code or folder.name.startswith(code + "-")):
                return folder
    return period_dir / (f"{code}-{name}" if name else code)


def parse_period(period: str) -> tuple[int, int]:
    """「2025-06」 -> (2025, 6); a UsageError in Chinese for anything else, a month 13 included."""
    match = PERIOD_ARG.match(period.strip())
    if match is None:
        raise UsageError(M.label("period_form", period=period))
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12:
        raise UsageError(M.label("period_month", period=period, month=month))
    return year, month


def new(
    kind: str,
    root: Workspace | Path | None,
    period: str,
    department_code: str,
    *,
    code: str | None = None,
    name: str | None = None,
    unit: str | None = None,
    department: str | None = None,
) -> tuple[Path, list[str]]:
    """Scaffold a file that validates as it stands, with the schema modeline; its placeholders say what to fill in.

    Returns the file and notes for the user: a period without a roster, or a department or project the roster does
    not list, is allowed (a roster may come later) but said, since it usually means a mistyped code or period.
    """
    year, month = parse_period(period)
    ws = _workspace(root)
    period_dir = ws.submissions / f"{year}-{month:02d}"
    roster_file = period_dir / F.ROSTER_FILE
    roster_dept: dict[str, Any] = {}
    roster_project: dict[str, Any] = {}
    broken: Finding | None = None
    if roster_file.is_file():
        checked = check([roster_file], workspace=ws)
        broken = next((f for f in checked.findings if f.severity == "error"), None)
        for roster in checked.rosters:
            for dept in roster.departments:
                if dept.code == department_code:
                    roster_dept = {"name": dept.name, "unit": dept.units[0]}
                    roster_project = next(
                        (
                            {"name": p.name, "unit": p.unit, "research": p.research, "confidential": p.confidential}
                            for p in dept.projects
                            if p.code == code
                        ),
                        {},
                    )
    notes = []
    if not roster_file.is_file():
        notes.append(M.label("new_no_roster", bureau=profile_of(ws).bureau, roster=ws.shown(ws.relative(roster_file))))
    elif broken is not None and not roster_dept:  # a broken roster is not a roster without the department
        notes.append(M.label("new_roster_broken", roster=ws.shown(ws.relative(roster_file)), line=broken.line, column=broken.column))
    elif not roster_dept:
        notes.append(M.label("new_department_not_listed", code=department_code, roster=ws.shown(ws.relative(roster_file))))
    elif kind == "project" and not roster_project:
        notes.append(M.label("new_project_not_listed", code=code, roster=ws.shown(ws.relative(roster_file))))
    department = department or roster_dept.get("name") or "（主管部门全称）"
    folder = _department_folder(period_dir, department_code, department if department != "（主管部门全称）" else None)
    target = folder / (F.DEPARTMENT_FILE if kind == "department" else f"{code}.yaml")
    if target.exists():
        raise UsageError(M.label("exists", path=ws.shown(ws.relative(target))))
    schema_file = ws.root / "schema" / f"{kind}.schema.json"
    text = _template(f"{kind}.yaml.j2").render(
        schema=Path(os.path.relpath(schema_file, folder)).as_posix(),
        year=year,
        month=month,
        department=department,
        department_code=department_code,
        code=code,
        name=name or roster_project.get("name") or "（项目全称）",
        unit=unit or roster_project.get("unit") or roster_dept.get("unit") or "（预算单位全称）",
        research="true" if roster_project.get("research") else "false",
        confidential="true" if roster_project.get("confidential") else "false",
        form=profile_of(ws).form(kind),  # the repository's form (docgen.yaml): its title, its fund rows
        amounts=F.AMOUNT_FIELDS.values(),
        report_keys=F.REPORT_KEYS,
    )
    output.write_text(target, text)
    return ws.relative(target), notes


def new_review(kind: str, root: Workspace | Path | None, period: str, department_code: str, *, bureau: bool = False) -> Path:
    """Scaffold a review-folder file (审核意见 of the department or, with `bureau`, of 财政局; 整改; 结果应用) that
    validates as it stands: an empty list and a commented example. Returns it relative to the root."""
    year, month = parse_period(period)
    if not limits.CODE_CHARS.fullmatch(department_code) or len(department_code) > limits.MAX_CODE_CHARS:
        raise UsageError(M.message("E603", value=department_code[:40], whole=F.WHOLE_DEPARTMENT))
    ws = _workspace(root)
    folder = ws.submissions / f"{year}-{month:02d}" / F.REVIEW_FOLDER
    stem = {
        "review": f"{F.BUREAU if bureau else department_code}-{department_code}",
        "rectification": F.RECTIFICATION_PREFIX + department_code,
        "application": F.APPLICATION_PREFIX + department_code,
    }[kind]
    target = folder / f"{stem}.yaml"
    if target.exists():
        raise UsageError(M.label("exists", path=ws.shown(ws.relative(target))))
    reviewer = bureau or kind == "application"
    schema_file = ws.root / "schema" / review_form.SCHEMA_FILES[kind]
    text = _template(f"{kind}.yaml.j2").render(
        schema=Path(os.path.relpath(schema_file, folder)).as_posix(),
        year=year,
        month=month,
        department_code=department_code,
        unit=M.review_text("bureau_unit" if reviewer else "department_unit"),
        reviewer_name=M.review_text("bureau_name" if reviewer else "department_unit"),
    )
    output.write_text(target, text)
    return ws.relative(target)


def feedback(
    root: Workspace | Path | None,
    *,
    period: str | None = None,
    department: str | None = None,
    out: Path | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Write the bureau's 审核结果反馈 (.docx, 附件1's official style) per department and period: the opinions,
    each 退回 or red submission with its reason, the 整改 required with deadlines and the 结果应用 decided.
    涉密 projects are never named (their texts pass the redactor too). Returns the files written. Only valid
    submissions are reported on (a file with errors has no model to read)."""
    from .render import dates, templates
    from .render import feedback as letters
    from .render import pdf as pdfs

    ws = _workspace(root)
    result = check([ws.submissions], workspace=ws)  # a file with errors is left out (a returned one often has some)
    wanted = parse_period(period) if period else None
    secrets = confidential.secrets(ws.root, result)
    redact = secrets.redact
    analysis = analyse(result)
    withheld = confidential.withheld_paths(result)
    tpl = templates.find(ws.root)
    reference = tpl.path(templates.REPORT_DOCX)
    folder = out if out is not None else ws.build
    groups: dict[tuple[tuple[int, int], str], list[Project | Department]] = {}
    for sub in _submitted(result):
        key = ((sub.period.year, sub.period.month), sub.department_code)
        if (wanted is None or key[0] == wanted) and (department is None or key[1] == department):
            groups.setdefault(key, []).append(sub)
    if not groups:
        raise UsageError(M.review_text("feedback_none_found"))
    written = []
    for (when, code), subs in sorted(groups.items()):
        roster = next((r for r in result.rosters if (r.period.year, r.period.month) == when), None)
        listed = next((d for d in roster.departments if d.code == code), None) if roster else None
        name = listed.name if listed else next((s.department for s in subs if isinstance(s, Department)), subs[0].department)
        letter = _letter(result, analysis, subs, when, code, redact(name), listed, redact, withheld)
        letter = replace(letter, dated=dates.written_date(dates.document_date(subs[0].period)))
        target = letters.target(folder, letter)
        output.write_bytes(target, letters.document_bytes(letter, reference), owner=folder)
        written.append(target)
    if pdf:  # LibreOffice, as `docgen build --pdf`; each PDF dated like its letter
        converted = pdfs.convert(written, folder, tpl.path(templates.FONTS_CONF), dated=lambda p: dates.document_date(_period_of_letter(p)))
        if converted.problems:
            raise EnvironmentProblem("；".join(converted.problems))
        written += converted.pdfs
    return [ws.relative(p) for p in written]


def _period_of_letter(path: Path) -> Any:
    """The period a letter is for, from its folder (build/2025-06/…)."""
    from .form.model import Period

    year, month = parse_period(path.parent.name)
    return Period(year, month)


def _letter(
    result: Result,
    analysis: monitor.Analysis,
    subs: list[Project | Department],
    when: tuple[int, int],
    code: str,
    name: str,
    listed: Any,
    redact: Callable[[str], str],
    withheld: set[str] | frozenset[str] = frozenset(),
) -> Any:
    """What one department's letter says, as texts (render/feedback.Letter). The letter lands in build/, which is
    published: 涉密 projects are neither named nor counted (the overview's figures are of the public submissions
    alone, so they cannot be subtracted to give a 涉密 project's review state or light), and the 部门整体 of a
    withheld department (confidential.withheld_paths) gives no light or indicator findings: they are its figures."""
    from .form.model import Period
    from .render.feedback import Letter

    records = result.records
    public = [s for s in subs if not s.confidential]
    names = {s.code: s.name for s in public if isinstance(s, Project)}
    secret = {s.code for s in subs if isinstance(s, Project) and s.confidential} | {
        p.code for p in (listed.projects if listed else ()) if p.confidential
    }

    def label(sub: Project | Department) -> tuple[str, str]:
        return (sub.name, sub.code) if isinstance(sub, Project) else (M.review_text("whole_department"), name)

    def subject(code_or_whole: str) -> tuple[str, str]:
        if code_or_whole == F.WHOLE_DEPARTMENT:
            return M.review_text("whole_department"), name
        return names.get(code_or_whole, code_or_whole), code_or_whole

    opinions, problems = [], []
    for sub in public:
        title, shown = label(sub)
        for o in records.opinions_on(sub):
            opinions.append(
                M.review_text(
                    "feedback_opinion",
                    name=title,
                    code=shown,
                    conclusion=o.conclusion,
                    opinion=o.opinion,
                    reviewer=o.unit or o.reviewer,
                    date=o.date,
                )
            )
        if records.returned(sub):
            problems.append(M.review_text("feedback_returned", name=title, code=shown, reason=records.return_reason(sub)))
        sa = None if str(sub.path) in withheld else analysis.of(sub.path)
        if sa is not None and sa.light == LIGHT_RED:
            reasons = "；".join(dict.fromkeys(f.message for f in sa.findings if f.light == LIGHT_RED))
            problems.append(M.review_text("feedback_red", name=title, code=shown, reason=reasons))
    items = []
    for r in records.rectifications_of(when, code):
        if r.subject in secret:
            continue
        title, shown = subject(r.subject)
        items.append(
            M.review_text(
                "feedback_item",
                name=title,
                code=shown,
                problem=r.problem,
                measure=r.measure,
                owner=r.owner,
                deadline=r.deadline,
                status=r.status,
            )
        )
    applied = []
    for a in records.applications_of(when, code):
        if a.subject in secret:
            continue
        title, shown = subject(a.subject)
        amount = M.review_text("feedback_amount", amount=N.money(a.amount)) if a.amount is not None else ""
        number = M.review_text("feedback_number", number=a.document_number) if a.document_number else ""
        applied.append(
            M.review_text("feedback_application", name=title, code=shown, kind=a.kind, amount=amount, number=number, note=a.note)
        )
    listed_public = [p for p in listed.projects if not p.confidential and p.code not in secret] if listed else None
    expected = len(listed_public) if listed_public is not None else len([s for s in public if isinstance(s, Project)])
    shown_light = [s for s in public if str(s.path) not in withheld]
    overview = M.review_text(
        "feedback_overview",
        expected=expected,
        submitted=len(public),
        passed=sum(1 for s in public if records.conclusion(s) == F.REVIEW_CONCLUSIONS[0]),
        returned=sum(1 for s in public if records.returned(s)),
        red=sum(1 for s in shown_light if (sa := analysis.of(s.path)) is not None and sa.light == LIGHT_RED),
    )
    return Letter(
        period=Period(*when),
        code=code,
        department=name,
        overview=overview,
        opinions=[redact(t) for t in opinions],
        problems=[redact(t) for t in problems],
        rectifications=[redact(t) for t in items],
        applications=[redact(t) for t in applied],
    )


def _all_rosters(ws: Workspace) -> tuple[list[Roster], list[Finding]]:
    """Every period's roster, checked: the valid ones and the findings of all."""
    files = sorted(ws.relative(p) for p in ws.submissions.glob(f"*/{F.ROSTER_FILE}") if p.is_file() and not p.is_symlink())
    if not files:
        return [], []
    checked = check_files(files, root=ws.root)
    bad = checked.error_paths()
    rosters = [build_model("roster", doc.path, doc.data) for _, doc in checked.documents if str(doc.path) not in bad]
    return [r for r in rosters if isinstance(r, Roster)], checked.findings


def codeowners(root: Workspace | Path | None, platform: str) -> tuple[str, Path, list[Finding]]:
    """The code owners file for `platform` (github, gitlab, gitee) from the rosters' 审核人 and 财政局审核人: its
    text, where the platform reads it (relative to the root), and the rosters' findings. InvalidSubmissions when a
    roster has errors, UsageError when no roster names a reviewer."""
    from .tooling import owners

    ws = _workspace(root)
    rosters, findings = _all_rosters(ws)
    if any(f.is_error for f in findings):
        raise InvalidSubmissions(
            M.label("summary", files=len({f.path for f in findings}), errors=len([f for f in findings if f.is_error]), warnings=0)
        )
    if not rosters:
        raise UsageError(M.message("E607"))
    named = owners.owners_of(rosters)
    if not named.bureau and not any(named.departments.values()):
        raise UsageError(M.message("E608"))
    return owners.render(named, platform), Path(owners.TARGETS[platform]), findings


def check_scope(
    root: Workspace | Path | None,
    base: str | None = None,
    *,
    head: str | None = None,
    staged: bool = False,
    department: str | None = None,
    bureau: bool = False,
) -> list[Finding]:
    """E605 for each file a change touches beyond one department's (or the bureau's) files.

    The change is `base`...`head` (head default HEAD: what a pull request adds since it left `base`), or with
    `staged` what is staged for the next commit. Its scope is `department` when given, else the department of its
    first department file; `bureau` allows everything."""
    from .history.git import open_repo
    from .tooling import owners

    ws = _workspace(root)
    repo = open_repo(ws.root)
    spec = ("--", f":(top){repo.prefix}{SUBMISSIONS}")
    if staged:  # the hook: a bureau clerk's clone says so once (git config docgen.bureau true)
        bureau = bureau or repo.run("config", "--bool", "docgen.bureau", check=False).strip() == b"true"
        out = repo.run("diff", "--cached", "--name-only", "--no-renames", "-z", *spec)
    else:
        if base is None:
            raise UsageError(M.review_text("scope_no_base"))
        start, end = repo.resolve(base), repo.resolve(head or "HEAD")
        out = repo.run("diff", "--name-only", "--no-renames", "-z", f"{start}...{end}", *spec)
    paths = [repo.relative(p) for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    allowed, trespasses = owners.scope(paths, department, bureau)

    def whose(owner: str | None) -> str:
        return M.review_text("owner_bureau") if owner in (None, owners.BUREAU) else M.review_text("owner_department", code=owner)

    return [error(t.path, 1, 1, "E605", owner=whose(t.owner), path=t.path, allowed=whose(allowed)) for t in trespasses]


# --- a new period (issue 16): carried over from the last one, or a roster scaffolded ----------------------


@dataclass
class Opened:
    """What `docgen new period` / `docgen new roster` did: files created, files already there (never overwritten),
    and notes for the user (a guessed deadline, a source period without a roster)."""

    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_source(path: Path, ws: Workspace) -> str:
    """A file of the source period as text; refused (a finding) when it is a link, too large or not UTF-8."""
    from .check.load import decode

    limit = limits.MAX_ROSTER_BYTES if path.name == F.ROSTER_FILE else limits.MAX_FILE_BYTES
    raw = read_regular(path, limit)
    if raw is None:
        raise _Unreadable(error(ws.relative(path), 1, 1, "E115"))
    if len(raw) > limit:
        raise _Unreadable(error(ws.relative(path), 1, 1, "E108", size=f"> {limit >> 20} MiB", limit=f"{limit >> 20} MiB"))
    text, problems = decode(ws.relative(path), raw)
    if text is None:
        raise _Unreadable(problems[0])
    return text


class _Unreadable(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _carried(planned: list[tuple[Path, Path, Callable[[str], str]]], ws: Workspace, opened: Opened) -> list[tuple[Path, str]]:
    """Each (source, target, transform) turned into (target, text); every unreadable source reported at once, exit 1,
    nothing written. A target that exists is kept as it is, never overwritten."""
    from .tooling.carry import CarryError

    texts: list[tuple[Path, str]] = []
    problems: list[Finding] = []
    for source, target, transform in planned:
        if target.exists() or target.is_symlink():
            opened.kept.append(ws.relative(target))
            continue
        try:
            texts.append((target, transform(_read_source(source, ws))))
        except _Unreadable as exc:
            problems.append(exc.finding)
        except CarryError as exc:
            problems.append(error(ws.relative(source), exc.line, exc.column, "E550", detail=exc.detail))
    if problems:
        raise InvalidSubmissions(M.message("E551", count=len(problems)), problems)
    return texts


def new_period(root: Workspace | Path | None, period: str, source: str, *, deadline: date | None = None) -> Opened:
    """Open period `period` from `source` (`docgen new period 2025-09 --from 2025-06`): the roster and every submission
    carried over (tooling/carry.py says what is kept and what becomes 「未填报」), never overwriting a file that is
    there. The carried files validate as drafts and are refused by `build --strict` (E312) until filled."""
    from .tooling import carry

    new_p, old_p = carry.Period(*parse_period(period)), carry.Period(*parse_period(source))
    if (old_p.year, old_p.month) >= (new_p.year, new_p.month):
        raise UsageError(M.message("E552", period=new_p.folder, source=old_p.folder))
    if old_p.year != new_p.year:
        raise UsageError(M.message("E553", period=new_p.folder, source=old_p.folder))
    ws = _workspace(root)
    _submissions(ws)
    src, dst = ws.submissions / old_p.folder, ws.submissions / new_p.folder
    files = carry.source_files(src)
    roster = src / F.ROSTER_FILE
    if not files and not roster.is_file():
        raise UsageError(M.message("E554", folder=ws.shown(ws.relative(src))))
    opened = Opened()
    due = deadline or new_p.default_deadline()
    planned: list[tuple[Path, Path, Callable[[str], str]]] = []
    if roster.is_file():
        planned.append((roster, dst / F.ROSTER_FILE, lambda text: carry.carry_roster(text, old_p, new_p, due)))
        if deadline is None and not (dst / F.ROSTER_FILE).exists():
            opened.notes.append(
                M.message("W550", bureau=profile_of(ws).bureau, deadline=due.isoformat(), roster=ws.shown(ws.relative(dst / F.ROSTER_FILE)))
            )
    else:
        opened.notes.append(M.message("W551", roster=ws.shown(ws.relative(roster)), period=new_p.folder))
    for path in files:
        kind = kind_of(path)
        form = profile_of(ws).forms.get(kind) if kind in ("project", "department") else None  # the repository's forms
        transform = functools.partial(carry.carry_submission, kind=kind, old=old_p, new=new_p, form=form, profile=_own_forms(ws))
        planned.append((path, dst / path.parent.name / path.name, transform))
    for target, text in _carried(planned, ws, opened):
        output.write_text(target, text, owner=ws.submissions)
        opened.created.append(ws.relative(target))
    return opened


def new_roster(root: Workspace | Path | None, period: str, *, deadline: date | None = None) -> Opened:
    """Scaffold the roster of a period that has none (`docgen new roster --period 2025-09`): listing the departments,
    units and projects its folder already holds; else carried from the latest earlier roster of the year; else a
    template to fill. An existing roster is never overwritten."""
    from .tooling import carry

    new_p = carry.Period(*parse_period(period))
    ws = _workspace(root)
    _submissions(ws)
    folder = ws.submissions / new_p.folder
    target = folder / F.ROSTER_FILE
    if target.exists() or target.is_symlink():
        raise UsageError(M.label("exists", path=ws.shown(ws.relative(target))))
    due = deadline or new_p.default_deadline()
    opened = Opened()
    if deadline is None:
        opened.notes.append(M.message("W550", bureau=profile_of(ws).bureau, deadline=due.isoformat(), roster=ws.shown(ws.relative(target))))
    schema = Path(os.path.relpath(ws.root / "schema" / "roster.schema.json", folder)).as_posix()
    files = carry.source_files(folder)
    earlier = sorted(
        (p for p in ws.submissions.glob(f"{new_p.year}-*/{F.ROSTER_FILE}") if p.parent.name < new_p.folder and p.is_file()),
        key=lambda p: p.parent.name,
    )
    if files:
        text = carry.roster_from(_listed(files, ws), new_p, due, schema)
    elif earlier:
        old_p = carry.Period(*parse_period(earlier[-1].parent.name))
        [(_, text)] = _carried([(earlier[-1], target, lambda t: carry.carry_roster(t, old_p, new_p, due))], ws, opened)
        opened.notes.append(M.message("W552", roster=ws.shown(ws.relative(earlier[-1]))))
    else:
        text = _template("roster.yaml.j2").render(schema=schema, year=new_p.year, month=new_p.month, deadline=due.isoformat())
    output.write_text(target, text, owner=ws.submissions)
    opened.created.append(ws.relative(target))
    return opened


def _listed(files: list[Path], ws: Workspace) -> list[dict[str, Any]]:
    """Departments (code, name, units, projects) as the period's valid submission files state them, by code."""
    result = check(files, workspace=ws, cache=False)
    departments: dict[str, dict[str, Any]] = {}

    def department(code: str, name: str) -> dict[str, Any]:
        return departments.setdefault(code, {"code": code, "name": name, "units": [], "projects": []})

    for dept in result.departments:
        department(dept.department_code, dept.department)
    for project in sorted(result.projects, key=lambda p: p.code):
        entry = department(project.department_code, project.department)
        if project.unit not in entry["units"]:
            entry["units"].append(project.unit)
        flags = {"research": project.research, "confidential": project.confidential}
        entry["projects"].append({"code": project.code, "name": project.name, "unit": project.unit, **flags})
    for entry in departments.values():
        entry["units"] = entry["units"] or [entry["name"]]
    return [departments[code] for code in sorted(departments)]


# --- site ---------------------------------------------------------------------------------


def site(
    root: Workspace | Path | None = None,
    *,
    today: date | None = None,
    output: Path | None = None,
    cache: bool = True,
    records: bool = True,
) -> site_module.SiteResult:
    """Build the status site into site/ (MkDocs + Material, strict), sources in build/site-src/.

    Invalid submissions do not stop the site: they are shown as 「有错误」 with their messages, so the
    财政局 sees the period as it stands (`docgen validate` and `docgen build` are the gates).
    Confidential (涉密) submissions never appear. `today` is injectable for reproducible builds and tests.
    `records` False plans from the models even where the check could stream (the tests compare the two sites).
    """
    from .site import generate as site_module

    ws = _workspace(root)
    target = output or ws.root / site_module.OUTPUT
    _check_outputs(ws, ws.build, site=target)
    store = _store(ws, cache)
    result, view = _site_checked(ws, cache, records)
    # what the check kept lives to the end of the site: the collections from here walk only what is made after it
    # (as in `build`; ~1.5 s of the parent's CPU went to collections at 10,000 projects)
    with children.frozen():
        # the history is read once: for the pages and for the 涉密 list (former names, figures the public history prints)
        kept = store or Store(ws.root, enabled=False)
        past = site_module.read_past(ws.root, kept, result.profile)
        load, amounts = (view.load, view.printed) if view is not None else (None, None)
        secrets = confidential.secrets(
            ws.root, result, past=None if isinstance(past, DocgenError) else past, store=store, load=load, amounts=amounts
        )
        # pages found clean against this very 涉密 list in an earlier build are not scanned again (verdicts.py)
        files = FileDigests(kept, "site")  # pages and downloads of the last site: their digests by stat signature, not read
        scanned = Verdicts(kept, "published", secrets.digest(), files)
        theme = site_module.theme_files()  # its files as MkDocs copies them hold nothing of ours (lunr's numbers: redact.scan)
        built = site_module.build_site(
            ws.root,
            view.site_result() if view is not None else result,
            today=today or date.today(),
            build=ws.build,
            output=target,
            source=ws.site_source,
            store=kept,
            secrets=secrets,
            withheld=confidential.withheld_departments(result),
            # the last word before site/ is published (every page, the search index, the sitemap, every download),
            # said on the new site before it is swapped in: a leak leaves the previous site, never the leaking one
            check=lambda folder: confidential.check_published(folder, secrets, known=scanned, workers=None, theme=theme),
            past=past,
            files=files,
            reader=_SitePages.of(view) if view is not None else None,
        )
        sources = ws.site_source  # build/site-src: in build/, so published too
        try:
            confidential.check_published(sources, secrets, known=scanned, workers=None, theme=theme, words=frozenset({sources / WORD_LIST}))
        except Leak as exc:
            withdraw(sources)
            raise Leak(f"{exc}{M.label('leak_withdrawn', folder=ws.shown(ws.relative(sources)))}") from exc
        scanned.save()
        files.save()
        return built


def _site_checked(ws: Workspace, cache: bool, records: bool = True) -> tuple[Result, _RecordsView | None]:
    """The checked tree `docgen site` plans from: as `build` reads it (streamed, each project as its record and
    identity: the models are never all held, issue 18), else (a tree that cannot stream, a broken rules file: nothing
    judged) from the models."""
    if not ws.submissions.exists():
        return Result(files=[], findings=[]), None
    checked = check(_submissions(ws), workspace=ws, cache=cache, stream=records, figures=records, built=records)
    if checked.submission_records and checked.ruleset is None:
        checked = check(_submissions(ws), workspace=ws, cache=cache)
    return _viewed(ws, checked)


# --- diff ---------------------------------------------------------------------------------


def review_states(
    result: Result, root: Workspace | Path | None = None, *, branch: str | None = None
) -> dict[str, review_state.ReviewState]:
    """Each checked submission's review state (草稿/已报送/退回修改/已通过), by its root-relative path.

    From the review folder's records in `result` and from git: a file not on the main branch (`branch`, else
    main or master) is a 草稿; `first_arrived` is when the commit that added it reached the main branch (for
    lateness against the roster's 截止日期). Outside a repository nothing is a 草稿 and no arrival is known.
    `api.review_states(api.check([Path("submissions")]))[path].state` is "draft", "submitted", "returned" or
    "passed" (`.label` in Chinese)."""
    from .history import review_state

    ws = _workspace(root) if root is not None else Workspace.around(result.paths)
    submissions: list[Project | Department] = [*result.projects, *result.departments]
    return review_state.states(submissions, result.records, review_state.read_main(ws.root, branch))


def reference_date(period: tuple[int, int]) -> date:
    """The day 整改 deadlines are judged against: SOURCE_DATE_EPOCH's date when set, else the period's last day."""
    from .form.model import Period
    from .render import dates

    return dates.document_date(Period(*period)).date()


def review_findings(root: Path) -> revdiff.Verdicts:
    """The problems `docgen diff` reports as appeared/cleared/changed, and each submission's monitoring light: every
    finding docgen gives for root/submissions, named relative to `root` on both sides."""
    from .history import revdiff, review_state

    ws = Workspace.at(root)
    checked = check([ws.submissions], workspace=ws)
    analysis = checked.analysis
    lights = {path: verdict.light for path, verdict in analysis.submissions.items()} if analysis is not None else {}
    # each side's review state from that side's review records (a revision's tree has no main branch to ask: a file
    # present is 已报送 unless its records return or pass it); a 涉密 project's state is never compared
    shown: list[Project | Department] = [p for p in checked.projects if not p.confidential]
    shown += checked.departments
    unknown = review_state.MainBranch(None, frozenset(), {})
    states = {path: state.label for path, state in review_state.states(shown, checked.records, unknown).items()}
    targets = {path: c.changes for path, c in checked.comparisons.items() if c.changes}  # the rows against the approved targets
    return revdiff.Verdicts(checked.findings, lights, states, targets=targets)


def diff(root: Workspace | Path | None, base: str, head: str | None = None) -> revdiff.DiffResult:
    """Field-level changes of every submission between two git revisions (head None: the working tree).

    Made to be posted: a 涉密 file (by its own flag or the roster's) shows only that a confidential file changed."""
    return _public_diff(_workspace(root), base, head)[0]


def diff_text(root: Workspace | Path | None, base: str, head: str | None = None, fmt: str = "markdown") -> str:
    """`docgen diff`'s report (Markdown or JSON), every 涉密 name and code in it redacted once more."""
    from .history import diff_report

    compared, secrets = _public_diff(_workspace(root), base, head)
    return secrets.redact(diff_report.render(compared, fmt))


def _public_diff(ws: Workspace, base: str, head: str | None) -> tuple[revdiff.DiffResult, redact.Secrets]:
    from .history import revdiff

    compared = revdiff.compare_revisions(ws.root, base, head, review_findings)
    checked = check([ws.submissions], workspace=ws) if ws.submissions.is_dir() else Result([], [])
    secrets = confidential.secrets(ws.root, checked)
    for f in compared.files:
        if f.confidential and f.kind == "project":
            secrets.add(f.code, f.name)
    top = ws.root.resolve()
    withheld = {Path(os.path.relpath(Path(p).resolve(), top)).as_posix() for p in confidential.withheld_paths(checked)}
    return confidential.public_diff(compared, secrets, withheld), secrets


# --- data out for analysts (issue 17, item 7) -----------------------------------------------


#: The formats `docgen export` writes for analysts (tooling/tabular.py), beside the fill-in workbooks.
DATA_FORMATS = ("sqlite", "csv")
DATA_DEFAULTS = {"sqlite": Path("build") / "docgen.sqlite", "csv": Path("build") / "export-csv"}


def export_data(
    root: Workspace | Path | None, fmt: str, out: Path | None = None, *, period: str | None = None, region: str = ""
) -> list[Path]:
    """Every submission (errors too), figure, indicator, finding, review state and change as a SQLite file or CSV
    files (docs/export.md), for analysts. 涉密 projects never leave, and a withheld 部门整体 keeps no figure
    (tooling/tabular.py). `period` ("2025-06") limits the submissions to one period; the history stays whole."""
    from . import federation
    from .history import review_state
    from .history import timeline as history_module
    from .tooling import tabular

    ws = _workspace(root)
    region = federation.checked_region(region)
    target = out if out is not None else ws.root / DATA_DEFAULTS[fmt]
    if out is None or fmt == "csv":  # a folder docgen writes into: no link in it may carry a write elsewhere
        _check_outputs(ws, ws.build if out is None else target)
    else:  # one file named by the user: written beside itself and renamed, never through a linked folder
        output.refuse_symlink(target.parent)
    wanted = [ws.submissions] if period is None else [ws.submissions / "{}-{:02d}".format(*parse_period(period))]
    if not wanted[0].is_dir():
        raise UsageError(M.label("export_data_nothing", folder=ws.shown(ws.relative(wanted[0]))))
    result = check(_submissions(ws) if period is None else wanted, workspace=ws)
    secrets = confidential.secrets(ws.root, result)
    rel = ws.key
    hidden_paths = {rel(p.path) for p in result.projects if p.confidential}
    hidden_paths |= {rel(path) for _, _, path in confidential._raw_flagged(result)}
    hidden_paths |= {rel(p) for p in secrets.paths}

    def hidden(path: str) -> bool:
        return path in hidden_paths or bool(secrets.found_in(path))

    analysis = result.analysis
    evaluations = analysis.submissions if analysis is not None else {}
    modelled: list[Project | Department] = [*result.projects, *result.departments]
    subs: list[tuple[Project | Department | None, str, Evaluation | None]] = [
        (m, rel(m.path), evaluations.get(str(m.path)) or evaluate(m)) for m in modelled
    ]
    invalid = []
    known = {str(m.path) for m in modelled} | {str(r.path) for r in result.rosters}
    for path in result.paths:
        kind = kind_of(path)
        if str(path) in known or kind not in ("project", "department"):  # rosters, the review folder's records
            continue
        found = re.match(r"^(\d{4})-(\d{1,2})$", path.parent.parent.name)
        if found:
            dept = path.parent.name.split("-")[0]
            code = dept if kind == "department" else path.stem
            invalid.append((rel(path), Period(int(found[1]), int(found[2])), kind, dept, code, path.stem))
    periods: dict[str, tuple[Period, date | None]] = {r.period.key: (r.period, r.deadline) for r in result.rosters}
    for model in modelled:
        periods.setdefault(model.period.key, (model.period, None))
    for _, p, *_rest in invalid:
        periods.setdefault(p.key, (p, None))
    entries: list[Any] = []
    shallow = False
    try:
        found_history = history_module.read_history(ws.root, store=_store(ws, True)).public()
        entries = list(reversed(found_history.recent(limit=sys.maxsize)))  # oldest first
        shallow = found_history.shallow is not None
    except DocgenError:
        pass  # outside a repository: no history, no arrival
    # the review states and arrivals the site and `docgen feedback` show: one reading of the main branch (a shallow
    # clone would make every file seem to arrive at the cut, so no arrival is given then)
    main = review_state.read_main(ws.root)
    states = review_state.states(modelled, result.records, main)
    arrivals = {
        path: tabular.Arrival(None if shallow else main.arrived.get(path), states[path].state if path in states else None)
        for path in {*main.arrived, *states}
        if not hidden(path)
    }
    data = tabular.collect(
        submissions=subs,
        findings=result.findings,
        periods=periods,
        hidden=hidden,
        withheld={rel(p) for p in confidential.withheld_paths(result)},
        arrivals=arrivals,
        history=entries,
        redact=secrets.redact,
        invalid=invalid,
        records=result.records,
        today=reference_date,
        metadata=federation.export_metadata(profile_of(ws), region, wanted[0].name if period else None, confidential.pool_size(analysis)),
    )
    try:
        return [tabular.write_sqlite(data, target)] if fmt == "sqlite" else tabular.write_csv(data, target)
    except OSError as exc:  # a folder where the file should be, a read-only disk: said in Chinese, nothing half-written
        raise write_problem(exc) from exc


# --- fmt ----------------------------------------------------------------------------------


#: Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 24


def fmt(paths: list[Path], *, write: bool = True, workspace: Workspace | None = None) -> list[fmt_module.Formatted]:
    """Canonical form for files or folders; with `write`, changed files are replaced atomically.

    ruamel's round trip costs ~30 ms a file (benchmarks/tooling.py), so a large tree is spread
    over the CPUs.
    """
    from .tooling import fmt as fmt_module

    ws = workspace or Workspace.around(paths)
    files = [ws.file(p) for p in _existing_files(paths, ws)]
    workers = min(os.cpu_count() or 1, len(files) // PARALLEL_FROM)
    profile = _own_forms(ws)
    one = functools.partial(fmt_module.format_file, profile=profile)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=children.die_with_parent, initargs=(os.getpid(),)) as pool:
            results = list(pool.map(one, files, chunksize=8))
    else:
        results = [one(path) for path in files]
    if write:
        for result in results:
            if result.changed and result.after is not None:
                output.write_text(result.path, result.after)
    return [_fmt_relative(result, ws) for result in results]


def _own_forms(ws: Workspace) -> Profile | None:
    """The repository's profile when it is not the default (fmt, import and new period order keys by its schema)."""
    profile = profile_of(ws)
    return None if profile.id == DEFAULT_PROFILE_ID else profile


def _fmt_relative(result: fmt_module.Formatted, ws: Workspace) -> fmt_module.Formatted:
    """A fmt result named as docgen names files: relative to the project root (its findings too)."""
    path = ws.relative(result.path)
    return replace(result, path=path, findings=[replace(f, path=ws.key(f.path)) for f in result.findings])


# --- before a commit ----------------------------------------------------------------------


def staged_workspace(ws: Workspace) -> Workspace:
    """The project whose files are staged: `ws`, or, when `ws` holds no submissions/ (git runs its hooks from the
    repository's top and the project may live in a subfolder, city/submissions/…), the one the staged files are in."""
    from .tooling import hook

    if ws.submissions.is_dir():
        return ws
    nested = hook.staged_project_roots(ws.root, SUBMISSIONS)
    if len(nested) > 1:
        raise UsageError(M.label("staged_several_projects", roots="、".join(ws.shown(ws.relative(r)) for r in nested)))
    return Workspace(nested[0], ws.here) if nested else ws


def check_staged(cwd: Path | None = None, rules: Path | None = None, *, workspace: Workspace | None = None) -> Result:
    """Validate what is about to be committed: the staged versions of the staged submission files, and of
    schema/rules.yaml when it is staged.

    The other files of the staged files' periods, as the index holds them, are context for the rules across
    files (a staged project repeating a committed project's code is E309); only findings located in the staged
    files, or naming one, are reported, so a problem in someone else's committed file never blocks a commit.
    Findings name the files relative to the project root, as every check does (the export has the same layout),
    with the line numbers of the staged text. The rules in force are the staged schema/rules.yaml when it is
    staged, else the working tree's (or `rules`).
    """
    from .tooling import hook

    ws = staged_workspace(workspace or Workspace.find(cwd))
    repo = hook.open_root(ws.root, SUBMISSIONS)
    staged = hook.staged_submissions(repo, SUBMISSIONS)
    staged_rules = hook.staged_files(repo, ws.key(ws.rules))
    if not staged and not staged_rules:
        return Result(files=[], findings=[])
    context = hook.period_context(repo, staged)
    own_rules = _rules_file(ws, rules) if rules is not None or not staged_rules else None
    checked = staged + staged_rules
    import tempfile  # only the hook's check exports the staged files

    with tempfile.TemporaryDirectory(prefix="docgen-staged-") as tmp:
        export = Workspace(hook.export_index(repo, checked + context, Path(tmp).resolve()), ws.here)
        in_force = ws.file(own_rules) if own_rules else export.rules if staged_rules else None
        result = check([export.file(path) for path in checked], in_force, workspace=export, context=[Path(p) for p in context])
    files, paths = [Path(ws.shown(path)) for path in checked], [Path(path) for path in checked]
    # a commit is on its way to the official 报送: an unfilled template is refused here as build refuses it (E313)
    unfilled = [f for f in result.findings if f.code in UNFILLED]
    findings = result.findings
    if unfilled:
        findings = sorted([*findings, *refusals(result)], key=lambda f: (f.path, f.line, f.column, f.code))
    return replace(result, files=files, paths=paths, findings=findings)


def install_hook(
    cwd: Path | None = None, *, force: bool = False, uninstall: bool = False, workspace: Workspace | None = None
) -> tuple[Path, Path | None]:
    """Install (or remove) the plain git pre-commit hook that runs `docgen validate --staged`."""
    from .tooling import hook

    ws = workspace or Workspace.find(cwd)
    repo = hook.open_root(ws.root, SUBMISSIONS)
    if uninstall:
        return Path(ws.shown(hook.uninstall(repo))), None
    target, backup = hook.install(repo, force=force)
    return Path(ws.shown(target)), backup and Path(ws.shown(backup))


# --- clean --------------------------------------------------------------------------------


@dataclass
class Cleaned:
    """What `docgen clean` removed: the project's cache folders, and with `outputs` build/ and site/."""

    cache: list[Path]
    outputs: list[Path]


def clean(root: Workspace | Path | None = None, *, outputs: bool = False) -> Cleaned:
    """Delete docgen's cache of this project (cache.Store, in the user's cache folder); with `outputs`, build/ and
    site/ too. Every deletion goes through output.remove, which refuses anything outside the folder that owns it."""
    ws = _workspace(root)
    removed = Store(ws.root).clear()
    gone = []
    if outputs:
        for folder in (ws.build, ws.site):
            if output.remove(folder, ws.root):
                gone.append(folder)
    return Cleaned(removed, gone)


# --- profiles (issue 15): the repository's forms as data ---------------------------------------------------


def profile(root: Workspace | Path | None = None) -> Profile:
    """The profile the repository chose in docgen.yaml (else the default): what every stage draws and checks by."""
    return profile_of(_workspace(root))


def profile_here() -> Profile:
    """The profile of the repository the user stands in, else the default (for `docgen schema` outside one)."""
    try:
        ws = Workspace.find()
    except UsageError:
        return forms.DEFAULT
    return profile_of(ws)


def profile_list(root: Workspace | Path | None = None) -> tuple[list[Profile], str | None]:
    """The built-in profiles, and the id of the one the repository uses (None outside a repository)."""
    try:
        current: str | None = profile_of(_workspace(root)).id
    except DocgenError:
        current = None
    return [forms.builtin(i) for i in forms.builtin_ids()], current


def profile_check(path: Path | None = None, root: Workspace | Path | None = None) -> tuple[Profile | None, list[Finding], Path]:
    """A profile file checked with every mistake located (`docgen profile check`): `path` as typed, else the file
    docgen.yaml names, else the built-in it names (or the default). Never raises for the file's own mistakes."""
    from .check.profile import check_file

    if path is not None:
        ws = Workspace.around([path])
        relative = ws.relative(ws.absolute(path))
        if not ws.absolute(path).is_file():
            raise UsageError(M.PROFILE["file_missing"].format(path=path))
        profile, found = check_file(relative, ws.root if not relative.is_absolute() else None)
        return profile, found, relative
    ws = _workspace(root)
    choice = ws.profile_choice
    if choice is not None and choice.path is not None:
        profile, found = check_file(Path(choice.path), ws.root)
        return profile, found, Path(choice.path)
    chosen = profile_of(ws)
    builtin = forms.builtin_path(chosen.id)
    profile, found = check_file(builtin)
    return profile, found, builtin


def profile_show(kind: str = "project", root: Workspace | Path | None = None) -> str:
    """The form of `kind` drawn in text as the repository's profile defines it (`docgen profile show`)."""
    from .form import sketch

    try:
        ws = _workspace(root)
    except UsageError:
        return sketch.draw(forms.DEFAULT, kind)
    return sketch.draw(profile_of(ws), kind)


# --- sharded builds (issue 18, item 3) ------------------------------------------------------------


def _revision(ws: Workspace, result: Result, rules: Path | None) -> str:
    """One digest of every input a build reads: the submissions and rosters (as checked) and the rules in force.

    Two shards agree on it exactly when they built the same tree, whatever the commit or the runner's checkout path."""
    import hashlib

    h = hashlib.sha256(b"docgen-revision\x00")
    for path, digest in sorted((ws.relative(Path(p)).as_posix(), d) for p, d in result.digests.items()):
        h.update(f"{path}\x00{digest}\x00".encode())
    for extra in (ws.absolute(rules) if rules else ws.rules, default_rules_path()):
        h.update(extra.read_bytes() if extra.is_file() else b"-")
        h.update(b"\x00")
    return h.hexdigest()


def _profile_id(ws: Workspace) -> str:
    """The forms in force: the docgen version and the profile the repository picks (its id and digest)."""
    chosen = profile_of(ws)  # its digest covers a profile file of the repository's own, not only docgen.yaml
    return f"docgen {__version__}; {chosen.id} {chosen.digest[:16]}"


def _summary_entries(result: Result, root: Path, view: _RecordsView | None = None) -> dict[str, dict[str, Any] | None]:
    """Each submission's summary.json entry by path (None for a 涉密 project: summary.json only counts it); from the
    records with `view`."""
    if view is not None:
        return view.entries()
    data = summary(result, root)
    entries: dict[str, dict[str, Any] | None] = {}
    published = iter(s for p in data["periods"] for s in p["submissions"])
    subs: list[Project | Department] = [*result.departments, *result.projects]
    for sub in sorted(subs, key=lambda s: (s.period.key, s.department_code, s.kind != "department", s.path.as_posix())):
        entries[str(sub.path)] = None if sub.confidential else next(published)
    return entries


@dataclass
class Sharded:
    """What `build_shard` produced: the checked tree, the record written, and the render stage's report."""

    result: Result
    record: Path
    departments: int
    submissions: int
    rendered: engine.Rendered


def default_record(ws: Workspace, shard: int, total: int) -> Path:
    """shards/shard-K-of-N.json at the repository's root: outside build/, so build/ stays byte-identical."""
    return ws.root / "shards" / f"shard-{shard}-of-{total}.json"


def build_shard(
    root: Workspace | Path | None = None,
    shard: tuple[int, int] = (1, 1),
    out: Path | None = None,
    *,
    record: Path | None = None,
    rules: Path | None = None,
    force: bool = False,
    pdf: bool = False,
    include_confidential: Path | None = None,
    jobs: int | None = None,
    progress: engine.Progress | None = None,
    cache: bool = True,
    strict: bool = False,
) -> Sharded:
    """`docgen build --shard K/N`: check the whole tree, render only the departments `shard_of` gives shard K, and
    write the shard record `merge` reads. The roll-ups and summary.json are left to `merge`.

    Every shard checks the whole tree, so a cross-department error (a project code in two departments, a roster
    without its submissions) stops every shard exactly as it stops `build`; the merge checks it once more."""
    from . import shard as S
    from .render import engine, templates

    k, n = shard
    ws = _workspace(root)
    out = out or ws.build
    target = _at_root(ws, record) if record is not None else default_record(ws, k, n)
    where = target.resolve()
    if not where.is_relative_to(ws.root.resolve()) or where.is_relative_to(out.resolve()):
        raise UsageError(M.message("E811", path=ws.shown(target)))
    _check_outputs(ws, out, include_confidential)
    result = _buildable(ws, out, rules, cache=cache, strict=strict, records=True)
    result, view = _viewed(ws, result)  # as build(): a project read whole only where this shard renders it
    tpl = templates.find(ws.root)
    engine.check_templates(tpl)
    records = Store(ws.root)
    secrets = _secrets(ws, result, view, cache)
    options = _render_options(  # the very options build() renders with: the outputs are byte-identical
        ws,
        result,
        rules,
        records,
        secrets,
        force=force,
        pdf=pdf,
        include_confidential=include_confidential,
        jobs=jobs,
        progress=progress,
        extra_sections=view.drafted if view is not None else None,
        returned=view.returned if view is not None else None,
    )
    names = options.department_names
    chosen = [ev for ev in _planned(result, view, options) if S.shard_of(ev.submission.department_code, n) == k]
    mine = [ev.submission for ev in chosen if isinstance(ev.submission, Project | Department)]
    rendered = engine.render_all(chosen, out, tpl, options)
    rendered.problems += _publish(ws, out, secrets, include_confidential)
    entries = _summary_entries(result, ws.root, view)
    groups = {(s.period, s.department_code, names.get((s.period.key, s.department_code), s.department)) for s in mine}
    outputs = _shard_outputs(out, groups)
    rec = S.Record(
        generator=f"docgen {__version__}",
        shard=k,
        of=n,
        revision=_revision(ws, result, rules),
        profile=_profile_id(ws),
        submissions=tuple(
            sorted(
                (
                    S.Submission(
                        path=_recorded_name(ws, result, s),
                        digest=_recorded_digest(ws, result, s),
                        department=s.department_code,
                        period=s.period.key,
                        confidential=bool(s.confidential),
                        entry=entries[str(s.path)],
                    )
                    for s in mine
                ),
                key=lambda sub: sub.path,  # by the written name: a 涉密 file's place in the list tells nothing either
            )
        ),
        outputs=tuple(outputs),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(target, rec.to_json(), owner=target.parent)
    return Sharded(result, target, len({(g[0].key, g[1]) for g in groups}), len(mine), rendered)


def _at_root(ws: Workspace, typed: Path) -> Path:
    """A shard record's path as given to --record or `docgen merge`: a relative one is read from the repository root,
    wherever the command runs (CI runs at the root; a clerk in submissions/ means the same file), as the default is."""
    return typed if typed.is_absolute() else ws.root / typed


def _recorded_name(ws: Workspace, result: Result, sub: Project | Department) -> str:
    """A submission's name in a shard record: its root-relative path, or for 涉密 a keyed hash of it (shard.hidden_name):
    the record is a CI artifact, often public, and must name no 涉密 file."""
    from . import shard as S

    path = ws.relative(sub.path).as_posix()
    return S.hidden_name(path, result.digests[str(sub.path)]) if sub.confidential else path


def _recorded_digest(ws: Workspace, result: Result, sub: Project | Department) -> str:
    """The SHA-256 of a submission's bytes; for 涉密 the hash of its hidden name, which already covers the bytes."""
    from . import shard as S

    if sub.confidential:
        return _recorded_name(ws, result, sub).removeprefix(S.HIDDEN)
    return result.digests[str(sub.path)]


def _shard_outputs(out: Path, groups: set[tuple[Any, str, str]]) -> list[tuple[str, str]]:
    """The files a shard's departments own in build/ (their folder, bundle and one-PDF 报送), with their SHA-256;
    the department 汇总表 is the merge's, so it is left out even when an older build left one there."""
    from . import shard as S
    from .render import paths

    found: set[Path] = set()
    for period, code, name in groups:
        folder = paths.department_dir(out, period, code, name)
        skip = paths.department_rollup(out, period, code, name)
        if folder.is_dir():
            found.update(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p != skip)
        for single in (paths.bundle(out, period, code, name), paths.dossier(out, period, code, name)):
            if single.is_file() and not single.is_symlink():
                found.add(single)
    return [(p.relative_to(out).as_posix(), S.file_digest(p)) for p in sorted(found)]


@dataclass
class Merged:
    """What `merge` produced: the checked tree, the shard records read, and the files it wrote."""

    result: Result
    summary: Path
    shards: int
    written: list[Path]
    notes: list[str] = field(default_factory=list)  # what was done besides (_publish)


def merge(
    record_files: list[Path],
    root: Workspace | Path | None = None,
    out: Path | None = None,
    *,
    rules: Path | None = None,
    cache: bool = True,
    strict: bool = False,
) -> Merged:
    """`docgen merge`: from N shard records (and the shards' department outputs already in build/), write what a
    single `docgen build` writes besides them: summary.json and the 汇总表, byte-identical.

    Before anything is written: the records must form one whole set (E802, E805, E806), be intact (E803, E804), be
    of this tree (E807) and agree with what the merge computes from it (E808, E810), and every output they list must
    be in build/ with its recorded bytes (E809). The roll-ups are computed here from the tree (check and evaluate,
    no rendering): cross-department checks run here once more, over the whole roster."""
    from . import shard as S
    from .render import rollup  # as build(): the 汇总表 load only for the commands that write them

    ws = _workspace(root)
    out = out or ws.build
    _check_outputs(ws, out)
    recs = S.complete([S.read(_at_root(ws, p), ws.shown(_at_root(ws, p))) for p in record_files])
    result = _buildable(ws, out, rules, cache=cache, strict=strict, records=True)
    result, view = _viewed(ws, result)  # as build(): no project's model held (issue 18 at 100,000 projects)
    _verify_records(ws, out, result, recs, rules, _summary_entries(result, ws.root, view))
    built = _city_rollups(result, view)
    records = Store(ws.root)
    target = _write_summary(ws, result, view, out)
    written = [target]
    keys = view.department_keys() if view is not None else None
    written += rollup.write_departments(out, analyse(result), result.rosters, built=built, store=records, keys=keys)
    written += rollup.write_city(out, analyse(result), result.rosters, built=built, store=records)
    secrets = _secrets(ws, result, view, cache)
    notes = _publish(ws, out, secrets)
    return Merged(result, target, len(recs), written, notes)


def _verify_records(
    ws: Workspace, out: Path, result: Result, recs: list[Any], rules: Path | None, entries: dict[str, dict[str, Any] | None]
) -> None:
    """Every check of `merge` that needs the tree: same revision and profile, each submission in exactly one record,
    in the shard its department belongs to, with the entry this tree gives it (`entries`, _summary_entries); every
    listed output present and intact."""
    from . import shard as S

    first = recs[0]
    if first.revision != _revision(ws, result, rules):
        raise S.ShardError(M.message("E807", path=first.source, why=M.label("shard_changed")))
    if first.profile != _profile_id(ws):
        raise S.ShardError(
            M.message("E805", what=M.label("shard_profile"), a=first.source, b="docgen.yaml", x=first.profile[:60], y=_profile_id(ws))
        )
    subs: list[Project | Department] = [*result.departments, *result.projects]
    origin = {str(s.path): s for s in subs}
    tree = {_recorded_name(ws, result, origin[p]): p for p in entries}  # a 涉密 file by its hidden name only
    seen: dict[str, str] = {}
    for rec in recs:
        for sub in rec.submissions:
            if sub.path in seen:
                raise S.ShardError(M.message("E807", path=sub.path, why=M.label("shard_twice")))
            seen[sub.path] = rec.source
            if sub.path not in tree:
                raise S.ShardError(M.message("E807", path=sub.path, why=M.label("shard_missing_in_tree")))
            key = tree[sub.path]
            owner = origin[key]
            if (sub.department, sub.period) != (owner.department_code, owner.period.key):
                raise S.ShardError(M.message("E808", where=rec.source, path=sub.path))
            if _recorded_digest(ws, result, owner) != sub.digest:
                raise S.ShardError(M.message("E807", path=sub.path, why=M.label("shard_changed")))
            expected = S.shard_of(sub.department, rec.of)
            if expected != rec.shard:
                raise S.ShardError(
                    M.message("E810", where=rec.source, path=sub.path, department=sub.department, expected=expected, shard=rec.shard)
                )
            if json.loads(json.dumps(entries[key], ensure_ascii=False)) != sub.entry or sub.confidential != (entries[key] is None):
                raise S.ShardError(M.message("E808", where=rec.source, path=sub.path))
    for path in sorted(set(tree) - set(seen)):
        raise S.ShardError(M.message("E807", path=path, why=M.label("shard_not_recorded")))
    for rec in recs:
        for rel, digest in rec.outputs:
            target = out / rel
            if not output.inside(target, out) or target.is_symlink() or not target.is_file():
                raise S.ShardError(M.message("E809", where=rec.source, path=rel, why=M.label("shard_output_missing")))
            if S.file_digest(target) != digest:
                raise S.ShardError(M.message("E809", where=rec.source, path=rel, why=M.label("shard_output_changed")))


# --- federation (issue 18, item 4): an upper level's roll-up of lower levels' exports -----------------------------


@dataclass
class Federated:
    """What `merge --from` produced: the exports read (checked), the periods rolled up, the files written."""

    sources: list[Any]  # federation.Source
    periods: list[str]
    written: list[Path]
    warnings: list[str] = field(default_factory=list)  # W820: a period some regions have no data for


def federate(exports: list[Path], root: Workspace | Path | None = None, out: Path | None = None) -> Federated:
    """`docgen merge --from`: roll up lower levels' exports (docs/federation.md) into build/federation/: summary.json,
    汇总表.xlsx, 汇总.md and index.html. Every export is read and checked before anything is written; a relative
    path is read from where the command runs (exports come from elsewhere, unlike shard records, which live in the
    repository). The upper level's own profile names its level."""
    from . import federation

    ws = _workspace(root)
    folder = out or ws.build / "federation"
    _check_outputs(ws, ws.build)
    sources = federation.read_all((ws.absolute(p), ws.shown(ws.absolute(p))) for p in exports)
    rolled = federation.roll_up(sources)
    try:
        written = federation.write(folder, sources, rolled, profile_of(ws).level)
    except OSError as exc:
        raise write_problem(exc) from exc
    return Federated(sources, [p.period for p in rolled], written, [w for p in rolled for w in p.warnings])


# --- import: filled 附件2/附件3 workbooks into submissions ----------------------------------------


@dataclass
class Planned:
    """One submission an import would write: where, from which sheet, its new text and what changes."""

    target: Path  # relative to the project root
    source: str  # 「附件2-….xlsx 工作表「附件2」」
    text: str
    before: str | None  # the existing file's text, None for a new file
    changes: list[str] = field(default_factory=list)  # field-level changes (history/changes.py), one line each

    @property
    def status(self) -> str:
        if self.before is None:
            return "created"
        return "updated" if self.changes else "same"


@dataclass
class Imported:
    """What `docgen import` did (or, with problems, refused to do: then nothing was written)."""

    planned: list[Planned] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)  # tooling.importer.Problem, located on the spreadsheets
    refused: list[Planned] = field(default_factory=list)  # existing files that would change, without --force
    workbooks: int = 0
    #: warnings and hints (W4xx…) of the files written (or, dry run, to be written), as `docgen validate` finds them
    findings: list[Finding] = field(default_factory=list)
    written: bool = False


def import_workbooks(files: list[Path], *, force: bool = False, dry_run: bool = False, workspace: Workspace | None = None) -> Imported:
    """Read filled 附件2/附件3 workbooks into submissions: every problem at once, and nothing written unless there
    are none (all or nothing). An existing file that would change is replaced only with `force`; otherwise its
    field-level changes are returned in `refused`. `dry_run` plans and checks without writing."""
    from .tooling import importer, sheets

    ws = workspace or Workspace.find()
    forms = profile_of(ws).forms  # read through the very description the repository's forms are written from
    outcome = Imported(workbooks=len(files))
    reads: list[Any] = []
    for path in files:
        shown = str(path)
        try:
            book = sheets.open_workbook(ws.here / path if not path.is_absolute() else path, shown)
        except sheets.SheetProblem as exc:
            outcome.problems.append(importer.Problem(shown, None, None, exc.code, str(exc)))
            continue
        found, problems = importer.read_workbook(book, forms)
        outcome.problems += problems
        for read in found:
            outcome.problems += read.problems
            reads.append(read)
    targets: dict[Path, Any] = {}
    for read in reads:
        if read.problems or read.period is None:
            continue
        target = _import_target(ws, read, outcome)
        if target is None:
            continue
        if target in targets:
            other = targets[target]
            outcome.problems.append(
                importer.Problem(
                    read.file, read.sheet, read.anchor, "E519", M.message("E519", other=_sheet_name(other), target=ws.shown(target))
                )
            )
            continue
        targets[target] = read
    for target, read in targets.items():
        plan = _plan(ws, target, read)
        if isinstance(plan, str):  # the code of why it cannot be written there
            outcome.problems.append(importer.Problem(read.file, read.sheet, read.anchor, plan, M.message(plan, path=ws.shown(target))))
        else:
            outcome.planned.append(plan)
    if outcome.problems:
        return outcome
    _validate_imports(ws, outcome, targets, importer)
    if outcome.problems:
        return outcome
    outcome.refused = [p for p in outcome.planned if p.status == "updated" and not force]
    if outcome.refused or dry_run:
        return outcome
    for plan in outcome.planned:
        if plan.status != "same":
            output.write_text(ws.file(plan.target), plan.text, owner=ws.submissions)
    outcome.written = True
    return outcome


K_DEPT_CODE = F.KEYS["department_code"]


def _sheet_name(read: Any) -> str:
    return f"{read.file} 工作表「{read.sheet}」"


def _import_target(ws: Workspace, read: Any, outcome: Imported) -> Path | None:
    """Where an imported form belongs, by the rules `docgen new` follows: submissions/<period>/<code>-<name>/ (an
    existing folder of that code first), 部门整体.yaml or <项目代码>.yaml. A project's code is not on 附件2: it comes
    from the period's roster (by department code and project name), else from a file of that name already in the
    folder, else from docgen's own file name (附件2-<code>-<name>.xlsx)."""
    from .names import safe
    from .tooling import importer

    data = read.data
    period: str = read.period.key
    period_dir = ws.submissions / period
    roster = _roster_of(ws, period_dir)
    if K_DEPT_CODE not in data:  # a form without the department's code (Hubei's 主管部门): the roster's, by name
        named = str(data.get(F.KEYS["department"], "")).strip()
        dept = next((d for d in roster.departments if d.name == named), None) if roster else None
        if dept is None:
            roster_path = ws.shown(ws.relative(period_dir / F.ROSTER_FILE))
            outcome.problems.append(
                importer.Problem(
                    read.file, read.sheet, read.cell_of((F.KEYS["department"],)), "E534", M.message("E534", roster=roster_path, name=named)
                )
            )
            return None
        data[K_DEPT_CODE] = dept.code
    code = str(data[K_DEPT_CODE])
    if not limits.CODE_CHARS.fullmatch(code):
        outcome.problems.append(
            importer.Problem(
                read.file,
                read.sheet,
                read.cell_of((K_DEPT_CODE,)),
                "E508",
                M.message("E508", label=importer.ident_label(read.form, "department_and_code"), value=code),
            )
        )
        return None
    dept = next((d for d in roster.departments if d.code == code), None) if roster else None
    name = dept.name if dept else str(data.get(F.KEYS["department"], ""))
    folder = _department_folder(period_dir, code, safe(name) if name else None)
    if read.kind == "department":
        return ws.relative(folder / F.DEPARTMENT_FILE)
    project_name = str(data.get(F.KEYS["project_name"], ""))
    project = next((p for p in dept.projects if p.name == project_name), None) if dept else None
    if project is not None:
        data[F.KEYS["project_code"]] = project.code
        read.flags = {F.KEYS["research"]: project.research, F.KEYS["confidential"]: project.confidential}
    else:
        found = _project_code_beside(folder, project_name) or _project_code_from_name(read.file, project_name)
        if found is None or not limits.CODE_CHARS.fullmatch(found):
            roster_path = ws.shown(ws.relative(period_dir / F.ROSTER_FILE))
            outcome.problems.append(
                importer.Problem(
                    read.file,
                    read.sheet,
                    read.cell_of((F.KEYS["project_name"],)),
                    "E509",
                    M.message("E509", roster=roster_path, department_code=code, name=project_name),
                )
            )
            return None
        data[F.KEYS["project_code"]] = found
    read.data = _in_order(read.form, data)
    return ws.relative(folder / f"{data[F.KEYS['project_code']]}.yaml")


def _in_order(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The keys in the form's order (its fields), the form's own rows and check-box groups after them."""
    order = [f.key for f in form.fields]
    return {**{k: data[k] for k in order if k in data}, **{k: v for k, v in data.items() if k not in order}}


def _roster_of(ws: Workspace, period_dir: Path) -> Roster | None:
    path = period_dir / F.ROSTER_FILE
    if not path.is_file() or path.is_symlink():
        return None
    checked = check_files([ws.relative(path)], root=ws.root)
    built = [build_model("roster", doc.path, doc.data) for _, doc in checked.documents if not checked.errors]
    return next((r for r in built if isinstance(r, Roster)), None)


def _project_code_beside(folder: Path, name: str) -> str | None:
    """The code of the one project file in `folder` whose 项目名称 is `name` (never through a link)."""
    if not folder.is_dir() or folder.is_symlink():
        return None
    from .check.load import load_file

    codes = []
    for path in sorted(folder.iterdir()):
        if path.suffix in F.YAML_SUFFIXES and not path.is_symlink() and kind_of(path) == "project":
            doc, _ = load_file(path)
            if doc is not None and isinstance(doc.data, dict) and doc.data.get(F.KEYS["project_name"]) == name:
                codes.append(str(doc.data.get(F.KEYS["project_code"], path.stem)))
    return codes[0] if len(codes) == 1 else None


def _project_code_from_name(file: str, name: str) -> str | None:
    """docgen's own 附件2 file name, 「附件2-<code>-<name>.xlsx」 (render/paths.py), names the project's code."""
    from .names import safe

    stem = Path(file).stem
    head, tail = "附件2-", f"-{safe(name)}"
    if stem.startswith(head) and stem.endswith(tail) and len(stem) > len(head) + len(tail):
        return stem[len(head) : -len(tail)]
    return None


def _plan(ws: Workspace, target: Path, read: Any) -> Planned | str:
    """The text an import writes to `target`: a new file in canonical form with the `docgen new` modeline, or the
    existing one with the form's values put in (comments and every key the form does not carry kept). A code instead
    when it cannot be written: E522 outside submissions/ or through a link, E527 an existing file that does not read."""
    from .history import changes
    from .tooling import importer

    path = ws.file(target)
    if not output.inside(path, ws.submissions) or any(p.is_symlink() for p in [path, *path.parents] if p.is_relative_to(ws.root)):
        return "E522"
    source = _sheet_name(read)
    if path.is_file():
        before = path.read_text(encoding="utf-8")
        text = importer.merged_text(target, before, read.data, read.form, _own_forms(ws))
        if text is None:
            return "E527"
        old = changes.snapshot(before.encode("utf-8"), read.kind, target)
        new = changes.snapshot(text.encode("utf-8"), read.kind, target)
        lines = [c.text() for c in changes.compare(old, new) if c.kind != changes.FIGURE]
        if not lines and text != before:
            text = before  # the same values written otherwise: the file stays as it is
        return Planned(target, source, text, before, lines)
    schema_file = ws.root / "schema" / f"{read.kind}.schema.json"
    modeline = f"# yaml-language-server: $schema={Path(os.path.relpath(schema_file, path.parent)).as_posix()}\n"
    data = {**read.data, **read.flags}  # a new file says what the roster says of it (科研类, 涉密); an old one keeps its own
    data = _in_order(read.form, data)
    return Planned(target, source, importer.new_text(target, data, modeline, _own_forms(ws)), None)


def _validate_imports(ws: Workspace, outcome: Imported, targets: dict[Path, Any], importer: Any) -> None:
    """Check the planned files as docgen will check them once written (in a copy of their periods, so the roster
    and the rules across files see them), and locate every error on the cell it came from."""
    import shutil
    import tempfile  # loaded when used: validate never needs it

    from .check.load import load_text

    periods = sorted({plan.target.parts[1] for plan in outcome.planned if len(plan.target.parts) > 2})
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        root = Path(tmp).resolve()
        (root / SUBMISSIONS).mkdir()
        for period in periods:
            source = ws.submissions / period
            if source.is_dir() and not source.is_symlink():
                shutil.copytree(source, root / SUBMISSIONS / period, symlinks=True)
        _copy_profile_choice(ws, root)  # checked with the repository's own forms, not the default's
        copy = Workspace.at(root)
        for plan in outcome.planned:
            output.write_text(copy.file(plan.target), plan.text)
        rules = ws.rules if ws.rules.is_file() else None
        result = check([copy.file(plan.target) for plan in outcome.planned], rules, workspace=copy, cache=False)
    by_target = {str(plan.target): plan for plan in outcome.planned}
    # what `docgen validate` would say of the files this import writes: a clerk's typo that only a rule catches
    # (下达数 1,200.50 against 本年预算 150, W412) is shown, not written in silence
    outcome.findings = [f for f in result.findings if not f.is_error and f.path in by_target and by_target[f.path].status != "same"]
    for finding in result.errors:
        found = by_target.get(str(finding.path))
        if found is None:
            continue
        read = targets[found.target]
        doc, _ = load_text(found.target, found.text)
        cell = read.anchor
        if doc is not None:
            at = (finding.line, finding.column)
            paths = [p for p, pos in doc.positions.items() if pos == at] + [p for p, pos in doc.key_positions.items() if pos == at]
            if paths:
                cell = read.cell_of(_read_path(max(paths, key=len), doc.data, read.data))
        detail = f"{finding.code} {finding.message}"
        outcome.problems.append(importer.Problem(read.file, read.sheet, cell, "E520", M.message("E520", detail=detail)))


def _copy_profile_choice(ws: Workspace, root: Path) -> None:
    """docgen.yaml, and the repository's own profile file when it names one, into a scratch copy of the repository."""
    import shutil

    choice = ws.profile_choice
    if choice is None:
        return
    shutil.copyfile(ws.config, root / ws.config.name)
    if choice.path is not None:
        (root / choice.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ws.root / choice.path, root / choice.path)


def _read_path(path: tuple[Any, ...], written: Any, read: dict[str, Any]) -> tuple[Any, ...]:
    """A path in the written file as a path in what was read: an indicator found by its 三级指标, not its place."""
    key = F.KEYS["indicators"]
    if len(path) >= 2 and path[0] == key and isinstance(path[1], int):
        items, name_key = written.get(key), F.INDICATOR_FIELDS["name"]
        name = (
            items[path[1]].get(name_key) if isinstance(items, list) and path[1] < len(items) and isinstance(items[path[1]], dict) else None
        )
        fresh = read.get(key)
        if isinstance(fresh, list):
            index = next((i for i, item in enumerate(fresh) if item.get(name_key) == name), None)
            if index is not None:
                return (key, index, *path[2:])
    return path


# --- docgen export (issue 16): forms to fill; other formats register in tooling/export.py's EXPORTERS -------------


@dataclass
class Exported:
    """What `docgen export` wrote (absolute paths), into which folder, how many 涉密 projects and withheld 部门整体
    it left out."""

    written: list[Path]
    folder: Path
    confidential: int = 0
    withheld: int = 0  # 部门整体 (附件3) of departments with 1 to k-1 涉密 projects, left out
    pool: int = 0  # that k


#: The names `docgen export --format` takes: one per writer in tooling/export.py's EXPORTERS (named here too, so the
#: command line need not load the renderers to list them; tests/tooling keeps the two equal).
EXPORT_FORMATS = ("xlsx",)


def export(
    root: Workspace | Path | None,
    period: str,
    *,
    department: str | None = None,
    per: str = "unit",
    out: Path | None = None,
    fmt: str = "xlsx",
    rules: Path | None = None,
) -> Exported:
    """Write a period's submissions out for the units: by default forms to fill (one workbook per unit, or per project
    with `per="project"`; 附件3 on its own), into `out` (default build/export/). Like `build`, any error in the
    period's files stops it with nothing written; 涉密 projects are never exported (counted), nor the 部门整体 of a
    department holding 1 to k-1 of them (confidential.withheld_paths: its totals would give theirs)."""
    from .render import templates
    from .tooling import export as exporting

    year, month = parse_period(period)
    ws = _workspace(root)
    folder = ws.submissions / f"{year}-{month:02d}"
    target = out if out is not None else ws.build / "export"
    _check_outputs(ws, ws.build if out is None else target)
    if not carry_files(folder):
        raise UsageError(M.export_label("export_nothing", period=folder.name, folder=ws.shown(ws.relative(folder))))
    result = check([folder], rules, workspace=ws, cache=False)
    if not result.ok:
        counts = M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings))
        raise InvalidSubmissions(counts, result.errors)
    subs: list[Project | Department] = [*result.departments, *result.projects]
    if department is not None:
        subs = [s for s in subs if s.department_code == department]
        if not subs:
            raise UsageError(M.export_label("export_department_unknown", period=folder.name, code=department))
    secret = [s for s in subs if isinstance(s, Project) and s.confidential]
    analysis = analyse(result)
    # a department with 1 to k-1 涉密 projects: its 部门整体 figures would reveal theirs (as `build` withholds them)
    withheld_paths = confidential.withheld_paths(result)
    withheld = [s for s in subs if isinstance(s, Department) and str(s.path) in withheld_paths]
    subs = [s for s in subs if s not in secret and s not in withheld]
    evaluations = analysis.submissions
    chosen = [evaluations[str(s.path)] for s in subs]
    previous: dict[str, Project | Department] = dict(_previous_projects([s for s in subs if isinstance(s, Project)], ws))
    job = exporting.Job(chosen, previous, per, target, templates.find(ws.root).path(templates.TABLES_YAML))
    pool = confidential.pool_size(getattr(result, "analysis", None))
    return Exported(exporting.EXPORTERS[fmt](job), target, len(secret), len(withheld), pool)


def carry_files(folder: Path) -> list[Path]:
    """The submission files of one period folder (department folders one level down), sorted."""
    from .tooling.carry import source_files

    return source_files(folder)


# --- docgen import-figures (issue 16): execution figures in bulk -------------------------------------------------


def import_figures(
    root: Workspace | Path | None,
    sheet: Path,
    mapping: str,
    *,
    period: str | None = None,
    ignore_unmatched: bool = False,
    dry_run: bool = False,
) -> Any:
    """Update 下达数/支出数/全年预计支出数 of many submissions from one spreadsheet or CSV (tooling/execution.py), through
    a mapping file (or a built-in one by name, 「一体化」). All or nothing: with any error nothing is written. `period`
    (default: the latest period in submissions/) is where the projects are matched by 项目代码."""
    from .tooling import execution

    ws = _workspace(root)
    _submissions(ws)
    shown_mapping, text = _mapping_text(ws, mapping, execution.BUILTIN)
    try:
        rules = execution.read_mapping(Path(shown_mapping), text)
    except execution.MappingError as exc:
        problems = [execution.Problem(f"{shown_mapping}:{line}:{column}", "E573", text) for line, column, text in exc.problems]
        return execution.Planned(problems=problems)
    if period is None:
        periods = (
            sorted(p.name for p in ws.submissions.iterdir() if p.is_dir() and PERIOD_ARG.match(p.name)) if ws.submissions.is_dir() else []
        )
        if not periods:
            raise UsageError(M.export_label("figures_no_period"))
        period = periods[-1]
    year, month = parse_period(period)
    folder = ws.submissions / f"{year}-{month:02d}"
    sheet_file = ws.absolute(sheet)
    if not sheet_file.is_file():
        raise UsageError(M.label("no_files", path=sheet))
    lines, problems = execution.read_lines(sheet_file, str(sheet), rules)
    files: list[tuple[Path, str]] = []
    for path in carry_files(folder):
        if path.name == F.DEPARTMENT_FILE:
            continue
        data = read_regular(path, limits.MAX_FILE_BYTES)
        if data is not None and len(data) <= limits.MAX_FILE_BYTES:
            files.append((ws.relative(path), data.decode("utf-8-sig", errors="replace")))
    planned = execution.plan(lines, files, ignore_unmatched=ignore_unmatched)
    planned.problems = [*problems, *planned.problems]
    if not planned.errors and not dry_run:
        for change in planned.changes:
            output.write_text(ws.file(change.path), change.after, owner=ws.submissions)
    return planned


def _mapping_text(ws: Workspace, name: str, builtins: dict[str, str]) -> tuple[str, str]:
    """A column-mapping file's name as shown and its text: a file in the repository (read without following a link
    out of it, bounded), else a built-in mapping by name (import-figures' 「一体化」, import-targets' 「批复目标」)."""
    from .tooling import execution

    mapping_file = ws.absolute(Path(name))
    if not mapping_file.is_file():
        builtin = execution.mapping_path(name, builtins)
        if builtin is None:
            raise UsageError(M.export_label("mapping_missing", path=name, builtin="、".join(builtins)))
        mapping_file = builtin
    raw = read_regular(mapping_file, limits.MAX_FILE_BYTES)
    if raw is None or len(raw) > limits.MAX_FILE_BYTES:
        raise UsageError(M.export_label("mapping_missing", path=name, builtin="、".join(builtins)))
    shown = ws.shown(ws.relative(mapping_file)) if mapping_file.is_relative_to(ws.root) else name
    return shown, raw.decode("utf-8-sig", errors="replace")


def import_targets(
    root: Workspace | Path | None,
    sheet: Path,
    period: str,
    *,
    mapping: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> Any:
    """The approved 绩效目标 of a period from one spreadsheet or CSV (tooling/targets_import.py) into
    `submissions/<period>/批复目标/<部门代码>.yaml`, one file per department found through the period's roster.
    All or nothing: with any error nothing is written; a file that exists with other content is overwritten only
    with `force`. `mapping` is a mapping file or a built-in one by name (default 「批复目标」)."""
    from .check.load import load_text
    from .tooling import targets_import as TI
    from .tooling.execution import MappingError

    ws = _workspace(root)
    _submissions(ws)
    shown_mapping, text = _mapping_text(ws, mapping or next(iter(TI.BUILTIN)), TI.BUILTIN)
    try:
        rules = TI.read_mapping(Path(shown_mapping), text)
    except MappingError as exc:
        return TI.Written(problems=[TI.Problem(f"{shown_mapping}:{line}:{column}", "E618", text) for line, column, text in exc.problems])
    year, month = parse_period(period)
    folder = Path(SUBMISSIONS) / f"{year}-{month:02d}"
    roster_file = ws.file(folder / F.ROSTER_FILE)
    roster_raw = read_regular(roster_file, limits.MAX_ROSTER_BYTES) if roster_file.is_file() else None
    if roster_raw is None:
        raise UsageError(M.targets_text("import_no_roster", period=f"{year}-{month:02d}", path=folder / F.ROSTER_FILE))
    doc, _ = load_text(folder / F.ROSTER_FILE, roster_raw.decode("utf-8-sig", errors="replace"))
    departments: dict[str, str] = {}
    listed = doc.data.get(F.KEYS["departments"]) if doc is not None and isinstance(doc.data, dict) else None
    for dept in listed if isinstance(listed, list) else []:
        if not isinstance(dept, dict) or not isinstance(dept.get(F.KEYS["department_code"]), str):
            continue
        for project in dept.get(F.KEYS["expected_projects"]) or []:
            if isinstance(project, dict) and isinstance(project.get(F.KEYS["project_code"]), str):
                departments[project[F.KEYS["project_code"]]] = dept[F.KEYS["department_code"]]
    sheet_file = ws.absolute(sheet)
    if not sheet_file.is_file():
        raise UsageError(M.label("no_files", path=sheet))
    profile = profile_of(ws)
    form = profile.form("project")
    projects, problems, lines = TI.read_targets(sheet_file, str(sheet), rules, form, departments, f"{year}-{month:02d}")
    if problems:
        return TI.Written(problems=problems, lines=lines)
    written = TI.plan(ws.root, folder, year, month, projects, form, profile, force=force)
    written.lines, written.folder = lines, folder / F.TARGETS_FOLDER
    if not written.problems and not written.refused and not dry_run:
        for path, text in written.files.items():
            output.write_text(ws.file(path), text, owner=ws.submissions)
    return written
