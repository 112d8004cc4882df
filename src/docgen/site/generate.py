"""The status site: our own step writes the pages' Markdown and mkdocs.yml, then MkDocs (Material) renders them.

Why pages are generated here and not by MkDocs plugins: what a page shows (status, figures, warnings, the
history of the YAML behind it) comes from the submissions and git, which a plugin only sees through the
generated page; and keeping MkDocs to "Markdown in, HTML out" keeps a later move to another generator cheap.

Layout of the generated source (build/site-src/):
    mkdocs.yml, jieba.txt           the configuration, a trimmed word list for Chinese search
    docs/index.md                   home: the latest period at a glance, every period, recent changes
    docs/<period>/index.md          a period's dashboard
    docs/<period>/<dept>/index.md   a department page
    docs/<period>/<dept>/<code>.md  a project page
    docs/recent.md, docs/guide/     最近更新; the site's own pages (how to submit, rules, forms)
    docs/downloads/                 the built attachments (.xlsx/.docx/.pdf) that exist, copied from build/

Invalid submissions do not stop the site: a file with errors is listed as 「有错误」 with its messages, so the
财政局 sees the period as it stands. Confidential (涉密) submissions never appear anywhere: they are left out
when the pages are planned, every page is passed through a redactor for their names and codes, and the
written sources are checked once more before MkDocs runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from importlib.util import find_spec
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, Protocol

import jinja2
from markupsafe import Markup

from .. import children, escape, names
from .. import messages as M
from .. import output as out_files
from .. import redact as _redact
from ..cache import Store
from ..check import ruleset
from ..check.consistency import UNFILLED
from ..check.findings import Finding, Findings
from ..check.load import load_file
from ..check.ruleset import schema_for
from ..check.validate import kind_of
from ..errors import DocgenError, EnvironmentProblem, write_problem
from ..evaluate import conclusions, draft, monitor, report
from ..evaluate import figures as compute
from ..evaluate.evaluation import Evaluation, evaluate
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import DEFAULT, FORMS, TYPED_AMOUNTS, BudgetTable, Form, Profile, form_of
from ..form.model import Department, Period, Project, Roster
from ..history import git
from ..history import timeline as history
from ..messages import SEVERITY
from ..render import paths
from ..render.layout import place
from ..verdicts import FileDigests, Verdicts
from ..workspace import SITE_LOCK, SITE_SOURCE, WORD_LIST
from . import charts, keep, sanitise
from . import review as review_pages
from . import targets as target_pages

SOURCE = Path(SITE_SOURCE)  # build/site-src, as the workspace names it (Workspace.site_source)
OUTPUT = Path("site")
RECENT_LIMIT = 50
#: Words of jieba's dictionary kept for segmenting the search index (by frequency): the full dictionary
#: costs ~70 MiB in each MkDocs run, these ~7,000 common words ~2 MiB. Segmentation only has to be
#: consistent: the browser splits a query with the index's own vocabulary. Unknown words go to jieba's HMM.
JIEBA_MIN_FREQ = 1000
_PERIOD_DIR = re.compile(r"^(\d{4})-(\d{1,2})$")

VALID, WARNING, ERROR, MISSING = "valid", "warning", "error", "missing"
EXECUTION_RULE = "W401"  # the rules file's budget execution light colours the 支出进度 bars
STATUSES = (VALID, WARNING, ERROR, MISSING)


# --- what the site shows ------------------------------------------------------------------------


@dataclass
class Change:
    """One commit's effect on one submission, ready to show: when, who, why, and what changed by field."""

    when: datetime
    author: str
    subject: str
    body: str
    commit: str
    changes: list[Any] = field(default_factory=list)  # changes.Change, or a line of text (a move, a deletion)
    status: str = ""


@dataclass
class Recent:
    """One line of 最近更新: a change and the page it belongs to (None: a file no longer shown)."""

    change: Change
    title: str
    page: str | None
    context: str


@dataclass
class Assessment(Findings):
    """The verdict on one file: its findings (validation and monitoring) and its monitoring light."""

    findings: list[Finding] = field(default_factory=list)
    light: str | None = None  # "red" | "yellow" | "blue" | "green"; None: not monitored (invalid, exempt 科研类)
    indicator_lights: tuple[str | None, ...] = ()  # in the order of the file's 绩效指标


@dataclass
class Entry:
    """One expected or submitted submission, as every page of the site refers to it."""

    kind: str  # "project" | "department"
    period: Period
    department_code: str
    department: str
    code: str  # the project code; the department code for 部门整体
    name: str
    unit: str = ""
    expected: bool = True  # listed in the period's roster
    path: Path | None = None  # the YAML file; None while not submitted
    model: Project | Department | None = None
    evaluation: Evaluation | None = None  # the model's figures (and monitoring), evaluated once
    assessment: Assessment = field(default_factory=Assessment)
    history: list[Change] = field(default_factory=list)
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (label, docs-relative path)
    page: str = ""
    arrived: datetime | None = None  # when the file first reached the branch the site is built from (git.first_arrivals)

    @property
    def status(self) -> str:
        if self.path is None:
            return MISSING
        if self.assessment.errors or self.model is None or self.unfilled:
            return ERROR
        return WARNING if self.assessment.warnings else VALID

    @property
    def unfilled(self) -> bool:
        """An unfilled template (placeholder text, every amount 0): refused by build, never counted as 已提交."""
        return any(f.code in UNFILLED for f in self.assessment.findings)

    @property
    def submitted(self) -> bool:
        return self.path is not None and not self.unfilled

    @property
    def completeness(self) -> compute.Completeness | None:
        """How much of the form was reported (「已填报 12/18 项」); None while nothing valid was submitted."""
        return self.evaluation.completeness if self.evaluation is not None and self.submitted else None

    @property
    def figures(self) -> compute.Figures | None:
        return self.evaluation.headline if self.evaluation is not None else None

    @property
    def light(self) -> str | None:
        return None if self.status in (ERROR, MISSING) else self.assessment.light

    @property
    def red_rules(self) -> list[str]:
        """The codes of its red findings, each once in the order found (the red lists of the home page and the
        dashboards: a filter chain per row in the template cost seconds at 10,000 projects)."""
        return list(dict.fromkeys(f.code for f in self.assessment.findings if f.light == "red"))


@dataclass
class Counts:
    """Completeness and lights tallied over entries, for the period, department and overview pages."""

    expected: int = 0
    submitted: int = 0
    valid: int = 0  # passed validation (with or without warnings)
    warning: int = 0
    error: int = 0
    missing: int = 0
    red: int = 0  # monitoring lights of the valid ones
    yellow: int = 0

    def add(self, entry: Entry) -> None:
        self.expected += entry.expected
        self.submitted += entry.submitted
        self.valid += entry.status in (VALID, WARNING)
        self.warning += entry.status == WARNING
        self.error += entry.status == ERROR and entry.submitted
        self.missing += not entry.submitted  # an unfilled template is not 已提交: it is still 未提交
        self.red += entry.light == "red"
        self.yellow += entry.light == "yellow"

    def __iadd__(self, other: Counts) -> Counts:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def _sum_figures(entries: Iterable[Entry], period: Period) -> compute.Figures:
    """The 资金总额 of the valid projects among `entries`, added up column by column (Decimal).

    A column with a figure 「未填报」 adds what was reported and stays marked (`unreported`): its ratios are not
    computed and the pages say that the sum leaves figures out (SITE["sum_excludes"])."""
    rows = [e.evaluation.headline.amounts for e in entries if e.kind == "project" and e.evaluation is not None and e.status != ERROR]
    return compute.pooled(rows, period)


@dataclass
class DepartmentView:
    """A department's page: its 部门整体 entry and its projects, expected or not."""

    period: Period
    code: str
    name: str
    overall: Entry  # 部门整体 (附件3)
    projects: list[Entry] = field(default_factory=list)
    in_roster: bool = True
    filed: str = ""  # the roster's name for it: build/ names its 报送包 and 审核结果反馈 after it (else after `name`)
    page: str = ""
    withheld: bool = False  # 1 to k-1 涉密 projects: its 部门整体 figures would reveal theirs, so they are not shown
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (label, docs-relative path) of its 审核结果反馈
    bundle: str = ""  # docs-relative path of its 报送包 (.zip) when built

    @functools.cached_property
    def counts(self) -> Counts:
        """Its projects tallied, once (read after planning, by the pages: ~60 reads a site, 1,000 rows each at 10,000)."""
        counts = Counts()
        for entry in self.projects:
            counts.add(entry)
        return counts

    @functools.cached_property
    def figures(self) -> compute.Figures:
        """Its projects summed, once (read after planning, by the pages): 项目合计, a cross-check of 附件3."""
        return _sum_figures(self.projects, self.period)

    @property
    def overall_figures(self) -> compute.Figures | None:
        """The department's 支出进度 wherever one is named: its 附件3's 资金总额 (compute.pooled says why), evaluated
        once; None while the 部门整体 is missing or invalid, or withheld (it would reveal a 涉密 project's figures)."""
        if self.withheld or self.overall.status not in (VALID, WARNING):
            return None
        return self.overall.figures

    @property
    def missing(self) -> list[Entry]:
        """Not submitted, an unfilled template (placeholder text, every amount 0) included: it is no 报送."""
        return [e for e in [self.overall, *self.projects] if not e.submitted]


@dataclass
class PeriodView:
    """A period's page: its departments, deadline and roster problems."""

    period: Period
    deadline: date | None
    departments: list[DepartmentView]
    roster_findings: list[Finding] = field(default_factory=list)
    page: str = ""

    @functools.cached_property
    def counts(self) -> Counts:
        """Its departments' tallies added up, once (read after planning, by the pages)."""
        total = Counts()
        for dept in self.departments:
            total += dept.counts
        return total

    @functools.cached_property
    def figures(self) -> compute.Figures:
        """Its departments' projects summed, once (read after planning, by the pages)."""
        return _sum_figures((e for d in self.departments for e in d.projects), self.period)

    @property
    def time_progress(self) -> Decimal:
        return compute.time_progress(self.period)

    @functools.cached_property
    def overall_figures(self) -> tuple[compute.Figures, int]:
        """The city's 支出进度: the departments' 附件3 资金总额 added up (withheld ones left out), and how many."""
        rows = [f.amounts for f in (d.overall_figures for d in self.departments) if f is not None]
        return compute.pooled(rows, self.period), len(rows)

    def entries(self) -> Iterable[Entry]:
        for dept in self.departments:
            yield dept.overall
            yield from dept.projects

    @property
    def red(self) -> list[Entry]:
        """Every submission with a red light, 部门整体 included (a department-wide red is the bureau's first question)."""
        return [e for e in self.entries() if e.light == "red"]

    @property
    def late(self) -> list[tuple[Entry, int]]:
        """Submissions that first reached the main branch after the roster's 截止日期, with the days late."""
        if self.deadline is None:
            return []
        found = [(e, (e.arrived.date() - self.deadline).days) for e in self.entries() if e.arrived is not None and e.submitted]
        return [(e, days) for e, days in found if days > 0]


