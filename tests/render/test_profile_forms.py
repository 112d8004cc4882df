"""The national 财预〔2019〕136号 and the Hubei profiles: their demos validate, and nothing is dropped.

Each demo submission (examples/profiles/<id>/) is validated against its profile's schema, built on its profile's
form, rendered to .xlsx and read back cell by cell with openpyxl: every value the YAML gives for the form (identity,
check-boxes, every amount of every fund row, every indicator column, the split 偏差原因分析, the table-level rows)
is found in the cell the form's description puts it in. Then what each form lacks: no 上年结转/下达数 column means no
ratio that needs one, a two-level form has no 二级, and the likelihood rules follow the profile's scale.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
import openpyxl
import pytest

from docgen.check import consistency
from docgen.check.load import Document, load_file, load_text
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, model, schema
from docgen.form import vocabulary as F
from docgen.render import templates, xlsx
from docgen.render.layout import place

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ("national-2019", "hubei")
#: Keys a submission carries that its form does not print on the workbook (the code names the file; 附件1's texts).
NOT_ON_THE_FORM = {"项目代码"}


def _demo_files(profile_id: str) -> list[Path]:
    folder = ROOT / "examples" / "profiles" / profile_id / "submissions"
    return sorted(p for p in folder.rglob("*.yaml") if p.name != "名单.yaml")


def _kind(path: Path) -> str:
    return "department" if path.name == "部门整体.yaml" else "project"


def _load(path: Path) -> Document:
    doc, findings = load_file(path)
    assert doc is not None, findings
    return doc


def _sheet_cells(ev: Any) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The rendered workbook's sheet, and where each placed field went (openpyxl's 1-based row, column)."""
    data = xlsx.workbook_bytes(ev, templates.BUILTIN / templates.TABLES_YAML)
    book = openpyxl.load_workbook(io.BytesIO(data))
    where = {cell.field: (cell.row + 1, cell.col + 1) for cell in place(ev).cells if cell.field}
    return book.worksheets[0], where


def _money(value: Any) -> Any:
    return value if isinstance(value, str) else Decimal(str(value))


@pytest.mark.parametrize("profile_id", PROFILES)
def test_every_value_of_every_demo_submission_is_on_its_workbook(profile_id: str) -> None:
    profile = forms.builtin(profile_id)
    files = _demo_files(profile_id)
    assert files
    checked = sum(_check_submission(path, profile.form(_kind(path))) for path in files)
    assert checked > 20


class _Book:
    """The rendered workbook of one submission, read back, and where the form put each field."""

    def __init__(self, ev: Any) -> None:
        self.ws, self.where = _sheet_cells(ev)

    def cell(self, field: str) -> Any:
        row, col = self.where[field]
        return self.ws.cell(row, col).value


def _check_submission(path: Path, form: forms.Form) -> int:
    """Validate, render and read back one demo submission; every value it gives is found. Returns the values checked."""
    kind = _kind(path)
    doc = _load(path)
    errors = [e.message for e in jsonschema_rs.validator_for(schema.schema_of(form)).iter_errors(doc.data)]
    assert errors == [], (path, errors)
    assert consistency.check_indicators(doc, kind, form) == []
    book = _Book(evaluate(model.build(kind, path, doc.data, form)))
    ws, cell = book.ws, book.cell
    data = doc.data
    used = set(NOT_ON_THE_FORM)
    period = f"{data['年度']}年1-{data['截至月份']}月"
    assert period in str(ws.cell(2, 1).value)
    used |= {"年度", "截至月份"}
    if kind == "project":
        assert cell("name") == data["项目名称"]
        assert cell("unit") == data["预算单位"]
        used |= {"项目名称", "预算单位"}
    shown = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert data["主管部门"] in shown
    idents = {c.field for block in form.blocks if isinstance(block, forms.Ident) for row in block.rows for c in row}
    if "department_and_code" in idents:
        assert data["主管部门代码"] in shown
    # else the form prints 「主管部门」 alone (Hubei): the code only names the folder, as 项目代码 names the file
    used |= {"主管部门", "主管部门代码"}
    for choice in form.choice_cells:
        if choice.key in data:
            assert f"{data[choice.key]} {F.BOX_TICKED}" in cell(choice.field or ""), choice.key
            used.add(choice.key)
    for text_row in form.table_rows:
        if text_row.key in data:
            assert cell(text_row.field) == data[text_row.key]
            used.add(text_row.key)
    if form.target is not None:
        target_key = "项目年度绩效目标" if kind == "project" else "年度绩效目标"
        assert cell("target") == data[target_key]
        used.add(target_key)
    checked = _check_funds(form, data, cell, used) + _check_indicators(form, data, book, path)
    used.add(F.KEYS["indicators"])
    assert set(data) <= used, sorted(set(data) - used)
    return checked


