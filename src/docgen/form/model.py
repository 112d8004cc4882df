"""Typed, validated submissions: built only from data that passed validation.

English attribute names; the Chinese keys they come from are looked up in `forms`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import forms
from . import vocabulary as F
from .indicators import Value, accumulates, parse

K, A, I = F.KEYS, F.AMOUNT_FIELDS, F.INDICATOR_FIELDS  # noqa: E741 - K/A/I: keys, amount and indicator field names
R = F.REVIEW_FIELDS
ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """The monitoring period (a year and the month it runs to), which names folders and titles."""

    year: int
    month: int
    style: forms.PeriodStyle | None = field(default=None, compare=False, repr=False)  # the profile's convention

    @property
    def label(self) -> str:
        """「2025年1-6月」 (「2025年1月」 for January), as the forms' title line says."""
        return f"{self.year}年{self.months}"

    @property
    def months(self) -> str:
        """「1-6月」: replaces 「1-XX月」 in the forms' headers (as the profile prints a period, by default so)."""
        if self.style is not None:
            return self.style.months(self.month)
        return f"1-{self.month}月" if self.month > 1 else "1月"

    @property
    def key(self) -> str:
        """The folder name under submissions/: 2025-06."""
        return f"{self.year}-{self.month:02d}"


NOT_REPORTED = F.NOT_REPORTED
EVERY_AMOUNT = frozenset(A)


def not_reported(value: object) -> bool:
    """The value a clerk types for a figure, value, table or block not reported yet (「未填报」, or another way of
    writing "not known yet" such as 「暂无」: reading it as a value would draft a sentence nobody reported)."""
    return isinstance(value, str) and (value.strip() == NOT_REPORTED or unknown_word(value))


def unknown_word(value: object) -> bool:
    """「暂无」, 「—」, 「不详」…: "not known yet" written otherwise than 「未填报」 (W315 asks for 「未填报」)."""
    return isinstance(value, str) and value.strip() in F.UNKNOWN_WORDS


@dataclass(frozen=True)
class LineItem:
    """One 明细 line of a fund row: an activity bundled into the row's money, with its amount and use."""

    name: str
    amount: Decimal | None  # None: stated 「未填报」
    use: str = ""


def _line_item(item: dict[str, Any]) -> LineItem:
    li = F.LINE_ITEM_FIELDS
    amount = item[li["amount"]]
    return LineItem(item[li["name"]], None if not_reported(amount) else Decimal(amount), item.get(li["use"]) or "")


