"""Collection mutations over GraphQL: rule errors with their paths, membership, isolation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import encode_global_id
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore, gql

COLLECTION = "collection { id name slug kind rules } errors { field code message }"
CREATE = (
    f"mutation C($input: CollectionCreateInput!) {{ collectionCreate(input: $input) {{ {COLLECTION} }} }}"
)
UPDATE = f"""mutation U($id: ID!, $input: CollectionUpdateInput!) {{
  collectionUpdate(id: $id, input: $input) {{ {COLLECTION} }} }}"""
ADD = f"""mutation A($id: ID!, $ids: [ID!]!) {{
  collectionAddProducts(id: $id, productIds: $ids) {{ {COLLECTION} }} }}"""
REMOVE = f"""mutation R($id: ID!, $ids: [ID!]!) {{
  collectionRemoveProducts(id: $id, productIds: $ids) {{ {COLLECTION} }} }}"""
REORDER = f"""mutation O($id: ID!, $moves: [CollectionProductMoveInput!]!) {{
  collectionReorderProducts(id: $id, moves: $moves) {{ {COLLECTION} }} }}"""
DELETE = "mutation D($id: ID!) { collectionDelete(id: $id) { deletedId errors { field code } } }"


def _pid(product: Any) -> str:
    return encode_global_id("Product", product.id)


async def test_manual_collection_membership(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    p = [await add_product(a, f"P{i}") for i in range(3)]
    res = await gql(client, a.admin, CREATE, {"input": {"name": "ঈদ কালেকশন"}})
    created = res.json()["data"]["collectionCreate"]
    assert created["errors"] == []
    collection = created["collection"]
    assert (collection["slug"], collection["kind"], collection["rules"]) == ("ঈদ-কালেকশন", "MANUAL", {})

    res = await gql(client, a.admin, ADD, {"id": collection["id"], "ids": [_pid(x) for x in p]})
    assert res.json()["data"]["collectionAddProducts"]["errors"] == []
    res = await gql(client, a.admin, REMOVE, {"id": collection["id"], "ids": [_pid(p[0])]})
    assert res.json()["data"]["collectionRemoveProducts"]["errors"] == []
    res = await gql(
        client,
        a.admin,
        REORDER,
        {"id": collection["id"], "moves": [{"productId": _pid(p[2]), "position": 0}]},
    )
    assert res.json()["data"]["collectionReorderProducts"]["errors"] == []

    rows = await fetch(owner_engine, "SELECT product_id FROM collection_products ORDER BY position")
    assert [r["product_id"] for r in rows] == [p[2].id, p[1].id]
    updates = [d for t, d in await catalog_events(owner_engine, a) if t == "collection.updated"]
    assert [d.get("product_ids") for d in updates] == [[str(x.id) for x in p], [str(p[0].id)], None]

    res = await gql(client, a.admin, DELETE, {"id": collection["id"]})
    assert res.json()["data"]["collectionDelete"] == {"deletedId": collection["id"], "errors": []}
    assert await count(owner_engine, "collection_products") == 0


async def test_rule_errors_come_back_with_their_paths(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    rules = {
        "match": "every",
        "conditions": [
            {"field": "tag", "op": "eq", "value": "eid"},
            {"field": "price", "op": "contains", "value": 100, "currency": "BDT"},
        ],
    }
    res = await gql(client, a.admin, CREATE, {"input": {"name": "Eid", "kind": "RULES", "rules": rules}})
    errors = res.json()["data"]["collectionCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("rules.match", "INVALID_RULE"),
        ("rules.conditions.1.op", "INVALID_RULE"),
    ]
    assert await count(owner_engine, "collections") == 0
    assert await catalog_events(owner_engine, a) == []

    rules["match"] = "all"
    rules["conditions"][1]["op"] = "lt"  # type: ignore[index]
    res = await gql(client, a.admin, CREATE, {"input": {"name": "Eid", "kind": "RULES", "rules": rules}})
    collection = res.json()["data"]["collectionCreate"]["collection"]
    assert collection["rules"] == rules

    product = await add_product(a)
    res = await gql(client, a.admin, ADD, {"id": collection["id"], "ids": [_pid(product)]})
    assert [(e["field"], e["code"]) for e in res.json()["data"]["collectionAddProducts"]["errors"]] == [
        ("id", "INVALID")
    ]
    res = await gql(client, a.admin, UPDATE, {"id": collection["id"], "input": {"rules": {"match": "all"}}})
    assert [(e["field"], e["code"]) for e in res.json()["data"]["collectionUpdate"]["errors"]] == [
        ("rules.conditions", "INVALID_RULE")
    ]
    assert await count(owner_engine, "collection_products") == 0


async def test_another_stores_collection_and_products(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    theirs = (await gql(client, b.admin, CREATE, {"input": {"name": "Theirs"}})).json()["data"][
        "collectionCreate"
    ]
    mine = (await gql(client, a.admin, CREATE, {"input": {"name": "Mine"}})).json()["data"][
        "collectionCreate"
    ]
    their_product = await add_product(b)

    res = await gql(client, a.admin, DELETE, {"id": theirs["collection"]["id"]})
    assert res.json()["data"]["collectionDelete"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    res = await gql(client, a.admin, ADD, {"id": mine["collection"]["id"], "ids": [_pid(their_product)]})
    assert [(e["field"], e["code"]) for e in res.json()["data"]["collectionAddProducts"]["errors"]] == [
        ("productIds.0", "NOT_FOUND")
    ]
    assert await count(owner_engine, "collections", b.id) == 1
    assert await count(owner_engine, "collection_products") == 0
