"""Fulfilling orders by line and quantity: a shipment per parcel, booked with a courier.

Two steps, because a courier is an HTTP call that must not run inside a transaction holding the order:
1. `create_shipment` (one transaction): lock the order row (so a concurrent cancel waits, then finds it
   shipped), take the quantities with one conditional UPDATE (`fulfilled + n <= ordered` for every line, or
   QUANTITY_EXCEEDED and nothing changes), write the shipment, move the order to partially_fulfilled /
   fulfilled through the orders' state machine (`order.partially_fulfilled` / `order.fulfilled`), put it on
   the timeline. Stock needs no move here: the units left on-hand when the order was placed (ledger `sold`).
2. `book_shipment`: ask the courier for a consignment, then record the answer (BOOKED with its id, or
   BOOKING_FAILED with the courier's reason; booking again is allowed). Our `reference` is unique per
   parcel, so a retry after a lost answer is refused by the courier rather than booked twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from domain.errors import DomainError, DomainErrors
from domain.fulfillment import events
from domain.fulfillment.courier_accounts import require_account
from domain.fulfillment.couriers.base import (
    ConsignmentRequest,
    CourierAdapter,
    CourierError,
    CourierProvider,
    FailureKind,
)
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import (
    CodReconciliation,
    LineFulfillment,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from domain.money import Money
from domain.orders.models import Order, OrderLine, OrderStatus, PaymentStatus
from domain.orders.services import get_order, transition
from domain.orders.timeline import record
from domain.uow import UnitOfWork

FULFILLABLE = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_FULFILLED)
LIVE = (
    ShipmentStatus.BOOKING,
    ShipmentStatus.BOOKING_FAILED,
    ShipmentStatus.BOOKED,
    ShipmentStatus.SHIPPED,
    ShipmentStatus.DELIVERED,
)


@dataclass(frozen=True)
class LineQuantity:
    order_line_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class ShipmentInput:
    order_id: uuid.UUID
    lines: Sequence[LineQuantity]
    provider: CourierProvider | None = None  # None: the merchant delivers it themselves
    cod_amount: int | None = None  # None: what is left to collect on a COD order
    weight_grams: int | None = None
    note: str = ""
    area: dict[str, str] | None = None  # courier routing ids (RedX delivery area, Pathao city/zone)


def shipment_summary(s: Shipment) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "order_id": str(s.order_id),
        "reference": s.reference,
        "status": s.status.value,
        "provider": s.provider.value if s.provider else None,
        "consignment_id": s.consignment_id,
        "cod_amount": s.cod_amount,
        "currency": s.currency,
    }


def _check_lines(lines: Sequence[LineQuantity]) -> None:
    errors = []
    if not lines:
        errors.append(DomainError(FulfillmentErrorCode.REQUIRED, "at least one line", field="lines"))
    seen: set[uuid.UUID] = set()
    for i, line in enumerate(lines):
        if line.quantity <= 0:
            errors.append(
                DomainError(FulfillmentErrorCode.INVALID, "at least 1", field=f"lines.{i}.quantity")
            )
        if line.order_line_id in seen:
            errors.append(
                DomainError(
                    FulfillmentErrorCode.INVALID, "a line appears twice", field=f"lines.{i}.orderLineId"
                )
            )
        seen.add(line.order_line_id)
    if errors:
        raise DomainErrors(errors)


async def ensure_counters(uow: UnitOfWork, order_id: uuid.UUID) -> None:
    """One counter row per line of the order (created on first use, from the line's ordered quantity)."""
    await uow.session.execute(
        insert(LineFulfillment)
        .from_select(
            ["store_id", "order_line_id", "order_id", "ordered", "fulfilled", "returned"],
            select(
                OrderLine.store_id,
                OrderLine.id,
                OrderLine.order_id,
                OrderLine.quantity,
                text("0"),
                text("0"),
            ).where(OrderLine.order_id == order_id),
        )
        .on_conflict_do_nothing()
    )


_TAKE = text(
    """
    UPDATE order_line_fulfillments f SET fulfilled = f.fulfilled + v.qty
    FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS int[])) AS v(line_id, qty)
    WHERE f.order_line_id = v.line_id AND f.order_id = :order_id AND f.store_id = :store_id
      AND f.fulfilled + v.qty <= f.ordered
    RETURNING f.order_line_id
    """
)


async def take_quantities(
    uow: UnitOfWork, order_id: uuid.UUID, lines: Sequence[LineQuantity], *, sign: int = 1
) -> None:
    """Add (or with sign=-1 give back) fulfilled quantities, all lines or none: QUANTITY_EXCEEDED names the
    first line that has fewer units left than asked (or is not a line of the order)."""
    stmt = (
        _TAKE
        if sign > 0
        else text(
            """
        UPDATE order_line_fulfillments f SET fulfilled = f.fulfilled - v.qty
        FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS int[])) AS v(line_id, qty)
        WHERE f.order_line_id = v.line_id AND f.order_id = :order_id AND f.store_id = :store_id
          AND f.fulfilled - v.qty >= f.returned
        RETURNING f.order_line_id
        """
        )
    )
    done = {
        row[0]
        for row in await uow.session.execute(
            stmt,
            {
                "ids": [line.order_line_id for line in lines],
                "qtys": [line.quantity for line in lines],
                "order_id": order_id,
                "store_id": uow.store_id,
            },
        )
    }
    for i, line in enumerate(lines):
        if line.order_line_id not in done:
            raise DomainError(
                FulfillmentErrorCode.QUANTITY_EXCEEDED,
                "more units than the order line has left to ship (or not a line of this order)",
                field=f"lines.{i}.quantity",
            )


async def _cod_due(uow: UnitOfWork, order: Order) -> int:
    """What is still to collect in cash on a COD order: its total less what live shipments collect."""
    if order.payment_method != "cod" or order.payment_status is not PaymentStatus.UNPAID:
        return 0
    booked = await uow.session.scalar(
        select(func.coalesce(func.sum(Shipment.cod_amount), 0)).where(
            Shipment.order_id == order.id, Shipment.status.in_(LIVE)
        )
    )
    return max(0, order.total - int(booked or 0))


async def create_shipment(uow: UnitOfWork, data: ShipmentInput, *, actor: str) -> Shipment:
    """Step 1 (see the module): the shipment and the quantities, committed by the caller."""
    _check_lines(data.lines)
    if data.weight_grams is not None and not 1 <= data.weight_grams <= 100_000:
        raise DomainError(FulfillmentErrorCode.INVALID, "1 g to 100 kg", field="weightGrams")
    if len(data.note) > 500 or "\x00" in data.note:
        raise DomainError(FulfillmentErrorCode.INVALID, "at most 500 characters, no NUL", field="note")
    if data.provider is not None:
        await require_account(uow, data.provider, field="courier")
    try:
        order = await get_order(uow, data.order_id, lock=True)
    except DomainError as exc:
        raise DomainError(FulfillmentErrorCode.NOT_FOUND, exc.message, field="orderId") from None
    if order.status not in FULFILLABLE:
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"an order that is {order.status.value} cannot be fulfilled",
            field="orderId",
        )
    due = await _cod_due(uow, order)
    cod = due if data.cod_amount is None else data.cod_amount
    if not 0 <= cod <= order.total:
        raise DomainError(FulfillmentErrorCode.INVALID, "between 0 and the order total", field="codAmount")
    await ensure_counters(uow, order.id)
    await take_quantities(uow, order.id, data.lines)
    count = await uow.session.scalar(select(func.count()).where(Shipment.order_id == order.id))
    weights = await _weights(uow, data.lines)
    shipment = Shipment(
        id=uuid.uuid4(),
        order_id=order.id,
        reference=f"{order.number}-{int(count or 0) + 1}",
        status=ShipmentStatus.BOOKING if data.provider else ShipmentStatus.SHIPPED,
        provider=data.provider,
        currency=order.currency,
        cod_amount=cod,
        reconciliation=CodReconciliation.AWAITING if cod else CodReconciliation.NONE,
        weight_grams=data.weight_grams or weights or 500,
        note=data.note,
        created_at=uow.clock(),
        updated_at=uow.clock(),
    )
    uow.session.add(shipment)
    await uow.session.flush()
    uow.session.add_all(
        ShipmentLine(shipment_id=shipment.id, order_line_id=line.order_line_id, quantity=line.quantity)
        for line in data.lines
    )
    left = await uow.session.scalar(
        select(func.sum(LineFulfillment.ordered - LineFulfillment.fulfilled)).where(
            LineFulfillment.order_id == order.id
        )
    )
    record(
        uow,
        order.id,
        "shipment_created",
        actor=actor,
        message=f"Shipment {shipment.reference}" + (f" with {data.provider}" if data.provider else ""),
        data={
            **shipment_summary(shipment),
            "lines": [
                {"order_line_id": str(line.order_line_id), "quantity": line.quantity} for line in data.lines
            ],
        },
    )
    target = OrderStatus.FULFILLED if not left else OrderStatus.PARTIALLY_FULFILLED
    await transition(uow, order.id, target, actor=actor, data={"shipment_id": str(shipment.id)})
    uow.emit(events.SHIPMENT_CREATED, shipment_summary(shipment))
    return shipment


