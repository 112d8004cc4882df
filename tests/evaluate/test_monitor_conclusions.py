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
        "经监控，截至2025年6月底，该项目资金安排100.00万元，已支出50.00万元，支出进度50.00%，序时进度50.00%；"
        "设置绩效指标5项，预计确定能完成5项；总体运行正常，监控结果为绿灯。"
    )
    assert text["偏差原因分析"] == "本期预算执行和绩效目标实现情况与预期基本一致，未出现明显偏差。"
    assert text["存在问题及整改措施和建议"].startswith("本期未发现明显问题。")


def test_a_project_in_trouble() -> None:
    behind = indicator(
        result="10人", expected="80人", likelihood="完全不可能", 偏差原因分析="过程方面：招标延误", 备注="拟采取的措施：申请调减年度任务。"
    )
    text = draft(project({"市级财政资金": fund(spent=10, expected=60)}, [behind, *green_indicators()[1:]]))
    conclusion, deviation, problems = (text[k] for k in KEYS)
    assert "监控结果为红灯" in conclusion and "完全不可能完成1项" in conclusion
    assert "0项" not in conclusion  # a count of nothing is not read out
    paragraphs = deviation.split("\n")
    assert paragraphs[0] == (
        "1．预算执行方面。资金总额安排100.00万元，已支出10.00万元，支出进度10.00%，低于序时进度（50.00%）40.00个百分点。"
        "主要表现为支出进度滞后、预计结转结余。"
    )
    assert paragraphs[1] == "2．绩效目标方面。"
    assert paragraphs[2].startswith("（1）数量指标“受益人数”：年度指标值≥100人，1-6月完成10人")
    assert paragraphs[2].endswith("预计无法完成年度目标。偏差原因：过程方面，招标延误。")
    lines = problems.split("\n")
    assert lines[0] == "1．存在的问题。"
    assert lines[1] == "（1）出现“支出进度滞后”红灯预警1处。"
    assert "（2）出现“预计结转结余”红灯预警1处。" in lines
    measures = lines.index("2．整改措施和建议。")
    assert lines[measures + 1].startswith("（1）加快项目实施和资金支付进度")
    assert lines[-1].endswith("“受益人数”指标预计无法完成年度目标，拟采取以下措施：申请调减年度任务。")


def test_drafts_speak_as_the_bureau_reads() -> None:
    """Corner quotes, spaced numbers, a 「（一）」 inside 「（二）」 and the checker's own sentences never appear."""
    behind = indicator(result="10人", expected="80人", likelihood="完全不可能", 偏差原因分析="过程方面：招标「延误」")
    text = "\n".join(draft(project({"市级财政资金": fund(spent=10, expected=60)}, [behind, *green_indicators()[1:]])).values())
    assert "「" not in text and "」" not in text and "“延误”" in text
    assert " 万元" not in text and " 项" not in text and "（一）" not in text and "：过程方面：" not in text
    assert "应达值" not in text and "未填写" not in text


def test_a_deviation_nobody_explained_is_stated_without_blaming_the_clerk() -> None:
    text = draft(project(indicators=[indicator(result="10人", expected="100人"), *green_indicators()[1:]]))
    deviation = text["偏差原因分析"]
    assert deviation.startswith("1．绩效目标方面。\n（1）数量指标“受益人数”")
    assert "偏差原因" not in deviation and "尚待" not in deviation
    assert "进度偏差未说明原因" not in text["存在问题及整改措施和建议"]  # W425 is the checker's, not the 财政局's reading


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
        assert drafted["偏差原因分析"].startswith("1．预算执行方面。单位自筹资金安排30.00万元，已支出9.80万元，支出进度32.67%")
        department = result.departments[0]
        assert "本部门" in api.draft_conclusions(result, department, only_missing=False)["监控总体结论"]
    finally:
        os.chdir(before)


def test_report_texts_mark_only_what_the_system_drafted() -> None:
    """evaluate/report.py: the unit's own words are never marked as drafts, the system's always are."""
    from docgen.evaluate import report
    from docgen.evaluate.evaluation import evaluate

    written = project(分析报告={"基本情况": "本项目由教育局实施。", "监控总体结论": "总体正常。"})
    texts = report.section_texts(evaluate(written), {"偏差原因分析": "1．预算执行方面。……"})
    assert not texts["基本情况"].drafted and texts["基本情况"].paragraphs[1] == "本项目由教育局实施。"
    assert texts["基本情况"].paragraphs[0].startswith(f"{written.name}项目（项目代码：{written.code}）")  # identity first
    assert not texts["监控总体结论"].drafted
    assert texts["偏差原因分析"].drafted and texts["预算执行情况分析"].drafted
    assert not texts["其他需要说明的事项"].drafted and texts["其他需要说明的事项"].paragraphs == ("无。",)
