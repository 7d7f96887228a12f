"""Batch reads of shipments for the admin API: a fixed number of statements whatever the count."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.fulfillment.models import Shipment, ShipmentLine, TrackingEvent


@dataclass(frozen=True)
class ShipmentView:
    shipment: Shipment
    lines: list[ShipmentLine]
    tracking: list[TrackingEvent]


async def shipments_of_order(session: AsyncSession, order_id: uuid.UUID) -> list[ShipmentView]:
    """The order's shipments, oldest first, each with its lines and its courier reports (3 statements)."""
    shipments = list(
        (
            await session.scalars(
                select(Shipment)
                .where(Shipment.order_id == order_id)
                .order_by(Shipment.created_at, Shipment.id)
            )
        ).all()
    )
    if not shipments:
        return []
    ids = [s.id for s in shipments]
    lines: dict[uuid.UUID, list[ShipmentLine]] = defaultdict(list)
    for line in (await session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id.in_(ids)))).all():
        lines[line.shipment_id].append(line)
    tracking: dict[uuid.UUID, list[TrackingEvent]] = defaultdict(list)
    reports = await session.scalars(
        select(TrackingEvent)
        .where(TrackingEvent.shipment_id.in_(ids))
        .order_by(TrackingEvent.occurred_at, TrackingEvent.received_at)
    )
    for report in reports.all():
        if report.shipment_id is not None:
            tracking[report.shipment_id].append(report)
    return [ShipmentView(s, lines[s.id], tracking[s.id]) for s in shipments]
