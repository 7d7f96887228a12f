"""Recording courier reports: once each, whatever number of times the courier sends them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert

from domain.fulfillment import events
from domain.fulfillment.couriers.webhooks import TrackingUpdate
from domain.fulfillment.models import TrackingEvent
from domain.uow import UnitOfWork


@dataclass(frozen=True)
class Recorded:
    event_id: uuid.UUID
    shipment_id: uuid.UUID | None


async def record_update(uow: UnitOfWork, update: TrackingUpdate, *, currency: str) -> Recorded | None:
    """Insert the report unless the same report is already stored (then None: nothing changes, nothing is
    emitted). The insert is the check: concurrent deliveries of one report cannot both get through."""
    now = uow.clock()
    event_id = uuid.uuid4()
    inserted = await uow.session.scalar(
        insert(TrackingEvent)
        .values(
            id=event_id,
            store_id=uow.store_id,
            provider=update.provider,
            consignment_id=update.consignment_id,
            reference=update.reference,
            status=update.status,
            raw_status=update.raw_status[:100],
            message=update.message,
            occurred_at=update.occurred_at or now,
            received_at=now,
            collected_amount=update.collected.amount if update.collected else None,
            delivery_fee=update.delivery_fee.amount if update.delivery_fee else None,
            currency=currency,
            dedupe_key=update.dedupe_key,
            payload=update.payload,
            shipment_id=None,
        )
        .on_conflict_do_nothing(index_elements=["store_id", "provider", "dedupe_key"])
        .returning(TrackingEvent.id)
    )
    if inserted is None:
        return None
    uow.emit(
        events.SHIPMENT_TRACKING_UPDATED,
        {
            "tracking_event_id": str(event_id),
            "provider": str(update.provider),
            "consignment_id": update.consignment_id,
            "status": str(update.status),
            "raw_status": update.raw_status,
            "shipment_id": None,
        },
    )
    return Recorded(event_id=event_id, shipment_id=None)
