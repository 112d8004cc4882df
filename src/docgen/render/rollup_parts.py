"""The city's 汇总表 from its departments' parts, each kept in the user's cache while the department is unchanged.

Why (issue 18): the city's 汇总表 lists every project and every warning (10,000 rows and ~44,000 at 10,000
projects) and changes with every edit; rolling every department up again and laying every row out again cost ~3 s
of a one-edit build. A department's share of it (`rollup.CityPart`: its row on the departments sheet, its 合计, what
the notes say of it, its rows prepared for writing) depends only on what its 汇总表 is made of, whose digest the
build already has (api._RecordsView.department_keys: its files, their 涉密 and validity as decided, what they were
judged from, its 部门整体, the roster's entry, the rules, k). So each part is kept under that digest (a Shelf, one
shard per department: an edit rewrites its department's), and a build after one edit rolls up and lays out one
department. The bytes are those of the whole workbook written from the roll-ups (tests/test_build_records.py,
`test_the_city_rollup_keeps_each_unchanged_department_and_equals_cold_builds`).

A part read back is data, never trusted: anything not of its shape is a miss (the department is rolled up again),
and a number must read back as the very number it was, so nothing but a number lands in a number cell.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..cache import Shelf, Store, code_digest, digest
from ..evaluate import stream
from ..evaluate.monitor import Analysis
from ..form.model import Period
from . import paths, rollup, rollup_xml
from .rollup import CITY_FINDING_COLUMNS, CITY_PROJECT_COLUMNS, CityPart, Pending, ProjectLine, Sheet

SHELF = "rollup-city"
FORMAT = "city-part-2"


def _shown(columns: Sequence[tuple[str, str]], analysis: Analysis) -> list[tuple[str, str]]:
    return Sheet("", "", "", columns, [], form=rollup.form_in(analysis)).shown


def part_of(line: rollup.DepartmentLine, analysis: Analysis) -> CityPart:
    """A department's part, its rows prepared for the columns the city's sheets show."""
    roll = line.rollup
    projects = _shown(CITY_PROJECT_COLUMNS, analysis)
    findings = _shown(CITY_FINDING_COLUMNS, analysis)
    return dataclasses.replace(
        rollup.head_of(line),
        projects=tuple(rollup_xml.prepare(projects, row.values()) for row in roll.lines),
        findings=tuple(rollup_xml.prepare(findings, row) for row in rollup._finding_rows(roll.findings, analysis)),
    )


# --- a part as the cache keeps it -------------------------------------------------------------------------------

_LINE_FIELDS = [f.name for f in dataclasses.fields(ProjectLine) if f.name not in ("period", "known")]


def _line_row(line: ProjectLine) -> list[Any]:
    out: list[Any] = []
    for name in _LINE_FIELDS:
        value = getattr(line, name)
        if name == "amounts":
            value = stream._amounts_row(value)
        elif isinstance(value, frozenset | tuple):
            value = sorted(value) if isinstance(value, frozenset) else list(value)
        out.append(value)
    return out


def _line_of(row: Any, period: Period) -> ProjectLine:
    if not isinstance(row, list) or len(row) != len(_LINE_FIELDS):
        raise TypeError(row)
    given = dict(zip(_LINE_FIELDS, row, strict=True))
    for name in ("department_code", "department", "code", "name", "unit"):
        if not isinstance(given[name], str):
            raise TypeError(name)
    for name in ("red", "yellow", "blue", "indicators", "certain", "possible", "impossible", "projects", "reported"):
        if type(given[name]) is not int:
            raise TypeError(name)
    for name in ("figures_total", "incomplete", "ungraded"):
        if type(given[name]) is not int:
            raise TypeError(name)
    for name in ("withheld", "returned"):
        if not isinstance(given[name], bool):
            raise TypeError(name)
    if not (given["light"] is None or isinstance(given["light"], str)) or given["research"] not in (None, True, False):
        raise TypeError(row)
    given["amounts"] = stream._amounts(given["amounts"])
    given["rules"] = tuple(_strings(given["rules"]))
    given["excluded"] = frozenset(_strings(given["excluded"]))
    given["thin"] = frozenset(_strings(given["thin"]))
    return ProjectLine(period=period, **given)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(value)
    return value


def encode(part: CityPart) -> list[Any] | None:
    """A part as plain data (cache.dumps), or None when it cannot be kept (a 合计 holding its figures)."""
    if part.total is not None and part.total.known is not None:
        return None
    sigs: dict[Any, int] = {}

    def rows(prepared: Sequence[rollup_xml.Prepared]) -> list[Any]:
        out = []
        for lines, sig, cells in prepared:
            index = sigs.setdefault(sig, len(sigs))
            out.append([lines, index, list(cells)])
        return out

    projects, findings = rows(part.projects), rows(part.findings)
    table = [[[list(key), is_text] for key, is_text in sig] for sig in sigs]
    return [
        FORMAT,
        part.values,
        _line_row(part.total) if part.total is not None else None,
        part.withheld,
        part.confidential,
        sorted(part.thin),
        part.pool,
        part.note,
        part.lights,
        table,
        [len(projects), _json(projects)],  # the rows as text: decoded only while they are written (`Source`)
        [len(findings), _json(findings)],
    ]


def _json(rows: list[Any]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _style_key(key: Any) -> tuple[str, bool, str | None]:
    if not isinstance(key, list) or len(key) != 3:
        raise TypeError(key)
    kind, total, light = key
    if not isinstance(kind, str) or not isinstance(total, bool) or not (light is None or isinstance(light, str)):
        raise TypeError(key)
    return kind, total, light


def _prepared(rows: Any, sigs: list[tuple[tuple[Any, bool], ...]], width: int) -> tuple[rollup_xml.Prepared, ...]:
    out = []
    for lines, index, cells in rows:
        if type(lines) is not int or lines < 1 or type(index) is not int or not 0 <= index < len(sigs):
            raise TypeError(lines)
        sig = sigs[index]
        if len(cells) != width or len(sig) != width:
            raise TypeError(cells)
        for (_, is_text), cell in zip(sig, cells, strict=True):
            if not isinstance(cell, str):
                raise TypeError(cell)
            if not is_text and rollup_xml._number(float(cell)) != cell:  # a number, and nothing but one
                raise ValueError(cell)
        out.append((lines, sig, tuple(cells)))
    return tuple(out)


@dataclasses.dataclass
class Source:
    """A department's part with its rows on the city's two long sheets: in `head` itself, or as the cache keeps them
    (`kept`: each sheet's count and JSON text) and decoded only while they are written (`PartRows`). The city's
    ~57,000 rows at 10,000 projects, decoded, were the roll-up child's peak (~60 MiB beyond the text)."""

    head: CityPart
    sigs: list[tuple[tuple[Any, bool], ...]] = dataclasses.field(default_factory=list)
    kept: tuple[tuple[int, str], tuple[int, str]] | None = None

    def count(self, sheet: int) -> int:
        """How many rows the department has on the projects (0) or the warnings (1) sheet."""
        return self.kept[sheet][0] if self.kept is not None else len((self.head.projects, self.head.findings)[sheet])

    def rows(self, sheet: int, width: int) -> tuple[rollup_xml.Prepared, ...]:
        """Its rows on that sheet; TypeError/ValueError when the kept text is not what `encode` wrote."""
        if self.kept is None:
            return (self.head.projects, self.head.findings)[sheet]
        count, text = self.kept[sheet]
        rows = json.loads(text)
        if not isinstance(rows, list) or len(rows) != count:
            raise ValueError(count)
        return _prepared(rows, self.sigs, width)


class Damaged(Exception):
    """A department's kept rows were not what `encode` wrote (found while writing): it is rolled up again."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class PartRows:
    """One long sheet's rows (rollup.Sheet.prepared), department after department, each decoded as it is written."""

    def __init__(self, sources: list[Source], sheet: int, width: int) -> None:
        self.sources, self.sheet, self.width = sources, sheet, width

    def __len__(self) -> int:
        return sum(source.count(self.sheet) for source in self.sources)

    def __iter__(self) -> Iterator[rollup_xml.Prepared]:
        for index, source in enumerate(self.sources):
            try:
                rows = source.rows(self.sheet, self.width)
            except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError, RecursionError):
                raise Damaged(index) from None
            yield from rows


