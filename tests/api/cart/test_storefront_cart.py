"""The storefront's cart and account over HTTP, through persisted documents only: a guest fills a cart,
signs up (the cart follows), and every failure answers in `errors`, changing nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from persisted_queries.manifest import load_documents
from resolvers.ids import encode_global_id
from tests.fixtures.cart import seed_shop
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, StoreFixture, gql

DHAKA = {
    "name": "Rahim Uddin",
    "phone": "01711-223344",
    "line1": "House 12, Road 5",
    "division": "Dhaka",
    "district": "Dhaka",
    "upazila": "Dhanmondi",
    "postcode": "1205",
}


async def persisted(
    client: httpx.AsyncClient,
    store: StoreFixture,
    name: str,
    variables: dict[str, Any],
    customer: str | None = None,
) -> httpx.Response:
    (doc,) = [d for d in load_documents() if d.name == name]
    headers = {"accept": GQL_RESPONSE, "authorization": f"Bearer {store.storefront}"}
    if customer:
        headers["x-customer-token"] = customer
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": doc.id}}, "variables": variables}
    return await client.post("/graphql", json=body, headers=headers)


def _vid(v: Any) -> str:
    return encode_global_id("ProductVariant", v)


async def test_a_guest_fills_a_cart_and_signing_up_takes_it_along(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    res = await persisted(
        client, store, "CartCreate", {"lines": [{"variantId": _vid(shop.tee), "quantity": 2}]}
    )
    created = res.json()["data"]["cartCreate"]
    assert created["errors"] == []
    token = created["token"]
    assert created["cart"]["total"] == {"amount": 160000, "currency": "BDT"}

    res = await persisted(client, store, "CartAddressesUpdate", {"token": token, "shippingAddress": DHAKA})
    cart = res.json()["data"]["cartAddressesUpdate"]["cart"]
    assert cart["shippingAddress"]["phone"] == "+8801711223344"
    (quote,) = cart["availableShippingMethods"]
    res = await persisted(
        client, store, "CartShippingMethodUpdate", {"token": token, "shippingMethodId": quote["id"]}
    )
    cart = res.json()["data"]["cartShippingMethodUpdate"]["cart"]
    assert cart["shippingMethod"]["code"] == "dhaka" and cart["total"]["amount"] == 166000

    # Reads of a cart are never served from the shared cache.
    for _ in range(2):
        res = await persisted(client, store, "Cart", {"token": token})
        assert res.json()["data"]["cart"]["id"] == cart["id"] and res.headers["x-cache"] != "HIT"

    res = await persisted(
        client,
        store,
        "CustomerRegister",
        {"input": {"email": "rahim@example.com", "password": "correct horse 1"}, "cartToken": token},
    )
    signed = res.json()["data"]["customerRegister"]
    assert signed["errors"] == [] and signed["cart"]["id"] == cart["id"]
    session = signed["token"]

    # The cart is now the customer's: the session finds it without a token; the token alone does not.
    res = await persisted(client, store, "Cart", {}, customer=session)
    assert res.json()["data"]["cart"]["id"] == cart["id"]
    res = await persisted(client, store, "Cart", {"token": token})
    assert res.json()["data"]["cart"] is None

    res = await persisted(client, store, "Me", {}, customer=session)
    assert res.json()["data"]["me"]["email"] == "rahim@example.com"
    res = await persisted(client, store, "CustomerLogout", {}, customer=session)
    assert res.json()["data"]["customerLogout"] == {"ok": True, "errors": []}
    res = await persisted(client, store, "Me", {}, customer=session)
    assert res.json()["data"]["me"] is None
    res = await persisted(client, store, "CustomerLogin", {"identifier": "01711223344", "password": "x"})
    assert [e["code"] for e in res.json()["data"]["customerLogin"]["errors"]] == ["INVALID_CREDENTIALS"]


async def test_bad_input_answers_in_errors_and_writes_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    res = await persisted(client, store, "CartCreate", {})
    token = res.json()["data"]["cartCreate"]["token"]
    before = (await outbox(owner_engine, store.id), await count(owner_engine, "cart_lines"))

    res = await persisted(
        client,
        store,
        "CartLinesAdd",
        {"token": token, "lines": [{"variantId": _vid(shop.mug), "quantity": 3}]},
    )
    assert res.json()["data"]["cartLinesAdd"] == {
        "cart": None,
        "errors": [
            {"field": "lines.0.variantId", "code": "INSUFFICIENT_STOCK", "message": "only 2 left, 3 wanted"}
        ],
    }
    res = await persisted(
        client,
        store,
        "CartAddressesUpdate",
        {"token": token, "shippingAddress": {**DHAKA, "district": "Sylhet"}},
    )
    errors = res.json()["data"]["cartAddressesUpdate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("shippingAddress.district", "INVALID_ADDRESS")]
    res = await persisted(client, store, "CartContactUpdate", {"token": token, "phone": "12345"})
    assert res.json()["data"]["cartContactUpdate"]["errors"][0]["code"] == "INVALID_PHONE"
    res = await persisted(client, store, "CartCodeApply", {"token": "nope", "code": "X"})
    assert res.json()["data"]["cartCodeApply"]["errors"][0]["code"] == "CART_NOT_FOUND"
    res = await persisted(
        client, store, "CustomerRegister", {"input": {"email": "a@example.com", "password": "short"}}
    )
    assert res.json()["data"]["customerRegister"]["errors"][0]["code"] == "PASSWORD_TOO_WEAK"

    assert (await outbox(owner_engine, store.id), await count(owner_engine, "cart_lines")) == before
    (row,) = await fetch(owner_engine, "SELECT shipping_address, phone FROM carts")
    assert row["shipping_address"] is None and row["phone"] is None
    assert await count(owner_engine, "customers") == 0


async def test_a_signed_in_shoppers_catalog_reads_bypass_the_shared_cache(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    for _ in range(2):
        res = await persisted(client, store, "Shop", {}, customer="stc_cs_anything")
        assert res.status_code == 200 and res.headers["x-cache"] == "BYPASS"


SHIPPING = """mutation Z($input: ShippingZoneInput!) {
  shippingZoneCreate(input: $input) { zone { id name districts } errors { field code } } }"""
ZONES = "query { shippingZones { name methods { code amount { amount } } } }"


async def test_admins_manage_shipping_and_storefronts_cannot(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    res = await gql(
        client, store.admin, SHIPPING, {"input": {"name": "Inside Dhaka", "districts": ["dhaka"]}}
    )
    zone = res.json()["data"]["shippingZoneCreate"]
    assert zone["errors"] == [] and zone["zone"]["districts"] == ["Dhaka"]
    res = await gql(client, store.admin, SHIPPING, {"input": {"name": "Bad", "districts": ["Atlantis"]}})
    assert res.json()["data"]["shippingZoneCreate"]["errors"] == [
        {"field": "districts.0", "code": "INVALID_REGION"}
    ]
    method = """mutation M($input: ShippingMethodInput!) {
      shippingMethodCreate(input: $input) {
        method { code kind amount { amount currency } } errors { field code } } }"""
    variables = {
        "input": {
            "zoneId": zone["zone"]["id"],
            "code": "dhaka",
            "name": "Dhaka",
            "kind": "FLAT",
            "currency": "BDT",
            "amount": 6000,
        }
    }
    res = await gql(client, store.admin, method, variables)
    assert res.json()["data"]["shippingMethodCreate"] == {
        "method": {"code": "dhaka", "kind": "FLAT", "amount": {"amount": 6000, "currency": "BDT"}},
        "errors": [],
    }
    res = await gql(
        client, store.admin, method, {"input": {**variables["input"], "code": "w", "kind": "WEIGHT"}}
    )
    assert res.json()["data"]["shippingMethodCreate"]["errors"][0]["code"] == "INVALID"
    res = await gql(client, store.admin, ZONES)
    assert res.json()["data"]["shippingZones"] == [
        {"name": "Inside Dhaka", "methods": [{"code": "dhaka", "amount": {"amount": 6000}}]}
    ]
    other = await make_store("b")
    res = await gql(client, other.admin, ZONES)
    assert res.json()["data"]["shippingZones"] == []


async def test_reading_a_cart_takes_the_same_statements_for_one_line_or_twelve(
    client: httpx.AsyncClient, app: Any, make_store: MakeStore
) -> None:
    from tests.fixtures.cart import _variant, cart_with
    from tests.fixtures.database import statements

    counts = []
    for slug, n in (("one", 1), ("many", 12)):
        store = await make_store(slug)
        await seed_shop(store)
        variants = [await _variant(store, f"V{i}", 1000, 9, weight=10) for i in range(n)]
        _, token = await cart_with(store, dict.fromkeys(variants, 1))
        await persisted(client, store, "Cart", {"token": token})  # warms the token and promotion caches
        with statements(app.state.gateway.db.primary) as seen:
            res = await persisted(client, store, "Cart", {"token": token})
        assert len(res.json()["data"]["cart"]["lines"]) == n
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 12


async def test_saved_addresses_need_a_session_and_belong_to_it(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    res = await persisted(client, store, "CustomerAddressCreate", {"address": DHAKA})
    assert res.json()["data"]["customerAddressCreate"]["errors"][0]["code"] == "SIGN_IN_REQUIRED"
    sessions = []
    for email in ("a@example.com", "b@example.com"):
        res = await persisted(
            client, store, "CustomerRegister", {"input": {"email": email, "password": "correct horse 1"}}
        )
        sessions.append(res.json()["data"]["customerRegister"]["token"])
    res = await persisted(client, store, "CustomerAddressCreate", {"address": DHAKA}, customer=sessions[0])
    created = res.json()["data"]["customerAddressCreate"]
    assert created["errors"] == [] and created["address"]["isDefault"] is True
    address_id = created["address"]["id"]
    res = await persisted(client, store, "CustomerAddressDelete", {"id": address_id}, customer=sessions[1])
    assert res.json()["data"]["customerAddressDelete"]["errors"][0]["code"] == "NOT_FOUND"
    res = await persisted(
        client,
        store,
        "CustomerAddressUpdate",
        {"id": address_id, "address": {**DHAKA, "postcode": "12"}},
        customer=sessions[0],
    )
    assert res.json()["data"]["customerAddressUpdate"]["errors"][0]["field"] == "address.postcode"
    res = await persisted(client, store, "Me", {}, customer=sessions[0])
    assert [a["postcode"] for a in res.json()["data"]["me"]["addresses"]] == ["1205"]


async def test_a_customer_sees_their_own_orders_placed_from_their_cart(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    from domain.cart.services import find_cart, mark_converted
    from domain.checkout.draft import build_order_draft
    from domain.customers.sessions import resolve_session
    from domain.orders.placement import place_order
    from domain.promotions.cache import PromotionCache

    store = await make_store()
    shop = await seed_shop(store)
    sessions = []
    for email in ("a@example.com", "b@example.com"):
        res = await persisted(
            client, store, "CustomerRegister", {"input": {"email": email, "password": "correct horse 1"}}
        )
        sessions.append(res.json()["data"]["customerRegister"]["token"])
    res = await persisted(
        client,
        store,
        "CartCreate",
        {"lines": [{"variantId": _vid(shop.tee), "quantity": 2}]},
        customer=sessions[0],
    )
    cart = res.json()["data"]["cartCreate"]["cart"]
    res = await persisted(
        client, store, "CartAddressesUpdate", {"shippingAddress": DHAKA}, customer=sessions[0]
    )
    method = res.json()["data"]["cartAddressesUpdate"]["cart"]["availableShippingMethods"][0]["id"]
    await persisted(
        client, store, "CartShippingMethodUpdate", {"shippingMethodId": method}, customer=sessions[0]
    )
    async with store.uow() as uow:
        customer = await resolve_session(uow, sessions[0])
        found = await find_cart(uow, token=None, customer_id=customer)
        draft = await build_order_draft(uow, found, cache=PromotionCache())
        order = await place_order(uow, draft, actor="test")
        await mark_converted(uow, found.id)
        await uow.commit()
    assert draft.email == "a@example.com" and cart["total"]["amount"] == 160000

    res = await persisted(client, store, "CustomerOrders", {}, customer=sessions[0])
    (mine,) = res.json()["data"]["me"]["orders"]
    assert mine["number"] == order.number and mine["total"] == {"amount": 166000, "currency": "BDT"}
    assert [(line["sku"], line["quantity"]) for line in mine["lines"]] == [("TEE", 2)]
    res = await persisted(client, store, "CustomerOrders", {}, customer=sessions[1])
    assert res.json()["data"]["me"]["orders"] == []
    # The converted cart is gone from the session; a new cart starts empty.
    res = await persisted(client, store, "Cart", {}, customer=sessions[0])
    assert res.json()["data"]["cart"] is None
