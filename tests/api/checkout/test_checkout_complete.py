"""checkoutComplete over HTTP: the persisted document, the idempotency contract, payload errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.inventory.ledger import adjust
from domain.inventory.models import AdjustmentReason
from tests.fixtures.checkout import checkout, dhaka_flat, ready_cart
from tests.fixtures.database import count, fetch, outbox, statements
from tests.fixtures.orders import ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore


def _payload(res: httpx.Response) -> dict[str, Any]:
    body = res.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["checkoutComplete"]
    return payload


async def test_a_guest_cart_becomes_one_cod_order_and_a_replay_returns_it(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5, price=80_000)
    cart = await ready_cart(store, method, {item.variant_id: 2})
    res = await checkout(client, store.storefront, cart.token, key=None, header_key="k-1")
    assert res.status_code == 200
    first = _payload(res)
    assert first["errors"] == [] and first["replayed"] is False
    order = first["order"]
    assert (order["number"], order["status"], order["paymentStatus"]) == (1, "PENDING", "UNPAID")
    assert order["total"] == {"amount": 166_000, "currency": "BDT"}
    assert (
        order["shippingAddress"]["district"] == "Dhaka"
        and order["shippingAddress"]["phone"] == "+8801711223344"
    )
    assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [(item.sku, 2)]
    # the same key again (as the argument this time): the first answer, nothing new
    again = _payload(await checkout(client, store.storefront, cart.token, key="k-1"))
    assert again["replayed"] is True and again["order"]["id"] == order["id"]
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1
    carts = await fetch(owner_engine, "SELECT status FROM carts WHERE id = :c", c=cart.id)
    assert [c["status"] for c in carts] == ["converted"]
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("order.created") == 1 and types.count("payment.started") == 1
    timeline = await fetch(owner_engine, "SELECT kind, actor FROM order_events ORDER BY created_at")
    assert [(t["kind"], t["actor"]) for t in timeline] == [("placed", "guest"), ("payment_started", "system")]
    assert await ledger_mismatches(owner_engine, store.id) == []


async def test_the_idempotency_contract_statuses(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5)
    cart = await ready_cart(store, method, {item.variant_id: 1})
    other = await ready_cart(store, method, {item.variant_id: 1})
    # no key at all
    res = await checkout(client, store.storefront, cart.token, key=None)
    assert [e["code"] for e in _payload(res)["errors"]] == ["IDEMPOTENCY_KEY_REQUIRED"]
    assert _payload(await checkout(client, store.storefront, cart.token, key="k-1"))["errors"] == []
    # the key with another cart: 422 IDEMPOTENCY_KEY_REUSED, nothing placed
    events_before = len(await outbox(owner_engine, store.id))
    res = await checkout(client, store.storefront, other.token, key="k-1")
    assert res.status_code == 422
    assert [(e["field"], e["code"]) for e in _payload(res)["errors"]] == [
        ("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")
    ]
    assert _payload(res)["order"] is None
    assert await count(owner_engine, "orders") == 1
    assert len(await outbox(owner_engine, store.id)) == events_before


async def test_concurrent_replays_place_one_order_and_one_payment(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=5)
    cart = await ready_cart(store, method, {item.variant_id: 1})
    responses = await asyncio.gather(
        *(checkout(client, store.storefront, cart.token, key="same") for _ in range(10))
    )
    placed = [_payload(r) for r in responses if r.status_code == 200]
    assert {r.status_code for r in responses} <= {200, 409}
    assert sum(1 for p in placed if p["order"] and not p["replayed"]) == 1
    assert len({p["order"]["id"] for p in placed if p["order"]}) == 1
    for r in responses:
        if r.status_code == 409:
            assert [e["code"] for e in _payload(r)["errors"]] == ["IDEMPOTENCY_KEY_IN_PROGRESS"]
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1


async def test_bad_input_and_unsellable_carts_are_payload_errors(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    item = await sellable(store, on_hand=1)
    cart = await ready_cart(store, method, {item.variant_id: 1})
    res = await checkout(client, store.storefront, "no-such-cart", key="k-a")
    assert [e["code"] for e in _payload(res)["errors"]] == ["CART_NOT_FOUND"]
    res = await checkout(client, store.storefront, cart.token, key="x" * 300)
    assert [e["code"] for e in _payload(res)["errors"]] == ["INVALID_IDEMPOTENCY_KEY"]
    # the stock went elsewhere after the line was added: the cart's problem is reported as a shortage
    async with store.uow() as uow:
        await adjust(uow, item.variant_id, -1, reason=AdjustmentReason.DAMAGED, actor="t")
        await uow.commit()
    res = await checkout(client, store.storefront, cart.token, key="k-b")
    assert [(e["field"], e["code"]) for e in _payload(res)["errors"]] == [
        ("lines.0.quantity", "INSUFFICIENT_STOCK")
    ]
    assert await count(owner_engine, "orders") == 0
    assert await count(owner_engine, "idempotency_keys") == 0
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert "order.created" not in types


async def test_checkout_statements_do_not_grow_with_lines(
    client: httpx.AsyncClient, make_store: MakeStore, app: Any
) -> None:
    store = await make_store()
    method = await dhaka_flat(store)
    items = [await sellable(store, on_hand=10) for _ in range(6)]
    small = await ready_cart(store, method, {items[0].variant_id: 1})
    large = await ready_cart(store, method, {i.variant_id: 2 for i in items})
    engine = app.state.gateway.db.primary
    with statements(engine) as one_line:
        assert _payload(await checkout(client, store.storefront, small.token, key="k-small"))["errors"] == []
    with statements(engine) as six_lines:
        assert _payload(await checkout(client, store.storefront, large.token, key="k-large"))["errors"] == []
    assert len(six_lines) == len(one_line), (len(one_line), len(six_lines))
