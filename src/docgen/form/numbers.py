"""The number styles of every output, named once (forms.md: money with two decimals, rates with two decimals and
a % sign, a rate whose denominator is 0 shown 「—」).

Two styles of money and two of rates exist because the outputs already differ and must stay byte-identical:
tables (附件1, the site) group thousands, JSON, warning texts and the diff do not; a rate carries its % sign except
where the sentence or the label around it already says 「%」. 附件1's drafted prose writes amounts as its tables do
(`prose_money`), so a reader finds 「1,650.00万元」 in the sentence and 「1,650.00」 in the table. Things counted whole
(人、个、所、项…) are never expected in fractions (`whole`).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_CEILING, Decimal

from .vocabulary import NO_RATE

__all__ = [
    "INDIVISIBLE_UNITS",
    "NO_RATE",
    "NO_VALUE",
    "axis_rate",
    "money",
    "money_or_dash",
    "plain_money",
    "plain_rate",
    "plain_rate_or_dash",
    "prose_money",
    "rate",
    "rate_or_dash",
    "ungrouped",
    "whole",
]

#: Any number that cannot be given (a rate without a denominator, a figure not reported) is shown 「—」.
NO_VALUE = NO_RATE


def money(value: Decimal) -> str:
    """An amount in a table: 「1,650.00」."""
    return f"{value:,.2f}"


def money_or_dash(value: Decimal | None) -> str:
    """An amount in a table, 「—」 when there is none."""
    return NO_RATE if value is None else money(value)


def plain_money(value: Decimal) -> str:
    """An amount in JSON, warning messages and the diff: 「1650.00」."""
    return f"{value:.2f}"


def prose_money(value: Decimal) -> str:
    """An amount in 附件1's drafted sentences, written as its tables write it: 「1,650.00」."""
    return money(value)


def rate(value: Decimal) -> str:
    """A rate with its sign: 「47.22%」 (already rounded by evaluate/figures.py; printed as is)."""
    return f"{value:.2f}%"


def rate_or_dash(value: Decimal | None) -> str:
    """A rate with its sign, or 「—」 when its denominator was 0."""
    return NO_RATE if value is None else rate(value)


def plain_rate(value: Decimal) -> str:
    """A rate where the text around it says 「%」: 「47.22」."""
    return f"{value:.2f}"


def plain_rate_or_dash(value: Decimal | None) -> str:
    """A rate without its sign, or 「—」."""
    return NO_RATE if value is None else plain_rate(value)


def axis_rate(value: int) -> str:
    """A whole percentage on a chart's axis: 「40%」."""
    return f"{value}%"


#: Units of things counted whole: an expectation of 「0.75个」 makes no sense on paper.
INDIVISIBLE_UNITS = frozenset(
    (
        "人",
        "名",
        "个",
        "所",
        "项",
        "家",
        "户",
        "次",
        "人次",
        "户次",
        "件",
        "台",
        "套",
        "辆",
        "座",
        "处",
        "间",
        "张",
        "册",
        "本",
        "场",
        "期",
        "批",
        "篇",
        "起",
        "头",
        "只",
        "株",
        "条",
        "部",
        "栋",
        "宗",
        "例",
        "份",
        "村",
        "镇",
        "校",
        "园",
        "支",
        "队",
        "家次",
        "场次",
        "台套",
    )
)


def whole(value: Decimal, unit: str) -> Decimal:
    """What is expected of `unit` by a date: the next whole one for things counted whole (0.75个 -> 1个), else as is."""
    return value.to_integral_value(rounding=ROUND_CEILING) if unit in INDIVISIBLE_UNITS else value


#: An amount grouped by thousands, as Excel shows it: 「12,345.6」, 「-1,234,567」. Its first group never starts with 0:
#: 「0,012」 is 0.012 written with a decimal comma, not 12.
_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def ungrouped(text: str) -> str | None:
    """「12,345.6」 (or 「１２，３４５.６」) -> 「12345.6」; None when `text` is not an amount grouped by thousands. 「12,5」,
    「1,2345」 and 「0,012」 are not: a comma is the decimal separator in some locales, and such a text is never read by a guess.
    The importers take a sheet's grouped text so; a submission's YAML refuses it, told this plain number."""
    typed = unicodedata.normalize("NFKC", text).strip()
    return typed.replace(",", "") if _GROUPED.fullmatch(typed) else None
