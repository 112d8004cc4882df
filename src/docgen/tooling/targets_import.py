"""`docgen import-targets`: the approved 绩效目标 (budget time) from a spreadsheet or CSV into 批复目标/<部门代码>.yaml.

The budget system exports one line per indicator: 项目代码, 一级/二级/三级指标, 指标值. A mapping file (like
import-figures', `mappings/targets.yaml` built in as 「批复目标」) names the columns. Each project is placed in its
department by the period's roster; each department's file is written in the canonical form through `docgen fmt`'s
round-trip writer. All or nothing: any problem is reported at its sheet and cell and nothing is written; a file that
exists and says something else is never overwritten without `force`. Workbooks are opened through sheets.py (bounded,
no DTD, formulas never evaluated).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .. import messages as M
from ..check.load import load_text
from ..check.targets import file_rules
from ..check.validate import schema_findings
from ..files import read_regular
from ..form import forms, limits
from ..form import targets as TG
from ..form import vocabulary as F
from . import fmt, sheets
from .execution import MappingError, mapping_document
from .fmt import format_text

T = F.TARGET_KEYS
#: The columns a mapping may name (the keys of its 列), in the order of a line.
COLUMNS = ("项目代码", "项目名称", "一级指标", "二级指标", "三级指标", "指标值")
REQUIRED = ("项目代码", "一级指标", "三级指标", "指标值")
BUILTIN = {"批复目标": "targets.yaml"}
HEADER_SEARCH = 30
MAX_CSV_BYTES = limits.MAX_WORKBOOK_BYTES


@dataclass(frozen=True)
class Mapping:
    """Which header text holds each column, and where the header is."""

    columns: dict[str, str]
    sheet: str | None = None
    header_row: int | None = None  # 1-based


@dataclass
class Problem:
    """A problem located on the spreadsheet (「批复.xlsx:Sheet1!C5」) or in a file."""

    where: str
    code: str
    message: str

    def text(self) -> str:
        return f"{self.where}: {M.SEVERITY['error']} {self.code} {self.message}"


@dataclass
class Written:
    """What an import did or would do: the files (new text) it writes, those already equal, and the problems."""

    files: dict[Path, str] = field(default_factory=dict)  # root-relative path -> canonical text
    unchanged: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    folder: Path = Path()  # the period's 批复目标 folder, root-relative
    #: existing files that would change, without `force`: each with its field-level changes (old → new), one a line
    refused: dict[Path, list[str]] = field(default_factory=dict)


def read_mapping(path: Path, text: str) -> Mapping:
    """The mapping file's own small schema, checked by hand: every problem with its line and column, in Chinese."""
    doc = mapping_document(path, text)
    data = doc.data
    if not isinstance(data, dict):
        raise MappingError([(1, 1, M.export_label("mapping_not_mapping"))])

    def at(*steps: str, key: bool = False) -> tuple[int, int]:
        table = doc.key_positions if key else doc.positions
        pos = table.get(tuple(steps)) or doc.key_positions.get(tuple(steps)) or (1, 1)
        return int(pos[0]), int(pos[1])

    problems: list[tuple[int, int, str]] = []
    allowed = ("列", "工作表", "表头行")
    for key in data:
        if key not in allowed:
            problems.append((*at(key, key=True), M.export_label("mapping_unknown_key", key=key, allowed="、".join(allowed))))
    columns = data.get("列")
    if not isinstance(columns, dict):
        problems.append((*at("列"), M.export_label("mapping_columns")))
        columns = {}
    for key, value in columns.items():
        if key not in COLUMNS:
            problems.append((*at("列", key, key=True), M.export_label("mapping_unknown_column", key=key, allowed="、".join(COLUMNS))))
        elif not isinstance(value, str) or not value.strip():
            problems.append((*at("列", key), M.export_label("mapping_header_text", key=key)))
    for key in REQUIRED:
        if columns and key not in columns:
            problems.append((*at("列"), M.targets_text("import_missing_column", column=key, header=key)))
    header = data.get("表头行")
    if header is not None and (not isinstance(header, int) or isinstance(header, bool) or header < 1):
        problems.append((*at("表头行"), M.export_label("mapping_header_row", value=header)))
    sheet = data.get("工作表")
    if sheet is not None and not isinstance(sheet, str):
        problems.append((*at("工作表"), M.export_label("mapping_sheet")))
    if problems:
        raise MappingError(sorted(problems))
    return Mapping(columns={k: str(v).strip() for k, v in columns.items()}, sheet=sheet, header_row=header)


