"""Property tests: the computed figures obey forms.md's rules for any amounts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from docgen.evaluate import figures
from docgen.form import vocabulary as F
from docgen.form.model import Amounts, Period

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
amounts = st.builds(Amounts, money, money, money, money, money)
rows = st.dictionaries(st.sampled_from(F.PROJECT_FUND_ROWS), amounts, min_size=1)


@given(rows)
def test_total_row_is_the_sum_of_its_rows_column_by_column(funds: dict[str, Amounts]) -> None:
    table = figures.table(funds, F.PROJECT_FUND_ROWS, Period(2025, 6))
    total = table[F.TOTAL_ROW]
    for column in ("carried_over", "budget", "subtotal", "allocated", "spent", "expected"):
        assert getattr(total, column) == sum((getattr(table[r], column) for r in F.PROJECT_FUND_ROWS), Decimal(0))


@given(amounts)
def test_subtotal_and_rates_follow_the_headers(a: Amounts) -> None:
    fig = figures.Figures.of(a, Period(2025, 6))
    assert fig.subtotal == a.carried_over + a.budget
    if a.budget == 0:
        assert fig.allocation_rate is None
    else:
        assert abs(fig.allocation_rate - a.allocated / a.budget * 100) <= Decimal("0.005")
    if fig.subtotal == 0:
        assert fig.spend_progress is None
    else:
        assert abs(fig.spend_progress - a.spent / fig.subtotal * 100) <= Decimal("0.005")
        assert fig.spend_progress.as_tuple().exponent == -2


@given(st.integers(min_value=1, max_value=12))
def test_time_progress_is_months_over_twelve(month: int) -> None:
    assert abs(figures.time_progress(Period(2025, month)) - Decimal(month) * 100 / 12) <= Decimal("0.005")


def test_half_year_examples() -> None:
    assert figures.time_progress(Period(2025, 6)) == Decimal("50.00")
    fig = figures.Figures.of(Amounts(Decimal("35.5"), Decimal(240), Decimal(120), Decimal("98.2"), Decimal("275.5")), Period(2025, 6))
    assert (fig.subtotal, fig.allocation_rate, fig.spend_progress) == (Decimal("275.5"), Decimal("50.00"), Decimal("35.64"))
    assert figures.rate(Decimal(1), Decimal(3)) == Decimal("33.33")
    assert figures.rate(Decimal(2), Decimal(3)) == Decimal("66.67")
    assert (fig.time_progress, fig.execution, fig.allocation_pace) == (Decimal("50.00"), Decimal("71.28"), Decimal("100.00"))
    assert (fig.carried_over_share, fig.balance, fig.balance_share, fig.expected_rate) == (
        Decimal("12.89"),
        Decimal("0.0"),
        Decimal("0.00"),
        Decimal("100.00"),
    )


def test_ratios_of_rates_divide_the_rates_as_printed() -> None:
    """Month 5 (序时进度 41.67), 25% spent: 25.00 ÷ 41.67 × 100 = 59.995… → 60.00, half up, once."""
    fig = figures.Figures.of(Amounts(budget=Decimal(100), allocated=Decimal(25), spent=Decimal(25), expected=Decimal(100)), Period(2025, 5))
    assert (fig.time_progress, fig.spend_progress, fig.execution, fig.allocation_pace) == (
        Decimal("41.67"),
        Decimal("25.00"),
        Decimal("60.00"),
        Decimal("60.00"),
    )
    assert figures.rate(Decimal("59.995"), Decimal(100)) == Decimal("60.00")
    assert figures.rate(Decimal("59.994999"), Decimal(100)) == Decimal("59.99")


names = st.frozensets(st.sampled_from(sorted(F.AMOUNT_FIELDS)))
partial = st.builds(
    Amounts,
    money,
    money,
    money,
    money,
    money,
    unreported=names,
    adjusted_budget=st.none() | money,
    pending=money,
    absent=names,
)


@given(st.lists(partial, max_size=8), names)
def test_a_sum_of_many_rows_is_the_rows_added_one_by_one(rows: list[Amounts], absent: frozenset[str]) -> None:
    """Amounts.summed (W414 adds a department's 1,000 projects at once) gives what adding them one by one gives:
    the same sums, the 调整后预算 from the first row that has one on, 「未填报」 and absent columns as the union."""
    one_by_one = Amounts(absent=absent)
    for row in rows:
        one_by_one = one_by_one + row
    assert Amounts.summed(rows, absent) == one_by_one
    assert figures.total({str(i): row for i, row in enumerate(rows)}, absent) == one_by_one