class PageReader(Protocol):
    """A site planned from the check's records, not its models (api.site): each project entry holds its identity and
    an evaluation of its record (monitoring, completeness, 资金总额); its page, where rendered, reads it whole."""

    def whole(self, entry: Entry) -> tuple[Evaluation, list[target_pages.Row] | None]:
        """The entry's project read and evaluated whole, with its monitoring as planned, and its rows against the
        approved targets (None: it has none in force)."""

    def targets_key(self, entry: Entry) -> Any:
        """What those rows are compared from besides the project's own file, for its page's key (site/keep.py)."""


@dataclass
class SiteModel:
    """Everything the site's pages are rendered from, built once before any page is written."""

    periods: list[PeriodView]  # newest first
    today: date
    secrets: Secrets
    root: Path = Path(".")
    ruleset: Any = None  # the monitoring rules in force (None when the rules file is broken)
    recent: list[Recent] = field(default_factory=list)
    history_note: str = ""
    shallow_note: str = ""  # a shallow clone: the history shown is cut short (said on every page showing it)
    profile: Profile = DEFAULT  # the repository's forms (docgen.yaml): the titles and the level its wording carries
    reviews: Any = None  # site/review.ReviewView: review states, opinions, 整改台账, 结果应用 (None: nothing shown)
    targets: dict[str, list[target_pages.Row]] = field(default_factory=dict)  # project path -> approved vs reported rows
    kept: int = 0  # project pages whose Markdown was taken from the last build (site/keep.py), set by write_sources
    rendered: list[str] = field(default_factory=list)  # the docs/ pages rendered (not kept) by write_sources, sorted
    digests: dict[str, str] = field(default_factory=dict, repr=False)  # path -> digest of the bytes checked (Result.digests)
    reader: PageReader | None = field(default=None, repr=False)  # planned from records: a project page reads it whole
    _sources: dict[str, str] = field(default_factory=dict, repr=False)
    _folders: dict[Path, Path] = field(default_factory=dict, repr=False)

    def source(self, path: str | Path) -> str:
        """A submission's path as users know it: relative to the repository root (submissions/…); worked out once a
        path (each project page and its key ask for it, and resolving costs ~0.1 ms). A file that is no link is
        resolved by its folder, resolved once (a thousand files share one)."""
        known = self._sources.get(str(path))
        if known is not None:
            return known
        full = self.root / path
        try:
            if full.name in ("", ".", "..") or full.is_symlink():
                found = Path(os.path.relpath(full.resolve(), self._root)).as_posix()
            else:
                found = Path(os.path.relpath(self._folder(full.parent) / full.name, self._root)).as_posix()
        except ValueError:  # pragma: no cover - another drive on Windows
            found = Path(path).as_posix()
        self._sources[str(path)] = found
        return found

    def _folder(self, folder: Path) -> Path:
        """`folder` resolved, once."""
        found = self._folders.get(folder)
        if found is None:
            found = self._folders[folder] = folder.resolve()
        return found

    @functools.cached_property
    def _root(self) -> Path:
        return self.root.resolve()

    def entries(self) -> Iterable[Entry]:
        for period in self.periods:
            yield from period.entries()

    @functools.cached_property
    def _lines(self) -> dict[tuple[str, str], list[Entry]]:
        """Each project (by code) and each department's 部门整体 (by department code) across the periods, oldest first."""
        lines: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for view in reversed(self.periods):
            for entry in view.entries():
                lines[(entry.kind, entry.code)].append(entry)
        return lines

    def line(self, entry: Entry) -> list[Entry]:
        """The same project (or 部门整体) in every period, oldest first, `entry` included."""
        return self._lines.get((entry.kind, entry.code), [])

    @functools.cached_property
    def withheld_overalls(self) -> set[int]:
        """The ids of the 部门整体 entries whose figures are withheld (1 to k-1 涉密 projects in their department)."""
        return {id(d.overall) for v in self.periods for d in v.departments if d.withheld}

    def earlier(self, entry: Entry) -> list[Entry]:
        """The same project (or 部门整体) in the periods before `entry`'s, newest first: the project page links them."""
        return [e for e in reversed(self.line(entry)) if (e.period.year, e.period.month) < _order(entry)]

    def trend(self, entry: Entry) -> list[charts.Point]:
        """支出进度 month by month in `entry`'s year, up to its period (a 部门整体: its 附件3, unless withheld)."""
        points = []
        withheld = self.withheld_overalls
        for e in self.line(entry):
            if e.period.year != entry.period.year or _order(e) > _order(entry):
                continue
            shown = e.status in (VALID, WARNING) and e.figures is not None and id(e) not in withheld
            value = e.figures.spend_progress if shown and e.figures is not None else None
            points.append(charts.Point(e.period.month, value, f"{e.period.label} {N.rate_or_dash(value)}"))
        return points

    def city_trend(self, view: PeriodView) -> list[charts.Point]:
        """The city's 支出进度 (departments' 附件3 added up) month by month in `view`'s year, up to its period."""
        points = []
        for v in reversed(self.periods):
            if v.period.year == view.period.year and _order(v) <= _order(view):
                figures, count = v.overall_figures
                value = figures.spend_progress if count else None
                points.append(charts.Point(v.period.month, value, f"{v.period.label} {N.rate_or_dash(value)}"))
        return points


def _order(item: Entry | PeriodView) -> tuple[int, int]:
    return (item.period.year, item.period.month)


# --- confidential submissions --------------------------------------------------------------------


#: The one redactor (redact.py): names, codes and former names of 涉密 projects in every form a page writes them.
Secrets = _redact.Secrets


# --- the warnings source -------------------------------------------------------------------------


def assess(result: Any) -> dict[str, Assessment]:
    """The one place the site takes its verdicts from: per file (str(path)), the findings of `api.check()` —
    validation and the monitoring rules (W4xx) alike — and the light of the monitoring analysis."""
    out: dict[str, Assessment] = defaultdict(Assessment)
    for finding in result.findings:
        out[finding.path].findings.append(finding)
    analysis = getattr(result, "analysis", None)
    if analysis is not None:
        for path, verdict in analysis.submissions.items():
            out[path].light = verdict.light
            out[path].indicator_lights = verdict.indicator_lights
    return out


#: Monitoring rules whose message adds up a department's projects (counts and sums): on the site they would
#: reveal a confidential project's existence and money, so a department with one does not show them.
SIBLING_RULES = ("W414",)


def _without_siblings(assessment: Assessment) -> Assessment:
    kept = [f for f in assessment.findings if f.code not in SIBLING_RULES]
    if len(kept) == len(assessment.findings):
        return assessment
    light = assessment.light and (monitor.worst([f.light for f in kept] + list(assessment.indicator_lights)) or "green")
    return Assessment(kept, light, assessment.indicator_lights)


def execution_tone(execution: Decimal | None, rule: Any = None) -> str:
    """Colour of a 支出进度 bar by the rules file's budget execution rule (W401), graded on the figures' own
    r = 支出进度 ÷ 序时进度 × 100 (compute.Figures.execution, the value the 汇总表 prints); neutral when there is
    nothing to grade or no rule to grade by (rules file broken or the rule disabled)."""
    if execution is None or rule is None or not rule.enabled:
        return "neutral"
    graded = rule.grade(execution)
    return graded[0] if graded else "green"


# --- history ------------------------------------------------------------------------------------


def _change(entry: history.Entry, *, withheld: bool = False) -> Change:
    """One entry as shown. `withheld`: the 部门整体 of a department with 1 to k-1 涉密 projects, whose every figure
    and text (its 分析报告 states totals that include the secret ones, a commit message may quote them) could reveal a
    涉密 project's: only that it changed, when, by whom and how (新增/修改/移动/删除) are shown."""
    lines: list[Any] = [] if withheld else list(entry.changes)  # changes.Change objects; the template folds long texts
    if entry.status == history.RENAMED and entry.old_path:
        lines.insert(0, M.site_label("file_renamed", old=entry.old_path, new=entry.path))
    if entry.status == history.DELETED:
        lines.insert(0, M.site_label("file_deleted", path=entry.path))
    if withheld:
        return Change(entry.date, entry.author, M.site_label("withheld_change"), "", entry.sha, lines, entry.status_label)
    return Change(entry.date, entry.author, entry.subject, entry.body, entry.sha, lines, entry.status_label)


def read_past(root: Path, store: Store | None, profile: Profile) -> history.History | DocgenError:
    """The repository's history, read once for the whole site (its pages and the 涉密 list, which needs the former
    names): the reason instead when there is none (not a git repository, git missing)."""
    try:
        return history.read_history(root, store=store, profile=profile)
    except DocgenError as exc:
        return exc


