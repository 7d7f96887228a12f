"""Loaders record the response-cache tags of what a request read, in the names the catalog events purge."""

import uuid

from redis.asyncio import Redis

from domain.access.principal import resolve_token
from domain.catalog import events
from domain.db import Database
from gateway.documents import DocumentPreparer
from gateway.settings import Settings
from persisted_queries.manifest import load_documents
from resolvers.context import Context
from schema import schema
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.tenancy import MakeStore


async def _run(db: Database, redis: Redis, token: str, name: str, variables: dict) -> tuple[dict, set[str]]:
    async with db.primary.connect() as conn:
        principal = await resolve_token(conn, token)
    assert principal is not None
    ctx = Context(
        request_id="t",
        principal=principal,
        db=db,
        redis=redis,
        documents=DocumentPreparer(schema._schema, Settings()),
    )
    body = next(d.body for d in load_documents() if d.name == name)
    result = await schema.execute(body, variable_values=variables, context_value=ctx)
    assert result.errors is None, result.errors
    return result.data or {}, ctx.cache_tags


async def test_product_page_tags_are_purged_by_every_event_that_changes_it(
    make_store: MakeStore, db: Database, redis: Redis
) -> None:
    store = await make_store()
    cat = Catalog(store)
    brand = await cat.brand("Bata")
    root = await cat.category("Shoes")
    leaf = await cat.category("Boots", root)
    p = await cat.product(
        "Boot", slug="boot", brand=brand, category=leaf, variants=[VariantSpec("B1", {"BDT": 1})]
    )
    collection = await cat.collection("Picks", products=[p])
    await cat.refresh(p.id)

    _, tags = await _run(db, redis, store.storefront, "ProductPage", {"slug": "boot"})

    pid = str(p.id)
    changes = [
        (events.PRODUCT_UPDATED, {"id": pid}),
        (events.PRICE_UPDATED, {"id": str(uuid.uuid4()), "product_ids": [pid]}),
        (events.STOCK_UPDATED, {"id": str(uuid.uuid4()), "product_ids": [pid]}),
        (events.MEDIA_CHANGED, {"id": str(uuid.uuid4()), "product_ids": [pid]}),
        (events.REVIEW_MODERATED, {"id": str(uuid.uuid4()), "product_ids": [pid]}),
        (events.BRAND_UPDATED, {"id": str(brand.id)}),
        (events.CATEGORY_UPDATED, {"id": str(root.id)}),
        (events.CATEGORY_UPDATED, {"id": str(leaf.id)}),
        (events.COLLECTION_UPDATED, {"id": str(collection.id)}),
        (
            events.TRANSLATION_UPDATED,
            {
                "id": "x",
                "entity_type": "brand",
                "entity_id": str(brand.id),
                "locale": "bn",
                "product_ids": [],
            },
        ),
    ]
    for event_type, data in changes:
        assert events.cache_tags(event_type, data) & tags, (event_type, tags)


async def test_listing_is_tagged_products_and_unrelated_product_events_do_not_hit_a_page(
    make_store: MakeStore, db: Database, redis: Redis
) -> None:
    store = await make_store()
    cat = Catalog(store)
    await cat.product("Boot", slug="boot")
    other = await cat.product("Hat", slug="hat")

    _, listing = await _run(db, redis, store.storefront, "ProductListing", {})
    _, page = await _run(db, redis, store.storefront, "ProductPage", {"slug": "boot"})

    assert events.LISTINGS in listing
    # A price change of another product purges listings, never this product's page.
    assert not events.cache_tags(events.PRICE_UPDATED, {"id": "v", "product_ids": [str(other.id)]}) & page
