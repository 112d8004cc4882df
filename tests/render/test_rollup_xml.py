"""The 汇总表 written from prepared parts (render/rollup_xml.py) against the same sheets drawn cell by cell with
XlsxWriter (`rollup._written_by_xlsxwriter`, the writer before it): byte for byte on every department's and the
city's 汇总表 of a generated tree with 涉密 projects pooled and withheld, and on hostile texts (markup, control
characters, spaces at either end, texts longer than a cell holds, 「未填报」 in a figure's column)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import zlib
from pathlib import Path

import openpyxl
import pytest

from docgen import api
from docgen.render import pdf, rollup, rollup_parts, rollup_xml
from docgen.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

from tests.golden.normalise import xlsx as normalise_xlsx

SECRET = ("101-2025-0100", "101-2025-0110", "101-2025-0120", "102-2025-0031")


def test_every_rollup_of_a_generated_tree_is_the_bytes_xlsxwriter_writes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    generate(root, 150)
    period = root / "submissions" / "2025-06"
    roster = period / "名单.yaml"
    text = roster.read_text(encoding="utf-8")
    for code in SECRET:
        path = next(period.rglob(f"{code}.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
        line = next(line for line in text.splitlines() if f'"{code}"' in line)
        text = text.replace(line, line.removesuffix("}") + ", 涉密: true}")
    roster.write_text(text, encoding="utf-8")
    ws = Workspace.at(root)
    result = api.check([ws.submissions], workspace=ws, cache=False)
    assert result.ok
    analysis = api.analyse(result)
    books = []
    for city in rollup.cities(analysis, result.rosters):
        books.append(rollup.city_value_sheets(city, analysis))
        # the city's as every writer writes it, its long sheets from each department's pieces: the same cells
        (tmp_path / "pieces.xlsx").write_bytes(rollup.city_workbook(city, analysis))
        (tmp_path / "values.xlsx").write_bytes(rollup._written_by_xlsxwriter(books[-1]))
        assert normalise_xlsx(tmp_path / "pieces.xlsx") == normalise_xlsx(tmp_path / "values.xlsx")
        books += [rollup.department_sheets(line.rollup, analysis) for line in city.departments]
        # … and as `docgen build` writes a department's after one edit: its rows laid out once for it and the city's
        books += [rollup.department_sheets(line.rollup, analysis, rollup_parts.lay(line.rollup, analysis)) for line in city.departments]
    assert len(books) > 5 and any(sheet.rows for sheets in books for sheet in sheets if sheet.name == "预警明细")
    for sheets in books:
        assert rollup.workbook(sheets) == rollup._written_by_xlsxwriter(sheets)


def _sheet(rows: list[dict[str, object]], note: str = "", name: str = "项目汇总") -> rollup.Sheet:
    return rollup.Sheet(name, "标题", "副标题", rollup.PROJECT_COLUMNS, rows, rows[0] if rows else None, note)


HOSTILE = [
    {"code": "<r>x</r>", "name": "</t></si><si><t>注入", "unit": " 前后有空格 ", "light": "red", "budget": 12.5},
    {"code": "\x01\x1f_x0041_", "name": "长" * 40000, "unit": "a&b<c>", "light": "unknown", "budget": "未填报"},
    {"code": "", "name": "很长的名称" * 30, "unit": "{0}}{1", "light": None, "budget": None},
]


@pytest.mark.parametrize("rows", [HOSTILE[1:], HOSTILE, []], ids=["texts", "markup", "empty"])
def test_hostile_texts_are_written_as_xlsxwriter_writes_them(rows: list[dict[str, object]]) -> None:
    sheets = [_sheet(rows, note="注：" + "\x02"), _sheet(rows[:1], name="预警明细")]
    data = rollup.workbook(sheets)
    assert data == rollup._written_by_xlsxwriter(sheets)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["项目汇总", "预警明细"]
    if rows:
        first = book.worksheets[0]
        name = str(first.cell(row=4, column=2).value)
        assert name[:2000] == str(rows[0]["name"])[:2000]  # markup read back as the text it was, never as XML


def test_markup_is_left_to_xlsxwriter() -> None:
    with pytest.raises(rollup_xml.Markup):
        rollup_xml.workbook([_sheet(HOSTILE)])


def test_rows_widened_for_the_city_are_those_prepared_for_its_columns() -> None:
    """A department's rows made ready for its 汇总表, with its code and name put first (rollup_xml.widened, how a
    build lays them out once for both), are its rows made ready for the city's columns; a long name's lines too."""
    rows = [{**row, "department_code": "101", "department": name} for row in READABLE for name in ("教育局", "很长的部门名称" * 6)]
    ready = list(map(rollup_xml.Preparer(rollup.PROJECT_COLUMNS), rows))
    widened = list(rollup_xml.widened(rollup.CITY_PROJECT_COLUMNS[:2], rows, ready))
    assert widened == list(map(rollup_xml.Preparer(rollup.CITY_PROJECT_COLUMNS), rows))
    assert [lines for lines, _, _ in widened] != [lines for lines, _, _ in ready]  # the name is the tallest cell once


def _pieced(sheet: rollup.Sheet) -> rollup.Sheet:
    """The sheet with its rows written as two pieces (rollup_xml.piece), as the city's 汇总表 splices its departments'."""
    columns = sheet.shown
    prepared = list(map(rollup_xml.Preparer(columns), sheet.rows))
    half = len(prepared) // 2
    pieces = tuple(rollup_xml.piece(part, len(columns)) for part in (prepared[:half], [], prepared[half:]))
    return dataclasses.replace(sheet, rows=[], prepared=rollup_xml.Pieces(pieces))


def _texts(path: Path) -> list[list[list[object]]]:
    """Every sheet's values, an empty text as no value (LibreOffice saves none for it)."""
    book = openpyxl.load_workbook(path)
    return [[[cell.value if cell.value != "" else None for cell in row] for row in ws.iter_rows()] for ws in book.worksheets]


