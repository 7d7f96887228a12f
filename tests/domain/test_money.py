"""Money: integer minor units, half-even rounding on exact rationals, splits that sum exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import (
    CurrencyMismatch,
    Money,
    allocate,
    convert,
    exponent,
    round_half_even,
    round_to_step,
    to_minor,
    total,
)


def test_exponents_follow_iso_4217() -> None:
    assert exponent("BDT") == 2
    assert exponent("JPY") == 0
    assert exponent("KWD") == 3


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "BDT")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "bdt")
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "BDT") + Money(1, "USD")


def test_arithmetic_and_display() -> None:
    price = Money(50000, "BDT")
    assert price.times(3) == Money(150000, "BDT")
    assert total([price, Money(25, "BDT")], "BDT") == Money(50025, "BDT")
    assert total([], "USD") == Money(0, "USD")
    assert str(Money(125050, "BDT")) == "1250.50 BDT"
    assert str(Money(1500, "JPY")) == "1500 JPY"
    assert price.scaled(Fraction(15, 100)) == Money(7500, "BDT")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 2),
        (Fraction(7, 2), 4),
        (Fraction(-5, 2), -2),
        (Fraction(-7, 2), -4),
        (Decimal("2.51"), 3),
    ],
)
def test_half_even(value: Fraction | Decimal, expected: int) -> None:
    assert round_half_even(value) == expected


def test_rounding_to_a_step_and_converting() -> None:
    assert round_to_step(12345, 100) == 12300
    assert round_to_step(12350, 100) == 12400  # 123.5 → 124 (even)
    assert round_to_step(12250, 100) == 12200  # 122.5 → 122 (even)
    # 10.00 USD at 121.50 BDT per USD is 1215.00 BDT; rounded to whole taka it stays.
    assert convert(1000, "USD", "BDT", Decimal("121.5")) == 121500
    # 1 BDT at 0.0082 USD per BDT is 0.0082 USD → 0.01 USD (0.82 cents rounds up).
    assert convert(100, "BDT", "USD", Decimal("0.0082")) == 1
    assert convert(1999, "USD", "BDT", Decimal("121.37"), step=100) == 242600


def test_major_unit_parsing_is_exact() -> None:
    assert to_minor("0.29", "USD") == 29
    assert to_minor(Decimal("1.234"), "KWD") == 1234
    for bad in ["1.234", "-1", "abc", "NaN"]:
        with pytest.raises(ValueError, match=r"amount|decimals"):
            to_minor(bad, "BDT")


def test_allocate_examples() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 0]) == [5, 5]
    assert allocate(0, []) == []
    with pytest.raises(ValueError, match="over nothing"):
        allocate(1, [])


@given(
    amount=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
)
def test_allocation_sums_exactly_and_stays_proportional(amount: int, weights: list[int]) -> None:
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    basis = weights if sum(weights) else [1] * len(weights)
    for part, weight in zip(parts, basis, strict=True):
        exact = Fraction(amount * weight, sum(basis))
        assert abs(Fraction(part) - exact) < 1
        # No part ever goes the other way from the whole.
        assert part * amount >= 0


@given(
    numerator=st.integers(min_value=-(10**15), max_value=10**15),
    denominator=st.integers(min_value=1, max_value=10**6),
)
def test_half_even_is_nearest(numerator: int, denominator: int) -> None:
    q = Fraction(numerator, denominator)
    r = round_half_even(q)
    assert abs(r - q) <= Fraction(1, 2)
    if abs(r - q) == Fraction(1, 2):
        assert r % 2 == 0
