"""The official forms, described once: one `Form` per kind of file (附件2 project, 附件3 department, the roster).

The description is data: a profile (a YAML file in form/profiles/, or a repository's own, chosen by its docgen.yaml)
holds the forms, their labels and layout, the period convention, the title's level, the likelihood scale and the
default rule thresholds. This module keeps the frozen dataclasses and is the loader that turns a profile's plain data
into them (`build_profile`, `builtin`); `FORMS` and the other module constants are the default profile's
(shuozhou-city.yaml), for code that has no profile in hand. Each form lists its top-level fields (Chinese key,
English name, type, title, description, example, bound), its budget tables (model attribute, YAML key, number 「1.」,
fund rows, 附件1 caption), its identification rows, its target text row, its indicator block (the keys of one
indicator, the 一级 -> 二级 taxonomy, the likelihood answers), its notes, its 附件1 title, subject and sections (with
each entry's help text) and the keys of a 审核意见, in the order the grid shows them. Everything else is derived from
this description: the JSON Schemas (schema.py), E220's cells (check/validate.py, by Field.in_cell), the typed model's
budget tables (model.py), the figures of every table (evaluate/figures.py), the .xlsx grid (render/layout.py), 附件1's
budget tables and the subject its drafts name (evaluate/draft.py, evaluate/conclusions.py), the site's tables,
summary.json, the diff and the roll-ups. Adding a fund row, a budget table, a likelihood answer or a 附件1 section is
a change to the profile alone (tests/form/test_forms.py shows it).

The labels themselves are the vocabulary's (vocabulary.py); grid columns are 0-based and inclusive on the 13-column
grid A–M that forms.md proposes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Union

import yaml

from . import vocabulary as F

NCOLS = 13  # A..M
LAST = NCOLS - 1

# --- fields ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One key of a file: the English name code uses, the Chinese key a clerk types, and how the schema shows it.

    `kind` says what the value is (schema.py turns each kind into a JSON Schema node): year, month, text, name, code,
    date, flag (true/false, false when not written), boolean (true/false, inferred when not written), choice (one
    of `choices`), value (an indicator value: number or text), amount (万元), count (a whole number), names (a list
    of names), texts (a list of texts, each `item_title`), table (a budget table of this form, by `name`),
    stated_total (the optional typed 资金总额 row), indicators (the form's Indicators block), report (the form's
    附件1 sections), records (a list of records whose fields are `items`); in an indicator, category (an 一级 of
    the block's taxonomy), subcategory (an 二级, of the 一级 given) and likelihood (an answer of the form's scale).
    """

    name: str
    kind: str
    description: str = ""
    examples: tuple[Any, ...] = ()
    required: bool = False
    title: str = ""  # the hover title; "" means the key itself
    items: tuple[Field, ...] = ()  # kind records: the fields of one record
    min_items: int = 0  # kind records: how many records at least
    item_title: str = ""
    item_description: str = ""
    written: str = ""  # the key, for a field the vocabulary's KEYS does not name
    personal: bool = False  # a person's name or telephone: printed in 附件1 only, never in history, diff or site
    choices: tuple[str, ...] = ()  # kind choice: the values offered, in the form's order
    unreported: bool = False  # kinds choice and likelihood: 「未填报」 is offered beside the answers
    max_chars: int = 0  # kind text: the most characters it may have (0: no bound but the reader's)
    in_cell: bool = False  # max_chars is what one cell of the printed form holds (E220), not a plain bound (E213)

    @property
    def key(self) -> str:
        return self.written or F.KEYS[self.name]

    @property
    def label(self) -> str:
        return self.title or self.key


def field_named(fields: Sequence[Field], key: str) -> Field | None:
    """The field typed under `key` among `fields`, or None."""
    return next((f for f in fields if f.key == key), None)


# --- the grid ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a block: the field it holds, its header, and the grid columns it spans (0-based, inclusive)."""

    field: str
    header: str
    first: int
    last: int
    group: str | None = None  # two-row header: `group` above, spanning the columns that share it
    kind: str = "text"  # money | rate | text | value | tick (one answer, ticked) | choice (the answer written)
    part: str = ""  # a text column that is one part of a split field (偏差原因分析 → 经费保障): the key inside it


@dataclass(frozen=True)
class IdentCell:
    """A cell of the identification rows: a fixed label, or the field whose value goes there."""

    first: int
    last: int
    label: str | None = None
    field: str | None = None
    choices: tuple[str, ...] = ()  # a check-box group (项目属性: 持续性项目 □ 新增性项目 □): the field holds one choice
    key: str = ""  # the YAML key of a check-box group's field


