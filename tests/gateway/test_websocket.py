"""WebSocket /graphql speaks graphql-transport-ws only; the token comes in connection_init."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from domain.access.models import TokenKind
from domain.db import Database
from gateway.settings import Settings
from tests.fixtures.server import LiveServer
from tests.fixtures.tenancy import MakeStore
from workers.relay import relay_once

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = 'subscription { domainEvents(types: ["role.created"]) { id type data correlationId } }'
ROLE_CREATE = 'mutation { roleCreate(input: {name: "ops"}) { role { id } errors { code } } }'


async def init(ws, token: str | None) -> dict:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def test_partner_receives_store_events_live(
    live_server: LiveServer, make_store: MakeStore, settings: Settings, db: Database
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    async with (
        connect(live_server.ws, subprotocols=[PROTOCOL]) as ws_a,
        connect(live_server.ws, subprotocols=[PROTOCOL]) as ws_b,
    ):
        assert (await init(ws_a, a.partner))["type"] == "connection_ack"
        assert (await init(ws_b, b.partner))["type"] == "connection_ack"
        for ws in (ws_a, ws_b):
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        await asyncio.sleep(0.3)  # let both subscriptions reach Redis before the event is published

        async with httpx.AsyncClient(base_url=live_server.http) as http:
            res = await http.post(
                "/graphql",
                json={"query": ROLE_CREATE},
                headers={"authorization": f"Bearer {a.admin}", "x-request-id": "req-ws-1"},
            )
        assert res.json()["data"]["roleCreate"]["errors"] == [], res.text
        pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
        await relay_once(db, pool, settings)
        await pool.aclose()

        message = json.loads(await asyncio.wait_for(ws_a.recv(), 5))
        assert message["type"] == "next" and message["id"] == "1"
        event = message["payload"]["data"]["domainEvents"]
        assert event["type"] == "role.created"
        assert event["correlationId"] == "req-ws-1"
        assert event["data"]["name"] == "ops"
        with pytest.raises(TimeoutError):  # store B's partner hears nothing of store A
            await asyncio.wait_for(ws_b.recv(), 0.5)


async def test_bad_token_is_refused_with_4403(live_server: LiveServer) -> None:
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer nope"}}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_token_without_scope_cannot_subscribe(live_server: LiveServer, make_store: MakeStore) -> None:
    a = await make_store("a")
    reader = await a.token(TokenKind.PARTNER, ["catalog:read"], "no-events")
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        assert (await init(ws, reader))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert message["type"] == "error" or message["payload"].get("errors")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_storefront_token_may_not_send_a_raw_document(
    live_server: LiveServer, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        assert (await init(ws, a.storefront))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"


async def test_legacy_graphql_ws_protocol_is_off(live_server: LiveServer) -> None:
    try:
        async with connect(live_server.ws, subprotocols=["graphql-ws"]) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4406
    except InvalidStatus:
        pass  # refused during the handshake: also off
