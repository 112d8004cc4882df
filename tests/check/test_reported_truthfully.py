"""Issue 14 at check time: "not known yet" written otherwise than 「未填报」 (W315, the E204 hint), a pending payment no
budget covers (W316), a 完成目标可能性 the forecast contradicts (W317, I301), and a forecast above a range target
told 「超出」 rather than 「达不到」 (E305)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen import api

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "submissions/2025-06/101-教育局/101-2025-001.yaml"
CENTRAL_ROW_END = "    全年预计支出数: 860.00\n"  # the 中央财政资金 row: 安排 860, 下达 860, 支出 412.35
SATISFACTION = "    全年指标预计完成情况: 89%\n"  # 受助学生家长满意度, target ≥90%, 有可能


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    return tmp_path


def _edit(tree: Path, old: str, new: str) -> None:
    file = tree / PROJECT
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _found(tree: Path, *codes: str) -> list[tuple[str, int, str, str]]:
    result = api.check([tree / PROJECT], workspace=api.Workspace.at(tree))
    return [(f.code, f.line, f.severity, f.message) for f in result.findings if f.code in codes]


def _line(tree: Path, text: str) -> int:
    lines = (tree / PROJECT).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


# --- W315: 暂无, —, 不详 … ------------------------------------------------------------------------


#: 「－」 and 「／」 are the dash and the slash a Chinese input method types in full-width mode
@pytest.mark.parametrize("word", ["暂无", "—", "未填", "待统计", "不详", "－", "／"])
def test_an_unknown_word_in_an_indicator_value_is_located_and_asks_for_not_reported(tree: Path, word: str) -> None:
    _edit(tree, "    全年指标预计完成情况: 12100人\n", f"    全年指标预计完成情况: {word}\n")
    found = _found(tree, "W315")
    assert [(code, line, severity) for code, line, severity, _ in found] == [
        ("W315", _line(tree, f"全年指标预计完成情况: {word}"), "warning")
    ]
    assert f"「{word}」，是不是「未填报」？" in found[0][3]


def test_a_real_value_or_not_reported_raises_no_w315(tree: Path) -> None:
    assert _found(tree, "W315") == []
    _edit(tree, "    全年指标预计完成情况: 12100人\n", "    全年指标预计完成情况: 无\n")  # 「无」: none happened, a true report
    assert _found(tree, "W315") == []
    _edit(tree, "    全年指标预计完成情况: 无\n", "    全年指标预计完成情况: 12100人\n")
    _edit(tree, "    全年指标预计完成情况: 12100人\n", "    全年指标预计完成情况: 未填报\n")
    assert _found(tree, "W315") == []


@pytest.mark.parametrize("word", ["暂无", "－", "／"])
def test_an_unknown_word_in_a_budget_figure_is_told_to_write_not_reported(tree: Path, word: str) -> None:
    _edit(tree, "    支出数: 412.35\n", f"    支出数: {word}\n")
    found = _found(tree, "E204")
    assert len(found) == 1 and found[0][3].endswith("，是不是「未填报」？")


# --- W316: 支出数 + 已审批待支付 beyond 安排数 or 下达数 + 上年结转 ------------------------------------


def test_pending_up_to_what_can_still_be_paid_is_silent(tree: Path) -> None:
    _edit(tree, CENTRAL_ROW_END, CENTRAL_ROW_END + "    已审批待支付: 447.65\n")  # 412.35 + 447.65 = 860 exactly
    assert _found(tree, "W316") == []


def test_pending_beyond_the_budget_is_warned_at_its_line(tree: Path) -> None:
    _edit(tree, CENTRAL_ROW_END, CENTRAL_ROW_END + "    已审批待支付: 447.66\n")
    found = _found(tree, "W316")
    assert [(code, line) for code, line, _, _ in found] == [("W316", _line(tree, "已审批待支付: 447.66"))]
    assert "超过安排数 860.00 万元" in found[0][3]


def test_pending_beyond_what_was_allocated_is_warned(tree: Path) -> None:
    _edit(tree, "    下达数: 860.00\n", "    下达数: 500.00\n")
    _edit(tree, CENTRAL_ROW_END, CENTRAL_ROW_END + "    已审批待支付: 100\n")  # 512.35 > 500 + 0, within 860
    found = _found(tree, "W316")
    assert len(found) == 1 and "超过下达数加上年结转 500.00 万元" in found[0][3]


# --- W317 and I301: 完成目标可能性 against the forecast --------------------------------------------


def test_certain_with_a_forecast_short_of_the_target_is_warned(tree: Path) -> None:
    _edit(tree, "    完成目标可能性: 有可能\n", "    完成目标可能性: 确定能\n")  # 89% against ≥90%
    found = _found(tree, "W317")
    assert [(code, severity) for code, _, severity, _ in found] == [("W317", "warning")]
    assert "全年预计完成情况 89% 达不到年度指标值 ≥90%" in found[0][3]


def test_certain_with_a_forecast_meeting_the_target_is_silent(tree: Path) -> None:
    _edit(tree, SATISFACTION, "    全年指标预计完成情况: 90%\n")
    _edit(tree, "    完成目标可能性: 有可能\n", "    完成目标可能性: 确定能\n")
    assert _found(tree, "W317", "I301") == []


def test_impossible_with_a_forecast_meeting_the_target_is_a_hint(tree: Path) -> None:
    _edit(tree, SATISFACTION, "    全年指标预计完成情况: 95%\n")
    _edit(tree, "    完成目标可能性: 有可能\n", "    完成目标可能性: 完全不可能\n    备注: 拟采取加强宣传\n")
    found = _found(tree, "I301", "W317")
    assert [(code, severity) for code, _, severity, _ in found] == [("I301", "info")]
    _edit(tree, "    全年指标预计完成情况: 95%\n", "    全年指标预计完成情况: 80%\n")
    assert _found(tree, "I301", "W317") == []


# --- E305: above a range is 「超出」 ------------------------------------------------------------------


def test_a_forecast_above_a_range_target_exceeds_it(tree: Path) -> None:
    _edit(tree, "    年度指标值: ≥90%\n", "    年度指标值: 90%-95%\n")
    _edit(tree, SATISFACTION, "    全年指标预计完成情况: 97%\n")
    _edit(tree, "    偏差原因分析: 过程方面：部分学校补助发放通知不及时，家长知晓度不高。\n", "")
    _edit(tree, "    完成目标可能性: 有可能\n", "    完成目标可能性: 确定能\n")
    (message,) = [m for _, _, _, m in _found(tree, "E305")]
    assert "97% 超出年度指标值 90%-95% 的区间" in message and "达不到" not in message
    _edit(tree, "    全年指标预计完成情况: 97%\n", "    全年指标预计完成情况: 85%\n")
    (message,) = [m for _, _, _, m in _found(tree, "E305")]
    assert "85% 达不到年度指标值 90%-95%" in message