@dataclass(frozen=True)
class Ident:
    """The identification block at the top of the form (name, code, department…), as rows of label and field cells."""

    rows: tuple[tuple[IdentCell, ...], ...]


@dataclass(frozen=True)
class BudgetTable:
    """One budget table: its number (「1.」 on 附件3, none on 附件2), the model attribute and the fund rows.

    `key` is the YAML key it is typed under; `title`/`description` are the schema's; `caption` (with {number}),
    `row_heading` and `draft_heading` are what 附件1 prints for it.
    """

    number: str
    field: str
    rows: tuple[str, ...]
    key: str = ""
    title: str = ""
    description: str = ""
    caption: str = ""
    row_heading: str = ""
    draft_heading: str = ""
    qualifier: str = ""  # what tells it from the form's other budget tables (「按资金性质」), in headings
    total_label: str = ""  # the 资金总额 row's label on the grid (「年度资金总额：」); "" is 「资金总额：」


@dataclass(frozen=True)
class Budget:
    """The budget block: one label down column A beside all of the form's budget tables, and their columns."""

    label: str  # spans all its tables vertically in column A
    tables: tuple[BudgetTable, ...]
    columns: tuple[Column, ...] = ()  # its columns on the grid; () is 朔州's (BUDGET_COLUMNS)


@dataclass(frozen=True)
class Text:
    """A labelled free-text row: the year's performance target, or a table-level row under the indicators
    (「偏差或不能完成目标原因分析」) whose value is typed under `key` (a form's own rows; "" for the target)."""

    label: str  # columns A:B
    field: str  # columns C:M
    key: str = ""


@dataclass(frozen=True)
class Category:
    """An 一级指标 of the taxonomy and the 二级指标 under it, in the form's order."""

    name: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Indicators:
    """The 绩效指标 block: one row per indicator under a shared header, and its columns.

    `fields` are the keys of one indicator; `taxonomy` the fixed 一级 -> 二级 classification; `title`/`description`
    the schema's for one indicator. A profile gives them once (its `indicators`), for every form's block; the
    完成目标可能性 answers are the form's likelihood scale (Form.likelihoods).
    """

    label: str
    columns: tuple[Column, ...] = ()  # its columns on the grid; () is 朔州's (INDICATOR_COLUMNS)
    fields: tuple[Field, ...] = ()
    taxonomy: tuple[Category, ...] = ()
    title: str = ""
    description: str = ""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Notes:
    """The notes printed under the table, the same on both forms."""

    texts: tuple[str, ...]


Block = Ident | Budget | Text | Indicators | Notes


