"""Subscription fan-out: N concurrent subscribers on one gateway process (one uvicorn), events committed
through the outbox and handed over by the relay; latency from commit to receipt, memory per connection.

Every subscriber is a real graphql-transport-ws client (`websockets`) in this process, subscribed to
`events(types: ["bench.*"])` with the demo partner token. Each event is committed by a unit of work (as a
mutation would), its commit time taken when `commit()` returns; its receipt time per subscriber when that
client has read and parsed the `next` message. One event is in flight at a time: the next is committed
when every subscriber has the previous one (or after a timeout, which counts as lost and stops the run).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench import over_http
from bench.stats import Measurement
from domain.db import Database, create_database
from domain.tenancy.models import Store
from domain.uow import UnitOfWork
from gateway.settings import Settings
from workers.relay import relay_once

# Its own database (recreated each run), so it never clobbers the other suites' while they run.
DATABASE = os.environ.get("STORMCOM_BENCH_EVENTS_DB", "stormcom_bench_events")
PROTOCOL = "graphql-transport-ws"
DOCUMENT = 'subscription { events(types: ["bench.*"]) { id type data } }'


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def active(base: str) -> int:
    async with httpx.AsyncClient(base_url=base) as client:
        text = (await client.get("/metrics")).text
    found = re.search(r"^stormcom_subscriptions_active ([0-9.]+)$", text, re.M)
    return int(float(found.group(1))) if found else -1


async def until_active(base: str, n: int) -> None:
    """Until the gateway's gauge says it serves `n` subscriptions (another process: nothing to await)."""
    async with asyncio.timeout(120):
        while await active(base) != n:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


