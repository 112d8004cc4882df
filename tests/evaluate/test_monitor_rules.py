"""Every monitoring rule: cases that fire and cases that must not, edges at the thresholds, zero denominators,
exempt 科研类 projects. Models are built from plain data (factory.py); every default is green."""

from __future__ import annotations

import pytest

from docgen.evaluate import monitor
from docgen.evaluate.monitor import worst

from .factory import analyse, codes, department, fund, green_indicators, indicator, project, roster, rules

GREEN: list[tuple[str, str | None]] = []


def test_the_defaults_are_green() -> None:
    sub = project()
    sa = analyse(sub).of(sub.path)
    assert sa is not None and sa.findings == [] and sa.light == "green"
    assert sa.indicator_lights == ("green",) * 5
    assert sa.row_lights == {"资金": {"资金总额": "green", "市级财政资金": "green"}}


# --- 及时性 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spent", "expected"),
    [
        (40, GREEN),
        (39.99, [("W401", "yellow")]),
        (30, [("W401", "yellow")]),
        (29.99, [("W401", "red")]),
        (0, [("W401", "red"), ("W405", "yellow")]),
    ],
)
def test_w401_spending_behind_time_progress(spent: float, expected: list[tuple[str, str]]) -> None:
    """Month 6: 序时进度 50%. r = 支出进度 ÷ 50 × 100: 80 is green, 60 is yellow, below 60 red."""
    assert codes(project({"市级财政资金": fund(spent=spent)})) == expected


def test_w401_zero_arranged_is_not_judged() -> None:
    sub = project({"市级财政资金": fund(budget=0, allocated=0, spent=0, expected=0)}, indicators=green_indicators())
    sa = analyse(sub).of(sub.path)
    assert sa is not None and not [f for f in sa.findings if f.code in ("W401", "W402", "W404")]
    assert sa.row_lights["资金"]["资金总额"] is None  # 「—」: nothing to compare


def test_w401_december_compares_with_the_whole_year() -> None:
    done = [indicator(result="100人"), *green_indicators()[1:]]
    assert codes(project({"市级财政资金": fund(spent=79.99)}, done, month=12)) == [("W401", "yellow")]
    assert codes(project({"市级财政资金": fund(spent=80)}, done, month=12)) == GREEN


def test_w401_a_row_is_reported_only_where_it_adds_to_the_total() -> None:
    both_red = project({"中央财政资金": fund(spent=10), "市级财政资金": fund(spent=10)})
    assert codes(both_red) == [("W401", "red")]  # the 资金总额 line; the rows say the same
    sa = analyse(both_red).of(both_red.path)
    assert sa is not None and sa.row_lights["资金"] == {"资金总额": "red", "中央财政资金": "red", "市级财政资金": "red"}
    one_bad = project({"中央财政资金": fund(spent=60), "市级财政资金": fund(spent=20)})  # total 40% -> r = 80, green
    sa = analyse(one_bad).of(one_bad.path)
    assert sa is not None and [(f.code, f.light, "市级财政资金" in f.message) for f in sa.findings] == [("W401", "red", True)]
    assert sa.row_lights["资金"]["资金总额"] == "green" and sa.light == "red"


@pytest.mark.parametrize(
    ("allocated", "expected"),
    [(40, GREEN), (39.99, [("W402", "yellow")]), (25, [("W402", "yellow")]), (24.99, [("W402", "red")]), (0, [("W402", "red")])],
)
def test_w402_allocation_behind_time_progress(allocated: float, expected: list[tuple[str, str]]) -> None:
    """下达率 ÷ 序时进度 × 100: below 80 yellow, below 50 red (spending kept on time: money from elsewhere, which W415
    reports on its own)."""
    found = codes(project({"市级财政资金": fund(allocated=allocated, spent=50)}))
    assert [c for c in found if c[0] != "W415"] == expected


def test_w402_no_budget_this_year_is_not_judged() -> None:
    assert codes(project({"市级财政资金": fund(carried=100, budget=0, allocated=0, spent=50)}, indicators=green_indicators())) == [
        ("W403", "yellow")
    ]


