"""Order changes after placement: lifecycle transitions, cancellation (stock back), payment status, notes.

Each change is one conditional UPDATE (`WHERE status IN (<allowed sources>)`), so two concurrent changes
can never both pass the state check; the loser gets INVALID_TRANSITION. The timeline entry and the outbox
event are written in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update

from domain.errors import DomainError
from domain.inventory.ledger import Reference
from domain.inventory.models import AdjustmentReason
from domain.inventory.reservations import Allocation, restock
from domain.orders import events
from domain.orders.errors import OrderErrorCode
from domain.orders.models import Order, OrderAllocation, OrderStatus, PaymentStatus
from domain.orders.states import STATUS_EVENTS, payment_sources, reopen_sources, sources
from domain.orders.timeline import record
from domain.uow import UnitOfWork


async def get_order(uow: UnitOfWork, order_id: uuid.UUID, *, lock: bool = False) -> Order:
    """The order of this store, or NOT_FOUND (field `id`); another store's order is not found either."""
    stmt = select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    order = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise DomainError(OrderErrorCode.NOT_FOUND, "no order with this id", field="id")
    return order


async def _invalid(uow: UnitOfWork, order_id: uuid.UUID, target: str) -> DomainError:
    order = await get_order(uow, order_id)
    return DomainError(
        OrderErrorCode.INVALID_TRANSITION,
        f"an order that is {order.status.value} (payment {order.payment_status.value})"
        f" cannot become {target}",
        field="status",
    )


def _event_data(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(order.id),
        "number": order.number,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        **extra,
    }


async def transition(
    uow: UnitOfWork,
    order_id: uuid.UUID,
    target: OrderStatus,
    *,
    actor: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Order:
    """Move the order to `target` if states.TRANSITIONS allows it from its current state, else
    INVALID_TRANSITION (nothing changes). Records the timeline entry `status_changed` and emits the
    target's event (`order.confirmed`, `order.partially_fulfilled`, `order.fulfilled`, …). Fulfilment
    calls this with PARTIALLY_FULFILLED / FULFILLED; use cancel_order to cancel (it restocks)."""
    if target is OrderStatus.CANCELLED:
        return await cancel_order(uow, order_id, actor=actor, reason=message)
    order = await _move(
        uow,
        order_id,
        target,
        sources(target),
        actor=actor,
        message=message or f"Order {target.value}",
        data={"status": target.value, **(data or {})},
    )
    uow.emit(STATUS_EVENTS[target], _event_data(order, **(data or {})))
    return order


async def _move(
    uow: UnitOfWork,
    order_id: uuid.UUID,
    target: OrderStatus,
    allowed_from: Collection[OrderStatus],
    *,
    actor: str,
    message: str,
    data: dict[str, Any],
) -> Order:
    """The one conditional status UPDATE (INVALID_TRANSITION when the order is not in `allowed_from`) and
    its `status_changed` timeline entry; the caller emits the event that fits."""
    result = await uow.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status.in_(allowed_from))
        .values(status=target, updated_at=uow.clock())
        .returning(Order.id)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:
        raise await _invalid(uow, order_id, target.value)
    order = await get_order(uow, order_id)
    record(uow, order_id, "status_changed", actor=actor, message=message, data=data)
    return order


