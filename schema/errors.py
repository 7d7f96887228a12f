"""Payload error types: `{field, code, message}` with `code` an enum of the area's codes."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from domain.access.errors import AccessErrorCode
from domain.cart.errors import CartErrorCode, ProblemKind
from domain.catalog.errors import CatalogErrorCode
from domain.customers.errors import CustomerErrorCode
from domain.documents.errors import DocumentErrorCode
from domain.events.errors import EventErrorCode
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.inventory.errors import InventoryErrorCode
from domain.orders.errors import CheckoutErrorCode, OrderErrorCode
from domain.payments.errors import PaymentErrorCode
from domain.pricing.errors import PricingErrorCode
from domain.promotions.errors import PromotionErrorCode
from domain.shipping.errors import ShippingErrorCode
from domain.tenancy.errors import StoreErrorCode
from domain.webhooks.errors import WebhookErrorCode
from resolvers.errors import UserError

AccessErrorCodeEnum = strawberry.enum(
    AccessErrorCode, name="AccessErrorCode", description="Token and role errors."
)
StoreErrorCodeEnum = strawberry.enum(
    StoreErrorCode, name="StoreErrorCode", description="Store settings errors."
)
DocumentErrorCodeEnum = strawberry.enum(
    DocumentErrorCode, name="DocumentErrorCode", description="Persisted document errors."
)
CatalogErrorCodeEnum = strawberry.enum(
    CatalogErrorCode, name="CatalogErrorCode", description="Catalog errors."
)
PricingErrorCodeEnum = strawberry.enum(
    PricingErrorCode, name="PricingErrorCode", description="Pricing, tax and customer group errors."
)
PromotionErrorCodeEnum = strawberry.enum(
    PromotionErrorCode, name="PromotionErrorCode", description="Promotion and discount code errors."
)
EventErrorCodeEnum = strawberry.enum(EventErrorCode, name="EventErrorCode", description="Event grant errors.")

WebhookErrorCodeEnum = strawberry.enum(
    WebhookErrorCode, name="WebhookErrorCode", description="Webhook errors."
)
CartErrorCodeEnum = strawberry.enum(
    CartErrorCode, name="CartErrorCode", description="Cart, shipping choice and checkout readiness errors."
)
CartProblemKindEnum = strawberry.enum(
    ProblemKind, name="CartProblemKind", description="Why a cart line cannot be bought as it stands."
)
CustomerErrorCodeEnum = strawberry.enum(
    CustomerErrorCode, name="CustomerErrorCode", description="Customer account errors."
)
ShippingErrorCodeEnum = strawberry.enum(
    ShippingErrorCode, name="ShippingErrorCode", description="Shipping zone and method errors."
)
FulfillmentErrorCodeEnum = strawberry.enum(
    FulfillmentErrorCode, name="FulfillmentErrorCode", description="Courier, fulfillment and return errors."
)

OrderErrorCodeEnum = strawberry.enum(OrderErrorCode, name="OrderErrorCode", description="Order errors.")
PaymentErrorCodeEnum = strawberry.enum(
    PaymentErrorCode, name="PaymentErrorCode", description="Payment and refund errors."
)
CheckoutErrorCodeEnum = strawberry.enum(
    CheckoutErrorCode, name="CheckoutErrorCode", description="Why a checkout placed no order."
)
InventoryErrorCodeEnum = strawberry.enum(
    InventoryErrorCode, name="InventoryErrorCode", description="Stock adjustment errors."
)

T = TypeVar("T")
C = TypeVar("C", bound=enum.Enum)


def _code(codes: type[C], value: str) -> C:
    try:
        return codes(value)
    except ValueError:
        return codes("INVALID")


@strawberry.type
class PayloadError(Generic[C]):
    """The shape every area's payload error shares; each area names its own type with its code enum."""

    field: str | None = strawberry.field(
        description="The input field at fault, camelCase; null for the whole input."
    )
    code: C = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable reason.")


@strawberry.type(description="Why a token or role mutation changed nothing.")
class AccessError(PayloadError[AccessErrorCode]):
    pass


@strawberry.type(description="Why a store settings mutation changed nothing.")
class StoreError(PayloadError[StoreErrorCode]):
    pass


@strawberry.type(description="Why a persisted document registration changed nothing.")
class DocumentError(PayloadError[DocumentErrorCode]):
    pass


@strawberry.type(description="Why a catalog mutation changed nothing.")
class CatalogError(PayloadError[CatalogErrorCode]):
    pass


@strawberry.type(description="Why a pricing, tax or customer mutation changed nothing.")
class PricingError(PayloadError[PricingErrorCode]):
    pass


@strawberry.type(description="Why a promotion or discount code mutation changed nothing.")
class PromotionError(PayloadError[PromotionErrorCode]):
    field: str | None = strawberry.field(
        description="The input field at fault, camelCase (keys inside JSON rules as stored);"
        " null for the whole input."
    )


@strawberry.type(description="Why an event grant mutation changed nothing.")
class EventError(PayloadError[EventErrorCode]):
    pass


@strawberry.type(description="Why a webhook mutation changed nothing.")
class WebhookError(PayloadError[WebhookErrorCode]):
    pass


@strawberry.type(description="Why a cart mutation changed nothing.")
class CartError(PayloadError[CartErrorCode]):
    pass


@strawberry.type(description="Why a customer account mutation changed nothing.")
class CustomerError(PayloadError[CustomerErrorCode]):
    pass


@strawberry.type(description="Why a shipping zone or method mutation changed nothing.")
class ShippingError(PayloadError[ShippingErrorCode]):
    pass


@strawberry.type(description="Why an order mutation changed nothing.")
class OrderError(PayloadError[OrderErrorCode]):
    pass


@strawberry.type(description="Why checkoutComplete placed no order.")
class CheckoutError(PayloadError[CheckoutErrorCode]):
    pass


@strawberry.type(description="Why a stock adjustment changed nothing.")
class InventoryError(PayloadError[InventoryErrorCode]):
    pass


@strawberry.type(description="Why a courier, fulfillment or return mutation changed nothing.")
class FulfillmentError(PayloadError[FulfillmentErrorCode]):
    pass


@strawberry.type(description="Why a payment or refund mutation changed nothing.")
class PaymentError(PayloadError[PaymentErrorCode]):
    pass


def convert(errors: Sequence[UserError], codes: type[C], make: Callable[..., T]) -> list[T]:
    return [make(field=e.field, code=_code(codes, e.code), message=e.message) for e in errors]