@pytest.mark.parametrize(("carried", "expected"), [(0, GREEN), (29.99, GREEN), (30, [("W403", "yellow")]), (90, [("W403", "yellow")])])
def test_w403_large_carry_over(carried: float, expected: list[tuple[str, str]]) -> None:
    """上年结转 ÷ 安排数: 30% or more is yellow."""
    budget = 100 - carried
    assert codes(project({"市级财政资金": fund(carried=carried, budget=budget, allocated=budget, spent=50)})) == expected


@pytest.mark.parametrize(
    ("expected_spend", "expected"),
    [
        (100, GREEN),
        (90.01, GREEN),
        (90, [("W404", "yellow")]),
        (70.01, [("W404", "yellow")]),
        (70, [("W404", "red")]),
        (130, [("W411", "red")]),
    ],
)
def test_w404_expected_balance(expected_spend: float, expected: list[tuple[str, str]]) -> None:
    assert codes(project({"市级财政资金": fund(expected=expected_spend)})) == expected


def test_w405_zero_spending_with_money_allocated() -> None:
    assert ("W405", "yellow") in codes(project({"市级财政资金": fund(spent=0)}))
    assert [c for c in codes(project({"市级财政资金": fund(spent=0)}, month=2)) if c[0] == "W405"] == []  # too early in the year
    nothing = project({"市级财政资金": fund(allocated=0, spent=0)}, indicators=[indicator(result="0人"), *green_indicators()[1:]])
    assert "W405" not in [c for c, _ in codes(nothing)]
    work_done = project({"市级财政资金": fund(allocated=0, spent=0)})  # 50人 already served
    assert "W405" in [c for c, _ in codes(work_done)]


# --- 合规性 -------------------------------------------------------------------------------------------


def test_w411_overspend_per_fund_row() -> None:
    at_limit = project({"市级财政资金": fund(spent=100)})
    assert "W411" not in [c for c, _ in codes(at_limit)]
    over = project({"中央财政资金": fund(spent=100.01, expected=120), "市级财政资金": fund(spent=0, expected=50)})
    found = [(f.code, f.light, f.message) for f in analyse(over).of(over.path).findings if f.code == "W411"]  # type: ignore[union-attr]
    assert [(c, light) for c, light, _ in found] == [("W411", "red"), ("W411", "red")]
    assert "支出数 100.01" in found[0][2] and "全年预计支出数 120.00" in found[1][2]


def test_w412_allocated_above_this_years_budget() -> None:
    assert ("W412", "yellow") in codes(project({"市级财政资金": fund(allocated=100.01)}))
    assert "W412" not in [c for c, _ in codes(project({"市级财政资金": fund(allocated=100)}))]


def test_w413_compares_the_project_name_and_the_department_with_the_roster() -> None:
    entry = {"项目代码": "101-2025-001", "项目名称": "项目101-2025-001", "预算单位": "朔州市教育局本级"}
    agreeing = project()
    assert "W413" not in [c for c, _ in codes(agreeing, rosters=(roster(entry),))]
    renamed = project(项目名称="另一个名称", 主管部门="../../../../tmp/pwn/局")
    found = [f.message for f in analyse(renamed, rosters=(roster(entry),)).of(renamed.path).findings if f.code == "W413"]  # type: ignore[union-attr]
    assert found == [
        "「项目名称」与名单不一致：名单中为 「项目101-2025-001」，本文件为 「另一个名称」",
        "「主管部门」与名单不一致：名单中为 「朔州市教育局」，本文件为 「../../../../tmp/pwn/局」",
    ]


def test_w413_flags_against_the_roster() -> None:
    entry = {"项目代码": "101-2025-001", "项目名称": "项目101-2025-001", "预算单位": "朔州市教育局本级", "科研类": True}
    sub = project()
    found = [(f.code, f.message) for f in analyse(sub, rosters=(roster(entry),)).of(sub.path).findings]  # type: ignore[union-attr]
    assert found == [("W413", "「科研类」与名单不一致：名单中为 是，本文件为 否")]
    agreeing = project(科研类=True)
    assert "W413" not in [c for c, _ in codes(agreeing, rosters=(roster(entry),))]
    other = project(code="101-2025-009")
    assert "W413" not in [c for c, _ in codes(other, rosters=(roster(entry),))]  # not on the roster: validation's W302


