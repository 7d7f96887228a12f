"""`python -m bench`: set up stormcom_bench, measure in-process and over HTTP, print and write the results."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bench import (
    cache,
    database,
    hit_path,
    inprocess,
    orders,
    over_http,
    promotions,
    storefront,
    subscriptions,
    webhooks,
)
from bench.stats import Measurement, Reported, as_json, environment_table, markdown_table
from domain.db import create_database
from gateway.app import create_app
from gateway.settings import Settings
from persisted_queries.manifest import load_documents

RESULTS = Path(__file__).resolve().parent / "results"
# Its own database: other suites (and other checkouts) keep theirs.
ORDERS_DATABASE = os.environ.get("STORMCOM_BENCH_ORDERS_DB", "stormcom_bench_orders")
WEBHOOK_DATABASE = os.environ.get("STORMCOM_BENCH_WEBHOOK_DB", "stormcom_bench_webhooks")
ROOT = Path(__file__).resolve().parent.parent
# The bucket never empties during a run: the admin cases measure the Redis round trip, not throttling.
BUCKET = 10**9
# In-process answers of the cached listing per case with --pairs (about 10 µs each on the hit path).
HIT_PATH_CALLS = 20_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--name", default=f"{datetime.now(UTC):%Y%m%d}-{os.cpu_count()}cpu")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per case")
    parser.add_argument("--steps", type=int, default=2000, help="measured calls per step")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight over HTTP")
    parser.add_argument("--skip-http", action="store_true", help="only the in-process scenarios")
    parser.add_argument(
        "--suite",
        choices=("all", *SUITES),
        default="all",
        help=(
            "foundation: the request path on the Shop query; storefront: the catalog under wrk; "
            "subscriptions: live event fan-out to many WebSocket subscribers; "
            "webhooks: outbox to webhook receiver throughput and latency"
        ),
    )
    parser.add_argument(
        "--subscribers", type=int, default=1000, help="concurrent subscriptions (one process)"
    )
    parser.add_argument("--events", type=int, default=40, help="events per subscription case")
    parser.add_argument("--orders", type=int, default=300, help="orders placed per concurrency level")
    parser.add_argument("--order-variants", type=int, default=100, help="variants the bench carts draw from")
    parser.add_argument("--webhook-events", type=int, default=5000, help="events in the webhook burst")
    parser.add_argument("--webhook-paced", type=int, default=300, help="events sent one by one, paced")
    parser.add_argument("--webhook-rate", type=float, default=20, help="events/s of the paced case")
    parser.add_argument("--seconds", type=float, default=10, help="wrk duration per storefront case")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn processes")
    parser.add_argument("--products", type=int, default=2000, help="demo catalog size for the storefront")
    parser.add_argument("--cache-only", action="store_true", help="only the response cache scenarios")
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="storefront: only the cached listing and the bare route, back to back, this many rounds",
    )
    parser.add_argument("--database", default=database.BENCH_DATABASE, help="the database to recreate")
    return parser.parse_args(argv)


def bench_settings(db_url: str, redis_url: str) -> Settings:
    return Settings(
        environment="production",
        database_url=db_url,
        redis_url=redis_url,
        log_level="WARNING",
        cost_bucket_size=BUCKET,
        cost_restore_rate=BUCKET,
    )


def server_env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "STORMCOM_ENVIRONMENT": settings.environment,
        "STORMCOM_LOG_LEVEL": settings.log_level,
        "STORMCOM_COST_BUCKET_SIZE": str(settings.cost_bucket_size),
        "STORMCOM_COST_RESTORE_RATE": str(settings.cost_restore_rate),
        "STORMCOM_RESPONSE_CACHE": "false",
    }


async def redis_version(url: str) -> str:
    client = Redis.from_url(url)
    try:
        info = await client.info("server")
        return str(info.get("redis_version", "?"))
    finally:
        await client.aclose()


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{rev}{' (uncommitted changes)' if dirty else ''}"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


async def measure(args: argparse.Namespace) -> tuple[list[Measurement], dict[str, Any]]:
    load_before = load_average()
    db_url, redis_url = database.bench_urls(args.database)
    settings = bench_settings(db_url, redis_url)
    print(f"bench: preparing {args.database} (drop, create, migrate, seed)", file=sys.stderr)
    credentials = await database.prepare(settings)
    shop = next(d for d in load_documents() if d.name == "Shop")
    tokens = {"storefront": credentials["storefront_token"], "admin": credentials["admin_token"]}

    results: list[Measurement] = []
    print("bench: in-process response cache", file=sys.stderr)
    results += await cache.requests(
        settings, shop_id=shop.id, storefront=tokens["storefront"], n=args.requests, warmup=args.warmup
    )
    if not args.skip_http:
        print("bench: HTTP response cache", file=sys.stderr)
        results += await cache.over_http(
            server_env(settings),
            shop_id=shop.id,
            storefront=tokens["storefront"],
            n=args.requests,
            warmup=args.warmup,
            concurrency=args.concurrency,
        )
    if args.cache_only:
        return results, _environment(args, load_before, db_url, await redis_version(redis_url))
    # The cases below measure execution as before the response cache: it is off for them.
    app = create_app(settings.model_copy(update={"response_cache": False}))
    state = app.state.gateway
    try:
        print("bench: in-process requests", file=sys.stderr)
        results += await inprocess.requests(
            app, shop_id=shop.id, shop_body=shop.body, n=args.requests, warmup=args.warmup, **tokens
        )
        print("bench: in-process steps", file=sys.stderr)
        results += await inprocess.steps(
            state, shop_body=shop.body, admin=tokens["admin"], n=args.steps, warmup=args.warmup
        )
    finally:
        await state.db.dispose()
        await state.redis.aclose()
    print("bench: promotion engine (100 rules, 20 lines)", file=sys.stderr)
    results += promotions.run(args.steps, args.warmup)

    if not args.skip_http:
        print("bench: HTTP requests through uvicorn", file=sys.stderr)
        with over_http.server(server_env(settings)) as (base, pid):
            results += await over_http.requests(
                base,
                pid,
                shop_id=shop.id,
                shop_body=shop.body,
                n=args.requests,
                warmup=args.warmup,
                concurrency=args.concurrency,
                **tokens,
            )

    return results, _environment(args, load_before, db_url, await redis_version(redis_url))


def _environment(args: argparse.Namespace, load_before: str, db_url: str, redis: str) -> dict[str, Any]:
    return {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "revision": git_revision(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        "load average 1/5/15 min": f"{load_before} before, {load_average()} after",
        "python": platform.python_version(),
        "postgresql": database.server_version(db_url),
        "redis": redis,
        "settings": "environment=production, log level WARNING (no access log), cost bucket never empty",
        "in-process": f"httpx.ASGITransport, one request at a time, {args.warmup} warm-up calls per case",
        "HTTP": (
            "uvicorn (1 process, uvloop/httptools when installed) in a subprocess on 127.0.0.1, "
            f"httpx.AsyncClient with {args.concurrency} requests in flight on the same machine"
        ),
    }


def render(name: str, results: list[Measurement], env: dict[str, Any], elapsed: float) -> str:
    rows = as_json(results)
    return "\n".join(
        [
            f"# Benchmark `{name}`",
            "",
            "Produced by `make bench` (`python -m bench`). Latencies per request (per call for the steps);",
            "req/s (ops/s) is measured requests divided by the wall time of the case. `Shop` is",
            "`persisted_queries/shop.graphql`, sent by id (`extensions.persistedQuery`) or as raw text.",
            "Every case checks each answer: a 200 with `data` and no `errors`, or the run stops.",
            "",
            markdown_table(rows),
            "",
            environment_table(env),
            "",
            f"Whole run, including database setup: {elapsed:.1f} s.",
            "",
        ]
    )


async def measure_storefront(
    args: argparse.Namespace,
) -> tuple[list[Measurement | Reported], dict[str, Any]]:
    load_before = load_average()
    db_url, redis_url = database.bench_urls(database.CATALOG_DATABASE)
    settings = bench_settings(db_url, redis_url)
    print(f"bench: preparing {database.CATALOG_DATABASE} (migrate, seed the demo catalog)", file=sys.stderr)
    credentials = await database.prepare_catalog(settings, args.products)
    # Redis must not answer (1) from entries of an earlier run: the first request of each key computes.
    await _flush(redis_url)
    rows: list[Measurement | Reported] = []
    if args.pairs:
        print("bench: in-process, the cost of one cached listing answer", file=sys.stderr)
        listing_id = next(d.id for d in load_documents() if d.name == "ProductListing")
        rows += await hit_path.requests(
            settings,
            listing_id=listing_id,
            storefront=credentials["storefront_token"],
            locale="bn",
            n=HIT_PATH_CALLS,
            warmup=args.warmup,
        )
        rows += storefront.pairs(
            server_env(settings),
            credentials,
            storefront.cases()[0],
            seconds=args.seconds,
            workers=args.workers,
            rounds=args.pairs,
        )
    else:
        rows += storefront.run(
            server_env(settings),
            credentials,
            storefront.cases(),
            seconds=args.seconds,
            workers=args.workers,
        )
    env = _environment(args, load_before, db_url, await redis_version(redis_url))
    env["HTTP"] = (
        f"uvicorn --workers {args.workers} --loop uvloop --http httptools on 127.0.0.1; "
        f"wrk (separate process, 2 threads) for {args.seconds:g} s per row after a 2 s warm-up, same machine"
    )
    if args.pairs:
        env["HTTP"] += (
            f"; `--pairs {args.pairs}`: both servers up, per round and concurrency the cached listing then "
            "the bare route, back to back"
        )
    env["in-process"] = "-"
    if args.pairs:
        env["in-process"] = (
            f"the app called as an ASGI callable (bench/hit_path.py), one request at a time, "
            f"{HIT_PATH_CALLS:,} calls per case after {args.warmup} warm-up calls"
        )
    env["catalog"] = (
        f"demo seed: {args.products} products (`stormcom seed`), bn default locale, en translations"
    )
    return rows, env


async def _flush(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def render_storefront(
    name: str, rows: list[Measurement | Reported], env: dict[str, Any], elapsed: float
) -> str:
    summary = as_json(rows)
    return "\n".join(
        [
            f"# Storefront benchmark `{name}`",
            "",
            "Produced by `make bench` (`python -m bench --suite storefront`). The gateway runs as production",
            "would; wrk loads it from a separate process. Requests are persisted documents sent by id with a",
            "storefront token and `Accept-Language: bn`. Listing = `ProductListing` (20 products with",
            "variants, prices, images and facets); page = `ProductPage` rotating over 200 slugs; search =",
            "`Search` rotating over 24 English and Bengali terms. The bare route answers the listing's bytes",
            "from memory: the floor of this machine and server.",
            "",
            markdown_table(summary),
            "",
            storefront.targets([r for r in rows if isinstance(r, Reported)]),
            "",
            environment_table(env),
            "",
            f"Whole run, including database preparation: {elapsed:.1f} s.",
            "",
        ]
    )


async def measure_subscriptions(args: argparse.Namespace) -> tuple[list[Measurement], dict[str, Any]]:
    load_before = load_average()
    db_url, redis_url = database.bench_urls(subscriptions.DATABASE)
    settings = bench_settings(db_url, redis_url)
    print(f"bench: preparing {subscriptions.DATABASE} (drop, create, migrate, seed)", file=sys.stderr)
    credentials = await database.prepare(settings)
    rows, figures = await subscriptions.run(
        settings, server_env(settings), credentials, subscribers=args.subscribers, events=args.events
    )
    env = _environment(args, load_before, db_url, await redis_version(redis_url))
    env["HTTP"] = (
        "uvicorn (1 process, default loop) in a subprocess on 127.0.0.1; the subscribers are `websockets` "
        "clients in the bench process on the same machine (their own parsing is inside the latency)"
    )
    env["in-process"] = "-"
    env["memory"] = (
        f"RSS of the gateway process {figures['rss_before_mb']:.1f} MB with no subscription, "
        f"{figures['rss_after_mb']:.1f} MB with {args.subscribers}: "
        f"{figures['rss_per_connection_kb']:.1f} KB per connection (one subscription each)"
    )
    env["opening"] = f"{args.subscribers} connections + subscriptions opened in {figures['open_s']:.1f} s"
    if "server_cpu_s_per_event" in figures:
        env["server CPU per event"] = (
            f"{figures['server_cpu_s_per_event'] * 1000:.1f} ms to fan one event out to {args.subscribers} "
            "subscribers (user + system time of the gateway process)"
        )
    env["client errors"] = figures["client_errors"]
    return rows, env


def render_subscriptions(name: str, rows: list[Measurement], env: dict[str, Any], elapsed: float) -> str:
    return "\n".join(
        [
            f"# Subscription fan-out benchmark `{name}`",
            "",
            "Produced by `python -m bench --suite subscriptions`. One gateway process; each subscriber holds",
            'its own WebSocket (graphql-transport-ws) with `events(types: ["bench.*"])` and the demo partner',
            "token. Each event is committed through a unit of work into the outbox, handed over by the relay",
            "(`workers/relay.py`) to Redis, fanned out by the process's one hub connection, executed per",
            "subscription and sent. Latency is from `commit()` returning to the subscriber having parsed the",
            "message; n = events x subscribers. One event in flight at a time.",
            "",
            markdown_table(as_json(rows)),
            "",
            environment_table(env),
            "",
            f"Whole run, including database preparation: {elapsed:.1f} s.",
            "",
        ]
    )


async def measure_webhooks(args: argparse.Namespace) -> tuple[list[Measurement], dict[str, Any]]:
    load_before = load_average()
    db_url, redis_url = database.bench_urls(WEBHOOK_DATABASE)
    settings = bench_settings(db_url, redis_url)
    print(f"bench: preparing {WEBHOOK_DATABASE} (drop, create, migrate, seed)", file=sys.stderr)
    await database.prepare(settings)
    print("bench: webhooks (a stormcom worker process, a receiver process)", file=sys.stderr)
    rows = await webhooks.run(
        settings,
        webhooks.worker_env(settings),
        events=args.webhook_events,
        paced=args.webhook_paced,
        rate=args.webhook_rate,
    )
    env = _environment(args, load_before, db_url, await redis_version(redis_url))
    env["in-process"] = "-"
    env["HTTP"] = (
        "one `stormcom worker` process (arq: outbox relay every 0.2 s, arq poll 0.5 s, delivery loop with "
        "32 in flight); receiver: uvicorn (uvloop, httptools), 1 process, checks every HMAC signature; "
        "endpoint concurrency 32, rate limit 1000/s; all on 127.0.0.1"
    )
    return rows, env


def render_webhooks(name: str, rows: list[Measurement], env: dict[str, Any], elapsed: float) -> str:
    return "\n".join(
        [
            f"# Webhook benchmark `{name}`",
            "",
            "Produced by `make bench` (`python -m bench --suite webhooks`). Latency is per event, from the",
            "event's `occurred_at` (stamped just before its transaction commits) to its arrival at the",
            "receiver; ops/s is events delivered per second of wall time (first commit to last receipt).",
            "burst = every event committed at once (batches of 50 per transaction), so its latency includes",
            "the queue behind the burst; paced = one event per commit at a steady rate, the path itself.",
            "Every signature is checked by the receiver; the run stops if any event is missing or unsigned.",
            "",
            markdown_table(as_json(rows)),
            "",
            environment_table(env),
            "",
            f"Whole run, including database preparation: {elapsed:.1f} s.",
            "",
        ]
    )


async def measure_orders(args: argparse.Namespace) -> tuple[list[Measurement], dict[str, Any]]:
    load_before = load_average()
    db_url, redis_url = database.bench_urls(ORDERS_DATABASE)
    settings = bench_settings(db_url, redis_url)
    print(f"bench: preparing {ORDERS_DATABASE} (drop, create, migrate, seed)", file=sys.stderr)
    credentials = await database.prepare(settings)
    store = await orders.store_of(settings.owner_url, credentials["store_slug"])
    db = create_database(settings.app_url, pool_size=4, max_overflow=0)
    print("bench: orders (carts prepared first, then checkoutComplete at 1, 10, 50)", file=sys.stderr)
    try:
        with over_http.server(server_env(settings)) as (base, pid):
            rows = await orders.run(
                base,
                pid,
                db,
                store,
                credentials["storefront_token"],
                orders=args.orders,
                warmup=min(args.warmup, 50),
                variants=args.order_variants,
            )
    finally:
        await db.dispose()
    env = _environment(args, load_before, db_url, await redis_version(redis_url))
    env["in-process"] = "-"
    env["HTTP"] = (
        "one gateway process (uvicorn) on 127.0.0.1, its default pool; each request a distinct cart and "
        "Idempotency-Key; every response checked to be a placed order"
    )
    return rows, env


def render_orders(name: str, rows: list[Measurement], env: dict[str, Any], elapsed: float) -> str:
    return "\n".join(
        [
            f"# Order creation benchmark `{name}`",
            "",
            "Produced by `python -m bench --suite orders` (part of `make bench`). Each operation is one",
            "storefront `checkoutComplete` (persisted document, COD) over HTTP: idempotency claim, cart",
            "draft priced through pricing and promotions, stock reservation, then one transaction placing",
            "the order (stock and ledger, gapless number, lines, timeline, payment attempt, cart converted,",
            "events).",
            "ops/s is orders placed per second of wall time at that concurrency.",
            "",
            markdown_table(as_json(rows)),
            "",
            environment_table(env),
            "",
            f"Whole run, including database preparation and cart setup: {elapsed:.1f} s.",
            "",
        ]
    )


def _write(name: str, text: str, payload: dict[str, Any]) -> None:
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"bench: wrote {RESULTS / name}.md and .json", file=sys.stderr)


Measure = Callable[[argparse.Namespace], Awaitable[tuple[list[Any], dict[str, Any]]]]
Render = Callable[[str, list[Any], dict[str, Any], float], str]

# Each suite: how to measure it, how to render its table, and the suffix of its result files.
# A new suite adds one line here (and its module under bench/).
SUITES: dict[str, tuple[Measure, Render, str]] = {
    "foundation": (measure, render, ""),
    "storefront": (measure_storefront, render_storefront, "-storefront"),
    "subscriptions": (measure_subscriptions, render_subscriptions, "-subscriptions"),
    "webhooks": (measure_webhooks, render_webhooks, "-webhooks"),
    "orders": (measure_orders, render_orders, "-orders"),
}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    for suite, (run, render_suite, suffix) in SUITES.items():
        if args.suite not in ("all", suite) or (args.cache_only and suite != "foundation"):
            continue
        started = time.perf_counter()
        rows, env = asyncio.run(run(args))
        elapsed = time.perf_counter() - started
        name = f"{args.name}{suffix}"
        payload = {"name": name, "environment": env, "results": as_json(rows), "elapsed_s": elapsed}
        _write(name, render_suite(name, rows, env, elapsed), payload)


if __name__ == "__main__":
    main()