@dataclass(frozen=True)
class Form:
    """One official form (附件2, 附件3) or the roster: its fields, the blocks of its grid, its 附件1 report."""

    kind: str  # "project" (附件2) | "department" (附件3) | "roster"
    sheet: str
    title: str
    blocks: tuple[Block, ...]
    fields: tuple[Field, ...] = ()
    description: str = ""  # the schema's description of the file
    report_subject: str = ""  # 「项目」/「部门」: what 附件1 reports on, in the 分析报告's descriptions and the drafts
    report_referent: str = ""  # 「该项目」/「本部门」: how the drafted 监控总体结论 refers back to its subject
    report_title: str = ""
    report: tuple[F.Section, ...] = ()  # with the schema's help text (description, example) of each entry
    # set by the loader from the profile the form belongs to, so whatever holds a form holds these too:
    level: str = ""  # 「市级」: the level its title and wording carry
    period: PeriodStyle | None = None  # how 「1-XX月」 is printed
    profile: str = ""  # the profile's id
    digest: str = ""  # the profile's digest: cache keys carry it
    row_fields: tuple[Field, ...] = ()  # the optional keys of every fund row (调整后预算 …)
    #: The likelihood scale in the form's order, and what each answer requires (the profile's, set by the loader).
    likelihoods: tuple[Likelihood, ...] = ()
    #: Where a required reason and required measures are written: an indicator column (`deviation`, `remark`) or the
    #: field of one of the form's table-level Text rows.
    reason_at: str = "deviation"
    measures_at: str = "remark"
    #: The grid's column widths (Excel character units), one per column; () is 朔州's 13 columns A–M.
    widths: tuple[float, ...] = ()
    #: How docgen's own sentences name this form's columns and jurisdiction (the profile's, set by the loader).
    wording: Wording | None = None

    @property
    def numbered(self) -> bool:
        """Whether the form is filed as a numbered attachment (附件2, 附件3, as 朔州's are), so the bundle's and the
        dossier's lists name it by its number; another form (the national 监控表) is named by its title."""
        return self.sheet.startswith(F.ATTACHMENT_PREFIX)

    def words(self, text: str) -> str:
        """A template of docgen's own sentences (a draft's, a warning's, a page's) in this form's words."""
        return self.wording(text) if self.wording is not None else text

    @property
    def area(self) -> str:
        """「全市」, 「全县」, 「全部」: the whole jurisdiction in this form's wording."""
        return (self.wording.area if self.wording is not None else "") or area_of(self.level)

    @property
    def bureau(self) -> str:
        """「市财政局」: who receives the reports, in this form's wording."""
        return (self.wording.bureau if self.wording is not None else "") or bureau_of(self.level)

    @property
    def budget_columns(self) -> tuple[Column, ...]:
        """The columns of every budget table; what a form lacks is neither typed, printed nor computed from
        (figures.py leaves a ratio that needs a missing column uncomputed)."""
        budget = self.budget
        return budget.columns if budget is not None and budget.columns else BUDGET_COLUMNS

    @functools.cached_property
    def indicator_columns(self) -> tuple[Column, ...]:
        """The columns of the indicator block (its levels first); kept once made (a form is frozen, and the rules ask
        ~22 times a file)."""
        block = next((b for b in self.blocks if isinstance(b, Indicators)), None)
        return block.columns if block is not None and block.columns else INDICATOR_COLUMNS

    @property
    def amounts(self) -> tuple[str, ...]:
        """The amounts a clerk types into a fund row of this form (model names), in the form's order."""
        return tuple(c.field for c in self.budget_columns if c.field in TYPED_AMOUNTS)

    @property
    def absent(self) -> frozenset[str]:
        """The standard amounts (上年结转, 下达数…) this form has no column for: never typed, never computed from."""
        return frozenset(F.AMOUNT_FIELDS) - frozenset(self.amounts)

    def lacks(self, column: str) -> bool:
        """Whether the form has no column for `column`: an amount (carried_over, allocated, expected) or an indicator's
        (indicator.expected, indicator.level2, indicator.deviation; indicator.deviation_text: one free-text
        偏差原因分析 column, not split into 经费保障… parts). What a monitoring rule reads (rulebook's `reads`)."""
        block, _, name = column.partition(".")
        if not name:
            return block in self.absent
        if name == "deviation_text":
            return "deviation" not in self.indicator_fields or bool(self.deviation_parts)
        return name not in self.indicator_fields

    @functools.cached_property
    def indicator_fields(self) -> frozenset[str]:
        """The indicator fields this form has a column for (level2 and expected may be absent); kept once made."""
        return frozenset(c.field for c in self.indicator_columns)

    @property
    def levels(self) -> tuple[str, ...]:
        """The indicator levels shown, in order: level1, level2 (if the form has it); then the name column."""
        return tuple(name for name in ("level1", "level2") if name in self.indicator_fields)

    @property
    def answers(self) -> tuple[str, ...]:
        """The likelihood answers, in the scale's order."""
        return tuple(lk.answer for lk in self.likelihoods)

    def likelihood(self, answer: str) -> Likelihood | None:
        """The scale's entry for an answer as typed, None when it is not one of the form's answers."""
        return next((lk for lk in self.likelihoods if lk.answer == answer), None)

    def standard(self, answer: str) -> str:
        """An answer in 朔州's wording of its role (Hubei's 不可能 → 完全不可能): what drafts, rule thresholds and
        rules compare against, so they follow any scale; an answer the scale does not know is returned as it is."""
        entry = self.likelihood(answer)
        return STANDARD_ANSWERS.get(entry.role, answer) if entry is not None else answer

    @property
    def deviation_parts(self) -> tuple[str, ...]:
        """The parts 偏差原因分析 is split into (经费保障…), () when it is one column."""
        return tuple(c.part for c in self.indicator_columns if c.field == "deviation" and c.part)

    @property
    def table_rows(self) -> tuple[Text, ...]:
        """The form's own table-level text rows (typed under their key), in order."""
        return tuple(b for b in self.blocks if isinstance(b, Text) and b.key)

    @property
    def choice_cells(self) -> tuple[IdentCell, ...]:
        """The check-box groups of the identification block."""
        return tuple(c for b in self.blocks if isinstance(b, Ident) for row in b.rows for c in row if c.choices)

    @property
    def budget(self) -> Budget | None:
        return next((b for b in self.blocks if isinstance(b, Budget)), None)

    @property
    def tables(self) -> tuple[BudgetTable, ...]:
        """The budget tables in the form's order (the first one's 资金总额 is the submission's headline)."""
        budget = self.budget
        return budget.tables if budget is not None else ()

    def table(self, field: str) -> BudgetTable:
        return next(t for t in self.tables if t.field == field)

    @property
    def target(self) -> Text | None:
        return next((b for b in self.blocks if isinstance(b, Text) and not b.key), None)

    @property
    def indicators(self) -> Indicators | None:
        return next((b for b in self.blocks if isinstance(b, Indicators)), None)

    def field_at(self, path: Sequence[str | int], row_fields: Sequence[Field] = ()) -> Field | None:
        """The field of the description a value at `path` (keys and list indices, as the schema's errors give it)
        is typed under, or None when the path leads elsewhere (a 分析报告 section, a key the form does not have).
        `row_fields` are the optional keys of a fund row (the profile's; the default profile's when not given)."""
        keys = [p for p in path if isinstance(p, str)]
        fields: Sequence[Field] = self.fields
        found: Field | None = None
        while keys:
            found = field_named(fields, keys.pop(0))
            if found is None:
                return None
            if found.kind == "text":  # a split text's part (偏差原因分析 → 经费保障) is the text's own
                return found
            if found.kind == "table" and keys:  # a fund row, then the row's own keys
                keys.pop(0)
                fields = row_fields or ROW_FIELDS
            elif found.kind == "indicators":
                fields = self.indicators.fields if self.indicators is not None else ()
            else:
                fields = found.items
        return found

    def in_cell(self, path: Sequence[str | int]) -> bool:
        """Whether the text at `path` goes into one cell of the printed form (a field's `in_cell`, or one of the
        form's own table-level rows), so its bound is the cell's (E220) rather than a plain length (E213)."""
        field = self.field_at(path)
        if field is not None:
            return field.in_cell
        keys = [p for p in path if isinstance(p, str)]
        return len(keys) == 1 and any(row.key == keys[0] for row in self.table_rows)


