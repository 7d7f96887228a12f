"""Each gateway process listens on the purge channel and keeps its in-process tiers coherent.

While subscribed, purge messages evict memory entries by tag and cached principals by token. When the
subscription drops (Redis restarted, connection lost, a health-check PING unanswered) the process may
miss purges, so it empties and disables both in-process caches and serves from Redis and the database
until it has subscribed again. Runs as a task of the app's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from redis.asyncio import Redis

from gateway.cache.principals import PrincipalCache
from gateway.cache.response_cache import ResponseCache

log = logging.getLogger(__name__)


class PurgeSubscriber:
    def __init__(
        self,
        redis_url: str,
        channel: str,
        cache: ResponseCache,
        principals: PrincipalCache,
        *,
        health_check_seconds: float,
    ) -> None:
        self.redis_url = redis_url
        self.channel = channel
        self.cache = cache
        self.principals = principals
        self.health_check_seconds = health_check_seconds
        self.received = 0
        # Set while subscribed; tests and readiness can wait on it.
        self.up = asyncio.Event()
        self.down = asyncio.Event()
        self.down.set()
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="cache-purge-subscriber")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._down()

    async def wait_received(self, count: int) -> None:
        """Until `count` messages have been handled in total (for tests)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.received >= count)

    async def _run(self) -> None:
        backoff = 0.05
        while True:
            client = Redis.from_url(self.redis_url, socket_connect_timeout=1.0)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                # The confirmation proves the subscription is live before anything is trusted.
                while (await pubsub.get_message(timeout=1.0)) is None:
                    pass
                self.cache.subscription_up()
                self.principals.enable()
                self.down.clear()
                self.up.set()
                backoff = 0.05
                await self._listen(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.up.is_set():
                    log.warning("purge subscription lost; in-process caches off", extra={"error": repr(exc)})
                self._down()
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    async def _listen(self, pubsub: Any) -> None:
        """Handle messages; PING every interval and call the subscription lost when nothing (not even a
        PONG) came back for three intervals: a silently dead connection raises no error by itself."""
        interval = self.health_check_seconds
        last_heard = last_ping = time.monotonic()
        while True:
            message = await pubsub.get_message(timeout=min(1.0, interval))
            now = time.monotonic()
            if message is not None:
                last_heard = now
                if message.get("type") == "message":
                    await self._handle(message["data"])
            if now - last_heard > 3 * interval:
                raise ConnectionError("the purge subscription answers no PING")
            if now - last_ping >= interval:
                await pubsub.ping()
                last_ping = now

    def _down(self) -> None:
        self.up.clear()
        self.down.set()
        self.cache.subscription_down()
        self.principals.disable()

    async def _handle(self, raw: bytes) -> None:
        try:
            message: dict[str, Any] = json.loads(raw)
            store = str(message["store"])
            if message.get("kind") == "tags":
                self.cache.purged(store, [str(t) for t in message.get("tags", [])])
            elif message.get("kind") == "principals":
                tokens = None if message.get("all") else [str(t) for t in message.get("tokens", [])]
                self.principals.forget(store, tokens)
        except (ValueError, KeyError, TypeError):
            # What it purged is unknown: forget everything held in memory.
            log.warning("malformed purge message; in-process caches emptied", extra={"message": raw[:200]})
            self.cache.subscription_up()
            self.principals.enable()
        async with self._changed:
            self.received += 1
            self._changed.notify_all()
