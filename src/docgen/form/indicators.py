"""Indicator values as a small grammar: comparator, number, unit; ranges; dates.

The forms write values as 「≥95%」, 「1200人」, 「≤30天」, 「不低于90%」, 「90%以上」, 「3-5天」,
「2025年10月底前」; clerks also type full-width characters (「≥９５％」) and spaces. A value that parses
neither as a number nor as a date is qualitative (「有效提升」): kept, shown, never compared.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from . import numbers

GE, LE, EQ, GT, LT = "≥", "≤", "=", ">", "<"
BETWEEN = "~"

#: Words and symbols -> canonical comparator. Longest first so 「不低于」 wins over 「低于」.
_COMPARATORS = {
    ">=": GE,
    "≥": GE,
    "⩾": GE,
    "≧": GE,
    "=>": GE,
    "不低于": GE,
    "不少于": GE,
    "不小于": GE,
    "至少": GE,
    "大于等于": GE,
    "大于或等于": GE,
    "高于或等于": GE,
    "达到": GE,
    "达": GE,
    "<=": LE,
    "≤": LE,
    "⩽": LE,
    "≦": LE,
    "=<": LE,
    "不高于": LE,
    "不超过": LE,
    "不多于": LE,
    "不大于": LE,
    "至多": LE,
    "小于等于": LE,
    "小于或等于": LE,
    "低于或等于": LE,
    "控制在": LE,
    "最多": LE,
    "==": EQ,
    "=": EQ,
    "等于": EQ,
    ">": GT,
    "高于": GT,
    "大于": GT,
    "超过": GT,
    "多于": GT,
    "<": LT,
    "低于": LT,
    "小于": LT,
    "少于": LT,
}
_COMPARATOR_RE = "|".join(re.escape(c) for c in sorted(_COMPARATORS, key=len, reverse=True))
#: Words before a value that say nothing about the comparison (「约1200人」, 「累计完成300公里」).
_FILLER = r"(?:约|大约|共|累计|累计完成|完成|实现|保持在|维持在)?"
#: Range dashes as typed: hyphen, tildes (「～」 folds to 「~」; the wave dash 「〜」 does not), dashes, 至/到.
_DASH = r"(?:~|〜|-|—|–|至|到)"
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 1,200 but not 12,5
_TAILS = {"以上": GE, "及以上": GE, "或以上": GE, "以下": LE, "及以下": LE, "或以下": LE, "以内": LE, "之内": LE}
_TAIL_RE = "|".join(sorted(_TAILS, key=len, reverse=True))
#: A per-period rate written before the value (「每日不少于14小时」, 「日均5000平方米」): never accumulates.
_PER = r"(?P<per>每日|每天|每周|每月|每年|日均|周均|月均|年均|平均每[日天周月年])?"
_VALUE = re.compile(
    rf"^{_PER}{_FILLER}(?P<cmp>{_COMPARATOR_RE})?{_FILLER}(?P<num>{_NUMBER})(?:余|多)?(?P<unit>[^\d]{{0,8}}?)(?P<tail>{_TAIL_RE})?(?:左右)?$"
)
_RANGE = re.compile(rf"^{_FILLER}(?P<low>{_NUMBER})(?P<unit1>[^\d~〜—–-]{{0,8}}?){_DASH}(?P<high>{_NUMBER})(?P<unit>[^\d]{{0,8}}?)$")

#: Date values: 「2025年10月底前」, 「2025年12月31日前」, 「10月底前完成」, 「2025年底前」, 「2025-09-30」.
_DATE_CMP = {"不晚于": LE, "不迟于": LE, "截至": LE, "不早于": GE}
_DATE_TAIL = {"前": LE, "以前": LE, "之前": LE, "内": LE, "以内": LE, "之内": LE, "后": GE, "以后": GE, "之后": GE}
_DATE_VERB = r"(?:完成|完工|建成|竣工|交付|交付使用|投入使用|开工|验收|办结|实施完毕|全部完成)?"
_DATE_PREFIX = r"(?:已于|于|在|已在)?"
_DATE_TAIL_RE = "|".join(sorted(_DATE_TAIL, key=len, reverse=True))
_DATE_HEAD = rf"^(?P<cmp>{'|'.join(_DATE_CMP)})?{_DATE_PREFIX}"
_DATE_END = rf"(?P<tail>{_DATE_TAIL_RE})?{_DATE_VERB}$"
_DATE_CN = re.compile(
    _DATE_HEAD
    + r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月(?:份)?(?:(?P<d>\d{1,2})[日号])?|(?P<yend>底|末|内))?(?P<part>底|末|上旬|中旬|下旬)?"
    + _DATE_END
)
_DATE_ISO = re.compile(_DATE_HEAD + r"(?P<y>\d{4})[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2}))?" + _DATE_END)
_DECADE_DAY = {"上旬": 10, "中旬": 20}

#: Whole-year periods written without a digit or with only a year (「全年」, 「2025年度」): the year's end, as a deadline.
_PERIOD = re.compile(r"^(?:(?P<y>\d{4})年度?|本年度?|年度|全年|年内|年度内|本年内|年底前|年末前|本年底前)(?:内|前)?" + _DATE_VERB + "$")
_LOOKS_NUMERIC = re.compile(r"\d")
#: A year as part of a sentence (「2025年完成改造任务」): not a number anyone meant to compare.
_YEAR_MENTION = re.compile(r"(?:19|20)\d{2}年度?")
_SCALE = {"万": Decimal(10000), "亿": Decimal(100000000)}

#: Units whose values do not grow month by month (rates, durations, unit costs): never pro-rated.
NON_CUMULATIVE_UNITS = ("%", "‰", "分", "天", "日", "小时", "分钟", "个工作日", "工作日", "年", "月", "个月", "周", "个小时")

#: Units of events, which only ever add up over the year.
EVENT_UNITS = ("人次", "次", "场", "场次", "期", "批次", "例", "台次", "车次", "架次", "件次", "户次", "班次")
#: Words in an indicator's name that make a count a per-period rate (「日均清扫面积」).
_RATE_WORDS = ("日均", "每日", "每天", "每周", "每月", "月均", "年均", "平均", "人均", "户均", "亩均", "生均", "每")
#: Words that make a count a stock (facilities open, a capacity) or a one-off engagement: never pro-rated.
_STOCK_WORDS = (
    *("开放", "运营", "运行", "在用", "在岗", "在册", "在园", "在校", "保有", "现有", "拥有", "存栏", "常住"),
    *("覆盖", "完好", "线路", "规模", "能力", "聘请", "聘用", "委托", "选聘", "中标", "确定", "设立", "配备"),
)
#: Verbs that make a count a flow: what was done so far adds up towards the year's target.
_FLOW_WORDS = (
    *("累计", "新增", "新建", "建设", "建成", "改造", "加固", "实施", "培训", "发放", "资助", "补助", "救助", "受益"),
    *("接种", "免疫", "筛查", "检测", "养护", "维修", "修缮", "购置", "采购", "举办", "开展", "演练", "发表", "选育"),
    *("奖补", "慰问", "治理", "种植", "造林", "处置", "清运", "宣传", "招录", "招聘", "帮扶", "走访", "诊疗", "获得", "认定"),
)


@dataclass(frozen=True)
class When:
    """A calendar point. `year` may be missing (「10月底前」); a missing day means the month's end."""

    year: int | None
    month: int
    day: int | None = None

    def resolve(self, year: int) -> date | None:
        """The date, taking `year` where the text gave none; None for an impossible date (2月30日)."""
        y = self.year or year
        last = calendar.monthrange(y, self.month)[1] if 1 <= self.month <= 12 else 0
        day = self.day or last
        if not 1 <= self.month <= 12 or not 1 <= day <= last:
            return None
        return date(y, self.month, day)


