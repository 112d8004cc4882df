"""Spreadsheets read as hostile input: an .xlsx (or an .xls through LibreOffice) opened within bounds, as plain grids.

Shared by `docgen import` (filled 附件2/附件3) and the bulk import of execution figures. A workbook arrives from
outside the repository (an e-mail, a clerk's USB stick), so before openpyxl sees it the file is checked as a zip:
its size, the size of every part once unpacked and their ratio (a zip bomb), the number of parts, and that no XML
part declares a DTD (no entity is ever expanded: openpyxl parses with the standard library otherwise). Formulas are
never evaluated: a cell keeps the formula it holds (`Cell.formula`) beside the value the saving program cached for
it, and the caller decides what a formula may stand for. Links to other workbooks are not loaded (keep_links off).
Sheets past the bounds of form/limits.py are refused, not truncated.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import messages as M
from ..errors import EnvironmentProblem
from ..form import limits
from ..form import numbers as N

XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_SUFFIX = ".xls"
#: Formats read through LibreOffice headless, converted to .xlsx first (WPS and older Excel save .xls; ODF saves .ods).
CONVERTED_SUFFIXES = (XLS_SUFFIX, ".ods", ".et")
CONVERT_SECONDS = 120


class SheetProblem(Exception):
    """A workbook that cannot be read at all (not a workbook, too large, a zip bomb, a DTD): code and message."""

    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(M.message(code, **args))
        self.code = code


@dataclass(frozen=True)
class Cell:
    """One cell as saved: its value (the cached result for a formula cell; None when empty), the formula it holds
    ("" when none) and its number format (to tell a percentage from a plain number)."""

    value: Any
    formula: str = ""
    number_format: str = "General"


@dataclass
class Grid:
    """One worksheet: its cells by (row, column), 0-based, and its merged ranges (first row, first col, last row,
    last col, inclusive). A merged range's value sits in its top-left cell only, as in the file."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    rows: int = 0
    cols: int = 0

    def cell(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> Any:
        found = self.cells.get((row, col))
        return None if found is None else found.value

    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range that holds (row, col), or the cell alone."""
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return r1, c1, r2, c2
        return row, col, row, col

    def covered(self, row: int, col: int) -> bool:
        """Inside a merged range but not its top-left cell: what Excel shows there is the range's value."""
        r1, c1, _, _ = self.span(row, col)
        return (r1, c1) != (row, col)


@dataclass
class Workbook:
    """A workbook as grids, in the order of its sheets; `name` is how messages name the file (as the user typed it)."""

    name: str
    sheets: list[Grid]


def address(row: int, col: int) -> str:
    """「F8」 from 0-based (7, 5)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def text_of(value: Any) -> str:
    """A cell's value as the text a person reads in it, trimmed (a whole number without 「.0」)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def squeeze(text: str) -> str:
    """A label as compared: NFKC (full-width letters, digits and brackets to half-width) with every space removed,
    so 「项目名称 」, 「项 目 名 称」 and 「（万元）」 vs 「(万元)」 match their form labels."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def number(value: Any) -> Decimal | None:
    """A cell's number: a numeric cell exactly as saved (a float's shortest repr, so 412.35 stays 412.35), or a text
    holding one as offices type it — 「1,650.00」 (grouped by thousands: numbers.ungrouped), 「１６５０」, 「 12.5 」 — else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if not isinstance(value, str):
        return None
    text = squeeze(value)
    if "," in text:  # 「1,650.00」 as Excel shows it; 「12,5」 (a decimal comma?) is no number here, never 125
        text = N.ungrouped(text) or ""
    if not text or len(text) > limits.MAX_DIGITS + 2:
        return None
    try:
        found = Decimal(text)
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


# --- opening ----------------------------------------------------------------------------------


def _check_zip(path: Path, shown: str) -> None:
    """Refuse, before any XML is parsed, what would drive openpyxl out of memory or into an entity expansion."""
    size = path.stat().st_size
    if size > limits.MAX_WORKBOOK_BYTES:
        raise SheetProblem("E501", file=shown, size=_mib(size), limit=_mib(limits.MAX_WORKBOOK_BYTES))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetProblem("E500", file=shown, detail=type(exc).__name__) from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.MAX_WORKBOOK_PARTS:
            raise SheetProblem("E502", file=shown, detail=M.label("sheet_parts", count=len(members), limit=limits.MAX_WORKBOOK_PARTS))
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.MAX_WORKBOOK_UNPACKED:
            raise SheetProblem(
                "E502", file=shown, detail=M.label("sheet_unpacked", size=_mib(unpacked), limit=_mib(limits.MAX_WORKBOOK_UNPACKED))
            )
        xml = sum(m.file_size for m in members if m.filename.lower().endswith(".xml"))
        if xml > limits.MAX_WORKBOOK_XML:
            raise SheetProblem("E502", file=shown, detail=M.label("sheet_unpacked", size=_mib(xml), limit=_mib(limits.MAX_WORKBOOK_XML)))
        for member in members:
            if member.compress_size and member.file_size > (1 << 20) and member.file_size / member.compress_size > limits.MAX_ZIP_RATIO:
                raise SheetProblem(
                    "E502",
                    file=shown,
                    detail=M.label("sheet_ratio", part=member.filename, ratio=int(member.file_size / member.compress_size)),
                )
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                _refuse_dtd(archive, member, shown)


