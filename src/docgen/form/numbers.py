"""The number styles of every output, named once (forms.md: money with two decimals, rates with two decimals and
a % sign, a rate whose denominator is 0 shown 「—」).

Two styles of money and two of rates exist because the outputs already differ and must stay byte-identical:
tables (附件1, the site) group thousands, running text, JSON, warning texts and the diff do not; a rate carries its
% sign except where the sentence or the label around it already says 「%」.
"""

from __future__ import annotations

from decimal import Decimal

from .vocabulary import NO_RATE

__all__ = [
    "NO_RATE",
    "NO_VALUE",
    "axis_rate",
    "money",
    "money_or_dash",
    "plain_money",
    "plain_rate",
    "plain_rate_or_dash",
    "rate",
    "rate_or_dash",
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
    """An amount in running text, JSON and messages: 「1650.00」."""
    return f"{value:.2f}"


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
