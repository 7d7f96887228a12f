from sqlalchemy import update

from domain.catalog import events
from domain.catalog.models import Brand, Product, ProductStatus, VariantPrice
from domain.catalog.read_model import products_affected
from domain.events.envelope import EventEnvelope
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore
from workers.consumers import consumers
from workers.handlers import dispatch


async def _emit(cat: Catalog, type_: str, data: dict, change=None) -> EventEnvelope:
    """Change rows and emit the event in one unit of work, then read the event back from the outbox."""
    async with cat.store.uow() as uow:
        if change is not None:
            await uow.session.execute(change)
        envelope = uow.emit(type_, data)
        await uow.commit()
    return envelope


async def _outbox_envelope(owner_engine, event_id) -> EventEnvelope:
    (row,) = await fetch(owner_engine, "SELECT * FROM outbox_events WHERE id = :i", i=event_id)
    return EventEnvelope(
        id=row["id"],
        type=row["type"],
        store_id=row["store_id"],
        occurred_at=row["occurred_at"],
        version=row["version"],
        data=row["data"],
        correlation_id=row["correlation_id"],
    )


async def test_price_event_through_dispatch_rebuilds_the_summary_once(
    make_store: MakeStore, db, owner_engine
) -> None:
    cat = Catalog(await make_store())
    p = await cat.product("Lamp", variants=[VariantSpec("L1", {"BDT": 5000}, on_hand=1)])
    (v,) = await cat.variants_of(p)
    sent = await _emit(
        cat,
        events.PRICE_UPDATED,
        {"id": str(v.id), "product_ids": [str(p.id)]},
        update(VariantPrice).where(VariantPrice.variant_id == v.id).values(amount=4200),
    )
    envelope = await _outbox_envelope(owner_engine, sent.id)

    # the read model first, then the purge of what it made stale, then the webhooks that announce it
    assert await dispatch(db, envelope, consumers) == ["catalog.read_model", "cache.purge", "webhooks.fanout"]
    assert await dispatch(db, envelope, consumers) == []
    rows = await fetch(
        owner_engine, "SELECT min_amount FROM product_summary_prices WHERE product_id = :p", p=p.id
    )
    assert [r["min_amount"] for r in rows] == [4200]


async def test_brand_event_resolves_to_the_brand_products(make_store: MakeStore, db, owner_engine) -> None:
    cat = Catalog(await make_store())
    brand = await cat.brand("Walton")
    a = await cat.product("Fridge", brand=brand)
    b = await cat.product("Fan", brand=brand)
    sent = await _emit(
        cat,
        events.BRAND_UPDATED,
        {"id": str(brand.id)},
        update(Brand).where(Brand.id == brand.id).values(name="Walton Hi-Tech"),
    )

    await dispatch(db, await _outbox_envelope(owner_engine, sent.id), consumers)

    rows = await fetch(owner_engine, "SELECT DISTINCT product_id, brand_name FROM product_summaries")
    assert {(r["product_id"], r["brand_name"]) for r in rows} == {
        (a.id, "Walton Hi-Tech"),
        (b.id, "Walton Hi-Tech"),
    }


async def test_category_event_covers_descendants_and_translation_event_its_entity(
    make_store: MakeStore, db, owner_engine
) -> None:
    cat = Catalog(await make_store())
    root = await cat.category("Home")
    leaf = await cat.category("Kitchen", root)
    p = await cat.product("Pan", category=leaf)
    other = await cat.product("Pen")
    async with cat.store.uow() as uow:
        affected = await products_affected(uow, events.CATEGORY_UPDATED, {"id": str(root.id)})
    assert affected == [p.id]
    await cat.translate("product", p.id, "bn", title="কড়াই")
    sent = await _emit(
        cat,
        events.TRANSLATION_UPDATED,
        {
            "id": str(p.id),
            "entity_type": "product",
            "entity_id": str(p.id),
            "locale": "bn",
            "product_ids": [str(p.id)],
        },
    )
    await dispatch(db, await _outbox_envelope(owner_engine, sent.id), consumers)
    rows = await fetch(
        owner_engine, "SELECT title FROM product_summaries WHERE locale = 'bn' AND product_id = :p", p=p.id
    )
    assert [r["title"] for r in rows] == ["কড়াই"]
    del other


async def test_product_status_change_is_kept_for_listings_to_filter(
    make_store: MakeStore, db, owner_engine
) -> None:
    cat = Catalog(await make_store())
    p = await cat.product("Kettle")
    sent = await _emit(
        cat,
        events.PRODUCT_UPDATED,
        {"id": str(p.id)},
        update(Product).where(Product.id == p.id).values(status=ProductStatus.ARCHIVED),
    )
    await dispatch(db, await _outbox_envelope(owner_engine, sent.id), consumers)
    rows = await fetch(
        owner_engine, "SELECT DISTINCT status::text AS s FROM product_summaries WHERE product_id = :p", p=p.id
    )
    assert [r["s"] for r in rows] == ["archived"]


async def test_rule_collection_event_reaches_every_product_of_the_store(
    make_store: MakeStore, db, owner_engine
) -> None:
    cat = Catalog(await make_store())
    eid = await cat.product("Panjabi", tags=["eid"])
    plain = await cat.product("Socks")
    rules = {"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "eid"}]}
    collection = await cat.collection("Eid", rules=rules)
    sent = await _emit(cat, events.COLLECTION_CREATED, {"id": str(collection.id)})

    await dispatch(db, await _outbox_envelope(owner_engine, sent.id), consumers)

    rows = await fetch(owner_engine, "SELECT DISTINCT product_id, collection_ids FROM product_summaries")
    assert {r["product_id"]: r["collection_ids"] for r in rows} == {eid.id: [collection.id], plain.id: []}
