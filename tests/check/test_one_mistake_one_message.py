"""One mistake, one message (issue 14): a mistyped key or an abbreviated 二级指标 is reported once, with its suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from docgen.check.load import load_text
from docgen.check.validate import schema_findings

SAMPLE = Path(__file__).parents[2] / "submissions" / "2025-06" / "101-教育局" / "101-2025-001.yaml"
P = Path("submissions/2025-06/101-教育局/101-2025-001.yaml")


def _findings(old: str, new: str) -> list[tuple[str, str]]:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    doc, problems = load_text(P, text.replace(old, new, 1))
    assert doc is not None and problems == []
    return [(f.code, f.message) for f in schema_findings(doc, "project")]


@pytest.mark.parametrize(
    ("old", "new", "suggestion"),
    [
        ("项目名称: ", "项目名: ", "项目名称"),
        ("项目名称: ", "项目: ", "项目名称"),
        ("    三级指标: 资助学生人数", "    三级指标名称: 资助学生人数", "三级指标"),
        ("    本年预算: 860.00", "    本年预算数: 860.00", "本年预算"),
    ],
)
def test_a_mistyped_key_is_one_e203_with_its_suggestion_not_also_e201(old: str, new: str, suggestion: str) -> None:
    found = _findings(old, new)
    assert [code for code, _ in found] == ["E203"]
    assert f"是不是「{suggestion}」？" in found[0][1]


def test_a_missing_key_without_a_lookalike_is_still_e201() -> None:
    found = _findings("项目名称: 城乡义务教育家庭经济困难学生生活补助\n", "")
    assert [code for code, _ in found] == ["E201"]
    assert "项目名称" in found[0][1]


def test_a_missing_key_beside_an_unrelated_unknown_key_gives_both() -> None:
    found = _findings("项目名称: 城乡义务教育家庭经济困难学生生活补助\n", "联系电话: '0349-1234567'\n")
    assert sorted(code for code, _ in found) == ["E201", "E203"]


@pytest.mark.parametrize(("typed", "suggestion"), [("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标")])
def test_an_abbreviated_level2_is_one_e205_with_its_suggestion_not_also_e303(typed: str, suggestion: str) -> None:
    found = _findings("    二级指标: 数量指标", f"    二级指标: {typed}")
    assert [code for code, _ in found] == ["E205"]
    assert f"是不是「{suggestion}」？" in found[0][1]


def test_a_level2_of_another_level1_is_still_e303() -> None:
    found = _findings("    二级指标: 数量指标", "    二级指标: 社会效益指标")
    assert [code for code, _ in found] == ["E303"]


def test_the_sample_is_clean() -> None:
    assert yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["项目名称"]
    assert _findings("年度: 2025", "年度: 2025") == []