@pytest.mark.parametrize(
    ("listed", "files", "says"),
    [
        (("101-2025-001", "101-2025-002"), frozenset(), None),  # all reported: nothing to add, never 「另有 0 个」
        (("101-2025-001", "101-2025-002", "101-2025-003"), frozenset(), "；名单中另有 1 个项目尚未报送"),
        (
            ("101-2025-001", "101-2025-002", "101-2025-003"),
            frozenset({"101-2025-003"}),
            "；名单中另有 1 个项目的报送文件有错误（未计入合计）",
        ),
        (
            ("101-2025-001", "101-2025-002", "101-2025-003", "101-2025-004"),
            frozenset({"101-2025-003"}),
            "；名单中另有 1 个项目尚未报送、1 个项目的报送文件有错误（未计入合计）",
        ),
    ],
)
def test_w414_says_which_projects_are_not_in_the_sum_and_why(listed: tuple[str, ...], files: frozenset[str], says: str | None) -> None:
    projects = [project({"市级财政资金": fund(budget=1000, allocated=1000, spent=500)}, code=f"101-2025-00{i}") for i in (1, 2)]
    far = department(by_use={"基本支出": fund(), "项目支出": fund(budget=2200, allocated=2200, spent=1000)})
    entries = [{"项目代码": code, "项目名称": code, "预算单位": "朔州市教育局本级"} for code in listed]
    result = monitor.analyse(projects, [far], [roster(*entries)], rules(), present={str(far.path): files})
    [w414] = [f for f in result.findings if f.code == "W414"]
    assert "另有 0" not in w414.message and "尚未报送" not in w414.message.replace(says or "", "")
    assert (says in w414.message) if says else "名单中另有" not in w414.message


def test_w414_department_project_spending_against_its_projects() -> None:
    projects = [project({"市级财政资金": fund(budget=1000, allocated=1000, spent=500)}, code=f"101-2025-00{i}") for i in (1, 2)]
    close = department(by_use={"基本支出": fund(), "项目支出": fund(budget=2090, allocated=2090, spent=1000)})  # 90 of 2090: 4.3%
    assert "W414" not in [c for c, _ in codes(close)] and "W414" not in [f.code for f in analyse(close, *projects).findings]
    far = department(by_use={"基本支出": fund(), "项目支出": fund(budget=2200, allocated=2200, spent=1000)})
    sa = analyse(far, *projects).of(far.path)
    assert sa is not None and [f.code for f in sa.findings] == ["W414"]
    assert "已报 2 个项目" in sa.findings[0].message and sa.row_lights["资金按用途"]["项目支出"] == "yellow"
    # every column that differs, each with both figures; the spent column agrees and is not named
    assert (
        "不一致：本年预算（附件3 2200.00 万元，项目合计 2000.00 万元）；下达数（附件3 2200.00 万元，项目合计 2000.00 万元）；"
        "全年预计支出数（附件3 2200.00 万元，项目合计 2000.00 万元）"
    ) in sa.findings[0].message
    assert "名单中另有" not in sa.findings[0].message  # no roster here: never 「另有 0 个项目」
    assert "支出数（" not in sa.findings[0].message.replace("预计支出数（", "")
    assert "W414" not in [f.code for f in analyse(far).findings]  # no project submitted yet: nothing to reconcile
    strict = analyse(close, *projects, overrides={"W414": {"阈值": {"允许差异率": 0}}})
    assert "W414" in [f.code for f in strict.findings]


# --- 有效性 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "light"),
    [("29人", "red"), ("30人", "yellow"), ("39人", "yellow"), ("40人", None), ("59人", None), ("60人", "blue"), ("200人", "blue")],
)
def test_w421_cumulative_indicator_against_the_pro_rated_target(result: str, light: str | None) -> None:
    """≥100人 by June: 50人 is on time; r < 60 red, < 80 yellow, ≥ 120 blue."""
    sub = project(indicators=[indicator(result=result), *green_indicators()[1:]])
    found = [(f.code, f.light) for f in analyse(sub).of(sub.path).findings if f.code == "W421"]  # type: ignore[union-attr]
    assert found == ([("W421", light)] if light else [])
    assert analyse(sub).of(sub.path).indicator_lights[0] == (light or "green")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("result", "light"),
    [("53.9%", "red"), ("54%", "yellow"), ("71.9%", "yellow"), ("72%", None), ("89%", None), ("90%", None), ("100%", None)],
)
def test_w421_rates_are_not_pro_rated(result: str, light: str | None) -> None:
    sub = project(
        indicators=[*green_indicators()[:4], indicator("满意度", "≥90%", result, "≥90%", level1="满意度指标", level2="服务对象满意度指标")]
    )
    assert [(c, li) for c, li in codes(sub) if c == "W421"] == ([("W421", light)] if light else [])


