"""Typed attributes and values, product images and brands over GraphQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import decode_global_id
from tests.fixtures.catalog_admin import PRODUCT_DELETE, call, codes, events, new_product, new_variant
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.tenancy import MakeStore

ATTRIBUTE_CREATE = """
mutation A($input: AttributeCreateInput!) {
  attributeCreate(input: $input) { attribute { id code name kind filterable choices } errors { field code } }
}"""
ATTRIBUTE_UPDATE = """
mutation A($id: ID!, $input: AttributeUpdateInput!) {
  attributeUpdate(id: $id, input: $input) { attribute { id name choices filterable } errors { field code } }
}"""
ATTRIBUTE_DELETE = "mutation A($id: ID!) { attributeDelete(id: $id) { deletedId errors { field code } } }"
VALUES_SET = """
mutation V($id: ID!, $values: [AttributeValueInput!]!) {
  productAttributeValuesSet(productId: $id, values: $values) {
    product { id } values { attribute { code } value } errors { field code message }
  }
}"""
MEDIA_CREATE = """
mutation M($id: ID!, $input: ProductMediaCreateInput!) {
  productMediaCreate(productId: $id, input: $input) {
    media { id url alt width height position } errors { field code }
  }
}"""
MEDIA_UPDATE = """
mutation M($id: ID!, $input: ProductMediaUpdateInput!) {
  productMediaUpdate(id: $id, input: $input) {
    media { id url alt width height position } errors { field code }
  }
}"""
MEDIA_REORDER = """
mutation M($id: ID!, $ids: [ID!]!) {
  productMediaReorder(productId: $id, mediaIds: $ids) { media { id position } errors { field code } }
}"""
MEDIA_DELETE = "mutation M($id: ID!) { productMediaDelete(id: $id) { deletedId errors { field code } } }"
BRAND_CREATE = """
mutation B($input: BrandCreateInput!) {
  brandCreate(input: $input) { brand { id name slug description logoUrl } errors { field code } }
}"""
BRAND_UPDATE = """
mutation B($id: ID!, $input: BrandUpdateInput!) {
  brandUpdate(id: $id, input: $input) { brand { id name slug description logoUrl } errors { field code } }
}"""
BRAND_DELETE = "mutation B($id: ID!) { brandDelete(id: $id) { deletedId errors { field code } } }"

COLOURS = [
    {"code": "red", "label": "Red", "swatch": "#ff0000"},
    {"code": "blue", "label": "Blue", "swatch": "#0000ff"},
]


async def _attribute(client: Any, token: str, code: str, kind: str, **extra: Any) -> dict[str, Any]:
    payload = await call(
        client,
        token,
        ATTRIBUTE_CREATE,
        {"input": {"code": code, "name": code.title(), "kind": kind, **extra}},
    )
    assert payload["errors"] == [], payload
    attribute: dict[str, Any] = payload["attribute"]
    return attribute


async def test_attributes_of_every_kind_take_values_of_their_type(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Saree")
    attrs = {
        "fabric": await _attribute(client, a.admin, "fabric", "TEXT"),
        "length": await _attribute(client, a.admin, "length", "NUMBER"),
        "handmade": await _attribute(client, a.admin, "handmade", "BOOLEAN"),
        "launch": await _attribute(client, a.admin, "launch", "DATE"),
        "occasion": await _attribute(
            client, a.admin, "occasion", "CHOICE", choices=[{"code": "eid", "label": "ঈদ"}]
        ),
        "styles": await _attribute(
            client,
            a.admin,
            "styles",
            "MULTI_CHOICE",
            choices=[{"code": "modern", "label": "Modern"}, {"code": "classic", "label": "Classic"}],
        ),
        "colour": await _attribute(client, a.admin, "colour", "SWATCH", choices=COLOURS),
    }
    assert attrs["colour"]["choices"] == COLOURS
    values = {
        "fabric": "Cotton",
        "length": 5.5,
        "handmade": True,
        "launch": "2026-12-16",
        "occasion": "eid",
        "styles": ["modern", "classic", "modern"],
        "colour": "red",
    }

    payload = await call(
        client,
        a.admin,
        VALUES_SET,
        {
            "id": product["id"],
            "values": [{"attributeId": attrs[k]["id"], "value": v} for k, v in values.items()],
        },
    )

    assert payload["errors"] == []
    assert {v["attribute"]["code"]: v["value"] for v in payload["values"]} == {
        **values,
        "styles": ["modern", "classic"],
    }
    (row,) = await fetch(
        owner_engine,
        "SELECT number_value FROM product_attribute_values v JOIN attributes a ON a.id = v.attribute_id"
        " WHERE a.code = 'length'",
    )
    assert str(row["number_value"]) == "5.500000"
    pid = str(decode_global_id(product["id"], "Product"))
    (_, data) = (await events(owner_engine, "attribute."))[-1]
    assert data["id"] == pid and data["product_ids"] == [pid]

    # null removes one value; the others stay
    removed = await call(
        client, a.admin, VALUES_SET, {"id": product["id"], "values": [{"attributeId": attrs["fabric"]["id"]}]}
    )
    assert "fabric" not in {v["attribute"]["code"] for v in removed["values"]}
    assert len(removed["values"]) == 6

    # a value of the wrong type is refused and nothing changes
    before = await fetch(owner_engine, "SELECT * FROM product_attribute_values ORDER BY attribute_id")
    events_before = await outbox(owner_engine, a.id)
    wrong = [
        ("length", "five"),
        ("length", True),
        ("handmade", "yes"),
        ("launch", "16/12/2026"),
        ("occasion", "puja"),
        ("styles", "modern"),
        ("styles", []),
        ("colour", ["red"]),
        ("fabric", "   "),
    ]
    for code, value in wrong:
        filler = {"attributeId": attrs["launch" if code != "launch" else "fabric"]["id"], "value": None}
        res = await call(
            client,
            a.admin,
            VALUES_SET,
            {
                "id": product["id"],
                "values": [
                    filler,
                    {"attributeId": attrs[code]["id"], "value": value},
                ],
            },
        )
        assert codes(res) == [("values.1.value", "INVALID_ATTRIBUTE_VALUE")], (code, value)
    assert await fetch(owner_engine, "SELECT * FROM product_attribute_values ORDER BY attribute_id") == before
    assert await outbox(owner_engine, a.id) == events_before


async def test_attribute_definitions_are_validated(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    colour = await _attribute(client, a.admin, "colour", "SWATCH", choices=COLOURS)
    cases = [
        ({"code": "colour", "name": "Again", "kind": "TEXT"}, ("code", "UNIQUE")),
        ({"code": "Bad Code", "name": "X", "kind": "TEXT"}, ("code", "INVALID")),
        ({"code": "size", "name": "Size", "kind": "CHOICE"}, ("choices", "REQUIRED")),
        ({"code": "note", "name": "Note", "kind": "TEXT", "choices": COLOURS}, ("choices", "INVALID")),
        (
            {"code": "tone", "name": "Tone", "kind": "SWATCH", "choices": [{"code": "x", "label": "X"}]},
            ("choices.0", "REQUIRED"),
        ),
        (
            {"code": "dup", "name": "Dup", "kind": "CHOICE", "choices": [{"code": "x", "label": "X"}] * 2},
            ("choices", "INVALID"),
        ),
    ]
    for fields, expected in cases:
        res = await call(client, a.admin, ATTRIBUTE_CREATE, {"input": fields})
        assert codes(res) == [expected], fields
    assert await count(owner_engine, "attributes") == 1

    product = await new_product(client, a.admin, title="Tee")
    await call(
        client,
        a.admin,
        VALUES_SET,
        {"id": product["id"], "values": [{"attributeId": colour["id"], "value": "red"}]},
    )
    in_use = await call(
        client, a.admin, ATTRIBUTE_UPDATE, {"id": colour["id"], "input": {"choices": COLOURS[1:]}}
    )
    assert codes(in_use) == [("choices", "IN_USE")]
    renamed = await call(
        client, a.admin, ATTRIBUTE_UPDATE, {"id": colour["id"], "input": {"name": "রং", "filterable": False}}
    )
    assert (renamed["attribute"]["name"], renamed["attribute"]["filterable"]) == ("রং", False)
    pid = str(decode_global_id(product["id"], "Product"))
    assert (await events(owner_engine, "attribute."))[-1] == (
        "attribute.changed",
        {"id": str(decode_global_id(colour["id"], "Attribute")), "product_ids": [pid]},
    )

    deleted = await call(client, a.admin, ATTRIBUTE_DELETE, {"id": colour["id"]})
    assert deleted["errors"] == []
    assert await count(owner_engine, "product_attribute_values") == 0
    assert (await events(owner_engine, "attribute."))[-1][1]["product_ids"] == [pid]


async def test_images_per_product_and_variant_in_order(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Tee")
    other = await new_product(client, a.admin, title="Other")
    variant = await new_variant(client, a.admin, product["id"], "TEE-1")
    foreign_variant = await new_variant(client, a.admin, other["id"], "OTHER-1")

    first = await call(
        client,
        a.admin,
        MEDIA_CREATE,
        {
            "id": product["id"],
            "input": {"url": "https://cdn.example.com/a.jpg", "alt": "সামনে", "width": 800, "height": 600},
        },
    )
    second = await call(
        client,
        a.admin,
        MEDIA_CREATE,
        {"id": product["id"], "input": {"url": "http://cdn.example.com/b.jpg", "variantId": variant["id"]}},
    )
    assert first["media"]["position"] == 0 and second["media"]["position"] == 1
    assert (first["media"]["alt"], first["media"]["width"], first["media"]["height"]) == ("সামনে", 800, 600)
    rows = await fetch(owner_engine, "SELECT variant_id FROM product_media ORDER BY position")
    assert [r["variant_id"] for r in rows] == [None, decode_global_id(variant["id"], "ProductVariant")]

    before = await fetch(owner_engine, "SELECT * FROM product_media ORDER BY position")
    events_before = await outbox(owner_engine, a.id)
    bad = [
        ({"url": "ftp://cdn.example.com/a.jpg"}, ("url", "INVALID")),
        ({"url": "javascript:alert(1)"}, ("url", "INVALID")),
        ({"url": "https://x/a.jpg", "width": 0}, ("width", "INVALID")),
        ({"url": "https://x/a.jpg", "variantId": foreign_variant["id"]}, ("variantId", "NOT_FOUND")),
    ]
    for fields, expected in bad:
        res = await call(client, a.admin, MEDIA_CREATE, {"id": product["id"], "input": fields})
        assert codes(res) == [expected], fields
    bad_reorder = await call(
        client, a.admin, MEDIA_REORDER, {"id": product["id"], "ids": [first["media"]["id"]]}
    )
    assert codes(bad_reorder) == [("mediaIds", "INVALID")]
    assert await fetch(owner_engine, "SELECT * FROM product_media ORDER BY position") == before
    assert await outbox(owner_engine, a.id) == events_before

    reordered = await call(
        client,
        a.admin,
        MEDIA_REORDER,
        {"id": product["id"], "ids": [second["media"]["id"], first["media"]["id"]]},
    )
    assert reordered["media"] == [
        {"id": second["media"]["id"], "position": 0},
        {"id": first["media"]["id"], "position": 1},
    ]
    updated = await call(
        client, a.admin, MEDIA_UPDATE, {"id": first["media"]["id"], "input": {"alt": "Front", "width": None}}
    )
    assert (updated["media"]["alt"], updated["media"]["width"], updated["media"]["height"]) == (
        "Front",
        None,
        600,
    )
    deleted = await call(client, a.admin, MEDIA_DELETE, {"id": second["media"]["id"]})
    assert deleted["errors"] == []
    assert await count(owner_engine, "product_media") == 1

    pid = str(decode_global_id(product["id"], "Product"))
    media_events = await events(owner_engine, "product_media.")
    assert len(media_events) == 5
    assert all(data["product_ids"] == [pid] for _, data in media_events)
    assert media_events[0][1]["id"] == str(decode_global_id(first["media"]["id"], "ProductMedia"))


async def test_brands_slugs_updates_and_deletes(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    aarong = (await call(client, a.admin, BRAND_CREATE, {"input": {"name": "আড়ং", "description": "Crafts"}}))[
        "brand"
    ]
    assert aarong["slug"] == "আড়ং"
    yellow = (
        await call(client, a.admin, BRAND_CREATE, {"input": {"name": "Yellow", "slug": "Yellow Shop"}})
    )["brand"]
    assert yellow["slug"] == "yellow-shop"

    events_before = await outbox(owner_engine, a.id)
    duplicate = await call(
        client, a.admin, BRAND_CREATE, {"input": {"name": "Yellow", "slug": "yellow-shop"}}
    )
    bad_logo = await call(
        client, a.admin, BRAND_CREATE, {"input": {"name": "Logo", "logoUrl": "data:image/png"}}
    )
    rename_clash = await call(client, a.admin, BRAND_UPDATE, {"id": yellow["id"], "input": {"slug": "আড়ং"}})
    cross_store = await call(client, b.admin, BRAND_UPDATE, {"id": yellow["id"], "input": {"name": "Mine"}})
    assert codes(duplicate) == [("slug", "DUPLICATE_SLUG")]
    assert codes(bad_logo) == [("logoUrl", "INVALID")]
    assert codes(rename_clash) == [("slug", "DUPLICATE_SLUG")]
    assert codes(cross_store) == [("id", "NOT_FOUND")]
    assert await count(owner_engine, "brands") == 2
    assert await outbox(owner_engine, a.id) == events_before

    updated = await call(
        client,
        a.admin,
        BRAND_UPDATE,
        {"id": yellow["id"], "input": {"name": "Yellow BD", "logoUrl": "https://cdn.example.com/y.png"}},
    )
    assert updated["brand"] == {**yellow, "name": "Yellow BD", "logoUrl": "https://cdn.example.com/y.png"}
    product = await new_product(client, a.admin, title="Kurta", brandId=yellow["id"])
    deleted = await call(client, a.admin, BRAND_DELETE, {"id": yellow["id"]})
    assert deleted["errors"] == []
    (row,) = await fetch(
        owner_engine,
        "SELECT brand_id FROM products WHERE id = :i",
        i=decode_global_id(product["id"], "Product"),
    )
    assert row["brand_id"] is None
    bid = str(decode_global_id(yellow["id"], "Brand"))
    brand_events = [e for e in await events(owner_engine, "brand.") if e[1]["id"] == bid]
    assert brand_events == [
        ("brand.created", {"id": bid}),
        ("brand.updated", {"id": bid}),
        ("brand.deleted", {"id": bid}),
    ]
    gone = await call(client, a.admin, PRODUCT_DELETE, {"id": product["id"]})
    assert gone["errors"] == []
