"""The Python cost of one cached listing answer, in-process and without a client library: the app called as
an ASGI callable with a scope as uvicorn builds it. Three cases: the gateway with the hit path
(gateway/hit_path.py), the gateway without it (the full middleware stack answering from the same memory
tier), and a bare Starlette route answering the same bytes. The machine's load moves the HTTP rows; these
move far less, so they show what the hit path saves per request."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message

from bench.inprocess import GRAPHQL_RESPONSE, _time_calls
from bench.stats import Measurement
from gateway.app import create_app
from gateway.settings import Settings

SCENARIO = "in-process, raw ASGI"


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": headers,
        "state": {},
    }


class _Call:
    """One POST through an ASGI app; keeps what it sent back."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.app = app
        self.headers = headers
        self.message: Message = {"type": "http.request", "body": body, "more_body": False}
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        return self.message

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    async def __call__(self) -> None:
        self.sent.clear()
        await self.app(_scope(self.headers), self.receive, self.send)

    def x_cache(self) -> str | None:
        start = self.sent[0]
        return next((v.decode() for k, v in start["headers"] if k == b"x-cache"), None)


async def requests(
    settings: Settings, *, listing_id: str, storefront: str, locale: str, n: int, warmup: int
) -> list[Measurement]:
    body = json.dumps(
        {"variables": {}, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": listing_id}}},
        separators=(",", ":"),
    ).encode()
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"content-type", b"application/json"),
        (b"accept", GRAPHQL_RESPONSE.encode()),
        (b"authorization", f"Bearer {storefront}".encode()),
        (b"accept-language", locale.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    out: list[Measurement] = []
    answer = b""
    for case, fast in (("listing, memory hit, hit path", True), ("listing, memory hit, full stack", False)):
        app = create_app(settings.model_copy(update={"response_cache_fast_path": fast}))
        state = app.state.gateway
        async with app.router.lifespan_context(app):
            await state.subscriber.up.wait()
            call = _Call(app, headers, body)
            await call()  # computes (or fetches from Redis) and fills the memory tier
            await call()
            if call.x_cache() != "HIT-MEMORY":
                raise SystemExit(f"bench: expected a memory hit, got {call.sent[0]}")
            answer = call.sent[1]["body"]
            note = f"{len(answer):,} B; no client library"
            out.append(await _time_calls(SCENARIO, case, call, n=n, warmup=warmup, note=note))

    async def bare_route(request: Request) -> Response:
        await request.body()
        return Response(answer, media_type=f"{GRAPHQL_RESPONSE}; charset=utf-8")

    bare = Starlette(routes=[Route("/graphql", bare_route, methods=["GET", "POST"])])
    call = _Call(bare, headers, body)
    note = "the same bytes: the floor"
    out.append(await _time_calls(SCENARIO, "bare Starlette route", call, n=n, warmup=warmup, note=note))
    return out