def test_w421_explicitly_not_cumulative_count() -> None:
    flat = indicator(result="98人", 按进度累计=False)
    assert [c for c in codes(project(indicators=[flat, *green_indicators()[1:]])) if c[0] == "W421"] == []
    flat_low = indicator(result="50人", 按进度累计=False)  # 50 of 100, not pro-rated: r = 50 -> red
    assert ("W421", "red") in codes(project(indicators=[flat_low, *green_indicators()[1:]]))


def test_w421_message_shows_the_pro_rated_target_in_the_targets_units() -> None:
    sub = project(indicators=[indicator(target="≥3万人次", result="1万人次", expected="3万人次"), *green_indicators()[1:]])
    message = next(f.message for f in analyse(sub).of(sub.path).findings if f.code == "W421")  # type: ignore[union-attr]
    assert "截至6月完成 1万人次，为应达值 ≥1.5万人次 的 66.67%（年度指标值 ≥3万人次）" in message


def _w421(*inds: dict[str, object], month: int = 6) -> list[tuple[str, str | None]]:
    return [c for c in codes(project(indicators=[*inds, *green_indicators()[1:]], month=month)) if c[0] == "W421"]


@pytest.mark.parametrize(
    ("name", "target", "result", "light"),
    [
        ("选聘第三方运维单位", "1家", "1家", None),  # a one-off count, done: 100, not 200 (blue)
        ("选聘第三方运维单位", "1家", "0家", "red"),  # not done: 0 against the whole target, no pro-rating
        ("日均道路清扫面积", "≥50万平方米", "50万平方米", None),  # a daily rate at its target: 100, not 200
        ("日均道路清扫面积", "≥50万平方米", "59万平方米", None),  # 118 against the year's rate, not 236 (blue)
        ("日均道路清扫面积", "≥50万平方米", "29万平方米", "red"),  # 58: short of the rate the year asks, not 116
        ("开放公共文化场馆数量", "≥12个", "12个", None),  # a stock
    ],
)
def test_w421_one_off_counts_rates_and_stocks_are_not_pro_rated(name: str, target: str, result: str, light: str | None) -> None:
    ind = indicator(name, target, result, target, 偏差原因分析="过程方面：原因")
    assert _w421(ind) == ([("W421", light)] if light else [])


@pytest.mark.parametrize(
    ("result", "light"),
    [("0.3万亩", None), ("1.49万亩", None), ("1.5万亩", None), ("1.79万亩", None), ("1.8万亩", "blue")],
)
def test_w421_a_count_nobody_can_classify_is_not_compared_against_time_progress(result: str, light: str | None) -> None:
    """「高效节水灌溉面积」 may be built through the year or be a stock: no light from a guess, only the year's target."""
    ind = indicator("高效节水灌溉面积", "≥1.5万亩", result, "1.5万亩")
    assert _w421(ind) == ([("W421", light)] if light else [])


def test_w421_a_count_stated_as_cumulative_is_compared_against_time_progress() -> None:
    ind = indicator("高效节水灌溉面积", "≥1.5万亩", "0.3万亩", "1.5万亩", 偏差原因分析="过程方面：原因", 按进度累计=True)
    assert _w421(ind) == [("W421", "red")]  # 0.3 of the pro-rated 0.75: r = 40


def test_w421_a_value_exactly_at_its_annual_target_is_never_blue() -> None:
    """Stated as 累计 and done by June: r = 200, but the year's target reached is not 「目标偏低」."""
    assert _w421(indicator(result="100人", 按进度累计=True)) == []
    assert _w421(indicator(result="101人", 按进度累计=True)) == [("W421", "blue")]
    assert _w421(indicator(result="60人", 按进度累计=True)) == [("W421", "blue")]  # 120 of the pro-rated 50


