"""The webhook suite: outbox → webhook delivery throughput and end-to-end latency, commit to receipt.

A real `stormcom worker` process (arq, with the outbox relay and the delivery loop) delivers to a fast
local receiver (bench/webhook_receiver.py under uvicorn in its own process) that checks every signature.
The benchmark process commits domain events as services do (in units of work of the demo store):

- burst: N events committed as fast as the producer can (batches of 50 per transaction); throughput is N
  over the time from the first commit to the last receipt, and latency is per event, commit to receipt
  (it includes the time the event waited behind the burst);
- paced: events committed one at a time at a steady rate well under the throughput; latency here is the
  path itself (relay poll, arq poll, fan-out, claim, HTTP).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
from sqlalchemy import select

from bench.over_http import cpu_seconds, free_port
from bench.stats import Measurement
from domain.db import create_database, create_engine
from domain.tenancy.models import Store
from domain.uow import UnitOfWork
from domain.webhooks.inputs import SubscriptionCreateInput
from domain.webhooks.models import WebhookSubscription
from domain.webhooks.services import create_subscription
from gateway.settings import Settings

EVENT_TYPE = "bench.ping"


@contextlib.contextmanager
def _process(cmd: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(cmd, env={**os.environ, **env})
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def receiver(secret: str) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "bench.webhook_receiver:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--no-access-log", "--log-level", "warning", "--loop", "uvloop"]
    cmd += ["--http", "httptools"]
    with _process(cmd, {"BENCH_WEBHOOK_SECRET": secret}):
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/receipts", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("bench: the webhook receiver did not start")
            time.sleep(0.1)
        yield base


@contextlib.contextmanager
def worker(env: dict[str, str]) -> Iterator[int]:
    with _process([sys.executable, "-c", "from gateway.cli import app; app()", "worker"], env) as proc:
        yield proc.pid


async def _receipts(base: str) -> list[tuple[str, float, float, bool]]:
    async with httpx.AsyncClient() as client:
        rows = (await client.get(f"{base}/receipts", timeout=30)).json()
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def _wait_for(base: str, count: int, patience: float) -> list[tuple[str, float, float, bool]]:
    deadline = time.monotonic() + patience
    while True:
        rows = await _receipts(base)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.2)


async def run(
    settings: Settings, env: dict[str, str], *, events: int, paced: int, rate: float
) -> list[Measurement]:
    owner = create_engine(settings.owner_url, pool_size=1, max_overflow=0)
    async with owner.connect() as conn:
        store = (
            await conn.execute(select(Store.id, Store.organization_id).where(Store.slug == "demo"))
        ).one()
    await owner.dispose()
    db = create_database(settings.app_url, pool_size=4, max_overflow=0)

    def uow() -> UnitOfWork:
        return UnitOfWork(db.sessions, store_id=store.id, organization_id=store.organization_id)

    results: list[Measurement] = []
    try:
        # The endpoint and its secret first: the receiver checks signatures with it.
        async with uow() as u:
            sub, secret = await create_subscription(
                u,
                SubscriptionCreateInput(
                    name="bench receiver",
                    url="http://127.0.0.1:1/",  # replaced below, once the receiver's port is known
                    event_types=[EVENT_TYPE],
                    rate_limit_per_second=1000,
                    max_concurrency=32,
                ),
            )
            await u.commit()
        with receiver(secret) as base:
            async with uow() as u:
                row = await u.session.get(WebhookSubscription, sub.id)
                assert row is not None
                row.url = f"{base}/hook"
                await u.commit()
            with worker(env) as pid:
                # Warm-up: the worker is up and the path is hot before anything is measured.
                await _emit(uow, 20, batch=20)
                await _wait_for(base, 20, 60)

                cpu_before = cpu_seconds(pid)
                start = time.time()
                await _emit(uow, events, batch=50)
                produced = time.time() - start
                rows = await _wait_for(base, 20 + events, 600)
                burst = rows[20:]
                cpu_after = cpu_seconds(pid)
                if cpu_before is not None and cpu_after is not None:
                    produced_note = (
                        f"; worker CPU {(cpu_after - cpu_before) / events * 1000:.1f} ms per event"
                    )
                else:
                    produced_note = ""
                results.append(
                    _measure(
                        "burst",
                        burst,
                        start,
                        events,
                        f"{events} events committed in {produced:.2f} s{produced_note}",
                    )
                )

                before = len(rows)
                start = time.time()
                for _ in range(paced):
                    await _emit(uow, 1, batch=1)
                    await asyncio.sleep(1 / rate)
                rows = await _wait_for(base, before + paced, 120)
                results.append(
                    _measure("paced", rows[before:], start, paced, f"{rate:g} events/s, one per commit")
                )
    finally:
        await db.dispose()
    return results


def _measure(
    case: str, rows: list[tuple[str, float, float, bool]], start: float, expected: int, note: str
) -> Measurement:
    if len(rows) < expected:
        raise SystemExit(f"bench: {case}: {len(rows)} of {expected} events arrived")
    if not all(valid for *_, valid in rows):
        raise SystemExit(f"bench: {case}: a signature did not verify")
    if len({r[0] for r in rows}) != len(rows):
        note += "; duplicates received"
    latencies = [arrived - occurred for _, occurred, arrived, _ in rows]
    wall = max(arrived for _, _, arrived, _ in rows) - start
    return Measurement("webhooks", f"outbox → receiver, {case}", 1, latencies, wall, note)


async def _emit(uow_factory: Any, n: int, *, batch: int) -> None:
    for start in range(0, n, batch):
        async with uow_factory() as u:
            for i in range(start, min(n, start + batch)):
                u.emit(EVENT_TYPE, {"n": i, "nonce": uuid.uuid4().hex})
            await u.commit()


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "STORMCOM_ENVIRONMENT": "production",
        "STORMCOM_LOG_LEVEL": "WARNING",
        "STORMCOM_ARQ_QUEUE": f"stormcom:bench:{uuid.uuid4().hex[:8]}",
        # The receiver listens on 127.0.0.1.
        "STORMCOM_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