async def _weights(uow: UnitOfWork, lines: Sequence[LineQuantity]) -> int:
    rows = await uow.session.execute(
        select(OrderLine.id, OrderLine.weight_grams).where(
            OrderLine.id.in_([line.order_line_id for line in lines])
        )
    )
    per_unit = {r.id: r.weight_grams or 0 for r in rows}
    return sum(per_unit.get(line.order_line_id, 0) * line.quantity for line in lines)


async def require_shipment(uow: UnitOfWork, shipment_id: uuid.UUID, *, lock: bool = False) -> Shipment:
    stmt = select(Shipment).where(Shipment.id == shipment_id).execution_options(populate_existing=True)
    shipment = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if shipment is None:
        raise DomainError(FulfillmentErrorCode.NOT_FOUND, "no shipment with this id", field="id")
    return shipment


def _parcel(order: Order, shipment: Shipment, area: dict[str, str] | None) -> ConsignmentRequest:
    # Addresses are snapshots of domain/checkout/draft_types.AddressSnapshot.
    address = order.shipping_address or {}
    street = ", ".join(
        str(address[k]) for k in ("line1", "line2", "upazila", "district", "postcode") if address.get(k)
    )
    return ConsignmentRequest(
        reference=shipment.reference,
        recipient_name=str(address.get("name") or ""),
        recipient_phone=str(address.get("phone") or order.phone or ""),
        recipient_address=street,
        cod=Money(shipment.cod_amount, shipment.currency),
        weight_grams=shipment.weight_grams,
        note=shipment.note,
        description=f"Order {order.number}",
        area=area or {},
    )


