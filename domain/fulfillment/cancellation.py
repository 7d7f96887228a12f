"""Cancelling a shipment: at the courier first (when its API can), then here, in one transaction.

Two ways in, one result (`mark_cancelled`):
- staff (`cancel_shipment`): the parcel must still be ours to cancel (not picked up, not delivered or
  otherwise final). The courier is asked to cancel the consignment with no transaction open (RedX:
  `PATCH /parcels`). Pathao and Steadfast publish no cancel call: their adapters raise UNSUPPORTED and staff
  get COURIER_UNSUPPORTED, unless they say they cancelled it in the courier's panel already
  (`cancelled_at_courier`), which records it here without a call. A courier failure (refusal, timeout, 5xx)
  changes nothing here.
- the courier's report (tracking.py, a report whose status is `cancelled`), in the report's transaction.

`mark_cancelled` locks the shipment, then the order (a report has locked the shipment already; after the
order come the line counters, as in create_shipment, so the two never wait on each other crosswise), moves
the shipment to cancelled by a conditional UPDATE, gives its units back on the line counters (one
conditional UPDATE, `fulfilled - n >= returned`), moves the order back (fulfilled → partially_fulfilled /
confirmed) so the lines can be shipped again, puts `shipment_cancelled` on the timeline (actor, request id)
and emits `shipment.cancelled`. Cancelling a cancelled shipment again changes nothing.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from domain.errors import DomainError
from domain.fulfillment import events
from domain.fulfillment.courier_accounts import require_account
from domain.fulfillment.couriers.base import CourierAdapter, CourierError
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import (
    CodReconciliation,
    LineFulfillment,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from domain.fulfillment.shipments import (
    LineQuantity,
    courier_failure_code,
    require_shipment,
    shipment_summary,
    take_quantities,
)
from domain.orders.models import Order, OrderStatus
from domain.orders.services import get_order, reopen
from domain.orders.timeline import record
from domain.uow import UnitOfWork

# Shipments that can still be cancelled: BOOKING is not among them (a booking may be waiting on the
# courier's answer; book it again first, it ends BOOKED or BOOKING_FAILED).
CANCELLABLE = (ShipmentStatus.BOOKING_FAILED, ShipmentStatus.BOOKED, ShipmentStatus.SHIPPED)
# The courier's statuses before it has the goods: staff may cancel only then (afterwards it is a return).
BEFORE_PICKUP = frozenset(
    {
        TrackingStatus.PENDING,
        TrackingStatus.PICKUP_REQUESTED,
        TrackingStatus.PICKUP_FAILED,
        TrackingStatus.CANCELLED,
    }
)
# Orders whose shipments can be cancelled (a completed order is closed; a cancelled one shipped nothing).
OPEN_ORDERS = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_FULFILLED,
    OrderStatus.FULFILLED,
)
MAX_REASON = 500


class CancelSource(enum.StrEnum):
    STAFF = "staff"  # cancelled at the courier through its API (or a shipment without a courier)
    MANUAL = "manual"  # staff cancelled it in the courier's panel; recorded here without a call
    COURIER = "courier"  # the courier reported it cancelled


@dataclass(frozen=True)
class CancelInput:
    shipment_id: uuid.UUID
    reason: str
    # Staff already cancelled the consignment in the courier's own panel: record it, call nothing.
    cancelled_at_courier: bool = False


def check_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DomainError(FulfillmentErrorCode.REQUIRED, "say why the shipment is cancelled", field="reason")
    if len(text) > MAX_REASON or "\x00" in text:
        raise DomainError(
            FulfillmentErrorCode.INVALID, f"at most {MAX_REASON} characters, no U+0000", field="reason"
        )
    return text


def _refusal(shipment: Shipment, order: Order) -> str | None:
    """Why staff may not cancel this shipment, or None."""
    if shipment.status is ShipmentStatus.CANCELLED:
        return "the shipment is cancelled already"
    if shipment.status is ShipmentStatus.BOOKING:
        return (
            "the shipment is being booked: book it again (shipmentBook) or wait for the answer, then cancel"
        )
    if shipment.status not in CANCELLABLE:
        return f"a {shipment.status.value} shipment cannot be cancelled (a return takes units back)"
    if shipment.courier_status is not None and shipment.courier_status not in BEFORE_PICKUP:
        return (
            f"the courier has the parcel ({shipment.courier_status.value}): it cannot be cancelled "
            "(a return takes units back)"
        )
    if order.status not in OPEN_ORDERS:
        return f"the order is {order.status.value}"
    return None


def _needs_courier(shipment: Shipment, data: CancelInput) -> bool:
    return (
        shipment.status is ShipmentStatus.BOOKED
        and shipment.provider is not None
        and shipment.consignment_id is not None
        and shipment.courier_status is not TrackingStatus.CANCELLED
        and not data.cancelled_at_courier
    )


async def cancel_shipment(uow: UnitOfWork, data: CancelInput, *, adapter_of: Any, actor: str) -> Shipment:
    """Staff's cancel (see the module); commits. `adapter_of(account)` gives the courier's adapter.
    Errors, nothing changed: REQUIRED / INVALID (reason), NOT_FOUND (shipmentId), INVALID_TRANSITION
    (picked up, delivered, returned, cancelled, being booked, or a closed order), COURIER_NOT_CONFIGURED,
    COURIER_UNSUPPORTED (no cancel call in the courier's API), COURIER_REJECTED, COURIER_UNAVAILABLE."""
    reason = check_reason(data.reason)
    try:
        shipment = await require_shipment(uow, data.shipment_id)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="shipmentId") from None
    order = await get_order(uow, shipment.order_id)
    refusal = _refusal(shipment, order)
    if refusal is not None:
        raise DomainError(FulfillmentErrorCode.INVALID_TRANSITION, refusal, field="shipmentId")
    source = CancelSource.MANUAL if data.cancelled_at_courier and shipment.provider else CancelSource.STAFF
    if _needs_courier(shipment, data):
        assert shipment.provider is not None and shipment.consignment_id is not None
        account = await require_account(uow, shipment.provider)
        adapter: CourierAdapter = adapter_of(account)
        # No transaction stays open across the courier's answer (the reads so far wrote nothing).
        await uow.session.commit()
        try:
            await adapter.cancel(shipment.consignment_id, reason=reason)
        except CourierError as exc:
            message = exc.message
            if exc.fields:
                message += " (" + "; ".join(f"{k}: {v}" for k, v in sorted(exc.fields.items())) + ")"
            if courier_failure_code(exc) is FulfillmentErrorCode.COURIER_UNSUPPORTED:
                message += "; once it is cancelled there, cancel again with cancelledAtCourier to record it"
            raise DomainError(courier_failure_code(exc), message, field="courier") from None
        cancelled = await mark_cancelled(
            uow, shipment.id, actor=actor, reason=reason, source=source, courier_confirmed=True
        )
    else:
        cancelled = await mark_cancelled(
            uow, shipment.id, actor=actor, reason=reason, source=source, before_pickup_only=True
        )
    await uow.commit()
    # None: the courier's own report cancelled it while we were asking (the same result).
    return cancelled or await require_shipment(uow, shipment.id)


