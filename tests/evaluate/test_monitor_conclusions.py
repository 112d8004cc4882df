"""Drafts of 附件1 「四、绩效监控结果分析」 from the findings, for sections the submission leaves empty."""

from __future__ import annotations

import os
from pathlib import Path

from docgen import api
from docgen.evaluate import conclusions
from docgen.form import vocabulary as F
from tests.conftest import ROOT

from .factory import analyse, fund, green_indicators, indicator, project, rules

KEYS = ("监控总体结论", "偏差原因分析", "存在问题及整改措施和建议")


def draft(sub, **kwargs) -> dict[str, str]:
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    return conclusions.draft(sa, rules(), **kwargs)


def test_the_keys_are_the_reports_section_four() -> None:
    assert conclusions.SECTION_KEYS == KEYS and set(KEYS) <= set(F.REPORT_KEYS)


def test_a_green_project() -> None:
    text = draft(project())
    assert list(text) == list(KEYS)
    assert text["监控总体结论"] == (
        "经监控，截至2025年6月底，该项目资金安排 100.00 万元，已支出 50.00 万元，支出进度 50.00%，序时进度 50.00%；"
        "设置绩效指标 5 项，预计确定能完成 5 项、有可能完成 0 项、完全不可能完成 0 项；总体运行正常，监控结果为绿灯。"
    )
    assert text["偏差原因分析"] == "本期预算执行和绩效目标实现情况与预期基本一致，未出现明显偏差。"
    assert text["存在问题及整改措施和建议"].startswith("本期未发现明显问题。")


def test_a_project_in_trouble() -> None:
    behind = indicator(
        result="10人", expected="80人", likelihood="完全不可能", 偏差原因分析="过程方面：招标延误", 备注="拟采取的措施：申请调减年度任务。"
    )
    text = draft(project({"市级财政资金": fund(spent=10, expected=60)}, [behind, *green_indicators()[1:]]))
    conclusion, deviation, problems = (text[k] for k in KEYS)
    assert "监控结果为红灯" in conclusion and "完全不可能完成 1 项" in conclusion
    paragraphs = deviation.split("\n")
    assert paragraphs[0].startswith("（一）预算执行方面。「资金总额」支出进度 10.00%")
    assert paragraphs[1].startswith("（二）绩效目标方面。指标「受益人数」截至6月完成 10人")
    assert paragraphs[2] == "单位分析的偏差原因：受益人数：过程方面：招标延误。"
    lines = problems.split("\n")
    assert lines[0].startswith("存在的问题：1. 支出进度滞后（红灯，1 项）。")
    assert "预计结转结余（红灯，1 项）" in lines[0] and "完成目标可能性（红灯，1 项）" in lines[0]
    assert lines[1].startswith("整改措施和建议：1. 加快项目实施和资金支付进度") and "按程序调减预算" in lines[1]
    assert lines[2] == "对完成目标可能性为“完全不可能”的指标，拟采取以下措施：受益人数：申请调减年度任务。"


def test_a_deviation_nobody_explained_yet() -> None:
    text = draft(project(indicators=[indicator(result="10人", expected="100人"), *green_indicators()[1:]]))
    assert text["偏差原因分析"].endswith("上述偏差的原因尚待单位进一步分析说明。")


def test_an_exempt_research_project() -> None:
    text = draft(project(科研类=True))
    assert text["监控总体结论"] == "该项目属于科研类项目，按规定可暂不开展年度中的绩效监控，本期未作预警评价。"


def test_only_the_empty_sections_are_drafted() -> None:
    written = project(分析报告={"监控总体结论": "总体正常。", "偏差原因分析": "无。"})
    assert list(draft(written)) == ["存在问题及整改措施和建议"]
    assert list(draft(written, only_missing=False)) == list(KEYS)


def test_api_drafts_for_a_demo_submission() -> None:
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        result = api.check([Path("submissions/2025-06/105-科学技术局")])
        sub = next(p for p in result.projects if p.code == "105-2025-002")
        drafted = api.draft_conclusions(result, sub)
        assert list(drafted) == ["偏差原因分析"]  # the clerk wrote the other two
        assert drafted["偏差原因分析"].startswith("（一）预算执行方面。「单位自筹资金」支出进度 32.67%")
        department = result.departments[0]
        assert "本部门" in api.draft_conclusions(result, department, only_missing=False)["监控总体结论"]
    finally:
        os.chdir(before)
