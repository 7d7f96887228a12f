"""Manual collections: adding, removing and reordering products, with the products in the events."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.collections import (
    add_collection_products,
    create_collection,
    delete_collection,
    remove_collection_products,
    reorder_collection_products,
)
from domain.catalog.models import Collection, CollectionKind
from domain.catalog.taxonomy_inputs import CollectionInput
from domain.errors import DomainError, DomainErrors
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import fetch, statements
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _collection(store: StoreFixture, name: str = "Eid Picks", **kw: object) -> Collection:
    async with store.uow() as uow:
        collection = await create_collection(uow, CollectionInput(name=name, **kw))
        await uow.commit()
    return collection


async def _members(engine: AsyncEngine, collection: Collection) -> list[uuid.UUID]:
    rows = await fetch(
        engine,
        "SELECT product_id FROM collection_products WHERE collection_id = :c ORDER BY position",
        c=collection.id,
    )
    return [r["product_id"] for r in rows]


async def test_add_appends_in_order_and_skips_listed_products(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    p1, p2, p3 = [await add_product(a, f"P{i}") for i in range(3)]
    collection = await _collection(a)
    assert collection.slug == "eid-picks"

    async with a.uow() as uow:
        await add_collection_products(uow, collection.id, [p2.id, p1.id])
        await uow.commit()
    async with a.uow() as uow:
        await add_collection_products(uow, collection.id, [p1.id, p3.id])
        await uow.commit()

    assert await _members(owner_engine, collection) == [p2.id, p1.id, p3.id]
    assert (await catalog_events(owner_engine, a))[-2:] == [
        ("collection.updated", {"id": str(collection.id), "product_ids": [str(p2.id), str(p1.id)]}),
        ("collection.updated", {"id": str(collection.id), "product_ids": [str(p3.id)]}),
    ]


async def test_unknown_or_foreign_products_are_not_found_and_nothing_is_added(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    mine = await add_product(a)
    theirs = await add_product(b)
    collection = await _collection(a)
    before = await catalog_events(owner_engine, a)

    async with a.uow() as uow:
        with pytest.raises(DomainErrors) as err:
            await add_collection_products(uow, collection.id, [mine.id, theirs.id, uuid.uuid4()])

    assert [(e.code, e.field) for e in err.value.errors] == [
        ("NOT_FOUND", "productIds.1"),
        ("NOT_FOUND", "productIds.2"),
    ]
    assert await _members(owner_engine, collection) == []
    assert await catalog_events(owner_engine, a) == before


async def test_a_rule_based_collection_takes_no_products(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await add_product(a)
    rules = {"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "eid"}]}
    collection = await _collection(a, "Eid", kind=CollectionKind.RULES, rules=rules)

    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await add_collection_products(uow, collection.id, [product.id])

    assert (err.value.code, err.value.field) == ("INVALID", "id")
    assert await _members(owner_engine, collection) == []


async def test_remove_and_reorder(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    p = [await add_product(a, f"P{i}") for i in range(4)]
    collection = await _collection(a)
    async with a.uow() as uow:
        await add_collection_products(uow, collection.id, [x.id for x in p])
        await uow.commit()

    async with a.uow() as uow:
        await remove_collection_products(uow, collection.id, [p[1].id, uuid.uuid4()])
        await uow.commit()
    assert await _members(owner_engine, collection) == [p[0].id, p[2].id, p[3].id]
    assert (await catalog_events(owner_engine, a))[-1] == (
        "collection.updated",
        {"id": str(collection.id), "product_ids": [str(p[1].id)]},
    )

    async with a.uow() as uow:
        await reorder_collection_products(uow, collection.id, [(p[3].id, 0), (p[0].id, 99)])
        await uow.commit()
    assert await _members(owner_engine, collection) == [p[3].id, p[2].id, p[0].id]
    positions = await fetch(
        owner_engine,
        "SELECT position FROM collection_products WHERE collection_id = :c ORDER BY 1",
        c=collection.id,
    )
    assert [r["position"] for r in positions] == [0, 1, 2]

    async with a.uow() as uow:
        with pytest.raises(DomainErrors) as err:
            await reorder_collection_products(uow, collection.id, [(p[0].id, 0), (p[1].id, 0)])
    assert [(e.code, e.field) for e in err.value.errors] == [("NOT_FOUND", "moves.1.productId")]
    assert await _members(owner_engine, collection) == [p[3].id, p[2].id, p[0].id]


async def test_delete_names_the_listed_products(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await add_product(a)
    collection = await _collection(a)
    async with a.uow() as uow:
        await add_collection_products(uow, collection.id, [product.id])
        await uow.commit()

    async with a.uow() as uow:
        await delete_collection(uow, collection.id)
        await uow.commit()

    assert await fetch(owner_engine, "SELECT 1 FROM collections WHERE id = :c", c=collection.id) == []
    assert await fetch(owner_engine, "SELECT 1 FROM products WHERE id = :p", p=product.id) != []
    assert (await catalog_events(owner_engine, a))[-1] == (
        "collection.deleted",
        {"id": str(collection.id), "product_ids": [str(product.id)]},
    )


async def test_slugs_and_tenancy(make_store: MakeStore) -> None:
    a, b = await make_store("a"), await make_store("b")
    first = await _collection(a, "Eid")
    second = await _collection(a, "eid")
    elsewhere = await _collection(b, "Eid")
    assert (first.slug, second.slug, elsewhere.slug) == ("eid", "eid-2", "eid")
    with pytest.raises(DomainError) as err:
        await _collection(a, "Other", slug="eid")
    assert (err.value.code, err.value.field) == ("DUPLICATE_SLUG", "slug")
    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await delete_collection(uow, elsewhere.id)
    assert (err.value.code, err.value.field) == ("NOT_FOUND", "id")


async def test_adding_many_products_costs_the_same_statements_as_one(make_store: MakeStore) -> None:
    a = await make_store("a")
    products = [await add_product(a, f"P{i}") for i in range(40)]
    one, many = await _collection(a, "One"), await _collection(a, "Many")

    counts = []
    for collection, batch in ((one, products[:1]), (many, products)):
        with statements(a.db.primary) as log:
            async with a.uow() as uow:
                await add_collection_products(uow, collection.id, [p.id for p in batch])
                await uow.commit()
        counts.append(len(log))

    assert counts[0] == counts[1]
