"""「未填报」: a figure, value, table or block nobody reported raises no light and no claim; each rule that reads it
fires on a reported figure and is silent (grey 「未评价」, I402) on the same figure not reported."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.check.ruleset import GREEN, GREY, RED
from docgen.evaluate import conclusions, draft
from docgen.evaluate import figures as compute
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms
from docgen.form import vocabulary as F
from docgen.form.model import Project

from .factory import analyse, codes, department, fund, green_indicators, indicator, project, project_data

NR = F.NOT_REPORTED


def _unreported(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**row, **dict.fromkeys(keys, NR)}


def _warnings(found: list[tuple[str, str | None]]) -> list[str]:
    return [code for code, light in found if light is not None]


# --- the model and the figures --------------------------------------------------------------


def test_a_figure_not_reported_is_its_own_value_and_every_ratio_on_it_is_none() -> None:
    sub = project({"市级财政资金": _unreported(fund(budget=100, allocated=50, spent=20), "支出数")})
    row = sub.funds["市级财政资金"]
    assert row.unreported == {"spent"} and not row.reported("spent") and row.reported("allocated")
    fig = evaluate(sub).headline
    assert fig.spend_progress is None and fig.execution is None and not fig.reported("spent")
    assert fig.allocation_rate is not None  # 下达率 rests on 下达数 and 本年预算, both reported
    assert fig.reported("allocation_rate") and fig.reported("subtotal")


def test_a_whole_table_and_the_indicator_block_may_be_not_reported() -> None:
    sub = Project.from_data(project().path, {**project_data(), "资金": NR, "绩效指标": NR})
    assert sub.unreported == {"funds", "indicators"} and sub.funds == {} and sub.indicators == ()
    ev = evaluate(sub)
    assert not ev.headline.anything_reported and ev.headline.spend_progress is None
    assert ev.completeness == compute.Completeness(0, 12)  # the 资金总额's five and one indicator's seven required fields


def test_completeness_counts_the_forms_figures_and_values() -> None:
    rows = {"中央财政资金": fund(), "市级财政资金": _unreported(fund(), "下达数", "支出数")}
    inds = [*green_indicators()[:4], indicator("满意度", "≥90%", NR, NR, NR, "满意度指标", "服务对象满意度指标")]
    done = evaluate(project(rows, inds)).completeness
    assert (done.reported, done.total, done.complete, done.missing) == (8 + 17, 10 + 20, False, 5)
    assert evaluate(project()).completeness.complete


# --- each rule: firing on a reported figure, silent on the same figure not reported ----------------


@pytest.mark.parametrize(
    ("code", "row", "unreported"),
    [
        ("W401", fund(budget=100, allocated=100, spent=5), ("支出数",)),
        ("W402", fund(budget=100, allocated=5, spent=5, expected=100), ("下达数",)),
        ("W404", fund(budget=100, allocated=100, spent=50, expected=40), ("全年预计支出数",)),
        ("W403", fund(carried=90, budget=10, allocated=10, spent=50), ("上年结转",)),
    ],
)
def test_execution_rules_fire_on_reported_figures_and_skip_unreported_ones(
    code: str, row: dict[str, Any], unreported: tuple[str, ...]
) -> None:
    assert code in _warnings(codes(project({"市级财政资金": row})))
    found = codes(project({"市级财政资金": _unreported(row, *unreported)}))
    assert code not in _warnings(found) and ("I402", None) in found


def test_w405_nothing_spent_fires_on_a_zero_and_is_silent_on_not_reported() -> None:
    row = fund(budget=100, allocated=100, spent=0)
    assert "W405" in _warnings(codes(project({"市级财政资金": row})))
    found = codes(project({"市级财政资金": _unreported(row, "支出数")}))
    assert "W405" not in _warnings(found)


def test_w411_w412_compliance_skip_a_budget_not_reported() -> None:
    rows = {"中央财政资金": fund(budget=10, allocated=20, spent=30, expected=30), "市级财政资金": fund()}
    assert {"W411", "W412"} <= set(_warnings(codes(project(rows))))
    rows["中央财政资金"] = _unreported(rows["中央财政资金"], "本年预算")
    assert not {"W411", "W412"} & set(_warnings(codes(project(rows))))


@pytest.mark.parametrize(
    ("code", "given", "field"),
    [
        ("W421", indicator(result="10人"), "指标完成情况"),
        ("W423", indicator(expected="80人", deviation="过程方面：招生推迟"), "全年指标预计完成情况"),
        ("W424", indicator(likelihood="有可能", deviation="过程方面：招生推迟"), "完成目标可能性"),
    ],
)
def test_indicator_rules_fire_on_reported_values_and_skip_unreported_ones(code: str, given: dict[str, Any], field: str) -> None:
    rest = green_indicators()[1:]
    assert code in _warnings(codes(project(indicators=[given, *rest])))
    sa = analyse(sub := project(indicators=[{**given, field: NR}, *rest])).of(sub.path)
    assert sa is not None and code not in [f.code for f in sa.findings if f.light]
    assert sa.indicator_lights[0] == GREY and any(f.code == "I402" for f in sa.findings)


def test_w427_missing_kinds_fires_on_a_thin_list_and_is_silent_on_no_indicators_yet() -> None:
    assert "W427" in _warnings(codes(project(indicators=[indicator()])))
    base = project()
    sub = Project.from_data(base.path, {**_data(), "绩效指标": NR})
    sa = analyse(sub).of(sub.path)
    assert sa is not None and "W427" not in [f.code for f in sa.findings] and sa.light == GREY


def test_w414_compares_only_what_both_sides_reported() -> None:
    p1 = project({"市级财政资金": fund(budget=100, allocated=100, spent=50)}, code="101-2025-001")
    p2 = Project.from_data(p1.path.with_name("101-2025-002.yaml"), {**_data("101-2025-002"), "资金": NR})
    dept = department(by_use={"基本支出": fund(), "项目支出": fund(budget=300, allocated=300, spent=200)})
    sa = analyse(p1, p2, dept).of(dept.path)
    assert sa is not None and "W414" not in [f.code for f in sa.findings]
    sa = analyse(p1, dept).of(dept.path)
    assert sa is not None and "W414" in [f.code for f in sa.findings]


def _data(code: str = "101-2025-001") -> dict[str, Any]:
    return project_data(code=code)


# --- lights: grey, never a green nothing earned -----------------------------------------------------


def test_a_file_with_nothing_wrong_but_figures_not_reported_is_grey_not_green() -> None:
    row = _unreported(fund(), "下达数", "支出数", "全年预计支出数")
    sa = analyse(sub := project({"市级财政资金": row})).of(sub.path)
    assert sa is not None and sa.light == GREY
    assert sa.row_lights["资金"] == {F.TOTAL_ROW: GREY, "市级财政资金": GREY}
    assert all(light == GREEN for light in sa.indicator_lights)
    green = analyse(sub := project()).of(sub.path)
    assert green is not None and green.light == GREEN


def test_a_real_alarm_beside_figures_not_reported_still_shows() -> None:
    rows = {"中央财政资金": fund(budget=100, allocated=100, spent=5), "市级财政资金": _unreported(fund(), "支出数")}
    sa = analyse(sub := project(rows)).of(sub.path)
    assert sa is not None and sa.light == RED and sa.row_lights["资金"]["市级财政资金"] == GREY


# --- drafts: 「未填报」, never an outcome ---------------------------------------------------------------

CLAIMS = ("预计能够完成年度目标", "总体运行正常", "与预期基本一致", "如期实现", "绿灯", "可完成")


def test_drafts_say_not_reported_and_claim_no_outcome() -> None:
    row = _unreported(fund(budget=680, allocated=0, spent=0, expected=0), "下达数", "支出数", "全年预计支出数")
    inds = [{**i, "指标完成情况": NR, "全年指标预计完成情况": NR, "完成目标可能性": NR} for i in green_indicators()]
    sa = analyse(sub := project({"市级财政资金": row}, inds)).of(sub.path)
    assert sa is not None
    texts = [*(p for ps in draft.drafts(sa).values() for p in ps), *conclusions.draft(sa, analyse(sub).ruleset).values()]
    joined = "".join(texts)
    assert NR in joined and "680.00" in joined
    assert not [claim for claim in CLAIMS if claim in joined]
    assert "0.00%" not in joined and "支出进度" not in draft.execution(sa)[0]


def test_drafts_of_a_complete_file_keep_their_verdict() -> None:
    sa = analyse(sub := project()).of(sub.path)
    assert sa is not None
    joined = "".join(conclusions.draft(sa, analyse(sub).ruleset).values()) + "".join(p for ps in draft.drafts(sa).values() for p in ps)
    assert "预计能够完成年度目标" in joined and "总体运行正常" in joined and NR not in joined


def test_no_indicators_yet_is_drafted_as_such() -> None:
    base = project()
    sub = Project.from_data(base.path, {**_data(), "绩效指标": NR})
    assert draft.targets(sub) == [draft.D("targets_unreported", subject=forms.PROJECT_FORM.report_subject)]
