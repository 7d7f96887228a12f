"""Options, variants, bundles, prices and stock over GraphQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import decode_global_id
from tests.fixtures.catalog_admin import (
    BUNDLE_SET,
    OPTIONS_SET,
    PRICES_SET,
    PRODUCT_DELETE,
    STOCK_SET,
    VARIANT_CREATE,
    VARIANT_DELETE,
    VARIANT_UPDATE,
    call,
    codes,
    events,
    new_product,
    new_variant,
)
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.tenancy import MakeStore

SIZES = [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Colour", "values": ["Red", "Blue"]}]


def _uuid(gid: str, kind: str) -> str:
    return str(decode_global_id(gid, kind))


async def test_options_then_variants_with_fitting_values(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Tee")

    options = await call(client, a.admin, OPTIONS_SET, {"id": product["id"], "options": SIZES})
    assert options["errors"] == []
    assert options["options"] == [
        {"name": "Size", "position": 0, "values": ["S", "M", "L"]},
        {"name": "Colour", "position": 1, "values": ["Red", "Blue"]},
    ]
    variant = await new_variant(
        client,
        a.admin,
        product["id"],
        "TEE-S-RED",
        options=[{"name": "Size", "value": "S"}, {"name": "Colour", "value": "Red"}],
        barcode="123",
        weightGrams=180,
    )
    second = await new_variant(
        client,
        a.admin,
        product["id"],
        "TEE-M-RED",
        options=[{"name": "Size", "value": "M"}, {"name": "Colour", "value": "Red"}],
        trackInventory=False,
    )

    assert variant["title"] == "S / Red"
    assert variant["selectedOptions"] == [{"name": "Size", "value": "S"}, {"name": "Colour", "value": "Red"}]
    assert (variant["barcode"], variant["weightGrams"], variant["trackInventory"], variant["position"]) == (
        "123",
        180,
        True,
        0,
    )
    assert (second["position"], second["trackInventory"]) == (1, False)
    pid = _uuid(product["id"], "Product")
    assert await events(owner_engine, "variant.") == [
        ("variant.created", {"id": _uuid(variant["id"], "ProductVariant"), "product_ids": [pid]}),
        ("variant.created", {"id": _uuid(second["id"], "ProductVariant"), "product_ids": [pid]}),
    ]


async def test_variant_values_must_fit_the_options_and_skus_are_unique_per_store(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    product = await new_product(client, a.admin, title="Tee")
    other = await new_product(client, a.admin, title="Polo")
    await call(client, a.admin, OPTIONS_SET, {"id": product["id"], "options": SIZES})
    await new_variant(
        client,
        a.admin,
        product["id"],
        "SKU-1",
        options=[{"name": "Size", "value": "S"}, {"name": "Colour", "value": "Red"}],
    )
    before = await fetch(owner_engine, "SELECT * FROM product_variants ORDER BY sku")
    events_before = await outbox(owner_engine, a.id)
    cases = [
        (
            {"sku": "X1", "options": [{"name": "Size", "value": "XL"}, {"name": "Colour", "value": "Red"}]},
            ("optionValues", "INVALID_OPTION_VALUES"),
        ),
        (
            {"sku": "X2", "options": [{"name": "Size", "value": "S"}]},
            ("optionValues", "INVALID_OPTION_VALUES"),
        ),
        (
            {
                "sku": "X3",
                "options": [
                    {"name": "Fit", "value": "Slim"},
                    {"name": "Size", "value": "S"},
                    {"name": "Colour", "value": "Red"},
                ],
            },
            ("optionValues", "INVALID_OPTION_VALUES"),
        ),
        (
            {"sku": "SKU-1", "options": [{"name": "Size", "value": "M"}, {"name": "Colour", "value": "Red"}]},
            ("sku", "DUPLICATE_SKU"),
        ),
        ({"sku": " "}, ("sku", "INVALID")),
        (
            {
                "sku": "X4",
                "weightGrams": -1,
                "options": [{"name": "Size", "value": "M"}, {"name": "Colour", "value": "Red"}],
            },
            ("weightGrams", "INVALID"),
        ),
    ]
    for fields, expected in cases:
        payload = await call(client, a.admin, VARIANT_CREATE, {"id": product["id"], "input": fields})
        assert payload["variant"] is None, fields
        assert codes(payload) == [expected], fields
    # the same SKU on another product of the store is refused too; in another store it is fine
    other_dup = await call(client, a.admin, VARIANT_CREATE, {"id": other["id"], "input": {"sku": "SKU-1"}})
    assert codes(other_dup) == [("sku", "DUPLICATE_SKU")]
    assert await fetch(owner_engine, "SELECT * FROM product_variants ORDER BY sku") == before
    assert await outbox(owner_engine, a.id) == events_before
    b_product = await new_product(client, b.admin, title="Tee")
    await new_variant(client, b.admin, b_product["id"], "SKU-1")


async def test_options_cannot_change_under_existing_variants(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Tee")
    await call(client, a.admin, OPTIONS_SET, {"id": product["id"], "options": SIZES[:1]})
    await new_variant(client, a.admin, product["id"], "T-S", options=[{"name": "Size", "value": "S"}])

    dropped_value = await call(
        client, a.admin, OPTIONS_SET, {"id": product["id"], "options": [{"name": "Size", "values": ["M"]}]}
    )
    duplicate_values = await call(
        client,
        a.admin,
        OPTIONS_SET,
        {"id": product["id"], "options": [{"name": "Size", "values": ["S", "s"]}]},
    )

    assert codes(dropped_value) == [("options", "INVALID_OPTION_VALUES")]
    assert codes(duplicate_values) == [("options.0.values", "INVALID")]
    rows = await fetch(owner_engine, "SELECT name, values FROM product_options")
    assert [(r["name"], r["values"]) for r in rows] == [("Size", ["S", "M", "L"])]


async def test_update_and_delete_a_variant(client, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Mug")
    variant = await new_variant(client, a.admin, product["id"], "MUG-1")
    await new_variant(client, a.admin, product["id"], "MUG-2")

    taken = await call(client, a.admin, VARIANT_UPDATE, {"id": variant["id"], "input": {"sku": "MUG-2"}})
    assert codes(taken) == [("sku", "DUPLICATE_SKU")]
    updated = await call(
        client,
        a.admin,
        VARIANT_UPDATE,
        {"id": variant["id"], "input": {"sku": "MUG-RED", "barcode": None, "position": 5}},
    )
    assert updated["errors"] == []
    assert (updated["variant"]["sku"], updated["variant"]["position"]) == ("MUG-RED", 5)

    deleted = await call(client, a.admin, VARIANT_DELETE, {"id": variant["id"]})
    assert deleted == {"deletedId": variant["id"], "errors": []}
    assert [r["sku"] for r in await fetch(owner_engine, "SELECT sku FROM product_variants")] == ["MUG-2"]
    vid, pid = _uuid(variant["id"], "ProductVariant"), _uuid(product["id"], "Product")
    assert (await events(owner_engine, "variant."))[-2:] == [
        ("variant.updated", {"id": vid, "product_ids": [pid]}),
        ("variant.deleted", {"id": vid, "product_ids": [pid]}),
    ]


async def test_prices_per_currency_in_minor_units(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")  # sells in BDT only
    product = await new_product(client, a.admin, title="Mug")
    variant = await new_variant(client, a.admin, product["id"], "MUG-1")

    payload = await call(
        client,
        a.admin,
        PRICES_SET,
        {"id": variant["id"], "prices": [{"currency": "BDT", "amount": 50000, "compareAtAmount": 65000}]},
    )
    assert payload["errors"] == []
    assert payload["prices"] == [
        {"price": {"amount": 50000, "currency": "BDT"}, "compareAt": {"amount": 65000, "currency": "BDT"}}
    ]
    again = await call(
        client, a.admin, PRICES_SET, {"id": variant["id"], "prices": [{"currency": "BDT", "amount": 45000}]}
    )
    assert again["prices"] == [{"price": {"amount": 45000, "currency": "BDT"}, "compareAt": None}]
    vid, pid = _uuid(variant["id"], "ProductVariant"), _uuid(product["id"], "Product")
    assert await events(owner_engine, "price.") == [
        ("price.updated", {"id": vid, "currencies": ["BDT"], "product_ids": [pid]}),
        ("price.updated", {"id": vid, "currencies": ["BDT"], "product_ids": [pid]}),
    ]

    before = await fetch(owner_engine, "SELECT * FROM variant_prices")
    events_before = await outbox(owner_engine, a.id)
    cases = [
        ([{"currency": "USD", "amount": 500}], ("prices.0.currency", "UNSUPPORTED_CURRENCY")),
        ([{"currency": "bdt", "amount": 500}], ("prices.0.currency", "INVALID")),
        ([{"currency": "BDT", "amount": -1}], ("prices.0.amount", "INVALID")),
        ([{"currency": "BDT", "amount": 500, "compareAtAmount": 500}], ("prices.0", "INVALID")),
        ([{"currency": "BDT", "amount": 1}, {"currency": "BDT", "amount": 2}], ("prices", "INVALID")),
    ]
    for prices, expected in cases:
        res = await call(client, a.admin, PRICES_SET, {"id": variant["id"], "prices": prices})
        assert res["variant"] is None, prices
        assert codes(res) == [expected], prices
    assert await fetch(owner_engine, "SELECT * FROM variant_prices") == before
    assert await outbox(owner_engine, a.id) == events_before


async def test_stock_on_hand_per_location(client, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await new_product(client, a.admin, title="Mug")
    variant = await new_variant(client, a.admin, product["id"], "MUG-1")

    first = await call(client, a.admin, STOCK_SET, {"id": variant["id"], "input": {"onHand": 12}})
    dhaka = await call(
        client,
        a.admin,
        STOCK_SET,
        {"id": variant["id"], "input": {"onHand": 3, "location": "dhaka", "allowBackorder": True}},
    )
    changed = await call(client, a.admin, STOCK_SET, {"id": variant["id"], "input": {"onHand": 7}})
    negative = await call(client, a.admin, STOCK_SET, {"id": variant["id"], "input": {"onHand": -1}})

    assert first["stock"] == {"location": "default", "onHand": 12, "reserved": 0, "allowBackorder": False}
    assert dhaka["stock"] == {"location": "dhaka", "onHand": 3, "reserved": 0, "allowBackorder": True}
    assert changed["stock"]["onHand"] == 7
    assert codes(negative) == [("onHand", "INVALID")]
    rows = await fetch(
        owner_engine, "SELECT location, on_hand, allow_backorder FROM stock_levels ORDER BY location"
    )
    assert [tuple(r.values()) for r in rows] == [("default", 7, False), ("dhaka", 3, True)]
    vid, pid = _uuid(variant["id"], "ProductVariant"), _uuid(product["id"], "Product")
    assert (await events(owner_engine, "stock."))[1] == (
        "stock.updated",
        {"id": vid, "location": "dhaka", "product_ids": [pid]},
    )


async def test_bundles_of_variants_and_their_events(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    tea = await new_product(client, a.admin, title="Tea")
    cup = await new_product(client, a.admin, title="Cup")
    tea_v = await new_variant(client, a.admin, tea["id"], "TEA")
    cup_v = await new_variant(client, a.admin, cup["id"], "CUP")
    bundle = await new_product(client, a.admin, title="Tea set")
    bundle_v = await new_variant(client, a.admin, bundle["id"], "SET")

    payload = await call(
        client,
        a.admin,
        BUNDLE_SET,
        {
            "id": bundle["id"],
            "items": [{"variantId": tea_v["id"], "quantity": 2}, {"variantId": cup_v["id"], "quantity": 1}],
        },
    )
    assert payload["errors"] == []
    assert payload["product"]["isBundle"] is True
    assert sorted((i["variant"]["sku"], i["quantity"]) for i in payload["items"]) == [("CUP", 1), ("TEA", 2)]

    # a price change of a part shows in the part's product and in the bundle
    await call(
        client, a.admin, PRICES_SET, {"id": tea_v["id"], "prices": [{"currency": "BDT", "amount": 100}]}
    )
    await call(client, a.admin, STOCK_SET, {"id": tea_v["id"], "input": {"onHand": 1}})
    tea_id, bundle_id = _uuid(tea["id"], "Product"), _uuid(bundle["id"], "Product")
    assert (await events(owner_engine, "price."))[-1][1]["product_ids"] == [tea_id, bundle_id]
    assert (await events(owner_engine, "stock."))[-1][1]["product_ids"] == [tea_id, bundle_id]
    updated = await call(
        client, a.admin, VARIANT_UPDATE, {"id": tea_v["id"], "input": {"title": "Loose tea"}}
    )
    assert updated["errors"] == []
    assert (await events(owner_engine, "variant.updated"))[-1][1]["product_ids"] == [tea_id, bundle_id]

    before = await fetch(owner_engine, "SELECT * FROM bundle_items ORDER BY quantity")
    events_before = await outbox(owner_engine, a.id)
    other_bundle = await new_product(client, a.admin, title="Gift box")
    events_before = await outbox(owner_engine, a.id)
    cases = [
        (bundle["id"], [{"variantId": tea_v["id"], "quantity": 0}], ("items.0.quantity", "INVALID")),
        (bundle["id"], [{"variantId": bundle_v["id"], "quantity": 1}], ("items.0.variantId", "INVALID")),
        (
            other_bundle["id"],
            [{"variantId": bundle_v["id"], "quantity": 1}],
            ("items.0.variantId", "INVALID"),
        ),
        (
            bundle["id"],
            [{"variantId": tea_v["id"], "quantity": 1}, {"variantId": tea_v["id"], "quantity": 1}],
            ("items", "INVALID"),
        ),
        (bundle["id"], [{"variantId": bundle["id"], "quantity": 1}], ("items.0.variantId", "NOT_FOUND")),
        (tea["id"], [{"variantId": cup_v["id"], "quantity": 1}], ("productId", "INVALID")),
    ]
    for target, items, expected in cases:
        res = await call(client, a.admin, BUNDLE_SET, {"id": target, "items": items})
        assert codes(res) == [expected], items
    assert await fetch(owner_engine, "SELECT * FROM bundle_items ORDER BY quantity") == before
    assert await outbox(owner_engine, a.id) == events_before

    # parts of a bundle cannot be deleted, alone or with their product
    in_use = await call(client, a.admin, VARIANT_DELETE, {"id": tea_v["id"]})
    product_in_use = await call(client, a.admin, PRODUCT_DELETE, {"id": tea["id"]})
    assert codes(in_use) == [("id", "IN_USE")]
    assert codes(product_in_use) == [("id", "IN_USE")]
    assert await count(owner_engine, "product_variants") == 3

    # an empty list makes it a plain product again
    cleared = await call(client, a.admin, BUNDLE_SET, {"id": bundle["id"], "items": []})
    assert cleared["product"]["isBundle"] is False
    assert await count(owner_engine, "bundle_items") == 0
    assert (await events(owner_engine, "product.updated"))[-1] == (
        "product.updated",
        {"id": bundle_id, "product_ids": [bundle_id]},
    )
