"""The order draft: everything an order records, priced and frozen, handed from the cart to the orders.

The cart side builds it (pricing, promotions, shipping, tax); the orders side only copies it into rows and
takes the stock. Keeping it plain data is what lets each side be tested without the other, and makes the
order a snapshot: a later price or title change never alters an order already placed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.promotions.result import PromotionResult


@dataclass(frozen=True, slots=True)
class AddressSnapshot:
    """A postal address as it stood at checkout (Bangladeshi fields; `country` is ISO 3166-1 alpha-2)."""

    name: str
    phone: str  # +8801XXXXXXXXX
    line1: str
    district: str
    division: str
    line2: str = ""
    upazila: str = ""  # upazila or thana
    postcode: str = ""
    country: str = "BD"


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """One promotion's share of a line, or of shipping when it sits on the draft itself."""

    promotion_id: uuid.UUID
    amount: int
    code: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class DraftLine:
    """Amounts are integer minor units of the draft's currency. `total` = `subtotal` - `discount`, plus
    `tax` when prices exclude tax; `tax` is the line's share of the order's tax either way."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    variant_title: str
    quantity: int
    unit_price: int
    subtotal: int
    discount: int
    tax: int
    total: int
    discounts: tuple[AppliedDiscount, ...] = ()
    requires_shipping: bool = True
    weight_grams: int | None = None


@dataclass(frozen=True, slots=True)
class ShippingChoice:
    method_id: uuid.UUID | None
    code: str
    name: str
    amount: int
    discount: int = 0
    tax: int = 0


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order ready to be placed. `total` = sum of line totals + shipping amount - shipping discount
    + shipping tax (when prices exclude tax); the orders side checks the sums before writing anything."""

    currency: str
    lines: tuple[DraftLine, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    shipping_total: int
    total: int
    prices_include_tax: bool
    cart_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    email: str | None = None
    phone: str | None = None
    shipping_address: AddressSnapshot | None = None
    billing_address: AddressSnapshot | None = None
    shipping: ShippingChoice | None = None
    codes: tuple[str, ...] = ()
    # Order-level discounts that are not spread over lines (free shipping).
    discounts: tuple[AppliedDiscount, ...] = ()
    note: str = ""
    locale: str = "en"
    metadata: dict[str, str] = field(default_factory=dict)
    # The promotion engine's answer the amounts came from: line i of `lines` is its cart line "i". Orders
    # hand it to `domain.promotions.applied.record_applied_promotions` with their order line ids.
    promotion: PromotionResult | None = None