@dataclass(frozen=True)
class Value:
    """A parsed indicator value: a number (maybe a range), a date, or qualitative text."""

    text: str
    comparator: str | None = None
    number: Decimal | None = None
    unit: str = ""
    upper: Decimal | None = None  # the high end of a range (「90%-95%」); `number` is the low end
    when: When | None = None  # a date value (时效指标: 「2025年10月底前」)
    scale: Decimal = Decimal(1)  # 「3万人次」: number 30000, unit 人次, scale 10000, written unit 万人次
    written_unit: str = ""
    per: str = ""  # 「每日」 in 「每日不少于14小时」: a rate per period

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    @property
    def is_range(self) -> bool:
        return self.upper is not None

    @property
    def is_date(self) -> bool:
        return self.when is not None

    @property
    def qualitative(self) -> bool:
        return not self.quantitative and not self.is_date

    @property
    def lower_is_better(self) -> bool:
        """≤/< targets, and a bare zero (「0人」 因贫辍学, 「0起」 安全事故): none is the goal."""
        return self.comparator in (LE, LT) or (self.comparator in (None, EQ) and self.number == 0 and not self.is_range)

    @property
    def cumulative_by_default(self) -> bool | None:
        """What the unit alone says: events (人次, 场) accumulate; rates, durations, unit costs and dates do not.

        None for a plain count (人, 个, 公里): a count may be a flow, a stock or a one-off (see `accumulates`).
        """
        if self.is_date or self.qualitative:
            return False
        if self.per or self.unit in NON_CUMULATIVE_UNITS or "/" in self.unit or "每" in self.unit:
            return False
        return True if self.unit in EVENT_UNITS else None

    def __str__(self) -> str:
        return self.text

    def shown(self, amount: Decimal) -> str:
        """`amount` in this value's own way of writing (「1.5万人次」 for 15000 when the target says 「3万人次」); things
        counted whole are expected whole (「1个」, never 「0.75个」)."""
        unit = self.written_unit or self.unit
        return f"{self.per}{self.comparator or ''}{format_number(numbers.whole(amount / self.scale, unit))}{unit}"


