"""Schema validation and business rules over loaded files; returns Findings, never prints or exits.

jsonschema-rs is used for the schema: measured ~60x faster than python-jsonschema per document
(benchmarks/validate.py) with the same errors and instance paths. Its English messages are never
shown: each error kind maps to a Chinese template in `messages`.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from .. import children
from .. import messages as M
from ..cache import Store, dumps
from ..form import forms, limits
from ..form import numbers as N
from ..form import review as review_form
from ..form import targets as targets_form
from ..form import vocabulary as F
from ..form.forms import Profile
from ..form.model import unknown_word
from . import consistency, ruleset
from . import review as review_rules
from . import targets as targets_rules
from .consistency import Probe
from .findings import Finding, error, finding_rows, findings_from_rows
from .load import Document, JsonPath, load_bytes, load_file, read_bounded
from .ruleset import schema_for


def kind_of(path: Path | str) -> str:
    """The kind of a submission file, from its name: the roster and the department file are named.

    From the path's text (pathlib keeps it), not its `parent` (a new Path each time): a run asks ~6 times a file."""
    folder, name = os.path.split(str(path))
    return kind_in(name, os.path.basename(folder))


def kind_in(name: str, folder: str) -> str:
    """`kind_of` a file `name` in a folder named `folder`: a few comparisons, not a cache (every project file has a
    name of its own: a cache of 1,024 missed each time)."""
    if name == F.ROSTER_FILE:
        return "roster"
    if name == F.DEPARTMENT_FILE:
        return "department"
    if name == ruleset.RULES_FILE:
        return "rules"
    if folder == F.REVIEW_FOLDER:  # 审核/: opinions, 整改 and 结果应用 (form/review.py)
        return review_form.kind_in_review_folder(name)
    if folder == F.TARGETS_FOLDER:  # 批复目标/: the approved targets (form/targets.py)
        return targets_form.KIND
    return "project"


@cache
def _validator(kind: str, profile: Profile | None = None) -> Any:
    return jsonschema_rs.Draft7Validator(schema_for(kind, profile), validate_formats=True)  # `format: date`: 2025-02-30 is no date


@cache
def _integers_at(kind: str, profile: Profile | None = None) -> frozenset[tuple[str, ...]]:
    """Paths (list indices removed) whose schema type is integer: 年度, 截至月份."""
    found: set[tuple[str, ...]] = set()

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if node.get("type") == "integer":
            found.add(path)
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path)

    walk(schema_for(kind, profile), ())
    return frozenset(found)


@cache
def _properties_at(kind: str, profile: Profile | None = None) -> dict[tuple[str, ...], list[str]]:
    """Allowed keys for every object in the schema, keyed by its path with list indices removed."""
    table: dict[tuple[str, ...], list[str]] = {}

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if "properties" in node:
            table[path] = [k for k in node["properties"] if k != "$schema"]
            for key, sub in node["properties"].items():
                walk(sub, (*path, key))
        if "items" in node:
            walk(node["items"], path)

    walk(schema_for(kind, profile), ())
    return table


def _schema_path(path: JsonPath) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


