"""`docgen import-figures`: execution figures in bulk (下达数, 支出数, 全年预计支出数) from a spreadsheet or CSV.

The 预算管理一体化系统 and 国库集中支付 export one line per project (or per project and fund source); a mapping file
(`mappings/*.yaml`, its own small schema, read by `read_mapping`) names the columns. Every line is matched by 项目代码
to a submission of the period; its figures replace those of the fund row the line names (or the project's only row).

The files are edited in place, value by value: each amount's scalar is found by PyYAML's C composer (its marks) and
only those characters are replaced, so every comment, every text and every other byte stays as it was, and the
result is read back and compared with the intended data before anything is written. The naive way — ruamel's round
trip of each file, as `docgen fmt` does — gives the same files ~20x slower (benchmarks/import_figures.py).

All or nothing: any problem (a line that matches no project or two, a fund row the file lacks, a number that is not
one) is reported against the spreadsheet's row and column and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import messages as M
from ..check.load import Document, load_text
from ..files import read_regular
from ..form import limits
from ..form import numbers as N
from ..form import vocabulary as F
from . import sheets
from .fmt import money_text

#: The figures a line may carry (the mapping's 列 names them by these keys).
FIGURES = ("allocated", "spent", "expected")
CODE, FUND = "项目代码", "资金来源"
UNITS = {"万元": Decimal(1), "元": Decimal(10000)}
BUILTIN = {"一体化": "yitihua.yaml"}
MAX_ROWS = 200_000
MAX_SHEET_BYTES = 64 << 20
HEADER_SEARCH = 30  # rows searched for the header when the mapping does not give 表头行


class MappingError(Exception):
    """A mapping file that cannot be used: its problems, each with line and column."""

    def __init__(self, problems: list[tuple[int, int, str]]) -> None:
        super().__init__(problems[0][2])
        self.problems = problems


@dataclass(frozen=True)
class Mapping:
    """Which column holds what (spreadsheet header text per key), and how amounts are counted."""

    columns: dict[str, str]  # 项目代码 / 资金来源 / 下达数 / 支出数 / 全年预计支出数 -> header text
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    unit: Decimal = Decimal(1)  # divide by this to get 万元
    funds: dict[str, str] = field(default_factory=dict)  # a value of the 资金来源 column -> the fund row's name


@dataclass(frozen=True)
class Line:
    """One data line of the spreadsheet: where it is, the code, the fund row (or None) and the figures (万元)."""

    where: str
    code: str
    fund: str | None
    figures: dict[str, Decimal]


@dataclass
class Problem:
    """A problem located on the spreadsheet (「执行.xlsx 第 5 行 D 列」) or in a submission."""

    where: str
    code: str
    message: str
    severity: str = "error"

    def text(self) -> str:
        return f"{self.where}: {M.SEVERITY[self.severity]} {self.code} {self.message}"


@dataclass
class Change:
    """One submission's new text and which figures changed (for the report)."""

    path: Path
    before: str
    after: str
    changed: list[str]


@dataclass
class Planned:
    """What an import would do: new texts, files unchanged, problems (nothing is written when there are errors)."""

    changes: list[Change] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# --- the mapping file ----------------------------------------------------------------------------------------


def mapping_path(name: str, builtins: dict[str, str] = BUILTIN) -> Path | None:
    """A built-in mapping by its name (「一体化」; import-targets passes its own, 「批复目标」), else None."""
    file = builtins.get(name.removesuffix(".yaml"))
    return Path(str(resources.files("docgen.tooling").joinpath("mappings", file))) if file else None


def mapping_document(path: Path, text: str) -> Document:
    """A column-mapping file loaded as any committed YAML (bounded, positions kept), or MappingError with its errors."""
    doc, findings = load_text(path, text)
    if doc is None or any(f.is_error for f in findings):
        raise MappingError([(f.line, f.column, f.message) for f in findings if f.is_error] or [(1, 1, M.export_label("mapping_empty"))])
    return doc


