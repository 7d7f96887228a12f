"""paymentStart from a storefront: the caller proves the order is theirs (the customer session that owns
it, or the order's access token from checkoutComplete); anything else is NOT_FOUND, the same answer as an
unknown order, and changes nothing. The earlier documents keep answering by their ids."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers.services import create_customer
from domain.customers.sessions import open_session
from domain.payments.models import Provider
from domain.pricing.inputs import CustomerInput
from gateway.settings import Settings
from persisted_queries.manifest import RETIRED, load_documents, manifest
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import persisted
from tests.fixtures.checkout import checkout, dhaka_flat, ready_cart
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.orders import sellable
from tests.fixtures.payments import configure, make_order, order_access
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

NOT_FOUND = [{"field": "orderId", "code": "NOT_FOUND", "message": "no order with this id"}]
START = """
mutation Start($orderId: ID!) {
  paymentStart(orderId: $orderId, provider: COD) { payment { id status } errors { field code message } }
}"""


async def _start(
    client: httpx.AsyncClient,
    store: StoreFixture,
    order_gid: str,
    *,
    token: str | None = None,
    customer: str | None = None,
    provider: str = "BKASH",
) -> dict[str, Any]:
    variables: dict[str, Any] = {"orderId": order_gid, "provider": provider}
    if token is not None:
        variables["orderAccessToken"] = token
    headers = {"x-customer-token": customer} if customer else None
    data = await persisted(client, store.storefront, "PaymentStart", variables, headers=headers)
    payload: dict[str, Any] = data["paymentStart"]
    return payload


async def _customer(store: StoreFixture, email: str) -> tuple[uuid.UUID, str]:
    async with store.uow() as uow:
        customer = await create_customer(uow, CustomerInput(email=email))
        session = await open_session(uow, customer.id)
        await uow.commit()
    return customer.id, session


async def _nothing_started(engine: AsyncEngine, store: StoreFixture) -> None:
    assert await count(engine, "payment_attempts") == 0
    assert not [e for e in await outbox(engine, store.id) if e["type"].startswith("payment.")]


async def test_a_guest_pays_only_with_the_token_checkout_complete_gave(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine, fake_bkash: FakeBkash
) -> None:
    store = await make_store()
    await configure(store, Provider.BKASH, fake_bkash.account())
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5, price=80_000)
    cart = await ready_cart(store, method, {item.variant_id: 1})
    first = (await checkout(client, store.storefront, cart.token, key="k-1", payment_method="BKASH")).json()
    placed = first["data"]["checkoutComplete"]
    token = placed["orderAccessToken"]
    assert placed["errors"] == [] and token.startswith("soa_") and len(token) > 40
    # A replay of the key answers the same token (the shopper may have lost the first answer).
    again = (await checkout(client, store.storefront, cart.token, key="k-1", payment_method="BKASH")).json()
    assert again["data"]["checkoutComplete"]["replayed"] is True
    assert again["data"]["checkoutComplete"]["orderAccessToken"] == token
    other_cart = await ready_cart(store, method, {item.variant_id: 1})
    other = (
        await checkout(client, store.storefront, other_cart.token, key="k-2", payment_method="BKASH")
    ).json()
    other_token = other["data"]["checkoutComplete"]["orderAccessToken"]
    assert other_token != token
    order_gid = placed["order"]["id"]
    unknown = await _start(client, store, encode_global_id("Order", uuid.uuid4()), token=token)
    assert unknown == {"payment": None, "errors": NOT_FOUND}
    # No token, a wrong one, another order's: the answer of an unknown order, nothing written.
    for wrong in (None, "", "soa_" + "A" * 43, other_token, token + "x"):
        assert await _start(client, store, order_gid, token=wrong) == unknown, wrong
    assert await _start(client, store, order_gid, token="x" * 201) == {
        "payment": None,
        "errors": [{"field": "orderAccessToken", "code": "INVALID", "message": "not an order access token"}],
    }
    await _nothing_started(owner_engine, store)
    assert fake_bkash.script.calls["create"] == 0
    started = await _start(client, store, order_gid, token=token)
    assert started["errors"] == []
    assert started["payment"]["status"] == "PENDING"
    assert started["payment"]["redirectUrl"].startswith(fake_bkash.base)
    assert await count(owner_engine, "payment_attempts") == 1
    # The plaintext is nowhere in the database: only its hash, on the order.
    hashes = await fetch(owner_engine, "SELECT access_token_hash AS h FROM orders ORDER BY number")
    assert [len(r["h"]) for r in hashes] == [64, 64] and token not in {r["h"] for r in hashes}


async def test_a_customer_starts_payments_for_their_own_orders_only(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    alice, alice_session = await _customer(store, "alice@example.com")
    _, bob_session = await _customer(store, "bob@example.com")
    alices = encode_global_id("Order", await make_order(store, 30_000, "BDT", "cod", customer_id=alice))
    guests = encode_global_id("Order", await make_order(store, 30_000, "BDT", "cod"))
    # Bob's session does not make Alice's order his; Alice's does not make a guest order hers.
    assert await _start(client, store, alices, customer=bob_session, provider="COD") == {
        "payment": None,
        "errors": NOT_FOUND,
    }
    assert (await _start(client, store, guests, customer=alice_session, provider="COD"))[
        "errors"
    ] == NOT_FOUND
    # A session that is not a session.
    assert (await _start(client, store, alices, customer="nope", provider="COD"))["errors"] == NOT_FOUND
    await _nothing_started(owner_engine, store)
    mine = await _start(client, store, alices, customer=alice_session, provider="COD")
    assert mine["errors"] == [] and mine["payment"]["status"] == "PENDING"


async def test_staff_start_payments_without_proof_and_other_stores_see_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings
) -> None:
    store, other = await make_store("a"), await make_store("b")
    order_id = await make_order(store, 30_000, "BDT", "cod")
    token = await order_access(store, order_id, settings)
    gid = encode_global_id("Order", order_id)
    # Store b's storefront, even holding the right token, does not see store a's order.
    assert await _start(client, other, gid, token=token, provider="COD") == {
        "payment": None,
        "errors": NOT_FOUND,
    }
    res = (await gql(client, store.admin, START, {"orderId": gid})).json()["data"]["paymentStart"]
    assert res["errors"] == [] and res["payment"]["status"] == "PENDING"


async def test_the_previous_documents_keep_answering_by_their_ids(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    retired = {d.name: d for d in load_documents(RETIRED)}
    current = {d.name: d for d in load_documents()}
    assert set(retired) == {"PaymentStart", "CheckoutComplete"}
    ids = {op["id"] for op in manifest()["operations"]}
    for name, doc in retired.items():
        assert doc.id != current[name].id and {doc.id, current[name].id} <= ids
    store = await make_store()
    customer, session = await _customer(store, "carol@example.com")
    gid = encode_global_id("Order", await make_order(store, 30_000, "BDT", "cod", customer_id=customer))
    body = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": retired["PaymentStart"].id}},
        "variables": {"orderId": gid, "provider": "COD"},
    }
    headers = {
        "accept": "application/graphql-response+json",
        "authorization": f"Bearer {store.storefront}",
        "x-customer-token": session,
    }
    res = (await client.post("/graphql", json=body, headers=headers)).json()
    assert res["data"]["paymentStart"]["errors"] == []
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5)
    cart = await ready_cart(store, method, {item.variant_id: 1})
    body = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": retired["CheckoutComplete"].id}},
        "variables": {"input": {"cartToken": cart.token, "paymentMethod": "COD"}, "idempotencyKey": "old"},
    }
    guest = {k: v for k, v in headers.items() if k != "x-customer-token"}
    res = (await client.post("/graphql", json=body, headers=guest)).json()
    assert res["data"]["checkoutComplete"]["errors"] == []
    assert "orderAccessToken" not in res["data"]["checkoutComplete"]
