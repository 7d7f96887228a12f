"""What a shopper may see of one of their orders: lines with how much has shipped, shipments with the
courier's reports, and the part of the timeline that is theirs to read. Read-only, a fixed number of
statements whatever the number of lines, shipments or reports.

Finding the order: a signed-in customer by number among their own orders; a guest by number together with
the email or phone given at checkout, in one statement, so a wrong contact and an unknown number are the
same miss (the lookup cannot tell anyone which numbers exist).

Staff-only detail never leaves here: who did what (actor, request id), notes, cash mismatches, booking
errors, cancel reasons. Timeline messages are written here from the entry's kind, except a courier's own
message, which is meant for the recipient.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers.addresses import normalize_email, normalize_phone
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.models import LineFulfillment
from domain.fulfillment.queries import ShipmentView, shipments_of_order
from domain.orders.models import Order, OrderEvent, OrderLine
from domain.uow import UnitOfWork

MAX_CONTACT = 320


@dataclass(frozen=True)
class TrackedLine:
    line: OrderLine
    fulfilled: int
    returned: int


@dataclass(frozen=True)
class PublicEntry:
    kind: str
    at: datetime
    message: str
    shipment_id: uuid.UUID | None
    courier_status: TrackingStatus | None


@dataclass(frozen=True)
class OrderTracking:
    order: Order
    lines: list[TrackedLine]
    shipments: list[ShipmentView]
    timeline: list[PublicEntry]
    # Public tracking page per courier ("{code}" stands for the tracking code), when one is configured.
    tracking_urls: dict[str, str]

    def tracking_url(self, view: ShipmentView) -> str | None:
        s = view.shipment
        template = self.tracking_urls.get(str(s.provider)) if s.provider else None
        if template is None or not s.tracking_code:
            return None
        return template.replace("{code}", s.tracking_code)


def _status_words(value: object) -> str:
    return str(value or "").replace("_", " ")


# Timeline kinds a shopper sees, and the message they see for each (the entry's data fills it in).
_PUBLIC: dict[str, Callable[[OrderEvent], str]] = {
    "placed": lambda e: "Order placed",
    "status_changed": lambda e: f"Order {_status_words(e.data.get('status'))}",
    "cancelled": lambda e: "Order cancelled",
    "payment_status_changed": lambda e: f"Payment {_status_words(e.data.get('payment_status'))}",
    "shipment_created": lambda e: "Packed for shipping",
    "shipment_booked": lambda e: "Handed to the courier",
    "courier_status": lambda e: e.message,
    "shipment_cancelled": lambda e: "Shipment cancelled",
    "cod_collected": lambda e: "Cash on delivery collected",
    "return_requested": lambda e: "Return requested",
    "return_received": lambda e: "Return received",
    "return_refunded": lambda e: "Return refunded",
}


def _entry(e: OrderEvent) -> PublicEntry:
    raw_shipment = e.data.get("shipment_id") or (e.data.get("id") if e.kind == "shipment_created" else None)
    try:
        shipment_id = uuid.UUID(str(raw_shipment)) if raw_shipment else None
    except ValueError:
        shipment_id = None
    courier_status = None
    if e.kind == "courier_status":
        try:
            courier_status = TrackingStatus(str(e.data.get("status")))
        except ValueError:
            courier_status = TrackingStatus.UNKNOWN
    return PublicEntry(e.kind, e.created_at, _PUBLIC[e.kind](e), shipment_id, courier_status)


async def customer_order(uow: UnitOfWork, customer_id: uuid.UUID, number: int) -> Order | None:
    """The customer's own order with this number; None for anyone else's (or none)."""
    if not 0 < number < 2**63:
        return None
    return await uow.session.scalar(
        select(Order).where(Order.number == number, Order.customer_id == customer_id)
    )


async def guest_order(uow: UnitOfWork, number: int, contact: str) -> Order | None:
    """The order with this number placed with this email or phone; None when either does not match."""
    # U+0000 names nobody (and PostgreSQL cannot compare text holding it).
    if not 0 < number < 2**63 or len(contact) > MAX_CONTACT or "\x00" in contact:
        return None
    if "@" in contact:
        email = normalize_email(contact)
        condition = Order.email == email.lower() if email else None
    else:
        phone = normalize_phone(contact)
        condition = Order.phone == phone if phone else None
    if condition is None:
        return None
    return await uow.session.scalar(select(Order).where(Order.number == number, condition))


async def order_tracking(
    session: AsyncSession, order: Order, *, tracking_pages: Mapping[str, str] | None = None
) -> OrderTracking:
    """The order's lines, shipments and public timeline: 5 statements once it has a shipment (3 before),
    never more with more lines, shipments or reports. `tracking_pages`: each courier's public tracking
    page as configured (STORMCOM_COURIER_TRACKING_URLS), "{code}" standing for the tracking code."""
    rows = await session.execute(
        select(OrderLine, LineFulfillment.fulfilled, LineFulfillment.returned)
        .outerjoin(LineFulfillment, LineFulfillment.order_line_id == OrderLine.id)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.position)
    )
    lines = [TrackedLine(line, fulfilled or 0, returned or 0) for line, fulfilled, returned in rows]
    shipments = await shipments_of_order(session, order.id)
    events = await session.scalars(
        select(OrderEvent)
        .where(OrderEvent.order_id == order.id, OrderEvent.kind.in_(list(_PUBLIC)))
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )
    timeline = [_entry(e) for e in events]
    return OrderTracking(order, lines, shipments, timeline, dict(tracking_pages or {}))
