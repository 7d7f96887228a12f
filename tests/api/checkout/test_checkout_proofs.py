"""The proofs of issue 5, over real HTTP against a gateway process (uvicorn):

- 200 concurrent checkouts of a variant with 10 units: exactly 10 orders, on-hand 0, the ledger balances,
  everyone else INSUFFICIENT_STOCK;
- the same checkout retried concurrently, and after a process was killed mid-checkout: one order, one
  payment; the killed process lost no stock (its reservation expired by itself).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.inventory.availability import available
from gateway.settings import Settings
from tests.fixtures.checkout import GQL_RESPONSE, checkout_body, dhaka_flat, ready_cart
from tests.fixtures.database import count, fetch
from tests.fixtures.orders import ledger_mismatches, sellable
from tests.fixtures.processes import environment, gateway_process
from tests.fixtures.tenancy import MakeStore, StoreFixture

CHECKOUTS = 200


async def _post(client: httpx.AsyncClient, store: StoreFixture, cart_token: str, key: str) -> httpx.Response:
    headers = {"accept": GQL_RESPONSE, "authorization": f"Bearer {store.storefront}", "idempotency-key": key}
    return await client.post("/graphql", json=checkout_body(cart_token), headers=headers)


def _codes(res: httpx.Response) -> list[str]:
    body = res.json()
    assert "errors" not in body, body
    return [e["code"] for e in body["data"]["checkoutComplete"]["errors"]]


async def test_200_concurrent_checkouts_of_10_units_place_exactly_10_orders(
    make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings
) -> None:
    # given a variant with 10 units and 200 carts that each want one
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=10)
    carts = [await ready_cart(store, method, {item.variant_id: 1}) for _ in range(CHECKOUTS)]
    # when all 200 complete their checkout at once over HTTP
    with gateway_process(settings) as server:
        limits = httpx.Limits(max_connections=CHECKOUTS)
        async with httpx.AsyncClient(base_url=server.http, limits=limits, timeout=120) as client:
            responses = await asyncio.gather(
                *(_post(client, store, c.token, f"k-{i}") for i, c in enumerate(carts))
            )
    # then exactly 10 orders, and everyone else is told INSUFFICIENT_STOCK
    outcomes = Counter(tuple(_codes(r)) for r in responses)
    assert outcomes == {(): 10, ("INSUFFICIENT_STOCK",): CHECKOUTS - 10}, outcomes
    assert await count(owner_engine, "orders") == 10
    numbers = await fetch(owner_engine, "SELECT number FROM orders ORDER BY number")
    assert [r["number"] for r in numbers] == list(range(1, 11))
    levels = await fetch(
        owner_engine, "SELECT on_hand FROM stock_levels WHERE variant_id = :v", v=item.variant_id
    )
    assert [r["on_hand"] for r in levels] == [0]
    assert await ledger_mismatches(owner_engine, store.id) == []
    sold = await fetch(
        owner_engine, "SELECT sum(delta) AS s FROM inventory_adjustments WHERE reason = 'sold'"
    )
    assert sold[0]["s"] == -10
    assert await count(owner_engine, "stock_reservations") == 0
    assert await count(owner_engine, "payment_attempts") == 10


async def test_a_checkout_retried_concurrently_places_one_order_and_one_payment(
    make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5)
    cart = await ready_cart(store, method, {item.variant_id: 2})
    with gateway_process(settings) as server:
        async with httpx.AsyncClient(base_url=server.http, timeout=60) as client:
            responses = await asyncio.gather(
                *(_post(client, store, cart.token, "same-key") for _ in range(20))
            )
            # and once more after they all finished: the stored first answer
            last = await _post(client, store, cart.token, "same-key")
    assert {r.status_code for r in responses} <= {200, 409}
    ids = {
        r.json()["data"]["checkoutComplete"]["order"]["id"]
        for r in [*responses, last]
        if r.status_code == 200
    }
    assert len(ids) == 1
    assert last.json()["data"]["checkoutComplete"]["replayed"] is True
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1
    assert await ledger_mismatches(owner_engine, store.id) == []


@pytest.mark.parametrize("kill_after", ["claimed", "reserved"])
async def test_a_gateway_killed_mid_checkout_loses_no_stock_and_the_retry_places_one_order(
    make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings, kill_after: str
) -> None:
    # given a checkout process killed right after claiming its key (or reserving its stock)
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=2)
    cart = await ready_cart(store, method, {item.variant_id: 2})
    [token] = await fetch(
        owner_engine, "SELECT id FROM api_tokens WHERE store_id = :s AND kind = 'storefront'", s=store.id
    )
    args = {
        "url": settings.app_url,
        "store_id": str(store.id),
        "token_id": str(token["id"]),
        "cart_token": cart.token,
        "key": "crash-key",
        "kill_after": kill_after,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.api.checkout.crash_cart_checkout",
        json.dumps(args),
        env=environment(settings),
    )
    assert await proc.wait() == -signal.SIGKILL
    # then nothing is half-written and no stock is lost: the reservation it may hold has expired
    assert await count(owner_engine, "orders") == 0
    assert await count(owner_engine, "stock_reservations") == (1 if kill_after == "reserved" else 0)
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 2
    # and the shopper's retry over HTTP with the same key takes over and places exactly one order
    with gateway_process(settings) as server:
        async with httpx.AsyncClient(base_url=server.http, timeout=60) as client:
            first = await _post(client, store, cart.token, "crash-key")
            again = await _post(client, store, cart.token, "crash-key")
    assert _codes(first) == [] and _codes(again) == []
    placed, replay = first.json()["data"]["checkoutComplete"], again.json()["data"]["checkoutComplete"]
    assert placed["replayed"] is False and replay["replayed"] is True
    assert placed["order"]["id"] == replay["order"]["id"]
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1
    assert await count(owner_engine, "stock_reservations") == 0
    assert await ledger_mismatches(owner_engine, store.id) == []