def attach_history(root: Path, model: SiteModel, store: Store | None = None, past: history.History | DocgenError | None = None) -> None:
    """Fill every shown submission's timeline and the site-wide 最近更新 list, from one pass over git.

    Confidential timelines are dropped whole (`History.public()`); commit messages still pass through
    the page redactor. Outside a git repository the site is built without history, and says so. `past`: the
    history as `read_past` gave it (None: read here).
    """
    if past is None:
        past = read_past(root, store, model.profile)
    if isinstance(past, DocgenError):
        model.history_note = M.site_label("no_git", reason=str(past))
        return
    found = past.public()
    if found.shallow is not None:
        model.shallow_note = M.site_label("shallow_note", count=found.shallow.fetched)
        arrivals: dict[str, datetime] = {}  # cut short: every file would seem to arrive at the cut
    else:
        arrivals = git.first_arrivals(git.open_repo(root), history.SUBMISSIONS)
    base = root.resolve()
    by_key: dict[str, Entry] = {}
    withheld = {id(d.overall) for v in model.periods for d in v.departments if d.withheld}
    withheld_keys = {(v.period.key, d.code) for v in model.periods for d in v.departments if d.withheld}
    for entry in model.entries():
        if entry.path is None:
            continue
        key = Path(os.path.relpath((root / entry.path).resolve(), base)).as_posix()
        entry.arrived = arrivals.get(key)
        timeline = found.get(key)
        if timeline is not None:
            entry.history = [_change(e, withheld=id(entry) in withheld) for e in timeline.entries]
            by_key[timeline.key] = entry
    dashboards = {view.period.key: view for view in model.periods}
    for item in found.recent(RECENT_LIMIT):
        if model.secrets.hides(item.code or None) or model.secrets.found_in(f"{item.path} {item.name}"):
            continue
        shown = by_key.get(item.key)
        period = _period_of(Path(item.path))
        where = (period.key, _folder_code(Path(item.path))) if period is not None else None
        secret_total = Path(item.path).name == F.DEPARTMENT_FILE and where in withheld_keys
        change = _change(item, withheld=(shown is not None and id(shown) in withheld) or secret_total)
        if shown is not None:
            model.recent.append(Recent(change, shown.name, shown.page, f"{shown.period.label}，{shown.department}"))
            continue
        view = dashboards.get(period.key) if period else None
        if item.path.endswith(F.ROSTER_FILE) and view is not None:
            model.recent.append(Recent(change, M.site_label("roster_changed", period=view.period.label), view.page, ""))
        elif item.status == history.DELETED or (period is not None and period.key not in dashboards):
            model.recent.append(Recent(change, item.name or Path(item.path).stem, None, item.path))


# --- planning the site from the check result ----------------------------------------------------


def _period_of(path: Path) -> Period | None:
    """The period a file belongs to, from its folder (submissions/2025-06/...)."""
    for part in (path.parent.name, path.parent.parent.name):
        match = _PERIOD_DIR.match(part)
        if match:
            return Period(int(match[1]), int(match[2]))
    return None


def _folder_code(path: Path) -> str:
    return path.parent.name.split("-")[0]


def _raw(path: Path, root: Path | None) -> dict[str, Any]:
    """Best-effort look at a file that failed validation: whatever keys it has, for its name and flags."""
    doc, _ = load_file(path, root)
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


class _Planner:
    """Builds the PeriodViews: roster first (what is expected), then what was submitted, valid or not."""

    def __init__(self, result: Any, assessments: dict[str, Assessment], root: Path | None = None) -> None:
        self.result = result
        self.root = root
        self.assessments = assessments
        analysis = getattr(result, "analysis", None)
        self.evaluations: dict[str, Evaluation] = analysis.submissions if analysis is not None else {}
        self.secrets = Secrets()
        self.periods: dict[str, dict[str, DepartmentView]] = {}
        self.period_of: dict[str, Period] = {}
        self.deadlines: dict[str, date] = {}
        self.roster_findings: dict[str, list[Finding]] = defaultdict(list)
        self.hidden: set[tuple[str, str]] = set()  # (period, department) with a confidential project

    def dept(self, period: Period, code: str, name: str, *, in_roster: bool) -> DepartmentView:
        depts = self.periods.setdefault(period.key, {})
        self.period_of[period.key] = period
        if code not in depts:
            overall = Entry("department", period, code, name, code, name, expected=in_roster)
            depts[code] = DepartmentView(period, code, name, overall, in_roster=in_roster)
        return depts[code]

    def plan(self) -> list[PeriodView]:
        for roster in self.result.rosters:
            self.add_roster(roster)
        for project in self.result.projects:
            if project.confidential:
                self.secrets.add(project.code, project.name, project.path)
                self.hidden.add((project.period.key, project.department_code))
        invalid = self.invalid_files()
        for sub in [*self.result.departments, *self.result.projects]:
            if not self.secrets.hides(getattr(sub, "code", None), sub.path):
                self.place(
                    sub.kind,
                    sub.period,
                    sub.department_code,
                    sub.department,
                    sub.code if sub.kind == "project" else sub.department_code,
                    sub.name,
                    getattr(sub, "unit", ""),
                    sub.path,
                    sub,
                )
        for path, data in invalid:
            self.place_invalid(path, data)
        for depts in self.periods.values():  # a flag set in the file but not in the roster still hides the roster's line
            for view in depts.values():
                view.projects = [e for e in view.projects if not self.secrets.hides(e.code, e.path)]
                if (view.period.key, view.code) in self.hidden:
                    view.overall.assessment = _without_siblings(view.overall.assessment)
        views = []
        for key in sorted(self.periods, reverse=True):
            ordered = sorted(self.periods[key].values(), key=lambda d: (not d.in_roster, d.code))
            views.append(PeriodView(self.period_of[key], self.deadlines.get(key), ordered, self.roster_findings.get(key, [])))
        return views

    def add_roster(self, roster: Roster) -> None:
        self.deadlines[roster.period.key] = roster.deadline
        for rd in roster.departments:
            view = self.dept(roster.period, rd.code, rd.name, in_roster=True)
            view.filed = rd.name
            for expected in rd.projects:
                if expected.confidential:
                    self.secrets.add(expected.code, expected.name)
                    self.hidden.add((roster.period.key, rd.code))
                    continue
                view.projects.append(Entry("project", roster.period, rd.code, rd.name, expected.code, expected.name, expected.unit))

    def invalid_files(self) -> list[tuple[Path, dict[str, Any]]]:
        """Files that failed validation (no model): read what they say, note rosters' problems, find secrets."""
        modelled = {str(s.path) for s in [*self.result.projects, *self.result.departments, *self.result.rosters]}
        out = []
        for path in self.result.paths:
            if str(path) in modelled:
                continue
            period = _period_of(path)
            kind = kind_of(path)
            if kind == "roster":
                if period is not None:
                    self.roster_findings[period.key].extend(self.assessments[str(path)].errors)
                continue
            if kind not in ("project", "department"):  # the 审核/ folder's records: shown by site/review.py, no submission
                continue
            data = _raw(path, self.root)
            if data.get(F.KEYS["confidential"]) is True or self.secrets.hides(path=path):  # 涉密, or not on its roster
                self.secrets.add(data.get(F.KEYS["project_code"]), data.get(F.KEYS["project_name"]), path)
                if period is not None:
                    self.hidden.add((period.key, str(data.get(F.KEYS["department_code"]) or _folder_code(path))))
                continue
            out.append((path, data))
        return out

    def place_invalid(self, path: Path, data: dict[str, Any]) -> None:
        period = _period_of(path)
        if period is None:
            return  # outside submissions/<period>/: reported by `docgen validate` (E308), nowhere to show it
        kind = kind_of(path)

        def text(key: str, default: str) -> str:
            value = data.get(F.KEYS[key])
            return value if isinstance(value, str) and value.strip() else default

        dept_code = text("department_code", _folder_code(path))
        code = text("project_code", path.stem) if kind == "project" else dept_code
        if self.secrets.hides(code):
            return
        dept_name = text("department", path.parent.name)
        name = text("project_name", path.stem) if kind == "project" else dept_name
        self.place(kind, period, dept_code, dept_name, code, name, text("unit", ""), path, None)

    def place(
        self,
        kind: str,
        period: Period,
        dept_code: str,
        dept_name: str,
        code: str,
        name: str,
        unit: str,
        path: Path,
        model: Project | Department | None,
    ) -> None:
        view = self.dept(period, dept_code, dept_name, in_roster=False)
        entry: Entry | None
        if kind == "department":
            entry = view.overall
            if model is not None:
                view.name = entry.department = entry.name = dept_name
        else:
            entry = next((e for e in view.projects if e.code == code and e.path is None), None)
            if entry is None:
                entry = Entry("project", period, dept_code, view.name, code, name, unit, expected=False)
                view.projects.append(entry)
        entry.path, entry.model = path, model
        if model is not None:  # without a valid rules file nothing was monitored: the figures are evaluated here
            entry.evaluation = self.evaluations.get(str(path)) or evaluate(model)
        entry.assessment = self.assessments.get(str(path)) or Assessment()
        if model is not None:
            entry.name, entry.unit = name, unit or entry.unit


def plan(
    result: Any, today: date, root: Path = Path("."), secrets: Secrets | None = None, withheld: set[tuple[str, str]] | None = None
) -> SiteModel:
    """Decide every page from a check result: what is expected, submitted, valid, missing; secrets left out."""
    planner = _Planner(result, assess(result), root)
    if secrets is not None:
        planner.secrets = secrets
    periods = planner.plan()
    for view in periods:
        for dept in view.departments:
            dept.withheld = (view.period.key, dept.code) in (withheld or set())
    for view in periods:
        view.page = f"{view.period.key}/index.md"
        for dept in view.departments:
            folder = f"{view.period.key}/{names.safe(dept.code) or '_'}"
            dept.page = dept.overall.page = f"{folder}/index.md"
            taken = {"index"}
            for entry in dept.projects:
                stem = names.safe(entry.code) or "_"
                while stem in taken:  # two files claiming one code: both shown, each on its own page
                    stem += "_"
                taken.add(stem)
                entry.page = f"{folder}/{stem}.md"
    analysis = getattr(result, "analysis", None)
    profile = getattr(result, "profile", None)
    digests = dict(getattr(result, "digests", None) or {})
    ruleset_ = analysis.ruleset if analysis is not None else None
    return SiteModel(periods, today, planner.secrets, root, ruleset_, profile=profile or DEFAULT, digests=digests)


