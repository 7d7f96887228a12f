"""Pricing admin over GraphQL: lists, prices, tiers, rates, tax, settings, customers and groups, and
priceQuote. Bad input answers with coded errors, changes nothing and writes no event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import fetch
from tests.fixtures.pricing import product_with, sell_in
from tests.fixtures.tenancy import MakeStore, gql

ERR = "errors { field code message }"
LIST_CREATE = f"""mutation($input: PriceListCreateInput!) {{
  priceListCreate(input: $input) {{
    priceList {{ id code priority startsAt audiences {{ kind customerGroupId }} }} {ERR}
  }}
}}"""
LIST_UPDATE = f"""mutation($id: ID!, $input: PriceListUpdateInput!) {{
  priceListUpdate(id: $id, input: $input) {{ priceList {{ id code name active }} {ERR} }}
}}"""
LIST_DELETE = f"mutation($id: ID!) {{ priceListDelete(id: $id) {{ deletedId {ERR} }} }}"
PRICES_SET = f"""mutation($id: ID!, $prices: [ListPriceInput!]!) {{
  priceListPricesSet(priceListId: $id, prices: $prices) {{ prices {{ variantId currency amount }} {ERR} }}
}}"""
TIERS_SET = f"""mutation($id: ID!, $v: ID!, $c: String!, $tiers: [PriceTierInput!]!) {{
  priceTiersSet(priceListId: $id, variantId: $v, currency: $c, tiers: $tiers) {{
    tiers {{ minQuantity maxQuantity amount }} {ERR}
  }}
}}"""
LISTS = "{ priceLists { id code isDefault } }"
TIERS = """query($id: ID!, $v: ID!) {
  priceTiers(priceListId: $id, variantId: $v, currency: "BDT") { minQuantity maxQuantity amount }
}"""
RATES_SET = f"""mutation($r: [CurrencyRateInput!]!) {{
  currencyRatesSet(rates: $r) {{ rates {{ currency rate source }} {ERR} }}
}}"""
RATES_IMPORT = f"""mutation($f: String!) {{
  currencyRatesImport(feed: $f) {{ rates {{ currency rate source }} {ERR} }}
}}"""
TAX_CLASS = f"""mutation($i: TaxClassInput!) {{
  taxClassCreate(input: $i) {{ taxClass {{ id code isDefault }} {ERR} }}
}}"""
TAX_RATE = f"""mutation($i: TaxRateInput!) {{
  taxRateSet(input: $i) {{ taxRate {{ id country division percent }} {ERR} }}
}}"""
SETTINGS = f"""mutation($i: PricingSettingsInput!) {{
  pricingSettingsUpdate(input: $i) {{
    settings {{ pricesIncludeTax taxCountry roundingSteps {{ currency step }} }} {ERR}
  }}
}}"""
CUSTOMER = f"""mutation($i: CustomerCreateInput!) {{
  customerCreate(input: $i) {{ customer {{ id email phone }} {ERR} }}
}}"""
GROUP = f"""mutation($i: CustomerGroupInput!) {{
  customerGroupCreate(input: $i) {{ group {{ id code }} {ERR} }}
}}"""
GROUP_DELETE = f"mutation($id: ID!) {{ customerGroupDelete(id: $id) {{ deletedId {ERR} }} }}"
MEMBERS_ADD = f"""mutation($g: ID!, $c: [ID!]!) {{
  customerGroupMembersAdd(groupId: $g, customerIds: $c) {{ group {{ code memberIds }} {ERR} }}
}}"""
MEMBERS_REMOVE = f"""mutation($g: ID!, $c: [ID!]!) {{
  customerGroupMembersRemove(groupId: $g, customerIds: $c) {{ group {{ code memberIds }} {ERR} }}
}}"""
QUOTE = """query($v: ID!, $q: Int!, $c: String, $customer: ID) {
  priceQuote(variantId: $v, quantity: $q, currency: $c, customerId: $customer) {
    unitPrice { amount currency } lineTotal { amount } priceListCode tierMinQuantity convertedFrom
    tax { percent pricesIncludeTax unit { net tax gross } line { net tax gross } } reason
  }
}"""

PRICING_TABLES = (
    "price_lists",
    "price_list_prices",
    "price_tiers",
    "variant_prices",
    "currency_rates",
    "customer_groups",
    "customer_group_members",
    "tax_classes",
    "tax_rates",
    "pricing_settings",
)


async def _state(engine: AsyncEngine, store_id) -> dict[str, Any]:
    """Every pricing row of the store and its outbox, to show a rejected mutation changed nothing."""
    out: dict[str, Any] = {}
    for table in (*PRICING_TABLES, "outbox_events"):
        rows = await fetch(
            engine, f"SELECT to_jsonb(t)::text AS j FROM {table} t WHERE store_id = :s ORDER BY 1", s=store_id
        )
        out[table] = [r["j"] for r in rows]
    return out


async def _data(client, token: str, query: str, variables: dict | None = None) -> dict[str, Any]:
    body = (await gql(client, token, query, variables)).json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_wholesale_list_with_tiers_for_a_group_prices_its_members(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    vid = encode_global_id("ProductVariant", v.id)
    group = (await call(client, store.admin, GROUP, {"i": {"code": "wholesale", "name": "Wholesale"}}))[
        "group"
    ]
    customer = (await call(client, store.admin, CUSTOMER, {"i": {"phone": "+8801711000001"}}))["customer"]
    added = await call(client, store.admin, MEMBERS_ADD, {"g": group["id"], "c": [customer["id"]]})
    created = await call(
        client,
        store.admin,
        LIST_CREATE,
        {"input": {"code": "wholesale", "name": "Wholesale", "priority": 10, "groupIds": [group["id"]]}},
    )
    list_id = created["priceList"]["id"]
    tiers = await call(
        client,
        store.admin,
        TIERS_SET,
        {
            "id": list_id,
            "v": vid,
            "c": "BDT",
            "tiers": [
                {"minQuantity": 1, "maxQuantity": 9, "amount": 50000},
                {"minQuantity": 10, "maxQuantity": 49, "amount": 45000},
                {"minQuantity": 50, "amount": 40000},
            ],
        },
    )
    member_quote = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 12, "customer": customer["id"]}))[
        "priceQuote"
    ]
    anonymous = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 12}))["priceQuote"]
    table = (await _data(client, store.admin, TIERS, {"id": list_id, "v": vid}))["priceTiers"]

    assert added["group"] == {"code": "wholesale", "memberIds": [customer["id"]]}
    assert created["errors"] == [] and created["priceList"]["audiences"] == [
        {"kind": "GROUP", "customerGroupId": group["id"]}
    ]
    assert tiers["errors"] == [] and [t["minQuantity"] for t in tiers["tiers"]] == [1, 10, 50]
    assert (
        table
        == tiers["tiers"]
        == [
            {"minQuantity": 1, "maxQuantity": 9, "amount": 50000},
            {"minQuantity": 10, "maxQuantity": 49, "amount": 45000},
            {"minQuantity": 50, "maxQuantity": None, "amount": 40000},
        ]
    )
    assert member_quote["priceListCode"] == "wholesale" and member_quote["unitPrice"]["amount"] == 45000
    assert member_quote["tierMinQuantity"] == 10 and member_quote["lineTotal"]["amount"] == 12 * 45000
    assert "tier from 10" in member_quote["reason"]
    assert anonymous["priceListCode"] == "default" and anonymous["unitPrice"]["amount"] == 50000
    types = [
        r["type"]
        for r in await fetch(
            owner_engine,
            "SELECT type FROM outbox_events WHERE store_id = :s ORDER BY occurred_at",
            s=store.id,
        )
    ]
    assert {
        "customer_group.created",
        "customer.created",
        "customer_group.members_changed",
        "price_list.created",
        "price_list.tiers_set",
    } <= set(types)


async def test_default_list_prices_are_the_variant_prices(
    client, make_store: MakeStore, owner_engine
) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    default = (await _data(client, store.admin, LISTS))["priceLists"][0]

    res = await call(
        client,
        store.admin,
        PRICES_SET,
        {
            "id": default["id"],
            "prices": [
                {"variantId": encode_global_id("ProductVariant", v.id), "currency": "BDT", "amount": 48000}
            ],
        },
    )
    rows = await fetch(owner_engine, "SELECT amount FROM variant_prices WHERE variant_id = :v", v=v.id)
    removal = await call(
        client,
        store.admin,
        PRICES_SET,
        {
            "id": default["id"],
            "prices": [
                {"variantId": encode_global_id("ProductVariant", v.id), "currency": "BDT", "amount": None}
            ],
        },
    )
    delete = await call(client, store.admin, LIST_DELETE, {"id": default["id"]})

    assert default["code"] == "default" and default["isDefault"] is True
    assert res["errors"] == [] and [r["amount"] for r in rows] == [48000]
    assert codes(removal) == [("prices.0.amount", "DEFAULT_LIST")]
    assert codes(delete) == [("id", "DEFAULT_LIST")]


async def test_rejected_input_changes_nothing_and_writes_no_event(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    other = await make_store("other")
    await sell_in(owner_engine, store, "BDT", "USD")
    _, v = await product_with(store, {"BDT": 50000})
    vid = encode_global_id("ProductVariant", v.id)
    sale = (await call(client, store.admin, LIST_CREATE, {"input": {"code": "sale", "name": "Sale"}}))[
        "priceList"
    ]
    group = (await call(client, store.admin, GROUP, {"i": {"code": "vip", "name": "VIP"}}))["group"]
    await call(
        client, store.admin, LIST_CREATE, {"input": {"code": "vip", "name": "VIP", "groupIds": [group["id"]]}}
    )
    foreign = (await call(client, other.admin, LIST_CREATE, {"input": {"code": "x", "name": "X"}}))[
        "priceList"
    ]
    before = await _state(owner_engine, store.id)

    def tiers(*rows: tuple[int, int | None]) -> dict[str, Any]:
        return {
            "id": sale["id"],
            "v": vid,
            "c": "BDT",
            "tiers": [{"minQuantity": a, "maxQuantity": b, "amount": 100} for a, b in rows],
        }

    cases = [
        (TIERS_SET, tiers((2, 9), (10, None)), [("tiers.0.minQuantity", "TIER_FIRST_BREAK")]),
        (TIERS_SET, tiers((1, 9), (12, None)), [("tiers.0.maxQuantity", "TIER_GAP")]),
        (TIERS_SET, tiers((1, 10), (10, None)), [("tiers.0.maxQuantity", "TIER_OVERLAP")]),
        (TIERS_SET, tiers((1, None), (10, None)), [("tiers.0.maxQuantity", "TIER_OPEN_END")]),
        (TIERS_SET, tiers((1, 9), (10, 20)), [("tiers.1.maxQuantity", "TIER_OPEN_END")]),
        (TIERS_SET, {**tiers((1, None)), "c": "EUR"}, [("currency", "UNSUPPORTED_CURRENCY")]),
        (
            PRICES_SET,
            {"id": sale["id"], "prices": [{"variantId": vid, "currency": "EUR", "amount": 1}]},
            [("prices.0.currency", "UNSUPPORTED_CURRENCY")],
        ),
        (
            PRICES_SET,
            {
                "id": sale["id"],
                "prices": [{"variantId": vid, "currency": "BDT", "amount": 5, "compareAtAmount": 4}],
            },
            [("prices.0", "INVALID")],
        ),
        (
            PRICES_SET,
            {"id": foreign["id"], "prices": [{"variantId": vid, "currency": "BDT", "amount": 1}]},
            [("priceListId", "NOT_FOUND")],
        ),
        (LIST_CREATE, {"input": {"code": "sale", "name": "Again"}}, [("code", "UNIQUE")]),
        (
            LIST_CREATE,
            {
                "input": {
                    "code": "late",
                    "name": "L",
                    "startsAt": "2026-12-02T00:00:00+06:00",
                    "endsAt": "2026-12-01T00:00:00+06:00",
                }
            },
            [("endsAt", "INVALID_SCHEDULE")],
        ),
        (
            LIST_UPDATE,
            {"id": sale["id"], "input": {"groupIds": [encode_global_id("CustomerGroup", v.id)]}},
            [("groupIds.0", "NOT_FOUND")],
        ),
        (RATES_SET, {"r": [{"currency": "BDT", "rate": "1"}]}, [("rates.0.currency", "DEFAULT_CURRENCY")]),
        (RATES_SET, {"r": [{"currency": "USD", "rate": "-2"}]}, [("rates.0.rate", "INVALID")]),
        (
            RATES_IMPORT,
            {"f": "BDT USD 0.0084\nUSD EUR 0.9\nBDT/USD x"},
            [("feed.2", "INVALID_FEED"), ("feed.3", "INVALID_RATE")],
        ),
        (
            TAX_RATE,
            {"i": {"taxClassId": encode_global_id("TaxClass", v.id), "country": "BD", "percent": "15"}},
            [("taxClassId", "NOT_FOUND")],
        ),
        (
            SETTINGS,
            {"i": {"roundingSteps": [{"currency": "EUR", "step": 100}]}},
            [("roundingSteps.EUR", "UNSUPPORTED_CURRENCY")],
        ),
        (CUSTOMER, {"i": {"firstName": "Nobody"}}, [("email", "CONTACT_REQUIRED")]),
        (GROUP_DELETE, {"id": group["id"]}, [("id", "IN_USE")]),
        (
            MEMBERS_ADD,
            {"g": group["id"], "c": [encode_global_id("Customer", v.id)]},
            [("customerIds.0", "NOT_FOUND")],
        ),
    ]
    for document, variables, expected in cases:
        payload = await call(client, store.admin, document, variables)
        assert codes(payload) == expected, (document, payload)

    assert await _state(owner_engine, store.id) == before


async def test_pricing_needs_its_permissions(client, make_store: MakeStore) -> None:
    store = await make_store()
    reader = await store.token(TokenKind.ADMIN, ["pricing:read"], "reader")

    denied = (await gql(client, reader, LIST_CREATE, {"input": {"code": "x", "name": "X"}})).json()
    storefront = (await gql(client, store.storefront, LISTS)).json()
    allowed = (await gql(client, reader, LISTS)).json()

    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert storefront["errors"]
    assert allowed["data"]["priceLists"][0]["code"] == "default"


async def test_rates_by_hand_and_by_feed_and_settings_drive_conversion(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    await sell_in(owner_engine, store, "BDT", "USD", "EUR")
    _, v = await product_with(store, {"BDT": 100000})
    vid = encode_global_id("ProductVariant", v.id)

    manual = await call(client, store.admin, RATES_SET, {"r": [{"currency": "USD", "rate": "0.0084"}]})
    feed = await call(client, store.admin, RATES_IMPORT, {"f": "# daily\nBDT,EUR,0.0077\n\nBDT/USD 0.0085\n"})
    steps = await call(
        client, store.admin, SETTINGS, {"i": {"roundingSteps": [{"currency": "USD", "step": 100}]}}
    )
    usd = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 1, "c": "USD"}))["priceQuote"]
    eur = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 1, "c": "EUR"}))["priceQuote"]

    assert manual["rates"] == [{"currency": "USD", "rate": "0.0084", "source": "manual"}]
    assert feed["errors"] == [] and feed["rates"] == [
        {"currency": "EUR", "rate": "0.0077", "source": "feed"},
        {"currency": "USD", "rate": "0.0085", "source": "feed"},
    ]
    assert steps["settings"]["roundingSteps"] == [{"currency": "USD", "step": 100}]
    # 1000 taka at 0.0085 is 8.50 dollars; to whole dollars half-even: 8.
    assert usd["unitPrice"] == {"amount": 800, "currency": "USD"} and usd["convertedFrom"] == "BDT"
    assert eur["unitPrice"] == {"amount": 770, "currency": "EUR"}


async def test_tax_classes_rates_and_inclusive_setting_show_both_amounts(
    client, make_store: MakeStore
) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 11500})
    vid = encode_global_id("ProductVariant", v.id)
    vat = (
        await call(client, store.admin, TAX_CLASS, {"i": {"code": "vat", "name": "VAT", "isDefault": True}})
    )["taxClass"]
    rate = await call(
        client, store.admin, TAX_RATE, {"i": {"taxClassId": vat["id"], "country": "BD", "percent": "15"}}
    )
    bad_region = await call(
        client,
        store.admin,
        TAX_RATE,
        {"i": {"taxClassId": vat["id"], "country": "BD", "division": "IN-13", "percent": "5"}},
    )
    inclusive = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 2}))["priceQuote"]
    await call(client, store.admin, SETTINGS, {"i": {"pricesIncludeTax": False}})
    exclusive = (await _data(client, store.admin, QUOTE, {"v": vid, "q": 2}))["priceQuote"]

    assert vat["isDefault"] is True and rate["taxRate"]["percent"] == "15"
    assert codes(bad_region) == [("division", "INVALID_REGION")]
    assert inclusive["tax"] == {
        "percent": "15",
        "pricesIncludeTax": True,
        "unit": {"net": 10000, "tax": 1500, "gross": 11500},
        "line": {"net": 20000, "tax": 3000, "gross": 23000},
    }
    assert exclusive["tax"]["unit"] == {"net": 11500, "tax": 1725, "gross": 13225}


async def test_membership_remove_and_group_delete(client, make_store: MakeStore) -> None:
    store = await make_store()
    group = (await call(client, store.admin, GROUP, {"i": {"code": "vip", "name": "VIP"}}))["group"]
    one = (await call(client, store.admin, CUSTOMER, {"i": {"email": "a@example.com"}}))["customer"]
    two = (await call(client, store.admin, CUSTOMER, {"i": {"email": "b@example.com"}}))["customer"]
    duplicate = await call(client, store.admin, CUSTOMER, {"i": {"email": "A@Example.com"}})
    await call(client, store.admin, MEMBERS_ADD, {"g": group["id"], "c": [one["id"], two["id"]]})

    removed = await call(client, store.admin, MEMBERS_REMOVE, {"g": group["id"], "c": [one["id"]]})
    deleted = await call(client, store.admin, GROUP_DELETE, {"id": group["id"]})

    assert codes(duplicate) == [("email", "UNIQUE")]
    assert removed["group"]["memberIds"] == [two["id"]]
    assert deleted == {"deletedId": group["id"], "errors": []}
