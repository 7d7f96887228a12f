"""Webhooks in the worker: the `webhooks.fanout` consumer turns each event into deliveries, and the
delivery loop (started beside the relay in every worker) claims due deliveries and sends them.

The fan-out wakes the loop of its own process, so a delivery usually leaves as soon as it exists; the
poll interval only bounds the wait for retries that fall due and deliveries made by other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import httpx

from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork
from domain.webhooks.delivery import Deliverer, DeliveryConfig
from domain.webhooks.fanout import fan_out
from gateway.settings import Settings
from workers.handlers import PURGE_STAGE, consumers

log = logging.getLogger(__name__)
CONSUMER = "webhooks.fanout"
# After the read models and the cache purge: a partner that reads back what a webhook announced must find
# it fresh, so deliveries exist only once the purge is done.
DELIVERY_STAGE = PURGE_STAGE + 10


@dataclass
class _Wake:
    event: asyncio.Event | None = None


_wake = _Wake()


@consumers.register(CONSUMER, "*", stage=DELIVERY_STAGE)
async def fanout(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if await fan_out(uow, envelope) and _wake.event is not None:
        _wake.event.set()


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        timeout_seconds=settings.webhook_timeout_seconds,
        lease_seconds=settings.webhook_lease_seconds,
        allow_private_targets=settings.webhook_allow_private_targets,
        excerpt_chars=settings.webhook_response_excerpt_chars,
    )


def http_client(settings: Settings) -> httpx.AsyncClient:
    # Redirects are never followed: a 3xx is a failed attempt.
    limits = httpx.Limits(max_connections=settings.webhook_worker_concurrency * 2)
    return httpx.AsyncClient(follow_redirects=False, limits=limits, trust_env=False)


async def deliver_forever(deliverer: Deliverer, settings: Settings) -> None:
    """Keep up to `webhook_worker_concurrency` deliveries in flight, claiming more as slots free up."""
    wake = asyncio.Event()
    _wake.event = wake
    capacity = settings.webhook_worker_concurrency
    inflight: set[asyncio.Task[object]] = set()

    def finished(task: asyncio.Task[object]) -> None:
        inflight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook delivery failed", exc_info=task.exception())
        wake.set()

    try:
        while True:
            wake.clear()
            room = capacity - len(inflight)
            claimed = []
            if room > 0:
                try:
                    claimed = await deliverer.claim(room)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("webhook claim failed; retrying")
            for claim in claimed:
                task: asyncio.Task[object] = asyncio.create_task(deliverer.deliver(claim))
                inflight.add(task)
                task.add_done_callback(finished)
            if claimed and len(claimed) == room:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), settings.webhook_poll_interval_seconds)
    finally:
        _wake.event = None
        for task in inflight:
            task.cancel()
        await asyncio.gather(*inflight, return_exceptions=True)