# --- writing the sources -------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    """Escaping by construction: every `{{ … }}` is Markdown-escaped (escape.markdown) unless it is Markup.

    Markup is docgen's own markup: macros' output, charts, the number filters, links, `cell`. A template that
    forgets a filter shows the text as written instead of opening a hole. Numbers are shown as they are.
    """
    if isinstance(value, Markup | jinja2.Undefined | bool | int | Decimal | float) or value is None:
        return value
    return escape.markdown(value)


class _WordedLoader(jinja2.BaseLoader):
    """The page templates in the words of the repository's profile (forms.Wording: 执行率 where its form says so):
    the template's own text, before any value is filled in, so no clerk's text is rewritten."""

    def __init__(self, inner: jinja2.BaseLoader, words: Callable[[str], str]) -> None:
        self.inner, self.words = inner, words

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        return self.words(source), filename, uptodate


class _WordedLabels(dict[str, str]):
    """messages.SITE read in the profile's words (the templates' `M["…"]`)."""

    def __init__(self, labels: Mapping[str, str], words: Callable[[str], str]) -> None:
        super().__init__({key: words(text) for key, text in labels.items()})


#: A derived figure of the guides -> the column it needs: not listed on a form without it (小计 needs 上年结转).
_DERIVED_NEEDS = {"小计": "carried_over", "安排数": "carried_over", "下达率": "allocation_rate"}


def about_absent(form: Form, text: str) -> bool:
    """Whether a sentence of the guides names a column `form` does not have (上年结转, 下达数, 下达率 on Hubei's):
    the check or rule it describes cannot speak on this form."""
    gone = compute.absent_columns(form.absent)
    words = [label for name, label in F.AMOUNT_FIELDS.items() if name in gone] + [w for w, c in _DERIVED_NEEDS.items() if c in gone]
    return any(word in text for word in words)


def rule_applies(form: Form, code: str) -> bool:
    """Whether the monitoring rule `code` can speak on `form` (rulebook's `reads`): the guide lists no other."""
    spec = ruleset.SPECS.get(code)
    return spec is None or spec.applies(form)


def amount_keys(form: Form) -> str:
    """The amounts a clerk types on `form`, as the guides list them: each key, and the form's own column beside it where
    the form names it otherwise (「年初预算数（键「本年预算」）」); none the form has no column for."""
    out = []
    for column in form.budget_columns:
        if column.field not in TYPED_AMOUNTS:
            continue
        key = F.AMOUNT_FIELDS.get(column.field) or F.ROW_EXTRA_FIELDS[column.field]
        header = column.header.replace(F.MONTHS_PLACEHOLDER, "")
        out.append(key if header == key else M.site_label("guide_amount_key", header=header, key=key))
    return "、".join(out)


#: The figures the form guide says the system computes (beside 资金总额), in 朔州's words.
GUIDE_COMPUTED = ("小计", "下达率", "支出进度")


def derived_names(form: Form, among: Iterable[str] = F.DERIVED_FIELDS) -> list[str]:
    """The figures the system computes (of `among`), in `form`'s words, none resting on a column it lacks."""
    gone = compute.absent_columns(form.absent)
    return [form.words(name) for name in among if _DERIVED_NEEDS.get(name) not in gone]


def _use_profile(env: jinja2.Environment, profile: Profile) -> None:
    """The wording the pages take from the repository's profile: its level (「市级」), the forms' titles, the whole
    jurisdiction (「全市」), who receives the reports (「市财政局」) and the words of its form (profile.words)."""
    inner = env.loader.inner if isinstance(env.loader, _WordedLoader) else env.loader
    assert inner is not None
    env.loader = _WordedLoader(inner, profile.words)  # a new loader: Jinja's cache is keyed by it, so no stale page
    env.globals.update(
        level=profile.level,
        form_titles={kind: form.title for kind, form in profile.forms.items()},
        area=profile.area,
        bureau=profile.bureau,
        M=_WordedLabels(M.SITE, profile.words),
        words=profile.words,
        basis=profile.wording.basis,
        absent_columns=compute.absent_columns(profile.forms["project"].absent),  # 下达率 on a form without 下达数
        amount_keys=amount_keys,
        derived_names=derived_names,
        guide_computed=GUIDE_COMPUTED,  # passed from here: a name written in a template is in the profile's words already
        about_absent=about_absent,
        rule_applies=rule_applies,
    )


def _environment() -> jinja2.Environment:
    folder = resources.files("docgen.site").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=_money, rate=_rate, cn_date=_cn_date, cell=_cell)
    env.globals.update(
        M=M.SITE,
        F=F,
        severity=SEVERITY,
        charts=charts,
        status_label=_status_label,
        figure=_figure,
        amount=_amount,
        indicator_rows=indicator_rows,
        own_form=own_form,
        form_grid=form_grid,
        tables=tables,
        form_tables=form_tables,
        money_notes=money_notes,
        form_of=form_of,
        report_sections=report_sections,
        SHORT_VALUE=SHORT_VALUE,
        execution_tone=execution_tone,
        light_names=M.LIGHT_NAMES,
        time_progress=compute.time_progress,
    )
    _use_profile(env, DEFAULT)  # write_sources sets the repository's

    return env


def _money(value: Decimal | None) -> Markup:
    return Markup(N.money_or_dash(value))


def _rate(value: Decimal | None) -> Markup:
    return Markup(N.rate_or_dash(value))


def _figure(fig: compute.Figures, name: str) -> Markup:
    """One figure of a budget row as the site prints it: money or rate, 「—」 (also for a column the row's form does
    not have), or 「未填报」 (never the 0 it stands on)."""
    if name in fig.absent:
        return Markup(N.NO_RATE)
    if not fig.reported(name):
        return Markup(F.NOT_REPORTED)
    value = getattr(fig, name)
    return _rate(value) if name.endswith(("rate", "progress")) else _money(value)


def _amount(fig: compute.Figures, name: str) -> Markup:
    """An amount in running text: 「12.50 万元」, or 「未填报」 alone (a unit after 「未填报」 would read as a figure);
    「—」 for an amount the row's form does not have."""
    if name in fig.absent:
        return Markup(N.NO_RATE)
    if not fig.reported(name):
        return Markup(F.NOT_REPORTED)
    return _money(getattr(fig, name)) + Markup(" " + M.SITE["unit"])


def _cn_date(value: date | datetime) -> Markup:
    text = f"{value.year}年{value.month}月{value.day}日"
    return Markup(text + (f" {value:%H:%M}" if isinstance(value, datetime) else ""))


def _cell(value: object) -> Markup:
    """User text that may run over lines (a table cell, a commit body, an opinion): line breaks kept as <br>."""
    return escape.markdown_lines(value)


def indicator_rows(indicators: Iterable[Any]) -> list[tuple[Any, int, int, int]]:
    """Indicators in the form's order (一级, then 二级), each with the rowspan of its 一级/二级 cell (0: covered)
    and its index in the file (where its light is)."""
    order = {(l1, l2): i for i, (l1, l2) in enumerate((l1, l2) for l1, l2s in F.TAXONOMY.items() for l2 in l2s)}
    ranked = sorted(enumerate(indicators), key=lambda pair: order.get((pair[1].level1, pair[1].level2), len(order)))
    rows = []
    for i, (index, ind) in enumerate(ranked):
        first1 = i == 0 or ranked[i - 1][1].level1 != ind.level1
        first2 = first1 or ranked[i - 1][1].level2 != ind.level2
        span1 = sum(1 for _, other in ranked[i:] if other.level1 == ind.level1) if first1 else 0
        span2 = sum(1 for _, other in ranked[i:] if (other.level1, other.level2) == (ind.level1, ind.level2)) if first2 else 0
        rows.append((ind, span1, span2, index))
    return rows


def own_form(model: Project | Department) -> bool:
    """Whether the submission was filled in on a form laid out otherwise than 朔州's (another profile's columns,
    scale or rows): its page then shows the form's own grid (`form_grid`) instead of 朔州's hand-set tables."""
    form = form_of(model)
    default = FORMS[model.kind]
    return (form.blocks, form.likelihoods) != (default.blocks, default.likelihoods)


def form_grid(entry: Entry) -> Markup:
    """The submission's form as an HTML table, from the same placed grid the .xlsx draws (render/layout.py): every
    label, value, merge and check-box as the form shows them, minus its title and period lines and its notes.
    Every value is escaped here (the only markup is the table's own)."""
    assert entry.evaluation is not None
    sheet = place(entry.evaluation)
    body = [cell for cell in sheet.cells if cell.row in sheet.body_rows]
    covered = {(r, c) for cell in body for r in range(cell.row, cell.last_row + 1) for c in range(cell.col, cell.last_col + 1)}
    starts = {(cell.row, cell.col): cell for cell in body}
    rows = []
    for r in sorted(sheet.body_rows):
        tds = []
        for c in range(len(sheet.widths)):
            cell = starts.get((r, c))
            if cell is None:
                if (r, c) not in covered:
                    tds.append("<td></td>")
                continue
            tag = "th" if cell.style in ("label", "header", "block") else "td"
            span = ""
            if cell.last_row > cell.row:
                span += f' rowspan="{cell.last_row - cell.row + 1}"'
            if cell.last_col > cell.col:
                span += f' colspan="{cell.last_col - cell.col + 1}"'
            value = cell.value
            if isinstance(value, Decimal):
                text = N.rate_or_dash(value) if cell.style == "rate" else N.money_or_dash(value)
            else:
                text = "" if value is None else str(value)
            tds.append(f"<{tag}{span}>{escape.html(text)}</{tag}>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return Markup('<div class="dg-form" data-search-exclude><table>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table></div>")


def tables(entry: Entry) -> tuple[compute.Table, ...]:
    """The entry's budget tables as its form shows them (one on 附件2, two on 附件3), from its evaluation."""
    assert entry.evaluation is not None
    return tuple(entry.evaluation.tables.values())


def form_tables(entry: Entry) -> list[tuple[BudgetTable, compute.Table]]:
    """Each budget table of the entry's form with its evaluated rows: pages loop over the form, never name a table."""
    assert entry.evaluation is not None
    return [(table, entry.evaluation.tables[table.field]) for table in form_of(entry.evaluation.submission).tables]


def money_notes(entry: Entry) -> list[str]:
    """The notes under a project's budget table (年初预算 beside 调整后预算, 已审批待支付), as 附件1 prints them."""
    assert entry.evaluation is not None
    return draft.money_notes(entry.evaluation)


#: An indicator value this short (「≥12000人」, 「1250元/人·年」) is never broken across lines in the site's tables.
SHORT_VALUE = 12


@dataclass(frozen=True)
class ReportSection:
    """One heading of 附件1 as the site shows it: its level, its paragraphs (none under a heading that only groups)
    and whether the system drafted them."""

    heading: str
    level: int
    paragraphs: tuple[str, ...] = ()
    drafted: bool = False


def report_sections(entry: Entry, rules: ruleset.Ruleset | None = None) -> list[ReportSection]:
    """Every 附件1 section with the very text the .docx carries: the unit's words, or the system's drafts (marked).

    The drafted 「四、」 needs the monitoring: without a rules file in force it is left as 「（未填写）」, as in 附件1.
    """
    ev = entry.evaluation
    if ev is None:
        return []
    monitored = rules is not None and (ev.light is not None or ev.exempt)
    texts = report.section_texts(ev, conclusions.draft(ev, rules) if rules is not None and monitored else None)
    return [
        ReportSection(s.heading, s.level, texts[s.key].paragraphs, texts[s.key].drafted) if s.key else ReportSection(s.heading, s.level)
        for s in ev.form.report
    ]


def _status_label(status: str) -> str:
    return M.SITE[f"status_{status}"]


def _link(source: str, target: str, *, html: bool = False) -> Markup:
    """Relative link between two docs pages; raw HTML needs the final .html URL (MkDocs leaves it alone).

    Page names come from project codes (user text): percent-encoded, so no «)», «"» or «#» can end the link.
    """
    rel = posixpath.relpath(target, posixpath.dirname(source) or ".")
    return escape.url_path(rel[:-3] + ".html" if html and rel.endswith(".md") else rel)


class _Writer:
    """Renders every page into docs/, passing each through the redactor; remembers what it wrote.

    A page given a `key` (site/keep.py) whose Markdown the last build wrote under the same key is taken from that
    build's docs/ (`previous`) instead of being rendered again."""

    def __init__(self, docs: Path, secrets: Secrets, record: keep.Record | None = None, previous: Path | None = None) -> None:
        self.docs = docs
        self.secrets = secrets
        self.env = _environment()
        self.pages = 0
        self.kept = 0
        self.record = record
        self.previous = previous

    def page(
        self, target: str, template: str, key: str | None = None, whole: Callable[[], dict[str, Any]] | None = None, **context: Any
    ) -> bool:
        """Write the page `target`; True when it was rendered, False when kept from the last build. `whole()`: more of
        the context, read only when the page is rendered (a project planned from its record, read whole)."""
        path = self.docs / target
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.record.previous(target, key, self.previous) if self.record is not None and self.previous is not None else None
        rendered = data is None
        if data is not None and self.previous is not None:  # moved, not copied: the last docs/ is removed after
            os.replace(self.previous / target, path)
        else:
            context.update(whole() if whole is not None else {})
            context.update(page=target, link=lambda to: _link(target, to), href=lambda to: _link(target, to, html=True))
            text = self.env.get_template(template).render(**context)
            # a file named with a byte that is not UTF-8 is shown by its refusal (E116), that byte as 「?」
            data = self.secrets.redact(text).encode("utf-8", "replace")
            path.write_bytes(data)
        if self.record is not None:
            self.record.note(target, key, data)
        self.pages += 1
        return rendered


#: The built attachments under docs/ (and the site): linked from build/, never run through MkDocs.
DOWNLOADS = "downloads"


def _files_under(folder: Path) -> set[str]:
    """The regular files under `folder` (folder-relative, POSIX), links removed on the way: a link planted in the kept
    downloads is never written through or published."""
    found: set[str] = set()

    def walk(here: str, prefix: str) -> None:
        """One folder's entries by their directory entry (no stat per file: ~20,000 downloads at 10,000 projects);
        a folder that cannot be read is passed over, as os.walk does."""
        try:
            with os.scandir(here) as listed:
                items = list(listed)
        except OSError:
            return
        for item in items:
            if item.is_symlink():
                out_files.remove(Path(item.path), folder)
            elif item.is_dir(follow_symlinks=False):
                walk(item.path, f"{prefix}{item.name}/")
            elif item.is_file(follow_symlinks=False):
                found.add(prefix + item.name)

    walk(str(folder), "")
    return found


def _copy_downloads(model: SiteModel, build: Path, docs: Path) -> None:
    """The built attachments of every shown submission, hard-linked (or copied) under docs/downloads/; those already
    there (the same file as in build/) are left as they are, those no longer published are removed."""
    folder = docs / DOWNLOADS
    try:
        before = _files_under(folder) if folder.is_dir() else set()
        published: set[str] = set()
        _publish_downloads(model, build, docs, published)
    except OSError:  # something in the way (a file where a folder goes): published again from nothing
        for entry in model.entries():
            entry.downloads.clear()
        for view in model.periods:
            for dept in view.departments:
                dept.bundle, dept.feedback = "", []
        out_files.remove(folder, docs)
        before, published = set(), set()
        _publish_downloads(model, build, docs, published)
    for stale in sorted(before - published):
        out_files.remove(folder / stale, docs)
    for top, dirs, files in os.walk(folder, topdown=False):
        if not dirs and not files and Path(top) != folder:
            out_files.remove(Path(top), docs, only_if_empty=True)


class _Listing:
    """The regular files of the folders asked about, by name, with their inode: one directory read per folder instead
    of four stat calls per attachment (40,000 at 10,000 projects) to find whether docs/downloads already holds
    build/'s very file."""

    def __init__(self, build: Path, docs: Path) -> None:
        self.folders: dict[Path, dict[str, int]] = {}
        try:  # an inode says "the same file" only within one file system
            self.one_device = os.stat(build).st_dev == os.stat(docs).st_dev
        except OSError:
            self.one_device = False

    def inode(self, path: Path) -> int | None:
        """The inode of `path` when it is a regular file (not a link); None otherwise."""
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = {}
            try:
                with os.scandir(path.parent) as found:
                    for item in found:
                        if not item.is_symlink() and item.is_file(follow_symlinks=False):
                            folder[item.name] = item.inode()
            except OSError:
                pass
            self.folders[path.parent] = folder
        return folder.get(path.name)


def _publish_downloads(model: SiteModel, build: Path, docs: Path, published: set[str]) -> None:
    """Each shown submission's attachments in build/, but never a withheld 部门整体's: a build leaves none of them
    (its totals less the public projects' give a 涉密 one's), yet build/ may still hold those of a build before its
    project became 涉密 (a build refused since, E311, or not run again)."""
    listing = _Listing(build, docs)
    withheld = model.withheld_overalls
    for entry in model.entries():
        if entry.model is None or entry.status == ERROR or id(entry) in withheld:
            continue
        files = list(paths.attachments(build, entry.model).items())
        files += [("pdf", p.with_suffix(".pdf")) for _, p in list(files) if p.suffix != ".pdf"]
        for kind, source in files:
            rel = _publish_download(source, build, docs, published, listing)
            if rel is not None:
                entry.downloads.append((f"{source.stem.split('-')[0]}（.{kind}）", rel))
    _copy_department_files(model, build, docs, published, listing)


def _publish_download(source: Path, build: Path, docs: Path, published: set[str], listing: _Listing) -> str | None:
    """`source` (a file under build/) hard-linked, or copied, to docs/downloads/ at the same relative place; its
    path there, or None for a link or anything not a regular file (build/ may be committed: a link is never
    published)."""
    inode = listing.inode(source)
    if inode is None:
        return None
    rel = Path(DOWNLOADS) / source.relative_to(build)
    target = docs / rel
    if not (listing.one_device and listing.inode(target) == inode):
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            out_files.remove(target, docs)
        _link_or_copy(source, target)
    published.add(rel.relative_to(DOWNLOADS).as_posix())
    return rel.as_posix()


def _copy_department_files(model: SiteModel, build: Path, docs: Path, published: set[str], listing: _Listing) -> None:
    """Each department's 报送包 (`docgen build`) and 审核结果反馈 (`docgen feedback`) from build/<period>/, published on
    its page; not for a withheld department, whose downloads are all kept back. Both are redacted when written.
    Only the files named as those commands name them for the department as it is now (paths.bundle, paths.feedback):
    never another file that merely begins with its code (a renamed department's old 报送包, a clerk's zip, the
    department 「1011」's beside 「101」's)."""
    prefix = M.review_text("feedback_file")
    for view in model.periods:
        if not paths.period_dir(build, view.period).is_dir():
            continue
        for dept in view.departments:
            if dept.withheld:
                continue
            name = dept.filed or dept.name
            letter = paths.feedback(build, view.period, dept.code, name)
            found = [(letter, "feedback"), (paths.pdf(letter), "feedback"), (paths.bundle(build, view.period, dept.code, name), "bundle")]
            for source, kind in found:
                rel = _publish_download(source, build, docs, published, listing)
                if rel is None:
                    continue
                if kind == "bundle":
                    dept.bundle = rel
                else:
                    dept.feedback.append((f"{prefix}（{source.suffix}）", rel))


def _copy_theme(source: Path) -> None:
    """Material's overrides (theme.custom_dir in mkdocs.yml), beside docs/."""
    target = source / "theme"
    target.mkdir(parents=True, exist_ok=True)
    for item in resources.files("docgen.site").joinpath("templates", "theme").iterdir():
        (target / item.name).write_bytes(item.read_bytes())


def _copy_assets(docs: Path) -> None:
    source = resources.files("docgen.site").joinpath("templates", "assets")
    target = docs / "assets"
    for item in source.iterdir():
        if item.is_dir():
            for sub in item.iterdir():
                (target / item.name).mkdir(parents=True, exist_ok=True)
                (target / item.name / sub.name).write_bytes(sub.read_bytes())
        else:
            target.mkdir(parents=True, exist_ok=True)
            (target / item.name).write_bytes(item.read_bytes())


def jieba_dictionary(target: Path) -> Path | None:
    """jieba's own dictionary cut to its common words (streamed: never held in memory), written once."""
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        return None
    source = Path(spec.origin).parent / "dict.txt"
    if not target.is_symlink() and target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open(encoding="utf-8") as src, tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as out:
        for line in src:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) >= JIEBA_MIN_FREQ:
                out.write(line)
    os.replace(out.name, target)
    return target