async def reopen(
    uow: UnitOfWork,
    order_id: uuid.UUID,
    target: OrderStatus,
    *,
    actor: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Order:
    """Move a (partially) fulfilled order back because units it shipped can be shipped again (fulfillment
    calls this when a shipment is cancelled): fulfilled → partially_fulfilled or confirmed,
    partially_fulfilled → confirmed (states.REOPENS), else INVALID_TRANSITION. Records `status_changed` and
    emits `order.updated` (change `fulfillment_reopened`) rather than the target's own event: the order is
    not newly confirmed, nothing should greet the customer again."""
    order = await _move(
        uow,
        order_id,
        target,
        reopen_sources(target),
        actor=actor,
        message=message or f"Order {target.value} again",
        data={"status": target.value, "reopened": True, **(data or {})},
    )
    uow.emit(events.ORDER_UPDATED, _event_data(order, change="fulfillment_reopened", **(data or {})))
    return order


async def cancel_order(uow: UnitOfWork, order_id: uuid.UUID, *, actor: str, reason: str = "") -> Order:
    """Cancel an order nothing of which has shipped; its units go back to the locations they came from
    (ledger `reservation_released`). Emits `order.cancelled`. INVALID_TRANSITION once shipped, completed
    or already cancelled. Refunding a paid order is the payments side's call."""
    now = uow.clock()
    result = await uow.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status.in_(sources(OrderStatus.CANCELLED)))
        .values(status=OrderStatus.CANCELLED, cancelled_at=now, cancel_reason=reason or None, updated_at=now)
        .returning(Order.id)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:
        raise await _invalid(uow, order_id, OrderStatus.CANCELLED.value)
    released = (
        await uow.session.execute(
            update(OrderAllocation)
            .where(OrderAllocation.order_id == order_id, OrderAllocation.released_at.is_(None))
            .values(released_at=now)
            .returning(OrderAllocation.variant_id, OrderAllocation.location, OrderAllocation.quantity)
            .execution_options(synchronize_session=False)
        )
    ).all()
    await restock(
        uow,
        [Allocation(0, r.variant_id, r.location, r.quantity) for r in released],
        reason=AdjustmentReason.RESERVATION_RELEASED,
        reference=Reference("order", order_id),
        actor=actor,
    )
    order = await get_order(uow, order_id)
    record(
        uow,
        order_id,
        "cancelled",
        actor=actor,
        message=reason or "Order cancelled",
        data={"restocked": sum(r.quantity for r in released)},
    )
    uow.emit(events.ORDER_CANCELLED, _event_data(order, reason=reason))
    return order


async def set_payment_status(
    uow: UnitOfWork,
    order_id: uuid.UUID,
    target: PaymentStatus,
    *,
    actor: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Order:
    """Move the order's payment status (the payments side calls this on authorise / capture / refund).
    Reaching PAID emits `order.paid` and confirms a pending order; other moves emit
    `order.payment_updated`. INVALID_TRANSITION when states.PAYMENT_TRANSITIONS does not allow it."""
    now = uow.clock()
    result = await uow.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.payment_status.in_(payment_sources(target)))
        .values(payment_status=target, updated_at=now)
        .returning(Order.id)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:
        raise await _invalid(uow, order_id, f"payment {target.value}")
    record(
        uow,
        order_id,
        "payment_status_changed",
        actor=actor,
        message=message or f"Payment {target.value}",
        data={"payment_status": target.value, **(data or {})},
    )
    confirmed = False
    if target is PaymentStatus.PAID:
        confirmed = (
            await uow.session.execute(
                update(Order)
                .where(Order.id == order_id, Order.status == OrderStatus.PENDING)
                .values(status=OrderStatus.CONFIRMED)
                .returning(Order.id)
                .execution_options(synchronize_session=False)
            )
        ).first() is not None
    order = await get_order(uow, order_id)
    kind = events.ORDER_PAID if target is PaymentStatus.PAID else events.ORDER_PAYMENT_UPDATED
    uow.emit(kind, _event_data(order, total=order.total, currency=order.currency, **(data or {})))
    if confirmed:
        # Paying confirms a pending order: the same record and event as any other confirmation, so
        # partners listening for order.confirmed hear of orders paid online too.
        status = OrderStatus.CONFIRMED.value
        record(
            uow,
            order_id,
            "status_changed",
            actor=actor,
            message="Order confirmed: paid",
            data={"status": status},
        )
        uow.emit(STATUS_EVENTS[OrderStatus.CONFIRMED], _event_data(order))
    return order


async def add_note(uow: UnitOfWork, order_id: uuid.UUID, note: str, *, actor: str) -> Order:
    """A staff note on the timeline (kind `note`); emits `order.updated`."""
    text = note.strip()
    if not text or len(text) > 2000 or "\x00" in text:
        raise DomainError(OrderErrorCode.INVALID, "a note has 1 to 2000 characters", field="note")
    order = await get_order(uow, order_id)
    record(uow, order_id, "note", actor=actor, message=text)
    uow.emit(events.ORDER_UPDATED, _event_data(order, change="note"))
    return order
