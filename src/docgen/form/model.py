"""Typed, validated submissions: built only from data that passed validation.

English attribute names; the Chinese keys they come from are looked up in `forms`, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import forms
from . import vocabulary as F
from .indicators import Value, parse

K, A, I = F.KEYS, F.AMOUNT_FIELDS, F.INDICATOR_FIELDS  # noqa: E741 - K/A/I: keys, amount and indicator field names
ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """The monitoring period (a year and the month it runs to), which names folders and titles."""

    year: int
    month: int

    @property
    def label(self) -> str:
        """「2025年1-6月」 (「2025年1月」 for January), as the forms' title line says."""
        return f"{self.year}年1-{self.month}月" if self.month > 1 else f"{self.year}年1月"

    @property
    def months(self) -> str:
        """「1-6月」: replaces 「1-XX月」 in the forms' headers."""
        return f"1-{self.month}月" if self.month > 1 else "1月"

    @property
    def key(self) -> str:
        """The folder name under submissions/: 2025-06."""
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class LineItem:
    """One 明细 line of a fund row: an activity bundled into the row's money, with its amount and use."""

    name: str
    amount: Decimal
    use: str = ""


@dataclass(frozen=True)
class Amounts:
    """The five figures typed in for one fund row, in 万元, and the row's optional extras (forms.ROW_FIELDS).

    `budget` is the 本年预算 as typed (the 年初预算 when an adjustment is recorded); `adjusted_budget` the 调整后预算
    (None: no adjustment), which the rates use (`effective_budget`); `pending` the payments approved but not yet made.
    """

    carried_over: Decimal = ZERO
    budget: Decimal = ZERO
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    expected: Decimal = ZERO
    adjusted_budget: Decimal | None = None
    pending: Decimal = ZERO
    items: tuple[LineItem, ...] = ()

    @property
    def effective_budget(self) -> Decimal:
        """The budget the rates are computed on: the 调整后预算 where one is recorded, else the 本年预算."""
        return self.budget if self.adjusted_budget is None else self.adjusted_budget

    def __add__(self, other: Amounts) -> Amounts:
        adjusted = None
        if self.adjusted_budget is not None or other.adjusted_budget is not None:
            adjusted = self.effective_budget + other.effective_budget
        sums = {n: getattr(self, n) + getattr(other, n) for n in A}
        return Amounts(**sums, adjusted_budget=adjusted, pending=self.pending + other.pending)

    @classmethod
    def from_data(cls, row: dict[str, Any]) -> Amounts:
        extra = F.ROW_EXTRA_FIELDS
        adjusted = row.get(extra["adjusted_budget"])
        li = F.LINE_ITEM_FIELDS
        return cls(
            **{name: Decimal(row.get(key, 0)) for name, key in A.items()},
            adjusted_budget=None if adjusted is None else Decimal(adjusted),
            pending=Decimal(row.get(extra["pending"]) or 0),
            items=tuple(
                LineItem(item[li["name"]], Decimal(item[li["amount"]]), item.get(li["use"]) or "") for item in row.get(extra["items"]) or ()
            ),
        )


@dataclass(frozen=True)
class Indicator:
    """One 绩效指标 row: its levels, target, result so far and the expected year-end outcome."""

    level1: str
    level2: str
    name: str
    target: Value
    result: Value
    expected: Value
    likelihood: str
    adjusted_target: Value | None = None
    deviation: str = ""
    remark: str = ""
    cumulative: bool | None = None
    evidence: tuple[str, ...] = ()

    @property
    def effective_target(self) -> Value:
        """The adjusted target where one was approved (目标调整), else the approved one."""
        return self.adjusted_target or self.target

    @property
    def is_cumulative(self) -> bool:
        return self.cumulative if self.cumulative is not None else self.effective_target.cumulative_by_default

    @classmethod
    def from_data(cls, item: dict[str, Any]) -> Indicator:
        adjusted = item.get(I["adjusted_target"])
        return cls(
            level1=item[I["level1"]],
            level2=item[I["level2"]],
            name=item[I["name"]],
            target=parse(item[I["target"]]),
            result=parse(item[I["result"]]),
            expected=parse(item[I["expected"]]),
            likelihood=item[I["likelihood"]],
            adjusted_target=parse(adjusted) if adjusted is not None else None,
            deviation=item.get(I["deviation"]) or "",
            remark=item.get(I["remark"]) or "",
            cumulative=item.get(I["cumulative"]),
            evidence=tuple(item.get(I["evidence"]) or ()),
        )


@dataclass(frozen=True)
class Review:
    """One 审核意见 on the submission (unit, date, conclusion), listed on its page of the status site."""

    unit: str
    date: str
    conclusion: str
    opinion: str
    reviewer: str = ""


def _reviews(data: dict[str, Any]) -> tuple[Review, ...]:
    return tuple(
        Review(unit=r["审核单位"], date=r["日期"], conclusion=r["结论"], opinion=r["意见"], reviewer=r.get("审核人", ""))
        for r in data.get(K["reviews"]) or []
    )


def _funds(data: dict[str, Any], key: str, rows: tuple[str, ...]) -> dict[str, Amounts]:
    """Rows in the form's order; a source not written is absent (rendered blank)."""
    given = data.get(key) or {}
    return {row: Amounts.from_data(given[row]) for row in rows if given.get(row) is not None}


