"""The 汇总表 written from prepared parts (render/rollup_xml.py) against the same sheets drawn cell by cell with
XlsxWriter (`rollup._written_by_xlsxwriter`, the writer before it): byte for byte on every department's and the
city's 汇总表 of a generated tree with 涉密 projects pooled and withheld, and on hostile texts (markup, control
characters, spaces at either end, texts longer than a cell holds, 「未填报」 in a figure's column)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pytest

from docgen import api
from docgen.render import rollup, rollup_xml
from docgen.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

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
        books.append(rollup.city_sheets(city, analysis))
        books += [rollup.department_sheets(line.rollup, analysis) for line in city.departments]
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
