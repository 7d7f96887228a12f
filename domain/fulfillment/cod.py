"""Cash on delivery: what a courier reports collecting, reconciled against what each shipment was to collect.

A shipment matches when the courier's collected amount equals its `cod_amount`. When every COD shipment of
the order has matched, their sum is captured through the payments side (`capture_cod`, which checks it
against the order's pending COD payment). Anything else — a different amount, no amount on a delivery
report, a capture the payments side refuses — is a mismatch: recorded on the order's timeline, flagged to
the store's staff, emitted as `shipment.cod_mismatch`, and nothing is captured.

RedX's webhook carries no amount: a RedX delivery counts as collecting exactly what was booked (its
cash collection amount), which is the courier's contract for a full delivery.
"""

from __future__ import annotations

from sqlalchemy import select, update

from domain.errors import DomainError
from domain.fulfillment import events
from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.couriers.webhooks import TrackingUpdate
from domain.fulfillment.models import CodReconciliation, Shipment, ShipmentStatus
from domain.money import Money
from domain.notifications.services import notify
from domain.orders.timeline import record
from domain.payments.services import capture_cod
from domain.uow import UnitOfWork


def collected_of(shipment: Shipment, update_: TrackingUpdate) -> Money | None:
    if update_.collected is not None:
        return update_.collected
    if shipment.provider is CourierProvider.REDX and update_.status is TrackingStatus.DELIVERED:
        return Money(shipment.cod_amount, shipment.currency)
    return None


async def flag_mismatch(
    uow: UnitOfWork, shipment: Shipment, reason: str, actor: str, collected: Money | None
) -> None:
    """Record that the cash reported is not what was due (timeline, staff notification, event)."""
    await uow.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id)
        .values(reconciliation=CodReconciliation.MISMATCH, updated_at=uow.clock())
        .execution_options(synchronize_session=False)
    )
    data = {
        "shipment_id": str(shipment.id),
        "order_id": str(shipment.order_id),
        "due": shipment.cod_amount,
        "collected": collected.amount if collected else None,
        "currency": shipment.currency,
        "reason": reason,
    }
    record(uow, shipment.order_id, "cod_mismatch", actor=actor, message=reason, data=data)
    await notify(
        uow,
        kind="cod_mismatch",
        title=f"Cash on delivery mismatch on shipment {shipment.reference}",
        body=reason,
        data=data,
    )
    uow.emit(events.SHIPMENT_COD_MISMATCH, data)


async def reconcile(uow: UnitOfWork, shipment: Shipment, update_: TrackingUpdate, *, actor: str) -> None:
    """Called with the shipment row locked, for a report on which the courier says it collected cash."""
    if shipment.reconciliation is not CodReconciliation.AWAITING:
        return  # nothing to collect, or already settled: a later report changes nothing
    collected = collected_of(shipment, update_)
    if collected is None:
        await flag_mismatch(
            uow, shipment, "the courier reported a delivery without a collected amount", actor, None
        )
        return
    await uow.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id)
        .values(collected_amount=collected.amount, updated_at=uow.clock())
        .execution_options(synchronize_session=False)
    )
    due = Money(shipment.cod_amount, shipment.currency)
    if collected != due:
        await flag_mismatch(uow, shipment, f"collected {collected}, due {due}", actor, collected)
        return
    await uow.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id)
        .values(reconciliation=CodReconciliation.MATCHED)
        .execution_options(synchronize_session=False)
    )
    others = (
        await uow.session.execute(
            select(Shipment.reconciliation, Shipment.cod_amount).where(
                Shipment.order_id == shipment.order_id,
                Shipment.id != shipment.id,
                Shipment.cod_amount > 0,
                Shipment.status != ShipmentStatus.CANCELLED,
            )
        )
    ).all()
    if any(o.reconciliation is not CodReconciliation.MATCHED for o in others):
        record(
            uow,
            shipment.order_id,
            "cod_collected",
            actor=actor,
            message=f"{collected} collected; other shipments still to collect",
            data={
                "shipment_id": str(shipment.id),
                "amount": collected.amount,
                "currency": collected.currency,
            },
        )
        return
    total = Money(collected.amount + sum(o.cod_amount for o in others), collected.currency)
    try:
        await capture_cod(uow, shipment.order_id, total)
    except DomainError as exc:
        await flag_mismatch(
            uow, shipment, f"the collected cash could not be captured: {exc.message}", actor, collected
        )
        return
    record(
        uow,
        shipment.order_id,
        "cod_collected",
        actor=actor,
        message=f"{total} collected and captured",
        data={"shipment_id": str(shipment.id), "amount": total.amount, "currency": total.currency},
    )
