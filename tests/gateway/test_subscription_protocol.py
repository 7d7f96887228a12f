"""graphql-transport-ws as the protocol says: close codes, the per-connection cap, keep-alive pings, and an
abrupt disconnect freeing its subscriptions. Real uvicorn, real WebSocket client."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gateway.settings import Settings
from tests.fixtures.server import LiveServer, serve
from tests.fixtures.subscriptions import EVENTS, PROTOCOL, open_socket, receive, subscribe, until_active
from tests.fixtures.tenancy import MakeStore


async def closed_with(ws: ClientConnection) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return int(closed.value.rcvd.code)


async def test_init_timeout_closes_4408(settings: Settings) -> None:
    with serve(settings.model_copy(update={"ws_init_timeout_seconds": 0.2})) as server:
        async with connect(server.ws, subprotocols=[PROTOCOL]) as ws:
            assert await closed_with(ws) == 4408


async def test_second_init_closes_4429(live_server: LiveServer, make_store: MakeStore) -> None:
    a = await make_store("a")
    ws, ack = await open_socket(live_server.ws, a.partner)
    assert ack["type"] == "connection_ack"
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {a.partner}"}})
    )
    assert await closed_with(ws) == 4429


async def test_subscribe_before_ack_closes_4401(live_server: LiveServer) -> None:
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        await subscribe(ws, "1", EVENTS)
        assert await closed_with(ws) == 4401


async def test_duplicate_id_closes_4409(live_server: LiveServer, make_store: MakeStore) -> None:
    a = await make_store("a")
    ws, _ = await open_socket(live_server.ws, a.partner)
    await subscribe(ws, "same", EVENTS)
    await until_active(live_server.http, 1)
    await subscribe(ws, "same", EVENTS)
    assert await closed_with(ws) == 4409
    await until_active(live_server.http, 0)


async def test_bad_token_closes_4403(live_server: LiveServer, make_store: MakeStore) -> None:
    a = await make_store("a")
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {a.partner}x"}})
        )
        assert await closed_with(ws) == 4403
    async with connect(live_server.ws, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert await closed_with(ws) == 4403


async def test_subscriptions_per_connection_are_capped(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    with serve(settings.model_copy(update={"ws_max_subscriptions": 2})) as server:
        ws, _ = await open_socket(server.ws, a.partner)
        await subscribe(ws, "1", EVENTS)
        await subscribe(ws, "2", EVENTS)
        await until_active(server.http, 2)
        await subscribe(ws, "3", EVENTS)
        refused = await receive(ws)
        assert refused["type"] == "error" and refused["id"] == "3"
        assert "limit" in refused["payload"][0]["message"]
        # Completing one frees its place.
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await until_active(server.http, 1)
        await subscribe(ws, "3", EVENTS)
        await until_active(server.http, 2)
        await ws.close()
        await until_active(server.http, 0)


async def test_server_sends_keepalive_pings(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    with serve(settings.model_copy(update={"ws_keepalive_seconds": 0.05})) as server:
        ws, _ = await open_socket(server.ws, a.partner)
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message == {"type": "ping"}
        await ws.send(json.dumps({"type": "pong"}))
        await ws.close()


async def test_abrupt_disconnect_frees_every_subscription(
    live_server: LiveServer, make_store: MakeStore
) -> None:
    a = await make_store("a")
    sockets = []
    for _ in range(3):
        ws, _ = await open_socket(live_server.ws, a.partner)
        await subscribe(ws, "1", EVENTS)
        await subscribe(ws, "2", EVENTS, {"types": ["role.*"]})
        sockets.append(ws)
    await until_active(live_server.http, 6)
    for ws in sockets:
        ws.transport.abort()  # no close frame: the TCP connection just goes away
    await until_active(live_server.http, 0)
