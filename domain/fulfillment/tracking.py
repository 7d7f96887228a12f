"""Recording courier reports: once each, whatever number of times the courier sends them, and onto the
order: the report is linked to its shipment (by courier and consignment), moves the shipment's courier
status, goes on the order's timeline, and a delivery settles cash on delivery (domain/fulfillment/cod.py)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from domain.errors import DomainError
from domain.fulfillment import events
from domain.fulfillment.cancellation import CANCELLABLE, CancelSource, mark_cancelled
from domain.fulfillment.cod import collected_of, flag_mismatch, reconcile
from domain.fulfillment.courier_accounts import require_account
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.couriers.webhooks import TrackingUpdate
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import Shipment, ShipmentStatus, TrackingEvent
from domain.fulfillment.shipments import require_shipment
from domain.orders.timeline import record
from domain.uow import UnitOfWork

# Courier statuses that move our own shipment status (the rest only update the courier status).
_SHIPMENT_STATUS = {
    TrackingStatus.DELIVERED: ShipmentStatus.DELIVERED,
    TrackingStatus.PARTIALLY_DELIVERED: ShipmentStatus.DELIVERED,
    TrackingStatus.RETURNED: ShipmentStatus.RETURNED,
}


@dataclass(frozen=True)
class Recorded:
    event_id: uuid.UUID
    shipment_id: uuid.UUID | None


async def record_update(uow: UnitOfWork, update_: TrackingUpdate, *, currency: str) -> Recorded | None:
    """Insert the report unless the same report is already stored (then None: nothing changes, nothing is
    emitted). The insert is the check: concurrent deliveries of one report cannot both get through."""
    now = uow.clock()
    event_id = uuid.uuid4()
    inserted = await uow.session.scalar(
        insert(TrackingEvent)
        .values(
            id=event_id,
            store_id=uow.store_id,
            provider=update_.provider,
            consignment_id=update_.consignment_id,
            reference=update_.reference,
            status=update_.status,
            raw_status=update_.raw_status[:100],
            message=update_.message,
            occurred_at=update_.occurred_at or now,
            received_at=now,
            collected_amount=update_.collected.amount if update_.collected else None,
            delivery_fee=update_.delivery_fee.amount if update_.delivery_fee else None,
            currency=currency,
            dedupe_key=update_.dedupe_key,
            payload=update_.payload,
            shipment_id=None,
        )
        .on_conflict_do_nothing(index_elements=["store_id", "provider", "dedupe_key"])
        .returning(TrackingEvent.id)
    )
    if inserted is None:
        return None
    # Locked: two reports of one parcel (delivered, then paid) settle cash one after the other.
    shipment = await uow.session.scalar(
        select(Shipment)
        .where(Shipment.provider == update_.provider, Shipment.consignment_id == update_.consignment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    data = {
        "tracking_event_id": str(event_id),
        "provider": str(update_.provider),
        "consignment_id": update_.consignment_id,
        "status": str(update_.status),
        "raw_status": update_.raw_status,
        "shipment_id": str(shipment.id) if shipment else None,
        "order_id": str(shipment.order_id) if shipment else None,
    }
    shipment_id = shipment.id if shipment else None
    if shipment is not None:
        await _apply(uow, shipment, update_, event_id)
    uow.emit(events.SHIPMENT_TRACKING_UPDATED, data)
    return Recorded(event_id=event_id, shipment_id=shipment_id)


async def _apply(uow: UnitOfWork, shipment: Shipment, update_: TrackingUpdate, event_id: uuid.UUID) -> None:
    actor = f"courier:{update_.provider}"
    values: dict[str, object] = {"updated_at": uow.clock()}
    if update_.status is not TrackingStatus.UNKNOWN:
        values["courier_status"] = update_.status
        values["courier_raw_status"] = update_.raw_status[:100]
    target = _SHIPMENT_STATUS.get(update_.status)
    if target is not None and shipment.status in (ShipmentStatus.BOOKED, ShipmentStatus.DELIVERED):
        values["status"] = target
        if target is ShipmentStatus.DELIVERED and shipment.delivered_at is None:
            values["delivered_at"] = update_.occurred_at or uow.clock()
    if update_.delivery_fee is not None:
        values["delivery_fee"] = update_.delivery_fee.amount
    await uow.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await uow.session.execute(
        update(TrackingEvent)
        .where(TrackingEvent.id == event_id)
        .values(shipment_id=shipment.id)
        .execution_options(synchronize_session=False)
    )
    record(
        uow,
        shipment.order_id,
        "courier_status",
        actor=actor,
        message=update_.message or f"{update_.provider}: {update_.raw_status}",
        data={
            "shipment_id": str(shipment.id),
            "tracking_event_id": str(event_id),
            "status": str(update_.status),
            "raw_status": update_.raw_status,
        },
    )
    # Only a shipment that moved to delivered: a cancelled one stays cancelled (and its cash is flagged).
    if values.get("status") is ShipmentStatus.DELIVERED and shipment.status is not ShipmentStatus.DELIVERED:
        uow.emit(
            events.SHIPMENT_DELIVERED,
            {"id": str(shipment.id), "order_id": str(shipment.order_id), "status": str(update_.status)},
        )
    if update_.status is TrackingStatus.CANCELLED and shipment.status in CANCELLABLE:
        await _cancelled_by_courier(uow, shipment, update_, actor)
    # Cash is reconciled from the courier's own reports: a polled status carries no collected amount.
    if update_.status.collects_cash and not update_.payload.get("polled"):
        if shipment.status is ShipmentStatus.CANCELLED:
            reason = "the courier reported delivering a cancelled shipment"
            await flag_mismatch(uow, shipment, reason, actor, collected_of(shipment, update_))
        else:
            await reconcile(uow, shipment, update_, actor=actor)


async def _cancelled_by_courier(
    uow: UnitOfWork, shipment: Shipment, update_: TrackingUpdate, actor: str
) -> None:
    """The courier cancelled the parcel: the same cancel as staff's (units back, order reopened, event),
    in a savepoint, so a cancel that cannot apply (a closed order, units in a return) leaves the report
    recorded and nothing else moved."""
    reason = update_.message or f"{update_.provider}: {update_.raw_status}"
    try:
        async with uow.session.begin_nested():
            await mark_cancelled(
                uow, shipment.id, actor=actor, reason=reason[:500], source=CancelSource.COURIER
            )
    except DomainError:
        pass


async def refresh_tracking(
    uow: UnitOfWork, shipment_id: uuid.UUID, *, adapter_of: Any, currency: str
) -> Recorded | None:
    """Ask the courier for the parcel's status (for a webhook that never came) and record it like a
    report: the same status seen again is the same report (deduplicated), so polling is idempotent."""
    shipment = await require_shipment(uow, shipment_id)
    if shipment.provider is None or shipment.consignment_id is None:
        raise DomainError(
            FulfillmentErrorCode.INVALID_TRANSITION, "the shipment has no consignment", field="id"
        )
    account = await require_account(uow, shipment.provider)
    adapter = adapter_of(account)
    provider, consignment_id = shipment.provider, shipment.consignment_id
    await uow.session.commit()  # no transaction held across the courier's answer
    snapshot = await adapter.track(consignment_id)
    update_ = TrackingUpdate(
        provider=provider,
        consignment_id=consignment_id,
        reference=shipment.reference,
        status=snapshot.status,
        raw_status=snapshot.raw_status,
        message=snapshot.history[-1].message if snapshot.history else "",
        occurred_at=None,
        collected=None,
        delivery_fee=None,
        dedupe_key=hashlib.sha256(f"poll\x1f{consignment_id}\x1f{snapshot.raw_status}".encode()).hexdigest(),
        payload={"polled": True, "raw_status": snapshot.raw_status},
    )
    recorded = await record_update(uow, update_, currency=currency)
    if recorded is not None:
        await uow.commit()
    return recorded