async def book_shipment(
    uow: UnitOfWork,
    shipment_id: uuid.UUID,
    *,
    adapter_of: Any,
    actor: str,
    area: dict[str, str] | None = None,
) -> tuple[Shipment, CourierError | None]:
    """Step 2 (see the module). `adapter_of(account)` gives the courier's adapter. Returns the shipment
    and, when the courier failed, its error (the shipment is then BOOKING_FAILED, committed)."""
    shipment = await require_shipment(uow, shipment_id)
    if (
        shipment.status not in (ShipmentStatus.BOOKING, ShipmentStatus.BOOKING_FAILED)
        or shipment.provider is None
    ):
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"a {shipment.status.value} shipment is not waiting for a courier",
            field="id",
        )
    account = await require_account(uow, shipment.provider)
    order = await get_order(uow, shipment.order_id)
    request = _parcel(order, shipment, area)
    adapter: CourierAdapter = adapter_of(account)
    # No transaction stays open across the courier's answer (the reads so far wrote nothing; committing
    # rather than rolling back keeps the loaded rows usable).
    await uow.session.commit()
    try:
        consignment = await adapter.create_consignment(request)
    except CourierError as exc:
        failed = await _set(
            uow,
            shipment,
            status=ShipmentStatus.BOOKING_FAILED,
            booking_error=str(exc)[:1000],
        )
        record(
            uow,
            shipment.order_id,
            "shipment_booking_failed",
            actor=actor,
            message=exc.message,
            data={"shipment_id": str(shipment.id), "kind": exc.kind.value, "fields": exc.fields},
        )
        await uow.commit()
        return failed, exc
    booked = await _set(
        uow,
        shipment,
        status=ShipmentStatus.BOOKED,
        consignment_id=consignment.consignment_id,
        tracking_code=consignment.tracking_code,
        courier_status=consignment.status,
        courier_raw_status=consignment.raw_status,
        delivery_fee=consignment.fee.amount if consignment.fee else None,
        booking_error=None,
    )
    record(
        uow,
        shipment.order_id,
        "shipment_booked",
        actor=actor,
        message=f"{shipment.provider} consignment {consignment.consignment_id}",
        data={"shipment_id": str(shipment.id), "consignment_id": consignment.consignment_id},
    )
    uow.emit(events.SHIPMENT_BOOKED, shipment_summary(booked))
    await uow.commit()
    return booked, None


async def _set(uow: UnitOfWork, shipment: Shipment, **values: Any) -> Shipment:
    """Conditional on the shipment still waiting for the courier: two bookings racing record one answer."""
    row = (
        await uow.session.scalars(
            update(Shipment)
            .where(
                Shipment.id == shipment.id,
                Shipment.status.in_((ShipmentStatus.BOOKING, ShipmentStatus.BOOKING_FAILED)),
            )
            .values(updated_at=uow.clock(), **values)
            .returning(Shipment)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION, "the shipment changed meanwhile", field="id"
        )
    return row


def courier_failure_code(exc: CourierError) -> FulfillmentErrorCode:
    if exc.kind is FailureKind.UNSUPPORTED:
        return FulfillmentErrorCode.COURIER_UNSUPPORTED
    if exc.kind in (FailureKind.REJECTED, FailureKind.NOT_FOUND):
        return FulfillmentErrorCode.COURIER_REJECTED
    return FulfillmentErrorCode.COURIER_UNAVAILABLE
