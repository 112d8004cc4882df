"""One small record per submission: what the roll-ups, summary.json, the site and the rules across files need of it.

A parsed Document, its position table and its typed model weigh ~70 KiB a project in memory; holding 10,000 of them
to the end of a run is what made docgen's memory grow with the tree (issue 18). A `SubmissionRecord` is made where the
file is parsed (a worker), is plain data (`as_row` / `from_row`, as the cache keeps it: never a pickle), and is all
a later stage may keep of a submission. A stage that needs more (a 附件 to render, a finding's position) re-reads
that one file.

The fields are the submission's identity as the roster and the pages name it, its 涉密 flag as decided
(confidential.apply_roster: file or roster), its monitoring outcome (lights and counts) and `summary`, its entry of
summary.json without the path (figures as exact decimal strings). Consumers: the site's pages (`docgen site` at
10,000), the 汇总表 and summary.json. A 涉密 record carries its names and figures like any other: whoever publishes
from records must drop or pool it exactly as from the models (confidential.py), never print it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from .. import messages as M
from ..cache import dumps, loads
from ..check.ruleset import NONE
from ..errors import DocgenError
from ..form import numbers as N
from ..form.model import Department, Project
from . import figures
from .evaluation import Evaluation

#: Bumped whenever the fields change: a cached row of another version is a miss, never misread.
VERSION = 3  # 2: the lights in detail as one member (`lit`); 3: the fields by position (`split_row`)


@dataclass(frozen=True, slots=True)  # slots: a build's parent holds 10,000 of them to its end
class SubmissionRecord:
    """A submission as the stages after evaluation see it: identity, 涉密, lights, counts and its figures."""

    path: str  # relative to the project root, POSIX (as in Finding.path and summary.json)
    kind: str  # "project" or "department"
    period: str  # "2025-06"
    department_code: str
    department: str
    name: str
    code: str | None = None  # the project code; None for a 部门整体
    unit: str | None = None
    research: bool = False
    confidential: bool = False  # as decided: the file's flag or the roster's (confidential.apply_roster)
    valid: bool = True  # no error at all: rendered; False: monitored only (an error that leaves its shape, E3xx)
    digest: str = ""  # sha256 of the file's bytes as read: what a cache entry or a page of this record is keyed by
    light: str = NONE  # the worst of its lights; NONE when nothing was monitored
    exempt: bool = False  # 科研类 during the year
    completeness: tuple[int, int] = (0, 0)  # (reported, total): 「已填报 12/18 项」
    # its lights in detail (`counts`, `indicators`, `rows`; None: in `texts`, parsed when first read)
    lit: tuple[dict[str, int], tuple[tuple[str, str], ...], dict[str, dict[str, str]]] | None = field(default_factory=lambda: ({}, (), {}))
    summary: dict[str, Any] = field(default_factory=dict)  # its summary.json entry, without `path` (see `summary_entry`)
    # what `docgen build` reads of a project instead of its model (evaluate/stream.py `built_parts`): its drafted
    # 附件1 sections, its 资金总额 amounts, indicator count and likelihoods by role, its own 审核意见; {} unless asked for
    built: dict[str, Any] = field(default_factory=dict)
    # its lights in detail and `built`'s long texts (TEXTS) as the cache keeps them beside the record (`split_row`),
    # parsed only where read (`part`, `counts`…): a build after one edit reads those of what it writes (~2.6 KB a file)
    texts: bytes = field(default=b"", compare=False, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """Its findings per light (red, yellow, blue, none)."""
        return self._lit()[0]

    @property
    def indicators(self) -> tuple[tuple[str, str], ...]:
        """(三级指标, light) in the file's order."""
        return self._lit()[1]

    @property
    def rows(self) -> dict[str, dict[str, str]]:
        """Table key -> row label -> light."""
        return self._lit()[2]

    def _lit(self) -> tuple[dict[str, int], tuple[tuple[str, str], ...], dict[str, dict[str, str]]]:
        if self.lit is None:  # the first of the texts' two parts: the site reads every record's, not their texts
            try:
                head = loads(self.texts[: self.texts.index(_PARTS)].decode("utf-8", "surrogatepass"))
            except (ValueError, RecursionError):
                raise DocgenError(M.message("E841", path=self.path)) from None
            object.__setattr__(self, "lit", _lit(head, self.path))
        assert self.lit is not None
        return self.lit

    def as_row(self) -> list[Any]:
        """Plain JSON-able data (cache.dumps), by name: the fields as they are (plain data already, written out at once;
        asdict's deep copy of them was ~0.2 ms a file), the tuples as lists."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("texts", "lit")}
        data["completeness"] = list(self.completeness)
        data["lit"] = [self.counts, [list(pair) for pair in self.indicators], self.rows]
        if self.texts:
            data["built"] = {**self.built, **self._texts()}
        return [VERSION, data]

    def split_row(self) -> tuple[list[Any], str | None]:
        """The record as a cache keeps it, read back by `from_row`: `as_row`'s fields by position (_ROW: the members'
        names were a fifth of what a JSON object of it parses), without `built`'s TEXTS and its lights in detail
        (`lit`, null in the row), and those as JSON text (None when it has no TEXTS: `lit` then in the row), kept
        apart, unparsed until asked for (`from_row(row, texts)`)."""
        version, data = self.as_row()
        built, text = data["built"], None
        if all(name in built for name in TEXTS):
            data["built"] = {k: v for k, v in built.items() if k not in TEXTS}
            text = dumps(data["lit"]) + _PARTS.decode() + dumps({name: built[name] for name in TEXTS})
            data["lit"] = None
        return [version, [data[name] for name, _, _ in _ROW]], text

    def part(self, name: str, default: Any = None) -> Any:
        """`built[name]`, a TEXTS one parsed from `texts` when first asked for."""
        if name in self.built or not self.texts:
            return self.built.get(name, default)
        self.built.update(self._texts())
        return self.built.get(name, default)

    def _texts(self) -> dict[str, Any]:
        """The TEXTS parsed from `texts` (their second part). Texts that do not parse (damaged in the user's cache
        after their checksum was taken) stop the run (E841): a summary.json entry or a drafted section is never
        taken as empty."""
        try:
            texts = loads(self.texts[self.texts.index(_PARTS) + 1 :].decode("utf-8", "surrogatepass"))
            kind, rest = texts["entry"]
            drafted = texts["drafted"]
            plain = isinstance(kind, str) and isinstance(rest, str) and isinstance(drafted, dict)
            if plain and all(isinstance(k, str) and isinstance(v, str) for k, v in drafted.items()):
                return {"entry": [kind, rest], "drafted": drafted}
        except (ValueError, TypeError, KeyError, RecursionError):
            pass
        raise DocgenError(M.message("E841", path=self.path))

    @classmethod
    def from_row(cls, row: Any, texts: bytes = b"") -> SubmissionRecord | None:
        """A record from `split_row`'s row and its `texts`; None (a miss) for anything else, since a cache file is
        only data."""
        try:
            version, values = row
            if version != VERSION or type(values) is not list or len(values) != len(_ROW):
                return None
            record = _new(cls)
            # the fields set one by one, as the frozen __init__ would (a tenth of reading 10,000 cached outcomes);
            # the strings that recur from record to record are shared, not one copy each as read: ~2 KiB a record
            intern = sys.intern
            for (_, put, shared), value in zip(_ROW, values, strict=True):
                put(record, intern(value) if shared and type(value) is str else value)
            lit = values[_LIT]
            if texts and lit is not None:
                return None
            _put(record, "lit", _lit(lit, "") if not texts else None)  # with texts: in them, parsed when first read
            _put(record, "texts", texts)
            _put(record, "completeness", tuple(int(x) for x in values[_COMPLETENESS]))
        except (TypeError, ValueError, KeyError, AttributeError, DocgenError):
            return None
        fields = (record.path, record.kind, record.period, record.department_code, record.department, record.name)
        plain = all(isinstance(x, str) for x in fields) and isinstance(record.summary, dict) and isinstance(record.built, dict)
        return record if plain else None


def _lit(row: Any, path: str) -> tuple[dict[str, int], tuple[tuple[str, str], ...], dict[str, dict[str, str]]]:
    """A record's lights in detail as `as_row` wrote them (`lit`), their strings shared (interned: ~2 KiB a record);
    E841 for anything else."""
    intern = sys.intern
    try:
        counts, indicators, rows = row
        lit = (
            {intern(k): n for k, n in counts.items()},
            tuple((str(name), intern(str(light))) for name, light in indicators),
            {intern(k): {intern(r): intern(light) for r, light in v.items()} for k, v in rows.items()},
        )
    except (TypeError, ValueError, AttributeError):
        raise DocgenError(M.message("E841", path=path)) from None
    return lit


#: `built`'s long texts, kept apart by a cache (`split_row`): the summary.json entry and the drafted 附件1 sections
#: (not the figures a project prints: the 涉密 check reads those of every public project when anything is 涉密).
TEXTS = ("entry", "drafted")

#: What separates the two parts of a record's `texts`: its lights in detail (`lit`) and its TEXTS, each JSON text
#: (`dumps` never leaves a control character unescaped in its text).
_PARTS = b"\x1e"

#: The fields whose values recur from record to record (interned when read back: `from_row`).
_SHARED = frozenset({"path", "kind", "period", "department_code", "department", "unit", "light"})

#: A record's row as `split_row` writes it: each field (but `texts`) by position, with how `from_row` sets it (its
#: slot, written directly: the record is frozen) and whether its text is shared
_new = object.__new__
_ROW = tuple((f.name, SubmissionRecord.__dict__[f.name].__set__, f.name in _SHARED) for f in fields(SubmissionRecord) if f.name != "texts")
_LIT, _COMPLETENESS = ([name for name, _, _ in _ROW].index(name) for name in ("lit", "completeness"))


def _put(record: SubmissionRecord, name: str, value: Any) -> None:
    """A field of a record `from_row` makes, set before anyone sees it (the record is frozen)."""
    SubmissionRecord.__dict__[name].__set__(record, value)


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else N.plain_rate(value)


def figures_json(fig: figures.Figures) -> dict[str, Any]:
    """One budget row's figures as two-decimal strings, so JSON readers get exact amounts, not floats; an amount
    「未填报」 (or summed from one) is null, as its rates are and as `docgen export` gives it, never the 0 it stands on.

    `budget` is the one the rates use (the 调整后预算 where one is recorded, with the 年初预算 as `initial_budget`);
    `pending` and `committed_progress` appear only for a row with 已审批待支付, so files without them read as before."""

    def money(name: str) -> str | None:
        return None if name in fig.unreported else N.plain_money(getattr(fig, name))

    out = {
        "carried_over": money("carried_over"),
        "budget": money("budget"),
        "subtotal": money("subtotal"),
        "allocated": money("allocated"),
        "allocation_rate": _rate(fig.allocation_rate),
        "spent": money("spent"),
        "spend_progress": _rate(fig.spend_progress),
        "execution": _rate(fig.execution),
        "expected": money("expected"),
    }
    if fig.initial_budget is not None:
        out["initial_budget"] = N.plain_money(fig.initial_budget)
    if fig.pending:
        out["pending"] = N.plain_money(fig.pending)
        out["committed_progress"] = _rate(fig.committed_progress)
    return out


def summary_entry(ev: Evaluation, key: str) -> dict[str, Any]:
    """One evaluated submission with its computed figures (money as exact decimal strings, rates in %), as
    summary.json lists it; `key` is its path as summary.json names it (Workspace.key)."""
    sub = ev.submission
    base: dict[str, Any] = {
        "kind": sub.kind,
        "path": key,
        "period": sub.period.key,
        "department": sub.department,
        "department_code": sub.department_code,
        "name": sub.name,
    }
    if isinstance(sub, Project):  # a project's own identity fields; the tables come from its form either way
        base.update(code=sub.code, unit=sub.unit, research=sub.research, confidential=sub.confidential)
    base["tables"] = {key_: {row: figures_json(fig) for row, fig in rows.items()} for key_, rows, _ in ev.table_rows()}
    base["indicators"] = len(sub.indicators)
    base["completeness"] = ev.completeness.as_dict()  # 「已填报 12/18 项」: a half-empty file never reads as a good one
    if isinstance(sub, Department) and sub.monitored_projects is not None:  # only when stated: older files read as before
        base["monitored_projects"] = sub.monitored_projects
    return base


def record_of(ev: Evaluation, key: str, *, digest: str = "", valid: bool = True, summary: bool = True) -> SubmissionRecord:
    """The record of a monitored (or merely evaluated) submission; `key` is its root-relative POSIX path. With
    `summary` False its figures are left out (`docgen validate` needs none: computing them costs ~0.2 ms a file)."""
    sub = ev.submission
    entry = summary_entry(ev, key) if summary else {}
    entry.pop("path", None)
    return SubmissionRecord(
        path=key,
        kind=sub.kind,
        period=sub.period.key,
        department_code=sub.department_code,
        department=sub.department,
        name=sub.name,
        code=sub.code if isinstance(sub, Project) else None,
        unit=sub.unit if isinstance(sub, Project) else None,
        research=bool(sub.research),
        confidential=bool(sub.confidential),
        valid=valid,
        digest=digest,
        light=ev.light or NONE,
        exempt=ev.exempt,
        completeness=(ev.completeness.reported, ev.completeness.total),
        lit=(
            ev.counts(),
            tuple((i.name, light or NONE) for i, light in zip(sub.indicators, ev.indicator_lights, strict=False)),
            {table: {row: light or NONE for row, light in rows.items()} for table, rows in ev.row_lights.items()},
        ),
        summary=entry,
    )