def _check_funds(form: forms.Form, data: dict[str, Any], cell: Any, used: set[str]) -> int:
    checked = 0
    typed = {F.AMOUNT_FIELDS[name] for name in form.amounts if name in F.AMOUNT_FIELDS} | {F.ROW_EXTRA_FIELDS["adjusted_budget"]}
    for table in form.tables:
        used.add(table.key)
        for label, amounts in data[table.key].items():
            assert set(amounts) <= typed, f"{label}: a key the form has no column for"
            for column in form.budget_columns:
                key = F.AMOUNT_FIELDS.get(column.field) or F.ROW_EXTRA_FIELDS.get(column.field)
                if column.kind != "money" or key not in amounts:
                    continue
                got = cell(f"{table.field}.{label}.{column.field}")
                assert _money(got) == _money(amounts[key]), (label, key, got)
                checked += 1
    return checked


def _check_indicators(form: forms.Form, data: dict[str, Any], book: _Book, path: Path) -> int:
    checked = 0
    ticks = [c for c in form.indicator_columns if c.kind == "tick"]
    for index, item in enumerate(data[F.KEYS["indicators"]]):
        row = book.where[f"indicators.{index}.name"][0]
        for column in form.indicator_columns:
            if column.field in form.levels or column.kind == "tick":  # levels and ticks: below
                continue
            key = F.INDICATOR_FIELDS[column.field]
            got = book.cell(f"indicators.{index}.{column.field}" + (f".{column.part}" if column.part else ""))
            expected = (item.get(key) or {}).get(column.part) if column.part else item.get(key)
            assert (got or None) == (expected or None), (path.name, index, key, got)
            checked += 1
        if ticks:
            ticked = [c.header for c in ticks if book.ws.cell(row, c.first + 1).value == F.TICK]
            assert ticked == [item[F.INDICATOR_FIELDS["likelihood"]]]
            checked += 1
        for level in form.levels:
            column = next(c for c in form.indicator_columns if c.field == level)
            assert _merged_value(book.ws, row, column.first + 1) == item[F.INDICATOR_FIELDS[level]]
            checked += 1
    return checked


def _merged_value(ws: Any, row: int, col: int) -> Any:
    """The value shown at (row, col): the top-left value of the merged range covering it."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return ws.cell(merged.min_row, merged.min_col).value
    return ws.cell(row, col).value


def test_a_form_without_carried_over_or_allocated_computes_no_ratio_that_needs_them() -> None:
    form = forms.builtin("hubei").form("project")
    path = _demo_files("hubei")[0]
    ev = evaluate(model.build("project", path, _load(path).data, form))
    total = next(iter(ev.tables.values()))[F.TOTAL_ROW]
    assert total.allocation_rate is None and total.allocation_pace is None and total.carried_over_share is None
    assert not total.reported("allocated") and not total.reported("carried_over")
    assert total.unreported == frozenset()  # absent is not 未填报: nothing to chase
    assert total.spend_progress == Decimal("37.03")  # 92.57 ÷ 250.00: 执行数 against the 年初预算数 the form arranges
    # the same submission on 朔州's form would count 上年结转 and 下达数 as 未填报; here they are not asked for
    assert ev.completeness.total == 18


def test_a_form_without_level2_groups_its_indicators_by_level1_only() -> None:
    form = forms.builtin("hubei").form("project")
    assert form.levels == ("level1",)
    nodes = schema.schema_of(form)["properties"][F.KEYS["indicators"]]["items"]["properties"]
    assert F.INDICATOR_FIELDS["level2"] not in nodes and F.INDICATOR_FIELDS["expected"] not in nodes
    path = _demo_files("hubei")[0]
    sheet = place(evaluate(model.build("project", path, _load(path).data, form)))
    level1 = next(c for c in form.indicator_columns if c.field == "level1")
    groups = [c.value for c in sheet.cells if c.style == "label" and c.col == level1.first and c.value in F.TAXONOMY]
    assert groups == list(F.TAXONOMY)  # one span per 一级, in the taxonomy's order; no 二级 column anywhere
    assert not any(c.value in F.LEVEL2_ALL for c in sheet.cells)


HUBEI = """年度: 2025
截至月份: 6
项目名称: 演示
项目代码: "301-2025-009"
主管部门: 示例局
主管部门代码: "301"
预算单位: 示例局本级
资金:
  当年一般公共预算拨款: {{本年预算: 10, 支出数: 5, 全年预计支出数: 10}}
绩效指标:
  - {{一级指标: 产出指标, 三级指标: 场次, 年度指标值: 8场, 指标完成情况: 3场, 完成目标可能性: {answer}}}
{rows}"""


def _hubei_findings(answer: str, rows: str) -> list[str]:
    doc, _ = load_text(Path("x.yaml"), HUBEI.format(answer=answer, rows=rows))
    assert doc is not None
    return [f.code for f in consistency.check_indicators(doc, "project", forms.builtin("hubei").form("project"))]


@pytest.mark.parametrize("answer", ["有可能", "不可能"])
def test_hubei_an_answer_short_of_certain_needs_the_table_level_reason_and_measures(answer: str) -> None:
    assert _hubei_findings(answer, "") == ["E750", "E751"]
    both = "偏差或不能完成目标原因分析: 场馆闭馆改造。\n相关建议或举措: 八月恢复开放。\n"
    assert _hubei_findings(answer, both) == []


def test_hubei_certain_needs_neither() -> None:
    assert _hubei_findings("确定能", "") == []


NATIONAL = """年度: 2025
截至月份: 7
项目名称: 演示
项目代码: "201-2025-009"
主管部门: 示例部门
主管部门代码: "201"
预算单位: 示例部门本级
资金:
  财政拨款: {{本年预算: 10, 支出数: 5, 全年预计支出数: 10}}
