"""Cross-store matrix for the catalog admin mutations: store B's admin, holding every permission, gets
NOT_FOUND for store A's ids and store A's rows and outbox stay as they were."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fixtures.catalog_admin import (
    BUNDLE_SET,
    OPTIONS_SET,
    PRICES_SET,
    STOCK_SET,
    VARIANT_DELETE,
    VARIANT_UPDATE,
    call,
    codes,
    new_product,
    new_variant,
)
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore

MEDIA_CREATE = """
mutation M($id: ID!, $input: ProductMediaCreateInput!) {
  productMediaCreate(productId: $id, input: $input) { media { id } errors { field code } }
}"""
MEDIA_DELETE = "mutation M($id: ID!) { productMediaDelete(id: $id) { deletedId errors { field code } } }"
VALUES_SET = """
mutation V($id: ID!, $values: [AttributeValueInput!]!) {
  productAttributeValuesSet(productId: $id, values: $values) { product { id } errors { field code } }
}"""
ATTRIBUTE_CREATE = """
mutation A($input: AttributeCreateInput!) {
  attributeCreate(input: $input) { attribute { id } errors { code } }
}"""
ATTRIBUTE_DELETE = "mutation A($id: ID!) { attributeDelete(id: $id) { deletedId errors { field code } } }"
VARIANT_CREATE = """
mutation V($id: ID!) {
  productVariantCreate(productId: $id, input: {sku: "B-1"}) { variant { id } errors { field code } }
}"""

TABLES = (
    "products",
    "product_variants",
    "product_options",
    "product_media",
    "variant_prices",
    "stock_levels",
)


async def _rows(engine: AsyncEngine) -> dict[str, list[Any]]:
    return {t: [dict(r) for r in await fetch(engine, f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}


async def test_store_b_gets_not_found_for_every_store_a_id(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    product = await new_product(client, a.admin, title="A's")
    variant = await new_variant(client, a.admin, product["id"], "A-1")
    image = await call(
        client, a.admin, MEDIA_CREATE, {"id": product["id"], "input": {"url": "https://x.test/a.jpg"}}
    )
    attribute = await call(
        client, a.admin, ATTRIBUTE_CREATE, {"input": {"code": "c", "name": "C", "kind": "TEXT"}}
    )
    b_product = await new_product(client, b.admin, title="B's")
    before = await _rows(owner_engine)
    a_events = await outbox(owner_engine, a.id)
    attempts: list[tuple[str, dict[str, Any], tuple[str, str]]] = [
        (
            OPTIONS_SET,
            {"id": product["id"], "options": [{"name": "S", "values": ["x"]}]},
            ("productId", "NOT_FOUND"),
        ),
        (VARIANT_CREATE, {"id": product["id"]}, ("productId", "NOT_FOUND")),
        (VARIANT_UPDATE, {"id": variant["id"], "input": {"sku": "MINE"}}, ("id", "NOT_FOUND")),
        (VARIANT_DELETE, {"id": variant["id"]}, ("id", "NOT_FOUND")),
        (
            PRICES_SET,
            {"id": variant["id"], "prices": [{"currency": "BDT", "amount": 1}]},
            ("variantId", "NOT_FOUND"),
        ),
        (STOCK_SET, {"id": variant["id"], "input": {"onHand": 0}}, ("variantId", "NOT_FOUND")),
        (BUNDLE_SET, {"id": product["id"], "items": []}, ("productId", "NOT_FOUND")),
        (
            BUNDLE_SET,
            {"id": b_product["id"], "items": [{"variantId": variant["id"], "quantity": 1}]},
            ("items.0.variantId", "NOT_FOUND"),
        ),
        (
            MEDIA_CREATE,
            {"id": product["id"], "input": {"url": "https://x.test/b.jpg"}},
            ("productId", "NOT_FOUND"),
        ),
        (MEDIA_DELETE, {"id": image["media"]["id"]}, ("id", "NOT_FOUND")),
        (
            VALUES_SET,
            {"id": b_product["id"], "values": [{"attributeId": attribute["attribute"]["id"], "value": "x"}]},
            ("values.0.attributeId", "NOT_FOUND"),
        ),
        (ATTRIBUTE_DELETE, {"id": attribute["attribute"]["id"]}, ("id", "NOT_FOUND")),
    ]

    for document, variables, expected in attempts:
        payload = await call(client, b.admin, document, variables)
        assert codes(payload) == [expected], (document, variables)

    assert await _rows(owner_engine) == before
    assert await outbox(owner_engine, a.id) == a_events
