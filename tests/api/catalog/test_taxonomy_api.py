"""Category mutations over GraphQL: payloads, global ids, permissions and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import decode_global_id, encode_global_id
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

CATEGORY = "category { id name slug position depth } errors { field code message }"
CREATE = f"""mutation C($input: CategoryCreateInput!) {{ categoryCreate(input: $input) {{ {CATEGORY} }} }}"""
UPDATE = f"""mutation U($id: ID!, $input: CategoryUpdateInput!) {{
  categoryUpdate(id: $id, input: $input) {{ {CATEGORY} }} }}"""
MOVE = f"""mutation M($id: ID!, $parentId: ID, $position: Int) {{
  categoryMove(id: $id, parentId: $parentId, position: $position) {{ {CATEGORY} }} }}"""
MOVE_KEEP_PARENT = f"""mutation M($id: ID!, $position: Int) {{
  categoryMove(id: $id, position: $position) {{ {CATEGORY} }} }}"""
REORDER = """mutation R($parentId: ID, $ids: [ID!]!) {
  categoryReorder(parentId: $parentId, ids: $ids) { categories { name position } errors { field code } } }"""
DELETE = """mutation D($id: ID!) { categoryDelete(id: $id) { deletedId errors { field code } } }"""


def _uuid(node: dict[str, Any]) -> uuid.UUID:
    value = decode_global_id(node["id"], "Category")
    assert value is not None
    return value


async def _create(client: Any, store: StoreFixture, name: str, parent: str | None = None) -> dict[str, Any]:
    res = await gql(client, store.admin, CREATE, {"input": {"name": name, "parentId": parent}})
    payload = res.json()["data"]["categoryCreate"]
    assert payload["errors"] == [], payload
    return payload["category"]


async def _tree_rows(engine: AsyncEngine, store: StoreFixture) -> list[dict[str, Any]]:
    rows = await fetch(
        engine,
        "SELECT name, parent_id, position, depth, path FROM categories WHERE store_id = :s ORDER BY path",
        s=store.id,
    )
    return [dict(r) for r in rows]


async def test_build_move_reorder_and_delete_a_tree(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    men = await _create(client, a, "Men")
    shirts = await _create(client, a, "Shirts", men["id"])
    formal = await _create(client, a, "Formal", shirts["id"])
    women = await _create(client, a, "Women")
    assert (formal["slug"], formal["depth"], women["position"]) == ("formal", 2, 1)

    # a move under Women takes Formal along
    res = await gql(client, a.admin, MOVE, {"id": shirts["id"], "parentId": women["id"]})
    assert res.json()["data"]["categoryMove"]["category"]["depth"] == 1
    rows = {r["name"]: r for r in await _tree_rows(owner_engine, a)}
    assert rows["Formal"]["depth"] == 2 and rows["Formal"]["path"].startswith(rows["Women"]["path"])

    # omitting parentId keeps the parent; an explicit null moves to the root
    res = await gql(client, a.admin, MOVE_KEEP_PARENT, {"id": women["id"], "position": 0})
    assert res.json()["data"]["categoryMove"]["category"] == {**women, "position": 0}
    res = await gql(client, a.admin, MOVE, {"id": formal["id"], "parentId": None})
    assert res.json()["data"]["categoryMove"]["category"]["depth"] == 0

    res = await gql(
        client, a.admin, REORDER, {"parentId": None, "ids": [men["id"], formal["id"], women["id"]]}
    )
    assert res.json()["data"]["categoryReorder"] == {
        "categories": [
            {"name": "Men", "position": 0},
            {"name": "Formal", "position": 1},
            {"name": "Women", "position": 2},
        ],
        "errors": [],
    }

    res = await gql(client, a.admin, DELETE, {"id": women["id"]})
    assert res.json()["data"]["categoryDelete"] == {
        "deletedId": None,
        "errors": [{"field": "id", "code": "HAS_CHILDREN"}],
    }
    res = await gql(client, a.admin, DELETE, {"id": formal["id"]})
    assert res.json()["data"]["categoryDelete"] == {"deletedId": formal["id"], "errors": []}
    assert [t for t, _ in await catalog_events(owner_engine, a)].count("category.created") == 4


async def test_cycle_and_bad_input_change_nothing(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    men = await _create(client, a, "Men")
    shirts = await _create(client, a, "Shirts", men["id"])
    before_rows, before_events = await _tree_rows(owner_engine, a), await catalog_events(owner_engine, a)

    cases = [
        (MOVE, {"id": men["id"], "parentId": shirts["id"]}, "categoryMove", [("parentId", "CYCLE")]),
        (MOVE, {"id": men["id"], "parentId": men["id"]}, "categoryMove", [("parentId", "CYCLE")]),
        (
            MOVE,
            {"id": men["id"], "parentId": encode_global_id("Product", _uuid(men))},
            "categoryMove",
            [("parentId", "INVALID_PARENT")],
        ),
        (CREATE, {"input": {"name": "  "}}, "categoryCreate", [("name", "INVALID")]),
        (CREATE, {"input": {"name": "Kids", "slug": "Not A Slug"}}, "categoryCreate", [("slug", "INVALID")]),
        (CREATE, {"input": {"name": "Kids", "slug": "men"}}, "categoryCreate", [("slug", "DUPLICATE_SLUG")]),
        (CREATE, {"input": {"name": "Kids", "position": -1}}, "categoryCreate", [("position", "INVALID")]),
        (UPDATE, {"id": men["id"], "input": {"name": None}}, "categoryUpdate", [("name", "INVALID")]),
        (UPDATE, {"id": "nonsense", "input": {"name": "X"}}, "categoryUpdate", [("id", "NOT_FOUND")]),
        (REORDER, {"parentId": None, "ids": []}, "categoryReorder", [("ids", "INVALID")]),
        (REORDER, {"parentId": "garbage", "ids": []}, "categoryReorder", [("parentId", "INVALID_PARENT")]),
        (
            CREATE,
            {"input": {"name": "Kids", "parentId": "garbage"}},
            "categoryCreate",
            [("parentId", "INVALID_PARENT")],
        ),
    ]
    for query, variables, name, expected in cases:
        res = await gql(client, a.admin, query, variables)
        errors = res.json()["data"][name]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == expected, (variables, errors)

    assert await _tree_rows(owner_engine, a) == before_rows
    assert await catalog_events(owner_engine, a) == before_events


async def test_another_stores_category_is_not_found_and_scope_is_required(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    theirs = await _create(client, b, "Theirs")
    mine = await _create(client, a, "Mine")
    before = await _tree_rows(owner_engine, b)

    for query, variables, name in (
        (UPDATE, {"id": theirs["id"], "input": {"name": "Taken"}}, "categoryUpdate"),
        (MOVE, {"id": theirs["id"], "parentId": None}, "categoryMove"),
        (DELETE, {"id": theirs["id"]}, "categoryDelete"),
    ):
        res = await gql(client, a.admin, query, variables)
        errors = res.json()["data"][name]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("id", "NOT_FOUND")]
    res = await gql(client, a.admin, CREATE, {"input": {"name": "Child", "parentId": theirs["id"]}})
    assert [e["code"] for e in res.json()["data"]["categoryCreate"]["errors"]] == ["INVALID_PARENT"]
    assert await _tree_rows(owner_engine, b) == before

    reader = await a.token(TokenKind.ADMIN, ["catalog:read"], "reader")
    res = await gql(client, reader, UPDATE, {"id": mine["id"], "input": {"name": "Nope"}})
    assert res.json()["data"] is None
    assert [e["extensions"]["code"] for e in res.json()["errors"]] == ["FORBIDDEN"]
    assert [r["name"] for r in await _tree_rows(owner_engine, a)] == ["Mine"]


async def test_products_in_a_deleted_category_stay(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    shoes = await _create(client, a, "Shoes")
    product = await add_product(a, category_id=_uuid(shoes))
    res = await gql(client, a.admin, DELETE, {"id": shoes["id"]})
    assert res.json()["data"]["categoryDelete"]["errors"] == []
    (row,) = await fetch(owner_engine, "SELECT category_id FROM products WHERE id = :p", p=product.id)
    assert row["category_id"] is None
