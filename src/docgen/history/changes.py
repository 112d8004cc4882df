"""Field-level differences between two versions of a submission: the core shared by the site's
history (`history`) and the pull-request summary (`docgen diff`).

A version is reduced once to a `Snapshot` (fields flattened to the form's own labels, list items
keyed by identity, computed figures when the version validates). Snapshots are plain JSON so the
history can cache them by blob id; `compare` on two snapshots is cheap and never parses YAML.

Field paths speak the form's language, joined with 「·」: 「资金·中央财政资金·支出数」,
「绩效指标·资助学生人数·完成目标可能性」. Indicators are keyed by their 三级指标, roster entries by
their code, so reordering a list is not a change; renaming an indicator is one removed, one added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import messages as M
from ..check.load import decode, load_text
from ..check.validate import schema_findings
from ..evaluate import figures as compute
from ..evaluate.evaluation import evaluate
from ..form import numbers as N
from ..form import vocabulary as F
from ..form.forms import PERSONAL_KEYS, Profile
from ..form.limits import visible
from ..form.model import Roster
from ..form.model import build as build_model

SEP = "·"
K, I = F.KEYS, F.INDICATOR_FIELDS  # noqa: E741 - I: the 绩效指标 field names, beside K (keys) as in model.py

#: Lists whose items are identified by one of their fields, not by position.
IDENTITY_KEYS: dict[str, str] = {
    K["indicators"]: I["name"],
    K["departments"]: K["department_code"],
    K["expected_projects"]: K["project_code"],
    F.ROW_EXTRA_FIELDS["items"]: F.LINE_ITEM_FIELDS["name"],  # a 明细 line is named by its 名称
}
#: Keys whose values are amounts in 万元, shown with two decimals: the five of a fund row, the optional 调整后预算 and
#: 已审批待支付, and a 明细 line's 金额.
_AMOUNTS = frozenset(
    (*F.AMOUNT_FIELDS.values(), F.ROW_EXTRA_FIELDS["adjusted_budget"], F.ROW_EXTRA_FIELDS["pending"], F.LINE_ITEM_FIELDS["amount"])
)

# Change kinds.
FIELD = "field"  # a value typed in changed (or was written / erased)
FIGURE = "figure"  # a computed figure changed (小计, 下达率, 支出进度, 资金总额)
ADDED = "added"  # a list item appeared: an indicator, a roster department or project
REMOVED = "removed"  # a list item disappeared
UNREADABLE = "unreadable"  # this version could not be read at all (YAML broken, not UTF-8…)
KINDS = (FIELD, FIGURE, ADDED, REMOVED, UNREADABLE)


@dataclass(frozen=True)
class Change:
    """One change between two versions. `before`/`after` are display texts; None means absent.

    For an item added (removed), `after` (`before`) sums the item up in one line.
    """

    kind: str
    field: str
    before: str | None = None
    after: str | None = None
    confidential: bool = False  # about a 涉密 item (a roster's entry for a confidential project)

    @property
    def label(self) -> str:
        """The last part of the field path (「支出数」), for compact displays."""
        return self.field.rsplit(SEP, 1)[-1]

    @property
    def group(self) -> str:
        """The field path without its last part (「资金·中央财政资金」)."""
        return self.field.rsplit(SEP, 1)[0] if SEP in self.field else ""

    def text(self) -> str:
        """One Chinese line: 「资金·中央财政资金·支出数 60.20 → 95.00」, 「新增 绩效指标「…」」."""
        if self.kind == UNREADABLE:
            return M.label("change_unreadable", detail=self.after)
        if self.kind in (ADDED, REMOVED):
            return M.label(f"change_{self.kind}", group=self.group, item=self.label)
        return M.label("change_value", field=self.field, before=shown(self.before), after=shown(self.after))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "text": self.text(),
            "confidential": self.confidential,
        }


def shown(value: str | None) -> str:
    """「—」 for a value that was not there."""
    return M.label("absent") if value is None or value == "" else value


@dataclass(frozen=True)
class Snapshot:
    """What one version of one file says, reduced for comparing; JSON-serialisable for the cache.

    `error` is set (and everything else empty) when the version could not be read; `valid` is
    False when it was read but does not pass the schema, in which case `figures` is None.
    `confidential`: the whole file is 涉密 (a project marked so); `secrets`: the items inside a file
    that are (a roster's entries for confidential projects), whose changes are flagged.
    """

    kind: str
    error: str | None = None
    valid: bool = False
    confidential: bool = False
    name: str = ""
    code: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    figures: dict[str, str] | None = None
    secrets: list[str] = field(default_factory=list)  # field paths of 涉密 items (a roster's confidential projects)
    #: The figures a new file is summarised by (_headline), named as `figures` names them (in the form's words, which
    #: `compare` does not have); empty when there are no figures.
    headline: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "error": self.error,
            "valid": self.valid,
            "confidential": self.confidential,
            "name": self.name,
            "code": self.code,
            "fields": self.fields,
            "items": self.items,
            "figures": self.figures,
            "secrets": self.secrets,
            "headline": self.headline,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(**data)

    @property
    def readable(self) -> bool:
        return self.error is None


# --- reducing a version -----------------------------------------------------------------


def _text_of(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return M.label("yes") if value else M.label("no")
    if key in _AMOUNTS and isinstance(value, (int, Decimal)):
        return N.plain_money(Decimal(value))
    return visible(str(value).strip())  # an old version E214/E217 would now reject: no bidi control reaches the site


def _flatten(value: Any, path: tuple[str, ...], fields: dict[str, str], items: dict[str, list[str]]) -> None:
    key = path[-1] if path else ""
    if isinstance(value, dict):
        for child, item in value.items():
            if not str(child).startswith("$"):
                _flatten(item, (*path, visible(str(child))), fields, items)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            text = "、".join(_text_of(v, key) for v in value if v is not None)
            if text:
                fields[SEP.join(path)] = text
            return
        identity = IDENTITY_KEYS.get(key)
        names: list[str] = []
        for index, item in enumerate(value):
            ident = item.get(identity) if identity and isinstance(item, dict) else None
            name = visible(str(ident).strip()) if isinstance(ident, (str, int)) and str(ident).strip() else M.label("nth_item", n=index + 1)
            while name in names:  # the same indicator written twice: keep both apart
                name += "'"
            names.append(name)
            rest = {k: v for k, v in item.items() if k != identity} if isinstance(item, dict) and ident is not None else item
            _flatten(rest, (*path, name), fields, items)
        items[SEP.join(path)] = names
    elif value is not None:
        text = _text_of(value, key)
        if text:
            fields[SEP.join(path)] = text


def _rate(value: Decimal | None) -> str:
    return M.label("absent") if value is None else N.rate(value)


def _figure_rows(
    table: str, rows: dict[str, compute.Figures], written: set[str], words: Callable[[str], str] = str
) -> Iterator[tuple[str, str]]:
    """The computed cells of one budget table: 资金总额's sums, and 安排数/下达率/支出进度 per row, named in the words
    of the form (`words`: 执行率 where it says so)."""
    for row, fig in rows.items():
        total = row == F.TOTAL_ROW
        if not total and row not in written:
            continue
        prefix = f"{table}{SEP}{row}{SEP}"
        if total:
            for name, key in F.AMOUNT_FIELDS.items():
                if name not in fig.absent:  # a column the form does not have is no change of anybody's
                    yield prefix + words(key), N.plain_money(getattr(fig, name)) if fig.reported(name) else F.NOT_REPORTED
        yield prefix + words(M.label("figure_arranged")), N.plain_money(fig.subtotal) if fig.reported("subtotal") else F.NOT_REPORTED
        for name in ("allocation_rate", "spend_progress"):  # a rate resting on a figure 「未填报」 is not reported either
            if name in fig.absent:
                continue
            shown = _rate(getattr(fig, name)) if fig.reported(name) else F.NOT_REPORTED
            yield prefix + words(M.label(f"figure_{name}")), shown


def _figures(kind: str, path: Path, data: dict[str, Any], profile: Profile | None = None) -> dict[str, str] | None:
    model = build_model(kind, path, data, profile.form(kind) if profile is not None else None)
    if isinstance(model, Roster):
        return None
    words = profile.words if profile is not None else str
    rows_of = evaluate(model).table_rows()
    return {cell: value for key, rows, given in rows_of for cell, value in _figure_rows(key, rows, set(given), words)}


def _confidential(kind: str, data: dict[str, Any]) -> bool:
    """A project or department file marked 涉密: everything in it is confidential."""
    return kind != "roster" and data.get(K["confidential"]) is True


def _secrets(kind: str, data: dict[str, Any]) -> list[str]:
    """A roster's entries for 涉密 projects, as field paths: their changes must not reach the site."""
    if kind != "roster":
        return []
    found = []
    for dept in data.get(K["departments"]) or []:
        if not isinstance(dept, dict):
            continue
        for project in dept.get(K["expected_projects"]) or []:
            if isinstance(project, dict) and project.get(K["confidential"]) is True:
                dept_code, code = visible(str(dept.get(K["department_code"]))), visible(str(project.get(K["project_code"])))
                found.append(SEP.join((K["departments"], dept_code, K["expected_projects"], code)))  # as _flatten names them
    return found


def snapshot(raw: bytes, kind: str, path: Path | str = "", profile: Profile | None = None) -> Snapshot:
    """Reduce one version of a file of `kind` (project/department/roster) to a Snapshot, read on the repository's
    `profile` (None: the default); never raises."""
    path = Path(path)
    text, problems = decode(path, raw)
    doc = None
    if text is not None:
        doc, problems = load_text(path, text)
    if doc is None:
        first = problems[0] if problems else None
        detail = M.label("at_line", line=first.line, column=first.column, message=first.message) if first else ""
        return Snapshot(kind=kind, error=visible(detail))
    data = doc.data
    fields: dict[str, str] = {}
    items: dict[str, list[str]] = {}
    described = profile.forms.get(kind) if profile is not None else None
    personal = frozenset(f.key for f in described.fields if f.personal) if described is not None else PERSONAL_KEYS.get(kind, frozenset())
    _flatten({k: v for k, v in data.items() if k not in personal} if isinstance(data, dict) else data, (), fields, items)
    valid = not problems and not schema_findings(doc, kind, profile)
    figures = None
    if valid:
        try:
            figures = _figures(kind, path, data, profile)
        except (KeyError, TypeError, ValueError, ArithmeticError):  # schema-valid yet unbuildable: show no figures
            valid = False
    name = data.get(K["project_name"]) or data.get(K["department"]) or ""
    code = data.get(K["project_code"]) or data.get(K["department_code"]) or ""
    return Snapshot(
        kind=kind,
        valid=valid,
        confidential=_confidential(kind, data),
        name=visible(str(name)),
        code=visible(str(code)),
        fields=fields,
        items=items,
        figures=figures,
        secrets=_secrets(kind, data),
        headline=_headline_keys(figures, profile.words if profile is not None else str) if figures else [],
    )


# --- comparing two versions ------------------------------------------------------------------


def _summary(snap: Snapshot, prefix: str) -> str:
    """An item in one line (「年度指标值 ≥95%；完成目标可能性 确定能…」): what a reviewer wants of a new indicator."""
    return M.label("item_separator").join(f"{k[len(prefix) :]} {v}" for k, v in snap.fields.items() if k.startswith(prefix))


#: What a new file is summarised by: 安排数/下达数/支出数 and the two rates of its first table's 资金总额 row.
HEADLINE = (
    M.label("figure_arranged"),
    F.AMOUNT_FIELDS["allocated"],
    F.AMOUNT_FIELDS["spent"],
    M.label("figure_allocation_rate"),
    M.label("figure_spend_progress"),
)


def _headline_keys(figures: dict[str, str], words: Callable[[str], str] = str) -> list[str]:
    """The keys of `figures` a new file is summarised by (HEADLINE, in the form's `words`)."""
    total = f"{SEP}{F.TOTAL_ROW}{SEP}"
    table = next((k.split(total)[0] for k in figures if total in k), "")
    return [f"{table}{total}{words(name)}" for name in HEADLINE if f"{table}{total}{words(name)}" in figures]


def _headline(snap: Snapshot) -> dict[str, str]:
    """A new file in a few figures: the first table's 资金总额 row, 安排数/下达数/支出数 and the two rates."""
    figures = snap.figures or {}
    return {key: figures[key] for key in snap.headline or _headline_keys(figures) if key in figures}


def _under(key: str, prefixes: list[str]) -> bool:
    return any(key.startswith(p) for p in prefixes)


def compare(before: Snapshot | None, after: Snapshot | None) -> list[Change]:
    """The changes from `before` to `after`, in the order of the form.

    `before` None: a new file, summarised by its 资金总额 figures (安排数, 下达数, 支出数, rates). `after` None: a deleted file (no
    changes; the status says it). An unreadable `after` gives one UNREADABLE change; callers
    compare a readable version with the last readable one before it.
    """
    if after is None:
        return []
    if not after.readable:
        return [Change(UNREADABLE, "", None, after.error)]
    if before is None or not before.readable:
        return [Change(FIGURE, k, None, v) for k, v in _headline(after).items()]
    changes: list[Change] = []
    skipped: list[str] = []
    for group in dict.fromkeys([*before.items, *after.items]):
        old, new = before.items.get(group, []), after.items.get(group, [])
        gone = [n for n in old if n not in new]
        came = [n for n in new if n not in old]
        changes += [Change(REMOVED, f"{group}{SEP}{n}", _summary(before, f"{group}{SEP}{n}{SEP}")) for n in gone]
        changes += [Change(ADDED, f"{group}{SEP}{n}", None, _summary(after, f"{group}{SEP}{n}{SEP}")) for n in came]
        skipped += [f"{group}{SEP}{n}{SEP}" for n in gone + came]
    values = []
    for key in dict.fromkeys([*after.fields, *before.fields]):
        old_value, new_value = before.fields.get(key), after.fields.get(key)
        if old_value != new_value and not _under(key, skipped):
            values.append(Change(FIELD, key, old_value, new_value))
    figures = []
    if before.figures is not None and after.figures is not None:
        for key in dict.fromkeys([*after.figures, *before.figures]):
            old_value, new_value = before.figures.get(key), after.figures.get(key)
            if old_value != new_value:
                figures.append(Change(FIGURE, key, old_value, new_value))
    secrets = [*before.secrets, *after.secrets]
    if secrets:
        marked = [f"{s}{SEP}" for s in secrets]
        return [replace(c, confidential=True) if c.field in secrets or _under(c.field, marked) else c for c in values + changes + figures]
    return values + changes + figures