def _target_rows(model: SiteModel, result: Any) -> dict[str, list[target_pages.Row]]:
    """Each public project's approved-against-reported rows, by its path as the pages name it; a 涉密 project's
    comparison is never handed on (its values would be on the page)."""
    secret = {str(p.path) for p in getattr(result, "projects", []) if p.confidential}
    comparisons = getattr(result, "comparisons", {})
    return {model.source(path): target_pages.rows(c) for path, c in comparisons.items() if path not in secret}


#: Project pages rendered in one task of a worker, and the fewest project pages worth starting workers for.
PAGES_PER_TASK = 50
PARALLEL_FROM = 200

#: The last build's docs/ while this one is written: project pages that would come out the same are taken from it.
PREVIOUS = "docs.previous"


def write_sources(model: SiteModel, source: Path, build: Path, store: Store | None = None) -> int:
    """Write docs/ and mkdocs.yml under `source` (replacing what was there); return the number of pages.

    With `store`, a project page whose key (site/keep.py) is the one recorded for the Markdown of the last build is
    not rendered again: its Markdown is taken from the last docs/, checked against the recorded digest."""
    docs = source / "docs"
    out_files.refuse_symlink(source)
    record = keep.Record(store, source) if store is not None else None
    previous = source / PREVIOUS
    out_files.remove(previous, source)
    if docs.is_dir() and not docs.is_symlink():
        docs.rename(previous)
    out_files.remove(docs, source)
    docs.mkdir(parents=True)
    # the last build's downloads stay: only a file that is no longer the one in build/ is linked again (_copy_downloads)
    last = previous / DOWNLOADS
    if last.is_dir() and not last.is_symlink():
        last.rename(docs / DOWNLOADS)
    _copy_assets(docs)
    _copy_theme(source)
    _copy_downloads(model, build, docs)
    writer = _Writer(docs, model.secrets, record, previous if previous.is_dir() else None)
    reviews = model.reviews or review_pages.ReviewView()
    base = keep.shared(model) if record is not None else None
    _use_profile(writer.env, model.profile)
    rule = model.ruleset.rules.get(EXECUTION_RULE) if model.ruleset is not None else None
    writer.env.globals["execution_tone"] = functools.partial(execution_tone, rule=rule)
    writer.env.globals["execution_limits"] = (
        (rule.thresholds.get(ruleset.RED_BELOW), rule.thresholds.get(ruleset.YELLOW_BELOW)) if rule is not None and rule.enabled else None
    )
    writer.env.globals["reviews"] = reviews
    writer.env.globals["targets"] = model.targets
    common: dict[str, Any] = {"site": model, "today": model.today, "source": model.source}
    departments: list[tuple[PeriodView, DepartmentView]] = []
    projects: list[tuple[PeriodView, DepartmentView, Entry]] = []
    for view in model.periods:
        for dept in view.departments:
            departments.append((view, dept))
            projects += [(view, dept, entry) for entry in dept.projects]
    indicator_schema = schema_for("project", model.profile)["properties"][F.KEYS["indicators"]]["items"]["properties"]
    guide = {"messages": M.MESSAGES, "indicator_schema": indicator_schema, "forms": model.profile.forms, "ruleset": model.ruleset}
    # the pages over every submission (home, dashboards: seconds at 10,000 projects), each a task of its own, so that
    # they are written on the workers beside the department and project pages, not before or after them here
    overviews: list[tuple[str, str, dict[str, Any]]] = [("index.md", "home.md.j2", {})]
    overviews += [(view.page, "dashboard.md.j2", {"view": view}) for view in model.periods]
    overviews += [("recent.md", "recent.md.j2", {})]
    overviews += [(f"guide/{name}.md", f"guide/{name}.md.j2", guide) for name in ("submit", "rules", "forms")]

    # every department and overview page keyed here, before any is written, from what it lists (site/keep.py): one
    # that would come out the same is not rendered (the department pages and the home page were ~60 % of the
    # workers' time at 10,000 projects when nothing changed)
    records = keep.records_digest(reviews) if base is not None else None
    dept_keys = {id(dept): keep.department_key(base, model, view, dept, reviews, records) for view, dept in departments}
    overview_keys = keep.overview_keys(base, model, dept_keys, records)

    def write(task: range | int | str) -> tuple[int, int, dict[str, list[str]], list[str]]:
        """An overview page (its number, as text), a department page (its index) or some project pages (a range),
        rendered or kept, in a worker or here: how many pages, how many project pages kept, their record notes and
        the pages rendered; the writer's own counts and notes are left as they were."""
        pages = writer.pages
        kept = 0
        rendered: list[str] = []
        notes: dict[str, list[str]] = {}
        if writer.record is not None:
            notes, writer.record.now = writer.record.now, notes
        if isinstance(task, str):
            target, template, context = overviews[int(task)]
            if writer.page(target, template, overview_keys.get(target), **context, **common):
                rendered.append(target)
        elif isinstance(task, int):
            view, dept = departments[task]
            if writer.page(dept.page, "department.md.j2", dept_keys[id(dept)], view=view, dept=dept, **common):
                rendered.append(dept.page)
        for i in task if isinstance(task, range) else ():
            view, dept, entry = projects[i]
            key = keep.page_key(base, model, view, dept, entry, reviews)
            whole = functools.partial(_whole, model, entry) if model.reader is not None and entry.model is not None else None
            if writer.page(entry.page, "project.md.j2", key, whole, view=view, dept=dept, entry=entry, **common):
                rendered.append(entry.page)
            else:
                kept += 1
        if writer.record is not None:
            notes, writer.record.now = writer.record.now, notes
        done = (writer.pages - pages, kept, notes, rendered)
        writer.pages = pages
        return done

    # the bulk of the pages, on every core: each worker sees the plan as it stands (forked) and sends back only counts;
    # the department pages (a row per project) first, so that no worker is left with them at the end
    tasks: list[range | int | str] = [str(i) for i in range(len(overviews))]
    tasks += list(range(len(departments)))
    tasks += [range(i, min(i + PAGES_PER_TASK, len(projects))) for i in range(0, len(projects), PAGES_PER_TASK)]
    rendered: list[str] = []
    for pages, kept, notes, written in children.fork_map(write, tasks, None if len(projects) >= PARALLEL_FROM else 1):
        writer.pages += pages
        writer.kept += kept
        rendered += written
        if writer.record is not None:
            writer.record.now.update(notes)
    jieba = jieba_dictionary(source / WORD_LIST)
    config = writer.env.get_template("mkdocs.yml.j2").render(site=model, jieba=jieba.name if jieba else None, level=model.profile.level)
    out_files.write_text(source / "mkdocs.yml", config)  # replaces a planted symlink, never writes through it
    out_files.remove(previous, source)
    if record is not None:
        record.save()
    model.kept = writer.kept
    model.rendered = sorted(rendered)
    return writer.pages  # scanned for 涉密 text by the caller (api.site), with the site built from it


