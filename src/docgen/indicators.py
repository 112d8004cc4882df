"""Indicator values as a small grammar: comparator, number, unit.

The forms write values as 「≥95%」, 「1200人」, 「≤30天」, 「不低于90%」; clerks also type full-width
characters (「≥９５％」) and spaces. A value that does not parse as a number is qualitative
(「有效提升」): kept, shown, never compared.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

GE, LE, EQ, GT, LT = "≥", "≤", "=", ">", "<"

#: Words and symbols -> canonical comparator. Longest first so 「不低于」 wins over 「低于」.
_COMPARATORS = {
    ">=": GE, "≥": GE, "⩾": GE, "不低于": GE, "不少于": GE, "不小于": GE, "至少": GE, "大于等于": GE, "大于或等于": GE,
    "<=": LE, "≤": LE, "⩽": LE, "不高于": LE, "不超过": LE, "不多于": LE, "不大于": LE, "至多": LE, "小于等于": LE, "小于或等于": LE,
    "==": EQ, "=": EQ, "等于": EQ,
    ">": GT, "高于": GT, "大于": GT, "超过": GT,
    "<": LT, "低于": LT, "小于": LT, "少于": LT,
}
_COMPARATOR_RE = "|".join(re.escape(c) for c in sorted(_COMPARATORS, key=len, reverse=True))
_VALUE = re.compile(
    rf"^(?P<cmp>{_COMPARATOR_RE})?\s*(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s]{{0,8}}?)\s*(?P<tail>以上|以下|以内)?$"
)
_TAILS = {"以上": GE, "以下": LE, "以内": LE}
_LOOKS_NUMERIC = re.compile(r"\d")

#: Units whose values do not grow month by month (rates, durations, unit costs): never pro-rated.
NON_CUMULATIVE_UNITS = ("%", "‰", "分", "天", "日", "小时", "分钟", "个工作日", "元/人", "元/次", "元/平方米", "万元/公里", "年", "月")


@dataclass(frozen=True)
class Value:
    """A parsed indicator value. `number` is None for a qualitative value."""

    text: str
    comparator: str | None = None
    number: Decimal | None = None
    unit: str = ""

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in (LE, LT)

    @property
    def cumulative_by_default(self) -> bool:
        """Counts (人, 公里, 个) accumulate over the year; rates and durations do not."""
        return self.unit not in NON_CUMULATIVE_UNITS and "/" not in self.unit

    def __str__(self) -> str:
        return self.text


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), 「％」 to 「%」, spaces squeezed out."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).replace("％", "%")


def parse(raw: object) -> Value:
    """Parse a value as typed; never raises."""
    if raw is None:
        return Value("")
    text = str(raw).strip()
    match = _VALUE.match(normalise(text))
    if not match:
        return Value(text)
    try:
        number = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        return Value(text)
    comparator = _COMPARATORS.get(match["cmp"] or "") or _TAILS.get(match["tail"] or "")
    return Value(text, comparator, number, match["unit"] or "")


def looks_numeric(value: Value) -> bool:
    """A qualitative value with digits in it is probably a mistyped number: worth a hint."""
    return not value.quantitative and bool(_LOOKS_NUMERIC.search(value.text))


def comparable(target: Value, result: Value) -> bool:
    return target.quantitative and result.quantitative and (not result.unit or not target.unit or result.unit == target.unit)


def meets(target: Value, result: Value) -> bool | None:
    """Does `result` satisfy `target`? None when they cannot be compared."""
    if not comparable(target, result):
        return None
    assert target.number is not None and result.number is not None
    t, r = target.number, result.number
    match target.comparator:
        case "≤":
            return r <= t
        case "<":
            return r < t
        case ">":
            return r > t
        case "=":
            return r == t
        case _:  # ≥ or a bare value: reaching it is the goal
            return r >= t
