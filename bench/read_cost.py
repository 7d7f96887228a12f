"""Where an uncached storefront read spends its time, in-process: `python -m bench.read_cost`.

The gateway (response cache off, production settings) is called as an ASGI callable, one request at a
time, on the demo catalog of the storefront suite. Per case it reports the wall time, the CPU time of this
process (`time.process_time`: Python only, PostgreSQL runs in other processes, so it is stable even on a
loaded machine), the SQL statements sent and their time seen from the client; then each statement of one
request replayed in a transaction with the request's own tenant settings under `EXPLAIN ANALYZE` (the
server's planning and execution time). `--profile FILE` writes a cProfile of the listing requests.

The HTTP rows under load are `python -m bench --suite storefront`; this module says why they are what they
are (CPU ms per request x concurrency / cores is the floor of the latency under load).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from bench import database
from bench.hit_path import _Call
from bench.inprocess import GRAPHQL_RESPONSE
from bench.storefront import SEARCH_TERMS
from gateway.app import create_app
from gateway.settings import Settings
from persisted_queries.manifest import load_documents


@dataclass
class Recorder:
    """Statements (text, parameters, client-side seconds) sent while `on` is set."""

    on: bool = False
    seen: list[tuple[str, Any, float]] = field(default_factory=list)
    _started: dict[int, float] = field(default_factory=dict)

    def before(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if self.on:
            self._started[id(cursor)] = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if self.on:
            started = self._started.pop(id(cursor), time.perf_counter())
            self.seen.append((statement, parameters, time.perf_counter() - started))


@dataclass
class Cost:
    case: str
    n: int
    wall_ms: list[float]
    cpu_ms: list[float]
    statements: int
    sql_client_ms: float
    explained: list[tuple[str, float, float]]

    def line(self) -> str:
        return (
            f"| {self.case} | {self.n} | {statistics.median(self.wall_ms):.2f} | "
            f"{statistics.mean(self.cpu_ms):.2f} | {statistics.median(self.cpu_ms):.2f} | "
            f"{self.statements} | "
            f"{self.sql_client_ms:.2f} | {sum(p + e for _, p, e in self.explained):.2f} |"
        )


def _body(document_id: str, variables: dict[str, Any]) -> bytes:
    ext = {"persistedQuery": {"version": 1, "sha256Hash": document_id}}
    return json.dumps({"variables": variables, "extensions": ext}, separators=(",", ":")).encode()


def _headers(token: str, body: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"host", b"127.0.0.1:8000"),
        (b"content-type", b"application/json"),
        (b"accept", GRAPHQL_RESPONSE.encode()),
        (b"authorization", f"Bearer {token}".encode()),
        (b"accept-language", b"bn"),
        (b"content-length", str(len(body)).encode()),
    ]


async def _explain(app: Any, seen: list[tuple[str, Any, float]]) -> list[tuple[str, float, float]]:
    """Each statement of one request under EXPLAIN ANALYZE, in one transaction that first runs the request's
    own `set_config` statements (tenant, trigram threshold), so row-level security and plans are the app's."""
    out: list[tuple[str, float, float]] = []
    engine = app.state.gateway.db.primary
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        async with driver.transaction():
            for statement, parameters, _ in seen:
                head = statement.lstrip()[:30].upper()
                params = list(parameters or ())
                if "SET_CONFIG" in statement.upper() or not head.startswith(("SELECT", "WITH")):
                    if head.startswith(("SELECT", "WITH")):
                        await driver.fetch(statement, *params)
                    continue
                rows = await driver.fetch(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", *params)
                raw_plan = rows[0][0]
                plan = (json.loads(raw_plan) if isinstance(raw_plan, str) else raw_plan)[0]
                label = " ".join(statement.split())[:90]
                out.append((label, float(plan["Planning Time"]), float(plan["Execution Time"])))
    return out


async def measure(args: argparse.Namespace) -> list[Cost]:
    db_url, redis_url = database.bench_urls(database.CATALOG_DATABASE)
    settings = Settings(
        environment="production",
        database_url=db_url,
        redis_url=redis_url,
        log_level="WARNING",
        response_cache=False,
        cost_bucket_size=10**9,
        cost_restore_rate=10**9,
    )
    credentials = await database.prepare_catalog(settings, args.products)
    token = credentials["storefront_token"]
    ids = {d.name: d.id for d in load_documents()}
    cases: list[tuple[str, list[bytes]]] = [
        ("ProductListing (20, facets)", [_body(ids["ProductListing"], {})]),
        ("ProductPage by slug", [_body(ids["ProductPage"], {"slug": f"demo-{i:05d}"}) for i in range(1, 51)]),
        ("Search", [_body(ids["Search"], {"query": t}) for t in SEARCH_TERMS]),
    ]
    app = create_app(settings)
    recorder = Recorder()
    out: list[Cost] = []
    async with app.router.lifespan_context(app):
        sync_engine = app.state.gateway.db.primary.sync_engine
        event.listen(sync_engine, "before_cursor_execute", recorder.before)
        event.listen(sync_engine, "after_cursor_execute", recorder.after)
        for label, bodies in cases[: 1 if args.listing_only else None]:
            calls = [_Call(app, _headers(token, b), b) for b in bodies]
            for call in calls * max(1, args.warmup // len(calls)):
                await call()
                if call.sent[0]["status"] != 200 or b'"errors"' in call.sent[1]["body"]:
                    raise SystemExit(f"bench: unexpected answer {call.sent[1]['body'][:300]!r}")
            profile = cProfile.Profile() if args.profile and label.startswith("ProductListing") else None
            wall: list[float] = []
            cpu: list[float] = []
            for i in range(args.requests):
                call = calls[i % len(calls)]
                w0, c0 = time.perf_counter(), time.process_time()
                if profile:
                    profile.enable()
                await call()
                if profile:
                    profile.disable()
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            if profile:
                profile.dump_stats(args.profile)
            recorder.seen.clear()
            recorder.on = True
            await calls[0]()
            recorder.on = False
            seen = list(recorder.seen)
            explained = await _explain(app, seen)
            client = sum(s for _, _, s in seen) * 1000
            out.append(Cost(label, args.requests, wall, cpu, len(seen), client, explained))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.read_cost", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per case")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--listing-only", action="store_true")
    parser.add_argument("--profile", metavar="FILE", help="cProfile of the listing requests")
    args = parser.parse_args(argv)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    costs = asyncio.run(measure(args))
    print(f"load average before: {load}; after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        "| case | n | wall p50 ms | CPU mean ms | CPU p50 ms | statements | SQL client ms | "
        "SQL EXPLAIN ANALYZE ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cost in costs:
        print(cost.line())
    for cost in costs:
        print(f"\n{cost.case}: planning + execution ms per statement")
        for label, planning, execution in cost.explained:
            print(f"  {planning:7.3f} + {execution:7.3f}  {label}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
