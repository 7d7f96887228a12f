"""The category tree: materialised paths, one-statement subtree moves, cycles, positions and events."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.categories import (
    category_and_descendants,
    create_category,
    delete_category,
    ensure_category_path,
    move_category,
    reorder_categories,
    update_category,
)
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryChanges, CategoryInput, CategoryMove
from domain.errors import DomainError
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _create(store: StoreFixture, name: str, parent: uuid.UUID | None = None, **kw: object) -> Category:
    async with store.uow() as uow:
        category = await create_category(uow, CategoryInput(name=name, parent_id=parent, **kw))
        await uow.commit()
    return category


async def _events(engine: AsyncEngine, store: StoreFixture) -> list[tuple[str, object]]:
    return [
        (e["type"], e["data"]) for e in await outbox(engine, store.id) if not e["type"].startswith("api_")
    ]


async def _rows(engine: AsyncEngine, store: StoreFixture) -> dict[str, dict[str, object]]:
    rows = await fetch(
        engine,
        "SELECT name, slug, parent_id, position, depth, path FROM categories WHERE store_id = :s",
        s=store.id,
    )
    return {r["name"]: dict(r) for r in rows}


async def test_create_builds_path_depth_slug_and_event(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")

    men = await _create(a, "Men")
    shirts = await _create(a, "Shirts", men.id)
    formal = await _create(a, "Formal Shirts", shirts.id)

    rows = await _rows(owner_engine, a)
    assert rows["Men"]["path"] == f"/{men.id}/" and rows["Men"]["depth"] == 0
    assert rows["Shirts"]["path"] == f"/{men.id}/{shirts.id}/" and rows["Shirts"]["depth"] == 1
    assert rows["Formal Shirts"] == {
        "name": "Formal Shirts",
        "slug": "formal-shirts",
        "parent_id": shirts.id,
        "position": 0,
        "depth": 2,
        "path": f"/{men.id}/{shirts.id}/{formal.id}/",
    }
    assert await _events(owner_engine, a) == [
        ("category.created", {"id": str(c.id)}) for c in (men, shirts, formal)
    ]


async def test_generated_slugs_are_unique_and_a_given_duplicate_is_refused(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    first = await _create(a, "Shirts")
    second = await _create(a, "shirts!")
    bengali = await _create(a, "শার্ট")
    assert (first.slug, second.slug, bengali.slug) == ("shirts", "shirts-2", "শার্ট")
    before = await outbox(owner_engine, a.id)

    with pytest.raises(DomainError) as err:
        await _create(a, "Other", slug="shirts")

    assert (err.value.code, err.value.field) == ("DUPLICATE_SLUG", "slug")
    assert len(await _rows(owner_engine, a)) == 3
    assert await outbox(owner_engine, a.id) == before


async def test_ensure_category_path_finds_or_creates_each_level(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    men = await _create(a, "Men")

    async with a.uow() as uow:
        formal = await ensure_category_path(uow, ["men", " Shirts ", "Formal"])
        await uow.commit()
    async with a.uow() as uow:
        again = await ensure_category_path(uow, ["MEN", "shirts", "formal"])
        await uow.commit()

    rows = await _rows(owner_engine, a)
    assert set(rows) == {"Men", "Shirts", "Formal"}
    assert again.id == formal.id
    assert rows["Formal"]["path"] == f"/{men.id}/{rows['Shirts']['path'].split('/')[2]}/{formal.id}/"
    assert rows["Formal"]["depth"] == 2
    assert [t for t, _ in await _events(owner_engine, a)] == ["category.created"] * 3


async def test_ensure_category_path_rejects_blank_names(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    for names in ([], ["Men", "  "]):
        async with a.uow() as uow:
            with pytest.raises(DomainError) as err:
                await ensure_category_path(uow, names)
        assert err.value.code == "INVALID"
    assert await _rows(owner_engine, a) == {}
