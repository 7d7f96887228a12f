"""arq worker settings: `stormcom worker` runs these. The relay runs inside each worker process."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, ClassVar

from arq import cron
from arq.connections import ArqRedis, RedisSettings

from domain.db import create_database
from domain.webhooks.delivery import Deliverer
from gateway.logging import configure_logging
from gateway.settings import get_settings
from workers import cache_purge
from workers.carts import sweep_abandoned_carts
from workers.context import WorkerState, worker_state
from workers.housekeeping import (
    purge_idempotency_keys,
    purge_stock_reservations,
    release_code_reservations,
)
from workers.pricing import sweep_price_schedules
from workers.relay import relay_forever
from workers.tasks import ensure_partitions, handle_event
from workers.webhooks import deliver_forever, delivery_config, http_client

_settings = get_settings()


async def startup(ctx: dict[str, Any]) -> None:
    configure_logging(_settings.log_level, json_lines=_settings.log_json)
    db = create_database(_settings.app_url, pool_size=10, max_overflow=10)
    redis: ArqRedis = ctx["redis"]
    ctx["stormcom"] = WorkerState(settings=_settings, db=db, arq=redis)
    cache_purge.bind(redis, _settings)
    ctx["relay_task"] = asyncio.create_task(relay_forever(db, redis, _settings))
    client = http_client(_settings)
    ctx["webhook_client"] = client
    deliverer = Deliverer(db=db, client=client, config=delivery_config(_settings))
    ctx["webhook_task"] = asyncio.create_task(deliver_forever(deliverer, _settings))


async def shutdown(ctx: dict[str, Any]) -> None:
    for name in ("relay_task", "webhook_task"):
        task = ctx.get(name)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    client = ctx.get("webhook_client")
    if client is not None:
        await client.aclose()
    await worker_state(ctx).db.dispose()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [handle_event]
    cron_jobs: ClassVar[list[Any]] = [
        cron(ensure_partitions, hour={3}, minute={0}, run_at_startup=True),
        # Every minute: a scheduled sale shows on listings within a minute of its start or end.
        cron(sweep_price_schedules, second={0}, run_at_startup=True),
        # Every minute: carts are reported abandoned within a minute of the store's idle time.
        cron(sweep_abandoned_carts, second={30}),
        # Housekeeping (workers/housekeeping.py), batched per store. Code uses held by abandoned checkouts
        # count against the code's limit until released: every minute. The rest only must not pile up.
        cron(release_code_reservations, second={45}),
        cron(purge_stock_reservations, minute=set(range(5, 60, 10)), second={15}),
        cron(purge_idempotency_keys, minute={37}, second={0}),
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = _settings.arq_queue
    redis_settings = RedisSettings.from_dsn(_settings.redis_url)
    max_tries = 10
    # arq sleeps `poll_delay` between looks at the queue and runs at most `max_jobs` at once: its defaults
    # (0.5 s, 10) cap a worker at 20 events/s, which the webhook benchmark hit (bench/results/*-webhooks).
    poll_delay = 0.05
    max_jobs = 50
    keep_result = 3600