class Subscribers:
    """N sockets, each subscribed once; a reader task per socket records when each event arrived."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.sockets: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.receipts: dict[str, list[float]] = {}
        self.waiting: dict[str, tuple[int, asyncio.Future[None]]] = {}
        self.errors: list[str] = []

    async def open_one(self) -> None:
        ws = await connect(self.url, subprotocols=[Subprotocol(PROTOCOL)], max_queue=None, ping_interval=None)
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}})
        )
        ack = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if ack.get("type") != "connection_ack":
            raise SystemExit(f"bench: no connection_ack: {ack}")
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": DOCUMENT}}))
        self.sockets.append(ws)
        self.tasks.append(asyncio.create_task(self._read(ws)))

    async def open(self, n: int, batch: int = 50) -> None:
        while len(self.sockets) < n:
            await asyncio.gather(*(self.open_one() for _ in range(min(batch, n - len(self.sockets)))))

    async def _read(self, ws: ClientConnection) -> None:
        async for raw in ws:
            now = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") == "ping":
                await ws.send('{"type":"pong"}')
                continue
            if message.get("type") != "next" or "errors" in message.get("payload", {}):
                self.errors.append(str(message)[:300])
                continue
            event_id = message["payload"]["data"]["events"]["id"]
            times = self.receipts.setdefault(event_id, [])
            times.append(now)
            expected = self.waiting.get(event_id)
            if expected is not None and len(times) >= expected[0] and not expected[1].done():
                expected[1].set_result(None)

    def expect(self, event_id: str, n: int) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[event_id] = (n, done)
        if len(self.receipts.get(event_id, ())) >= n:
            done.set_result(None)
        return done

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def _store_uow(settings: Settings, db: Database, slug: str) -> Callable[[], UnitOfWork]:
    owner = create_database(settings.owner_url, pool_size=1, max_overflow=0)
    try:
        async with owner.primary.connect() as conn:
            store_id, org_id = (
                await conn.execute(select(Store.id, Store.organization_id).where(Store.slug == slug))
            ).one()
    finally:
        await owner.dispose()
    return lambda: UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id, correlation_id="bench")


async def _measure_events(
    subs: Subscribers,
    make_uow: Callable[[], UnitOfWork],
    hand_over: Callable[[], Awaitable[None]],
    *,
    events: int,
    label: str,
    jitter: float = 0.0,
    verbose: bool = bool(os.environ.get("STORMCOM_BENCH_VERBOSE")),
) -> Measurement:
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(events):
        if jitter:
            # Commits arrive at random moments of the relay's polling cycle, as real ones do.
            await asyncio.sleep(random.uniform(0, jitter))
        uow = make_uow()
        async with uow:
            event_id = str(uow.emit("bench.tick", {"n": i, "label": label}).id)
            await uow.commit()
        committed = time.perf_counter()
        done = subs.expect(event_id, len(subs.sockets))
        await hand_over()
        try:
            await asyncio.wait_for(done, 30)
        except TimeoutError:
            got = len(subs.receipts.get(event_id, ()))
            raise SystemExit(
                f"bench: event {i} reached {got} of {len(subs.sockets)} subscribers in 30 s"
            ) from None
        latencies = [t - committed for t in subs.receipts[event_id]]
        samples += latencies
        if verbose:
            print(
                f"bench:   event {i}: first {min(latencies) * 1000:.1f} ms,"
                f" last {max(latencies) * 1000:.1f} ms",
                file=sys.stderr,
            )
    return Measurement(
        scenario="subscriptions",
        case=label,
        concurrency=len(subs.sockets),
        samples=samples,
        wall=time.perf_counter() - started,
        note=f"{events} events x {len(subs.sockets)} subscribers; commit -> receipt",
    )


async def run(
    settings: Settings, env: dict[str, str], credentials: dict[str, Any], *, subscribers: int, events: int
) -> tuple[list[Measurement], dict[str, Any]]:
    env = {**env, "STORMCOM_WS_KEEPALIVE_SECONDS": "300", "STORMCOM_SUBSCRIPTION_BUFFER_SIZE": "1000"}
    db = create_database(settings.app_url, pool_size=2, max_overflow=0)
    arq: ArqRedis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    make_uow = await _store_uow(settings, db, credentials["store_slug"])
    figures: dict[str, Any] = {}
    results: list[Measurement] = []
    with over_http.server(env) as (base, pid):
        url = base.replace("http://", "ws://") + "/graphql"
        warm = Subscribers(url, credentials["partner_token"])
        await warm.open(5)  # the WebSocket code paths imported and warm before the baseline
        await warm.close()
        await until_active(base, 0)
        rss_before = rss_bytes(pid)
        subs = Subscribers(url, credentials["partner_token"])
        opened = time.perf_counter()
        print(f"bench: opening {subscribers} subscriptions", file=sys.stderr)
        await subs.open(subscribers)
        await until_active(base, subscribers)
        figures["open_s"] = time.perf_counter() - opened
        rss_after = rss_bytes(pid)
        figures["rss_before_mb"] = rss_before / 2**20
        figures["rss_after_mb"] = rss_after / 2**20
        figures["rss_per_connection_kb"] = (rss_after - rss_before) / subscribers / 1024
        cpu_before = over_http.cpu_seconds(pid)

        async def relay_now() -> None:
            await relay_once(db, arq, settings)

        print("bench: events, relay right after each commit", file=sys.stderr)
        results.append(
            await _measure_events(subs, make_uow, relay_now, events=events, label="relay woken at commit")
        )

        # As deployed: the relay polls every relay_interval_seconds, so a commit waits up to one interval.
        stop = asyncio.Event()

        async def poll() -> None:
            while not stop.is_set():
                moved = await relay_once(db, arq, settings)
                if moved < settings.relay_batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), settings.relay_interval_seconds)

        poller = asyncio.create_task(poll())

        async def nothing() -> None:
            return None

        print("bench: events, relay polling", file=sys.stderr)
        label = f"relay polling every {settings.relay_interval_seconds:g} s"
        results.append(
            await _measure_events(
                subs, make_uow, nothing, events=events, label=label, jitter=settings.relay_interval_seconds
            )
        )
        stop.set()
        await poller
        cpu_after = over_http.cpu_seconds(pid)
        if cpu_before is not None and cpu_after is not None:
            figures["server_cpu_s_per_event"] = (cpu_after - cpu_before) / (2 * events)
        figures["client_errors"] = len(subs.errors)
        await subs.close()
        await until_active(base, 0)
        figures["subscriptions_after_close"] = 0
    await arq.aclose()
    await db.dispose()
    return results, figures