def format_number(value: Decimal) -> str:
    """A number as people write it: 6000, 12.5 (at most two decimals, half up as figures.py rounds, no trailing zeros)."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), 「％」 to 「%」, spaces squeezed out."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).replace("％", "%")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regexes admit only decimals
        return None


def _scale(unit: str) -> tuple[Decimal, str]:
    """「1.2万人」 is 12000 人: 万/亿 before a unit scale the number so 「万人」 and 「人」 compare."""
    if unit[:1] in _SCALE:
        return _SCALE[unit[0]], unit[1:]
    return Decimal(1), unit


def _unit_ok(unit: str) -> bool:
    """A percent sign is a whole unit: 「95%以上吧」 is not 95 of the unit 「%以上吧」."""
    return not (unit[:1] in ("%", "‰") and unit not in ("%", "‰"))


def _parse_date(text: str, raw: str) -> Value | None:
    """「2025年10月底前」 -> (2025, 10, end) with ≤; a bare month (「10月」) is a duration, not a date."""
    match = _DATE_ISO.match(text)
    if match is None:
        match = _DATE_CN.match(text)
        if match is None:
            return None
        y, m = match["y"], match["m"]
        marked = match["d"] or match["part"] or match["tail"] or match["cmp"] or match.group(0) != text
        if not ((y and (m or match["yend"] or match["tail"])) or (m and marked)):
            return None
    year = int(match["y"]) if match["y"] else None
    if match["m"]:
        month = int(match["m"])
        day = int(match["d"]) if match["d"] else _DECADE_DAY.get(match.groupdict().get("part") or "")
    else:
        month, day = 12, None  # 「2025年底前」, 「2025年内」
    comparator = _DATE_CMP.get(match["cmp"] or "") or _DATE_TAIL.get(match["tail"] or match.groupdict().get("yend") or "")
    when = When(year, month, day)
    if when.resolve(year or 2000) is None:
        return None
    return Value(raw, comparator, when=when)


def parse(raw: object) -> Value:
    """Parse a value as typed; never raises. Dates first, then ranges, then single numbers."""
    if raw is None:
        return Value("")
    return _parse_text(str(raw).strip())


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> Value:
    """Cached: the same few values (「≥95%」, 「100%」) recur in every submission; a Value is immutable."""
    folded = normalise(text)
    period = _PERIOD.match(folded)
    if period:  # 「全年」, 「2025年度」: a date (the year's end), never the number 2025
        return Value(text, LE, when=When(int(period["y"]) if period["y"] else None, 12))
    if not folded or not _LOOKS_NUMERIC.search(folded):
        return Value(text)
    dated = _parse_date(folded, text)
    if dated is not None:
        return dated
    ranged = _RANGE.match(folded)
    if ranged and (not ranged["unit1"] or ranged["unit1"] == ranged["unit"]):
        low, high = _decimal(ranged["low"]), _decimal(ranged["high"])
        if low is not None and high is not None and low <= high:
            scale, unit = _scale(ranged["unit"])
            return Value(text, BETWEEN, low * scale, unit, upper=high * scale, scale=scale, written_unit=ranged["unit"])
    match = _VALUE.match(folded)
    if not match:
        return Value(text)
    number = _decimal(match["num"])
    if number is None:  # pragma: no cover
        return Value(text)
    if not _unit_ok(match["unit"] or ""):
        return Value(text)
    if _YEAR_MENTION.fullmatch(match["num"] + (match["unit"] or "")[:1]) and len(match["unit"] or "") > 1:
        return Value(text)  # 「2025年完成主体工程」: a sentence about a year, not 2025 of the unit 「年完成主体工程」
    comparator = _COMPARATORS.get(match["cmp"] or "") or _TAILS.get(match["tail"] or "")
    scale, unit = _scale(match["unit"] or "")
    return Value(text, comparator, number * scale, unit, scale=scale, written_unit=match["unit"] or "", per=match["per"] or "")


def looks_numeric(value: Value) -> bool:
    """A qualitative value with digits in it is probably a mistyped number or date: worth a hint.

    Digits that are only a year (「2025年完成改造任务」) make a sentence, not a mistyped number.
    """
    return value.qualitative and bool(_LOOKS_NUMERIC.search(_YEAR_MENTION.sub("", normalise(value.text))))


def decimal_percent(target: Value, other: Value) -> Decimal | None:
    """「0.95」 beside a target in % (「≥95%」): the percentage it probably means (95), else None.

    Only a bare fraction (0 < x ≤ 1, no unit) against a percent target above 1 qualifies, so 「1」 against 「≥1%」
    and 「0.5%」 are never questioned.
    """
    if target.unit != "%" or target.number is None or target.number <= 1:
        return None
    number = other.number
    if number is None or other.unit or other.is_range or not 0 < number <= 1:
        return None
    return number * 100


def accumulates(name: str, target: Value) -> bool | None:
    """Whether a count grows through the year, inferred conservatively from its name and target; None when unsure.

    Rates, durations, unit costs, percentages and dates never accumulate; nor do per-period rates (「日均清扫面积」),
    stocks (「开放场馆数量」, a capacity) or a one-off count (「1家」: a single contractor engaged). Events (「人次」,
    「场」) and counts named by what is done (新建, 培训, 发放…) do. Anything else is unsure: the rules then do not
    compare it against 序时进度.
    """
    by_unit = target.cumulative_by_default
    if by_unit is False:
        return False
    if any(word in name for word in _RATE_WORDS) or any(word in name for word in _STOCK_WORDS):
        return False
    if target.number == 1 and not target.is_range and target.scale == 1:
        return False
    if by_unit or any(word in name for word in _FLOW_WORDS):
        return True
    return None


def units_agree(target: Value, result: Value) -> bool:
    """The same unit, or one side without a unit (「95」 against 「≥95%」)."""
    return not result.unit or not target.unit or result.unit == target.unit


def comparable(target: Value, result: Value) -> bool:
    """Only values of the same kind (dates, or numbers in agreeing units) can be checked against each other.

    A percentage typed as a fraction (「0.95」 against 「≥95%」) is not compared: it would be 1% of the target.
    """
    if target.is_date or result.is_date:
        return target.is_date and result.is_date
    if decimal_percent(target, result) is not None or decimal_percent(result, target) is not None:
        return False
    return target.quantitative and result.quantitative and not result.is_range and units_agree(target, result)


def when_of(value: Value, year: int) -> date | None:
    """The date a value names, with a year filled in for dates written without one."""
    return value.when.resolve(year) if value.when else None


def meets(target: Value, result: Value, year: int | None = None) -> bool | None:
    """Does `result` satisfy `target`? None when they cannot be compared.

    A date without a year takes `year` (the monitoring year), else the other value's year.
    """
    if not comparable(target, result):
        return None
    if target.when is not None and result.when is not None:
        y = year or target.when.year or result.when.year or 2000
        t_date, r_date = target.when.resolve(y), result.when.resolve(y)
        if t_date is None or r_date is None:  # pragma: no cover - parse rejects impossible dates
            return None
        return _compare(target.comparator or LE, r_date, t_date)  # a bare date is a deadline
    assert target.number is not None and result.number is not None
    if target.upper is not None:
        return target.number <= result.number <= target.upper
    comparator = target.comparator
    if comparator is None:  # a bare value: reaching it is the goal; a bare zero means none at all
        comparator = LE if target.number == 0 else GE
    return _compare(comparator, result.number, target.number)


def exceeds(target: Value, result: Value, year: int | None = None) -> bool:
    """Does `result` miss a range target (「90%-95%」) by lying above it? Then it 「超出」 the range, not 「达不到」 it."""
    if meets(target, result, year) is not False or target.upper is None or target.is_date:
        return False
    return result.number is not None and result.number > target.upper


def _compare(comparator: str, r: object, t: object) -> bool:
    match comparator:
        case "≤":
            return r <= t  # type: ignore[operator,no-any-return]
        case "<":
            return r < t  # type: ignore[operator,no-any-return]
        case ">":
            return r > t  # type: ignore[operator,no-any-return]
        case "=":
            return r == t
        case _:
            return r >= t  # type: ignore[operator,no-any-return]