@dataclass(frozen=True)
class Amounts:
    """The five figures typed in for one fund row, in 万元, which of them were stated as not reported, and the row's
    optional extras (forms.ROW_FIELDS).

    `unreported` names the figures typed 「未填报」: that is the value of those figures. Their slot holds 0 only so
    that sums stay Decimal; whoever reads a figure asks `reported(name)` first (figures.py turns every ratio that
    depends on one into None, the rules skip them, drafts and forms print 「未填报」).

    `budget` is the 本年预算 as typed (the 年初预算 when an adjustment is recorded); `adjusted_budget` the 调整后预算
    (None: no adjustment), which the rates use (`effective_budget`); `pending` the payments approved but not yet made
    (0 when not stated or stated 「未填报」: nothing pending is known); `items` the 明细 lines.
    """

    carried_over: Decimal = ZERO
    budget: Decimal = ZERO
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    expected: Decimal = ZERO
    unreported: frozenset[str] = frozenset()
    adjusted_budget: Decimal | None = None
    pending: Decimal = ZERO
    items: tuple[LineItem, ...] = ()
    absent: frozenset[str] = frozenset()  # amounts the form has no column for (0 here, never computed from)

    def reported(self, name: str) -> bool:
        return name not in self.unreported

    @property
    def effective_budget(self) -> Decimal:
        """The budget the rates are computed on: the 调整后预算 where one is recorded, else the 本年预算."""
        return self.budget if self.adjusted_budget is None else self.adjusted_budget

    def __add__(self, other: Amounts) -> Amounts:
        """Column sums; a column is not reported in the sum when it is not reported in any row it adds; the sum has
        an adjusted budget when any row has one (the others add their 本年预算)."""
        adjusted = None
        if self.adjusted_budget is not None or other.adjusted_budget is not None:
            adjusted = self.effective_budget + other.effective_budget
        sums = {n: getattr(self, n) + getattr(other, n) for n in A}
        return Amounts(
            **sums,
            unreported=self.unreported | other.unreported,
            adjusted_budget=adjusted,
            pending=self.pending + other.pending,
            absent=self.absent | other.absent,
        )

    @classmethod
    def summed(cls, rows: Iterable[Amounts], absent: frozenset[str] = frozenset()) -> Amounts:
        """`Amounts(absent=absent) + row + row + …`, the same sums in the same order, with one Amounts made instead of
        one for each row added (a 部门整体's W414 adds its 1,000 projects' rows)."""
        carried = budget = allocated = spent = expected = pending = ZERO
        adjusted: Decimal | None = None
        unreported: set[str] = set()
        missing = set(absent)
        for row in rows:
            if adjusted is not None or row.adjusted_budget is not None:  # as __add__: the running budget until then
                adjusted = (budget if adjusted is None else adjusted) + row.effective_budget
            carried, budget, allocated = carried + row.carried_over, budget + row.budget, allocated + row.allocated
            spent, expected, pending = spent + row.spent, expected + row.expected, pending + row.pending
            unreported |= row.unreported
            missing |= row.absent
        return cls(carried, budget, allocated, spent, expected, frozenset(unreported), adjusted, pending, (), frozenset(missing))

    @classmethod
    def from_data(cls, row: dict[str, Any] | str, absent: frozenset[str] = frozenset()) -> Amounts:
        """A fund row as typed: five amounts, any of them 「未填报」, or the whole row 「未填报」; and its extras.

        `absent` names the amounts the form has no column for (forms.Form.absent): they are 0 and stay `absent`."""
        if not isinstance(row, dict):
            return cls(unreported=EVERY_AMOUNT - absent, absent=absent)
        missing = frozenset(name for name, key in A.items() if name not in absent and not_reported(row.get(key)))
        v = {name: ZERO if name in missing or name in absent else Decimal(row.get(key, 0)) for name, key in A.items()}
        extra = F.ROW_EXTRA_FIELDS
        adjusted, pending = row.get(extra["adjusted_budget"]), row.get(extra["pending"])
        return cls(
            **v,
            unreported=missing,
            adjusted_budget=None if adjusted is None or not_reported(adjusted) else Decimal(adjusted),
            pending=ZERO if pending is None or not_reported(pending) else Decimal(pending),
            items=tuple(_line_item(item) for item in row.get(extra["items"]) or ()),
            absent=absent,
        )

    @classmethod
    def nothing_reported(cls, absent: frozenset[str] = frozenset()) -> Amounts:
        """The 资金总额 of a budget table stated 「未填报」 as a whole."""
        return cls(unreported=EVERY_AMOUNT - absent, absent=absent)


def _standard(answer: Any, form: forms.Form | None) -> str:
    """The answer in 朔州's wording of its role when the form words it otherwise (Hubei's 不可能), else "": an answer
    already in 朔州's words is judged as typed, so a record changed later (dataclasses.replace) is judged by its own."""
    standard = form.standard(answer) if form is not None and isinstance(answer, str) else ""
    return standard if standard != answer else ""


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
    unreported: frozenset[str] = frozenset()  # the fields typed 「未填报」 (target, result, expected, likelihood…)
    deviation_parts: tuple[tuple[str, str], ...] = ()  # a form that splits 偏差原因分析 (经费保障…): (part, text) as typed
    standard: str = ""  # the likelihood in 朔州's wording of its role (forms.Form.standard); "" means `likelihood`

    @property
    def judged(self) -> str:
        """The likelihood as the rules and drafts read it: 朔州's wording of the answer's role (不可能 → 完全不可能)."""
        return self.standard or self.likelihood

    def reported(self, name: str) -> bool:
        return name not in self.unreported

    @property
    def effective_target(self) -> Value:
        """The adjusted target where one was approved (目标调整), else the approved one."""
        return self.adjusted_target or self.target

    @property
    def is_cumulative(self) -> bool | None:
        """按进度累计 as stated, else as inferred (conservatively); None when nobody can tell."""
        return self.cumulative if self.cumulative is not None else accumulates(self.name, self.effective_target)

    def part(self, name: str) -> str:
        """One part of a split 偏差原因分析 ("" when not written)."""
        return dict(self.deviation_parts).get(name, "")

    @classmethod
    def from_data(cls, item: dict[str, Any], form: forms.Form | None = None) -> Indicator:
        """An indicator as typed. A form without a 二级 or a 全年预计 column leaves them "" (never compared); a split
        偏差原因分析 is a mapping of parts, kept one by one and read as one text (「经费保障：…；制度保障：…」)."""
        adjusted = item.get(I["adjusted_target"])
        deviation = item.get(I["deviation"]) or ""
        parts: tuple[tuple[str, str], ...] = ()
        if isinstance(deviation, dict):
            parts = tuple((str(k), str(v).strip()) for k, v in deviation.items() if v is not None and str(v).strip())
            deviation = "；".join(f"{k}：{v}" for k, v in parts)
        return cls(
            level1=item[I["level1"]],
            level2=item.get(I["level2"]) or "",
            name=item[I["name"]],
            target=_value(item[I["target"]]),
            result=_value(item[I["result"]]),
            expected=_value(item.get(I["expected"], "")),
            likelihood=item[I["likelihood"]],
            adjusted_target=_value(adjusted) if adjusted is not None else None,
            deviation_parts=parts,
            standard=_standard(item[I["likelihood"]], form),
            deviation=deviation,
            remark=item.get(I["remark"]) or "",
            cumulative=item.get(I["cumulative"]),
            evidence=tuple(item.get(I["evidence"]) or ()),
            unreported=frozenset(name for name in INDICATOR_VALUES if not_reported(item.get(I[name]))),
        )


