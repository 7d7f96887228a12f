"""Tax arithmetic on integer minor units: one line, and a set of lines whose taxes add up exactly to the
order's tax. Rounding is `domain.money`'s half-even; nothing here touches the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.money import allocate, round_half_even


@dataclass(frozen=True)
class LineTax:
    """A line's amount split into net (without tax), tax and gross (with tax)."""

    net: int
    tax: int
    gross: int


def split(amount: int, percent: Decimal, *, included: bool) -> LineTax:
    """Tax of `amount` at `percent`. With `included` the amount is gross (Bangladesh VAT is usually quoted
    inclusive) and the tax is what remains after taking the net out; otherwise the amount is net."""
    rate = Fraction(percent) / 100
    if included:
        net = round_half_even(Fraction(amount) / (1 + rate))
        return LineTax(net=net, tax=amount - net, gross=amount)
    tax = round_half_even(Fraction(amount) * rate)
    return LineTax(net=amount, tax=tax, gross=amount + tax)


def split_lines(lines: Sequence[tuple[int, Decimal]], *, included: bool) -> list[LineTax]:
    """Per-line tax for an order of (line amount, percent) lines, such that for each rate the lines' taxes
    sum exactly to the tax of the rate's total (the figure on the invoice): the total's tax is computed
    once and allocated over the lines in proportion to their amounts. Each line's tax is then within one
    minor unit of its own `split`."""
    result: list[LineTax | None] = [None] * len(lines)
    by_rate: dict[Decimal, list[int]] = {}
    for index, (_, percent) in enumerate(lines):
        by_rate.setdefault(Decimal(percent), []).append(index)
    for percent, indexes in by_rate.items():
        amounts = [lines[i][0] for i in indexes]
        whole = split(sum(amounts), percent, included=included)
        taxes = allocate(whole.tax, amounts)
        for i, amount, tax in zip(indexes, amounts, taxes, strict=True):
            result[i] = (
                LineTax(net=amount - tax, tax=tax, gross=amount)
                if included
                else LineTax(net=amount, tax=tax, gross=amount + tax)
            )
    return [r for r in result if r is not None]


def order_tax(lines: Sequence[tuple[int, Decimal]], *, included: bool) -> int:
    """The order's tax: per rate, the tax of the rate's total."""
    by_rate: dict[Decimal, int] = {}
    for amount, percent in lines:
        by_rate[Decimal(percent)] = by_rate.get(Decimal(percent), 0) + amount
    return sum(split(total, percent, included=included).tax for percent, total in by_rate.items())
