"""附件2/附件3 reopened with openpyxl: headers verbatim, merges as on the form, numbers as numbers, print set-up."""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from docgen.errors import EnvironmentProblem
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, limits
from docgen.form import vocabulary as F
from docgen.form.indicators import parse
from docgen.form.model import Amounts, Department, Project
from docgen.render import layout, templates, xlsx


def sheet_of(sub: Project | Department, tpl: templates.Templates) -> Worksheet:
    data = xlsx.workbook_bytes(evaluate(sub), tpl.path(templates.TABLES_YAML))
    return openpyxl.load_workbook(io.BytesIO(data)).active


def text(ws: Worksheet, ref: str) -> str:
    """A cell's text as a reader sees it."""
    return str(ws[ref].value or "").replace("\n", "")


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_project_grid_is_the_form(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    assert ws.title == "附件2"
    assert text(ws, "A1") == "市级项目支出绩效运行监控表"
    assert text(ws, "A2") == "（2025年1-6月）"
    assert (text(ws, "A3"), text(ws, "C3")) == ("项目名称", project.name)
    assert (text(ws, "A4"), text(ws, "C4"), text(ws, "H4"), text(ws, "J4")) == (
        "主管部门及代码",
        "朔州市教育局（101）",
        "预算单位",
        "朔州市教育局本级",
    )
    assert text(ws, "A5") == "项目资金预算安排及执行进度（万元）"
    headers = {ref: text(ws, ref) for ref in ("C5", "C6", "D6", "E6", "F5", "G5", "I5", "J5", "L5")}
    assert headers == {
        "C5": "年度预算资金安排",
        "C6": "上年结转",
        "D6": "本年预算",
        "E6": "小计",
        "F5": "1-6月下达数",
        "G5": "1-6月下达率%（下达数/本年预算数）",
        "I5": "1-6月支出数",
        "J5": "1-6月支出进度%（支出数/安排数）",
        "L5": "全年预计支出数",
    }
    assert [text(ws, f"B{r}") for r in range(7, 14)] == [
        "资金总额：",
        "其中：中央财政资金",
        "省级财政资金",
        "市级财政资金",
        "县（区）财政资金",
        "单位自筹资金",
        "其他资金",
    ]
    assert (text(ws, "A14"), text(ws, "C14")) == ("项目年度绩效目标", project.target)
    assert text(ws, "A15") == "绩效指标"
    assert [text(ws, f"{c}15") for c in "BCDEFGHJM"] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "1-6月指标完成情况",
        "全年指标预计完成情况",
        "偏差原因分析",
        "完成目标可能性“√”",
        "备注",
    ]
    assert [text(ws, f"{c}16") for c in "JKL"] == ["确定能", "有可能", "完全不可能"]
    assert {
        "A1:M1",
        "A2:M2",
        "A3:B3",
        "C3:M3",
        "A4:B4",
        "C4:G4",
        "H4:I4",
        "J4:M4",
        "A5:A13",
        "B5:B6",
        "C5:E5",
        "F5:F6",
        "G5:H6",
        "I5:I6",
        "J5:K6",
        "L5:M6",
        "G7:H7",
        "A14:B14",
        "C14:M14",
        "J15:L15",
        "H15:I16",
    } <= merged(ws)