# --- the profile: everything a region's and level's forms differ in --------------------------------

#: 朔州's wording of each likelihood role: the keys of the drafts' sentences and of W424's thresholds.
STANDARD_ANSWERS = {"certain": F.CERTAIN, "possible": F.POSSIBLE, "impossible": F.IMPOSSIBLE}

#: The amounts a fund row can have (model names): the five of 朔州's form plus 调整后预算, which another form may show
#: as a column of its own (全年预算数).
TYPED_AMOUNTS = (*F.AMOUNT_FIELDS, "adjusted_budget")


@dataclass(frozen=True)
class Likelihood:
    """One answer of the 完成目标可能性 scale: its wording, what it means to the rules, and what it requires.

    `role` is certain, possible or impossible (the rules grade by it); `reason`: a reason for the deviation is
    required (the indicator's 偏差原因分析, or the form's table-level reason row: `Form.reason_at`); `measures`: the
    measures to be taken are required (备注, or the form's table-level measures row: `Form.measures_at`).
    """

    answer: str
    role: str
    reason: bool = False
    measures: bool = False


@dataclass(frozen=True)
class PeriodStyle:
    """The period convention: the months a regular round runs to, and how 「1-6月」 is printed (`span` with {month};
    `first` for a period of January alone)."""

    rounds: tuple[int, ...] = (6,)
    span: str = "1-{month}月"
    first: str = "1月"

    def months(self, month: int) -> str:
        """「1-6月」: what replaces 「1-XX月」 in the forms' headers."""
        return self.span.format(month=month) if month > 1 else self.first.format(month=month)


@dataclass(frozen=True)
class ReportDescription:
    """附件1: its title and its sections (verbatim, in order)."""

    title: str
    sections: tuple[F.Section, ...]


@dataclass(frozen=True)
class Wording:
    """How docgen's own sentences (drafts, warnings, the site, the diff, the roll-ups) name what this profile's form
    names otherwise: the profile's `wording` (data, never code; 朔州's words are shuozhou-city.yaml's `wording.terms`).

    `terms` pairs a phrase of docgen's sentences as 朔州's form says it with this form's (支出进度 → 执行率), only the
    pairs that differ, applied to a sentence's template before any value is filled in (so a clerk's text is never
    rewritten), all at once (so 支出进度 → 执行率 and 执行率 → 进度比 do not chain). `area` (「全市」) and `bureau`
    (「市财政局」) override what the level implies (area_of, bureau_of).
    """

    area: str = ""
    bureau: str = ""
    terms: tuple[tuple[str, str], ...] = ()
    basis: str = ""  # the regulation the forms follow, as the guides cite it (「《…管理办法》（朔州市财政局）」)

    def __call__(self, text: str) -> str:
        """A template in this form's words."""
        if not self.terms:
            return text
        replace = dict(self.terms)
        return _terms_pattern(self.terms).sub(lambda m: replace[m.group(0)], text)


