"""The product read model consumer: every catalog event rebuilds the summaries of the products it touches."""

from __future__ import annotations

from domain.catalog import events
from domain.catalog.read_model import products_affected, refresh_products
from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork
from workers.handlers import consumers

BATCH = 500

CATALOG_EVENTS = (
    events.PRODUCT_CREATED,
    events.PRODUCT_UPDATED,
    events.PRODUCT_DELETED,
    events.VARIANT_CREATED,
    events.VARIANT_UPDATED,
    events.VARIANT_DELETED,
    events.MEDIA_CHANGED,
    events.PRICE_UPDATED,
    events.STOCK_UPDATED,
    events.CATEGORY_CREATED,
    events.CATEGORY_UPDATED,
    events.CATEGORY_DELETED,
    events.BRAND_CREATED,
    events.BRAND_UPDATED,
    events.BRAND_DELETED,
    events.COLLECTION_CREATED,
    events.COLLECTION_UPDATED,
    events.COLLECTION_DELETED,
    events.ATTRIBUTE_CHANGED,
    events.TRANSLATION_UPDATED,
    events.REVIEW_SUBMITTED,
    events.REVIEW_MODERATED,
)


@consumers.register("catalog.read_model", *CATALOG_EVENTS)
async def refresh_read_model(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    ids = await products_affected(uow, envelope.type, envelope.data)
    for start in range(0, len(ids), BATCH):
        await refresh_products(uow, ids[start : start + BATCH])
