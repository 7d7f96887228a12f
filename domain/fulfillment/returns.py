"""Returns: requested → approved / rejected → received → refunded, each step one conditional UPDATE on the
return's status (anything else is INVALID_TRANSITION and changes nothing), on the order's timeline, with
its `return.*` event.

- Requesting reserves the units on the line's counter (`returned + n <= fulfilled`): two returns can never
  claim more units than shipped. Rejecting gives them back.
- Receiving puts the restockable units back on-hand through the inventory ledger (`returned`), at the
  locations the order took them from.
- Refunding goes through the payments side (`create_refund`, idempotent by the key `return:<id>`), for the
  returned units' share of what the customer paid; the return becomes refunded only once the refund is
  recorded, so a retry after a failure asks again with the same key.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update

from domain.errors import DomainError, DomainErrors
from domain.fulfillment import events
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import ReturnLine, ReturnReason, ReturnRequest, ReturnStatus
from domain.fulfillment.shipments import ensure_counters
from domain.inventory.ledger import Reference
from domain.inventory.models import AdjustmentReason
from domain.inventory.reservations import Allocation, restock
from domain.orders.models import OrderAllocation, OrderLine
from domain.orders.services import get_order
from domain.orders.timeline import record
from domain.payments.models import PaymentAttempt
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from domain.uow import UnitOfWork

# Which status each step moves from.
SOURCES: dict[ReturnStatus, tuple[ReturnStatus, ...]] = {
    ReturnStatus.APPROVED: (ReturnStatus.REQUESTED,),
    ReturnStatus.REJECTED: (ReturnStatus.REQUESTED,),
    ReturnStatus.RECEIVED: (ReturnStatus.APPROVED,),
    ReturnStatus.REFUNDED: (ReturnStatus.RECEIVED,),
}
EVENTS = {
    ReturnStatus.APPROVED: events.RETURN_APPROVED,
    ReturnStatus.REJECTED: events.RETURN_REJECTED,
    ReturnStatus.RECEIVED: events.RETURN_RECEIVED,
    ReturnStatus.REFUNDED: events.RETURN_REFUNDED,
}


@dataclass(frozen=True)
class ReturnLineInput:
    order_line_id: uuid.UUID
    quantity: int
    reason: ReturnReason
    restock: bool = True


def summary(r: ReturnRequest) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "order_id": str(r.order_id),
        "reference": r.reference,
        "status": r.status.value,
        "refund_amount": r.refund_amount,
        "currency": r.currency,
    }


_RESERVE = text(
    """
    UPDATE order_line_fulfillments f SET returned = f.returned + v.qty
    FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS int[])) AS v(line_id, qty)
    WHERE f.order_line_id = v.line_id AND f.order_id = :order_id AND f.store_id = :store_id
      AND f.returned + v.qty <= f.fulfilled
    RETURNING f.order_line_id
    """
)
_RELEASE = text(
    """
    UPDATE order_line_fulfillments f SET returned = f.returned - v.qty
    FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS int[])) AS v(line_id, qty)
    WHERE f.order_line_id = v.line_id AND f.order_id = :order_id AND f.store_id = :store_id
    """
)


def _check(lines: Sequence[ReturnLineInput], note: str) -> None:
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
    if len(note) > 1000 or "\x00" in note:
        errors.append(
            DomainError(FulfillmentErrorCode.INVALID, "at most 1000 characters, no NUL", field="note")
        )
    if errors:
        raise DomainErrors(errors)


async def request_return(
    uow: UnitOfWork, order_id: uuid.UUID, lines: Sequence[ReturnLineInput], *, note: str = "", actor: str
) -> ReturnRequest:
    """A return of shipped units; QUANTITY_EXCEEDED when a line has fewer shipped, unreturned units."""
    _check(lines, note)
    try:
        order = await get_order(uow, order_id, lock=True)
    except DomainError as exc:
        raise DomainError(FulfillmentErrorCode.NOT_FOUND, exc.message, field="orderId") from None
    await ensure_counters(uow, order.id)
    params = {
        "ids": [x.order_line_id for x in lines],
        "qtys": [x.quantity for x in lines],
        "order_id": order.id,
        "store_id": uow.store_id,
    }
    done = {row[0] for row in await uow.session.execute(_RESERVE, params)}
    for i, line in enumerate(lines):
        if line.order_line_id not in done:
            raise DomainError(
                FulfillmentErrorCode.QUANTITY_EXCEEDED,
                "more units than have shipped and not yet been returned (or not a line of this order)",
                field=f"lines.{i}.quantity",
            )
    prices = {
        row.id: (row.total, row.quantity)
        for row in await uow.session.execute(
            select(OrderLine.id, OrderLine.total, OrderLine.quantity).where(OrderLine.order_id == order.id)
        )
    }
    # A unit's share of what the line cost after discounts; rounded down so a line's returns never
    # refund more than the line.
    amounts = [prices[x.order_line_id][0] * x.quantity // prices[x.order_line_id][1] for x in lines]
    count = await uow.session.scalar(select(func.count()).where(ReturnRequest.order_id == order.id))
    now = uow.clock()
    ret = ReturnRequest(
        id=uuid.uuid4(),
        order_id=order.id,
        reference=f"R{order.number}-{int(count or 0) + 1}",
        status=ReturnStatus.REQUESTED,
        note=note,
        decision_note="",
        currency=order.currency,
        refund_amount=sum(amounts),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(ret)
    await uow.session.flush()
    uow.session.add_all(
        ReturnLine(
            return_id=ret.id,
            order_line_id=x.order_line_id,
            quantity=x.quantity,
            reason=x.reason,
            restock=x.restock,
            amount=amount,
        )
        for x, amount in zip(lines, amounts, strict=True)
    )
    data = {
        **summary(ret),
        "lines": [
            {"order_line_id": str(x.order_line_id), "quantity": x.quantity, "reason": x.reason.value}
            for x in lines
        ],
    }
    record(
        uow, order.id, "return_requested", actor=actor, message=f"Return {ret.reference} requested", data=data
    )
    uow.emit(events.RETURN_REQUESTED, data)
    return ret


async def require_return(uow: UnitOfWork, return_id: uuid.UUID) -> ReturnRequest:
    ret = await uow.session.scalar(
        select(ReturnRequest).where(ReturnRequest.id == return_id).execution_options(populate_existing=True)
    )
    if ret is None:
        raise DomainError(FulfillmentErrorCode.NOT_FOUND, "no return with this id", field="id")
    return ret


async def _move(uow: UnitOfWork, return_id: uuid.UUID, target: ReturnStatus, **values: Any) -> ReturnRequest:
    moved = (
        await uow.session.scalars(
            update(ReturnRequest)
            .where(ReturnRequest.id == return_id, ReturnRequest.status.in_(SOURCES[target]))
            .values(status=target, updated_at=uow.clock(), **values)
            .returning(ReturnRequest)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    ).one_or_none()
    if moved is None:
        current = await require_return(uow, return_id)
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"a {current.status.value} return cannot become {target.value}",
            field="id",
        )
    return moved


async def _lines(uow: UnitOfWork, return_id: uuid.UUID) -> list[ReturnLine]:
    return list(
        (await uow.session.scalars(select(ReturnLine).where(ReturnLine.return_id == return_id))).all()
    )


async def decide_return(
    uow: UnitOfWork, return_id: uuid.UUID, *, approve: bool, note: str = "", actor: str
) -> ReturnRequest:
    """Approve or reject a requested return; rejecting gives its units back to the line's counters."""
    if len(note) > 1000 or "\x00" in note:
        raise DomainError(FulfillmentErrorCode.INVALID, "at most 1000 characters, no NUL", field="note")
    target = ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED
    ret = await _move(uow, return_id, target, decision_note=note)
    if not approve:
        lines = await _lines(uow, ret.id)
        await uow.session.execute(
            _RELEASE,
            {
                "ids": [x.order_line_id for x in lines],
                "qtys": [x.quantity for x in lines],
                "order_id": ret.order_id,
                "store_id": uow.store_id,
            },
        )
    record(
        uow,
        ret.order_id,
        f"return_{target.value}",
        actor=actor,
        message=note or f"Return {ret.reference} {target.value}",
        data=summary(ret),
    )
    uow.emit(EVENTS[target], summary(ret))
    return ret


