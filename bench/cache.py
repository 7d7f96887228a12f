"""The response cache, in-process: the persisted `Shop` request from a storefront token with the cache off,
served from the memory tier, and served from the Redis tier (memory tier sized to nothing). Each case runs
a gateway app with its lifespan (so the purge subscription, and with it the principal cache, is up) and
checks the `X-Cache` header of every answer, so a case measures the tier it names."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.inprocess import GRAPHQL_RESPONSE, _time_calls, check, persisted_body
from bench.over_http import _drive, cpu_seconds, server
from bench.stats import Measurement
from gateway.app import create_app
from gateway.settings import Settings

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("Shop, persisted (storefront), cache off", {"response_cache": False}, "BYPASS", "executes"),
    ("Shop, persisted (storefront), Redis tier", {"response_cache_memory_max_entries": 0}, "HIT-REDIS", ""),
    ("Shop, persisted (storefront), memory tier", {}, "HIT-MEMORY", "no DB, no Redis"),
]


async def requests(
    settings: Settings, *, shop_id: str, storefront: str, n: int, warmup: int
) -> list[Measurement]:
    out = []
    headers = {"authorization": f"Bearer {storefront}", "accept": GRAPHQL_RESPONSE}
    for case, overrides, expected, note in CASES:
        app = create_app(settings.model_copy(update=overrides))
        state = app.state.gateway
        async with app.router.lifespan_context(app):
            await state.subscriber.up.wait()
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                first = True

                async def call(client: httpx.AsyncClient = client, expected: str = expected) -> None:
                    nonlocal first
                    response = await client.post("/graphql", json=persisted_body(shop_id), headers=headers)
                    check(response)
                    if not first and response.headers.get("x-cache") != expected:
                        raise SystemExit(f"bench: expected X-Cache {expected}, got {response.headers}")
                    first = False

                out.append(await _time_calls("in-process cache", case, call, n=n, warmup=warmup, note=note))
                cached = await client.post("/graphql", json=persisted_body(shop_id), headers=headers)
    out.append(await _floor(cached.content, cached.headers["content-type"], shop_id, n=n, warmup=warmup))
    return out


async def _floor(body: bytes, content_type: str, shop_id: str, *, n: int, warmup: int) -> Measurement:
    """A bare Starlette route answering the same bytes through the same transport: what no cache can beat."""

    async def answer(request: Request) -> Response:
        await request.body()
        return Response(body, media_type=content_type)

    app = Starlette(routes=[Route("/graphql", answer, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

        async def call() -> None:
            check(await client.post("/graphql", json=persisted_body(shop_id)))

        return await _time_calls(
            "in-process cache", "bare Starlette route, same bytes", call, n=n, warmup=warmup, note="the floor"
        )


HTTP_CASES: list[tuple[str, dict[str, str]]] = [
    ("Shop, persisted (storefront), cache off", {"STORMCOM_RESPONSE_CACHE": "false"}),
    ("Shop, persisted (storefront), Redis tier", {"STORMCOM_RESPONSE_CACHE_MEMORY_MAX_ENTRIES": "0"}),
    ("Shop, persisted (storefront), memory tier", {}),
]


async def over_http(
    env: dict[str, str], *, shop_id: str, storefront: str, n: int, warmup: int, concurrency: int
) -> list[Measurement]:
    """The same three cases through uvicorn; the server's CPU per request is the figure that compares."""
    out = []
    headers = {"authorization": f"Bearer {storefront}", "accept": GRAPHQL_RESPONSE}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    for case, overrides in HTTP_CASES:
        with server({**env, "STORMCOM_RESPONSE_CACHE": "true", **overrides}) as (base, pid):
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                payload = persisted_body(shop_id)
                await _drive(client, payload, headers, n=warmup, concurrency=concurrency)
                cpu_before = cpu_seconds(pid)
                samples, wall = await _drive(client, payload, headers, n=n, concurrency=concurrency)
                cpu_after = cpu_seconds(pid)
                note = ""
                if cpu_before is not None and cpu_after is not None:
                    note = f"server CPU {(cpu_after - cpu_before) / n * 1000:.2f} ms/req"
                out.append(Measurement("HTTP (uvicorn) cache", case, concurrency, samples, wall, note))
    return out
