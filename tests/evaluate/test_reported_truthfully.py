"""Issue 14 when monitoring and drafting: 已审批待支付 credited only up to what can still be paid (W401), 「暂无」 and
the like read as 「未填报」 (no light, not complete, never drafted as a value), a forecast short of the target never
drafted as 「能够完成」, and a forecast above a range target 「超出」 it (W423)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.evaluate import draft
from docgen.evaluate.evaluation import evaluate

from .factory import analyse, codes, fund, green_indicators, indicator, project


def _satisfaction(target: str, result: str, expected: str, likelihood: str = "确定能") -> dict[str, object]:
    return indicator("满意度", target, result, expected, likelihood, "满意度指标", "服务对象满意度指标", 偏差原因分析="过程方面：宣传不足")


def _with(last: dict[str, object]) -> list[dict[str, object]]:
    return [*green_indicators()[:4], last]


# --- W401: the credit for 已审批待支付 is capped at 安排数 − 支出数 ---------------------------------------


@pytest.mark.parametrize(("pending", "progress"), [(110, 100), (2000, 100), (50, 50)])
def test_pending_counts_only_up_to_what_can_still_be_paid(pending: int, progress: int) -> None:
    """安排 120, 支出 10: 2000 pending credit 110 at most (100%), not 2010 (1675%); 50 pending count in full."""
    sub = project({"市级财政资金": {**fund(budget=120, allocated=120, spent=10), "已审批待支付": Decimal(pending)}})
    assert evaluate(sub).headline.committed_progress == Decimal(progress)


# --- 「暂无」, 「—」 … are 「未填报」 ------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["暂无", "—", "未填", "待统计", "不详"])
def test_an_unknown_word_is_not_reported_for_completeness_lights_and_drafts(word: str) -> None:
    sub = project(indicators=_with(_satisfaction("≥90%", word, word)))
    ind = sub.indicators[-1]
    assert not ind.reported("result") and not ind.reported("expected")
    assert evaluate(sub).completeness.reported == 23  # two of 25 not reported
    assert ("I402", None) in codes(sub)  # grey: not judged, not green
    sentence = draft.targets(sub)[-1]
    assert f"“{word}”" not in sentence and "完成情况未填报" in sentence and "全年预计完成情况未填报" in sentence


def test_a_real_value_is_reported() -> None:
    sub = project(indicators=_with(_satisfaction("≥90%", "92%", "92%")))
    assert evaluate(sub).completeness.reported == 25 and ("I402", None) not in codes(sub)


# --- the draft never says 能够完成 for a forecast short of the target -----------------------------------


def test_certain_with_a_forecast_short_of_the_target_is_drafted_as_falling_short() -> None:
    sentence = draft.targets(project(indicators=_with(_satisfaction("≥90%", "70%", "80%"))))[-1]
    assert "全年预计完成80%，低于年度指标值≥90%" in sentence and "能够完成" not in sentence


def test_certain_with_a_forecast_meeting_the_target_is_drafted_as_reported() -> None:
    sentence = draft.targets(project(indicators=_with(_satisfaction("≥90%", "70%", "90%"))))[-1]
    assert "预计能够完成年度目标" in sentence


# --- W423 above a range: 超出 ----------------------------------------------------------------------------


def _w423(expected: str) -> str:
    sub = project(indicators=_with(_satisfaction("90%-95%", "92%", expected)))
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    return "".join(f.message for f in sa.findings if f.code == "W423")


def test_w423_says_a_forecast_above_the_range_exceeds_it() -> None:
    assert "全年预计完成 97%，超出年度指标值 90%-95%" in _w423("97%")
    assert "全年预计完成 85%，达不到年度指标值 90%-95%" in _w423("85%")
    assert _w423("93%") == ""