def _tables(kind: str, data: dict[str, Any]) -> dict[str, dict[str, Amounts]]:
    """Every budget table the kind's form has (forms.py), by its model attribute: what was typed in, per fund row."""
    return {t.field: _funds(data, t.key, t.rows) for t in forms.FORMS[kind].tables}


class _Budget:
    """The budget tables of a submission as its form lists them; `funds`, `funds_by_type`… name them one by one."""

    tables: dict[str, dict[str, Amounts]]

    @property
    def funds(self) -> dict[str, Amounts]:
        return self.tables["funds"]

    @property
    def funds_by_type(self) -> dict[str, Amounts]:
        return self.tables["funds_by_type"]

    @property
    def funds_by_use(self) -> dict[str, Amounts]:
        return self.tables["funds_by_use"]


def _report(data: dict[str, Any]) -> dict[str, str]:
    given = data.get(K["report"]) or {}
    return {key: (given.get(key) or "").strip() for key in F.REPORT_KEYS}


@dataclass(frozen=True)
class Project(_Budget):
    """A project submission (附件2), typed, with English attribute names for the renderers and rules."""

    path: Path
    period: Period
    name: str
    code: str
    department: str
    department_code: str
    unit: str
    tables: dict[str, dict[str, Amounts]]  # model attribute of each budget table of forms.PROJECT_FORM -> its rows
    target: str
    indicators: tuple[Indicator, ...]
    report: dict[str, str] = field(default_factory=dict)
    reviews: tuple[Review, ...] = ()
    research: bool = False
    confidential: bool = False
    span: str = ""

    kind = "project"

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any]) -> Project:
        return cls(
            path=path,
            period=Period(data[K["year"]], data[K["month"]]),
            name=data[K["project_name"]],
            code=data[K["project_code"]],
            department=data[K["department"]],
            department_code=data[K["department_code"]],
            unit=data[K["unit"]],
            tables=_tables(cls.kind, data),
            target=data[K["project_target"]].strip(),
            indicators=tuple(Indicator.from_data(i) for i in data[K["indicators"]]),
            report=_report(data),
            reviews=_reviews(data),
            research=bool(data.get(K["research"], False)),
            confidential=bool(data.get(K["confidential"], False)),
            span=data.get(K["period_span"]) or "",
        )


@dataclass(frozen=True)
class Department(_Budget):
    """A department's overall submission (附件3), typed like a project but with two budget tables."""

    path: Path
    period: Period
    department: str
    department_code: str
    tables: dict[str, dict[str, Amounts]]  # model attribute of each budget table of forms.DEPARTMENT_FORM -> its rows
    target: str
    indicators: tuple[Indicator, ...]
    report: dict[str, str] = field(default_factory=dict)
    reviews: tuple[Review, ...] = ()
    monitored_projects: int | None = None  # 监控项目数 as stated (None: not stated)

    kind = "department"
    confidential = False
    research = False

    @property
    def name(self) -> str:
        return self.department

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any]) -> Department:
        return cls(
            path=path,
            period=Period(data[K["year"]], data[K["month"]]),
            department=data[K["department"]],
            department_code=data[K["department_code"]],
            tables=_tables(cls.kind, data),
            target=data[K["dept_target"]].strip(),
            indicators=tuple(Indicator.from_data(i) for i in data[K["indicators"]]),
            report=_report(data),
            reviews=_reviews(data),
            monitored_projects=data.get(F.MONITORED_PROJECTS),
        )


@dataclass(frozen=True)
class ExpectedProject:
    """A project the period's roster expects, with the flags (科研类, 涉密) the checks compare against."""

    code: str
    name: str
    unit: str
    research: bool = False
    confidential: bool = False


@dataclass(frozen=True)
class RosterDepartment:
    """A department of the roster with its units and the projects it must submit."""

    name: str
    code: str
    units: tuple[str, ...]
    projects: tuple[ExpectedProject, ...]


@dataclass(frozen=True)
class Roster:
    """The period's list of who must submit what by when: the basis of completeness counts and W413."""

    path: Path
    period: Period
    deadline: date
    departments: tuple[RosterDepartment, ...]

    kind = "roster"

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any]) -> Roster:
        return cls(
            path=path,
            period=Period(data[K["year"]], data[K["month"]]),
            deadline=date.fromisoformat(data[K["deadline"]]),
            departments=tuple(
                RosterDepartment(
                    name=d[K["department"]],
                    code=d[K["department_code"]],
                    units=tuple(d[K["units"]]),
                    projects=tuple(
                        ExpectedProject(
                            code=p[K["project_code"]],
                            name=p[K["project_name"]],
                            unit=p[K["unit"]],
                            research=bool(p.get(K["research"], False)),
                            confidential=bool(p.get(K["confidential"], False)),
                        )
                        for p in d[K["expected_projects"]]
                    ),
                )
                for d in data[K["departments"]]
            ),
        )


Submission = Project | Department
BUILDERS: dict[str, Any] = {"project": Project.from_data, "department": Department.from_data, "roster": Roster.from_data}


def build(kind: str, path: Path, data: dict[str, Any]) -> Project | Department | Roster:
    """Build the typed record for a validated file of any kind."""
    return BUILDERS[kind](path, data)  # type: ignore[no-any-return]