def read_mapping(path: Path, text: str) -> Mapping:
    """The mapping file's own schema, checked by hand: every problem with its line and column, in Chinese."""
    doc = mapping_document(path, text)
    data = doc.data
    problems: list[tuple[int, int, str]] = []

    def at(*steps: str) -> tuple[int, int]:
        pos = doc.positions.get(tuple(steps)) or doc.key_positions.get(tuple(steps)) or (1, 1)
        return int(pos[0]), int(pos[1])

    def key_at(*steps: str) -> tuple[int, int]:
        pos = doc.key_positions.get(tuple(steps)) or (1, 1)
        return int(pos[0]), int(pos[1])

    if not isinstance(data, dict):
        raise MappingError([(1, 1, M.export_label("mapping_not_mapping"))])
    allowed = {"列", "工作表", "表头行", "金额单位", "资金来源"}
    for key in data:
        if key not in allowed:
            problems.append((*key_at(key), M.export_label("mapping_unknown_key", key=key, allowed="、".join(sorted(allowed)))))
    columns = data.get("列")
    known = (CODE, FUND, *(F.AMOUNT_FIELDS[f] for f in FIGURES))
    if not isinstance(columns, dict):
        problems.append((*at("列"), M.export_label("mapping_columns")))
        columns = {}
    for key, value in columns.items():
        if key not in known:
            problems.append((*key_at("列", key), M.export_label("mapping_unknown_column", key=key, allowed="、".join(known))))
        elif not isinstance(value, str) or not value.strip():
            problems.append((*at("列", key), M.export_label("mapping_header_text", key=key)))
    if columns and CODE not in columns:
        problems.append((*at("列"), M.export_label("mapping_no_code")))
    if columns and not any(F.AMOUNT_FIELDS[f] in columns for f in FIGURES):
        problems.append((*at("列"), M.export_label("mapping_no_figure")))
    unit = data.get("金额单位", "万元")
    if unit not in UNITS:
        problems.append((*at("金额单位"), M.export_label("mapping_unit", value=unit)))
    header = data.get("表头行")
    if header is not None and (not isinstance(header, int) or isinstance(header, bool) or header < 1):
        problems.append((*at("表头行"), M.export_label("mapping_header_row", value=header)))
    sheet = data.get("工作表")
    if sheet is not None and not isinstance(sheet, str):
        problems.append((*at("工作表"), M.export_label("mapping_sheet")))
    funds = data.get("资金来源", {})
    if not isinstance(funds, dict):
        problems.append((*at("资金来源"), M.export_label("mapping_funds")))
        funds = {}
    for key, value in funds.items():
        if value not in F.PROJECT_FUND_ROWS:
            problems.append((*at("资金来源", key), M.export_label("mapping_fund_row", value=value, allowed="、".join(F.PROJECT_FUND_ROWS))))
    if problems:
        raise MappingError(sorted(problems))
    return Mapping(
        columns={k: str(v).strip() for k, v in columns.items()},
        sheet=sheet,
        header_row=header,
        unit=UNITS[unit],
        funds={str(k).strip(): str(v) for k, v in funds.items()},
    )


# --- reading the spreadsheet ------------------------------------------------------------------------------


def _rows(path: Path, shown: str, sheet: str | None) -> Iterator[tuple[Any, ...]]:
    """The rows of a spreadsheet (values, never formulas) or a CSV. A workbook goes through sheets.py's bounded
    opening (size, zip bomb, DTD; .xls/.ods through LibreOffice) before openpyxl reads it row by row; a CSV is read
    as UTF-8 (with or without BOM), else GBK/GB18030 as 一体化 exports on Windows write it, else refused (E535)."""
    if path.suffix.lower() == ".csv":
        raw = read_regular(path, MAX_SHEET_BYTES)
        if raw is None:
            raise ValueError(M.export_label("figures_not_file", file=shown))
        if len(raw) > MAX_SHEET_BYTES:
            raise ValueError(M.export_label("figures_too_large", file=shown, limit=f"{MAX_SHEET_BYTES >> 20} MiB"))
        yield from (tuple(row) for row in csv.reader(io.StringIO(decode_csv(raw, shown))))
        return
    with sheets.checked_xlsx(path, shown) as checked:
        yield from _workbook_rows(checked, shown, sheet)