@functools.lru_cache(maxsize=32)
def _terms_pattern(terms: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One alternation of the phrases, longest first: 全年预计支出数 before 支出数."""
    return re.compile("|".join(re.escape(old) for old in sorted((old for old, _ in terms), key=len, reverse=True)))


#: The profile key that holds the wording, and its parts.
WORDING_KEY = "wording"
WORDING_PARTS = ("area", "bureau", "terms", "basis")


def wording_of(data: Any, defaults: Mapping[str, str] | None = None) -> Wording:
    """A profile's `wording` mapping as a Wording: the terms that differ from 朔州's (`defaults`: the default
    profile's `wording.terms`; the profile's own when it is the default)."""
    if data is None:
        return Wording()
    if not isinstance(data, dict):
        raise ProfileError("E703", (WORDING_KEY,), expected="映射（键: 值）")
    for key in data:
        if key not in WORDING_PARTS:
            raise ProfileError("E704", (WORDING_KEY, key), key=key, known="、".join(WORDING_PARTS))
    area = _make(str, data.get("area", ""), (WORDING_KEY, "area"))
    bureau = _make(str, data.get("bureau", ""), (WORDING_KEY, "bureau"))
    basis = _make(str, data.get("basis", ""), (WORDING_KEY, "basis"))
    terms = data.get("terms") or {}
    if not isinstance(terms, dict):
        raise ProfileError("E703", (WORDING_KEY, "terms"), expected="映射（朔州表的说法: 本表的说法）")
    pairs = []
    for old, new in terms.items():
        if not isinstance(old, str) or not old or not isinstance(new, str) or not new:
            raise ProfileError("E703", (WORDING_KEY, "terms", str(old)), expected="文字")
        if defaults is not None and old not in defaults:
            raise ProfileError("E760", (WORDING_KEY, "terms", old), term=old, known="、".join(f"「{k}」" for k in defaults))
        if new != old:
            pairs.append((old, new))
    return Wording(area, bureau, tuple(pairs), basis)


@dataclass(frozen=True, eq=False)
class Profile:
    """One region's and level's forms: what a repository chooses in its docgen.yaml (built-in or its own file).

    `forms` holds the Form of each kind of file; `digest` names the description exactly (cache keys carry it, so a
    profile change is a cache miss); `source` is where it was read from (a built-in's id or a repository path).
    """

    id: str
    name: str
    level: str
    period: PeriodStyle
    likelihoods: tuple[Likelihood, ...]
    report: ReportDescription
    forms: dict[str, Form]
    row_fields: tuple[Field, ...] = ()
    rules: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    digest: str = ""
    source: str = ""
    wording: Wording = Wording()

    def __eq__(self, other: object) -> bool:
        """Two profiles are the same when their merged data is (the digest), wherever they were read from."""
        return isinstance(other, Profile) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def form(self, kind: str) -> Form:
        """The Form of one kind of file (project, department, roster)."""
        return self.forms[kind]

    def months(self, month: int) -> str:
        """「1-6月」 as this profile prints a period running to `month`."""
        return self.period.months(month)

    @property
    def area(self) -> str:
        """「全市」: the whole jurisdiction, as the wording names it (the profile's `wording.area`, else the level's)."""
        return self.wording.area or area_of(self.level)

    @property
    def bureau(self) -> str:
        """「市财政局」: who receives the reports (the profile's `wording.bureau`, else the level's)."""
        return self.wording.bureau or bureau_of(self.level)

    def words(self, text: str) -> str:
        """A template of docgen's own sentences in this profile's words (Wording)."""
        return self.wording(text)

    @property
    def answers(self) -> tuple[str, ...]:
        """The likelihood answers, in the scale's order."""
        return tuple(lk.answer for lk in self.likelihoods)

    def answer(self, role: str) -> str | None:
        """The wording of the answer with this role (certain, possible, impossible), None when the scale has none."""
        return next((lk.answer for lk in self.likelihoods if lk.role == role), None)


def _place(level: str) -> str:
    """The one character that names the jurisdiction of a level: 市 for 市级 (州 for 州本级), 市 for 黄石市; "" when
    the level names none (中央部门)."""
    if level.endswith("级"):
        return level[:1]
    return level[-1:] if level[-1:] in ("省", "市", "州", "盟", "县", "区", "旗") else ""


def area_of(level: str) -> str:
    """「全市」 for 市级, 「全县」 for 县级, 「全区」 for 区级: how the wording names the whole jurisdiction (the roll-up
    of every department, the site); 「全部」 for a level that names no jurisdiction (中央部门)."""
    return "全" + (_place(level) or "部")


def bureau_of(level: str) -> str:
    """「市财政局」 for 市级, 「县财政局」 for 县级: who receives the reports, as the wording names it; 「财政部门」 for a
    level that names no jurisdiction."""
    place = _place(level)
    return f"{place}财政局" if place else "财政部门"


class ProfileError(ValueError):
    """A profile whose data does not describe forms: `where` is the path of keys to the mistake, `code` its message."""

    def __init__(self, code: str, where: tuple[str | int, ...], **params: Any) -> None:
        super().__init__(code, where, params)
        self.code, self.where, self.params = code, where, params


PROFILES = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "shuozhou-city"
#: What each block type is called in a profile file.
BLOCK_TYPES: dict[str, type] = {"ident": Ident, "budget": Budget, "text": Text, "indicators": Indicators, "notes": Notes}
#: What a profile's `indicators` gives every indicator block that does not give its own.
INDICATOR_PARTS = ("fields", "taxonomy", "title", "description")
ROLES = ("certain", "possible", "impossible")
LEVEL_PLACEHOLDER = "{level}"
#: The fields of a Form the loader sets from the profile as a whole (never written under a form).
SETTINGS = ("kind", "level", "period", "profile", "digest", "row_fields", "wording")
#: Where a profile may extend another (one built-in, by id) and how deep that may go.
MAX_EXTENDS = 4


def builtin_ids() -> tuple[str, ...]:
    """The ids of the profiles docgen ships (form/profiles/*.yaml), sorted."""
    return tuple(sorted(p.stem for p in PROFILES.glob("*.yaml")))


def builtin_path(profile_id: str) -> Path:
    """Where a built-in profile's file is, by id."""
    return PROFILES / f"{profile_id}.yaml"


@functools.lru_cache(maxsize=16)
def builtin_data(profile_id: str) -> dict[str, Any]:
    """A built-in profile's plain data as written (before `extends` is applied). Package data: trusted, read whole."""
    if profile_id not in builtin_ids():
        raise ProfileError("E702", ("extends",), profile=profile_id, known="、".join(builtin_ids()))
    # libyaml's loader when PyYAML has it: every command loads the default profile, and the pure-Python one takes ~8x
    data = yaml.load(builtin_path(profile_id).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise ProfileError("E701", (), problem="not a mapping")
    return data


def merged(data: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """The profile's data with the built-in it `extends` laid under it: mappings merge key by key, anything else
    (lists included) is replaced whole. A profile may extend only a built-in, by id: never a path."""
    data = dict(data)
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str) or depth >= MAX_EXTENDS:
        raise ProfileError("E702", ("extends",), profile=str(base), known="、".join(builtin_ids()))
    combined: dict[str, Any] = _overlay(merged(builtin_data(base), depth + 1), data)
    return combined


def _overlay(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _overlay(base[k], v) if k in base else v for k, v in over.items()}}
    return over


def _with_level(value: Any, level: str) -> Any:
    """Every 「{level}」 in the profile's texts replaced by its level (「市级」): titles and wording follow it."""
    if isinstance(value, str):
        return value.replace(LEVEL_PLACEHOLDER, level)
    if isinstance(value, dict):
        return {k: _with_level(v, level) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_level(v, level) for v in value]
    return value


def digest_of(data: Mapping[str, Any]) -> str:
    """The digest of a profile's merged data: equal data, equal digest, whatever the file's layout or comments."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- plain data -> frozen dataclasses ----------------------------------------------------------------


def _make(kind: Any, value: Any, where: tuple[str | int, ...]) -> Any:
    """`value` as the type `kind` (a dataclass, a tuple, a union, a scalar), or a ProfileError at `where`."""
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        return _make(next(o for o in options if o is not type(None)), value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise ProfileError("E703", where, expected="列表")
        item = typing.get_args(kind)[0]
        return tuple(_make(item, v, (*where, i)) for i, v in enumerate(value))
    if kind is Any:
        return tuple(value) if isinstance(value, list) else value
    if isinstance(kind, type) and hasattr(kind, "__dataclass_fields__"):
        return _dataclass(kind, value, where)
    if kind is bool:
        if not isinstance(value, bool):
            raise ProfileError("E703", where, expected="true 或 false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileError("E703", where, expected="整数")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ProfileError("E703", where, expected="文字")
        return value
    if kind is float:  # a column width
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError("E703", where, expected="数字")
        return float(value)
    raise ProfileError("E703", where, expected=str(kind))  # pragma: no cover - a type this loader does not know


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, globalns={**globals(), "F": F})


def _dataclass(cls: type, value: Any, where: tuple[str | int, ...]) -> Any:
    """A frozen dataclass from a mapping of its fields: unknown keys and missing required ones are mistakes."""
    if not isinstance(value, dict):
        raise ProfileError("E703", where, expected="映射（键: 值）")
    hints = _hints(cls)
    known = {f.name: f for f in fields(cls)}
    for key in value:
        if key not in known:
            raise ProfileError("E704", (*where, key), key=key, known="、".join(known))
    args = {}
    for name, f in known.items():
        if name in value:
            args[name] = _make(hints[name], value[name], (*where, name))
        elif f.default is f.default_factory and type(None) in typing.get_args(hints[name]):
            args[name] = None  # a required field that may be None: left out means None (a section without key)
        elif f.default is f.default_factory:  # both MISSING: required
            raise ProfileError("E705", where, key=name)
    return cls(**args)


def _field(entry: Any, shared: Mapping[str, Any], where: tuple[str | int, ...]) -> Field:
    """A field of a form: written in place, or the name of one of the profile's shared `fields`."""
    field_: Field = _dataclass(Field, _resolved(entry, shared, where), where)
    return field_


def _resolved(entry: Any, shared: Mapping[str, Any], where: tuple[str | int, ...]) -> dict[str, Any]:
    """A field entry as a mapping, a shared field's name replaced by its description, its `items` likewise."""
    if isinstance(entry, str):
        if entry not in shared or not isinstance(shared[entry], dict):
            raise ProfileError("E706", where, name=entry, known="、".join(shared))
        entry = {"name": entry, **shared[entry]}
    if not isinstance(entry, dict):
        raise ProfileError("E703", where, expected="字段名或字段的映射")
    if not isinstance(entry.get("name"), str):
        raise ProfileError("E705", where, key="name")
    if not entry.get("written") and entry["name"] not in F.KEYS:
        raise ProfileError("E707", where, name=entry["name"])
    items = entry.get("items")
    if isinstance(items, list):
        entry = {**entry, "items": [_resolved(e, shared, (*where, "items", i)) for i, e in enumerate(items)]}
    resolved: dict[str, Any] = entry
    return resolved


def _block(entry: Any, profile: Mapping[str, Any], where: tuple[str | int, ...]) -> Block:
    """One block of a form's grid, written as `{type: {…}}`; budget and indicator blocks take the profile's columns
    and notes their texts when they do not give their own."""
    if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in BLOCK_TYPES:
        raise ProfileError("E708", where, known="、".join(BLOCK_TYPES))
    name, body = next(iter(entry.items()))
    body = dict(body or {})
    columns = profile.get("columns") or {}
    if name in ("budget", "indicators") and "columns" not in body and name in columns:
        body["columns"] = columns[name]
    if name == "notes" and "texts" not in body:
        body["texts"] = profile.get("notes") or []
    if name == "indicators":
        shared = profile.get("indicators") or {}
        body.update({part: shared[part] for part in INDICATOR_PARTS if part not in body and part in shared})
        fields_ = body.get("fields") or []
        body["fields"] = (
            [_resolved(f, {}, (*where, name, "fields", i)) for i, f in enumerate(fields_)] if isinstance(fields_, list) else fields_
        )
    block: Block = _dataclass(BLOCK_TYPES[name], body, (*where, name))
    return block


def _form(kind: str, body: Any, whole: Mapping[str, Any], report: ReportDescription, **settings: Any) -> Form:
    """One form of the profile; `settings` are the profile-wide values every form carries (level, scale, period…)."""
    where: tuple[str | int, ...] = ("forms", kind)
    if not isinstance(body, dict):
        raise ProfileError("E703", where, expected="映射（键: 值）")
    shared = whole.get("fields") or {}
    own = {k: v for k, v in body.items() if k not in ("blocks", "fields")}
    for key in own:
        if key in SETTINGS:
            raise ProfileError("E704", (*where, key), key=key, known="、".join(k for k in _hints(Form) if k not in SETTINGS))
    form: Form = _dataclass(Form, {"kind": kind, "sheet": "", "blocks": [], **own}, where)
    blocks = tuple(_block(b, whole, (*where, "blocks", i)) for i, b in enumerate(body.get("blocks") or []))
    fields_ = tuple(_field(f, shared, (*where, "fields", i)) for i, f in enumerate(body.get("fields") or []))
    return dataclasses.replace(
        form,
        kind=kind,
        blocks=blocks,
        fields=fields_,
        report_title=form.report_title or report.title,
        report=form.report or report.sections,
        **{**settings, "likelihoods": form.likelihoods or settings.get("likelihoods", ())},  # a form's own scale, else the profile's
    )


def build_profile(data: Mapping[str, Any], source: str = "") -> Profile:
    """A Profile from a profile file's plain data (`extends` applied here): the one loader of form descriptions.

    Raises ProfileError naming the path of keys to the first mistake; check/profile.py runs the schema and the
    semantic checks first, so a repository's own file is reported with every mistake and its line.
    """
    data = merged(data)
    if not isinstance(data.get("level"), str):
        raise ProfileError("E705", (), key="level")
    level = data["level"]
    plain = _with_level(data, level)
    report = _dataclass(ReportDescription, plain.get("report") or {}, ("report",))
    forms_data = plain.get("forms")
    if not isinstance(forms_data, dict):
        raise ProfileError("E705", (), key="forms")
    likelihoods = _make(tuple[Likelihood, ...], plain.get("likelihoods") or [], ("likelihoods",))
    period = _dataclass(PeriodStyle, plain.get("period") or {}, ("period",))
    digest = digest_of(data)
    profile_id = _make(str, plain.get("id"), ("id",))
    row_fields = tuple(_field(f, {}, ("row_fields", i)) for i, f in enumerate(plain.get("row_fields") or []))
    wording = wording_of(plain.get(WORDING_KEY), _default_terms(plain))
    settings: dict[str, Any] = {
        "level": level,
        "likelihoods": likelihoods,
        "period": period,
        "profile": profile_id,
        "digest": digest,
        "wording": wording,
    }
    built = {kind: _form(kind, body, plain, report, row_fields=row_fields, **settings) for kind, body in forms_data.items()}
    return Profile(
        id=profile_id,
        name=_make(str, plain.get("name"), ("name",)),
        level=level,
        period=period,
        likelihoods=likelihoods,
        report=report,
        forms=built,
        row_fields=row_fields,
        rules={str(k): dict(v) for k, v in (plain.get("rules") or {}).items()},
        digest=digest,
        source=source,
        wording=wording,
    )


def _default_terms(plain: Mapping[str, Any]) -> Mapping[str, str] | None:
    """朔州's terms, the keys a profile's `wording.terms` may replace: the default profile's (its own while it is
    being loaded itself)."""
    if plain.get("id") == DEFAULT_PROFILE:
        return None
    terms = (builtin_data(DEFAULT_PROFILE).get(WORDING_KEY) or {}).get("terms") or {}
    return dict(terms)


@functools.lru_cache(maxsize=16)
def builtin(profile_id: str = DEFAULT_PROFILE) -> Profile:
    """A built-in profile by id (form/profiles/<id>.yaml), loaded once."""
    return build_profile(builtin_data(profile_id), source=profile_id)


# --- the default profile's forms, for code that has no profile in hand ------------------------------

DEFAULT = builtin()
PROJECT_FORM = DEFAULT.forms["project"]
DEPARTMENT_FORM = DEFAULT.forms["department"]
ROSTER_FORM = DEFAULT.forms["roster"]
ROW_FIELDS = DEFAULT.row_fields
BUDGET_COLUMNS: tuple[Column, ...] = PROJECT_FORM.budget.columns if PROJECT_FORM.budget else ()
INDICATOR_COLUMNS: tuple[Column, ...] = next(b.columns for b in PROJECT_FORM.blocks if isinstance(b, Indicators))
LIKELIHOODS: tuple[Likelihood, ...] = DEFAULT.likelihoods
#: The phrases of docgen's sentences a profile's `wording.terms` may replace: the default profile's terms (朔州's words).
DEFAULT_TERMS: tuple[str, ...] = tuple(_default_terms({}) or ())

#: The default profile's own mapping (not a copy): a form swapped in here is the default profile's everywhere.
FORMS: dict[str, Form] = DEFAULT.forms
#: The keys that hold personal data (Field.personal), per kind of file: printed in 附件1 and nowhere else, so history,
#: the diff, the site and summary.json leave them out (history/changes.py drops them from every version it reads).
PERSONAL_KEYS: dict[str, frozenset[str]] = {kind: frozenset(f.key for f in form.fields if f.personal) for kind, form in FORMS.items()}


def form_of(submission: Any) -> Form:
    """The form a typed submission (or roster) was filled in on: the one its model carries (model.py builds it with
    the repository's profile), else the default profile's of its `kind`."""
    form = getattr(submission, "form", None)
    return form if isinstance(form, Form) else FORMS[submission.kind]
