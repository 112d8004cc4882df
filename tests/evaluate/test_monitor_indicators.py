"""The indicator value grammar, table-driven: real-looking values as clerks type them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.form.indicators import BETWEEN, EQ, GE, GT, LE, LT, When, accumulates, comparable, decimal_percent, looks_numeric, meets, parse

D = Decimal

# text, comparator, number, unit, upper (ranges)
NUMBERS = [
    ("≥95%", GE, D(95), "%", None),
    ("≥９５％", GE, D(95), "%", None),  # full-width digits and percent sign
    (" ≥ 95 % ", GE, D(95), "%", None),  # spaces anywhere
    ("＞＝95％", GE, D(95), "%", None),  # full-width >=
    ("≧95%", GE, D(95), "%", None),
    ("1200人", None, D(1200), "人", None),
    ("≤30天", LE, D(30), "天", None),
    ("不低于90%", GE, D(90), "%", None),
    ("不高于5‰", LE, D(5), "‰", None),
    ("不少于 3 个", GE, D(3), "个", None),
    ("不超过500万元", LE, D(5000000), "元", None),  # 万 scales the number so 万元 and 元 compare
    ("控制在500万元以内", LE, D(5000000), "元", None),
    ("90%以上", GE, D(90), "%", None),
    ("90%及以上", GE, D(90), "%", None),
    ("5天以内", LE, D(5), "天", None),
    ("达到95%", GE, D(95), "%", None),
    ("=100%", EQ, D(100), "%", None),
    (">0", GT, D(0), "", None),
    ("<5‰", LT, D(5), "‰", None),
    ("1.2万人", None, D(12000), "人", None),
    ("≥3.5万人次", GE, D(35000), "人次", None),
    ("≥3亿元", GE, D(300000000), "元", None),
    ("≥ 1,200 人", GE, D(1200), "人", None),
    ("1，200人", None, D(1200), "人", None),  # full-width comma as thousands separator
    ("约1200余人", None, D(1200), "人", None),
    ("95%左右", None, D(95), "%", None),
    ("≤500元/人", LE, D(500), "元/人", None),
    ("1250元/人·年", None, D(1250), "元/人·年", None),
    ("8台（套）", None, D(8), "台(套)", None),
    ("0人", None, D(0), "人", None),
    ("0.56", None, D("0.56"), "", None),
    ("-3%", None, D(-3), "%", None),
    ("3-5天", BETWEEN, D(3), "天", D(5)),
    ("90%-95%", BETWEEN, D(90), "%", D(95)),
    ("90%～95%", BETWEEN, D(90), "%", D(95)),
    ("90至95%", BETWEEN, D(90), "%", D(95)),
    # as people write them (issue 14)
    ("达95%以上", GE, D(95), "%", None),
    ("达1200人以上", GE, D(1200), "人", None),
    ("不少于3个", GE, D(3), "个", None),
    ("不超过30天", LE, D(30), "天", None),
    ("30天以内", LE, D(30), "天", None),
    ("3～5个", BETWEEN, D(3), "个", D(5)),
    ("3〜5个", BETWEEN, D(3), "个", D(5)),  # the wave dash, which NFKC leaves alone
    ("≥ 95 %", GE, D(95), "%", None),
    ("每日不少于14小时", GE, D(14), "小时", None),  # a rate per day
    ("日均5000平方米", None, D(5000), "平方米", None),
]


@pytest.mark.parametrize(("text", "comparator", "number", "unit", "upper"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_numbers_parse(text: str, comparator: str | None, number: Decimal, unit: str, upper: Decimal | None) -> None:
    value = parse(text)
    assert (value.comparator, value.number, value.unit, value.upper) == (comparator, number, unit, upper)
    assert value.text == text.strip() and value.quantitative and not value.is_date


# text, comparator, year, month, day
DATES = [
    ("2025年10月底前", LE, 2025, 10, None),
    ("2025年10月底前完成", LE, 2025, 10, None),
    ("2025年12月31日前", LE, 2025, 12, 31),
    ("10月底前完成", LE, None, 10, None),
    ("2025年底前", LE, 2025, 12, None),
    ("2025年内", LE, 2025, 12, None),
    ("不晚于2025年11月", LE, 2025, 11, None),
    ("2025年10月", None, 2025, 10, None),
    ("2025-09-30", None, 2025, 9, 30),
    ("2025.10", None, 2025, 10, None),
    ("已于2025年9月完成", None, 2025, 9, None),
    ("6月中旬", None, None, 6, 20),
    ("２０２５年１０月底前", LE, 2025, 10, None),
    ("2025年度", LE, 2025, 12, None),  # a year is a period, never the number 2025
    ("全年", LE, None, 12, None),
    ("年内", LE, None, 12, None),
    ("12月底前", LE, None, 12, None),
]


@pytest.mark.parametrize(("text", "comparator", "year", "month", "day"), DATES, ids=[d[0] for d in DATES])
def test_dates_parse(text: str, comparator: str | None, year: int | None, month: int, day: int | None) -> None:
    value = parse(text)
    assert value.is_date and not value.quantitative
    assert (value.comparator, value.when) == (comparator, When(year, month, day))
    assert not value.cumulative_by_default


QUALITATIVE = [
    *("有效提升", "良好", "持续巩固", "秋季开学前", "尚未交付", "", "按任务书节点完成", "不高于省级招标价"),
    *("2025年完成改造任务并投入使用", "较2024年有所提升"),  # a year in a sentence is not an unreadable number
]


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative_values_are_kept_and_never_compared(text: str) -> None:
    value = parse(text)
    assert value.qualitative and value.text == text and not looks_numeric(value)
    assert meets(parse("≥95%"), value) is None and meets(value, parse("95%")) is None


@pytest.mark.parametrize("text", ["2月30日前", "12,5万元", "第3季度末", "95％以上吧", "95%完成率"])
def test_numeric_looking_values_that_do_not_parse_get_a_hint(text: str) -> None:
    value = parse(text)
    assert value.qualitative and looks_numeric(value)


def test_parse_never_raises_on_other_types() -> None:
    assert parse(None).text == "" and parse(None).qualitative
    assert parse(95).number == 95 and parse(D("0.5")).number == D("0.5")


# target, result, meets?
MEETS = [
    ("≥95%", "96%", True),
    ("≥95%", "95%", True),
    ("≥95%", "94.9%", False),
    ("≥９５％", "95 %", True),
    ("1200人", "1200人", True),  # a bare value: reaching it is the goal
    ("1200人", "1199人", False),
    ("≤30天", "30天", True),
    ("≤30天", "31天", False),
    ("<30天", "30天", False),
    (">0", "0", False),
    ("=100%", "100%", True),
    ("=100%", "101%", False),
    ("0人", "0人", True),  # a bare zero means none at all (因贫辍学, 安全事故)
    ("0起", "2起", False),
    ("3-5天", "4天", True),
    ("3-5天", "6天", False),
    ("3-5天", "2天", False),
    ("1.2万人", "12000人", True),  # 万 scales
    ("≥3万人次", "2.9万人次", False),
    ("≥95%", "95", True),  # a result without unit compares with the target's
    ("2025年10月底前", "2025年10月", True),
    ("2025年10月底前", "2025年9月30日", True),
    ("2025年10月底前", "2025年11月", False),
    ("10月底前完成", "2025年10月31日", True),  # the year comes from the other value
    ("不早于2025年7月", "2025年6月", False),
]


@pytest.mark.parametrize(("target", "result", "expected"), MEETS, ids=[f"{m[0]}|{m[1]}" for m in MEETS])
def test_meets(target: str, result: str, expected: bool) -> None:
    assert comparable(parse(target), parse(result))
    assert meets(parse(target), parse(result), 2025) is expected


NOT_COMPARABLE = [("1200人", "1200人次"), ("≥95%", "有效提升"), ("2025年10月底前", "95%"), ("≥95%", "90%-95%")]


@pytest.mark.parametrize(("target", "result"), NOT_COMPARABLE)
def test_not_comparable(target: str, result: str) -> None:
    assert not comparable(parse(target), parse(result)) and meets(parse(target), parse(result)) is None


@pytest.mark.parametrize(
    ("text", "cumulative"),
    [
        ("1200人", None),  # a plain count: a flow, a stock or a one-off; the unit alone cannot tell
        ("≥300个", None),
        ("≥3万人次", True),  # events only add up
        ("日均≥5000平方米", False),  # a rate per day
        ("每月不少于2次", False),
        ("≥2场", True),
        ("≥95%", False),
        ("≤30天", False),
        ("≤500元/人", False),
        ("2025年10月底前", False),
        ("≤10个月", False),
        ("≤2个工作日", False),
        ("有效提升", False),
    ],
)
def test_which_units_accumulate(text: str, cumulative: bool | None) -> None:
    assert parse(text).cumulative_by_default is cumulative


# name, target, accumulates?
ACCUMULATES = [
    ("选聘第三方绩效评价机构", "1家", False),  # a one-off count
    ("聘请常年法律顾问", "≥1家", False),
    ("开放公共文化场馆数量", "≥12个", False),  # a stock
    ("新增年影像检查服务能力", "≥3万人次", False),  # a capacity, though counted in 人次
    ("日均道路清扫保洁面积", "≥50万平方米", False),  # a daily rate
    ("道路清扫面积", "≥50万平方米/日", False),
    ("受助学生家长满意度", "≥90%", False),
    ("资助学生人数", "≥12000人", True),  # named by what is done
    ("新建村级生活垃圾收集点", "≥300个", True),
    ("应急演练", "≥2次", True),
    ("高效节水灌溉面积", "≥1.5万亩", None),  # nobody can tell: not compared against 序时进度
    ("城乡公交车辆", "≥120辆", None),
]


@pytest.mark.parametrize(("name", "target", "expected"), ACCUMULATES, ids=[a[0] for a in ACCUMULATES])
def test_whether_a_count_accumulates_is_inferred_conservatively(name: str, target: str, expected: bool | None) -> None:
    assert accumulates(name, parse(target)) is expected


# target, typed, the percentage it probably means (None: nothing to ask)
DECIMAL_PERCENT = [
    ("≥95%", "0.95", D(95)),
    ("≥95%", "0.96", D(96)),
    ("100%", "1", D(100)),
    ("≥95%", "95", None),  # a bare 95 is 95%
    ("≥95%", "0.95%", None),  # a unit is a statement
    ("≥1%", "0.5", None),  # a target of 1% or less: 0.5 may well mean 0.5%
    ("≥0.56", "0.54", None),  # no percent at all (a coefficient)
    ("≥95%", "0", None),
]


@pytest.mark.parametrize(("target", "typed", "percent"), DECIMAL_PERCENT, ids=[f"{d[0]}|{d[1]}" for d in DECIMAL_PERCENT])
def test_a_percentage_typed_as_a_fraction_is_asked_about_and_not_compared(target: str, typed: str, percent: Decimal | None) -> None:
    assert decimal_percent(parse(target), parse(typed)) == percent
    assert comparable(parse(target), parse(typed)) is (percent is None)


def test_lower_is_better() -> None:
    assert parse("≤30天").lower_is_better and parse("<5‰").lower_is_better and parse("0起").lower_is_better
    assert not parse("≥95%").lower_is_better and not parse("1200人").lower_is_better and not parse("3-5天").lower_is_better


def test_values_are_shown_in_their_own_units() -> None:
    assert parse("≥3万人次").shown(D(15000)) == "≥1.5万人次"
    assert parse("≥12000人").shown(D(6000)) == "≥6000人"
    assert parse("5万亩").shown(D("25000")) == "2.5万亩"
