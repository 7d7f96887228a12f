"""An order as its shopper sees it on the storefront: lines and how much of each has shipped, shipments
with the courier's tracking, and the public part of the timeline. `me.order(number:)` for a signed-in
customer, `orderLookup(number:, contact:)` for a guest; both null for any order that is not theirs."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.models import ShipmentStatus
from domain.fulfillment.order_tracking import OrderTracking
from domain.fulfillment.queries import ShipmentView
from resolvers.context import Context
from resolvers.customers.order_tracking import order_lookup
from resolvers.ids import encode_global_id
from schema.catalog.taxonomy_types import Money
from schema.fulfillment import CourierProviderEnum, ShipmentStatusEnum, TrackingStatusEnum

Info = strawberry.Info[Context, None]
# The enums are registered by schema.fulfillment (imported for that).
_ENUMS = (CourierProviderEnum, ShipmentStatusEnum, TrackingStatusEnum)


@strawberry.type(description="A line of the shopper's order, and how many of its units have shipped.")
class TrackedOrderLine:
    id: strawberry.ID = strawberry.field(description="The order line (as shipments' lines name it).")
    sku: str = strawberry.field(description="SKU at the time of the order.")
    title: str = strawberry.field(description="Product title at the time of the order.")
    variant_title: str = strawberry.field(description="Variant title at the time of the order.")
    quantity: int = strawberry.field(description="Units ordered.")
    quantity_fulfilled: int = strawberry.field(description="Units in live or delivered shipments.")
    quantity_returned: int = strawberry.field(description="Units sent back in returns.")
    unit_price: Money = strawberry.field(description="Unit price paid.")
    total: Money = strawberry.field(description="Line total after discounts.")


@strawberry.type(description="Units of one order line in a shipment.")
class TrackedShipmentLine:
    order_line_id: strawberry.ID = strawberry.field(description="The line (TrackedOrderLine.id).")
    quantity: int = strawberry.field(description="Units in this shipment.")


@strawberry.type(description="One report of the courier about the parcel.")
class TrackedShipmentEvent:
    status: TrackingStatus = strawberry.field(description="The courier's status in one vocabulary.")
    message: str = strawberry.field(description="The courier's message, if any.")
    occurred_at: datetime = strawberry.field(description="When it happened.")


@strawberry.type(description="A parcel of the shopper's order and where it is.")
class TrackedShipment:
    id: strawberry.ID = strawberry.field(description="Global id of the shipment.")
    reference: str = strawberry.field(description="The parcel's reference: <order number>-<n>.")
    status: ShipmentStatus = strawberry.field(description="Where the shipment is.")
    courier: CourierProvider | None = strawberry.field(description="The courier; null for the shop's own.")
    tracking_code: str | None = strawberry.field(description="The code to track the parcel with the courier.")
    tracking_url: str | None = strawberry.field(
        description="The courier's public tracking page for it, when the gateway is configured with one."
    )
    courier_status: TrackingStatus | None = strawberry.field(description="The courier's latest status.")
    delivered_at: datetime | None = strawberry.field(description="When it was delivered.")
    created_at: datetime = strawberry.field(description="When it was packed.")
    lines: list[TrackedShipmentLine] = strawberry.field(description="What it holds.")
    tracking: list[TrackedShipmentEvent] = strawberry.field(
        description="The courier's reports, oldest first."
    )


@strawberry.type(description="One step of the order's history that is the shopper's to see.")
class OrderTrackingEntry:
    kind: str = strawberry.field(
        description="placed, status_changed, cancelled, payment_status_changed, shipment_created, "
        "shipment_booked, courier_status, shipment_cancelled, cod_collected, return_requested, "
        "return_received, return_refunded."
    )
    occurred_at: datetime = strawberry.field(description="When.")
    message: str = strawberry.field(description="What happened, for the shopper.")
    shipment_id: strawberry.ID | None = strawberry.field(description="The shipment it concerns, if one.")
    courier_status: TrackingStatus | None = strawberry.field(description="For courier_status: the status.")


def _shipment_id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(encode_global_id("Shipment", value))


def _shipment(tracked: OrderTracking, view: ShipmentView) -> TrackedShipment:
    s = view.shipment
    return TrackedShipment(
        id=_shipment_id(s.id),
        reference=s.reference,
        status=s.status,
        courier=s.provider,
        tracking_code=s.tracking_code,
        tracking_url=tracked.tracking_url(view),
        courier_status=s.courier_status,
        delivered_at=s.delivered_at,
        created_at=s.created_at,
        lines=[
            TrackedShipmentLine(order_line_id=strawberry.ID(str(x.order_line_id)), quantity=x.quantity)
            for x in view.lines
        ],
        tracking=[
            TrackedShipmentEvent(status=t.status, message=t.message, occurred_at=t.occurred_at)
            for t in view.tracking
        ],
    )


@strawberry.type(description="One of the shopper's orders, with its shipments and their tracking.")
class TrackedOrder:
    id: strawberry.ID = strawberry.field(description="Global id of the order.")
    number: int = strawberry.field(description="The store's order number.")
    status: str = strawberry.field(
        description="pending, confirmed, partially_fulfilled, fulfilled, completed, cancelled."
    )
    payment_status: str = strawberry.field(
        description="unpaid, authorized, paid, partially_refunded, refunded."
    )
    payment_method: str | None = strawberry.field(description="How the shopper chose to pay (cod, bkash, …).")
    created_at: datetime = strawberry.field(description="When it was placed.")
    subtotal: Money = strawberry.field(description="Sum of line subtotals.")
    discount_total: Money = strawberry.field(description="All discounts.")
    shipping_total: Money = strawberry.field(description="Shipping price.")
    tax_total: Money = strawberry.field(description="Tax included or added.")
    total: Money = strawberry.field(description="What was charged.")
    lines: list[TrackedOrderLine] = strawberry.field(description="What was bought.")
    shipments: list[TrackedShipment] = strawberry.field(description="Its parcels, oldest first.")
    timeline: list[OrderTrackingEntry] = strawberry.field(description="Its history, oldest first.")

    @classmethod
    def build(cls, tracked: OrderTracking) -> TrackedOrder:
        o, cur = tracked.order, tracked.order.currency

        def m(amount: int) -> Money:
            return Money(amount=amount, currency=cur)

        return cls(
            id=strawberry.ID(encode_global_id("Order", o.id)),
            number=o.number,
            status=o.status.value,
            payment_status=o.payment_status.value,
            payment_method=o.payment_method,
            created_at=o.created_at,
            subtotal=m(o.subtotal),
            discount_total=m(o.discount_total),
            shipping_total=m(o.shipping_total),
            tax_total=m(o.tax_total),
            total=m(o.total),
            lines=[
                TrackedOrderLine(
                    id=strawberry.ID(str(t.line.id)),
                    sku=t.line.sku,
                    title=t.line.title,
                    variant_title=t.line.variant_title,
                    quantity=t.line.quantity,
                    quantity_fulfilled=t.fulfilled,
                    quantity_returned=t.returned,
                    unit_price=m(t.line.unit_price),
                    total=m(t.line.total),
                )
                for t in tracked.lines
            ],
            shipments=[_shipment(tracked, view) for view in tracked.shipments],
            timeline=[
                OrderTrackingEntry(
                    kind=e.kind,
                    occurred_at=e.at,
                    message=e.message,
                    shipment_id=_shipment_id(e.shipment_id) if e.shipment_id else None,
                    courier_status=e.courier_status,
                )
                for e in tracked.timeline
            ],
        )


@strawberry.type
class OrderTrackingQuery:
    @strawberry.field(
        description="A guest's order by its number and the email or phone given at checkout; null when "
        "either does not match (the same answer for a wrong contact as for an unknown number)."
    )
    async def order_lookup(self, info: Info, number: int, contact: str) -> TrackedOrder | None:
        found = await order_lookup(info.context, number, contact)
        return TrackedOrder.build(found) if found else None
