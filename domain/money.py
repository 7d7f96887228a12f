"""Money: an integer count of minor units with an ISO 4217 code, and the one place that rounds and splits it.

Every amount in StormCom is `Money` (or, in rows, an int column beside a currency column). Rounding
is half-even ("banker's") on exact rationals, never on floats, so the same inputs give the same minor
unit on every path; `allocate` splits an amount over weights so the parts always sum exactly to the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

# Minor-unit exponent by ISO 4217 code; every currency not listed has two decimals.
EXPONENTS: dict[str, int] = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}


def exponent(currency: str) -> int:
    """Decimals of the currency's minor unit (BDT 2: 1 taka = 100 paisa; JPY 0; KWD 3)."""
    return EXPONENTS.get(currency, 2)


class CurrencyMismatch(ValueError):
    """Two amounts of different currencies met in arithmetic: a bug, never a user error."""


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money.amount must be an int of minor units, got {self.amount!r}")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 code")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def scaled(self, factor: Fraction | Decimal | int) -> Money:
        """This amount times `factor`, rounded half-even to the minor unit (a percentage, a tax rate)."""
        return Money(round_half_even(Fraction(self.amount) * Fraction(factor)), self.currency)

    def min(self, other: Money) -> Money:
        self._same(other)
        return self if self.amount <= other.amount else other

    def max(self, other: Money) -> Money:
        self._same(other)
        return self if self.amount >= other.amount else other

    def major(self) -> Decimal:
        """The amount in major units, exactly (for display and provider APIs that want "500.00")."""
        return Decimal(self.amount).scaleb(-exponent(self.currency))

    def __str__(self) -> str:
        return f"{self.major():.{exponent(self.currency)}f} {self.currency}"


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum of `amounts` (all in `currency`); zero when there are none."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def round_half_even(value: Fraction | Decimal | int) -> int:
    """The nearest integer; exact halves go to the even neighbour. Exact for any rational input."""
    q = Fraction(value)
    floor = q.numerator // q.denominator
    rest = q - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        return floor + 1
    return floor


def round_to_step(amount: int, step: int) -> int:
    """`amount` rounded half-even to a multiple of `step` minor units (a store that prices in whole taka
    rounds to 100 paisa)."""
    if step <= 1:
        return amount
    return round_half_even(Fraction(amount, step)) * step


def to_minor(raw: str | Decimal | int, currency: str) -> int:
    """A major-unit amount ("500.00", "1,250.5", Decimal) as integer minor units, exactly. ValueError if it
    has more decimals than the currency allows, is negative or is not a number."""
    text = str(raw).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{raw!r} is not an amount of at least 0")
    minor = amount.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{raw!r} has more decimals than {currency} allows")
    return int(minor)


def convert(amount: int, source: str, target: str, rate: Decimal | Fraction, *, step: int = 1) -> int:
    """`amount` minor units of `source` as minor units of `target` at `rate` (target major per source
    major), rounded half-even once, then to the store's rounding `step` in the target's minor units."""
    factor = Fraction(rate) * Fraction(10) ** (exponent(target) - exponent(source))
    return round_to_step(round_half_even(Fraction(amount) * factor), step)


def convert_lines(
    amounts: Sequence[int], source: str, target: str, rate: Decimal | Fraction, *, step: int = 1
) -> list[int]:
    """Several lines converted so that they sum exactly to the converted total: the total is converted
    and rounded once, then allocated over the lines in proportion to their amounts (in whole steps when
    the store rounds to a step). Converting lines one by one would gain or lose minor units."""
    whole = convert(sum(amounts), source, target, rate, step=step)
    unit = max(step, 1)
    return [part * unit for part in allocate(whole // unit, amounts)]


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` over `weights` in proportion, parts summing exactly to `amount` (largest remainder;
    ties go to the earlier weight, so the split is deterministic). All-zero weights split evenly."""
    if not weights:
        if amount:
            raise ValueError("cannot allocate a non-zero amount over nothing")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    basis = list(weights) if sum(weights) > 0 else [1] * len(weights)
    whole = sum(basis)
    sign = -1 if amount < 0 else 1
    magnitude = abs(amount)
    parts = [magnitude * w // whole for w in basis]
    remainders = sorted(range(len(basis)), key=lambda i: (-(magnitude * basis[i] % whole), i))
    for i in remainders[: magnitude - sum(parts)]:
        parts[i] += 1
    return [sign * p for p in parts]


def quantize_rate(rate: str | Decimal) -> Decimal:
    """A rate as given by a merchant or feed, checked to be a positive finite decimal."""
    value = Decimal(str(rate))
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{rate!r} is not a positive rate")
    return value.quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_EVEN).normalize()
