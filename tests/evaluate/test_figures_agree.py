"""One figure, one value: the light a rule gives and the number every output prints for the same ratio agree.

For generated amounts, months and indicator values this drives the real rule engine (monitor) and reads
the real outputs — the finding's message, the row the 汇总表 writes, summary.json's field, the site's bar
tone, the drafts — and checks that (1) they all print the same number, (2) that number is the ratio rounded
once, half up, to two decimals, from the figures as printed (compute.py's rule, recomputed here exactly
with fractions), and (3) the light is the grade of exactly that printed number: 60.00 is not red under
「红灯低于: 60」, 59.99 is. Explicit cases pin month 5 / 25 % spent (「…的 60.00%，低于 60%」 with a red light,
the reported bug) and the boundaries of every default threshold.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from docgen import api
from docgen import messages as M
from docgen.check.ruleset import BLUE, GREEN, RED, YELLOW
from docgen.evaluate import conclusions, draft
from docgen.evaluate.evaluation import evaluate
from docgen.evaluate.monitor import SubmissionAnalysis
from docgen.form.model import Project
from docgen.render import rollup
from docgen.site import generate
from tests.evaluate.factory import analyse, fund, green_indicators, indicator, project, rules

DEFAULTS = rules()
ROW, TOTAL = "市级财政资金", "资金总额"
CENTS = st.integers(min_value=1, max_value=10**8)  # 0.01 … 1,000,000.00 万元
MONTHS = st.integers(min_value=1, max_value=12)
#: 「…的 {ratio}%，低于 {limit}%」 (W401, W402) and 「{share}%（不低于 {limit}%）」 (W403, W404) in the default texts.
BELOW = re.compile(r"的 (\d+\.\d{2})%，低于 (\d+(?:\.\d+)?)%")
AT_LEAST = re.compile(r"(\d+\.\d{2})%（不低于 (\d+(?:\.\d+)?)%）")
INDICATOR_RATIO = re.compile(r"的 (\d+\.\d{2})%（年度指标值")


def test_the_default_thresholds_are_the_ones_tested_here() -> None:
    assert DEFAULTS["W401"].thresholds == {"红灯低于": 60, "黄灯低于": 80}
    assert DEFAULTS["W402"].thresholds == {"红灯低于": 50, "黄灯低于": 80}
    assert DEFAULTS["W403"].thresholds == {"黄灯不低于": 30}
    assert DEFAULTS["W404"].thresholds == {"黄灯不低于": 10, "红灯不低于": 30}
    assert DEFAULTS["W421"].thresholds == {"红灯低于": 60, "黄灯低于": 80, "蓝灯不低于": 120}


# --- the rule, stated independently: exact fractions, one rounding half up ------------------------------


def half_up(value: Fraction) -> Decimal:
    """value (≥ 0) to two decimals, half up."""
    cents = int(value * 100 + Fraction(1, 2))  # floor: value ≥ 0
    return Decimal(cents).scaleb(-2)


def pct(numerator: Fraction | Decimal | int, denominator: Fraction | Decimal | int) -> Decimal:
    return half_up(Fraction(numerator) / Fraction(denominator) * 100)


def time_progress(month: int) -> Decimal:
    return pct(month, 12)


def grade(code: str, value: Decimal) -> str:
    """The light of the rules file for a printed value, read as forms.md states the thresholds."""
    t = {k: Decimal(v) for k, v in DEFAULTS[code].thresholds.items()}
    if "红灯低于" in t and value < t["红灯低于"]:
        return RED
    if "红灯不低于" in t and value >= t["红灯不低于"]:
        return RED
    if "黄灯低于" in t and value < t["黄灯低于"]:
        return YELLOW
    if "黄灯不低于" in t and value >= t["黄灯不低于"]:
        return YELLOW
    if "蓝灯不低于" in t and value >= t["蓝灯不低于"]:
        return BLUE
    return GREEN


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


# --- the real outputs -----------------------------------------------------------------------------


def analysed(sub: Project) -> SubmissionAnalysis:
    sa = analyse(sub).of(sub.path)
    assert sa is not None
    return sa


def findings(sa: SubmissionAnalysis, code: str) -> list[tuple[str | None, str]]:
    return [(f.light, f.message) for f in sa.findings if f.code == code]


def rollup_row(sub: Project) -> dict[str, Any]:
    """The project's row as the department's 汇总表 writes it (the first sheet's data rows)."""
    analysis = analyse(sub)
    roll = rollup.department_rollup(analysis, sub.period, sub.department_code)
    (row,) = rollup.department_sheets(roll, analysis)[0].rows
    return row


def summary_row(sub: Project) -> dict[str, Any]:
    """The 资金总额 row of build/summary.json for the project."""
    return api.submission_json(analysed(sub), Path("."))["tables"]["资金"][TOTAL]  # type: ignore[no-any-return]


def shown(value: Decimal | None) -> str:
    """A Decimal cell of the 汇总表 row as the workbook's 0.00% format prints it (two decimals)."""
    assert value is not None
    return f"{value:.2f}"


# --- W401: 支出进度 ÷ 序时进度 ---------------------------------------------------------------------------


def w401_project(month: int, budget: int, spent: int) -> Project:
    """One fund row, everything else on time: only W401 can colour the 资金总额 row."""
    row = fund(budget=money(budget), allocated=money(budget), spent=money(spent))
    return project({ROW: row}, month=month)


def check_w401(month: int, budget: int, spent: int) -> Decimal:
    sub = w401_project(month, budget, spent)
    sa = analysed(sub)
    spend = pct(spent, budget)
    expected = pct(spend, time_progress(month))  # from the rates as printed
    printed = {
        "汇总表": shown(rollup_row(sub)["execution"]),
        "summary.json": summary_row(sub)["execution"],
    }
    assert printed == {"汇总表": str(expected), "summary.json": str(expected)}
    assert summary_row(sub)["spend_progress"] == str(spend) and shown(rollup_row(sub)["spend_progress"]) == str(spend)
    light = grade("W401", expected)
    hits = findings(sa, "W401")
    if light == GREEN:
        assert hits == []
    else:
        ((hit_light, message),) = hits
        ratio, limit = BELOW.search(message).groups()  # type: ignore[union-attr]
        assert (hit_light, ratio) == (light, str(expected))
        assert Decimal(ratio) < Decimal(limit), message  # never 「60.00%，低于 60%」
        assert f"支出进度 {spend}%" in message and f"序时进度 {time_progress(month)}%" in message
        assert message in conclusions.deviation(sa)  # 附件1's drafted 偏差原因分析 quotes the finding
    assert sa.row_lights["资金"][TOTAL] == light
    assert generate.execution_tone(site_figures(sub).execution, DEFAULTS["W401"]) == light
    assert f"支出进度{spend}%" in draft.execution(evaluate(sub))[0]
    assert f"支出进度 {spend}%，序时进度 {time_progress(month)}%" in conclusions.conclusion(sa)
    return expected


def site_figures(sub: Project) -> Any:
    """The figures the site's project page shows and colours its 支出进度 bar by (the template's execution_tone)."""
    entry = generate.Entry(
        "project", sub.period, sub.department_code, sub.department, sub.code, sub.name, path=sub.path, model=sub, evaluation=evaluate(sub)
    )
    return entry.figures


def near(threshold: int) -> st.SearchStrategy[tuple[int, int, int]]:
    """(month, budget, spent) with r within a few hundredths of `threshold`: where rounding decides the light."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[int, int, int]:
        month = draw(MONTHS)
        budget = draw(st.integers(min_value=100, max_value=10**8))
        r = Fraction(threshold) + Fraction(draw(st.integers(min_value=-300, max_value=300)), 10000)
        exact = Fraction(budget) * Fraction(month, 12) * r / 100
        spent = max(0, min(budget, round(exact) + draw(st.integers(min_value=-2, max_value=2))))
        return month, budget, spent

    return build()


@settings(max_examples=300, deadline=None)
@given(st.one_of(near(60), near(80), st.tuples(MONTHS, CENTS, CENTS).map(lambda t: (t[0], t[1], min(t[1], t[2])))))
@example((5, 10000, 2500))  # month 5, 25 % spent: 25.00 ÷ 41.67 = 59.995… -> 60.00, yellow
def test_w401_light_and_every_printed_execution_ratio_agree(case: tuple[int, int, int]) -> None:
    check_w401(*case)


@pytest.mark.parametrize(
    ("month", "budget", "spent", "ratio", "light"),
    [
        (5, 10000, 2500, "60.00", YELLOW),  # the reported bug: was red beside 「60.00%」
        (5, 10000, 2499, "59.97", RED),
        (5, 1000000, 249979, "60.00", YELLOW),  # 支出进度 24.9979 prints 25.00, so r is the bug case's 60.00
        (6, 10000, 3000, "60.00", YELLOW),
        (6, 10000, 2999, "59.98", RED),
        (6, 1000000, 299950, "60.00", YELLOW),  # 支出进度 29.995 prints 30.00 (half up): r = 60.00
        (6, 10000, 4000, "80.00", GREEN),
        (6, 10000, 3999, "79.98", YELLOW),
        (7, 10000, 3500, "60.00", YELLOW),  # 序时进度 58.33: 35.00 ÷ 58.33 = 60.003…
        (7, 10000, 4667, "80.01", GREEN),
        (7, 10000, 4666, "79.99", YELLOW),
        (11, 10000, 5500, "60.00", YELLOW),  # 序时进度 91.67: 55.00 ÷ 91.67 = 59.998…
        (11, 10000, 7333, "79.99", YELLOW),
        (11, 10000, 7334, "80.00", GREEN),
    ],
)
def test_w401_examples_at_the_thresholds(month: int, budget: int, spent: int, ratio: str, light: str) -> None:
    sub = w401_project(month, budget, spent)
    sa = analysed(sub)
    assert check_w401(month, budget, spent) == Decimal(ratio)
    assert sa.row_lights["资金"][TOTAL] == light
    hits = findings(sa, "W401")
    assert [h[0] for h in hits] == ([] if light == GREEN else [light])
    if hits:
        assert f"的 {ratio}%，低于" in hits[0][1]


def test_w401_a_printed_59_99_is_red_and_60_00_is_not() -> None:
    """December (序时进度 100.00): r is 支出进度 itself, so both sides of 「红灯低于: 60」 print as such."""
    sub = w401_project(12, 10000, 5999)
    sa = analysed(sub)
    assert findings(sa, "W401")[0][0] == RED and "的 59.99%，低于 60%" in findings(sa, "W401")[0][1]
    assert shown(rollup_row(sub)["execution"]) == "59.99" and summary_row(sub)["execution"] == "59.99"
    sub = w401_project(12, 10000, 6000)
    assert analysed(sub).row_lights["资金"][TOTAL] == YELLOW and summary_row(sub)["execution"] == "60.00"


def test_month_5_the_workbook_cell_shows_60_00_beside_a_yellow_light() -> None:
    """The reported bug, end to end in the 汇总表 workbook: the 执行率 cell holds 0.6 shown 0.00% and the light is 黄灯."""
    sub = w401_project(5, 10000, 2500)
    analysis = analyse(sub)
    roll = rollup.department_rollup(analysis, sub.period, sub.department_code)
    book = openpyxl.load_workbook(io.BytesIO(rollup.department_workbook(roll, analysis)))
    sheet = book.worksheets[0]
    header = next(r for r in sheet.iter_rows() if any(c.value == M.ROLLUP_COLUMNS["execution"] for c in r))
    column = next(c.column for c in header if c.value == M.ROLLUP_COLUMNS["execution"])
    light_column = next(c.column for c in header if c.value == M.ROLLUP_COLUMNS["light"])
    cell = sheet.cell(header[0].row + 1, column)
    assert (cell.value, cell.number_format) == (0.6, "0.00%")
    assert sheet.cell(header[0].row + 1, light_column).value == M.LIGHT_NAMES[YELLOW]
    (message,) = [m for light, m in findings(analysis.of(sub.path), "W401") if light == YELLOW]  # type: ignore[arg-type]
    assert "仅为序时进度 41.67% 的 60.00%，低于 80%" in message


# --- W402: 下达率 ÷ 序时进度 ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(MONTHS, CENTS, st.integers(min_value=0, max_value=10**8))
@example(5, 10000, 2083)  # 20.83 ÷ 41.67 = 49.988… -> 49.99, red
@example(5, 10000, 2084)  # 20.84 ÷ 41.67 = 50.012… -> 50.01, yellow
@example(6, 10000, 2500)  # r = 50.00 exactly: yellow
@example(6, 10000, 4000)  # r = 80.00: green
def test_w402_light_and_printed_ratio_agree(month: int, budget: int, allocated: int) -> None:
    allocated = min(allocated, budget)
    sub = project({ROW: fund(budget=money(budget), allocated=money(allocated), spent=money(budget))}, month=month)
    sa = analysed(sub)
    rate = pct(allocated, budget)
    expected = pct(rate, time_progress(month))
    assert summary_row(sub)["allocation_rate"] == str(rate) and shown(rollup_row(sub)["allocation_rate"]) == str(rate)
    light = grade("W402", expected)
    hits = findings(sa, "W402")
    if light == GREEN:
        assert hits == []
    else:
        ((hit_light, message),) = hits
        ratio, limit = BELOW.search(message).groups()  # type: ignore[union-attr]
        assert (hit_light, ratio) == (light, str(expected)) and Decimal(ratio) < Decimal(limit)
        assert f"下达率 {rate}%" in message
    assert sa.row_lights["资金"][TOTAL] == light


# --- W403 and W404: shares of 安排数 ------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**8), CENTS)
@example(3000, 7000)  # 30.00 %: yellow
@example(2999, 7001)  # 29.99 %: green
@example(299950, 700050)  # 29.995 % -> 30.00 printed: yellow, not green beside 「30.00%」
@example(299949, 700051)  # 29.9949 % -> 29.99: green
def test_w403_light_and_printed_share_agree(carried: int, budget: int) -> None:
    arranged = carried + budget
    sub = project(
        {ROW: fund(carried=money(carried), budget=money(budget), allocated=money(budget), spent=money(arranged))}, green_indicators()
    )
    sa = analysed(sub)
    share = pct(carried, arranged)
    light = grade("W403", share) if carried else GREEN
    hits = findings(sa, "W403")
    if light == GREEN:
        assert hits == []
    else:
        ((hit_light, message),) = hits
        printed, limit = AT_LEAST.search(message).groups()  # type: ignore[union-attr]
        assert (hit_light, printed) == (light, str(share)) and Decimal(printed) >= Decimal(limit)
    assert sa.row_lights["资金"][TOTAL] == light


@settings(max_examples=150, deadline=None)
@given(CENTS, st.integers(min_value=0, max_value=10**8))
@example(10000, 9000)  # 10.00 %: yellow
@example(10000, 9001)  # 9.99 %: green
@example(1000000, 900005)  # 9.9995 % -> 10.00: yellow
@example(10000, 7000)  # 30.00 %: red
@example(1000000, 700005)  # 29.9995 % -> 30.00: red
@example(1000000, 700051)  # 29.9949 % -> 29.99: yellow
def test_w404_light_and_printed_share_agree(budget: int, expected_spending: int) -> None:
    expected_spending = min(expected_spending, budget)
    row = fund(budget=money(budget), allocated=money(budget), spent=money(budget) / 2, expected=money(expected_spending))
    sub = project({ROW: row}, green_indicators())
    sa = analysed(sub)
    share = pct(budget - expected_spending, budget)
    light = grade("W404", share) if expected_spending < budget else GREEN
    hits = findings(sa, "W404")
    if light == GREEN:
        assert hits == []
    else:
        ((hit_light, message),) = hits
        printed, limit = AT_LEAST.search(message).groups()  # type: ignore[union-attr]
        assert (hit_light, printed) == (light, str(share)) and Decimal(printed) >= Decimal(limit)
    assert shown(rollup_row(sub)["balance"]) == str(money(budget - expected_spending))
    assert sa.row_lights["资金"][TOTAL] == light


# --- W421: indicator progress, result ÷ (target × months ÷ 12) --------------------------------------------


@settings(max_examples=200, deadline=None)
@given(MONTHS, st.integers(min_value=1, max_value=100000), st.integers(min_value=0, max_value=200000))
@example(5, 1200, 300)  # planned 500, r = 60.00: yellow
@example(5, 1200, 299)  # r = 59.80: red
@example(7, 1200, 559)  # planned 700: 79.857… -> 79.86, yellow
@example(7, 1200, 560)  # 80.00: green
@example(12, 100000, 59995)  # 59.995 -> 60.00: yellow, not red beside 「60.00%」
@example(12, 100000, 59994)  # 59.994 -> 59.99: red
@example(12, 100000, 119995)  # 119.995 -> 120.00: blue
@example(12, 100000, 119994)  # 119.994 -> 119.99: green
@example(1, 7, 1)  # planned 7/12: 171.43 %, blue
@example(1, 128, 1)  # 1 ÷ (128 × 1 ÷ 12) = 9.375 exactly -> 9.38 (dividing by 12 first gave 9.37)
def test_w421_light_and_printed_progress_agree(month: int, target: int, result: int) -> None:
    reason = "决策、过程和管理方面的原因"
    ind = indicator(target=f"≥{target}人", result=f"{result}人", expected=f"{target}人", 偏差原因分析=reason, 按进度累计=True)
    sub = project(indicators=[ind, *green_indicators()[1:]], month=month)
    sa = analysed(sub)
    expected = pct(result, Fraction(target * month, 12))  # planned exact, r rounded once
    light = grade("W421", expected)
    if light == BLUE and result == target:
        light = GREEN  # exactly the year's target is done, never 「目标偏低」
    hits = findings(sa, "W421")
    if light == GREEN:
        assert hits == []
    else:
        ((hit_light, message),) = hits
        assert hit_light == light and INDICATOR_RATIO.search(message).group(1) == str(expected)  # type: ignore[union-attr]
    assert sa.indicator_lights[0] == light


def test_a_zero_denominator_is_shown_as_a_dash_and_never_graded() -> None:
    sub = project({ROW: fund(budget=0, allocated=0, spent=0, expected=0)}, green_indicators())
    sa = analysed(sub)
    assert (summary_row(sub)["execution"], rollup_row(sub)["execution"]) == (None, None)
    assert findings(sa, "W401") == [] and sa.row_lights["资金"][TOTAL] is None
    assert generate.execution_tone(None, DEFAULTS["W401"]) == "neutral"