def _refuse_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo, shown: str) -> None:
    """No part may declare a DTD: OOXML never does, and one is the way to an entity expansion (billion laughs)."""
    tail = b""
    with archive.open(member) as stream:
        read = 0
        while chunk := stream.read(1 << 16):
            read += len(chunk)
            if read > member.file_size + 1:  # the header lied about the size: stop reading
                raise SheetProblem("E502", file=shown, detail=M.label("sheet_unpacked", size=_mib(read), limit=_mib(member.file_size)))
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise SheetProblem("E503", file=shown, part=member.filename)
            tail = chunk[-16:]


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def _grids(path: Path, shown: str) -> list[Grid]:
    import openpyxl  # type: ignore[import-untyped]  # no stubs shipped; its values are checked here one by one

    with warnings.catch_warnings():  # openpyxl warns about parts it drops (extensions, data validation): not ours to say
        warnings.simplefilter("ignore")
        try:
            formulas = openpyxl.load_workbook(path, data_only=False, keep_links=False, keep_vba=False, rich_text=False)
        except Exception as exc:
            raise SheetProblem("E500", file=shown, detail=type(exc).__name__) from exc
    if len(formulas.worksheets) > limits.MAX_SHEETS:
        raise SheetProblem("E504", file=shown, sheet=formulas.worksheets[0].title, detail=M.label("sheet_count", limit=limits.MAX_SHEETS))
    grids = []
    total = 0
    cached: Any = None  # the values saved for formula cells: a second reading, only for a workbook that has formulas
    for index, ws in enumerate(formulas.worksheets):
        rows, cols = ws.max_row or 0, ws.max_column or 0
        if rows > limits.MAX_SHEET_ROWS or cols > limits.MAX_SHEET_COLUMNS:
            raise SheetProblem(
                "E504",
                file=shown,
                sheet=ws.title,
                detail=M.label("sheet_size", rows=rows, cols=cols, max_rows=limits.MAX_SHEET_ROWS, max_cols=limits.MAX_SHEET_COLUMNS),
            )
        grid = Grid(ws.title, rows=rows, cols=cols)
        for row in ws.iter_rows():
            for cell in row:
                raw = cell.value
                if raw is None or cell.__class__.__name__ == "MergedCell":
                    continue
                total += 1
                if total > limits.MAX_WORKBOOK_CELLS:
                    raise SheetProblem("E504", file=shown, sheet=ws.title, detail=M.label("sheet_cells", limit=limits.MAX_WORKBOOK_CELLS))
                formula = ""
                value = raw
                if cell.data_type == "f" or not isinstance(raw, (str, int, float, bool, datetime, date, time, type(None))):
                    formula = str(getattr(raw, "text", raw))
                    cached = cached or _cached(path, shown)
                    value = cached.worksheets[index].cell(row=cell.row, column=cell.column).value
                if isinstance(value, str) and len(value) > limits.MAX_TEXT_CHARS:
                    value = value[: limits.MAX_TEXT_CHARS]
                grid.cells[cell.row - 1, cell.column - 1] = Cell(value, formula, cell.number_format or "General")
        grid.merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        grids.append(grid)
    return grids


def _cached(path: Path, shown: str) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return openpyxl.load_workbook(path, data_only=True, keep_links=False, keep_vba=False, rich_text=False)
        except Exception as exc:
            raise SheetProblem("E500", file=shown, detail=type(exc).__name__) from exc


def soffice() -> str | None:
    """The LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _converted(path: Path, tmp: Path, shown: str) -> Path:
    """An .xls converted to .xlsx by LibreOffice headless (its own throw-away profile), in `tmp`."""
    exe = soffice()
    suffix = path.suffix.lower()
    if exe is None:
        raise EnvironmentProblem(M.message("E524", file=shown, suffix=suffix))
    source = tmp / ("input" + suffix)
    shutil.copyfile(path, source)  # a plain name: LibreOffice names its output after the input
    outdir = tmp / "out"
    command = [
        exe,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        str(source),
    ]
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=CONVERT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SheetProblem("E523", file=shown, detail=M.label("sheet_timeout", seconds=CONVERT_SECONDS)) from exc
    made = outdir / "input.xlsx"
    if not made.is_file():
        raise SheetProblem("E523", file=shown, detail=M.label("sheet_not_converted"))
    return made


def open_workbook(path: Path, shown: str | None = None) -> Workbook:
    """Read a workbook within bounds; SheetProblem when it cannot be read, EnvironmentProblem (exit 3) when an .xls
    needs LibreOffice and it is not installed. `shown` names the file in messages (default: its name)."""
    shown = shown or path.name
    with checked_xlsx(path, shown) as checked:
        return Workbook(shown, _grids(checked, shown))


@contextlib.contextmanager
def checked_xlsx(path: Path, shown: str) -> Iterator[Path]:
    """The bounded opening every spreadsheet goes through before openpyxl parses it: the suffix known, a regular
    file, its size, its zip (parts, unpacked sizes and ratio — a zip bomb — no DTD); an .xls/.ods/.et converted by
    LibreOffice headless first (EnvironmentProblem, exit 3, when it is not installed), the converted file checked
    the same way. Yields the .xlsx to read (a temporary one, removed after, for a converted file)."""
    suffix = path.suffix.lower()
    if suffix not in (*XLSX_SUFFIXES, *CONVERTED_SUFFIXES):
        raise SheetProblem("E525", file=shown, suffix=path.suffix or M.label("import_no_suffix"))
    if not path.is_file() or path.is_symlink():
        raise SheetProblem("E500", file=shown, detail=M.label("sheet_not_a_file"))
    if suffix in CONVERTED_SUFFIXES:
        if path.stat().st_size > limits.MAX_WORKBOOK_BYTES:
            raise SheetProblem("E501", file=shown, size=_mib(path.stat().st_size), limit=_mib(limits.MAX_WORKBOOK_BYTES))
        with tempfile.TemporaryDirectory(prefix="docgen-xls-") as tmp:
            made = _converted(path, Path(tmp), shown)
            _check_zip(made, shown)
            yield made
        return
    _check_zip(path, shown)
    yield path