@pytest.mark.parametrize(
    ("target", "result", "expected", "field", "percent"),
    [
        ("≥95%", "0.96", "96%", "指标完成情况", "96%"),
        ("≥95%", "96%", "0.95", "全年指标预计完成情况", "95%"),
        ("0.95", "96%", "96%", "年度指标值", "95%"),  # the target typed as a fraction: one hint, not one per column
    ],
)
def test_w430_a_percentage_typed_as_a_fraction_is_asked_about(target: str, result: str, expected: str, field: str, percent: str) -> None:
    sub = project(
        indicators=[
            *green_indicators()[:4],
            indicator("满意度", target, result, expected, level1="满意度指标", level2="服务对象满意度指标"),
        ]
    )
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    found = [(f.code, f.light) for f in sa.findings]
    assert found == [("W430", None)]  # no W421 「1.01%」, no W423, no W429
    message = sa.findings[0].message
    assert f"「{field}」" in message and f"是不是 {percent}？" in message


@pytest.mark.parametrize(("target", "result"), [("≥95%", "95"), ("≥95%", "96%"), ("≥1%", "0.5"), ("≥0.56", "0.57")])
def test_w430_silent_for_percentages_written_as_such(target: str, result: str) -> None:
    sub = project(
        indicators=[*green_indicators()[:4], indicator("满意度", target, result, result, level1="满意度指标", level2="服务对象满意度指标")]
    )
    assert [c for c in codes(sub) if c[0] == "W430"] == []


def test_w428_silent_for_a_sentence_with_a_year_and_w422_for_a_period_value() -> None:
    sentence = indicator("交付使用时间", "2025年度", "2025年完成主体工程", "全年", level2="时效指标")
    assert codes(project(indicators=[*green_indicators()[:2], sentence, *green_indicators()[3:]])) == []


@pytest.mark.parametrize(
    ("target", "result", "fires"),
    [
        ("≤30天", "30天", False),
        ("≤30天", "31天", True),
        ("0起", "0起", False),
        ("0起", "1起", True),
        ("3-5天", "4天", False),
        ("3-5天", "6天", True),
        ("2025年10月底前", "2025年9月", False),
        ("2025年5月底前", "2025年6月", True),
        ("≤30天", "有效", False),
    ],
)
def test_w422_lower_is_better_ranges_and_dates(target: str, result: str, fires: bool) -> None:
    sub = project(
        indicators=[*green_indicators()[:2], indicator("时限", target, result, target, level2="时效指标"), *green_indicators()[3:]]
    )
    assert [c for c in codes(sub) if c[0] == "W422"] == ([("W422", "red")] if fires else [])


@pytest.mark.parametrize(("expected", "fires"), [("100人", False), ("99人", True), ("有望完成", False), ("≥100人", False)])
def test_w423_expected_below_the_target(expected: str, fires: bool) -> None:
    sub = project(indicators=[indicator(expected=expected, 偏差原因分析="过程方面：原因"), *green_indicators()[1:]])
    assert [c for c in codes(sub) if c[0] == "W423"] == ([("W423", "yellow")] if fires else [])


def test_w423_uses_the_adjusted_target() -> None:
    adjusted = indicator(target="≥100人", expected="80人", 调整后指标值="≥80人", result="40人")
    assert [c for c in codes(project(indicators=[adjusted, *green_indicators()[1:]])) if c[0] in ("W421", "W423")] == []


@pytest.mark.parametrize(("likelihood", "light"), [("确定能", None), ("有可能", "yellow"), ("完全不可能", "red")])
def test_w424_likelihood(likelihood: str, light: str | None) -> None:
    sub = project(indicators=[indicator(likelihood=likelihood, 偏差原因分析="过程方面：x", 备注="措施"), *green_indicators()[1:]])
    assert [c for c in codes(sub) if c[0] == "W424"] == ([("W424", light)] if light else [])


def test_w425_progress_deviation_without_analysis() -> None:
    behind = indicator(result="35人")
    assert ("W425", "yellow") in codes(project(indicators=[behind, *green_indicators()[1:]]))
    explained = indicator(result="35人", 偏差原因分析="过程方面：集中在下半年实施")
    assert "W425" not in [c for c, _ in codes(project(indicators=[explained, *green_indicators()[1:]]))]