def decode_csv(raw: bytes, shown: str) -> str:
    """A CSV's text: UTF-8 (a BOM dropped), else GB18030 (which GBK is a part of); bytes neither reads are a
    SheetProblem naming the line and the bytes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = " ".join(f"0x{b:02X}" for b in raw[exc.start : min(exc.end, exc.start + 4)])
        raise sheets.SheetProblem("E535", file=shown, line=line, bytes=bad) from exc


def _workbook_rows(path: Path, shown: str, sheet: str | None) -> Iterator[tuple[Any, ...]]:
    import openpyxl  # type: ignore[import-untyped]  # read-only: the one reader of .xlsx

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise ValueError(M.export_label("figures_unreadable", file=shown, detail=type(exc).__name__)) from exc
    try:
        if len(book.sheetnames) > limits.MAX_SHEETS:
            raise sheets.SheetProblem("E504", file=shown, sheet=book.sheetnames[0], detail=M.label("sheet_count", limit=limits.MAX_SHEETS))
        if sheet is not None and sheet not in book.sheetnames:
            raise ValueError(M.export_label("figures_no_sheet", file=shown, sheet=sheet, sheets="、".join(book.sheetnames)))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        ws.reset_dimensions()  # WPS 表格 writes <dimension ref="A1"/>: read-only mode would stop at A1
        for row in ws.iter_rows(values_only=True):
            if len(row) > limits.MAX_SHEET_COLUMNS:
                raise sheets.SheetProblem(
                    "E504", file=shown, sheet=ws.title, detail=M.label("sheet_columns", count=len(row), limit=limits.MAX_SHEET_COLUMNS)
                )
            yield row
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(value: Any) -> Decimal | None:
    """A cell's amount: numbers as stored, text with thousands separators or full-width digits; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９．，－", "0123456789.,-"))
    if "," in text:  # grouped by thousands only (numbers.ungrouped): 「12,5」 is refused, never read as 125
        text = N.ungrouped(text) or ""
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise InvalidOperation
    return Decimal(text)


def read_lines(path: Path, shown: str, mapping: Mapping) -> tuple[list[Line], list[Problem]]:
    """The spreadsheet's data lines through the mapping; every problem located by row and column."""
    problems: list[Problem] = []
    lines: list[Line] = []
    try:
        rows = _rows(path, shown, mapping.sheet)
        header_index, positions = _header(rows, mapping, shown)
        for number, row in enumerate(rows, start=header_index + 2):
            if number > MAX_ROWS:
                problems.append(Problem(shown, "E565", M.export_label("figures_too_many", limit=MAX_ROWS)))
                break
            cells = {key: row[i] if i < len(row) else None for key, i in positions.items()}
            code = _text(cells.get(CODE))
            if not code:
                if any(_text(v) for v in row):
                    problems.append(Problem(_where(shown, number, positions[CODE]), "E563", M.export_label("figures_no_code")))
                continue
            figures: dict[str, Decimal] = {}
            for name in FIGURES:
                key = F.AMOUNT_FIELDS[name]
                if key not in positions:
                    continue
                try:
                    value = _amount(cells[key])
                except InvalidOperation:
                    where = _where(shown, number, positions[key])
                    problems.append(
                        Problem(where, "E564", M.export_label("figures_not_number", column=mapping.columns[key], value=cells[key]))
                    )
                    continue
                if value is not None:
                    figures[name] = value / mapping.unit
            fund_text = _text(cells.get(FUND)) if FUND in positions else ""
            fund = mapping.funds.get(fund_text, fund_text) or None
            if fund is not None and fund not in F.PROJECT_FUND_ROWS:
                where = _where(shown, number, positions[FUND])
                problems.append(
                    Problem(where, "E566", M.export_label("figures_unknown_fund", value=fund_text, allowed="、".join(F.PROJECT_FUND_ROWS)))
                )
                continue
            lines.append(Line(_where(shown, number, positions[CODE]), code, fund, figures))
    except ValueError as exc:
        problems.append(Problem(shown, "E562", str(exc)))
    except sheets.SheetProblem as exc:  # refused by the bounded opening: its own code and message
        problems.append(Problem(shown, exc.code, str(exc)))
    return lines, problems


def _where(shown: str, row: int, column: int) -> str:
    from xlsxwriter.utility import xl_col_to_name  # the column's letters (0 -> A); loaded only with a place to name

    return M.export_label("figures_where", file=shown, row=row, column=xl_col_to_name(column))


def _header(rows: Iterator[tuple[Any, ...]], mapping: Mapping, shown: str) -> tuple[int, dict[str, int]]:
    """(0-based index of the header row, column index of each mapped key); the header is the given row, else the first
    of the first rows that holds the 项目代码 column's text."""
    wanted = mapping.columns
    for index, row in enumerate(rows):
        texts = [_text(v) for v in row]
        is_header = (index + 1 == mapping.header_row) if mapping.header_row else wanted[CODE] in texts
        if is_header:
            missing = [v for v in wanted.values() if v not in texts]
            if missing:
                raise ValueError(M.export_label("figures_missing_columns", file=shown, row=index + 1, columns="、".join(missing)))
            return index, {key: texts.index(text) for key, text in wanted.items()}
        if mapping.header_row is None and index + 1 >= HEADER_SEARCH:
            break
    raise ValueError(M.export_label("figures_no_header", file=shown, column=wanted[CODE], rows=mapping.header_row or HEADER_SEARCH))


# --- the submissions, edited value by value ----------------------------------------------------------------------