def _kept(value: Any) -> tuple[int, str]:
    count, text = value
    if type(count) is not int or count < 0 or not isinstance(text, str):
        raise TypeError(value)
    return count, text


def decode(value: Any, period: Period, analysis: Analysis) -> Source | None:
    """The part `encode` wrote, its rows left as text; None (a miss) for anything else."""
    try:
        fmt, values, total, withheld, confidential, thin, pool, note, lights, table, projects, findings = value
        if fmt != FORMAT or not isinstance(values, dict) or not isinstance(note, str) or not isinstance(lights, dict):
            return None
        if not isinstance(withheld, bool) or type(confidential) is not int or type(pool) is not int:
            return None
        if not all(isinstance(k, str) and type(n) is int for k, n in lights.items()):
            return None
        if not all(isinstance(k, str) and (v is None or isinstance(v, str | int | Decimal)) for k, v in values.items()):
            return None
        sigs = [tuple((_style_key(key), is_text is True) for key, is_text in sig) for sig in table]
        head = CityPart(
            values,
            _line_of(total, period) if total is not None else None,
            withheld,
            confidential,
            frozenset(_strings(thin)),
            pool,
            note,
            lights,
        )
        return Source(head, sigs, (_kept(projects), _kept(findings)))
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
        return None


def _rolled(item: Pending, period: Period, analysis: Analysis, shelf: Shelf | None, *, as_text: bool = True) -> Source:
    """The department rolled up: its part kept in the cache (with a key), and given as kept, its rows as text
    (`as_text` False: its rows as made, which cannot prove damaged)."""
    part = part_of(item.line, analysis)
    encoded = encode(part) if shelf is not None and item.key is not None else None
    if shelf is None or item.key is None or encoded is None:
        return Source(part)
    shelf.put(_name(period, item), item.key, encoded)
    return (decode(encoded, period, analysis) if as_text else None) or Source(part)