async def receive_return(uow: UnitOfWork, return_id: uuid.UUID, *, actor: str) -> ReturnRequest:
    """The parcel is back: restockable units go on-hand (ledger `returned`) where the order took them."""
    ret = await _move(uow, return_id, ReturnStatus.RECEIVED)
    lines = [x for x in await _lines(uow, ret.id) if x.restock]
    allocations = (
        await uow.session.execute(
            select(
                OrderAllocation.order_line_id,
                OrderAllocation.variant_id,
                OrderAllocation.location,
                OrderAllocation.quantity,
            )
            .where(OrderAllocation.order_id == ret.order_id)
            .order_by(OrderAllocation.id)
        )
    ).all()
    back: list[Allocation] = []
    for line in lines:
        left = line.quantity
        for a in (a for a in allocations if a.order_line_id == line.order_line_id):
            take = min(left, a.quantity)
            if take:
                back.append(Allocation(0, a.variant_id, a.location, take))
                left -= take
    await restock(
        uow, back, reason=AdjustmentReason.RETURNED, reference=Reference("return", ret.id), actor=actor
    )
    restocked = sum(a.quantity for a in back)
    record(
        uow,
        ret.order_id,
        "return_received",
        actor=actor,
        message=f"Return {ret.reference} received; {restocked} units restocked",
        data={**summary(ret), "restocked": restocked},
    )
    uow.emit(events.RETURN_RECEIVED, {**summary(ret), "restocked": restocked})
    return ret