# --- the spreadsheet as rows of cells ----------------------------------------------------------------------


Row = list[tuple[Any, str]]  # (value as the reader gives it, its number format)


def _rows(path: Path, shown: str, sheet: str | None) -> tuple[str, list[Row]]:
    """(the prefix of a cell's address, the rows): a .csv (UTF-8, else GB18030) read bounded, a workbook through
    sheets.py. ValueError with a Chinese message when it cannot be read."""
    if path.suffix.lower() == ".csv":
        raw = read_regular(path, MAX_CSV_BYTES)
        if raw is None or len(raw) > MAX_CSV_BYTES:
            raise ValueError(M.export_label("figures_too_large", file=shown, limit=f"{MAX_CSV_BYTES >> 20} MiB"))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        rows: list[Row] = []
        for i, line in enumerate(csv.reader(io.StringIO(text))):
            if i >= limits.MAX_SHEET_ROWS or len(line) > limits.MAX_SHEET_COLUMNS:
                raise ValueError(
                    M.label("sheet_size", rows=i + 1, cols=len(line), max_rows=limits.MAX_SHEET_ROWS, max_cols=limits.MAX_SHEET_COLUMNS)
                )
            rows.append([(v, "General") for v in line])
        return f"{shown}!", rows
    try:
        book = sheets.open_workbook(path, shown)
    except sheets.SheetProblem as exc:
        raise ValueError(str(exc)) from exc
    grid = next((g for g in book.sheets if g.name == sheet), None) if sheet is not None else (book.sheets[0] if book.sheets else None)
    if grid is None:
        raise ValueError(M.export_label("figures_no_sheet", file=shown, sheet=sheet, sheets="、".join(g.name for g in book.sheets)))
    out: list[Row] = []
    for r in range(grid.rows):
        row: Row = []
        for c in range(grid.cols):
            cell = grid.cell(r, c)
            row.append((None, "General") if cell is None else (cell.value, cell.number_format))
        out.append(row)
    return f"{shown}:{grid.name}!", out


