"""Invariants of pricing arithmetic, by hypothesis: converting and rounding never creates or loses a minor
unit across lines, and per-line tax always sums to the order's tax."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import convert, convert_lines
from domain.pricing.inputs import TierInput
from domain.pricing.tax_math import order_tax, split, split_lines
from domain.pricing.tiers import validate_tiers

amounts = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4)
percents = st.sampled_from(
    [Decimal(0), Decimal(5), Decimal("7.5"), Decimal(10), Decimal(15), Decimal("17.25")]
)
steps = st.sampled_from([1, 5, 50, 100])
currencies = st.sampled_from([("BDT", "USD"), ("BDT", "JPY"), ("USD", "KWD"), ("JPY", "BDT")])


@settings(max_examples=300, deadline=None)
@given(amounts, rates, steps, currencies)
def test_converted_lines_sum_exactly_to_the_converted_total(
    lines: list[int], rate: Decimal, step: int, pair: tuple[str, str]
) -> None:
    source, target = pair
    parts = convert_lines(lines, source, target, rate, step=step)

    assert sum(parts) == convert(sum(lines), source, target, rate, step=step)
    assert all(p % step == 0 and p >= 0 for p in parts)
    # Each line stays within one step (plus rounding of the total) of converting it alone.
    for line, part in zip(lines, parts, strict=True):
        alone = convert(line, source, target, rate, step=1)
        assert abs(part - alone) <= 2 * step


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=10**8), percents), min_size=1, max_size=30),
    st.booleans(),
)
def test_line_taxes_sum_exactly_to_the_order_tax(lines: list[tuple[int, Decimal]], included: bool) -> None:
    per_line = split_lines(lines, included=included)

    assert sum(t.tax for t in per_line) == order_tax(lines, included=included)
    for (amount, percent), t in zip(lines, per_line, strict=True):
        assert t.net + t.tax == t.gross
        assert (t.gross if included else t.net) == amount
        assert abs(t.tax - split(amount, percent, included=included).tax) <= 1
        assert t.tax >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=6), st.integers(0, 10**6))
def test_a_well_formed_tier_table_is_accepted_and_covers_every_quantity(widths: list[int], base: int) -> None:
    tiers, start = [], 1
    for index, width in enumerate(widths):
        last = index == len(widths) - 1
        tiers.append(
            TierInput(min_quantity=start, max_quantity=None if last else start + width - 1, amount=base)
        )
        start += width

    breaks = validate_tiers(tiers)

    assert [b[0] for b in breaks] == [t.min_quantity for t in tiers]
    assert breaks[0][0] == 1