def _whole(model: SiteModel, entry: Entry) -> dict[str, Any]:
    """A project page's entry and approved-target rows with the project read whole (`SiteModel.reader`): a copy, so the
    worker lets go of the model once the page is written."""
    assert model.reader is not None and entry.path is not None
    ev, rows = model.reader.whole(entry)
    return {"entry": replace(entry, model=ev.submission, evaluation=ev), "targets": {model.source(entry.path): rows} if rows else {}}


# --- running MkDocs ------------------------------------------------------------------------------

#: The most department folders' pages a site has that one MkDocs run builds with every other page; more are rendered
#: without full runs (`_render_pages`), or, when that cannot be done, in runs of this many. MkDocs converts every page
#: before writing any and keeps them all, and Material's search index is built in memory at the end: a run peaks near
#: 45 MiB plus ~0.18 MiB a page (180 pages 76 MiB, 630 pages 157 MiB), so two runs of 400 at once stay near 250 MiB.
#: Each run also costs a start that grows with the site (1.1 CPU s at 10,000 projects: it lists and matches every
#: page): at 150 pages a run, ~70 runs spent ~77 CPU s starting at 10,000 projects, at 400 ~31 runs about 34 s.
BATCH = 400
#: The fewest project pages for which pages unchanged since the last build are kept (their HTML and search entries)
#: instead of built again: below it one MkDocs run builds the whole site, which costs less than two.
KEEP_FROM = 150

#: `mkdocs` with pkg_resources blocked: jieba imports it only to find its own files (it falls back to a
#: plain path), and the import costs ~12 MiB of the 60 MiB a run may use (benchmarks/site.py).
_ERRNO = re.compile(r"Error: \[Errno (\d+)\] ([^:']+)(?:: '([^']*)'(?: -> '([^']*)')?)?")  # a copy names its target last
#: jieba's segmentation remembered per run of Chinese text: the search plugin segments every section of every page,
#: and the project pages repeat the same labels, headings and notes, so a run of 400 pages segmented the same few
#: thousand strings over and over (~17 % of a run's CPU). jieba.cut is a function of the text (the dictionary is
#: set before the first page), so the index is the same byte for byte (tests/site/test_parallel.py).
SEGMENT_MEMO = (
    "import functools\n"
    "try:\n"
    "    import jieba\n"
    "except ImportError:\n"
    "    jieba = None\n"
    "if jieba is not None:\n"
    "    _cut = jieba.cut\n"
    "    _memo = functools.lru_cache(maxsize=1 << 16)(lambda text: tuple(_cut(text)))\n"
    "    jieba.cut = lambda text, *a, **k: _cut(text, *a, **k) if a or k else iter(_memo(text))\n"
    "    jieba.cut.memo = _memo\n"
)
_MKDOCS = "import sys; sys.modules['pkg_resources'] = None\n" + SEGMENT_MEMO + "from mkdocs.__main__ import cli; cli(prog_name='mkdocs')"
#: The main run beside the renderer child: with the renderer's shortcuts (site/pages.py `quicken`). The runs that build
#: the department folders' pages (and a small site's one run) go without: they are what the renderer is tested against.
_MAIN_RUN = _MKDOCS.replace("from mkdocs.__main__", "from docgen.site.pages import quicken; quicken()\nfrom mkdocs.__main__")


def _folder_pages(docs: Path) -> list[str]:
    """The pages of the department folders (docs-relative: <period>/<dept>/<code>.md and the department's own
    <period>/<dept>/index.md), in the order the runs and the index take them. They are built in runs beside the main
    one and kept when unchanged: after one edit only the affected department's page is built again, not every
    department's (each lists its projects: 1,000 rows at 10,000 projects)."""
    return [p.relative_to(docs).as_posix() for p in sorted(docs.glob("*/*/*.md"))]


