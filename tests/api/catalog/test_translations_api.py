"""Translation mutations over GraphQL: the entity is named by its global id; Bengali in, Bengali out."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import encode_global_id
from tests.fixtures.catalog_rows import add_brand, add_product, add_variant, catalog_events
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore, gql

FIELDS = "translation { locale title descriptionHtml seoTitle name description } errors { field code }"
SET = f"""mutation S($id: ID!, $locale: String!, $input: TranslationInput!) {{
  translationSet(id: $id, locale: $locale, input: $input) {{ {FIELDS} }} }}"""
REMOVE = f"""mutation R($id: ID!, $locale: String!, $fields: [TranslatableField!]) {{
  translationRemove(id: $id, locale: $locale, fields: $fields) {{ {FIELDS} }} }}"""


async def test_set_and_remove_a_product_translation(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a", locales=("en", "bn"))
    product = await add_product(a, "Panjabi")
    pid = encode_global_id("Product", product.id)

    res = await gql(
        client,
        a.admin,
        SET,
        {
            "id": pid,
            "locale": "bn",
            "input": {"title": "পাঞ্জাবি", "descriptionHtml": "<b>সুতি</b><img src=x onerror=y>"},
        },
    )

    assert res.json()["data"]["translationSet"] == {
        "translation": {
            "locale": "bn",
            "title": "পাঞ্জাবি",
            "descriptionHtml": '<b>সুতি</b><img src="x">',
            "seoTitle": None,
            "name": None,
            "description": None,
        },
        "errors": [],
    }
    res = await gql(client, a.admin, REMOVE, {"id": pid, "locale": "bn", "fields": ["DESCRIPTION_HTML"]})
    assert res.json()["data"]["translationRemove"]["translation"]["descriptionHtml"] is None
    res = await gql(client, a.admin, REMOVE, {"id": pid, "locale": "bn"})
    assert res.json()["data"]["translationRemove"] == {"translation": None, "errors": []}
    assert await count(owner_engine, "translations") == 0
    assert [
        d["product_ids"] for t, d in await catalog_events(owner_engine, a) if t == "translation.updated"
    ] == [[str(product.id)]] * 3


async def test_variant_and_brand_ids_pick_their_entity(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await add_product(a)
    variant = await add_variant(a, product)
    brand = await add_brand(a)

    res = await gql(
        client,
        a.admin,
        SET,
        {"id": encode_global_id("ProductVariant", variant.id), "locale": "bn", "input": {"title": "লাল"}},
    )
    assert res.json()["data"]["translationSet"]["errors"] == []
    res = await gql(
        client,
        a.admin,
        SET,
        {"id": encode_global_id("Brand", brand.id), "locale": "bn", "input": {"name": "আড়ং"}},
    )
    assert res.json()["data"]["translationSet"]["errors"] == []
    rows = await fetch(owner_engine, "SELECT entity_type, fields FROM translations ORDER BY entity_type")
    assert [(r["entity_type"], r["fields"]) for r in rows] == [
        ("brand", {"name": "আড়ং"}),
        ("variant", {"title": "লাল"}),
    ]


async def test_errors_change_nothing(client: Any, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a, b = await make_store("a"), await make_store("b")
    product = await add_product(a)
    theirs = await add_product(b)
    brand = await add_brand(a)
    pid = encode_global_id("Product", product.id)

    cases = [
        ({"id": pid, "locale": "fr", "input": {"title": "x"}}, [("locale", "UNSUPPORTED_LOCALE")]),
        (
            {"id": encode_global_id("Product", theirs.id), "locale": "bn", "input": {"title": "x"}},
            [("id", "NOT_FOUND")],
        ),
        (
            {"id": encode_global_id("Brand", brand.id), "locale": "bn", "input": {"seoTitle": "x"}},
            [("fields.seoTitle", "INVALID")],
        ),
        (
            {"id": encode_global_id("Review", product.id), "locale": "bn", "input": {"title": "x"}},
            [("id", "NOT_FOUND")],
        ),
        ({"id": pid, "locale": "bn", "input": {}}, [("fields", "REQUIRED")]),
    ]
    for variables, expected in cases:
        res = await gql(client, a.admin, SET, variables)
        errors = res.json()["data"]["translationSet"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == expected, variables

    assert await count(owner_engine, "translations") == 0
    assert await catalog_events(owner_engine, a) == []