def test_w426_deviation_analysis_without_decision_process_or_management() -> None:
    thin = indicator(result="35人", 偏差原因分析="天气原因")
    assert ("W426", None) in codes(project(indicators=[thin, *green_indicators()[1:]]))
    good = indicator(result="35人", 偏差原因分析="管理方面：督导不到位")
    assert "W426" not in [c for c, _ in codes(project(indicators=[good, *green_indicators()[1:]]))]


def test_w427_missing_indicator_kinds() -> None:
    sub = project(indicators=[green_indicators()[0], green_indicators()[3]])
    found = [f for f in analyse(sub).of(sub.path).findings if f.code == "W427"]  # type: ignore[union-attr]
    assert len(found) == 1 and found[0].light == "yellow"
    assert "满意度指标" in found[0].message and "质量指标" in found[0].message and "时效指标" in found[0].message
    assert "W427" not in [c for c, _ in codes(project())]


def test_w428_numeric_looking_value_that_does_not_parse() -> None:
    odd = indicator(result="已完成约50人")
    sub = project(indicators=[odd, *green_indicators()[1:]])
    found = [(f.code, f.light, f.severity) for f in analyse(sub).of(sub.path).findings]  # type: ignore[union-attr]
    assert found == [("W428", None, "info")]


def test_w429_units_that_do_not_compare() -> None:
    odd = indicator(result="50人次")
    assert codes(project(indicators=[odd, *green_indicators()[1:]])) == [("W429", None)]


# --- 科研类 and lights ------------------------------------------------------------------------------------


def test_research_projects_are_exempt_mid_year_with_an_info_line() -> None:
    bad = {"市级财政资金": fund(spent=0, allocated=10)}
    sub = project(bad, indicators=[indicator(result="0人", likelihood="有可能", 偏差原因分析="过程方面")], 科研类=True)
    sa = analyse(sub).of(sub.path)
    assert sa is not None and [(f.code, f.severity) for f in sa.findings] == [("I401", "info")]
    assert sa.exempt and sa.light is None and sa.indicator_lights == (None,) and sa.row_lights["资金"]["资金总额"] is None
    assert "科研类项目" in sa.findings[0].message


def test_research_projects_still_get_compliance_warnings() -> None:
    sub = project({"市级财政资金": fund(spent=120)}, 科研类=True)
    sa = analyse(sub).of(sub.path)
    assert sa is not None and [f.code for f in sa.findings] == ["I401", "W411", "W415", "W416"] and sa.light == "red"


def test_research_projects_are_monitored_at_year_end() -> None:
    sub = project({"市级财政资金": fund(spent=10)}, 科研类=True, month=12)
    assert ("W401", "red") in codes(sub)


def test_a_submissions_light_is_the_worst_of_its_lights() -> None:
    assert worst(["green", "blue"]) == "blue" and worst(["blue", "yellow", "green"]) == "yellow" and worst(["yellow", "red"]) == "red"
    assert worst([None, "none"]) is None
    sub = project(indicators=[indicator(result="70人"), *green_indicators()[1:]])  # blue only
    assert analyse(sub).of(sub.path).light == "blue"  # type: ignore[union-attr]


def test_department_counts_each_light() -> None:
    subs = [
        project(code="101-2025-001"),
        project({"市级财政资金": fund(spent=10)}, code="101-2025-002"),
        project({"市级财政资金": fund(spent=35)}, code="101-2025-003"),
        project(code="101-2025-004", 科研类=True),
    ]
    analysis = analyse(*subs)
    [dept] = analysis.departments()
    assert (dept.period, dept.code, dept.name) == ("2025-06", "101", "朔州市教育局")
    assert dept.lights == {"red": 1, "yellow": 1, "blue": 0, "green": 1, "grey": 0, "none": 1}
    assert analysis.department("2025-06", "101") == dept and analysis.department("2025-06", "999") is None


def test_a_disabled_rule_does_not_run() -> None:
    assert codes(project({"市级财政资金": fund(spent=10)}), overrides={"W401": {"启用": False}}) == []


def test_tuned_thresholds_apply() -> None:
    tuned = {"W401": {"阈值": {"红灯低于": 90, "黄灯低于": 95}}}
    assert codes(project({"市级财政资金": fund(spent=44)}), overrides=tuned) == [("W401", "red")]
