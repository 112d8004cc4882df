"""Federation (issue 18, item 4): an upper level (a province, or a city over its counties) rolls up the published
results of lower levels from their `docgen export --format sqlite|csv`, never from their raw files.

Why from the export: it is what a lower level publishes to analysts, with the 涉密 rules already applied at the
source (tooling/tabular.py: no 涉密 project leaves, a 部门整体 that would reveal one keeps no figure, no table sums
over projects), so the upper level never holds what it may not hold. The export names itself in its metadata table
(region, level, profile, period, when, docgen version, and `confidential_rules = applied`); an export without it is
refused, and so is one with anything marked 涉密 in it.

Every export comes from another repository, so it is hostile input: bounded sizes and row counts, only the known
tables read (SQLite opened read-only by URI, no ATTACH, no extension, `trusted_schema` off, an authorizer that
allows reading these tables and nothing else, a step budget), every column's name, declared type and value checked,
and every name escaped by construction where it is written (Markdown, HTML, the workbook's XML, JSON).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import sqlite3
import stat
import urllib.parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import __version__, escape, output
from . import messages as M
from .errors import DocgenError, UsageError
from .evaluate import figures as compute
from .form.forms import Profile
from .form.model import Period
from .render import dates
from .tooling import tabular

FORMAT = "docgen-federation"
VERSION = 1
MAX_SOURCES = 200  # a province's counties and districts: about a hundred
MAX_SQLITE_BYTES = 512 << 20  # an export of 100,000 projects is ~100 MiB
MAX_CSV_BYTES = 256 << 20  # one table's CSV file
MAX_ROWS = 2_000_000  # rows of one table: indicators of 100,000 projects
MAX_TEXT = 2_000  # characters of one text value (names, paths, indicator texts)
MAX_REGION = 40
MAX_NUMBER = 1e15  # 万元 or %: far beyond any budget, and within what a Decimal sum of two million rows holds exactly
SQLITE_STEPS = 50_000  # progress-handler calls of SQLITE_STEP virtual-machine steps each: reading, never a query bomb
SQLITE_STEP = 10_000
SHOWN = 40  # characters of a hostile value quoted in a message
LIGHTS = ("red", "yellow", "blue", "green", "grey")
KINDS = ("project", "department")
SECRET_WORD = "涉密"
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_REAL = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,18})?([eE][-+]?[0-9]{1,3})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SQLITE_MAGIC = b"SQLite format 3\x00"

#: The tables a merge reads, with their columns as tabular.py declares them: the one description of the format.
READ = ("metadata", "periods", "submissions", "figures", "indicators")
_TABLES = {t.name: t for t in tabular.TABLES if t.name in READ}
OUTPUTS = ("summary.json", "汇总表.xlsx", "汇总.md", "index.html")


class FederationError(DocgenError):
    """An export an upper level cannot roll up: absent, too large, malformed, unsigned by the 涉密 rules, or with 涉密
    content. Nothing is written (exit 1)."""

    exit_code = 1


# --- the export's side: the metadata row ------------------------------------------------------------------------


def checked_region(region: str) -> str:
    """A region's name for the metadata table (「平鲁区」), "" when not given; a name with control characters or
    over MAX_REGION characters is a usage error (E836)."""
    region = region.strip()
    if len(region) > MAX_REGION or _CONTROL.search(region):
        raise UsageError(M.message("E836", region=_quoted(region), most=MAX_REGION))
    return region


def export_metadata(profile: Profile, region: str, period: str | None, pool: int) -> dict[str, Any]:
    """The export's metadata row: who and what (region, level, profile, period), when, by which docgen, and that the
    涉密 rules were applied while writing (tabular.collect applies them; this row is how an upper level knows)."""
    given = dates.epoch()
    when = dates.document_date(None) if given else datetime.now(UTC).replace(microsecond=0)
    return {
        "region": region,
        "level": profile.level,
        "profile": profile.id,
        "period": period,
        "generated_at": when.isoformat(),
        "docgen_version": __version__,
        "format_version": tabular.FORMAT_VERSION,
        "confidential_rules": tabular.CONFIDENTIAL_APPLIED,
        "pool": pool,
    }


# --- reading an export, as hostile input ----------------------------------------------------------------------


def _quoted(value: object) -> str:
    """A hostile value for a message: at most SHOWN characters, control characters (a terminal's escapes) as \\uXXXX."""
    text = str(value)
    short = text[:SHOWN] + ("…" if len(text) > SHOWN else "")
    return _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", short)


Located = tuple[str, dict[str, Any]]  # (where: 「a.sqlite 表 submissions 第 3 行」 or 「csv/submissions.csv:4」, values)


def _secret_name(name: str) -> bool:
    return SECRET_WORD in name or name.lower() in ("confidential", "secret", "is_confidential")


def _schema_text(value: object) -> str:
    """A name from SQLite's schema (read as bytes): decoded, invalid bytes replaced, so any mismatch is a message."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _typed(table: tabular.Table, column: tabular.Column, value: Any, where: str) -> Any:
    """A value of the declared type (a text bounded), or E825 naming where and what was expected."""
    if isinstance(value, bytes):  # SQLite's texts (and blobs) arrive as bytes: strict UTF-8, then typed as any text
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise FederationError(
                M.message(
                    "E825",
                    where=where,
                    column=column.name,
                    value=_quoted(value[:SHOWN].decode("utf-8", "replace")),
                    expected=_expected(column),
                )
            ) from None
    if value is None:
        if column.required or column.primary:  # a key is never NULL in a genuine export
            raise FederationError(
                M.message("E825", where=where, column=column.name, value="", expected=_expected(column) + M.label("federation_required"))
            )
        return None
    if column.type == tabular.TEXT and isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    if column.type == tabular.INTEGER and type(value) is int:
        return value
    if column.type == tabular.REAL and type(value) in (int, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER:
        return float(value)
    raise FederationError(M.message("E825", where=where, column=column.name, value=_quoted(value), expected=_expected(column)))


def _expected(column: tabular.Column) -> str:
    if column.type == tabular.TEXT:
        return M.label("federation_text", most=MAX_TEXT)
    if column.type == tabular.INTEGER:
        return M.label("federation_integer")
    return M.label("federation_real", most=f"{MAX_NUMBER:.0e}")


def _check_columns(table: tabular.Table, found: list[str], where: str, types: list[str] | None = None) -> None:
    """The columns, in order, exactly as declared (a column marked 涉密 first: E828, else E824)."""
    for name in found:
        if _secret_name(name):
            raise FederationError(
                M.message("E828", where=where, detail=M.label("federation_confidential_column", table=table.name, column=_quoted(name)))
            )
    wanted = table.names
    if found != wanted:
        missing = [n for n in wanted if n not in found]
        extra = [n for n in found if n not in wanted]
        if missing:
            detail = M.label("federation_missing_columns", columns="、".join(missing))
        elif extra:
            detail = M.label("federation_extra_columns", columns="、".join(_quoted(n) for n in extra))
        else:
            detail = M.label("federation_column_order", columns="、".join(wanted))
        raise FederationError(M.message("E824", where=where, table=table.name, detail=detail))
    for column, declared in zip(table.columns, types or [], strict=False):
        if declared.upper() != column.type:
            detail = M.label("federation_declared_type", column=column.name, found=_quoted(declared), expected=column.type)
            raise FederationError(M.message("E824", where=where, table=table.name, detail=detail))


def _regular(path: Path, shown: str) -> os.stat_result:
    """lstat of a regular file or folder that is not a link (E820 otherwise)."""
    try:
        info = path.lstat()
    except OSError:
        raise FederationError(M.message("E820", where=shown)) from None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        raise FederationError(M.message("E820", where=shown))
    return info


def _size(most: int) -> str:
    return f"{most >> 20} MiB" if most >= 1 << 20 else f"{most >> 10} KiB"


def _absent(table: str, shown: str) -> FederationError:
    """A table the export lacks (E823); without the metadata table nothing says the 涉密 rules were applied (E826)."""
    if table == "metadata":
        return FederationError(M.message("E826", where=shown, detail=M.label("federation_no_metadata")))
    return FederationError(M.message("E823", where=shown, table=table))


_ALLOWED_PRAGMAS = {"table_info"}


def _read_sqlite(path: Path, shown: str, size: int) -> dict[str, list[Located]]:
    """The known tables of a SQLite export, read-only: `mode=ro` URI, no ATTACH (limit 0) and no extension, schema
    objects untrusted, an authorizer that lets only these tables (and the schema) be read, and a step budget."""
    if size > MAX_SQLITE_BYTES:
        raise FederationError(
            M.message("E821", where=shown, detail=M.label("federation_too_large", file=shown, most=_size(MAX_SQLITE_BYTES)))
        )
    with path.open("rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise FederationError(M.message("E822", where=shown, detail=M.label("federation_not_sqlite")))
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    steps = [0]

    def budget() -> int:
        steps[0] += 1
        return 1 if steps[0] > SQLITE_STEPS else 0

    readable = {*READ, "sqlite_master", "sqlite_schema"}

    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        if action == sqlite3.SQLITE_SELECT:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and arg1 in readable:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg1 in _ALLOWED_PRAGMAS and arg2 in READ:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise FederationError(M.message("E822", where=shown, detail=M.label("federation_sqlite_broken", detail=_quoted(exc)))) from None
    try:
        db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_TEXT * 4 + 64)
        if hasattr(db, "enable_load_extension"):
            db.enable_load_extension(False)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA query_only = ON")
        db.set_authorizer(authorize)
        db.set_progress_handler(budget, SQLITE_STEP)
        db.text_factory = bytes  # texts decoded here, strictly: invalid UTF-8 is a located message, not a traceback
        kinds = {_schema_text(name): _schema_text(kind) for kind, name in db.execute("SELECT type, name FROM sqlite_master")}
        for name in kinds:
            if SECRET_WORD in str(name):
                detail = M.label("federation_confidential_column", table=_quoted(name), column="")
                raise FederationError(M.message("E828", where=shown, detail=detail))
        tables: dict[str, list[Located]] = {}
        for name in READ:
            table = _TABLES[name]
            if name not in kinds:
                raise _absent(name, shown)
            if kinds[name] != "table":
                detail = M.label("federation_not_table", table=name)
                raise FederationError(M.message("E824", where=shown, table=name, detail=detail))
            info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
            _check_columns(table, [_schema_text(r[1]) for r in info], shown, [_schema_text(r[2]) for r in info])
            columns = ", ".join(f'"{c}"' for c in table.names)
            cursor = db.execute(f'SELECT {columns} FROM "{name}"')
            rows: list[Located] = []
            while batch := cursor.fetchmany(10_000):
                if len(rows) + len(batch) > MAX_ROWS:
                    raise FederationError(M.message("E834", where=shown, table=name, most=MAX_ROWS))
                for values in batch:
                    where = f"{shown} 表 {name} 第 {len(rows) + 1} 行"
                    typed = {c.name: _typed(table, c, v, where) for c, v in zip(table.columns, values, strict=True)}
                    rows.append((where, typed))
            tables[name] = rows
        return tables
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # the latter: SQLite's message quoting a corrupted schema
        raise FederationError(M.message("E822", where=shown, detail=M.label("federation_sqlite_broken", detail=_quoted(exc)))) from None
    finally:
        db.close()


def _csv_value(column: tabular.Column, text: str, where: str) -> Any:
    """A CSV cell as the declared type: "" is NULL (a required text keeps ""), the «'» tabular put before a
    formula-like text taken off again, numbers by a bounded pattern (never Python's int() of a 5,000-digit string)."""
    if text == "":
        return "" if column.required and column.type == tabular.TEXT else None
    if column.type == tabular.TEXT:
        if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
            text = text[1:]
        return text
    pattern = _INTEGER if column.type == tabular.INTEGER else _REAL
    if not pattern.fullmatch(text):
        raise FederationError(M.message("E825", where=where, column=column.name, value=_quoted(text), expected=_expected(column)))
    return int(text) if column.type == tabular.INTEGER else float(text)


def _read_csv(folder: Path, shown: str) -> dict[str, list[Located]]:
    """The known tables of a CSV export folder (one UTF-8 file per table, header row first), each file bounded."""
    names = sorted(os.listdir(folder))
    for name in names:
        if SECRET_WORD in name:
            detail = M.label("federation_confidential_column", table=_quoted(name), column="")
            raise FederationError(M.message("E828", where=shown, detail=detail))
    tables: dict[str, list[Located]] = {}
    for name in READ:
        table = _TABLES[name]
        path = folder / f"{name}.csv"
        file_shown = f"{shown.rstrip('/')}/{name}.csv"
        if not os.path.lexists(path):
            raise _absent(name, shown)
        info = _regular(path, file_shown)
        if not stat.S_ISREG(info.st_mode):
            raise FederationError(M.message("E820", where=file_shown))
        if info.st_size > MAX_CSV_BYTES:
            detail = M.label("federation_too_large", file=file_shown, most=_size(MAX_CSV_BYTES))
            raise FederationError(M.message("E821", where=shown, detail=detail))
        with path.open("rb") as f:
            raw = f.read(MAX_CSV_BYTES + 1)
        try:
            text = raw.decode(tabular.CSV_ENCODING)
        except UnicodeDecodeError:
            raise FederationError(M.message("E822", where=shown, detail=M.label("federation_not_utf8", file=file_shown))) from None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[Located] = []
        try:
            header = next(reader, [])
            _check_columns(table, header, file_shown)
            for record in reader:
                where = f"{file_shown}:{reader.line_num}"
                if len(rows) >= MAX_ROWS:
                    raise FederationError(M.message("E834", where=shown, table=name, most=MAX_ROWS))
                if len(record) != len(header):
                    detail = M.label("federation_csv_width", line=reader.line_num, found=len(record), expected=len(header))
                    raise FederationError(M.message("E824", where=file_shown, table=name, detail=detail))
                values = {
                    c.name: _typed(table, c, _csv_value(c, cell, where), where) for c, cell in zip(table.columns, record, strict=True)
                }
                rows.append((where, values))
        except csv.Error as exc:
            detail = M.label("federation_csv_broken", file=file_shown, line=reader.line_num, detail=_quoted(exc))
            raise FederationError(M.message("E822", where=shown, detail=detail)) from None
        tables[name] = rows
    return tables


@dataclass(frozen=True)
class Submission:
    """One exported submission as the roll-up needs it: where it is, what it is, its light, lateness and totals."""

    period: str
    kind: str
    department_code: str
    department: str
    code: str
    name: str
    light: str | None
    late_days: int | None
    withheld: bool
    subtotal: Decimal | None = None  # 安排数 of its first budget table's 资金总额 row
    spent: Decimal | None = None


@dataclass(frozen=True)
class Source:
    """One lower level's export, checked: its metadata, its periods' 序时进度, its submissions."""

    shown: str
    sha256: str
    region: str
    level: str
    profile: str
    period: str | None
    generated_at: str
    docgen_version: str
    time_progress: dict[str, Decimal]
    submissions: tuple[Submission, ...]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    files = [path] if path.is_file() else [path / f"{name}.csv" for name in READ]
    for one in files:
        h.update(one.name.encode("utf-8") + b"\0")
        with one.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _decimal(value: float | None) -> Decimal | None:
    """An exported REAL (rounded to two decimals by evaluate/figures.py at the source) as the Decimal it was."""
    return None if value is None else Decimal(repr(value)).quantize(compute.CENT)


def read(path: Path, shown: str) -> Source:
    """One export (a SQLite file or a CSV folder) read and checked, or a FederationError naming where and what."""
    info = _regular(path, shown)
    tables = _read_csv(path, shown) if stat.S_ISDIR(info.st_mode) else _read_sqlite(path, shown, info.st_size)
    meta = _metadata(tables["metadata"], shown)
    periods: dict[str, Decimal] = {}
    for where, row in tables["periods"]:
        if not _PERIOD.fullmatch(row["period"]) or row["period"] in periods:
            raise FederationError(
                M.message("E831", where=where, column="period", value=_quoted(row["period"]), detail=M.label("federation_period"))
            )
        periods[row["period"]] = _decimal(row["time_progress"]) or Decimal(0)
    subs: dict[int, tuple[str, dict[str, Any]]] = {}
    for where, row in tables["submissions"]:
        _check_submission(where, row, periods, subs)
        subs[row["id"]] = (where, row)
    totals: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    counted: Counter[tuple[str, int]] = Counter()
    for name in ("figures", "indicators"):
        for where, row in tables[name]:
            sid = row["submission_id"]
            if sid not in subs:
                raise FederationError(M.message("E832", where=where, column="submission_id", value=sid, table="submissions"))
            counted[name, sid] += 1
            if name == "figures" and row["position"] == 0 and sid not in totals:  # the first table's 资金总额
                totals[sid] = (_decimal(row["subtotal"]), _decimal(row["spent"]))
    for sid, (where, row) in subs.items():
        for name in ("figures", "indicators"):
            if row["withheld"] and counted[name, sid]:
                what = M.label("federation_figures" if name == "figures" else "federation_indicators")
                detail = M.label(
                    "federation_withheld_figures", code=_quoted(row["code"]), period=row["period"], count=counted[name, sid], what=what
                )
                raise FederationError(M.message("E828", where=where, detail=detail))
    submissions = tuple(
        Submission(
            period=row["period"],
            kind=row["kind"],
            department_code=row["department_code"],
            department=row["department"] or "",
            code=row["code"],
            name=row["name"] or "",
            light=row["light"],
            late_days=row["late_days"],
            withheld=bool(row["withheld"]),
            subtotal=totals.get(sid, (None, None))[0],
            spent=totals.get(sid, (None, None))[1],
        )
        for sid, (_, row) in subs.items()
    )
    return Source(
        shown=shown,
        sha256=_digest(path),
        region=meta["region"],
        level=meta["level"],
        profile=meta["profile"],
        period=meta["period"],
        generated_at=meta["generated_at"],
        docgen_version=meta["docgen_version"],
        time_progress=periods,
        submissions=submissions,
    )


def _metadata(rows: list[Located], shown: str) -> dict[str, Any]:
    """The one metadata row, saying the 涉密 rules were applied (E826, E827, E829 otherwise)."""
    if len(rows) != 1:
        detail = M.label("federation_no_metadata") if not rows else M.label("federation_metadata_rows", count=len(rows))
        raise FederationError(M.message("E826", where=shown, detail=detail))
    where, meta = rows[0]
    if meta["format_version"] != tabular.FORMAT_VERSION:
        raise FederationError(M.message("E829", where=where, found=_quoted(meta["format_version"]), expected=tabular.FORMAT_VERSION))
    if meta["confidential_rules"] != tabular.CONFIDENTIAL_APPLIED:
        raise FederationError(M.message("E827", where=where, value=_quoted(meta["confidential_rules"])))
    if not meta["region"].strip():
        raise FederationError(M.message("E826", where=where, detail=M.label("federation_no_region")))
    for key in ("region", "level", "profile"):
        if len(meta[key]) > MAX_REGION * 2 or _CONTROL.search(meta[key]):
            detail = M.label("federation_text", most=MAX_REGION * 2)
            raise FederationError(M.message("E831", where=where, column=key, value=_quoted(meta[key]), detail=detail))
    if meta["period"] is not None and not _PERIOD.fullmatch(meta["period"]):
        raise FederationError(
            M.message("E831", where=where, column="period", value=_quoted(meta["period"]), detail=M.label("federation_period"))
        )
    return meta


def _check_submission(where: str, row: dict[str, Any], periods: dict[str, Decimal], seen: dict[int, Any]) -> None:
    """One submissions row in range (E831), of a known period (E832), and with nothing marked 涉密 (E828)."""

    def bad(column: str, detail: str) -> FederationError:
        return FederationError(M.message("E831", where=where, column=column, value=_quoted(row[column]), detail=detail))

    if row["id"] in seen:
        raise bad("id", M.label("federation_duplicate_id"))
    if row["period"] not in periods:
        raise FederationError(M.message("E832", where=where, column="period", value=_quoted(row["period"]), table="periods"))
    for column, allowed in (("kind", KINDS), ("light", (*LIGHTS, None)), ("valid", (0, 1)), ("withheld", (0, 1))):
        if row[column] not in allowed:
            raise bad(column, M.label("federation_one_of", allowed="、".join(str(a) for a in allowed if a is not None)))
    for column in ("late_days", "reported_items", "total_items"):
        if row[column] is not None and row[column] < 0:
            raise bad(column, M.label("federation_not_negative"))
    for column in ("department_code", "department", "code", "name", "unit", "path"):
        if SECRET_WORD in (row[column] or ""):
            detail = M.label("federation_confidential_text", column=column)
            raise FederationError(M.message("E828", where=where, detail=detail))


def read_all(paths: Iterable[tuple[Path, str]]) -> list[Source]:
    """Every export, checked, and no two of the same region and period (E830); at most MAX_SOURCES (E837)."""
    given = list(paths)
    if len(given) > MAX_SOURCES:
        raise UsageError(M.message("E837", most=MAX_SOURCES, count=len(given)))
    sources = [read(path, shown) for path, shown in given]
    seen: dict[tuple[str, str], Source] = {}
    for source in sources:
        for period in sorted({s.period for s in source.submissions} | set(source.time_progress)):
            key = (source.region, period)
            if key in seen:
                raise FederationError(M.message("E830", a=seen[key].shown, b=source.shown, region=source.region, period=period))
            seen[key] = source
    return sources


# --- the roll-up ----------------------------------------------------------------------------------------------


@dataclass
class Totals:
    """Counts and sums over public projects (a 涉密 one never reached the export): 安排数, 支出数, lights, late."""

    projects: int = 0
    subtotal: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    unfigured: int = 0  # projects without a 资金总额 (invalid, or the figure 「未填报」)
    lights: Counter[str] = field(default_factory=Counter)

    def add(self, sub: Submission) -> None:
        self.projects += 1
        if sub.subtotal is None or sub.spent is None:
            self.unfigured += 1
        else:
            self.subtotal += sub.subtotal
            self.spent += sub.spent
        self.lights[sub.light or "none"] += 1

    def merge(self, other: Totals) -> None:
        self.projects += other.projects
        self.subtotal += other.subtotal
        self.spent += other.spent
        self.unfigured += other.unfigured
        self.lights.update(other.lights)

    @property
    def progress(self) -> Decimal | None:
        """支出进度 = 支出数 ÷ 安排数, rounded once as every ratio (evaluate/figures.py)."""
        return compute.rate(self.spent, self.subtotal)

    def as_json(self) -> dict[str, Any]:
        progress = self.progress
        return {
            "projects": self.projects,
            "subtotal": float(self.subtotal),
            "spent": float(self.spent),
            "spend_progress": None if progress is None else float(progress),
            "unfigured": self.unfigured,
            "lights": {k: self.lights[k] for k in (*LIGHTS, "none") if self.lights[k]},
        }


@dataclass
class DepartmentRollup:
    """One department of one region: its public projects' totals and its 部门整体's light (withheld or not)."""

    code: str
    name: str = ""
    light: str | None = None  # the 部门整体's (附件3) light
    withheld: bool = False
    totals: Totals = field(default_factory=Totals)


@dataclass
class RegionRollup:
    """One region (one export) in one period: its departments by code, and their totals."""

    region: str
    level: str
    source: str
    departments: dict[str, DepartmentRollup] = field(default_factory=dict)
    totals: Totals = field(default_factory=Totals)


@dataclass
class PeriodRollup:
    """One period over every region: regions by name, the grand totals, and the red and late lists."""

    period: str
    time_progress: Decimal
    regions: list[RegionRollup] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    red: list[tuple[str, Submission]] = field(default_factory=list)  # (region, submission)
    late: list[tuple[str, Submission]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # regions of other periods' exports without this period

    @property
    def warnings(self) -> list[str]:
        """W820 when some regions have no data for this period: its totals are not the whole jurisdiction's."""
        if not self.missing:
            return []
        return [M.message("W820", period=self.period, regions="、".join(self.missing), count=len(self.missing))]


def roll_up(sources: list[Source]) -> list[PeriodRollup]:
    """Per period, region (by name) and department (by code): counts, sums, 支出进度 and lights of the public
    projects, each department's 部门整体 light, and the red and late lists."""
    periods: dict[str, PeriodRollup] = {}
    for source in sorted(sources, key=lambda s: s.region):
        for key in sorted({s.period for s in source.submissions}):
            period = periods.setdefault(key, PeriodRollup(key, source.time_progress[key]))
            region = RegionRollup(source.region, source.level, Path(source.shown).name)
            for sub in sorted((s for s in source.submissions if s.period == key), key=lambda s: (s.department_code, s.kind, s.code)):
                dept = region.departments.setdefault(sub.department_code, DepartmentRollup(sub.department_code))
                dept.name = dept.name or sub.department
                if sub.kind == "department":
                    dept.light, dept.withheld = sub.light, sub.withheld
                else:
                    dept.totals.add(sub)
                if sub.light == "red":
                    period.red.append((source.region, sub))
                if sub.late_days:
                    period.late.append((source.region, sub))
            for dept in region.departments.values():
                region.totals.merge(dept.totals)
            period.totals.merge(region.totals)
            period.regions.append(region)
    for period in periods.values():
        period.late.sort(key=lambda rs: (-(rs[1].late_days or 0), rs[0], rs[1].code))
        present = {r.region for r in period.regions}
        period.missing = sorted({s.region for s in sources} - present)
    return [periods[k] for k in sorted(periods)]


# --- writing: summary.json, the 汇总表, a Markdown page and an HTML page --------------------------------------


def summary(sources: list[Source], rolled: list[PeriodRollup], level: str) -> dict[str, Any]:
    """The upper level's summary.json: its sources (with their SHA-256) and, per period, region and department,
    the counts, sums, 支出进度 and lights; the red and late lists."""

    def listed(items: list[tuple[str, Submission]]) -> list[dict[str, Any]]:
        return [
            {
                "region": r,
                "department_code": s.department_code,
                "department": s.department,
                "kind": s.kind,
                "code": s.code,
                "name": s.name,
                "light": s.light,
                "late_days": s.late_days,
            }
            for r, s in items
        ]

    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"docgen {__version__}",
        "level": level,
        "sources": [
            {
                "file": Path(s.shown).name,
                "sha256": s.sha256,
                "region": s.region,
                "level": s.level,
                "profile": s.profile,
                "period": s.period,
                "generated_at": s.generated_at,
                "docgen_version": s.docgen_version,
            }
            for s in sorted(sources, key=lambda s: s.region)
        ],
        "periods": [
            {
                "period": p.period,
                "time_progress": float(p.time_progress),
                "totals": p.totals.as_json(),
                "regions": [
                    {
                        "region": r.region,
                        "level": r.level,
                        "totals": r.totals.as_json(),
                        "departments": [
                            {"code": d.code, "name": d.name, "light": d.light, "withheld": d.withheld, **d.totals.as_json()}
                            for d in r.departments.values()
                        ],
                    }
                    for r in p.regions
                ],
                "missing_regions": p.missing,
                "red": listed(p.red),
                "late": listed(p.late),
            }
            for p in rolled
        ],
    }


def _label(period: str) -> str:
    year, month = period.split("-")
    return Period(int(year), int(month)).label


def _row(region: str, code: str, name: str, totals: Totals, light: str | None = None) -> dict[str, Any]:
    return {
        "region": region,
        "department_code": code,
        "department": name,
        "projects": totals.projects,
        "subtotal": totals.subtotal,
        "spent": totals.spent,
        "spend_progress": totals.progress,
        "light": light,
        **{f"lights_{k}": totals.lights[k] for k in (*LIGHTS, "none")},
    }


def table_rows(period: PeriodRollup) -> list[dict[str, Any]]:
    """The 汇总表's rows of one period: each region's departments, then the region's total."""
    rows = []
    for region in period.regions:
        for dept in region.departments.values():
            rows.append(_row(region.region, dept.code, dept.name, dept.totals, dept.light))
        rows.append(_row(region.region, "", M.label("federation_region_total", region=region.region), region.totals))
    return rows


_COLUMNS = (
    ("region", "text"),
    ("department_code", "text"),
    ("department", "text"),
    ("projects", "count"),
    ("subtotal", "money"),
    ("spent", "money"),
    ("spend_progress", "rate"),
    ("light", "light"),
    ("lights_red", "count"),
    ("lights_yellow", "count"),
    ("lights_blue", "count"),
    ("lights_green", "count"),
    ("lights_grey", "count"),
    ("lights_none", "count"),
)
_LIST_COLUMNS = (("region", "text"), ("department_code", "text"), ("department", "text"), ("code", "text"), ("name", "text"))


def workbook(sources: list[Source], rolled: list[PeriodRollup], level: str) -> bytes:
    """The upper level's 汇总表 (附件3-like): per period a sheet of regions and departments, the red and late lists,
    and the sources. Written by render/rollup.workbook: texts as strings (never formulas or links), XML escaped."""
    from .render import rollup

    kinds = {"text": rollup.TEXT, "count": rollup.COUNT, "money": rollup.MONEY, "rate": rollup.RATE, "light": rollup.LIGHT}
    names = ", ".join(s.region for s in sorted(sources, key=lambda s: s.region))
    sheets = []
    for p in rolled:
        subtitle = M.label(
            "federation_subtitle", time_progress=f"{p.time_progress:.2f}", sources=names[:200], generator=f"docgen {__version__}"
        )
        title = M.label("federation_title", period=_label(p.period))
        suffix = f"（{p.period}）" if len(rolled) > 1 else ""
        sheets.append(
            rollup.Sheet(
                name=(M.label("federation_sheet_regions") + suffix)[:31],
                title=title,
                subtitle=subtitle,
                columns=[(k, kinds[v]) for k, v in _COLUMNS],
                rows=table_rows(p),
                total=_row(M.label("federation_total"), "", "", p.totals),
                note="\n".join([*p.warnings, M.label("federation_note")]),
                frozen_columns=3,
            )
        )
        red = [
            {"region": r, "department_code": s.department_code, "department": s.department, "code": s.code, "name": s.name}
            for r, s in p.red
        ]
        sheets.append(
            rollup.Sheet(
                name=(M.label("federation_sheet_red") + suffix)[:31],
                title=title,
                subtitle=subtitle,
                columns=[(k, kinds[v]) for k, v in _LIST_COLUMNS],
                rows=red,
            )
        )
        late = [
            {
                "region": r,
                "department_code": s.department_code,
                "department": s.department,
                "code": s.code,
                "name": s.name,
                "late_days": s.late_days,
            }
            for r, s in p.late
        ]
        sheets.append(
            rollup.Sheet(
                name=(M.label("federation_sheet_late") + suffix)[:31],
                title=title,
                subtitle=subtitle,
                columns=[*((k, kinds[v]) for k, v in _LIST_COLUMNS), ("late_days", rollup.COUNT)],
                rows=late,
            )
        )
    described = [
        {
            "region": s.region,
            "level_name": s.level,
            "profile": s.profile,
            "generated_at": s.generated_at,
            "docgen_version": s.docgen_version,
            "source": Path(s.shown).name,
            "sha256": s.sha256,
        }
        for s in sorted(sources, key=lambda s: s.region)
    ]
    sheets.append(
        rollup.Sheet(
            name=M.label("federation_sheet_sources"),
            title=M.label("federation_heading_sources"),
            subtitle=f"docgen {__version__}",
            columns=[(k, rollup.TEXT) for k in ("region", "level_name", "profile", "generated_at", "docgen_version", "source", "sha256")],
            rows=described,
            frozen_columns=1,
        )
    )
    return rollup.workbook(sheets)


def _number(value: Decimal | None, rate: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if rate else f"{value:,.2f}"


def _cells(row: dict[str, Any]) -> list[str]:
    """A 汇总表 row as display texts (not yet escaped)."""
    light = row.get("light")
    return [
        row["region"],
        row["department_code"],
        row["department"],
        str(row["projects"]),
        _number(row["subtotal"]),
        _number(row["spent"]),
        _number(row["spend_progress"], rate=True),
        M.LIGHT_NAMES.get(light, "") if isinstance(light, str) else "",
        *(str(row[f"lights_{k}"]) for k in (*LIGHTS, "none")),
    ]


def _headers() -> list[str]:
    return [M.ROLLUP_COLUMNS[k] for k, _ in _COLUMNS]


def _list_cells(region: str, sub: Submission, late: bool) -> list[str]:
    cells = [region, sub.department_code, sub.department, sub.code, sub.name]
    return [*cells, M.label("federation_late_days", days=sub.late_days)] if late else cells


def markdown(sources: list[Source], rolled: list[PeriodRollup]) -> str:
    """The roll-up as a Markdown page (a site section): every text from an export through escape.markdown."""
    md = escape.markdown

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(md(h) for h in header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
        return lines

    out: list[str] = []
    for p in rolled:
        out += [f"# {md(M.label('federation_title', period=_label(p.period)))}", ""]
        out += [f"> {md(w)}" for w in p.warnings] + ([""] if p.warnings else [])
        out += [f"## {md(M.label('federation_heading_regions'))}", ""]
        out += table(_headers(), [_cells(r) for r in [*table_rows(p), _row(M.label("federation_total"), "", "", p.totals)]])
        out += ["", md(M.label("federation_note")), ""]
        list_header = [M.ROLLUP_COLUMNS[k] for k, _ in _LIST_COLUMNS]
        for heading, items, late in (("federation_heading_red", p.red, False), ("federation_heading_late", p.late, True)):
            out += [f"## {md(M.label(heading))}", ""]
            header = [*list_header, M.ROLLUP_COLUMNS["late_days"]] if late else list_header
            out += table(header, [_list_cells(r, s, late) for r, s in items]) if items else [md(M.label("federation_none"))]
            out += [""]
    out += [f"## {md(M.label('federation_heading_sources'))}", ""]
    out += table(
        [M.ROLLUP_COLUMNS[k] for k in ("region", "level_name", "profile", "generated_at", "source", "sha256")],
        [[s.region, s.level, s.profile, s.generated_at, Path(s.shown).name, s.sha256] for s in sorted(sources, key=lambda s: s.region)],
    )
    return "\n".join(out) + "\n"


def html(sources: list[Source], rolled: list[PeriodRollup]) -> str:
    """The roll-up as one self-contained HTML page: every text from an export through escape.html."""
    h = escape.html

    def table(header: list[str], rows: list[list[str]], numbers_from: int = 99) -> str:
        def cell(i: int, c: str) -> str:
            return f'<td class="n">{h(c)}</td>' if i >= numbers_from else f"<td>{h(c)}</td>"

        head = "".join(f"<th>{h(c)}</th>" for c in header)
        body = "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = []
    for p in rolled:
        parts.append(f"<h1>{h(M.label('federation_title', period=_label(p.period)))}</h1>")
        parts += [f"<p><strong>{h(w)}</strong></p>" for w in p.warnings]
        parts.append(f"<h2>{h(M.label('federation_heading_regions'))}</h2>")
        rows = [_cells(r) for r in [*table_rows(p), _row(M.label("federation_total"), "", "", p.totals)]]
        parts.append(table(_headers(), rows, numbers_from=3))
        parts.append(f"<p>{h(M.label('federation_note'))}</p>")
        list_header = [M.ROLLUP_COLUMNS[k] for k, _ in _LIST_COLUMNS]
        for heading, items, late in (("federation_heading_red", p.red, False), ("federation_heading_late", p.late, True)):
            parts.append(f"<h2>{h(M.label(heading))}</h2>")
            header = [*list_header, M.ROLLUP_COLUMNS["late_days"]] if late else list_header
            listed = [_list_cells(r, s, late) for r, s in items]
            none = f"<p>{h(M.label('federation_none'))}</p>"
            parts.append(table(header, listed, numbers_from=len(list_header)) if items else none)
    parts.append(f"<h2>{h(M.label('federation_heading_sources'))}</h2>")
    parts.append(
        table(
            [M.ROLLUP_COLUMNS[k] for k in ("region", "level_name", "profile", "generated_at", "source", "sha256")],
            [[s.region, s.level, s.profile, s.generated_at, Path(s.shown).name, s.sha256] for s in sorted(sources, key=lambda s: s.region)],
        )
    )
    title = h(M.label("federation_title", period="、".join(_label(p.period) for p in rolled)))
    style = "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}td.n{text-align:right}"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{title}</title><style>{style}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def write(folder: Path, sources: list[Source], rolled: list[PeriodRollup], level: str) -> list[Path]:
    """The four outputs, each written beside itself and renamed; all computed before the first is written."""
    data = {
        "summary.json": (json.dumps(summary(sources, rolled, level), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"),
        "汇总表.xlsx": workbook(sources, rolled, level),
        "汇总.md": markdown(sources, rolled).encode("utf-8"),
        "index.html": html(sources, rolled).encode("utf-8"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in OUTPUTS:
        output.write_bytes(folder / name, data[name], owner=folder)
        written.append(folder / name)
    return written
