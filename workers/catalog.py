"""The product read model consumer: every catalog event rebuilds the summaries of the products it touches."""

from __future__ import annotations

from domain.catalog import events
from domain.catalog.read_model import products_affected, refresh_products
from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork
from workers.handlers import consumers

BATCH = 500

CATALOG_EVENTS = events.ALL


@consumers.register("catalog.read_model", *CATALOG_EVENTS)
async def refresh_read_model(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    ids = await products_affected(uow, envelope.type, envelope.data)
    for start in range(0, len(ids), BATCH):
        await refresh_products(uow, ids[start : start + BATCH])
