"""productCreate / productUpdate / productDelete and product types over GraphQL: validation in the payload
with nothing changed, events with the data contract, and store isolation."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import decode_global_id, encode_global_id
from tests.fixtures.catalog_admin import (
    PRICES_SET,
    PRODUCT_CREATE,
    PRODUCT_DELETE,
    PRODUCT_UPDATE,
    call,
    codes,
    events,
    new_product,
    new_variant,
)
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.tenancy import MakeStore, gql

TYPE_CREATE = """
mutation T($n: String!) { productTypeCreate(name: $n) { productType { id name } errors { field code } } }"""
TYPE_UPDATE = """
mutation T($id: ID!, $n: String!) {
  productTypeUpdate(id: $id, name: $n) { productType { id name } errors { field code } }
}"""
TYPE_DELETE = "mutation T($id: ID!) { productTypeDelete(id: $id) { deletedId errors { field code } } }"
BRAND_CREATE = """
mutation B($input: BrandCreateInput!) {
  brandCreate(input: $input) { brand { id slug } errors { field code } }
}"""


async def test_create_makes_a_bengali_slug_cleans_html_and_tags_and_emits_the_event(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    brand = (await call(client, a.admin, BRAND_CREATE, {"input": {"name": "Aarong"}}))["brand"]
    ptype = (await call(client, a.admin, TYPE_CREATE, {"n": "Saree"}))["productType"]

    payload = await call(
        client,
        a.admin,
        PRODUCT_CREATE,
        {
            "input": {
                "title": "জামদানি শাড়ি (লাল)",
                "descriptionHtml": '<p onclick="x()">হাতে বোনা <script>alert(1)</script><b>খাঁটি</b></p>',
                "status": "ACTIVE",
                "seoTitle": "Jamdani",
                "tags": [" Eid ", "eid", "Gift  Ideas", ""],
                "brandId": brand["id"],
                "productTypeId": ptype["id"],
                "publishedAt": "2026-11-01T10:00:00+06:00",
            }
        },
    )

    assert payload["errors"] == []
    product = payload["product"]
    assert product["slug"] == "জামদানি-শাড়ি-লাল"
    assert product["descriptionHtml"] == "<p>হাতে বোনা <b>খাঁটি</b></p>"
    assert product["tags"] == ["eid", "gift ideas"]
    assert product["status"] == "ACTIVE"
    assert product["publishedAt"] == "2026-11-01T04:00:00+00:00"
    pid = decode_global_id(product["id"], "Product")
    (row,) = await fetch(owner_engine, "SELECT * FROM products WHERE id = :i", i=pid)
    assert row["store_id"] == a.id
    assert row["brand_id"] == decode_global_id(brand["id"], "Brand")
    assert row["product_type_id"] == decode_global_id(ptype["id"], "ProductType")
    assert await events(owner_engine, "product.") == [
        ("product.created", {"id": str(pid), "product_ids": [str(pid)]})
    ]


async def test_a_generated_slug_that_is_taken_gets_a_number_but_an_explicit_one_is_refused(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    first = await new_product(client, a.admin, title="Blue Shirt")
    second = await new_product(client, a.admin, title="Blue  shirt!")
    assert (first["slug"], second["slug"]) == ("blue-shirt", "blue-shirt-2")
    before = await outbox(owner_engine, a.id)

    payload = await call(client, a.admin, PRODUCT_CREATE, {"input": {"title": "Other", "slug": "Blue Shirt"}})

    assert payload["product"] is None
    assert codes(payload) == [("slug", "DUPLICATE_SLUG")]
    assert await count(owner_engine, "products", a.id) == 2
    assert await outbox(owner_engine, a.id) == before


async def test_create_rejects_bad_input_and_changes_nothing(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    b_brand = (await call(client, b.admin, BRAND_CREATE, {"input": {"name": "B brand"}}))["brand"]
    before = await outbox(owner_engine, a.id)
    cases = [
        ({"title": "   "}, ("title", "INVALID")),
        ({"title": "x" * 301}, ("title", "INVALID")),
        ({"title": "ok", "slug": "!!!"}, ("slug", "INVALID")),
        ({"title": "ok", "brandId": b_brand["id"]}, ("brandId", "NOT_FOUND")),
        ({"title": "ok", "categoryId": encode_global_id("Category", a.id)}, ("categoryId", "NOT_FOUND")),
        ({"title": "ok", "productTypeId": "not-an-id"}, ("productTypeId", "NOT_FOUND")),
        ({"title": "ok", "publishedAt": "2026-11-01T10:00:00"}, ("publishedAt", "INVALID")),
    ]
    for fields, expected in cases:
        payload = await call(client, a.admin, PRODUCT_CREATE, {"input": fields})
        assert payload["product"] is None, fields
        assert codes(payload) == [expected], fields
    assert await count(owner_engine, "products") == 0
    assert await outbox(owner_engine, a.id) == before


async def test_update_changes_only_given_fields_and_null_clears_a_reference(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    brand = (await call(client, a.admin, BRAND_CREATE, {"input": {"name": "Aarong"}}))["brand"]
    product = await new_product(client, a.admin, title="Panjabi", brandId=brand["id"], tags=["eid"])

    payload = await call(
        client,
        a.admin,
        PRODUCT_UPDATE,
        {"id": product["id"], "input": {"title": "Cotton Panjabi", "brandId": None, "status": "ARCHIVED"}},
    )

    assert payload["errors"] == []
    updated = payload["product"]
    assert (updated["title"], updated["slug"], updated["status"], updated["tags"]) == (
        "Cotton Panjabi",
        "panjabi",
        "ARCHIVED",
        ["eid"],
    )
    pid = decode_global_id(product["id"], "Product")
    (row,) = await fetch(owner_engine, "SELECT brand_id FROM products WHERE id = :i", i=pid)
    assert row["brand_id"] is None
    assert (await events(owner_engine, "product."))[-1] == (
        "product.updated",
        {"id": str(pid), "product_ids": [str(pid)]},
    )

    # a null slug remakes it from the (new) title
    payload = await call(client, a.admin, PRODUCT_UPDATE, {"id": product["id"], "input": {"slug": None}})
    assert payload["product"]["slug"] == "cotton-panjabi"


async def test_update_to_a_taken_slug_or_a_null_title_changes_nothing(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    await new_product(client, a.admin, title="One")
    two = await new_product(client, a.admin, title="Two")
    before = await fetch(owner_engine, "SELECT * FROM products ORDER BY slug")
    events_before = await outbox(owner_engine, a.id)

    taken = await call(client, a.admin, PRODUCT_UPDATE, {"id": two["id"], "input": {"slug": "one"}})
    null_title = await call(client, a.admin, PRODUCT_UPDATE, {"id": two["id"], "input": {"title": None}})

    assert codes(taken) == [("slug", "DUPLICATE_SLUG")]
    assert null_title["product"] is None and null_title["errors"][0]["code"] == "INVALID"
    assert await fetch(owner_engine, "SELECT * FROM products ORDER BY slug") == before
    assert await outbox(owner_engine, a.id) == events_before


async def test_store_b_cannot_update_or_delete_store_a_product(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    product = await new_product(client, a.admin, title="Mine")
    before = await fetch(owner_engine, "SELECT * FROM products")
    b_events = await outbox(owner_engine, b.id)

    updated = await call(client, b.admin, PRODUCT_UPDATE, {"id": product["id"], "input": {"title": "Stolen"}})
    deleted = await call(client, b.admin, PRODUCT_DELETE, {"id": product["id"]})

    assert codes(updated) == [("id", "NOT_FOUND")]
    assert codes(deleted) == [("id", "NOT_FOUND")]
    assert await fetch(owner_engine, "SELECT * FROM products") == before
    assert await outbox(owner_engine, b.id) == b_events


async def test_catalog_write_is_required(client, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    reader = await a.token(TokenKind.ADMIN, ["catalog:read"], "reader")

    partner = a.partner
    for token in (reader, partner):
        res = await gql(client, token, PRODUCT_CREATE, {"input": {"title": "Nope"}})
        body = res.json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] is None
    assert await count(owner_engine, "products") == 0


async def test_delete_removes_the_product_and_emits_the_event(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Gone soon")
    variant = await new_variant(client, a.admin, product["id"], "GONE-1")
    await call(
        client, a.admin, PRICES_SET, {"id": variant["id"], "prices": [{"currency": "BDT", "amount": 1}]}
    )

    payload = await call(client, a.admin, PRODUCT_DELETE, {"id": product["id"]})

    assert payload == {"deletedId": product["id"], "errors": []}
    for table in ("products", "product_variants", "variant_prices"):
        assert await count(owner_engine, table) == 0, table
    pid = str(decode_global_id(product["id"], "Product"))
    assert (await events(owner_engine, "product."))[-1] == (
        "product.deleted",
        {"id": pid, "product_ids": [pid]},
    )
    again = await call(client, a.admin, PRODUCT_DELETE, {"id": product["id"]})
    assert codes(again) == [("id", "NOT_FOUND")]


async def test_product_types_create_rename_refuse_duplicates_and_delete(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    shirt = (await call(client, a.admin, TYPE_CREATE, {"n": " T-Shirt "}))["productType"]
    saree = (await call(client, a.admin, TYPE_CREATE, {"n": "Saree"}))["productType"]
    assert shirt["name"] == "T-Shirt"

    duplicate = await call(client, a.admin, TYPE_CREATE, {"n": "Saree"})
    rename_to_taken = await call(client, a.admin, TYPE_UPDATE, {"id": shirt["id"], "n": "Saree"})
    blank = await call(client, a.admin, TYPE_CREATE, {"n": "  "})
    assert codes(duplicate) == [("name", "UNIQUE")]
    assert codes(rename_to_taken) == [("name", "UNIQUE")]
    assert codes(blank) == [("name", "INVALID")]
    assert await count(owner_engine, "product_types") == 2
    renamed = await call(client, a.admin, TYPE_UPDATE, {"id": shirt["id"], "n": "Tee"})
    assert renamed == {"productType": {"id": shirt["id"], "name": "Tee"}, "errors": []}

    product = await new_product(client, a.admin, title="Typed", productTypeId=saree["id"])
    deleted = await call(client, a.admin, TYPE_DELETE, {"id": saree["id"]})
    assert deleted["errors"] == []
    pid = decode_global_id(product["id"], "Product")
    (row,) = await fetch(owner_engine, "SELECT product_type_id FROM products WHERE id = :i", i=pid)
    assert row["product_type_id"] is None
    assert [t for t, _ in await events(owner_engine, "product_type.")] == [
        "product_type.created",
        "product_type.created",
        "product_type.updated",
        "product_type.deleted",
    ]