def _batches(docs: Path, size: int, only: Iterable[str] | None = None) -> list[list[str]]:
    """Department folders' pages (docs/<period>/<dept>/*.md, `_folder_pages`) in runs of at most `size`, whole folders
    where they fit.

    A run is described to MkDocs by draft patterns; one pattern per folder keeps MkDocs' matching cheap
    (a pattern per page costs seconds per run at 1,000 pages). Each entry is a folder ("2025-06/101/") or,
    for a folder larger than `size`, single pages. `only`: the pages to build (the others are kept from the last
    build); a folder of which some pages are kept is listed page by page.
    """
    every = _folder_pages(docs)
    wanted = set(every if only is None else only)
    whole: dict[str, bool] = {}
    folders: dict[str, list[str]] = {}
    for page in every:
        folder = posixpath.dirname(page) + "/"
        whole[folder] = whole.get(folder, True) and page in wanted
        if page in wanted:
            folders.setdefault(folder, []).append(page)
    batches: list[list[str]] = []
    count = size  # forces a new batch first
    for folder, pages in folders.items():
        if not whole[folder] and len(pages) <= size:  # some of its pages are kept: name the others one by one
            if count + len(pages) > size:
                batches.append([])
                count = 0
            batches[-1] += pages
            count += len(pages)
            continue
        if len(pages) > size:
            batches += [pages[i : i + size] for i in range(0, len(pages), size)]
            count = size
            continue
        if count + len(pages) > size:
            batches.append([])
            count = 0
        batches[-1].append(folder)
        count += len(pages)
    return batches


def _run_configs(source: Path, size: int, only: Iterable[str] | None = None, *, rendered: bool = False) -> list[tuple[str, list[str]]]:
    """One config per MkDocs run: (config file, folders or pages it builds). Pages of other runs are drafts.

    The first run builds every other page and the downloads; the others build the department folders' pages only
    (`only`: those not kept from the last build). Drafted pages still get their navigation entry and URL, so every run
    renders the same header and tabs. `rendered`: the department folders' pages are rendered without MkDocs runs
    (`_render_pages`): the main run only.
    """
    for stale in source.glob("mkdocs-*.yml"):
        out_files.remove(stale, source)
    docs = source / "docs"
    base = (source / "mkdocs.yml").read_text(encoding="utf-8")
    runs: list[tuple[str, list[str]]] = [("mkdocs-0.yml", [])]
    # the downloads are linked into the site by `_place_downloads`, never copied by MkDocs (tens of thousands of files)
    excluded = f"exclude_docs: |\n  /{DOWNLOADS}/\n"
    if only is None and len(_folder_pages(docs)) <= size and not rendered:
        out_files.write_text(source / "mkdocs-0.yml", base + excluded)
        return runs
    out_files.write_text(source / "mkdocs-0.yml", base + "draft_docs: |\n  /*/*/*.md\n" + excluded)
    if rendered:
        return runs
    batches = _batches(docs, size, only)
    for i, items in enumerate(batches, 1):
        lines = ["draft_docs: |", "  *.md"]
        for item in items:
            lines += [f"  !/{item}*.md"] if item.endswith("/") else [f"  !/{item}"]
        lines += ["exclude_docs: |", "  /downloads/", "  /assets/"]
        name = f"mkdocs-{i}.yml"
        out_files.write_text(source / name, base + "\n".join(lines) + "\n")
        runs.append((name, items))
    return runs


#: The department folders' pages in one child, through MkDocs' page machinery set up once (site/pages.py).
_PAGES = (
    "import sys; sys.modules['pkg_resources'] = None\n" + SEGMENT_MEMO + "from docgen.site.pages import main\nsys.exit(main(sys.argv[1:]))"
)
#: Its config: the site's, every page included (none drafted), nothing copied.
PAGES_CONFIG = "mkdocs-pages.yml"


def _pages_config(source: Path) -> str:
    base = (source / "mkdocs.yml").read_text(encoding="utf-8")
    out_files.write_text(source / PAGES_CONFIG, base + f"exclude_docs: |\n  /{DOWNLOADS}/\n  /assets/\n")
    return PAGES_CONFIG


def _render_pages(source: Path, pages: list[str], target: Path) -> bool:
    """The department folders' `pages` rendered into `target` (site/pages.py) as MkDocs runs would render them, with
    their search index; False when that could not be done (the machinery is not the MkDocs it was written for, or the
    child failed): the caller builds them in full MkDocs runs, which report any real problem themselves."""
    listing = source / "pages.json"
    out_files.write_text(listing, json.dumps(pages, ensure_ascii=False))
    code = children.python_prefix() + _PAGES  # the child ends with docgen, however docgen ends
    command = [sys.executable, "-c", code, _pages_config(source), str(target), listing.name]
    try:
        done = subprocess.run(command, cwd=source, capture_output=True, text=True, env=_mkdocs_env())
    finally:
        out_files.remove(listing, source)
    return done.returncode == 0


def _mkdocs_env() -> dict[str, str]:
    """The environment of MkDocs' children: without Python's warnings and MkDocs 2's notice around a real error."""
    return {**os.environ, "PYTHONWARNINGS": "ignore", "NO_MKDOCS_2_WARNING": "1"}


def _child_failed(done: subprocess.CompletedProcess[str], target: Path) -> NoReturn:
    """A child that built or merged pages into `target` failed: say why in the user's words."""
    lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip() and "jieba" not in line.lower()]
    failed = next((_ERRNO.search(line) for line in reversed(lines) if _ERRNO.search(line)), None)
    if failed:  # the child could not write (disk full, read-only): say that, not its traceback
        raise write_problem(OSError(int(failed[1]), failed[2], failed[4] or failed[3] or str(target)))
    if any(line.startswith("Traceback") for line in lines):  # an uncaught error in the child: its last line says it
        lines = lines[-1:]
    raise EnvironmentProblem(M.site_label("mkdocs_failed", code=done.returncode, output="\n".join(lines[-20:])))


def _mkdocs(source: Path, config: str, target: Path, code: str = _MKDOCS) -> None:
    code = children.python_prefix() + code  # the run ends with docgen, however docgen ends
    command = [sys.executable, "-c", code, "build", "--strict", "--quiet", "--config-file", config, "--site-dir", str(target)]
    done = subprocess.run(command, cwd=source, capture_output=True, text=True, env=_mkdocs_env())
    if done.returncode != 0:
        _child_failed(done, target)


_MERGE = "import sys\nfrom docgen.site.pages import merge_main\nsys.exit(merge_main(sys.argv[1:]))"


