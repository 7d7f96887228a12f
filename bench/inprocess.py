"""In-process measurements: whole requests through the ASGI app with httpx.ASGITransport (middleware,
token lookup, persisted-document lookup or parse + validate + analyse, cost bucket, execution, JSON), one at
a time on one event loop; then the steps of the raw path called directly, to split its cost."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from inspect import isawaitable
from typing import Any

import httpx
from graphql import ExecutionResult, execute
from starlette.applications import Starlette

from bench.stats import Measurement
from gateway.auth import authenticate
from gateway.documents import PreparedDocument
from gateway.state import GatewayState
from resolvers.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = "{ __typename }"


def check(response: httpx.Response) -> None:
    """Benchmark answers, not errors: stop at the first response that is not a clean 200 with data."""
    body = response.json() if response.content else {}
    if response.status_code != 200 or body.get("errors") or not body.get("data"):
        raise SystemExit(f"bench: unexpected response {response.status_code}: {response.text[:500]}")


def persisted_body(document_id: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id}}}


async def _time_calls(
    scenario: str, case: str, call: Callable[[], Awaitable[Any]], *, n: int, warmup: int, note: str = ""
) -> Measurement:
    for _ in range(warmup):
        await call()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - t0)
    return Measurement(scenario, case, 1, samples, time.perf_counter() - started, note)


def _time_sync(
    scenario: str, case: str, call: Callable[[], Any], *, n: int, warmup: int, note: str = ""
) -> Measurement:
    for _ in range(warmup):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return Measurement(scenario, case, 1, samples, time.perf_counter() - started, note)


def request_cases(
    *, shop_id: str, shop_body: str, storefront: str, admin: str
) -> list[tuple[str, str, dict[str, Any], str]]:
    """(case, token, JSON body, note) of each measured request. The admin's persisted case sits between
    the two the comparison is about, so the table shows what the Redis bucket and what the parsing cost."""
    return [
        ("Shop, persisted id (storefront)", storefront, persisted_body(shop_id), "no cost bucket"),
        ("Shop, persisted id (admin)", admin, persisted_body(shop_id), "+ Redis cost bucket"),
        ("Shop, raw query (admin)", admin, {"query": shop_body}, "+ parse, validate, analyse"),
        ("{ __typename }, raw (admin)", admin, {"query": TYPENAME}, "no resolver touches PostgreSQL"),
    ]


async def requests(
    app: Starlette, *, shop_id: str, shop_body: str, storefront: str, admin: str, n: int, warmup: int
) -> list[Measurement]:
    """Whole requests through the app, one at a time (see `request_cases`)."""
    transport = httpx.ASGITransport(app=app)
    out = []
    cases = request_cases(shop_id=shop_id, shop_body=shop_body, storefront=storefront, admin=admin)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for case, token, payload, note in cases:
            headers = {"authorization": f"Bearer {token}", "accept": GRAPHQL_RESPONSE}

            async def call(payload: dict[str, Any] = payload, headers: dict[str, str] = headers) -> None:
                check(await client.post("/graphql", json=payload, headers=headers))

            out.append(await _time_calls("in-process ASGI", case, call, n=n, warmup=warmup, note=note))
    return out


async def steps(state: GatewayState, *, shop_body: str, admin: str, n: int, warmup: int) -> list[Measurement]:
    """The raw path's parts, called directly: token lookup, parse + validate + analyse, the Redis cost
    bucket, graphql-core `execute` of the prepared document; and Strawberry's `schema.execute` of the same
    text (parse + validate + execute each time), the path the custom handler replaced."""
    principal = await authenticate(state.db, f"Bearer {admin}")
    if principal is None:
        raise SystemExit("bench: the admin token does not authenticate")

    def context() -> Context:
        return Context(
            request_id=uuid.uuid4().hex,
            principal=principal,
            db=state.db,
            redis=state.redis,
            documents=state.preparer,
            default_page_size=state.settings.default_page_size,
        )

    async def run_prepared(prepared: PreparedDocument) -> None:
        result = execute(
            state.schema._schema,
            prepared.ast,
            context_value=context(),
            executor_class=state.schema.execution_context_class,
        )
        if isawaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        if result.errors:
            raise SystemExit(f"bench: execution failed: {result.errors}")

    async def via_strawberry(body: str) -> None:
        result = await state.schema.execute(body, context_value=context())
        if result.errors:
            raise SystemExit(f"bench: schema.execute failed: {result.errors}")

    async def token_lookup() -> None:
        await authenticate(state.db, f"Bearer {admin}")

    async def bucket() -> None:
        await state.budget.spend(str(principal.store_id), str(principal.token_id), 1)

    scenario = "in-process steps"
    out = [
        await _time_calls(scenario, "token lookup (authenticate)", token_lookup, n=n, warmup=warmup),
        await _time_calls(scenario, "cost bucket (Redis script)", bucket, n=n, warmup=warmup),
    ]
    for label, body in (("Shop", shop_body), ("{ __typename }", TYPENAME)):
        prepared = state.preparer.prepare(body, introspection=False)
        out.append(
            _time_sync(
                scenario,
                f"{label}: parse+validate+analyse (prepare)",
                partial(state.preparer.prepare, body, introspection=False),
                n=n,
                warmup=warmup,
            )
        )
        out.append(
            await _time_calls(
                scenario,
                f"{label}: execute prepared document",
                partial(run_prepared, prepared),
                n=n,
                warmup=warmup,
            )
        )
        out.append(
            await _time_calls(
                scenario,
                f"{label}: Strawberry schema.execute(text)",
                partial(via_strawberry, body),
                n=n,
                warmup=warmup,
            )
        )
    return out