@dataclass
class _Target:
    """A project file: its text, and (composed on first use) the part that holds its budget table."""

    path: Path
    text: str
    code: str
    block: tuple[int, int] | None  # the lines of the top-level 资金 block; None: the whole file is composed
    _node: yaml.Node | None = None

    def node(self) -> yaml.Node | None:
        """The file's (or only its 资金 block's, at its own line numbers) composed tree."""
        if self._node is None:
            self._node = _compose(self.text, self.block)
        return self._node


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str, block: tuple[int, int] | None) -> yaml.Node | None:
    """Compose the text, or only the lines of `block` behind as many empty lines (so the marks stay the file's)."""
    if block is not None:
        lines = text.split("\n")
        text = "\n" * block[0] + "\n".join(lines[block[0] : block[1]])
    return yaml.compose(text, Loader=_LOADER)


def _top_level(text: str, key: str) -> list[int]:
    """The lines where a top-level key starts in block style (「资金:」 at column 0)."""
    prefix = key + ":"
    return [i for i, line in enumerate(text.split("\n")) if line.startswith(prefix)]


def _block(text: str, start: int) -> tuple[int, int]:
    """From a top-level key's line to the next top-level line (a key, a document marker; comments stay inside)."""
    lines = text.split("\n")
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " \t#"):
        end += 1
    return start, end


_CODE_LINE = re.compile(r"""^[^:]+:[ \t]*(?:"(?P<double>[^"\\]*)"|'(?P<single>[^']*)'|(?P<plain>[^\s"'#][^#]*?))[ \t]*(?:#.*)?\r?$""")


def _code(line: str) -> str | None:
    """The 项目代码 of its top-level line: quoted or plain, without the C composer when it is that simple."""
    match = _CODE_LINE.match(line)
    if match is not None:
        return match["double"] if match["double"] is not None else match["single"] if match["single"] is not None else match["plain"]
    node = yaml.compose(line, Loader=_LOADER)
    return next((str(v.value) for _, v in node.value), None) if isinstance(node, yaml.MappingNode) else None


def _index(files: list[tuple[Path, str]]) -> tuple[dict[str, list[_Target]], list[Problem]]:
    """Each project file of the period by its 项目代码. A file in block style at the top (docgen's canonical form)
    is read by its two top-level lines; any other is composed whole by the C composer."""
    by_code: dict[str, list[_Target]] = {}
    problems: list[Problem] = []
    code_key, funds_key = F.KEYS["project_code"], F.KEYS["funds"]
    for path, text in files:
        codes, funds = _top_level(text, code_key), _top_level(text, funds_key)
        try:
            if len(codes) == 1 and len(funds) == 1:
                code = _code(text.split("\n", codes[0] + 1)[codes[0]])
                target = _Target(path, text, str(code), _block(text, funds[0])) if code is not None else None
            else:
                node = _compose(text, None)
                if not isinstance(node, yaml.MappingNode):
                    continue
                code = next((v.value for k, v in node.value if k.value == code_key and isinstance(v, yaml.ScalarNode)), None)
                target = _Target(path, text, str(code), None, node) if code is not None else None
        except yaml.YAMLError:
            problems.append(Problem(str(path), "E567", M.export_label("figures_bad_yaml")))
            continue
        if target is not None:
            by_code.setdefault(target.code, []).append(target)
    return by_code, problems


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _replace(text: str, edits: list[tuple[yaml.ScalarNode, str]]) -> str:
    """Each scalar's characters replaced (marks are character offsets); an inline comment after it keeps two spaces."""
    lines = text.split("\n")
    for node, value in sorted(edits, key=lambda e: (e[0].start_mark.line, e[0].start_mark.column), reverse=True):
        start, end = node.start_mark, node.end_mark
        line = lines[start.line]
        rest = line[end.column :]
        if rest.lstrip().startswith("#"):
            rest = "  " + rest.lstrip()
        lines[start.line] = line[: start.column] + value + rest
    return "\n".join(lines)