#: HOSTILE but for the control characters and the literal _xHHHH_: openpyxl decodes those escapes in the shared
#: strings only, so an inline text holding them reads back escaped there (Excel decodes both; see the test below).
READABLE = [HOSTILE[0], {**HOSTILE[1], "code": "a\tb"}, HOSTILE[2]]


@pytest.mark.parametrize("rows", [READABLE, HOSTILE[:1] * 40, []], ids=["hostile", "many", "empty"])
def test_rows_written_as_pieces_are_the_cells_xlsxwriter_writes(rows: list[dict[str, object]], tmp_path: Path) -> None:
    """The city's long sheets from pieces (rows without numbers, inline texts, fixed styles): a reader sees the cells,
    formats, heights and set-up XlsxWriter writes; markup in a piece's text is text; the zip's CRCs hold (read back)."""
    total = {"code": "合计", "budget": 1.5, "light": "green"}
    sheets = [rollup.Sheet(name, "标题", "副标题", rollup.PROJECT_COLUMNS, rows, total, "注：\x02") for name in ("项目汇总", "预警明细")]
    (tmp_path / "xlsxwriter.xlsx").write_bytes(rollup._written_by_xlsxwriter(sheets))
    pieced = [_pieced(sheet) for sheet in sheets]
    (tmp_path / "pieces.xlsx").write_bytes(rollup.workbook(pieced))
    assert normalise_xlsx(tmp_path / "pieces.xlsx") == normalise_xlsx(tmp_path / "xlsxwriter.xlsx")
    assert rollup.workbook(pieced) == rollup.workbook(pieced)


@pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_libreoffice_reads_the_rows_of_pieces(tmp_path: Path) -> None:
    """LibreOffice numbers rows and cells without their numbers as Excel and openpyxl do: saved again by it, the
    workbook holds the same values."""
    sheets = [rollup.Sheet("项目汇总", "标题", "副标题", rollup.PROJECT_COLUMNS, READABLE[1:] * 3, None, "注")]
    source = tmp_path / "in" / "pieces.xlsx"
    source.parent.mkdir()
    source.write_bytes(rollup.workbook([_pieced(sheets[0])]))
    exe = pdf.soffice()
    assert exe is not None
    profile = tmp_path / "profile"
    command = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "xlsx"]
    subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    again = _texts(tmp_path / "pieces.xlsx")
    assert again[0][3:] == _texts(source)[0][3:]  # the rows (LibreOffice writes the title's merged cells its own way)
    assert len(again[0]) == 3 + 6 + 2 and again[0][-1][0] == "注"  # the note after a blank row, where it belongs


def test_a_piece_escapes_every_text() -> None:
    """Escaping by construction in a piece too: markup as entities, forbidden characters and a literal _xHHHH_ as
    Excel's escapes, texts longer than a cell holds cut as XlsxWriter cuts them."""
    columns = rollup.Sheet("", "", "", rollup.PROJECT_COLUMNS, []).shown
    made = rollup_xml.piece(map(rollup_xml.Preparer(columns), HOSTILE), len(columns))
    xml = zlib.decompressobj(-15).decompress(made.deflated).decode("utf-8")
    assert made.rows == 3 and made.size == len(xml.encode()) and made.crc == zlib.crc32(xml.encode())
    assert "&lt;r&gt;x&lt;/r&gt;" in xml and "&lt;/t&gt;&lt;/si&gt;" in xml and "_x0001__x001F__x005F_x0041_" in xml
    assert '<t xml:space="preserve"> 前后有空格 </t>' in xml and "<r>" not in xml and "\x01" not in xml
    assert "长" * 32767 in xml and "长" * 32768 not in xml


def test_a_crc_of_two_texts_joined_is_computed_from_theirs() -> None:
    for first, second in [(b"", b"x"), (b"abc", b""), (bytes(range(256)) * 40, "汇总表".encode() * 9999)]:
        assert rollup_xml.crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)