def _field(path: JsonPath) -> str:
    """The label a clerk recognises: the last key, with its row for amounts (「中央财政资金」的「支出数」)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return "文件"
    if len(keys) >= 2 and (keys[-1] in F.AMOUNT_FIELDS.values() or keys[-1] in F.ROW_EXTRA_FIELDS.values()):
        return f"{keys[-2]}·{keys[-1]}"
    index = next((p for p in reversed(path) if isinstance(p, int)), None)
    if index is not None and len(keys) >= 3 and keys[-2] == F.ROW_EXTRA_FIELDS["items"]:
        return f"{keys[-3]}·明细第{index + 1}项·{keys[-1]}"
    if index is not None and keys[-1] in F.INDICATOR_FIELDS.values():
        return f"第{index + 1}项{keys[-2] if len(keys) >= 2 else ''}·{keys[-1]}"
    return keys[-1]


def _closest(word: str, options: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.4)
    return match[0] if match else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    suggestion = _closest(word, options)
    return M.hint("did_you_mean", suggestion=suggestion) if suggestion else ""


def _misspelt(data: Any, key: str, allowed: list[str]) -> bool:
    """Whether the object holding a missing `key` has an unknown key that E203 will suggest `key` for (「项目名」)."""
    if not isinstance(data, dict):
        return False
    return any(isinstance(k, str) and k not in allowed and _closest(k, allowed) == key for k in data)


def _strip_nulls(
    value: Any, path: JsonPath, nulls: set[JsonPath], known: dict[tuple[str, ...], list[str]], here: tuple[str, ...] | None = None
) -> Any:
    """Empty known entries (`备注:` with nothing after) count as not written; remember where they were.

    An unknown key stays, empty or not, so that it is still reported. `here` is `path` without its list indices
    (`_schema_path`), carried down rather than rebuilt at every object; only containers are descended into.
    """
    if isinstance(value, dict):
        here = _schema_path(path) if here is None else here
        allowed = known.get(here, [])
        out = {}
        for key, item in value.items():
            if item is None and key in allowed:
                nulls.add((*path, key))
            elif isinstance(item, dict | list):
                out[key] = _strip_nulls(item, (*path, key), nulls, known, (*here, key) if isinstance(key, str) else here)
            else:
                out[key] = item
        return out
    if isinstance(value, list):
        here = _schema_path(path) if here is None else here
        return [
            _strip_nulls(item, (*path, i), nulls, known, here) if isinstance(item, dict | list) else item for i, item in enumerate(value)
        ]
    return value


def _shown(value: Any) -> str:
    text = str(value) if not isinstance(value, (dict, list)) else ("「键: 值」表单" if isinstance(value, dict) else "列表")
    return text if len(text) <= 40 else text[:37] + "…"


def schema_findings(doc: Document, kind: str, profile: Profile | None = None, repeated: frozenset[int] = frozenset()) -> list[Finding]:
    """JSON Schema errors of one document, in Chinese and at the place in the file they concern; the forms' schemas
    are the repository's `profile`'s (default: the default profile's). `repeated`: the lines where loading found a
    key written twice (E103), whose second one YAML dropped (`_split_amount`)."""
    nulls: set[JsonPath] = set()
    data = _strip_nulls(doc.data, (), nulls, _properties_at(kind, profile))
    whole = M.TYPE_NAMES["integer"]
    findings = [
        error(doc.path, *doc.position(path), "E204", field=_field(path), expected=whole, value=value, hint=M.hint("whole"))
        for path, value in _pointed_integers(data, (), _integers_at(kind, profile))
    ]
    for err in _validator(kind, profile).iter_errors(data):
        findings.extend(_translate(doc, kind, err, nulls, profile, repeated))
        if len(findings) >= limits.MAX_FINDINGS:  # a file of 5,000 broken indicators: the first ones say enough
            return [*findings[: limits.MAX_FINDINGS], error(doc.path, 1, 1, "E216", limit=limits.MAX_FINDINGS)]
    return findings


def _pointed_integers(value: Any, path: JsonPath, wanted: frozenset[tuple[str, ...]]) -> Iterable[tuple[JsonPath, Decimal]]:
    """`年度: 2025.0`: JSON Schema counts it an integer, but a year is written 2025 (and the model wants an int).

    Only the branches that lead to an integer field are walked (two top-level keys in today's forms), not the tree."""
    if isinstance(value, dict):
        here = _schema_path(path)
        for key, item in value.items():
            if isinstance(key, str) and (*here, key) in _prefixes(wanted):
                yield from _pointed_integers(item, (*path, key), wanted)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _pointed_integers(item, (*path, i), wanted)
    elif isinstance(value, Decimal) and value == value.to_integral_value() and _schema_path(path) in wanted:
        yield path, value


@functools.cache
def _prefixes(wanted: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """Every path that leads to one of `wanted` (list indices removed), `wanted` included."""
    return frozenset(w[:i] for w in wanted for i in range(1, len(w) + 1))


def _translate(
    doc: Document, kind: str, err: Any, nulls: set[JsonPath], profile: Profile | None = None, repeated: frozenset[int] = frozenset()
) -> list[Finding]:
    path: JsonPath = tuple(err.instance_path)
    name = type(err.kind).__name__
    detail = err.kind.as_dict() if hasattr(err.kind, "as_dict") else {}
    at = doc.position(path)
    field = _field(path)
    file = doc.path
    if name == "Required":
        key = detail.get("property", "")
        child = (*path, key)
        if child in nulls:
            return [error(file, *doc.position(child, key=True), "E202", key=key)]
        if _misspelt(_value_at(doc.data, path), key, _properties_at(kind, profile).get(_schema_path(path), [])):
            return []  # one wrong key is one mistake: its E203 says 「是不是「{key}」？」
        return [error(file, *doc.position(path, key=True), "E201", key=key)]
    if name == "AdditionalProperties":
        allowed = _properties_at(kind, profile).get(_schema_path(path), [])
        out = []
        for key in detail.get("unexpected", []):
            split = _split_amount(doc, path, key)
            if split is not None:  # 「12,345.6」 cut by YAML: said of the amount, once, never as a key 「345.6」
                amount, typed, first = split
                if first:
                    line, column = doc.position(amount)
                    number, hint = M.TYPE_NAMES["number"], _grouped_hint(typed)
                    if line in repeated:  # 「1,000,000」: YAML kept one 「000」 of two, so what it left is not all that was typed
                        typed, hint = f"{typed}…", M.hint("thousands_cut")  # never 「请写成 1000」, a thousandth of it
                    out.append(error(file, line, column, "E204", field=_field(amount), expected=number, value=typed, hint=hint))
                continue
            if key in F.DERIVED_FIELDS or (
                key == "资金总额" and path and path[-1] in (F.KEYS["funds"], F.KEYS["funds_by_type"], F.KEYS["funds_by_use"])
            ):
                rule = F.DERIVED_FIELDS.get(key, "各行相加")
                hint = M.hint("derived", key=key, rule=rule)
            else:
                hint = _did_you_mean(key, allowed) or (M.hint("allowed_keys", options="、".join(allowed)) if allowed else "")
            out.append(error(file, *doc.position((*path, key), key=True), "E203", key=key, hint=hint))
        return out
    value = _value_at(doc.data, path)
    if name == "Type":
        expected = detail.get("types") or []
        expected_text = "或".join(M.TYPE_NAMES.get(t, t) for t in expected)
        hint = ""
        if "number" in expected and isinstance(value, str):
            hint = _money_with_unit(value) or _number_text_hint(value)
        elif expected == ["string"] and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            hint = M.hint("quote_code", value=value)
        return [error(file, *at, "E204", field=field, expected=expected_text, value=_shown(value), hint=hint)]
    if name == "AnyOf" and _or_not_reported(kind, tuple(err.schema_path), profile):
        wanted = _or_not_reported(kind, tuple(err.schema_path), profile)
        expected_text = "或".join([M.TYPE_NAMES.get(wanted, wanted), f"「{F.NOT_REPORTED}」"])
        hint = (_money_with_unit(value) or _number_text_hint(value)) if wanted == "number" and isinstance(value, str) else ""
        if unknown_word(value):  # 「暂无」, 「—」: "not known yet", written otherwise
            hint = M.hint("did_you_mean", suggestion=F.NOT_REPORTED)
        return [error(file, *at, "E204", field=field, expected=expected_text, value=_shown(value), hint=hint)]
    if name == "Enum":
        options = [str(o) for o in detail.get("options", [])]
        if path and path[-1] == F.INDICATOR_FIELDS["level2"] and "allOf" in err.schema_path:
            if value not in F.LEVEL2_ALL:
                return []  # not a 二级指标 at all (「数量」): one E205 with its suggestion says it
            level1 = _value_at(doc.data, (*path[:-1], F.INDICATOR_FIELDS["level1"]))
            return [error(file, *at, "E303", level2=value, level1=level1, options="、".join(options))]
        if path and path[-1] == F.INDICATOR_FIELDS["level2"] and value in F.LEVEL2_ALL:
            return []  # reported as E303 by the if/then branch
        if path and path[-1] == F.INDICATOR_FIELDS["level2"]:  # suggest from the 一级指标's own kinds first
            level1 = _value_at(doc.data, (*path[:-1], F.INDICATOR_FIELDS["level1"]))
            own = F.TAXONOMY.get(level1, ()) if isinstance(level1, str) else ()
            hint = _did_you_mean(str(value), own) or _did_you_mean(str(value), options)
            return [error(file, *at, "E205", field=field, value=_shown(value), options="、".join(options), hint=hint)]
        return [
            error(file, *at, "E205", field=field, value=_shown(value), options="、".join(options), hint=_did_you_mean(str(value), options))
        ]
    if name == "Minimum" and kind == "rules" and path == (ruleset.POOL_KEY,):
        return [error(file, *at, "E219", field=field, limit=ruleset.DEFAULT_POOL, value=_shown(value))]
    if name in ("Minimum", "ExclusiveMinimum"):
        return [error(file, *at, "E207", field=field, limit=detail.get("limit"), value=_shown(value))]
    if name in ("Maximum", "ExclusiveMaximum"):
        return [error(file, *at, "E208", field=field, limit=detail.get("limit"), value=_shown(value))]
    if name == "MinLength":
        return [error(file, *at, "E209", field=field)]
    if name == "MaxLength":
        code = "E220" if _in_cell(kind, path, profile) else "E213"  # a form cell's bound, not a name's
        return [error(file, *at, code, field=field, limit=detail.get("limit"), count=len(value) if isinstance(value, str) else 0)]
    if name == "Format":  # only for a value of the right shape: one of the wrong shape has its E211 already
        shaped = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
        return [error(file, *at, "E215", field=field, value=value)] if shaped else []
    if name in ("MinItems", "MinProperties"):
        return [error(file, *at, "E210", field=field, limit=detail.get("limit"))]
    if name == "Pattern" and detail.get("pattern") == limits.CODE_PATTERN:
        return [_bad_code(doc, path, value)]
    if name == "Pattern":
        return [error(file, *at, "E211", field=field, detail="应写成 2025-07-31 这样的日期")]
    return [error(file, *at, "E212", field=field, detail=name)]


def _in_cell(kind: str, path: JsonPath, profile: Profile | None = None) -> bool:
    """Whether the text at `path` goes into one cell of the printed form (the repository's profile's), whose bound is
    the cell's (forms.Field.in_cell)."""
    form = (profile or forms.DEFAULT).forms.get(kind)
    return form is not None and form.in_cell(path)


@functools.cache
def _or_not_reported(kind: str, schema_path: tuple[str | int, ...], profile: Profile | None = None) -> str:
    """The JSON type of a node that may also be 「未填报」 (form/schema.or_not_reported), for its anyOf's error; "" else."""
    node: Any = schema_for(kind, profile)
    for step in schema_path[:-1]:
        node = node[step] if isinstance(node, dict) or isinstance(step, int) else None
        if node is None:
            return ""
    branches = node.get("anyOf") if isinstance(node, dict) else None
    if not isinstance(branches, list) or len(branches) != 2 or branches[1].get("const") != F.NOT_REPORTED:
        return ""
    return str(branches[0].get("type", ""))


def _bad_code(doc: Document, path: JsonPath, value: Any) -> Finding:
    """E218 at the first character a code may not hold (a look-alike hyphen would make it another project's code)."""
    text = str(value)
    index = next((i for i, c in enumerate(text) if not limits.CODE_CHARS.fullmatch(c)), 0)
    char = text[index] if text else ""
    code = f"U+{ord(char):04X}" if char else ""
    return error(doc.path, *doc.position(path), "E218", field=_field(path), index=index + 1, char=char, code=code)


#: A number (thousands grouped by commas or not) and a unit of money: 「80元」「3,200,000 元」「1.5亿元」 (never 「12,5万元」).
_MONEY_UNIT = re.compile(r"^\s*((?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(元|万元|亿元|万|亿)\s*$")
#: 万元 per unit a clerk may have typed the amount in.
_PER_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000), "亿": Decimal(10000)}


def _plain(number: Decimal) -> str:
    """A Decimal as a clerk types it: no exponent, no trailing zeros (0.0080 -> 0.008, 3.2E+2 -> 320)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money_with_unit(text: str) -> str:
    """「80元」 in a 万元 field: the hint states the conversion (80元 = 0.008万元), never just "drop the unit",
    which would turn 80 元 into 80 万元. Empty when the text is not a number with a unit of money."""
    match = _MONEY_UNIT.match(unicodedata.normalize("NFKC", text))
    if match is None:
        return ""
    number = Decimal(match[1].replace(",", "").replace("，", ""))
    unit = match[2]
    wan = _plain(number * _PER_WAN[unit])
    typed = f"{_plain(number)}{unit}"
    if unit in ("万元", "万"):
        return M.hint("amount_wan", number=wan)
    return M.hint("amount_yuan" if unit == "元" else "amount_yi", typed=typed, wan=wan, number=_plain(number))


def _number_text_hint(text: str) -> str:
    """Why a number typed as text is not a number: quotes, full-width digits, thousands separators, or units and commas."""
    stripped = text.strip()
    if stripped.isascii() and _is_decimal(stripped):  # Decimal reads full-width digits too: ask isascii first
        return M.hint("quoted_number")
    if _is_decimal(unicodedata.normalize("NFKC", stripped)):
        return M.hint("fullwidth_number")
    return _grouped_hint(stripped) or M.hint("amount_text")


def _grouped_hint(text: str) -> str:
    """The hint for 「12,345.6」: no thousands separators, write 12345.6. Refused, never read as 12345.6: a comma is the
    decimal separator in some locales (「12,345」 may mean 12.345), and the clerk is the one who knows. Empty when
    `text` is not such an amount (numbers.ungrouped)."""
    plain = N.ungrouped(text)
    return M.hint("thousands", plain=plain) if plain is not None else ""


def _split_amount(doc: Document, path: JsonPath, key: str) -> tuple[JsonPath, str, bool] | None:
    """An amount typed 「12,345.6」 in a flow mapping (`{本年预算: 12,345.6, …}`), which YAML splits at each comma into
    `本年预算: 12` and keys `345`/`345.6` without a value: for `key`, one of those, the amount's path, its text as
    typed and whether `key` is its first piece (one amount, one message); None for any other key. Told from the data
    and positions alone: each piece starts right after the comma that ends the one before, on the same line."""
    mapping = _value_at(doc.data, path)
    if not isinstance(mapping, dict) or mapping.get(key, 0) is not None:
        return None
    items = list(mapping.items())
    start = next(i for i, (k, _) in enumerate(items) if k == key)
    while start > 0 and items[start - 1][1] is None:
        start -= 1
    if start == 0 or not isinstance(items[start - 1][1], int) or isinstance(items[start - 1][1], bool):
        return None
    amount, value = items[start - 1]
    line, column = doc.position((*path, amount))
    typed, end, pieces = str(value), column + len(str(value)), []
    for piece, rest in items[start:]:
        if rest is not None or doc.position((*path, piece), key=True) != (line, end + 1):
            break
        typed, end = f"{typed},{piece}", end + 1 + len(str(piece))
        pieces.append(piece)
    if key not in pieces or N.ungrouped(typed) is None:
        return None
    return (*path, amount), typed, key == pieces[0]


def _is_decimal(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _value_at(data: Any, path: JsonPath) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


#: Error codes after which a file still has the schema's shape: E103 (first of the duplicate keys kept),
#: E106, and the business rules E3xx, which run on schema-valid data.
MODEL_SAFE = re.compile(r"^(E103|E106|E3\d\d)$")


@dataclass
class Checked:
    """What validation produced: the documents that loaded, keyed by kind, and every finding."""

    documents: list[tuple[str, Document]]
    findings: list[Finding]
    digests: dict[str, str] = field(default_factory=dict)  # path -> digest of its bytes (as read, once)
    rosters: dict[Path, Document] = field(default_factory=dict, repr=False)  # the rosters the rules across files read
    broken: dict[Path, Finding] = field(default_factory=dict, repr=False)  # period folder -> its broken roster's problem
    evidence: list[Probe] = field(default_factory=list, repr=False)  # the 佐证材料 paths the findings hold for

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def error_paths(self) -> set[str]:
        return {f.path for f in self.errors}

    def shaped_paths(self) -> set[str]:
        """Files whose errors all leave the data in the schema's shape (a duplicate key, a business rule):
        their models can still be built, so monitoring reports on them in the same pass."""
        unsafe = {f.path for f in self.errors if not MODEL_SAFE.match(f.code)}
        return self.error_paths() - unsafe


#: From this many files on, loading and per-file checks are spread over the CPUs (benchmarks/validate.py:
#: 1,000 files 1.6 s -> 1.0 s on 2 cores); below it, starting workers costs more than it saves.
PARALLEL_FROM = 300

#: A file as read: its name (relative to the root), its bytes (None when refused) and the reading's findings.
Read = tuple[Path, bytes | None, list[Finding]]


def check_one(item: Read, root: Path | None = None, profile: Profile | None = None) -> Outcome:
    """Everything that needs only the file itself: the bytes read once, the schema, the per-file business rules."""
    return check_probed(item, root, profile)[0]


def check_probed(item: Read, root: Path | None = None, profile: Profile | None = None) -> tuple[Outcome, list[Probe]]:
    """`check_one`, with the 佐证材料 paths its W306/W309 were decided from (consistency.evidence): what a cache keeps
    beside the outcome, which holds only while they are as they were."""
    path, raw, findings = item
    kind = kind_of(path)
    if raw is None:
        return (kind, None, list(findings)), []
    doc, findings = load_bytes(path, raw, root)
    if doc is None:
        return (kind, None, findings), []
    read = {(f.line, f.column) for f in findings}  # a value E113/E214 refused: the schema would only say it again
    repeated = frozenset(f.line for f in findings if f.code == "E103")
    findings.extend(f for f in schema_findings(doc, kind, profile, repeated) if (f.line, f.column) not in read)
    if kind == "rules":  # the monitoring rules file: checked like a submission, but it has no model
        findings.extend(ruleset.check_document(doc))
        return (kind, None, findings), []
    if kind in review_form.KINDS:  # the review folder's files: their own rules, no submission model
        findings.extend(review_rules.file_rules(doc, kind))
        return (kind, doc, findings), []
    if kind == targets_form.KIND:  # approved targets: their own rules, read into records, no submission model
        findings.extend(targets_rules.file_rules(doc, profile))
        return (kind, doc, findings), []
    findings.extend(consistency.file_rules(doc, kind, profile))
    found, probes = consistency.evidence(doc, kind)
    findings.extend(found)
    if kind == "roster":
        findings.extend(review_rules.roster_rules(doc))
    return (kind, doc, findings), probes


Outcome = tuple[str, Document | None, list[Finding]]


def _encoded(outcome: Outcome, probes: list[Probe], packed: dict[str, Any] | None = None) -> str | None:
    """An outcome and its 佐证材料 probes as the cache keeps them (cache.dumps), or None when it is not plain data;
    `packed` is its document's `pack()` when already made."""
    kind, doc, findings = outcome
    try:
        if doc is not None and packed is None:
            packed = doc.pack()
        return dumps([kind, packed if doc is not None else None, finding_rows(findings), [list(p) for p in probes]])
    except (TypeError, ValueError, RecursionError):
        return None


#: A file checked: its outcome, its 佐证材料 probes, and its cache entry when asked for (None: not plain data, or not asked).
Done = tuple[Outcome, list[Probe], str | None]


def _check_chunk(items: list[Read], root: Path | None = None, encode: bool = False, profile: Profile | None = None) -> list[Done]:
    """Each file's outcome and probes, and with `encode` its cache entry too: encoding JSON in Python costs about as
    much as the checks themselves (~0.5 ms a file), so it is done here, spread over the workers, not in the parent."""
    outcomes = [check_probed(item, root, profile) for item in items]
    return [(outcome, probes, _encoded(outcome, probes) if encode else None) for outcome, probes in outcomes]


def _check_chunk_packed(items: list[Read], root: Path | None = None, encode: bool = False, profile: Profile | None = None) -> list[Done]:
    """`_check_chunk` in a worker: each document goes back packed (its data and its positions as flat runs of ints,
    as the cache keeps it), so the parent unpickles ~5 MB instead of ~7.5 MB a 1,000 files and rebuilds a
    position table only for a file a finding is placed in (Document.unpack); the packing is shared with the
    cache entry."""
    out: list[Done] = []
    for (kind, doc, findings), probes in (check_probed(item, root, profile) for item in items):
        if doc is None:
            out.append(((kind, doc, findings), probes, _encoded((kind, doc, findings), probes) if encode else None))
            continue
        packed = doc.pack()
        light = Document.unpack(packed)
        light.root = doc.root
        out.append(((kind, light, findings), probes, _encoded((kind, doc, findings), probes, packed) if encode else None))
    return out


def _check_each(items: list[Read], root: Path | None = None, encode: bool = False, profile: Profile | None = None) -> list[Done]:
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _check_chunk(items, root, encode, profile)
    size = -(-len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    # fork: the workers inherit the compiled schemas and imports, so they start in milliseconds; each gets the
    # bytes already read, so no file is read twice
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=children.pool_worker, initargs=(os.getpid(),)) as pool:
        work = functools.partial(_check_chunk_packed, root=root, encode=encode, profile=profile)
        return [item for chunk in pool.map(work, chunks) for item in chunk]


#: From this many files on, per-file results are cached between runs (cache.Store): a rebuild after one edit
#: reads 1,000 unchanged results in ~0.15 s instead of checking them again (~1 s).
CACHE_FROM = 300


def _check_cached(
    paths: list[Path], root: Path | None, store: Store | None, profile: Profile | None = None, cache_from: int | None = None
) -> tuple[list[Outcome], dict[str, str], list[Probe]]:
    """The outcome of each file, the digest of each file's bytes (each file is read here, once), and the 佐证材料 paths
    the outcomes hold for (consistency.evidence).

    Results are kept in `store` only for files inside the project (root-relative paths): files elsewhere would
    leave entries under a new name on every run. A kept outcome is taken only while its 佐证材料 are as they were
    (a stat a step of each path): its bytes alone do not say whether they exist.
    """
    reads = [(path, *read_bounded(path, root)) for path in paths]
    digests = {str(path): hashlib.sha256(raw).hexdigest() if raw is not None else "" for path, raw, _ in reads}
    inside = all(not p.is_absolute() and ".." not in p.parts for p in paths)
    if store is None or len(paths) < (CACHE_FROM if cache_from is None else cache_from) or not inside:
        done = _check_each(reads, root, profile=profile)
        return [outcome for outcome, _, _ in done], digests, [probe for _, probes, _ in done for probe in probes]
    # an entry is the outcome of these bytes under this profile: another profile's schema may judge them otherwise
    keys = {name: f"{key}-{profile.digest}" if key and profile is not None else key for name, key in digests.items()}
    shelf = store.shelf("check", keys)
    seen: dict[str, str] = {}  # the steps to the 佐证材料 looked at in this pass
    known: dict[str, tuple[Outcome, list[Probe]] | None] = {
        name: _outcome(shelf.get(name, key), root, Path(name), seen) if key else None for name, key in keys.items()
    }
    todo = [item for item in reads if known[str(item[0])] is None]
    for (path, _, _), (outcome, probes, encoded) in zip(todo, _check_each(todo, root, encode=shelf.enabled, profile=profile), strict=True):
        known[str(path)] = (outcome, probes)
        if keys[str(path)] and encoded is not None:
            shelf.put_encoded(str(path), keys[str(path)], encoded)
    shelf.save()
    kept = [known[str(p)] for p in paths]
    return [k[0] for k in kept], digests, [probe for k in kept for probe in k[1]]  # type: ignore[index]


def _outcome(stored: Any, root: Path | None, path: Path, seen: dict[str, str]) -> tuple[Outcome, list[Probe]] | None:
    """A cached outcome and its 佐证材料 probes, or None (a miss) when the entry is not what `_check_cached` stores,
    or a 佐证材料 path it was decided from is no longer as it was (`path`: the file, whose repository they are in)."""
    if stored is None:
        return None
    try:
        kind, packed, rows, probes = stored
        if kind not in ("project", "department", "roster", "rules", *review_form.KINDS, targets_form.KIND):
            return None
        if not consistency.evidence_holds(consistency.evidence_root(path, root), probes, seen):
            return None
        doc = Document.unpack(packed) if packed is not None else None
        if doc is not None:
            doc.root = root
        return (kind, doc, findings_from_rows(rows)), [(target, state) for target, state in probes]
    except (TypeError, ValueError, KeyError):
        return None


def check_files(
    paths: list[Path],
    rosters: list[Path] | None = None,
    *,
    root: Path | None = None,
    store: Store | None = None,
    context: list[Path] | None = None,
    profile: Profile | None = None,
    cache_from: int | None = None,
) -> Checked:
    """Load and check `paths`; `rosters` are extra roster files used only to cross-check.

    With `root`, paths are relative to it (the project root) and findings name them so; `store` keeps per-file
    results between runs (cache.py). `profile` is the repository's (check/profile.py's `profile_of`): its forms'
    schemas and rules judge the files; None means the default profile.

    `context` are other project files (the committed files around the staged ones): only loaded, never checked,
    so that the rules across files see them. They come first, so a checked project repeating a context file's
    code gets the E309; a finding located in a context file is kept only when it names a checked file (a
    committed project whose 涉密 disagrees with a checked roster). Their own problems are someone else's.

    `cache_from`: from how many files on `store` is used (a large tree's few rosters, one of 10,000 lines, are
    worth keeping although they are few).
    """
    documents: list[tuple[str, Document]] = []
    findings: list[Finding] = []
    outcomes, digests, probes = _check_cached(paths, root, store, profile, cache_from)
    for kind, doc, problems in outcomes:
        findings.extend(problems)
        if doc is not None:
            documents.append((kind, doc))
    broken = {
        Path(problems[0].path).parent: problems[0] for kind, doc, problems in outcomes if kind == "roster" and doc is None and problems
    }
    roster_docs = _roster_documents(documents, rosters or [], root, broken, profile)
    around = _context_documents([p for p in context or [] if str(p) not in digests], root)
    checked = set(digests)
    findings.extend(
        f
        for f in consistency.cross_file_rules(around + documents, roster_docs, broken)
        if f.path in checked or any(name in f.message for name in checked)
    )
    return Checked(documents, sorted(set(findings), key=lambda f: (f.path, f.line, f.column, f.code)), digests, roster_docs, broken, probes)


#: The keys of a project file the rules across files read (consistency.cross_file_rules): its code, department, 涉密.
_CROSS_KEYS = (F.KEYS["project_code"], F.KEYS["department_code"], F.KEYS["confidential"])


def slim(doc: Document) -> Document:
    """A project's document reduced to what the rules across files read (`_CROSS_KEYS`, their values and key
    positions, and the file's own): what the streamed check keeps of a project instead of its ~50 KiB document."""
    data = {k: doc.data[k] for k in _CROSS_KEYS if k in doc.data} if isinstance(doc.data, dict) else {}
    wanted: list[JsonPath] = [(), *((k,) for k in data)]
    positions = {path: doc.positions[path] for path in wanted if path in doc.positions}
    keys = {path: doc.key_positions[path] for path in wanted[1:] if path in doc.key_positions}
    return Document(doc.path, data, positions, keys, doc.root)


def _context_documents(paths: list[Path], root: Path | None = None) -> list[tuple[str, Document]]:
    """The project files among `paths`, loaded (not checked); one that does not load is left out.

    In one process: loading costs ~0.6 ms a file (1,000 files: ~0.6 s; the hook then takes ~1.5 s instead of
    ~0.4 s), and sending the documents back from worker processes costs more than it saves (measured: 2.4 s on
    2 cores)."""
    docs = (load_file(path, root)[0] for path in paths if kind_of(path) == "project")
    return [("project", doc) for doc in docs if doc is not None]


def _roster_documents(
    documents: list[tuple[str, Document]],
    extra: list[Path],
    root: Path | None = None,
    broken: dict[Path, Finding] | None = None,
    profile: Profile | None = None,
) -> dict[Path, Document]:
    """Rosters by their folder; those not being checked are read quietly, for cross-checks only.

    A roster that is there but does not read goes into `broken` (its folder -> its first problem), so that the
    projects are told it is broken, not that it is missing.
    """
    found = {doc.path.parent: doc for kind, doc in documents if kind == "roster"}
    for path in extra:
        if path.parent not in found and (broken is None or path.parent not in broken):
            doc, problems = load_file(path, root)
            problems = problems or (schema_findings(doc, "roster", profile) if doc is not None else [])
            if doc is not None and not problems:
                found[path.parent] = doc
            elif problems and broken is not None:
                broken[path.parent] = min(problems, key=lambda f: (f.line, f.column))
    return found