项目年度绩效目标: 演示。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 场次
    年度指标值: 8场
    指标完成情况: 3场
    全年指标预计完成情况: 8场
    完成目标可能性: {answer}
{extra}"""


def _national_findings(answer: str, extra: str) -> list[str]:
    doc, _ = load_text(Path("x.yaml"), NATIONAL.format(answer=answer, extra=extra))
    assert doc is not None
    found = consistency.check_indicators(doc, "project", forms.builtin("national-2019").form("project"))
    return [f.code for f in found if f.code.startswith("E")]  # I301 (完全不可能 with a forecast that meets it) aside


def test_national_a_split_reason_counts_when_any_part_is_written() -> None:
    assert _national_findings("有可能", "") == ["E305"]
    assert _national_findings("有可能", "    偏差原因分析: {人员保障: 两人借调。}\n") == []
    assert _national_findings("完全不可能", "    偏差原因分析: {其他: 停工。}\n") == ["E304"]
    assert _national_findings("完全不可能", "    偏差原因分析: {其他: 停工。}\n    备注: 调整方案。\n") == []


def test_national_schema_takes_the_split_reason_and_the_full_year_budget_but_no_carried_over() -> None:
    form = forms.builtin("national-2019").form("project")
    validator = jsonschema_rs.validator_for(schema.schema_of(form))
    doc, _ = load_text(Path("x.yaml"), NATIONAL.format(answer="确定能", extra=""))
    assert doc is not None
    assert validator.is_valid(doc.data)
    data: dict[str, Any] = {**doc.data, "资金": {"财政拨款": {"上年结转": 1, "本年预算": 10, "支出数": 5, "全年预计支出数": 10}}}
    assert not validator.is_valid(data)  # the form has no 上年结转 column: a value there would be dropped
    data["资金"] = {"财政拨款": {"本年预算": 10, "调整后预算": 9, "支出数": 5, "全年预计支出数": 9}}
    assert validator.is_valid(data)
    item = {**doc.data["绩效指标"][0], "偏差原因分析": "一段话"}
    assert not validator.is_valid({**doc.data, "绩效指标": [item]})  # split on this form: one text per part


def test_hubei_rules_and_rollups_leave_out_what_the_form_lacks() -> None:
    """No W402 (下达进度) or W403 (上年结转) on a form without those columns, and the 汇总表 prints 「—」 for them, not
    the 0 their slot holds nor 「未填报」; its likelihood counts go by role (不可能 counts as impossible)."""
    from docgen.render import rollup
    from tests.evaluate.factory import analyse

    form = forms.builtin("hubei").form("project")
    path = _demo_files("hubei")[0]
    sub = model.build("project", path, _load(path).data, form)
    assert isinstance(sub, model.Project)
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    codes = {f.code for f in sa.findings}
    assert not codes & {"W402", "W403"}
    assert "W424" in codes  # 有可能 / 不可能 lit by the thresholds keyed by 朔州's wording of their roles
    values = rollup.project_line(sa, {}).values()
    assert values["carried_over"] is None and values["allocated"] is None and values["allocation_rate"] is None
    assert values["budget"] == Decimal("250.00") and values["spent"] == Decimal("92.57")
    line = rollup.project_line(sa, {})
    assert (line.certain, line.possible, line.impossible) == (2, 1, 1)


def test_a_form_without_二级指标_is_never_asked_for_one(tmp_path: Path) -> None:
    """W427 asks for 数量/质量/时效指标 only on a form that has a 二级指标 column: Hubei's has 一级指标 + 指标名称, so
    its submissions are told only about a missing 一级 (the alarm must not come from a column nobody could fill)."""
    from docgen import api
    from docgen.workspace import Workspace

    ws = Workspace.at(_copy_demo("hubei", tmp_path))
    result = api.check([ws.root / "submissions"], workspace=ws, cache=False)
    told = [f.message for f in result.warnings if f.code == "W427"]
    assert told and all("数量指标" not in m and "质量指标" not in m and "时效指标" not in m for m in told), told
    city = Workspace.at(_copy_tree(ROOT, tmp_path / "city"))  # the firing side: 朔州's form has 二级指标
    result = api.check([city.root / "submissions"], workspace=city, cache=False)
    assert any("时效指标" in f.message for f in result.warnings if f.code == "W427")  # 103-2025-004 has none


def _copy_demo(profile_id: str, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / profile_id
    shutil.copytree(ROOT / "examples" / "profiles" / profile_id, target)
    return target


def _copy_tree(source: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(source / "submissions", target / "submissions")
    return target
