"""The city's 汇总表 from its departments' parts, each kept in the user's cache while the department is unchanged.

Why (issue 18): the city's 汇总表 lists every project and every warning (10,000 rows and ~44,000 at 10,000
projects) and changes with every edit; rolling every department up again and laying every row out again cost ~3 s
of a one-edit build. A department's share of it (`Source`: its row on the departments sheet, its 合计, what the notes
say of it, its rows on the two long sheets as written and compressed, rollup_xml.Piece) depends only on what its
汇总表 is made of, whose digest the build already has (api._RecordsView.department_keys: its files, their 涉密 and
validity as decided, what they were judged from, its 部门整体, the roster's entry, the rules, k). So each part is
kept under that digest (a Shelf, one shard per department: an edit rewrites its department's), and a build after
one edit rolls up and writes the rows of one department; the others' are spliced in as kept. The bytes are those
of a cold build (tests/test_build_records.py,
`test_the_city_rollup_keeps_each_unchanged_department_and_equals_cold_builds`).

A part read back is data, never trusted: anything not of its shape is a miss (the department is rolled up again),
and a piece whose bytes are not those its seal (Piece.check) was made for is never spliced in.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..cache import Shelf, Store, code_digest, digest
from ..evaluate import stream
from ..evaluate.monitor import Analysis
from ..form.model import Period
from . import paths, rollup, rollup_xml
from .rollup import (
    CITY_FINDING_COLUMNS,
    CITY_PROJECT_COLUMNS,
    FINDING_COLUMNS,
    PROJECT_COLUMNS,
    CityPart,
    Laid,
    Pending,
    ProjectLine,
    Sheet,
)

SHELF = "rollup-city"
FORMAT = "city-part-3"


def _shown(columns: Sequence[tuple[str, str]], analysis: Analysis) -> list[tuple[str, str]]:
    return Sheet("", "", "", columns, [], form=rollup.form_in(analysis)).shown


@dataclasses.dataclass(frozen=True)
class Source:
    """A department's part: its share besides its rows (`head`) and its rows on the all-projects and warnings sheets
    as written (rollup_xml.Piece), all the city's writer reads of it."""

    head: CityPart
    pieces: tuple[rollup_xml.Piece, rollup_xml.Piece]


def lay(roll: rollup.DepartmentRollup, analysis: Analysis) -> Laid:
    """A department's rows on its 汇总表's project and warning sheets, made ready to write (rollup.Laid)."""
    projects = [line.values() for line in roll.lines]
    findings = rollup._finding_rows(roll.findings, analysis)
    ready = (
        list(map(rollup_xml.Preparer(_shown(PROJECT_COLUMNS, analysis)), projects)),
        list(map(rollup_xml.Preparer(_shown(FINDING_COLUMNS, analysis)), findings)),
    )
    return Laid(projects, findings, ready)


def part_of(line: rollup.DepartmentLine, analysis: Analysis, laid: Laid | None = None) -> Source:
    """A department's part, its rows written for the columns the city's sheets show: its 汇总表's rows (`laid`, laid
    out here when not given) with the department's code and name put first."""
    laid = laid or lay(line.rollup, analysis)
    projects = len(_shown(CITY_PROJECT_COLUMNS, analysis))
    findings = len(_shown(CITY_FINDING_COLUMNS, analysis))
    return Source(
        rollup.head_of(line),
        (
            rollup_xml.piece(rollup_xml.widened(CITY_PROJECT_COLUMNS[:2], laid.projects, laid.ready[0]), projects),
            rollup_xml.piece(rollup_xml.widened(CITY_FINDING_COLUMNS[:1], laid.findings, laid.ready[1]), findings),
        ),
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


def _piece_row(piece: rollup_xml.Piece) -> list[Any]:
    return [piece.rows, piece.width, piece.crc, piece.size, base64.b64encode(piece.deflated).decode("ascii"), piece.check()]


def _piece_of(row: Any, width: int) -> rollup_xml.Piece:
    rows, width_, crc, size, deflated, check = row
    if not all(type(n) is int and n >= 0 for n in (rows, crc, size)) or width_ != width or not isinstance(deflated, str):
        raise TypeError(row)
    piece = rollup_xml.Piece(rows, width, crc, size, base64.b64decode(deflated, validate=True))
    if piece.check() != check:  # damaged: its XML is never spliced in
        raise ValueError(check)
    return piece


def encode(source: Source) -> list[Any] | None:
    """A part as plain data (cache.dumps), or None when it cannot be kept (a 合计 holding its figures)."""
    part = source.head
    if part.total is not None and part.total.known is not None:
        return None
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
        [_piece_row(piece) for piece in source.pieces],
    ]


