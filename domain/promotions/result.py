"""What the engine answers: the discounts applied, each allocated per line, and why every other rule did
not apply (the merchant's explanation reads the same outcomes)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from domain.money import Money
from domain.promotions.models import DiscountClass


class ReasonCode(enum.StrEnum):
    APPLIED = "APPLIED"
    CAPPED = "CAPPED"
    NOT_ACTIVE = "NOT_ACTIVE"
    NOT_STARTED = "NOT_STARTED"
    ENDED = "ENDED"
    OTHER_CURRENCY = "OTHER_CURRENCY"
    CODE_REQUIRED = "CODE_REQUIRED"
    CODE_NOT_STARTED = "CODE_NOT_STARTED"
    CODE_EXPIRED = "CODE_EXPIRED"
    CODE_USED_UP = "CODE_USED_UP"
    CODE_MINIMUM_SUBTOTAL = "CODE_MINIMUM_SUBTOTAL"
    CODE_FIRST_ORDER_ONLY = "CODE_FIRST_ORDER_ONLY"
    SUBTOTAL_BELOW = "SUBTOTAL_BELOW"
    QUANTITY_BELOW = "QUANTITY_BELOW"
    ITEMS_MISSING = "ITEMS_MISSING"
    CUSTOMER_GROUP = "CUSTOMER_GROUP"
    CUSTOMER_SEGMENT = "CUSTOMER_SEGMENT"
    NOT_FIRST_ORDER = "NOT_FIRST_ORDER"
    CHANNEL = "CHANNEL"
    PAYMENT_METHOD = "PAYMENT_METHOD"
    SHIPPING_ZONE = "SHIPPING_ZONE"
    OUTSIDE_DATES = "OUTSIDE_DATES"
    DAY_OF_WEEK = "DAY_OF_WEEK"
    OUTSIDE_HOURS = "OUTSIDE_HOURS"
    NO_ALTERNATIVE_MET = "NO_ALTERNATIVE_MET"
    NOTHING_TO_DISCOUNT = "NOTHING_TO_DISCOUNT"
    EXCLUSIVE_BLOCKED = "EXCLUSIVE_BLOCKED"
    BLOCKED_BY_EXCLUSIVE = "BLOCKED_BY_EXCLUSIVE"
    DOES_NOT_COMBINE = "DOES_NOT_COMBINE"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    message: str


@dataclass(frozen=True, slots=True)
class LineDiscount:
    line_id: str
    amount: Money


@dataclass(frozen=True, slots=True)
class GiftToAdd:
    """A gift the promotion grants that is not (or not fully) in the cart: the cart may add it free."""

    promotion_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """One promotion's discount: its amount, split over lines (summing exactly) and shipping."""

    promotion_id: uuid.UUID
    name: str
    discount_class: DiscountClass
    amount: Money
    lines: tuple[LineDiscount, ...]
    shipping: Money
    code: str | None = None
    code_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    promotion_id: uuid.UUID
    name: str
    applied: bool
    amount: Money
    reasons: tuple[Reason, ...]
    code: str | None = None


@dataclass(frozen=True, slots=True)
class PromotionResult:
    currency: str
    subtotal: Money
    shipping: Money
    # Line and order discounts together (what comes off the subtotal).
    items_discount: Money
    shipping_discount: Money
    total: Money
    applied: tuple[AppliedPromotion, ...]
    outcomes: tuple[RuleOutcome, ...]
    # Each line's amount after every discount, by line id.
    line_totals: tuple[LineDiscount, ...]
    gifts_to_add: tuple[GiftToAdd, ...] = ()

    @property
    def discount_total(self) -> Money:
        return self.items_discount + self.shipping_discount