def _value(value: Any, number_format: str) -> str:
    """A 指标值 cell as the forms write it: a percentage cell (0.95 shown as 95%) as 「95%」, a number without 「.0」."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = sheets.number(value)
        if number is not None and "%" in number_format:
            return TG.value_text(number * 100) + "%"
        return TG.value_text(number) if number is not None else sheets.text_of(value)
    return sheets.text_of(value)


# --- the import -------------------------------------------------------------------------------------------


@dataclass
class _Indicator:
    level1: str
    level2: str
    name: str
    target: str
    where: str


@dataclass
class _Project:
    code: str
    name: str
    department: str
    indicators: list[_Indicator] = field(default_factory=list)


def read_targets(
    path: Path, shown: str, mapping: Mapping, form: forms.Form, departments: dict[str, str], period: str
) -> tuple[dict[str, _Project], list[Problem], int]:
    """The projects of the spreadsheet (by code, in its order), every problem at its cell, the number of lines read.
    `departments` gives each project code's department (the period's roster)."""
    problems: list[Problem] = []
    projects: dict[str, _Project] = {}
    try:
        prefix, rows = _rows(path, shown, mapping.sheet)
    except ValueError as exc:
        return {}, [Problem(shown, "E615", str(exc))], 0
    found = _header(rows, mapping)
    if found is None:
        detail = M.export_label(
            "figures_no_header", file=shown, column=mapping.columns["项目代码"], rows=mapping.header_row or HEADER_SEARCH
        )
        return {}, [Problem(shown, "E615", detail)], 0
    header, positions = found
    has_level2 = "level2" in form.indicator_fields
    needed = (*REQUIRED, "二级指标") if has_level2 else REQUIRED  # 项目名称 is for reading along: optional
    missing = [key for key in needed if key not in positions]
    if missing:
        where = f"{prefix}{sheets.address(header, 0)}"
        return (
            {},
            [Problem(where, "E615", M.targets_text("import_missing_column", column=k, header=mapping.columns.get(k, k))) for k in missing],
            0,
        )
    block = form.indicators
    assert block is not None
    taxonomy = {c.name: c.kinds for c in block.taxonomy}
    seen: dict[tuple[str, str], str] = {}
    lines = 0
    for r in range(header + 1, len(rows)):
        row = rows[r]

        def cell(key: str, row: Row = row, r: int = r) -> tuple[str, str]:
            c = positions.get(key)
            if c is None or c >= len(row):
                return "", ""
            value, number_format = row[c]
            return (_value(value, number_format) if key == "指标值" else sheets.text_of(value)), f"{prefix}{sheets.address(r, c)}"

        if not any(sheets.text_of(v) for v, _ in row):
            continue
        lines += 1
        code, at_code = cell("项目代码")
        bad = False
        for key in REQUIRED:
            text, where = cell(key)
            if not text:
                problems.append(Problem(where, "E615", M.targets_text("import_empty", column=mapping.columns[key])))
                bad = True
        if bad:
            continue
        if len(code) > limits.MAX_CODE_CHARS or not _is_code(code):
            problems.append(Problem(at_code, "E615", M.targets_text("import_code", value=code[:40])))
            continue
        department = departments.get(code)
        if department is None:
            problems.append(Problem(at_code, "E615", M.targets_text("import_unknown_project", code=code, period=period)))
            continue
        level1, at1 = cell("一级指标")
        level2, at2 = cell("二级指标")
        name, at_name = cell("三级指标")
        target, _ = cell("指标值")
        if taxonomy and level1 not in taxonomy:
            problems.append(Problem(at1, "E615", M.targets_text("import_level1", value=level1[:40], choices="、".join(taxonomy))))
            continue
        if has_level2 and taxonomy and level2 not in taxonomy[level1]:
            problems.append(
                Problem(at2, "E615", M.targets_text("import_level2", value=level2[:40], level1=level1, choices="、".join(taxonomy[level1])))
            )
            continue
        if (code, name) in seen:
            problems.append(
                Problem(at_name, "E615", M.targets_text("import_duplicate", code=code, name=name[:40], first=seen[(code, name)]))
            )
            continue
        seen[(code, name)] = at_name
        project = projects.setdefault(code, _Project(code, cell("项目名称")[0], department))
        project.indicators.append(_Indicator(level1, level2 if has_level2 else "", name, target, at_name))
    if not projects and not problems:
        problems.append(Problem(shown, "E615", M.targets_text("import_none")))
    return projects, problems, lines


def _is_code(code: str) -> bool:
    return re.fullmatch(limits.CODE_PATTERN, code) is not None


def _header(rows: list[Row], mapping: Mapping) -> tuple[int, dict[str, int]] | None:
    """(0-based index of the header row, column of each mapped key found in it): the given row, else the first of
    the first rows that holds the 项目代码 column's text."""
    wanted = mapping.columns
    for index, row in enumerate(rows[: mapping.header_row or HEADER_SEARCH]):
        texts = [sheets.squeeze(sheets.text_of(v)) for v, _ in row]
        if (index + 1 == mapping.header_row) if mapping.header_row else sheets.squeeze(wanted["项目代码"]) in texts:
            return index, {key: texts.index(sheets.squeeze(text)) for key, text in wanted.items() if sheets.squeeze(text) in texts}
    return None


def department_text(year: int, month: int, code: str, projects: list[_Project], form: forms.Form, schema_link: str) -> str:
    """One department's approved-targets file, dumped by `docgen fmt`'s round-trip writer (which quotes whatever
    YAML would misread: no text from the spreadsheet becomes YAML syntax); codes quoted as the forms ask."""
    keys = TG.indicator_keys(form)
    listed = []
    for p in projects:
        project: dict[str, Any] = {T["project_code"]: DoubleQuotedScalarString(p.code)}
        if p.name:
            project[T["project_name"]] = p.name
        project[T["indicators"]] = [{keys[name]: getattr(ind, name) for name in TG.APPROVED_FIELDS if name in keys} for ind in p.indicators]
        listed.append(project)
    data = {T["year"]: year, T["month"]: month, T["department_code"]: DoubleQuotedScalarString(code), T["projects"]: listed}
    out = io.StringIO()
    fmt._yaml().dump(data, out)
    return f"# yaml-language-server: $schema={schema_link}\n" + out.getvalue()


