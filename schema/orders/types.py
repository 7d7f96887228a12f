"""Order, its lines, addresses and timeline, as the admin API shows them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay

from domain.orders import models
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.orders import queries
from schema.catalog.taxonomy_types import JSON, Money

Info = strawberry.Info[Context, None]

strawberry.enum(
    models.OrderStatus,
    name="OrderStatus",
    description="Lifecycle: PENDING, CONFIRMED, PARTIALLY_FULFILLED, FULFILLED, COMPLETED or CANCELLED.",
)
strawberry.enum(
    models.PaymentStatus,
    name="OrderPaymentStatus",
    description="Money received: UNPAID, AUTHORIZED, PAID, PARTIALLY_REFUNDED or REFUNDED.",
)
OrderStatus = models.OrderStatus
OrderPaymentStatus = models.PaymentStatus


@strawberry.type(name="OrderAddress", description="A postal address as it stood when the order was placed.")
class OrderAddress:
    name: str = strawberry.field(description="Recipient.")
    phone: str = strawberry.field(description="Phone, +880 form.")
    line1: str = strawberry.field(description="House, road.")
    line2: str = strawberry.field(description="Area, landmark.")
    upazila: str = strawberry.field(description="Upazila or thana.")
    district: str = strawberry.field(description="District.")
    division: str = strawberry.field(description="Division.")
    postcode: str = strawberry.field(description="Postcode.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> OrderAddress | None:
        if not raw:
            return None
        return cls(**{k: str(raw.get(k, "")) for k in cls.__annotations__})


@strawberry.type(description="The shipping method as chosen at checkout.")
class OrderShipping:
    code: str = strawberry.field(description="The method's code.")
    name: str = strawberry.field(description="The method's name.")
    amount: Money = strawberry.field(description="Shipping charged before its discount.")
    discount: Money = strawberry.field(description="Shipping discount.")


@strawberry.type(description="One line of an order: a snapshot of what was bought and at what price.")
class OrderLine:
    id: strawberry.ID = strawberry.field(description="The line's id.")
    variant_id: strawberry.ID | None = strawberry.field(description="The ProductVariant, null if deleted.")
    sku: str = strawberry.field(description="SKU at checkout.")
    title: str = strawberry.field(description="Product title at checkout.")
    variant_title: str = strawberry.field(description="Variant title at checkout.")
    quantity: int = strawberry.field(description="Units ordered.")
    unit_price: Money = strawberry.field(description="Unit price at checkout.")
    subtotal: Money = strawberry.field(description="Unit price times quantity.")
    discount: Money = strawberry.field(description="Discounts on this line.")
    tax: Money = strawberry.field(description="This line's share of tax.")
    total: Money = strawberry.field(description="What the line costs.")

    @classmethod
    def from_model(cls, m: models.OrderLine, currency: str) -> OrderLine:
        def money(v: int) -> Money:
            return Money(amount=v, currency=currency)

        return cls(
            id=strawberry.ID(str(m.id)),
            variant_id=strawberry.ID(encode_global_id("ProductVariant", m.variant_id))
            if m.variant_id
            else None,
            sku=m.sku,
            title=m.title,
            variant_title=m.variant_title,
            quantity=m.quantity,
            unit_price=money(m.unit_price),
            subtotal=money(m.subtotal),
            discount=money(m.discount),
            tax=money(m.tax),
            total=money(m.total),
        )


@strawberry.type(description="One entry of an order's timeline.")
class OrderTimelineEntry:
    kind: str = strawberry.field(
        description="What happened: placed, status_changed, cancelled, payment_status_changed, note, …"
    )
    message: str = strawberry.field(description="Human-readable summary.")
    data: JSON = strawberry.field(description="Details of the change.")
    actor: str = strawberry.field(description="Who made it: a token, customer, guest, provider or system.")
    request_id: str = strawberry.field(description="The request that made it (X-Request-ID).")
    created_at: datetime = strawberry.field(description="When.")


def _uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    out: list[uuid.UUID | None] = []
    for raw in node_ids:
        try:
            out.append(uuid.UUID(str(raw)))
        except ValueError:
            out.append(None)
    return out


async def _none() -> None:
    return None


@strawberry.type(name="Order", description="An order placed in this store.")
class OrderNode(relay.Node):
    id: relay.NodeID[str]
    number: int = strawberry.field(description="Per-store sequential number shown to customers (#1, #2, …).")
    status: OrderStatus = strawberry.field(description="Where the order is in its lifecycle.")
    payment_status: OrderPaymentStatus = strawberry.field(description="Money received for it.")
    currency: str = strawberry.field(description="ISO 4217 code of every amount.")
    subtotal: Money = strawberry.field(description="Sum of line subtotals.")
    discount_total: Money = strawberry.field(description="All discounts.")
    tax_total: Money = strawberry.field(description="All tax.")
    shipping_total: Money = strawberry.field(description="Shipping charged.")
    total: Money = strawberry.field(description="What the customer pays.")
    prices_include_tax: bool = strawberry.field(description="Whether line prices include tax.")
    customer_id: strawberry.ID | None = strawberry.field(description="The Customer, null for guests.")
    email: str | None = strawberry.field(description="Contact email.")
    phone: str | None = strawberry.field(description="Contact phone.")
    shipping_address: OrderAddress | None = strawberry.field(description="Where it ships.")
    billing_address: OrderAddress | None = strawberry.field(description="Billing address.")
    shipping: OrderShipping | None = strawberry.field(description="The shipping method chosen.")
    codes: list[str] = strawberry.field(description="Discount codes used.")
    customer_note: str = strawberry.field(description="The customer's note at checkout.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")
    created_at: datetime = strawberry.field(description="When it was placed.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="The lines, in checkout order.")
    async def lines(self, info: Info) -> list[OrderLine]:
        rows: list[models.OrderLine] = await info.context.loaders.order_lines_by_order.load(
            uuid.UUID(self.id)
        )
        return [OrderLine.from_model(r, self.currency) for r in rows]

    @strawberry.field(description="Every change, oldest first, with actor and request id.")
    async def timeline(self, info: Info) -> list[OrderTimelineEntry]:
        rows: list[models.OrderEvent] = await info.context.loaders.order_events_by_order.load(
            uuid.UUID(self.id)
        )
        return [
            OrderTimelineEntry(
                kind=r.kind,
                message=r.message,
                data=cast(JSON, r.data),
                actor=r.actor,
                request_id=r.request_id,
                created_at=r.created_at,
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, m: models.Order) -> OrderNode:
        def money(v: int) -> Money:
            return Money(amount=v, currency=m.currency)

        ship = m.shipping
        return cls(
            id=str(m.id),
            number=m.number,
            status=m.status,
            payment_status=m.payment_status,
            currency=m.currency,
            subtotal=money(m.subtotal),
            discount_total=money(m.discount_total),
            tax_total=money(m.tax_total),
            shipping_total=money(m.shipping_total),
            total=money(m.total),
            prices_include_tax=m.prices_include_tax,
            customer_id=strawberry.ID(encode_global_id("Customer", m.customer_id)) if m.customer_id else None,
            email=m.email,
            phone=m.phone,
            shipping_address=OrderAddress.from_json(m.shipping_address),
            billing_address=OrderAddress.from_json(m.billing_address),
            shipping=OrderShipping(
                code=str(ship.get("code", "")),
                name=str(ship.get("name", "")),
                amount=money(int(ship.get("amount", 0))),
                discount=money(int(ship.get("discount", 0))),
            )
            if ship
            else None,
            codes=list(m.codes),
            customer_note=m.customer_note,
            cancel_reason=m.cancel_reason,
            cancelled_at=m.cancelled_at,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrderNode | None]:
        ids = _uuids(node_ids)
        if not info.context.principal.has("orders:read"):
            # Orders hold personal data: `node(id:)` finds them only for tokens that may read orders.
            return [None for _ in ids]
        found = await asyncio.gather(*(queries.order(info.context, i) if i else _none() for i in ids))
        return [cls.from_model(o) if o else None for o in found]