# --- the city's 汇总表 ---------------------------------------------------------------------------------------------


def _name(period: Period, item: Pending) -> str:
    return f"{period.key}/{item.code}/city"  # one shard per department (cache.Shelf: by folder)


def write_city(
    build: Path,
    analysis: Analysis,
    pending: Sequence[tuple[Period, Sequence[Pending]]],
    store: Store | None = None,
    memo: bool = True,
    each: Callable[[Period, Pending], None] | None = None,
) -> list[Path]:
    """rollup.write_city from `pending` (rollup.records_pending, with their keys): each department's part from the
    cache when its key is the one kept (`memo`), else rolled up and kept; returns the files (re)written. `each` is
    given every department once its part is taken (`docgen build` writes its 汇总表 then: rollup.Departments)."""
    store = store or Store(build.parent)
    names = [_name(period, item) for period, items in pending for item in items if item.key is not None]
    shelf: Shelf | None = store.shelf(SHELF, names) if memo else None
    keys = rollup._Keys(build, "city", store)
    written = []
    pool = rollup.pool_size(analysis)
    for period, items in pending:
        sources: list[Source] = []
        inputs = []
        for item in items:
            source = None
            if shelf is not None and item.key is not None:
                kept = shelf.get(_name(period, item), item.key)
                source = decode(kept, period, analysis) if kept is not None else None
            if source is None:
                source = _rolled(item, period, analysis, shelf)
            sources.append(source)
            inputs.append(item.key if item.key is not None else repr(source.head))
            if each is not None:
                each(period, item)
        heads = [source.head for source in sources]
        total = rollup.city_total(heads, pool)
        sheets = rollup.parts_sheets(period, heads, total, analysis, [], [])
        for sheet in (1, 2):  # the all-projects and warnings sheets: their rows decoded department by department
            sheets[sheet] = dataclasses.replace(sheets[sheet], prepared=PartRows(sources, sheet - 1, len(sheets[sheet].shown)))
        target = paths.city_rollup(build, period, rollup.form_in(analysis).area)
        key = digest(code_digest(), "parts", repr([dataclasses.replace(s, prepared=None) for s in sheets]), *inputs)
        while True:
            try:
                changed = keys.write(target, sheets, key)
            except Damaged as damaged:  # a part read back is never trusted: that department is rolled up again
                item = items[damaged.index]
                sources[damaged.index] = _rolled(item, period, analysis, shelf, as_text=False)  # once: its rows as made
                item.forget()
                continue
            except rollup_xml.Markup:  # a text XlsxWriter takes for rich text: the whole workbook by XlsxWriter
                city = rollup.CityRollup(period, tuple(item.line for item in items), total)
                changed = keys.write(target, rollup.city_sheets(city, analysis), key)
            break
        if changed:
            written.append(target)
    keys.save()
    if shelf is not None:
        shelf.save()
    return written
