"""Issue 14's money rules, each at its threshold, firing and silent: 支出数 beyond 下达数 (W415), an outlook below
what is spent (W416), cumulative figures that fall and budgets that change between periods (W417, W418), a yuan
amount in a 万元 field (W419), a quoted rate the figures do not give (I403); W401 with 已审批待支付, W405 without a
budget, and the drafts that say what happened to the money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from docgen.evaluate import conclusions, draft
from docgen.form.model import Department, Project

from .factory import analyse, codes, department, fund, green_indicators, project, rules

GREEN: list[tuple[str, str | None]] = []


def _only(found: list[tuple[str, str | None]], code: str) -> list[tuple[str, str | None]]:
    return [c for c in found if c[0] == code]


# --- W415 支出数超过下达数 ----------------------------------------------------------------------


@pytest.mark.parametrize(("spent", "fires"), [(60, False), (60.01, True)])
def test_w415_spent_beyond_allocated_and_carried_over(spent: float, fires: bool) -> None:
    """下达 50 + 上年结转 10 = 60 may be spent; a cent more is spending money not yet allocated."""
    sub = project({"市级财政资金": fund(carried=10, budget=100, allocated=50, spent=spent)}, indicators=green_indicators())
    assert _only(codes(sub), "W415") == ([("W415", "yellow")] if fires else [])


def test_w415_message_states_both_figures() -> None:
    sub = project({"市级财政资金": fund(allocated=40, spent=50)})
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    (finding,) = [f for f in sa.findings if f.code == "W415"]
    assert "支出数 50.00 万元超过下达数 40.00 万元" in finding.message and "10.00 万元" in finding.message


# --- W416 全年预计支出数低于已支出 ----------------------------------------------------------------


@pytest.mark.parametrize(("expected", "fires"), [(50, False), (49.99, True)])
def test_w416_outlook_below_what_is_spent(expected: float, fires: bool) -> None:
    sub = project({"市级财政资金": fund(spent=50, expected=expected)})
    assert _only(codes(sub), "W416") == ([("W416", "yellow")] if fires else [])


# --- W419 金额疑似以元填写 ------------------------------------------------------------------------


@pytest.mark.parametrize(("budget", "fires"), [(99999.99, False), (100000, True), (3200000, True)])
def test_w419_an_amount_too_large_for_wan_yuan(budget: float, fires: bool) -> None:
    sub = project({"市级财政资金": fund(budget=budget, allocated=budget / 2, spent=budget / 2)})
    found = _only(codes(sub), "W419")
    assert (found[:1] == [("W419", "yellow")]) if fires else found == []


def test_w419_states_what_the_yuan_amount_is_in_wan_yuan() -> None:
    sub = project({"市级财政资金": fund(budget=3200000, allocated=1, spent=1, expected=1)})
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    (finding,) = [f for f in sa.findings if f.code == "W419"]
    assert "本年预算 填写为 3200000.00 万元" in finding.message and "应填 320" in finding.message


def test_w419_threshold_comes_from_the_rules_file() -> None:
    sub = project({"市级财政资金": fund(budget=500, allocated=250, spent=250)})  # 本年预算 and 全年预计支出数 500
    assert _only(codes(sub, overrides={"W419": {"阈值": {"金额不低于": 400}}}), "W419") == [("W419", "yellow")] * 2
    assert _only(codes(sub), "W419") == []


# --- W417/W418: the previous period of the year -------------------------------------------------


def _periods(before: dict[str, Any], now: dict[str, Any]) -> tuple[Project, Project]:
    earlier = project({"市级财政资金": before}, month=3, path="../../2025-03/101-教育局/101-2025-001.yaml")
    return earlier, project({"市级财政资金": now})


def _previous_codes(before: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, str | None]]:
    earlier, current = _periods(before, now)
    sa = analyse(current, previous={str(current.path): earlier}).of(current.path)
    assert sa is not None
    return [(f.code, f.light) for f in sa.findings if f.code in ("W417", "W418")]


@pytest.mark.parametrize(
    ("before", "fires"),
    [(fund(spent=50), False), (fund(spent=50.01), True), (fund(allocated=100, spent=10), False), (fund(allocated=100.01), True)],
)
def test_w417_cumulative_figures_never_fall_within_the_year(before: dict[str, Any], fires: bool) -> None:
    assert _previous_codes(before, fund(allocated=100, spent=50)) == ([("W417", "yellow")] if fires else [])


def test_w417_says_which_figure_fell_and_where_the_previous_period_is() -> None:
    earlier, current = _periods(fund(spent=70), fund(spent=50))
    sa = analyse(current, previous={str(current.path): earlier}).of(current.path)
    assert sa is not None
    (finding,) = [f for f in sa.findings if f.code == "W417"]
    assert "支出数 50.00 万元比2025年1-3月报送的 70.00 万元少" in finding.message and "2025-03" in finding.message


def test_w417_w418_silent_without_a_previous_period() -> None:
    assert _only(codes(project({"市级财政资金": fund(spent=1)})), "W417") == []


@pytest.mark.parametrize(
    ("now", "fires"),
    [
        (fund(budget=100), False),
        (fund(budget=80, allocated=80, spent=40), True),
        ({**fund(budget=100, allocated=80, spent=40), "调整后预算": Decimal(80)}, False),
    ],
)
def test_w418_a_budget_change_needs_its_adjustment_record(now: dict[str, Any], fires: bool) -> None:
    assert _previous_codes(fund(budget=100, allocated=20, spent=10), now) == ([("W418", "yellow")] if fires else [])


def test_w418_compares_with_the_previous_adjusted_budget() -> None:
    before = {**fund(budget=100, allocated=20, spent=10), "调整后预算": Decimal(80)}
    assert _previous_codes(before, fund(budget=80, allocated=80, spent=40)) == []


# --- 调整后预算: rates on the adjusted figure, both kept ----------------------------------------


def test_rates_are_computed_on_the_adjusted_budget_and_both_are_kept() -> None:
    sub = project({"市级财政资金": {**fund(budget=100, allocated=80, spent=40, expected=80), "调整后预算": Decimal(80)}})
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    fig = sa.headline
    assert (fig.budget, fig.initial_budget, fig.subtotal, fig.spend_progress, fig.allocation_rate) == (80, 100, 80, Decimal("50.00"), 100)
    assert fig.amounts.budget == 100 and fig.amounts.adjusted_budget == 80
    assert _only([(f.code, f.light) for f in sa.findings], "W412") == []  # 80 allocated of the adjusted 80: not over
    text = "".join(draft.execution(sa))
    assert "本年预算年初为100.00万元，经调整为80.00万元" in text


# --- W401 with 已审批待支付 -----------------------------------------------------------------------


@pytest.mark.parametrize(("pending", "expected"), [(0, [("W401", "red")]), (25, [("W401", "yellow")]), (30, GREEN)])
def test_w401_counts_payments_approved_but_not_made(pending: float, expected: list[tuple[str, str]]) -> None:
    """Month 6: 10 spent of 100 is red; 25 pending make 35% (r = 70, yellow); 30 pending make 40%, on time (r = 80)."""
    row = {**fund(spent=10), "已审批待支付": Decimal(str(pending))}
    assert _only(codes(project({"市级财政资金": row})), "W401") == expected


def test_w401_message_and_drafts_say_the_payment_is_pending() -> None:
    sub = project({"市级财政资金": {**fund(spent=10), "已审批待支付": Decimal(25)}})
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    (finding,) = [f for f in sa.findings if f.code == "W401"]
    assert "另有已审批待支付 25.00 万元已计入" in finding.message and "支出进度 35.00%" in finding.message
    text = conclusions.conclusion(sa)
    assert "另有已审批待支付25.00万元，计入后支出进度35.00%" in text and "需立即采取纠偏措施" not in text  # 附件1 prose
    assert "另有已审批待支付25.00万元，支付后支出进度将达到35.00%" in "".join(draft.execution(sa))


def test_a_pending_payment_keeps_the_draft_from_calling_for_correction() -> None:
    red = project({"市级财政资金": fund(spent=10)}, indicators=green_indicators())
    pending = project({"市级财政资金": {**fund(spent=10), "已审批待支付": Decimal(30)}}, indicators=green_indicators())
    red_sa, pending_sa = analyse(red).of(red.path), analyse(pending).of(pending.path)
    assert red_sa is not None and pending_sa is not None
    assert "需立即采取纠偏措施" in conclusions.conclusion(red_sa)
    assert pending_sa.light == "green" and "需立即采取纠偏措施" not in conclusions.conclusion(pending_sa)


# --- W405 --------------------------------------------------------------------------------------


def test_w405_silent_on_a_project_with_no_budget() -> None:
    none = fund(carried=0, budget=0, allocated=0, spent=0, expected=0)
    assert _only(codes(project({"市级财政资金": none})), "W405") == []


def test_w405_silent_when_the_payment_pending_is_stated() -> None:
    assert _only(codes(project({"市级财政资金": {**fund(spent=0), "已审批待支付": Decimal(40)}})), "W405") == []
    assert _only(codes(project({"市级财政资金": fund(spent=0)})), "W405") == [("W405", "yellow")]


# --- 明细 in the drafts ----------------------------------------------------------------------------


def test_line_items_are_drafted_under_their_row() -> None:
    items = [{"名称": "教材采购", "金额": Decimal(60), "用途": "秋季学期"}, {"名称": "设备维护", "金额": Decimal(40)}]
    sub = project({"市级财政资金": {**fund(), "明细": items}})
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    assert "市级财政资金分为：教材采购60.00万元（秋季学期）；设备维护40.00万元。" in "".join(draft.execution(sa))


# --- I403 a quoted rate --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("截至6月底资金使用率100%。", True),
        ("截至6月底资金使用率为25%。", False),
        ("截至6月底支出进度26%。", False),  # within the 1-point tolerance of 25.00
        ("截至6月底支出进度26.01%。", True),
        ("力争10月底前支出进度达到80%以上。", False),  # a goal, not a statement
        ("下达率 100%，执行顺利。", False),
        ("下达率 60%，执行顺利。", True),
    ],
)
def test_i402_a_rate_quoted_in_the_narrative(text: str, fires: bool) -> None:
    sub = project({"市级财政资金": fund(spent=25)}, 分析报告={"预算执行情况分析": text})
    found = _only(codes(sub), "I403")
    assert found == ([("I403", None)] if fires else [])  # a hint colours nothing


def test_i402_accepts_a_rate_of_one_of_the_rows() -> None:
    funds = {"中央财政资金": fund(spent=10), "市级财政资金": fund(spent=90)}
    sub = project(funds, 分析报告={"预算执行情况分析": "中央财政资金支出进度10%，市级财政资金支出进度90%。"})
    assert _only(codes(sub), "I403") == []


def test_the_new_rules_are_in_the_default_rulebook() -> None:
    assert {"W415", "W416", "W417", "W418", "W419", "I403"} <= set(rules().rules)


def test_a_stated_number_of_monitored_projects_is_drafted() -> None:
    plain = department()
    stated = Department.from_data(plain.path, {**_department_data(), "监控项目数": 12})
    assert "本期纳入绩效监控的项目共12个。" in draft.identity(stated)  # the identity sentence atop 「一、」
    assert "纳入绩效监控的项目共" not in draft.identity(plain)


def _department_data() -> dict[str, Any]:
    return {
        "年度": 2025,
        "截至月份": 6,
        "主管部门": "朔州市教育局",
        "主管部门代码": "101",
        "资金按类型": {"一般公共预算资金": fund(budget=200, allocated=200, spent=100)},
        "资金按用途": {"基本支出": fund(), "项目支出": fund()},
        "年度绩效目标": "目标",
        "绩效指标": green_indicators(),
    }