async def mark_cancelled(
    uow: UnitOfWork,
    shipment_id: uuid.UUID,
    *,
    actor: str,
    reason: str,
    source: CancelSource,
    courier_confirmed: bool = False,
    before_pickup_only: bool = False,
) -> Shipment | None:
    """Cancel the shipment here, in the caller's transaction (see the module). None when it is cancelled
    already (nothing changes); INVALID_TRANSITION when it is delivered, returned or being booked, when the
    order is closed, or when a return holds some of its units. On an error the caller's transaction must
    be rolled back (to a savepoint at least): the shipment row may have been updated.
    `courier_confirmed`: the courier accepted the cancel (its status becomes cancelled);
    `before_pickup_only`: refuse once the courier reports having the parcel (checked under the lock)."""
    shipment = await require_shipment(uow, shipment_id, lock=True)
    if shipment.status is ShipmentStatus.CANCELLED:
        return None
    order = await get_order(uow, shipment.order_id, lock=True)
    refusal = _refusal(shipment, order) if before_pickup_only else None
    if shipment.status not in CANCELLABLE or order.status not in OPEN_ORDERS:
        refusal = f"a {shipment.status.value} shipment of a {order.status.value} order cannot be cancelled"
    if refusal is not None:
        raise DomainError(FulfillmentErrorCode.INVALID_TRANSITION, refusal, field="shipmentId")
    values: dict[str, Any] = {"status": ShipmentStatus.CANCELLED, "updated_at": uow.clock()}
    if shipment.reconciliation is CodReconciliation.AWAITING:
        values["reconciliation"] = CodReconciliation.NONE  # nothing to collect on a parcel that never goes
    if courier_confirmed:
        values["courier_status"] = TrackingStatus.CANCELLED
        values["courier_raw_status"] = "cancelled"
    cancelled = (
        await uow.session.scalars(
            update(Shipment)
            .where(Shipment.id == shipment.id, Shipment.status.in_(CANCELLABLE))
            .values(**values)
            .returning(Shipment)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    ).one()
    lines = [
        LineQuantity(row.order_line_id, row.quantity)
        for row in (
            await uow.session.scalars(
                select(ShipmentLine)
                .where(ShipmentLine.shipment_id == shipment.id)
                .order_by(ShipmentLine.order_line_id)
            )
        ).all()
    ]
    try:
        await take_quantities(uow, order.id, lines, sign=-1)
    except DomainError:
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION,
            "units of this shipment are in a return: settle the return first",
            field="shipmentId",
        ) from None
    still_shipped = await uow.session.scalar(
        select(func.coalesce(func.sum(LineFulfillment.fulfilled), 0)).where(
            LineFulfillment.order_id == order.id
        )
    )
    target = OrderStatus.PARTIALLY_FULFILLED if still_shipped else OrderStatus.CONFIRMED
    detail = {"shipment_id": str(shipment.id)}
    if order.status is OrderStatus.FULFILLED or (
        order.status is OrderStatus.PARTIALLY_FULFILLED and target is OrderStatus.CONFIRMED
    ):
        order = await reopen(
            uow,
            order.id,
            target,
            actor=actor,
            message=f"Shipment {shipment.reference} cancelled",
            data=detail,
        )
    line_data = [{"order_line_id": str(x.order_line_id), "quantity": x.quantity} for x in lines]
    record(
        uow,
        order.id,
        "shipment_cancelled",
        actor=actor,
        message=reason,
        data={**shipment_summary(cancelled), "source": source.value, "lines": line_data},
    )
    uow.emit(
        events.SHIPMENT_CANCELLED,
        {
            **shipment_summary(cancelled),
            "reason": reason,
            "source": source.value,
            "lines": line_data,
            "order_status": order.status.value,
        },
    )
    return cancelled
