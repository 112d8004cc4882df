"""What a monitoring rule's function is given, and how it says which rule it implements.

A rule is declared once in the rulebook (check/rulebook.py: code, texts, thresholds); its logic is one function in
`evaluate/rules/`, registered against the same code with `@implements("W401")`. The engine (monitor.py) gives each
function a `Run`: the submission, its budget rows, the period's roster entry and, for a 部门整体, the department's
projects; the function records its verdicts with `run.hit(...)`, and the engine turns them into findings and lights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.load import JsonPath
from ..check.ruleset import Rule, Ruleset
from ..form import vocabulary as F
from ..form.forms import form_of
from ..form.model import Amounts, Department, ExpectedProject, Project, Roster
from . import figures as compute
from .evaluation import Evaluation

Submission = Project | Department
Subject = tuple[Any, ...]  # ("submission",) | ("row", table, label) | ("indicator", index)
SUBMISSION: Subject = ("submission",)
RosterIndex = dict[str, tuple[ExpectedProject, str, str]]  # project code -> (roster entry, department code, department name)


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


def roster_index(roster: Roster) -> RosterIndex:
    """Project code -> (roster entry, department code, department name), so W413 looks each project up once."""
    return {p.code: (p, dept.code, dept.name) for dept in roster.departments for p in dept.projects}


@dataclass(frozen=True)
class Previous:
    """The same project's submission of the previous period of the year (W417, W418): its rows' typed amounts."""

    label: str  # 「2025年1-3月」
    path: str  # where it stands, for the message
    rows: dict[tuple[str, str], Amounts]  # (table YAML key, row label) -> amounts

    @classmethod
    def of(cls, project: Project) -> Previous:
        rows = {(t.key, label): amounts for t in form_of(project).tables for label, amounts in project.tables[t.field].items()}
        return cls(project.period.label, Path(project.path).as_posix(), rows)


@dataclass(frozen=True)
class Hit:
    """One verdict of a rule: its light, what it is about (subject) and where it stands in the file (at)."""

    code: str
    light: str | None
    subject: Subject
    at: JsonPath
    key: bool
    speaks: bool
    args: dict[str, Any]
    note: bool = False  # a note (I401): always an info line, colours nothing


@dataclass
class Run:
    """Rules evaluated on one submission: what they read, the hits they record, the period and the exemption."""

    sub: Submission
    ruleset: Ruleset
    rows: list[BudgetRow]
    roster: Roster | None = None
    index: RosterIndex = field(default_factory=dict)  # the period's roster, by project code
    members: list[Project] = field(default_factory=list)  # for a 部门整体: the department's projects this period
    member_funds: list[tuple[Amounts, bool]] | None = None  # or only what W414 reads of them (rules/roster.member_funds)
    missing: int = 0  # for a 部门整体: projects on the roster without a file
    erroneous: int = 0  # for a 部门整体: projects on the roster whose file has errors (not among `members`)
    previous: Previous | None = None  # for a project: its submission of the previous period of the year
    hits: list[Hit] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)  # a judgement several rules share (an indicator's progress)

    def __post_init__(self) -> None:
        self.month = self.sub.period.month
        self.exempt = bool(self.sub.research) and self.month < 12
        self._active = {code: self.ruleset.active(code, self.exempt) for code in self.ruleset.rules}

    def words(self, label: str) -> str:
        """One of docgen's labels (全年预计支出数) in the words of the submission's form (全年预计执行数)."""
        return form_of(self.sub).words(label)

    def rule(self, code: str) -> Rule | None:
        """The rule as configured, or None when it does not run on this submission (disabled, or 科研类 exempt)."""
        return self._active[code]

    def hit(
        self,
        rule: Rule,
        light: str | None,
        subject: Subject,
        at: JsonPath,
        *,
        key: bool = False,
        speaks: bool = True,
        note: bool = False,
        **args: Any,
    ) -> None:
        """Record a rule's verdict; `speaks=False` gives the light without repeating the finding."""
        self.hits.append(Hit(rule.code, light, subject, at, key, speaks, {"month": self.month, **args}, note))


RuleFunction = Callable[[Run], None]


@dataclass(frozen=True)
class Implementation:
    """A rule's function, and whether it grades budget rows (a 其中 row then speaks only where worse than its 资金总额)."""

    code: str
    function: RuleFunction
    per_row: bool = False


#: Every rule's function by code, filled by `@implements` as evaluate/rules/ is imported.
IMPLEMENTATIONS: dict[str, Implementation] = {}


def implements(code: str, *, per_row: bool = False) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the logic of the rulebook's rule `code`."""

    def register(function: RuleFunction) -> RuleFunction:
        assert code not in IMPLEMENTATIONS, f"{code} has two functions"
        IMPLEMENTATIONS[code] = Implementation(code, function, per_row)
        return function

    return register