def decode(value: Any, period: Period, widths: tuple[int, int]) -> Source | None:
    """The part `encode` wrote, for sheets of these `widths`; None (a miss) for anything else."""
    try:
        fmt, values, total, withheld, confidential, thin, pool, note, lights, (projects, findings) = value
        if fmt != FORMAT or not isinstance(values, dict) or not isinstance(note, str) or not isinstance(lights, dict):
            return None
        if not isinstance(withheld, bool) or type(confidential) is not int or type(pool) is not int:
            return None
        if not all(isinstance(k, str) and type(n) is int for k, n in lights.items()):
            return None
        if not all(isinstance(k, str) and (v is None or isinstance(v, str | int | Decimal)) for k, v in values.items()):
            return None
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
        return Source(head, (_piece_of(projects, widths[0]), _piece_of(findings, widths[1])))
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError, binascii.Error):
        return None


def _rolled(item: Pending, period: Period, analysis: Analysis, shelf: Shelf | None) -> tuple[Source, Laid]:
    """The department rolled up, its part kept in the cache (with a key), and its rows as laid out for it."""
    laid = lay(item.line.rollup, analysis)
    source = part_of(item.line, analysis, laid)
    encoded = encode(source) if shelf is not None and item.key is not None else None
    if shelf is not None and item.key is not None and encoded is not None:
        shelf.put(_name(period, item), item.key, encoded)
    return source, laid


# --- the city's 汇总表 ---------------------------------------------------------------------------------------------


def sheets_of(period: Period, sources: Sequence[Source], total: ProjectLine | None, analysis: Analysis) -> list[Sheet]:
    """The city's sheets from its departments' parts (`total`: its 合计), the long sheets' rows as their pieces."""
    sheets = rollup.parts_sheets(period, [source.head for source in sources], total, analysis, [], [])
    for sheet in (1, 2):  # the all-projects and warnings sheets: each department's rows as written
        pieces = rollup_xml.Pieces(tuple(source.pieces[sheet - 1] for source in sources))
        sheets[sheet] = dataclasses.replace(sheets[sheet], prepared=pieces)
    return sheets


def _name(period: Period, item: Pending) -> str:
    return f"{period.key}/{item.code}/city"  # one shard per department (cache.Shelf: by folder)


def write_city(
    build: Path,
    analysis: Analysis,
    pending: Sequence[tuple[Period, Sequence[Pending]]],
    store: Store | None = None,
    memo: bool = True,
    each: Callable[[Period, Pending, Laid | None], None] | None = None,
) -> list[Path]:
    """rollup.write_city from `pending` (rollup.records_pending, with their keys): each department's part from the
    cache when its key is the one kept (`memo`), else rolled up and kept; returns the files (re)written. `each` is
    given every department once its part is taken, with its rows when they were laid out for it (`docgen build`
    writes its 汇总表 then: rollup.Departments)."""
    store = store or Store(build.parent)
    names = [_name(period, item) for period, items in pending for item in items if item.key is not None]
    shelf: Shelf | None = store.shelf(SHELF, names) if memo else None
    keys = rollup._Keys(build, "city", store)
    written = []
    pool = rollup.pool_size(analysis)
    widths = (len(_shown(CITY_PROJECT_COLUMNS, analysis)), len(_shown(CITY_FINDING_COLUMNS, analysis)))
    for period, items in pending:
        sources: list[Source] = []
        inputs = []
        for item in items:
            source, laid = None, None
            if shelf is not None and item.key is not None:
                kept = shelf.get(_name(period, item), item.key)
                source = decode(kept, period, widths) if kept is not None else None
            if source is None:
                source, laid = _rolled(item, period, analysis, shelf)
            sources.append(source)
            inputs.append(item.key if item.key is not None else repr((source.head, [piece.check() for piece in source.pieces])))
            if each is not None:
                each(period, item, laid)
        total = rollup.city_total([source.head for source in sources], pool)
        sheets = sheets_of(period, sources, total, analysis)
        target = paths.city_rollup(build, period, rollup.form_in(analysis).area)
        key = digest(code_digest(), "parts", repr([dataclasses.replace(s, prepared=None) for s in sheets]), *inputs)
        try:
            changed = keys.write(target, sheets, key)
        except rollup_xml.Markup:  # a text XlsxWriter takes for rich text: the whole workbook by XlsxWriter
            city = rollup.CityRollup(period, tuple(item.line for item in items), total)
            changed = keys.write(target, rollup.city_value_sheets(city, analysis), key)
        if changed:
            written.append(target)
    keys.save()
    if shelf is not None:
        shelf.save()
    return written
