"""Two gateway processes: an event produced by a mutation served by one reaches subscribers on both."""

from __future__ import annotations

import httpx

from domain.db import Database
from gateway.settings import Settings
from tests.fixtures.processes import gateway_process
from tests.fixtures.subscriptions import EVENTS, open_socket, receive, relay, subscribe, until_active
from tests.fixtures.tenancy import MakeStore

ROLE_CREATE = 'mutation { roleCreate(input: {name: "packers"}) { role { id } errors { code } } }'


async def test_a_mutation_on_one_process_reaches_a_subscriber_on_another(
    settings: Settings, make_store: MakeStore, db: Database
) -> None:
    a = await make_store("a")
    with gateway_process(settings) as one, gateway_process(settings) as two:
        ws_two, ack = await open_socket(two.ws, a.partner)
        assert ack["type"] == "connection_ack"
        await subscribe(ws_two, "1", EVENTS, {"types": ["role.created"]})
        ws_one, _ = await open_socket(one.ws, a.partner)
        await subscribe(ws_one, "1", EVENTS, {"types": ["role.created"]})
        await until_active(two.http, 1)
        await until_active(one.http, 1)

        async with httpx.AsyncClient(base_url=one.http) as http:
            res = await http.post(
                "/graphql",
                json={"query": ROLE_CREATE},
                headers={"authorization": f"Bearer {a.admin}", "x-request-id": "req-across-1"},
            )
        assert res.json()["data"]["roleCreate"]["errors"] == [], res.text
        await relay(db, settings)  # the worker's relay: outbox -> Redis

        for ws in (ws_two, ws_one):
            message = await receive(ws)
            assert message["type"] == "next", message
            event = message["payload"]["data"]["events"]
            assert event["type"] == "role.created"
            assert event["correlationId"] == "req-across-1"
            assert event["data"]["name"] == "packers"
            await ws.close()
        await until_active(two.http, 0)
