"""「未填报」 in the schema and the E3xx rules: accepted wherever a figure, value, table or block may be missing; a
wrong spelling is told what it may be; sums with a figure not reported are compared with nothing (E301, E302)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen import api
from docgen.form import schema
from docgen.form import vocabulary as F

ROOT = Path(__file__).resolve().parents[2]
DEPT = "submissions/2025-06/101-教育局"
PROJECT, DEPARTMENT = f"{DEPT}/101-2025-001.yaml", f"{DEPT}/部门整体.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    return tmp_path


def _edit(tree: Path, path: str, old: str, new: str, count: int = 1) -> None:
    file = tree / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def _codes(tree: Path, path: str) -> list[tuple[str, int, str]]:
    result = api.check([tree / path], workspace=api.Workspace.at(tree))
    return [(f.code, f.line, f.message) for f in result.findings if f.is_error]  # the demo has its own W4xx


def test_the_schema_offers_not_reported_with_a_chinese_title() -> None:
    project = schema.project_schema()
    amount = project["properties"]["资金"]["properties"]["中央财政资金"]["properties"]["支出数"]
    assert {"type": "number"} in amount["anyOf"] and amount["anyOf"][1]["const"] == F.NOT_REPORTED
    assert amount["anyOf"][1]["title"] == "未填报" and "不按 0 计算" in amount["anyOf"][1]["description"]
    assert project["properties"]["资金"]["anyOf"][1]["const"] == F.NOT_REPORTED
    assert project["properties"]["绩效指标"]["anyOf"][1]["const"] == F.NOT_REPORTED
    likelihood = project["properties"]["绩效指标"]["items"]["properties"]["完成目标可能性"]
    assert F.NOT_REPORTED in likelihood["enum"]


def test_not_reported_is_accepted_where_a_figure_value_table_or_block_is_missing(tree: Path) -> None:
    _edit(tree, PROJECT, "支出数: 412.35", "支出数: 未填报")
    _edit(tree, PROJECT, "指标完成情况: 11860人", "指标完成情况: 未填报")
    _edit(tree, PROJECT, "完成目标可能性: 确定能", "完成目标可能性: 未填报")
    assert _codes(tree, PROJECT) == []


def test_a_wrong_spelling_is_told_it_may_be_a_number_or_not_reported(tree: Path) -> None:
    _edit(tree, PROJECT, "支出数: 412.35", "支出数: 未填")
    found = _codes(tree, PROJECT)
    assert [(code, message.startswith("「中央财政资金·支出数」应填写数字或「未填报」")) for code, _, message in found] == [("E204", True)]
    _edit(tree, PROJECT, "支出数: 未填", "支出数: -3")
    assert [code for code, _, _ in _codes(tree, PROJECT)] == ["E207"]


def test_e301_compares_a_stated_total_only_with_a_sum_that_is_known(tree: Path) -> None:
    total = "资金总额:\n  上年结转: 35.5\n  本年预算: 1100.00\n  下达数: 980.00\n  支出数: 510.55\n  全年预计支出数: 1135.5\n"
    _edit(tree, PROJECT, "项目年度绩效目标:", total + "项目年度绩效目标:")
    assert _codes(tree, PROJECT) == []
    _edit(tree, PROJECT, "支出数: 510.55", "支出数: 510.00")
    assert [code for code, _, _ in _codes(tree, PROJECT)] == ["E301"]
    _edit(tree, PROJECT, "支出数: 412.35", "支出数: 未填报")  # the rows' sum of 支出数 is no longer known
    assert _codes(tree, PROJECT) == []


def test_e302_compares_the_two_tables_only_where_both_are_known(tree: Path) -> None:
    _edit(tree, DEPARTMENT, "支出数: 10057.31", "支出数: 10000.00")
    assert "E302" in [code for code, _, _ in _codes(tree, DEPARTMENT)]
    _edit(tree, DEPARTMENT, "支出数: 10000.00", "支出数: 未填报")
    assert "E302" not in [code for code, _, _ in _codes(tree, DEPARTMENT)]


def test_a_whole_table_and_the_indicators_may_be_not_reported(tree: Path) -> None:
    text = (tree / PROJECT).read_text(encoding="utf-8")
    head, rest = text.split("资金:\n", 1)
    funds_end = rest.index("项目年度绩效目标:")
    body = head + "资金: 未填报\n" + rest[funds_end:]
    body = body[: body.index("绩效指标:")] + "绩效指标: 未填报\n" + body[body.index("分析报告:") :]
    (tree / PROJECT).write_text(body, encoding="utf-8")
    assert _codes(tree, PROJECT) == []


def _w307(tree: Path, path: str) -> list[str]:
    result = api.check([tree / path], workspace=api.Workspace.at(tree))
    return [f.message for f in result.findings if f.code == "W307"]


def test_w307_names_the_row_heading_of_its_own_table(tree: Path) -> None:
    """A zero 基本支出 row is a 支出用途, not a 资金来源: the advice names the table's own row heading (forms.py)."""
    assert _w307(tree, DEPARTMENT) == []  # silent: every row has figures
    zeros = "  项目支出:\n    上年结转: 0\n    本年预算: 0\n    下达数: 0\n    支出数: 0\n    全年预计支出数: 0\n"
    file = tree / DEPARTMENT
    text = file.read_text(encoding="utf-8")
    start = text.index("  项目支出:\n")
    end = text.index("\n\n", start) + 1
    file.write_text(text[:start] + zeros + text[end:], encoding="utf-8")
    assert _w307(tree, DEPARTMENT) == ["「项目支出」各项都是 0：没有这项支出用途时请整行删除"]
    _edit(
        tree,
        PROJECT,
        "    本年预算: 860.00\n    下达数: 860.00\n    支出数: 412.35\n    全年预计支出数: 860.00",
        "    本年预算: 0\n    下达数: 0\n    支出数: 0\n    全年预计支出数: 0",
    )
    assert _w307(tree, PROJECT) == ["「中央财政资金」各项都是 0：没有这项资金来源时请整行删除"]