def _value(raw: object) -> Value:
    """An indicator value as typed; 「暂无」, 「—」… read as the 「未填报」 they mean, so nothing prints them as a value."""
    return parse(NOT_REPORTED if unknown_word(raw) else raw)


#: The fields of an indicator that may be stated 「未填报」 (the levels and the name say what it is; they are always typed).
INDICATOR_VALUES = ("target", "adjusted_target", "result", "expected", "likelihood")


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
        Review(
            unit=r[R["unit"]], date=r[R["date"]], conclusion=r[R["conclusion"]], opinion=r[R["opinion"]], reviewer=r.get(R["reviewer"], "")
        )
        for r in data.get(K["reviews"]) or []
    )


@dataclass(frozen=True)
class SignOff:
    """附件1's 落款 and contact block as the submission gives them: 成文日期, 单位负责人, 填报人, 联系电话 ("" if not)."""

    signed_on: str = ""
    head: str = ""
    preparer: str = ""
    phone: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SignOff:
        return cls(**{name: str(data.get(K[name]) or "").strip() for name in ("signed_on", "head", "preparer", "phone")})


def _funds(data: dict[str, Any], key: str, rows: tuple[str, ...], absent: frozenset[str] = frozenset()) -> dict[str, Amounts]:
    """Rows in the form's order; a source not written is absent (rendered blank); a table 「未填报」 has no rows."""
    given = data.get(key) or {}
    if not isinstance(given, dict):
        return {}
    return {row: Amounts.from_data(given[row], absent) for row in rows if given.get(row) is not None}


def _tables(form: forms.Form, data: dict[str, Any]) -> dict[str, dict[str, Amounts]]:
    """Every budget table the form has (forms.py), by its model attribute: what was typed in, per fund row."""
    return {t.field: _funds(data, t.key, t.rows, form.absent) for t in form.tables}


def _texts(form: forms.Form, data: dict[str, Any]) -> dict[str, str]:
    """The form's own text fields by model name: its table-level rows and its check-box groups, "" when not written."""
    keyed = [(t.field, t.key) for t in form.table_rows]
    keyed += [(c.field, c.key) for c in form.choice_cells if c.field]
    return {name: str(data.get(key) or "").strip() for name, key in keyed}


#: The `form` of a typed record (its last field): the profile's Form it was filled in on (forms.form_of reads it).
#: Not compared, not printed, never redacted (it is docgen's description, not the user's text).
NOT_REDACTED = {"redact": False}


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


def _unreported(form: forms.Form, data: dict[str, Any]) -> frozenset[str]:
    """The model attributes of the budget tables and blocks (`indicators`) stated 「未填报」 as a whole."""
    tables = [t.field for t in form.tables if not_reported(data.get(t.key))]
    return frozenset([*tables, *(["indicators"] if not_reported(data.get(K["indicators"])) else [])])