def plan(lines: list[Line], files: list[tuple[Path, str]], *, ignore_unmatched: bool = False) -> Planned:
    """The new text of every submission the lines touch; the lines that match nothing or several things reported."""
    planned = Planned(lines=len(lines))
    by_code, planned.problems = _index(files)
    grouped: dict[str, dict[str | None, dict[str, Decimal]]] = {}
    first_seen: dict[tuple[str, str | None], str] = {}
    for line in lines:
        targets = by_code.get(line.code, [])
        if not targets:
            severity = "warning" if ignore_unmatched else "error"
            planned.problems.append(
                Problem(line.where, "W560" if ignore_unmatched else "E560", M.export_label("figures_unmatched", code=line.code), severity)
            )
            continue
        if len(targets) > 1:
            others = "、".join(str(t.path) for t in targets)
            planned.problems.append(Problem(line.where, "E561", M.export_label("figures_ambiguous", code=line.code, files=others)))
            continue
        row = grouped.setdefault(line.code, {}).setdefault(line.fund, {})
        first_seen.setdefault((line.code, line.fund), line.where)
        for name, value in line.figures.items():  # several lines of a project and fund row (one per 指标文号) add up
            row[name] = row.get(name, Decimal(0)) + value
    for code, rows in grouped.items():
        target = by_code[code][0]
        _plan_file(target, rows, first_seen, code, planned)
    return planned


def _plan_file(
    target: _Target, rows: dict[str | None, dict[str, Decimal]], seen: dict[tuple[str, str | None], str], code: str, planned: Planned
) -> None:
    try:
        root = target.node()
    except yaml.YAMLError:
        planned.problems.append(Problem(str(target.path), "E567", M.export_label("figures_bad_yaml")))
        return
    funds = _child(root, F.KEYS["funds"]) if root is not None else None
    if not isinstance(funds, yaml.MappingNode):
        where = seen[code, next(iter(rows))]
        planned.problems.append(Problem(where, "E568", M.export_label("figures_no_table", code=code, file=str(target.path))))
        return
    present = {k.value: v for k, v in funds.value if isinstance(k, yaml.ScalarNode)}
    edits: dict[tuple[str, ...], tuple[yaml.ScalarNode, str]] = {}
    for fund, figures in rows.items():
        name = fund
        if name is None:
            if len(present) != 1:
                where = seen[code, fund]
                planned.problems.append(
                    Problem(where, "E569", M.export_label("figures_which_row", code=code, rows="、".join(present) or "—"))
                )
                continue
            name = next(iter(present))
        row = present.get(name)
        if not isinstance(row, yaml.MappingNode):
            where = seen[code, fund]
            planned.problems.append(Problem(where, "E570", M.export_label("figures_no_row", code=code, row=name, file=str(target.path))))
            continue
        for figure, value in figures.items():
            key = F.AMOUNT_FIELDS[figure]
            node = _child(row, key)
            if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line or node.style not in (None, ""):
                where = seen[code, fund]
                planned.problems.append(
                    Problem(where, "E571", M.export_label("figures_no_value", code=code, row=name, key=key, file=str(target.path)))
                )
                continue
            if _decimal(node.value) != value:
                edits[F.KEYS["funds"], name, key] = (node, money_text(value.normalize()))
    if not edits:
        planned.unchanged.append(target.path)
        return
    after = _replace(target.text, list(edits.values()))
    if root is None or not _confirmed(root, after, target.block, edits):
        planned.problems.append(Problem(str(target.path), "E572", M.export_label("figures_not_confirmed")))
        return
    planned.changes.append(Change(target.path, target.text, after, ["·".join(path[1:]) for path in edits]))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _confirmed(
    before: yaml.Node, after: str, block: tuple[int, int] | None, edits: dict[tuple[str, ...], tuple[yaml.ScalarNode, str]]
) -> bool:
    """Composed again: the same tree (or 资金 block: the only lines edited), scalar for scalar, except the edited
    values, which read as intended."""
    try:
        node = _compose(after, block)
    except yaml.YAMLError:
        return False
    wanted = {path: text for path, (_, text) in edits.items()}
    return node is not None and _same(before, node, (), wanted) and not wanted


def _same(a: yaml.Node, b: yaml.Node, path: tuple[str, ...], wanted: dict[tuple[str, ...], str]) -> bool:
    """Walk two composed trees together; each edited path found is crossed off `wanted`."""
    if isinstance(a, yaml.ScalarNode) and isinstance(b, yaml.ScalarNode) and path in wanted:  # 「未填报」 becomes a number
        return bool(b.value == wanted.pop(path) and b.style == a.style)
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    if isinstance(a, yaml.ScalarNode) and isinstance(b, yaml.ScalarNode):
        return bool(a.value == b.value and a.style == b.style)
    if isinstance(a, yaml.SequenceNode):
        return len(a.value) == len(b.value) and all(
            _same(x, y, (*path, str(i)), wanted) for i, (x, y) in enumerate(zip(a.value, b.value, strict=True))
        )
    pairs = list(zip(a.value, b.value, strict=False))
    return len(a.value) == len(b.value) and all(
        _same(ka, kb, (), {}) and _same(va, vb, (*path, str(ka.value)), wanted) for (ka, va), (kb, vb) in pairs
    )
