"""Partners over a real WebSocket: typed subscriptions, grants, resuming with `after`, persisted documents."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from domain.events.envelope import EventEnvelope
from domain.events.patterns import TypePatterns
from gateway.settings import Settings
from resolvers.events.typed import PRODUCT_TYPES, product_ids
from resolvers.ids import decode_global_id, encode_global_id
from tests.fixtures.catalog_admin import new_product, new_variant
from tests.fixtures.database import fetch
from tests.fixtures.server import LiveServer
from tests.fixtures.subscriptions import EVENTS, emit, open_socket, receive, relay, subscribe, until_active
from tests.fixtures.tenancy import MakeStore

PRODUCTS = "subscription { productUpdated { event { id type } productIds } }"
INVENTORY = """subscription ($ids: [ID!]) {
  inventoryChanged(variantIds: $ids) { event { type } variantId location } }"""
ORDER = "subscription ($id: ID!) { orderUpdated(id: $id) { event { type data } orderId } }"
STOCK_SET = """mutation ($id: ID!, $n: Int!) {
  productVariantStockSet(variantId: $id, input: {onHand: $n}) { errors { code } } }"""
REGISTER = """mutation ($body: String!) {
  persistedDocumentRegister(body: $body) { document { sha256 } errors { code } } }"""


async def collect(ws: Any, wanted: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """`next` payloads by subscription id until each id has the number wanted."""
    got: dict[str, list[dict[str, Any]]] = defaultdict(list)
    while any(len(got[k]) < n for k, n in wanted.items()):
        try:
            message = await receive(ws)
        except TimeoutError:
            raise AssertionError(f"waited in vain for {wanted}, got {dict(got)}") from None
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        got[message["id"]].append(message["payload"]["data"])
        assert len(got[message["id"]]) <= wanted.get(message["id"], 0), (message, wanted)
    return got


async def test_typed_subscriptions_receive_their_events(
    live_server: LiveServer,
    make_store: MakeStore,
    db: Database,
    settings: Settings,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    order, other_order = uuid.uuid4(), uuid.uuid4()
    async with httpx.AsyncClient(base_url=live_server.http) as http:
        product = await new_product(http, a.admin, title="Tea")
        v1 = await new_variant(http, a.admin, product["id"], "TEA-1")
        v2 = await new_variant(http, a.admin, product["id"], "TEA-2")
        await relay(db, settings)  # what happened before anyone subscribed is not sent live

        ws, ack = await open_socket(live_server.ws, a.partner)
        assert ack["payload"]["eventTypes"] == ["*"]
        await subscribe(ws, "p", PRODUCTS)
        await subscribe(ws, "i", INVENTORY, {"ids": [v1["id"]]})
        await subscribe(ws, "o", ORDER, {"id": encode_global_id("Order", order)})
        await until_active(live_server.http, 3)

        for variant, n in ((v2, 5), (v1, 7)):
            res = await http.post(
                "/graphql",
                json={"query": STOCK_SET, "variables": {"id": variant["id"], "n": n}},
                headers={"authorization": f"Bearer {a.admin}"},
            )
            assert res.json()["data"]["productVariantStockSet"]["errors"] == []
        await emit(a, "order.created", {"id": str(order)})
        await emit(a, "order.created", {"id": str(other_order)})
        await emit(a, "order.paid", {"id": str(order), "amount": 1000, "currency": "BDT"})
        product_uuid = decode_global_id(product["id"], "Product")
        await emit(a, "variant.updated", {"id": str(uuid.uuid4()), "product_ids": [str(product_uuid)]})
        await relay(db, settings)

    got = await collect(ws, {"p": 1, "i": 1, "o": 2})
    assert got["i"] == [
        {
            "inventoryChanged": {
                "event": {"type": "stock.updated"},
                "variantId": v1["id"],
                "location": "default",
            }
        }
    ]
    assert [d["orderUpdated"]["event"]["type"] for d in got["o"]] == ["order.created", "order.paid"]
    assert {d["orderUpdated"]["orderId"] for d in got["o"]} == {encode_global_id("Order", order)}
    assert got["p"][0]["productUpdated"]["event"]["type"] == "variant.updated"
    assert got["p"][0]["productUpdated"]["productIds"] == [product["id"]]
    await ws.close()


async def test_product_updates_name_the_products_they_change(
    live_server: LiveServer,
    make_store: MakeStore,
    db: Database,
    settings: Settings,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    ws, _ = await open_socket(live_server.ws, a.partner)
    await subscribe(ws, "p", PRODUCTS)
    await until_active(live_server.http, 1)
    async with httpx.AsyncClient(base_url=live_server.http) as http:
        product = await new_product(http, a.admin, title="Rice")
        await new_variant(http, a.admin, product["id"], "RICE-1")
    await relay(db, settings)
    rows = await fetch(
        owner_engine,
        "SELECT id, type, store_id, occurred_at, version, data, correlation_id FROM outbox_events"
        " WHERE store_id = :s ORDER BY stream_position",
        s=a.id,
    )
    only = TypePatterns.of(PRODUCT_TYPES)
    expected = [r for r in rows if only.matches(r["type"]) and product_ids(EventEnvelope(**r))]
    assert expected, "creating a product and a variant emits product events"
    got = (await collect(ws, {"p": len(expected)}))["p"]
    assert [d["productUpdated"]["event"]["id"] for d in got] == [str(r["id"]) for r in expected]
    for d in got:
        assert product["id"] in d["productUpdated"]["productIds"]
    await ws.close()


async def test_a_partner_resumes_after_a_disconnect_without_missing_anything(
    live_server: LiveServer, make_store: MakeStore, db: Database, settings: Settings
) -> None:
    a = await make_store("a")
    ws, _ = await open_socket(live_server.ws, a.partner)
    await subscribe(ws, "1", EVENTS, {"types": ["order.*"]})
    await until_active(live_server.http, 1)
    await emit(a, "order.created", {}, count=2)
    await relay(db, settings)
    seen = [m["events"] for m in (await collect(ws, {"1": 2}))["1"]]
    ws.transport.abort()
    await until_active(live_server.http, 0)

    missed = await emit(a, "order.updated", {}, count=3)
    await emit(a, "role.created", {})  # not asked for
    await relay(db, settings)

    ws, _ = await open_socket(live_server.ws, a.partner)
    await subscribe(ws, "1", EVENTS, {"types": ["order.*"], "after": seen[-1]["id"]})
    replayed = [m["events"] for m in (await collect(ws, {"1": 3}))["1"]]
    assert [e["id"] for e in replayed] == [str(i) for i in missed]
    later = await emit(a, "order.paid", {})
    await relay(db, settings)
    (live,) = (await collect(ws, {"1": 1}))["1"]
    assert live["events"]["id"] == str(later[0])
    assert int(live["events"]["position"]) > int(replayed[-1]["position"])
    await ws.close()


async def test_grants_limit_what_a_partner_receives(
    live_server: LiveServer, make_store: MakeStore, db: Database, settings: Settings
) -> None:
    a = await make_store("a")
    orders_only = await a.partner_token(["order.*"])
    ws, ack = await open_socket(live_server.ws, orders_only)
    assert ack["payload"]["eventTypes"] == ["order.*"]
    await subscribe(ws, "1", EVENTS)
    await until_active(live_server.http, 1)
    await emit(a, "role.created", {})
    await emit(a, "product.updated", {"id": str(uuid.uuid4())})
    (wanted,) = await emit(a, "order.created", {})
    await relay(db, settings)
    (got,) = (await collect(ws, {"1": 1}))["1"]
    assert got["events"]["id"] == str(wanted)
    await ws.close()

    nothing = await a.partner_token([])
    ws, ack = await open_socket(live_server.ws, nothing)
    await subscribe(ws, "1", EVENTS)
    message = await receive(ws)
    assert (
        message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "NOT_GRANTED"
    )
    assert (await receive(ws))["type"] == "complete"
    await ws.close()


async def test_persisted_subscription_documents_by_id(
    live_server: LiveServer, make_store: MakeStore, db: Database, settings: Settings
) -> None:
    a = await make_store("a")
    body = 'subscription PaidOrders { events(types: ["order.paid"]) { id type } }'
    digest = hashlib.sha256(body.encode()).hexdigest()
    async with httpx.AsyncClient(base_url=live_server.http) as http:
        res = await http.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"body": body}},
            headers={"authorization": f"Bearer {a.admin}"},
        )
    assert res.json()["data"]["persistedDocumentRegister"]["errors"] == [], res.text
    ws, _ = await open_socket(live_server.ws, a.partner)
    apollo = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    for sub_id, payload in (("apollo", apollo), ("spec", {"documentId": f"sha256:{digest}"})):
        await ws.send(json.dumps({"id": sub_id, "type": "subscribe", "payload": payload}))
    await until_active(live_server.http, 2)
    (paid,) = await emit(a, "order.paid", {})
    await relay(db, settings)
    got = await collect(ws, {"apollo": 1, "spec": 1})
    assert got["apollo"] == got["spec"] == [{"events": {"id": str(paid), "type": "order.paid"}}]

    refusals = [
        (
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
            "PERSISTED_QUERY_NOT_IN_LIST",
        ),
        ({**apollo, "query": body + " "}, "PERSISTED_QUERY_HASH_MISMATCH"),
        ({"documentId": "md5:abc"}, "PERSISTED_QUERY_INVALID"),
    ]
    for n, (payload, code) in enumerate(refusals):
        await ws.send(json.dumps({"id": f"bad{n}", "type": "subscribe", "payload": payload}))
        message = await receive(ws)
        assert message["type"] == "error" and message["id"] == f"bad{n}"
        assert message["payload"][0]["extensions"]["code"] == code
    await ws.close()


async def test_raw_documents_are_held_to_the_static_limits(
    live_server: LiveServer, make_store: MakeStore, settings: Settings
) -> None:
    a = await make_store("a")
    aliases = " ".join(f"a{i}: id" for i in range(settings.max_aliases + 1))
    ws, _ = await open_socket(live_server.ws, a.partner)
    await subscribe(ws, "1", "subscription { events { " + aliases + " } }")
    message = await receive(ws)
    await ws.close()
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "MAX_ALIASES_LIMIT"