def _merge_search(
    source: Path, main: Path, others: list[Path], old: Path | None, kept: set[str], pages: list[str], layout: Path | None = None
) -> None:
    """One search index for the site in `main` (site/pages.py `merge_search`), made in a child process: the index of a
    large site is too large to be read in ours, which holds the site's plan. `old`: the last site's index, whose
    entries of the `kept` pages (their .html) are taken; `layout`: where the indexes' layouts are kept (user cache)."""
    listing = source / "merge.json"
    args = {
        "main": str(main),
        "others": [str(o) for o in others],
        "old": str(old) if old else None,
        "kept": sorted(kept),
        "pages": pages,
        "layout": str(layout) if layout else None,
    }
    out_files.write_text(listing, json.dumps(args, ensure_ascii=False))
    code = children.python_prefix() + _MERGE  # the child ends with docgen, however docgen ends
    try:
        done = subprocess.run([sys.executable, "-c", code, listing.name], cwd=source, capture_output=True, text=True)
    finally:
        out_files.remove(listing, source)
    if done.returncode != 0:
        _child_failed(done, main)


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` as the very file `source` (a hard link: nothing copied), or a copy where a link cannot be made
    (another file system, a file system without links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _real_folder(top: Path, rel: str) -> Path | None:
    """`top`/`rel` when it is a folder and neither it nor a folder on the way from `top` is a link; None otherwise."""
    path = top
    for part in PurePosixPath(rel).parts:
        path = path / part
        if path.is_symlink() or not path.is_dir():
            return None
    return path


def _same_files(source: Path, old: Path, memo: dict[Path, bool]) -> bool:
    """Whether the folder `old` (the last site's) holds exactly the files of `source` (docs/), as the same files (hard
    links to one inode), with no link anywhere."""
    if source in memo:
        return memo[source]
    same = True
    try:
        mine = {e.name: e for e in os.scandir(source)}
        theirs = {e.name: e for e in os.scandir(old)}
    except OSError:
        mine, theirs, same = {}, {}, False
    if mine.keys() != theirs.keys():
        same = False
    for name, entry in mine.items():  # every sub-folder is judged, so that the caller can move the same ones
        other = theirs.get(name)
        if entry.is_symlink() or other is None or other.is_symlink():
            same = False
        elif entry.is_dir():
            same = _same_files(source / name, old / name, memo) and other.is_dir() and same
        elif not (other.is_file() and os.path.samestat(entry.stat(follow_symlinks=False), other.stat(follow_symlinks=False))):
            same = False
    memo[source] = same
    return same


def _place_downloads(source: Path, old: Path | None, new: Path, moved: list[tuple[Path, Path]], memo: dict[Path, bool]) -> None:
    """docs/downloads (`source`) into the new site (`new`): a folder whose files the last site (`old`) already holds is
    moved from it whole (noted in `moved`, moved back when the new site fails its checks), any other file hard-linked
    (or copied). Nothing is copied by MkDocs and, after one edit, nearly nothing is linked or removed."""
    if old is not None and _same_files(source, old, memo):
        os.rename(old, new)
        moved.append((old, new))
        return
    new.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            below = old / entry.name if old is not None else None
            keep = below is not None and not below.is_symlink() and below.is_dir()
            _place_downloads(source / entry.name, below if keep else None, new / entry.name, moved, memo)
        elif entry.is_file():
            _link_or_copy(Path(entry.path), new / entry.name)


def _place_kept(output: Path, new: Path, pages: list[str], kept: set[str], moved: list[tuple[Path, Path]]) -> None:
    """The kept pages (built before from the same sources, their HTML unchanged since) into the new site: a department
    folder all of whose pages are kept, and that holds nothing else, is moved whole (noted in `moved`); other kept
    pages are hard-linked (or copied) one by one."""
    folders: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        folders[posixpath.dirname(page)].append(page)
    for folder, members in folders.items():
        mine = [p for p in members if p in kept]
        if not mine:
            continue
        old = _real_folder(output, folder) if len(mine) == len(members) else None
        target = new / folder
        if old is not None and not target.exists():
            try:
                names = {e.name for e in os.scandir(old)}
            except OSError:
                names = set()
            if names == {posixpath.basename(_html(p)) for p in members}:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(old, target)
                moved.append((old, target))
                continue
        for page in mine:
            html = _html(page)
            (new / html).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(output / html, new / html)


def theme_files() -> Path | None:
    """The installed Material theme's own files (its templates folder), which MkDocs copies into the site as they are:
    the 涉密 check does not read the site's identical copies (redact.scan `theme`)."""
    spec = find_spec("material")
    origin = spec.origin if spec is not None else None
    folder = Path(origin).parent / "templates" if origin else None
    return folder if folder is not None and folder.is_dir() else None


def run_mkdocs(
    source: Path,
    output: Path,
    *,
    batch: int | None = None,
    check: Callable[[Path], object] | None = None,
    files: FileDigests | None = None,
    render: bool = True,
    layout: Path | None = None,
) -> int:
    """`mkdocs build --strict` in child processes into a fresh folder, then swapped in for `output`.

    Child processes keep MkDocs' memory out of ours. A site of more than `batch` project pages (see BATCH) is built
    by one MkDocs run for every page but the department folders' and one child that renders those through MkDocs' page
    machinery set up once (`_render_pages`, site/pages.py: the same HTML and search entries); without it (`render`
    False, or when that child cannot) in runs of `batch` such pages. Pages and search entries are merged. Building
    beside `output` and renaming at the end means a failed build leaves the previous site in place. Returns the number
    of child processes that built pages. `layout`: where the search index's layout is kept (the user's cache), so
    that the next build copies the kept pages' entries from it as they are (site/pages.py `merge_search`).
    """
    if find_spec("mkdocs") is None or find_spec("material") is None:
        raise EnvironmentProblem(M.site_label("mkdocs_missing"))
    out_files.refuse_symlink(output)  # its own name is never resolved: a committed `site` link is refused, not followed
    output.parent.mkdir(parents=True, exist_ok=True)
    output = output.parent.resolve() / output.name
    owner = output.parent
    size = batch or BATCH
    pages = _folder_pages(source / "docs")
    digests = _page_digests(source, pages) if len(pages) > min(size, KEEP_FROM) else {}
    kept = _kept_pages(source, output, digests, files)
    todo = [p for p in pages if p not in kept] if digests else None
    render = render and not (todo is None and len(pages) <= size)  # a small site: one run costs less than two children
    runs = _run_configs(source, size, todo, rendered=render)
    wanted = (pages if todo is None else todo) if render else []
    if wanted:
        runs.append((PAGES_CONFIG, wanted))
    folders: list[Path] = []
    moved: list[tuple[Path, Path]] = []  # (in the last site, in the new one): moved back when the new one fails
    try:
        folders += [Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent)) for _ in runs]

        def run(config: str, folder: Path) -> bool:
            if config == PAGES_CONFIG:
                return _render_pages(source, wanted, folder)
            _mkdocs(source, config, folder, _MAIN_RUN if render else _MKDOCS)
            return True

        # the children are independent: keep every core busy (a MkDocs run of `batch` pages peaks near 52 MiB)
        with ThreadPoolExecutor(max(1, min(len(runs), os.cpu_count() or 1))) as pool:
            done = list(pool.map(lambda item: run(item[0][0], item[1]), zip(runs, folders, strict=True)))
        if not all(done):  # the pages could not be rendered without MkDocs runs: build them in runs after all
            runs, failed = runs[:-1], folders.pop()
            out_files.remove(failed, owner)
            extra = _run_configs(source, size, wanted)[1:]
            folders += [Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent)) for _ in extra]
            runs += extra
            with ThreadPoolExecutor(max(1, min(len(extra), os.cpu_count() or 1))) as pool:
                list(pool.map(lambda item: _mkdocs(source, item[0][0], item[1]), zip(extra, folders[-len(extra) :], strict=True)))
        for (_, items), folder in zip(runs[1:], folders[1:], strict=True):
            for item in items:
                for built in (folder / item).glob("*.html") if item.endswith("/") else [folder / Path(item).with_suffix(".html")]:
                    target = folders[0] / built.relative_to(folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(built, target)
        # unchanged since the last build: its page as built then (its digests were checked)
        _place_kept(output, folders[0], pages, kept, moved)
        downloads = source / "docs" / DOWNLOADS
        if downloads.is_dir() and not downloads.is_symlink():
            _place_downloads(downloads, _real_folder(output, DOWNLOADS), folders[0] / DOWNLOADS, moved, {})
        if len(runs) > 1 or kept:
            old = output / INDEX if kept else None
            _merge_search(source, folders[0], folders[1:], old, {_html(p) for p in kept}, [_html(p) for p in pages], layout)
        if check is not None:  # before the swap: a page that fails leaves the previous site published
            check(folders[0])
    except BaseException:
        for back, there in reversed(moved):  # the last site stays as it was
            os.rename(there, back)
        for folder in folders:
            out_files.remove(folder, owner)
        raise
    for folder in folders[1:]:
        out_files.remove(folder, owner)
    old = output.with_name(f".{output.name}.old")
    if output.exists():
        out_files.remove(old, owner)
        output.rename(old)
    folders[0].chmod(0o755)
    folders[0].rename(output)
    out_files.remove(old, owner)
    _record_pages(source, output, digests, files)
    return len(runs)


# --- keeping what did not change ------------------------------------------------------------------

#: What the last build's project pages were made from (build/site-src/built.json): per page, the digest of its
#: Markdown and of everything every page shares, and the digest of the HTML it became. A page whose digest is
#: unchanged and whose HTML in site/ is still that HTML is not rendered again.
BUILT = "built.json"


def _html(page: str) -> str:
    return page[:-3] + ".html"


def _page_digests(source: Path, pages: list[str]) -> dict[str, str]:
    """Each project page's digest: its path and Markdown, and what every page is rendered with (mkdocs.yml with its
    navigation, the theme override, the search word list, the versions of docgen, MkDocs and Material)."""
    from importlib.metadata import version

    from .. import __version__

    shared = hashlib.sha256(f"{__version__} {version('mkdocs')} {version('mkdocs-material')}".encode())
    for path in [source / "mkdocs.yml", source / WORD_LIST, *sorted((source / "theme").rglob("*"))]:
        if path.is_file() and not path.is_symlink():
            shared.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    base = shared.hexdigest()
    docs = source / "docs"
    return {page: hashlib.sha256(f"{base}\0{page}\0".encode() + (docs / page).read_bytes()).hexdigest() for page in pages}


def _built_digest(path: Path, files: FileDigests | None) -> str:
    """The sha256 of a built file (a page, the search index: ~100 MB at 10,000 projects), by its stat signature when
    `files` knows it (verdicts.FileDigests), else read in pieces."""
    found = files.of(path) if files is not None else None
    if found is not None:
        return found
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


#: The search index's layout (site/pages.py `merge_search`), a record in the user's cache beside the site's.
LAYOUT = "search-layout"
#: built.json's entry for the search index the last build published: its digest (the other entries are pages).
INDEX = "search/search_index.json"


def _kept_pages(source: Path, output: Path, digests: dict[str, str], files: FileDigests | None = None) -> set[str]:
    """The pages the last build already rendered from the same sources (their HTML unchanged since); nothing when there
    is no usable record (first build, site/ removed or edited, its search index not the one last published, whose
    entries of these pages `_merge_search` takes)."""
    record = source / BUILT
    index = output / INDEX
    if not digests or record.is_symlink() or index.is_symlink() or not record.is_file() or not index.is_file():
        return set()
    try:
        built = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(built, dict) or built.get(INDEX) != [_built_digest(index, files)]:
            return set()
    except (OSError, ValueError):
        return set()
    kept = set()
    for page, digest in digests.items():
        html = output / _html(page)
        then = built.get(page)
        fresh = isinstance(then, list) and len(then) == 2 and then[0] == digest and not html.is_symlink() and html.is_file()
        if fresh and isinstance(then, list) and _built_digest(html, files) == then[1]:
            kept.add(page)
    return kept


def _record_pages(source: Path, output: Path, digests: dict[str, str], files: FileDigests | None = None) -> None:
    """Note what each project page of the site just published was made from (none for an unbatched site), and which
    search index holds their entries."""
    if not digests:
        out_files.remove(source / BUILT, source)
        return
    record = {page: [digest, _built_digest(output / _html(page), files)] for page, digest in digests.items()}
    record[INDEX] = [_built_digest(output / INDEX, files)]
    out_files.write_text(source / BUILT, json.dumps(record, ensure_ascii=False, sort_keys=True))


@dataclass
class SiteResult:
    """What `docgen site` built, for the command's summary and exit code."""

    output: Path
    pages: int
    model: SiteModel

    @property
    def invalid(self) -> int:
        return sum(e.status == ERROR for e in self.model.entries())


def build_site(
    root: Path,
    result: Any,
    *,
    today: date,
    build: Path,
    output: Path,
    source: Path,
    store: Store | None = None,
    secrets: Secrets | None = None,
    withheld: set[tuple[str, str]] | None = None,
    check: Callable[[Path], object] | None = None,
    past: history.History | DocgenError | None = None,
    files: FileDigests | None = None,
    reader: PageReader | None = None,
) -> SiteResult:
    """Plan, attach history (kept in `store`, default the project's cache), write the sources, run MkDocs.

    `secrets`: the repository's 涉密 names, codes and former names (confidential.secrets), redacted from every page;
    `withheld`: (period, department) whose totals are not shown. `check(folder)` runs on the new site after
    sanitise.check_site and before the swap: when it raises, the previous site stays published. `past`: the
    history already read (`read_past`), None to read it here. `files`: the content digests of files by their stat
    signature (verdicts.FileDigests), so that the pages and downloads of the last site are not read again. `reader`:
    `result` holds each project as its identity and record (PageReader), read whole only where its page is rendered."""
    model = plan(result, today, root, secrets, withheld or set())
    model.reader = reader
    attach_history(root, model, store, past)
    model.reviews = review_pages.review_view(root, result, model.secrets.codes)
    model.targets = _target_rows(model, result)
    out_files.refuse_symlink(build)
    out_files.refuse_symlink(output)
    # one run at a time: runs share build/site-src and swap the same site/; a second run waits its turn. The lock
    # lives in build/ (git-ignored), so it never shows in the repository
    out_files.refuse_symlink(source.parent)
    # the plan lives to the end: collections from here walk only what is made after it (children.frozen)
    with out_files.lock(source.parent, SITE_LOCK), children.frozen():
        pages = write_sources(model, source, build, store)
        clean = Verdicts(store, "sanitise", sanitise.basis(), files)
        layout = store.record(output, LAYOUT) if store is not None else None  # the search index's (site/pages.py)
        run_mkdocs(
            source,
            output,
            check=lambda folder: (sanitise.check_site(folder, clean, workers=None, layout=layout), check and check(folder)),
            files=files,
            layout=layout,
        )
        clean.save()
    return SiteResult(output, pages, model)
