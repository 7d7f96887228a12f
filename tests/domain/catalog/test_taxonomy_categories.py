"""The category tree: materialised paths, one-statement subtree moves, cycles, positions and events."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.categories import (
    category_and_descendants,
    create_category,
    delete_category,
    ensure_category_path,
    move_category,
    reorder_categories,
    subtree_filter,
    update_category,
)
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryChanges, CategoryInput, CategoryMove
from domain.errors import DomainError
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import fetch, statements
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _create(store: StoreFixture, name: str, parent: uuid.UUID | None = None, **kw: object) -> Category:
    async with store.uow() as uow:
        category = await create_category(uow, CategoryInput(name=name, parent_id=parent, **kw))
        await uow.commit()
    return category


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
    assert await catalog_events(owner_engine, a) == [
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
    before = await catalog_events(owner_engine, a)

    with pytest.raises(DomainError) as err:
        await _create(a, "Other", slug="shirts")

    assert (err.value.code, err.value.field) == ("DUPLICATE_SLUG", "slug")
    assert len(await _rows(owner_engine, a)) == 3
    assert await catalog_events(owner_engine, a) == before


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
    assert [t for t, _ in await catalog_events(owner_engine, a)] == ["category.created"] * 3


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


async def _tree(store: StoreFixture) -> dict[str, Category]:
    """Men > Shirts > Formal > Slim, Men > Shoes, Women (roots Men, Women)."""
    men = await _create(store, "Men")
    shirts = await _create(store, "Shirts", men.id)
    formal = await _create(store, "Formal", shirts.id)
    slim = await _create(store, "Slim", formal.id)
    shoes = await _create(store, "Shoes", men.id)
    women = await _create(store, "Women")
    return {c.name: c for c in (men, shirts, formal, slim, shoes, women)}


async def test_deep_move_rewrites_the_subtree_in_one_statement(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given Men > Shirts > Formal > Slim and a root Women
    a = await make_store("a")
    t = await _tree(a)
    ids = {name: c.id for name, c in t.items()}

    # when Shirts (with its two levels below) moves under Women
    with statements(a.db.primary) as log:
        async with a.uow() as uow:
            moved = await move_category(uow, ids["Shirts"], CategoryMove(parent_id=ids["Women"]))
            await uow.commit()

    # then one UPDATE rewrote the paths and depths of all three rows
    (rewrite,) = [s for s in log if "UPDATE categories" in s and "path=" in s]
    assert "categories.path ~>=~" in rewrite and "starts_with(categories.path" in rewrite
    rows = await _rows(owner_engine, a)
    w, s, f, sl = ids["Women"], ids["Shirts"], ids["Formal"], ids["Slim"]
    assert (rows["Shirts"]["path"], rows["Shirts"]["depth"], rows["Shirts"]["parent_id"]) == (
        f"/{w}/{s}/",
        1,
        w,
    )
    assert (rows["Formal"]["path"], rows["Formal"]["depth"]) == (f"/{w}/{s}/{f}/", 2)
    assert (rows["Slim"]["path"], rows["Slim"]["depth"]) == (f"/{w}/{s}/{f}/{sl}/", 3)
    assert (
        rows["Men"]["path"] == f"/{ids['Men']}/" and rows["Shoes"]["path"] == f"/{ids['Men']}/{ids['Shoes']}/"
    )
    assert (moved.path, moved.depth, moved.parent_id) == (f"/{w}/{s}/", 1, w)
    # and Shoes closed the gap Shirts left under Men
    assert rows["Shoes"]["position"] == 0 and rows["Shirts"]["position"] == 0
    assert (await catalog_events(owner_engine, a))[-1] == ("category.updated", {"id": str(s)})

    # and "Women and everything below" is one prefix query
    async with a.uow() as uow:
        below = await category_and_descendants(uow, w)
    assert [c.name for c in below] == ["Women", "Shirts", "Formal", "Slim"]


async def test_moving_to_the_root_and_deeper_levels(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    t = await _tree(a)

    async with a.uow() as uow:
        await move_category(uow, t["Formal"].id, CategoryMove(parent_id=None, position=0))
        await uow.commit()

    rows = await _rows(owner_engine, a)
    assert (rows["Formal"]["path"], rows["Formal"]["depth"], rows["Formal"]["position"]) == (
        f"/{t['Formal'].id}/",
        0,
        0,
    )
    assert rows["Slim"]["path"] == f"/{t['Formal'].id}/{t['Slim'].id}/" and rows["Slim"]["depth"] == 1
    assert [rows[n]["position"] for n in ("Formal", "Men", "Women")] == [0, 1, 2]


async def test_the_subtree_prefix_query_can_use_the_path_index(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given a store with thousands of categories (with a handful the planner rightly scans them all)
    a = await make_store("a")
    t = await _tree(a)
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "WITH n AS (SELECT gen_random_uuid() AS id, i FROM generate_series(1, 5000) i) "
                "INSERT INTO categories (id, store_id, name, slug, description, position, depth, path) "
                "SELECT id, :s, 'c' || i, 'c-' || i, '', i, 0, '/' || id || '/' FROM n"
            ),
            {"s": a.id},
        )
        await conn.execute(text("ANALYZE categories"))
    query = select(Category.id).where(Category.store_id == a.id, subtree_filter(t["Men"].path))
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))

    # when the app role plans it under row-level security
    async with a.uow() as uow:
        plan = "\n".join((await uow.session.execute(text(f"EXPLAIN {sql}"))).scalars().all())
        found = (await uow.session.execute(text(sql))).scalars().all()

    # then it is a range scan on the path index, and it finds exactly Men's subtree
    assert "Index Cond" in plan and "ix_categories_path" in plan and "~>=~" in plan
    assert set(found) == {t[n].id for n in ("Men", "Shirts", "Formal", "Slim", "Shoes")}


@pytest.mark.parametrize("target", ["Shirts", "Formal", "Slim"])
async def test_moving_under_itself_or_a_descendant_is_a_cycle(
    make_store: MakeStore, owner_engine: AsyncEngine, target: str
) -> None:
    a = await make_store("a")
    t = await _tree(a)
    before_rows, before_events = await _rows(owner_engine, a), await catalog_events(owner_engine, a)

    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await move_category(uow, t["Shirts"].id, CategoryMove(parent_id=t[target].id))

    assert (err.value.code, err.value.field) == ("CYCLE", "parentId")
    assert await _rows(owner_engine, a) == before_rows
    assert await catalog_events(owner_engine, a) == before_events


async def test_unknown_or_foreign_parent_is_invalid_parent(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    t = await _tree(a)
    foreign = await _create(b, "Elsewhere")
    before = await _rows(owner_engine, a)

    for parent in (uuid.uuid4(), foreign.id):
        async with a.uow() as uow:
            with pytest.raises(DomainError) as err:
                await move_category(uow, t["Shirts"].id, CategoryMove(parent_id=parent))
        assert (err.value.code, err.value.field) == ("INVALID_PARENT", "parentId")
        with pytest.raises(DomainError) as err:
            await _create(a, "Orphan", parent)
        assert err.value.code == "INVALID_PARENT"

    assert await _rows(owner_engine, a) == before
    # and store B's category cannot be moved, renamed or deleted from store A
    async with a.uow() as uow:
        for call in (
            move_category(uow, foreign.id, CategoryMove(parent_id=None)),
            update_category(uow, foreign.id, CategoryChanges(name="Taken")),
            delete_category(uow, foreign.id),
        ):
            with pytest.raises(DomainError) as err:
                await call
            assert err.value.code == "NOT_FOUND"
    assert (await _rows(owner_engine, b))["Elsewhere"]["path"] == f"/{foreign.id}/"


async def test_reorder_sets_sibling_positions(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    t = await _tree(a)
    extra = await _create(a, "Bags", t["Men"].id)

    async with a.uow() as uow:
        await reorder_categories(uow, t["Men"].id, [extra.id, t["Shoes"].id, t["Shirts"].id])
        await uow.commit()

    rows = await _rows(owner_engine, a)
    assert [rows[n]["position"] for n in ("Bags", "Shoes", "Shirts")] == [0, 1, 2]
    assert {d["id"] for e, d in await catalog_events(owner_engine, a) if e == "category.updated"} == {
        str(i) for i in (extra.id, t["Shirts"].id)
    }

    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await reorder_categories(uow, t["Men"].id, [extra.id, t["Shoes"].id])
    assert (err.value.code, err.value.field) == ("INVALID", "ids")


async def test_create_at_a_position_shifts_later_siblings(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    t = await _tree(a)
    await _create(a, "Kids", position=1)
    await _create(a, "Baby", position=99)
    rows = await _rows(owner_engine, a)
    assert [rows[n]["position"] for n in ("Men", "Kids", "Women", "Baby")] == [0, 1, 2, 3]
    assert t["Women"].position == 1


async def test_delete_refuses_a_parent_and_uncategorises_products(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    t = await _tree(a)
    product = await add_product(a, category_id=t["Shoes"].id)

    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await delete_category(uow, t["Men"].id)
    assert (err.value.code, err.value.field) == ("HAS_CHILDREN", "id")
    assert len(await _rows(owner_engine, a)) == 6

    async with a.uow() as uow:
        await delete_category(uow, t["Shoes"].id)
        await uow.commit()

    assert "Shoes" not in await _rows(owner_engine, a)
    (row,) = await fetch(owner_engine, "SELECT category_id FROM products WHERE id = :p", p=product.id)
    assert row["category_id"] is None
    assert (await catalog_events(owner_engine, a))[-1] == ("category.deleted", {"id": str(t["Shoes"].id)})


async def test_update_renames_and_refuses_a_taken_slug(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    t = await _tree(a)

    async with a.uow() as uow:
        await update_category(uow, t["Men"].id, CategoryChanges(name="পুরুষ", description="সব পোশাক"))
        await uow.commit()
    async with a.uow() as uow:
        with pytest.raises(DomainError) as err:
            await update_category(uow, t["Men"].id, CategoryChanges(name="Changed", slug="women"))

    assert (err.value.code, err.value.field) == ("DUPLICATE_SLUG", "slug")
    row = (await _rows(owner_engine, a))["পুরুষ"]
    assert (row["slug"], row["path"]) == ("men", f"/{t['Men'].id}/")


async def test_nesting_is_bounded(make_store: MakeStore) -> None:
    a = await make_store("a")
    async with a.uow() as uow:
        deepest = await ensure_category_path(uow, [f"L{i}" for i in range(10)])
        await uow.commit()
    assert deepest.depth == 9
    with pytest.raises(DomainError) as err:
        await _create(a, "Too deep", deepest.id)
    assert err.value.code == "INVALID_PARENT"


async def test_concurrent_crossing_moves_cannot_make_a_loop(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given two sibling roots
    a = await make_store("a")
    left, right = await _create(a, "Left"), await _create(a, "Right")

    async def move(child: Category, parent: Category) -> None:
        async with a.uow() as uow:
            await move_category(uow, child.id, CategoryMove(parent_id=parent.id))
            await asyncio.sleep(0.05)  # hold the transaction open so the other move queues behind it
            await uow.commit()

    # when each is moved under the other at the same time
    results = await asyncio.gather(move(left, right), move(right, left), return_exceptions=True)

    # then exactly one wins and the other sees the cycle
    failures = [r for r in results if isinstance(r, DomainError)]
    assert len(failures) == 1 and failures[0].code == "CYCLE"
    rows = await _rows(owner_engine, a)
    winner_moved = left if isinstance(results[1], DomainError) else right
    root = right if winner_moved is left else left
    assert rows[root.name]["parent_id"] is None
    assert rows[winner_moved.name]["path"] == f"/{root.id}/{winner_moved.id}/"