def _indicators(data: dict[str, Any], form: forms.Form | None = None) -> tuple[Indicator, ...]:
    given = data[K["indicators"]]
    return () if not isinstance(given, list) else tuple(Indicator.from_data(i, form) for i in given)


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
    unreported: frozenset[str] = frozenset()  # budget tables (model attribute) and `indicators` stated 「未填报」 as a whole
    research: bool = False
    confidential: bool = False
    span: str = ""
    sign_off: SignOff = SignOff()
    texts: dict[str, str] = field(default_factory=dict)  # the form's own rows and check-box groups (Form.table_rows…)
    form: forms.Form | None = field(default=None, compare=False, repr=False, metadata=NOT_REDACTED)  # the form it was filled in on

    kind = "project"

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any], form: forms.Form | None = None) -> Project:
        form = form or forms.FORMS[cls.kind]
        return cls(
            form=form,
            path=path,
            period=Period(data[K["year"]], data[K["month"]], form.period),
            name=data[K["project_name"]],
            code=data[K["project_code"]],
            department=data[K["department"]],
            department_code=data[K["department_code"]],
            unit=data[K["unit"]],
            tables=_tables(form, data),
            target=str(data.get(K["project_target"]) or "").strip(),  # a form may have no target row (Hubei's)
            indicators=_indicators(data, form),
            report=_report(data),
            reviews=_reviews(data),
            unreported=_unreported(form, data),
            research=bool(data.get(K["research"], False)),
            confidential=bool(data.get(K["confidential"], False)),
            span=data.get(K["period_span"]) or "",
            sign_off=SignOff.from_data(data),
            texts=_texts(form, data),
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
    sign_off: SignOff = SignOff()
    monitored_projects: int | None = None  # 监控项目数 as stated (None: not stated)
    unreported: frozenset[str] = frozenset()  # as Project.unreported
    texts: dict[str, str] = field(default_factory=dict)  # as Project.texts
    form: forms.Form | None = field(default=None, compare=False, repr=False, metadata=NOT_REDACTED)

    kind = "department"
    confidential = False
    research = False

    @property
    def name(self) -> str:
        return self.department

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any], form: forms.Form | None = None) -> Department:
        form = form or forms.FORMS[cls.kind]
        return cls(
            form=form,
            path=path,
            period=Period(data[K["year"]], data[K["month"]], form.period),
            department=data[K["department"]],
            department_code=data[K["department_code"]],
            tables=_tables(form, data),
            target=str(data.get(K["dept_target"]) or "").strip(),
            indicators=_indicators(data, form),
            report=_report(data),
            reviews=_reviews(data),
            sign_off=SignOff.from_data(data),
            monitored_projects=_count(data.get(F.MONITORED_PROJECTS)),
            unreported=_unreported(form, data),
            texts=_texts(form, data),
        )


def _count(value: Any) -> int | None:
    """A stated count, or None when not stated (or stated 「未填报」)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
    reviewers: tuple[str, ...] = ()  # code owners of its files (审核人)


@dataclass(frozen=True)
class Roster:
    """The period's list of who must submit what by when: the basis of completeness counts and W413."""

    path: Path
    period: Period
    deadline: date
    departments: tuple[RosterDepartment, ...]
    bureau_reviewers: tuple[str, ...] = ()  # code owners of the bureau's files (财政局审核人)
    form: forms.Form | None = field(default=None, compare=False, repr=False, metadata=NOT_REDACTED)

    kind = "roster"

    @classmethod
    def from_data(cls, path: Path, data: dict[str, Any], form: forms.Form | None = None) -> Roster:
        return cls(
            form=form or forms.FORMS[cls.kind],
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
                    reviewers=tuple(d.get(F.ROSTER_REVIEWERS) or ()),
                )
                for d in data[K["departments"]]
            ),
            bureau_reviewers=tuple(data.get(F.BUREAU_REVIEWERS) or ()),
        )


Submission = Project | Department
BUILDERS: dict[str, Any] = {"project": Project.from_data, "department": Department.from_data, "roster": Roster.from_data}


def build(kind: str, path: Path, data: dict[str, Any], form: forms.Form | None = None) -> Project | Department | Roster:
    """Build the typed record for a validated file of any kind, filled in on `form` (default: the default profile's)."""
    return BUILDERS[kind](path, data, form)  # type: ignore[no-any-return]