async def refund_return(
    uow: UnitOfWork, return_id: uuid.UUID, *, providers: Providers, actor: str
) -> ReturnRequest:
    """Refund a received return through the payments side (commits). Refunded already: answered as is."""
    ret = await require_return(uow, return_id)
    if ret.status is ReturnStatus.REFUNDED:
        return ret
    if ret.status is not ReturnStatus.RECEIVED:
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"a {ret.status.value} return cannot be refunded",
            field="id",
        )
    refund_id = None
    if ret.refund_amount > 0:
        attempt = await uow.session.scalar(
            select(PaymentAttempt)
            .where(PaymentAttempt.order_id == ret.order_id, PaymentAttempt.captured_amount > 0)
            .order_by(PaymentAttempt.created_at.desc())
            .limit(1)
        )
        if attempt is None:
            raise DomainError(
                FulfillmentErrorCode.NOT_REFUNDABLE, "the order has no captured payment to refund", field="id"
            )
        await uow.session.commit()  # end the reads: the payments side runs its own transactions
        refund = await create_refund(
            uow,
            RefundInput(
                attempt_id=attempt.id,
                amount=ret.refund_amount,
                key=f"return:{ret.id}",
                reason=f"Return {ret.reference}",
                actor=actor,
            ),
            providers=providers,
        )
        refund_id = refund.id
    ret = await _move(uow, return_id, ReturnStatus.REFUNDED, refund_id=refund_id)
    data = {**summary(ret), "refund_id": str(refund_id) if refund_id else None}
    record(
        uow,
        ret.order_id,
        "return_refunded",
        actor=actor,
        message=f"Return {ret.reference} refunded",
        data=data,
    )
    uow.emit(events.RETURN_REFUNDED, data)
    await uow.commit()
    return ret