def plan(
    root: Path,
    folder: Path,
    year: int,
    month: int,
    projects: dict[str, _Project],
    form: forms.Form,
    profile: forms.Profile | None,
    *,
    force: bool,
) -> Written:
    """The canonical text of each department's file (`folder` is the period's, root-relative), checked against the
    schema and the file rules before anything is written; a file that exists with other content is refused
    (E617) unless `force`."""
    out = Written()
    by_department: dict[str, list[_Project]] = {}
    for p in projects.values():
        by_department.setdefault(p.department, []).append(p)
    for department, listed in sorted(by_department.items()):
        relative = folder / F.TARGETS_FOLDER / f"{department}.yaml"
        text = department_text(year, month, department, listed, form, "../../../schema/" + TG.SCHEMA_FILE)
        formatted = format_text(relative, text, profile)
        if formatted.after is None:
            out.problems += [Problem(f"{f.path}:{f.line}:{f.column}", f.code, f.message) for f in formatted.findings]
            continue
        doc, findings = load_text(relative, formatted.after)
        if doc is not None:
            findings += schema_findings(doc, TG.KIND, profile) + file_rules(doc, profile)
        if doc is None or any(f.is_error for f in findings):
            out.problems += [Problem(f"{f.path}:{f.line}:{f.column}", f.code, f.message) for f in findings if f.is_error]
            continue
        after = formatted.after
        existing = root / relative
        if existing.exists():
            raw = read_regular(existing, limits.MAX_FILE_BYTES)
            before = raw.decode("utf-8", errors="replace") if raw is not None else None
            if before is not None:
                after = merged_text(relative, before, after, profile)
            if before is not None and before == after:
                out.unchanged.append(relative)
                continue
            if not force:
                out.refused[relative] = _changes(relative, before, after, profile)
                continue
        out.files[relative] = after
    return out


#: The keys an import writes; any other key of an existing file (批复文号, a hand-added note) is the office's own.
_WRITTEN = frozenset({T["year"], T["month"], T["department_code"], T["projects"]})
_WRITTEN_PROJECT = frozenset({T["project_code"], T["project_name"], T["indicators"]})


def merged_text(relative: Path, before: str, after: str, profile: forms.Profile | None) -> str:
    """The new file's values put into the existing file through the round-trip writer: its comments (the header),
    the keys an import does not write (批复文号) and a project's own keys kept. `after` itself when `before` does
    not read as a mapping."""
    rt = fmt._yaml()
    try:
        old, new = rt.load(before.removeprefix(fmt.BOM)), rt.load(after)
    except Exception:  # noqa: BLE001 - ruamel raises many kinds; an unreadable old file is simply replaced
        return after
    if not isinstance(old, dict) or not isinstance(new, dict):
        return after
    kept = {str(p.get(T["project_code"])): p for p in old.get(T["projects"]) or [] if isinstance(p, dict)}
    projects = []
    for project in new.get(T["projects"]) or []:
        mine = kept.get(str(project.get(T["project_code"])))
        if mine is None:
            projects.append(project)
            continue
        for key in [k for k in mine if k in _WRITTEN_PROJECT and k not in project]:
            del mine[key]
        for key, value in project.items():
            mine[key] = value
        projects.append(mine)
    for key in [k for k in old if k in _WRITTEN and k not in new]:
        del old[key]
    for key, value in new.items():
        old[key] = projects if key == T["projects"] else value
    out = io.StringIO()
    rt.dump(old, out)
    formatted = format_text(relative, out.getvalue(), profile)
    return formatted.after if formatted.after is not None else after


def _changes(relative: Path, before: str | None, after: str, profile: forms.Profile | None) -> list[str]:
    """The field-level differences (old → new) between an existing file and what an import would write, as
    `docgen import` lists them."""
    from ..history import changes

    old = changes.snapshot((before or "").encode("utf-8"), TG.KIND, relative, profile)
    new = changes.snapshot(after.encode("utf-8"), TG.KIND, relative, profile)
    return [c.text() for c in changes.compare(old, new) if c.kind != changes.FIGURE]