def test_notes_are_verbatim_under_the_table(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    last = ws.max_row
    notes = [text(ws, f"A{r}") for r in range(last - 2, last + 1)]
    assert "偏差原因分析：针对与预期目标产生偏差的指标值，分别从决策、过程和管理等方面进行判断和分析，并说明理由。" in notes[0]
    assert "完成目标可能性：分确定能、有可能、完全不可能三级判断完成绩效目标的可能性。" in notes[1]
    assert "如果“完全不可能完成”，请在备注中提出拟采取的措施。" in notes[2]
    assert {f"A{r}:M{r}" for r in range(last - 2, last + 1)} <= merged(ws)


def test_numbers_are_numbers_with_formats(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    total = ws["E7"]  # 资金总额 小计 = 35.50 + 1100.00
    assert total.value == pytest.approx(1135.50) and total.data_type == "n" and total.number_format == "#,##0.00_)"
    rate = ws["G7"]  # 下达率 980 / 1100
    assert rate.value == pytest.approx(0.8909) and rate.number_format == "0.00%_)"
    progress = ws["J10"]  # 市级财政资金 支出进度 98.2 / 275.5
    assert progress.value == pytest.approx(0.3564) and progress.number_format == "0.00%_)"
    assert ws["C9"].value is None  # 省级财政资金 not written: blank, as on a hand-filled form


def test_zero_denominator_shows_a_dash(project: Project, tpl: templates.Templates) -> None:
    funds = {**project.funds, "其他资金": Amounts(carried_over=Decimal(5), spent=Decimal(1))}  # 本年预算 0: no 下达率
    ws = sheet_of(dataclasses.replace(project, tables={"funds": funds}), tpl)
    assert text(ws, "G13") == F.NO_RATE
    assert ws["J13"].value == pytest.approx(0.2)


def test_indicator_rows_ticks_and_spans(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    rows = range(17, ws.max_row - 2)
    level2 = [text(ws, f"C{r}") for r in rows if ws[f"C{r}"].value]
    assert level2 == list(F.LEVEL2_ALL)  # every 二级 shows, an empty one as a blank row
    for r in rows:
        name = ws[f"D{r}"].value
        ticks = [c for c in "JKL" if ws[f"{c}{r}"].value == F.TICK]
        if name:
            indicator = next(i for i in project.indicators if i.name == name)
            assert ticks == ["JKL"[F.LIKELIHOODS.index(indicator.likelihood)]]
        else:
            assert ticks == []
    ranges = merged(ws)
    first = rows[0]
    assert f"B{first}:B{first + 3}" in ranges  # 产出指标 over its four 二级 rows (one indicator each here)
    assert f"A15:A{rows[-1]}" in ranges


def test_department_has_two_numbered_budget_tables(department: Department, tpl: templates.Templates) -> None:
    ws = sheet_of(department, tpl)
    assert ws.title == "附件3"
    assert text(ws, "A1") == "市级部门整体支出绩效运行监控表"
    assert (text(ws, "A3"), text(ws, "C3")) == ("主管部门（单位）及代码", "朔州市教育局（101）")
    assert text(ws, "A4") == "预算安排及执行进度（万元）"
    column_b = [text(ws, f"B{r}") for r in range(4, 20)]
    first, second = column_b.index("1."), column_b.index("2.")
    assert column_b[first + 2 : first + 9] == [
        "资金总额：",
        "其中：一般公共预算资金",
        "政府性基金预算资金",
        "国有资本经营预算资金",
        "社会保险基金预算资金",
        "财政专户管理资金",
        "单位资金",
    ]
    assert column_b[second + 2 : second + 5] == ["资金总额：", "其中：基本支出", "项目支出"]
    totals = [r for r in range(4, 20) if text(ws, f"B{r}") == "资金总额："]
    assert ws[f"E{totals[0]}"].value == ws[f"E{totals[1]}"].value  # both tables describe the same money
    assert f"A4:A{4 + second + 4}" in merged(ws)
    assert any(text(ws, f"A{r}") == "年度绩效目标" for r in range(4, 25))


def test_text_that_looks_like_a_formula_stays_text(project: Project, tpl: templates.Templates) -> None:
    first = dataclasses.replace(
        project.indicators[0], name='=HYPERLINK("http://x")', remark="@SUM(A1)", result=parse("+1人"), deviation="-不是公式"
    )
    ws = sheet_of(dataclasses.replace(project, target="=1+1", indicators=(first, *project.indicators[1:])), tpl)
    assert ws["C14"].value == "=1+1" and ws["C14"].data_type == "s"
    row = next(r for r in range(17, ws.max_row) if ws[f"D{r}"].value == first.name)
    assert [ws[f"{c}{row}"].data_type for c in "DFHM"] == ["s"] * 4
    assert [ws[f"{c}{row}"].value for c in "DFHM"] == [first.name, "+1人", "-不是公式", "@SUM(A1)"]


def test_fonts_wrap_borders_and_print_setup(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.bold
    assert ws["B15"].font.name == "黑体"
    assert ws["D17"].font.name == "宋体" and ws["D17"].alignment.wrap_text and ws["D17"].border.left.style == "thin"
    setup = ws.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight in (None, 1)  # absent means 1 (ECMA-376): fits one page
    assert not ws.row_breaks.brk
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$15:$16"  # the indicator header repeats on every printed page
    assert all(ws.row_dimensions[r].height and ws.row_dimensions[r].height >= 20 for r in range(3, ws.max_row - 2))


def test_block_labels_stand_vertical_and_verbatim(project: Project, department: Department, tpl: templates.Templates) -> None:
    """Stacked characters (rotation 255) hold the label as written: no line breaks built into the text."""
    for sub, label in ((project, F.PROJECT_BUDGET_BLOCK), (department, F.DEPARTMENT_BUDGET_BLOCK)):
        ws = sheet_of(sub, tpl)
        cell = ws["A5"] if sub is project else ws["A4"]
        assert cell.value == label and cell.alignment.textRotation == 255
        indicators = next(ws[f"A{r}"] for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == F.INDICATOR_BLOCK)
        assert indicators.alignment.textRotation == 255
        assert ws["C7" if sub is project else "C6"].alignment.textRotation in (None, 0)  # figures stay horizontal


def test_cells_have_padding(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(project, tpl)
    assert ws["C4"].alignment.indent == 1  # text off the left border
    assert ws["E7"].number_format.endswith("_)")  # figures off the right border
    assert ws["A4"].alignment.horizontal == "center" and not ws["A4"].alignment.indent  # labels centred, no indent


def test_tall_table_breaks_between_groups_with_labels_split(project: Project, tpl: templates.Templates) -> None:
    """A table far taller than a page: manual breaks only where an indicator group starts, the 一级 label repeated."""
    tall = dataclasses.replace(project, indicators=tuple(dataclasses.replace(i, deviation="说明。" * 30) for i in project.indicators))
    ev = evaluate(tall)
    sheet, _, plan = xlsx.laid_out(ev, templates.table_style(tpl.path(templates.TABLES_YAML)))
    assert plan.breaks and set(plan.breaks) <= {row for row, _ in layout.place(ev).breaks}
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(ev, tpl.path(templates.TABLES_YAML)))).active
    assert [b.id for b in ws.row_breaks.brk] == list(plan.breaks)  # 0-based break row = 1-based last row above it
    fit = ws.sheet_properties.pageSetUpPr
    assert ws.page_setup.scale == plan.scale < 100 and not (fit and fit.fitToPage)  # readers ignore breaks when fitting
    for brk in plan.breaks:  # no merged range crosses a break
        assert not [r for r in ws.merged_cells.ranges if r.min_row <= brk < r.max_row]
    spanning = [c.value for c in sheet.cells if c.style == "block"]
    assert spanning.count(F.INDICATOR_BLOCK) == len(plan.breaks) + 1 - sum(b == sheet.header_rows[0] for b in plan.breaks)


def test_long_text_gets_taller_rows(project: Project, tpl: templates.Templates) -> None:
    ws = sheet_of(dataclasses.replace(project, target="保障困难学生顺利完成学业。" * 30), tpl)
    assert ws.row_dimensions[14].height > 3 * ws.row_dimensions[3].height


def test_same_input_same_bytes(project: Project, department: Department, tpl: templates.Templates) -> None:
    style = tpl.path(templates.TABLES_YAML)
    for sub in (project, department):
        assert xlsx.workbook_bytes(evaluate(sub), style) == xlsx.workbook_bytes(evaluate(sub), style)


def test_layout_describes_fields_for_reading_back(project: Project) -> None:
    """The placed cells name the fields they hold: a reader of filled-in forms finds them by this description."""
    sheet = layout.place(evaluate(project))
    fields = {c.field: (c.row, c.col) for c in sheet.cells if c.field}
    assert fields["name"] == (2, 2)
    assert fields["funds.资金总额.subtotal"] == (6, 4)
    assert fields["funds.市级财政资金.spend_progress"] == (9, 9)
    assert all(c.field is None for c in sheet.cells if c.style in ("header", "title", "note", "block"))
    assert forms.FORMS["department"].blocks[1].tables[1].rows == F.DEPT_FUND_ROWS_BY_USE  # type: ignore[union-attr]


def test_restyled_tables_template_is_used(project: Project, tpl: templates.Templates, tmp_path: Path) -> None:
    text_ = tpl.path(templates.TABLES_YAML).read_text(encoding="utf-8").replace("{name: 宋体, size: 10}", "{name: 仿宋, size: 11}")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "tables.yaml").write_text(text_, encoding="utf-8")
    restyled = templates.find(tmp_path)
    assert restyled.path(templates.TABLES_YAML).parent == tmp_path / "templates"
    assert restyled.digest != tpl.digest
    ws = sheet_of(project, restyled)
    assert (ws["D17"].font.name, ws["D17"].font.size) == ("仿宋", 11)


def test_tables_template_without_print_numbers_takes_docgens(project: Project, tpl: templates.Templates, tmp_path: Path) -> None:
    text_ = tpl.path(templates.TABLES_YAML).read_text(encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "tables.yaml").write_text(text_[: text_.index("\nprint:")] + "\n", encoding="utf-8")
    own = templates.find(tmp_path)
    assert "print" not in templates.table_style(own.path(templates.TABLES_YAML))
    assert sheet_of(project, own).row_dimensions[5].height == sheet_of(project, tpl).row_dimensions[5].height


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ("print: {width_scale: abc}", "「print.width_scale」应为"),
        ("print: [1, 2]", "「print」应为「键: 值」形式"),
        ("print: {width_scale: 0}", "「print.width_scale」应为 0.1 到 4"),
    ],
)
def test_bad_print_numbers_are_a_chinese_message(bad: str, said: str, tpl: templates.Templates, tmp_path: Path) -> None:
    text_ = tpl.path(templates.TABLES_YAML).read_text(encoding="utf-8")
    path = tmp_path / "tables.yaml"
    path.write_text(text_[: text_.index("\nprint:")] + "\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match=re.escape(said)):
        templates.table_style(path)


def test_a_target_at_its_bound_fits_excels_tallest_row(project: Project, tpl: templates.Templates) -> None:
    """limits.MAX_TARGET_CHARS is what the 年度绩效目标 row can show: at the bound the row stays within Excel's 409 pt
    (one character more than the row holds is cut in Excel and in print; the check refuses it with E220)."""
    for bound, held in ((limits.MAX_TARGET_CHARS, True), (limits.MAX_TARGET_CHARS * 2, False)):
        ws = sheet_of(dataclasses.replace(project, target="长" * bound), tpl)
        row = next(c.row for r in ws.iter_rows() for c in r if c.value == "长" * bound)
        assert (ws.row_dimensions[row].height <= 409) is held, ws.row_dimensions[row].height
