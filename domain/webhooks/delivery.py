"""Sending deliveries: claim due ones fairly, POST each signed, record the attempt and what comes next.

The delivery row, not a queue job, is the record: a claim is a lease (`next_attempt_at` while
`delivering`); a worker that dies mid-delivery leaves the lease to expire and the next claim takes the
delivery again, with the same `webhook-id`. The HTTP request runs outside any transaction.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import text

from domain.db import Database, utcnow
from domain.uow import UnitOfWork
from domain.webhooks import schedule, signing
from domain.webhooks.models import (
    DEFAULT_DISABLE_AFTER_SECONDS,
    AttemptOutcome,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSettings,
    WebhookSubscription,
)
from domain.webhooks.services import disable_subscription, signing_secrets
from domain.webhooks.targets import TargetRefused, resolve_target

USER_AGENT = "StormCom-Webhooks/1.0"
# Claims without a recorded attempt before a claim counts as a failed (abandoned) attempt.
MAX_SILENT_CLAIMS = 3
_CLAIM = text("SELECT claimed_id, claimed_store FROM stormcom_webhook_claim(:now, :limit, :lease, :token)")


@dataclass(frozen=True)
class DeliveryConfig:
    timeout_seconds: float = 10.0  # the whole attempt: connect, send, and read the excerpt
    lease_seconds: float = 60.0  # longer than the timeout: a claim outlives its attempt
    allow_private_targets: bool = False
    excerpt_chars: int = 1000


@dataclass(frozen=True)
class Claim:
    delivery_id: uuid.UUID
    store_id: uuid.UUID
    token: uuid.UUID


@dataclass(frozen=True)
class Result:
    outcome: AttemptOutcome
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None
    excerpt: str = ""
    retry_after: str | None = None


@dataclass
class Deliverer:
    """Claims and sends deliveries. `clock` drives scheduling (tests move it); `wall` stamps the
    `webhook-timestamp` header, which receivers compare with their own clock."""

    db: Database
    client: httpx.AsyncClient
    config: DeliveryConfig = field(default_factory=DeliveryConfig)
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    wall: Callable[[], float] = time.time

    async def claim(self, limit: int) -> list[Claim]:
        """Claim up to `limit` due deliveries, fairly across endpoints (see stormcom_webhook_claim)."""
        if limit <= 0:
            return []
        token = uuid.uuid4()
        async with self.db.primary.connect() as conn:
            rows = (
                await conn.execute(
                    _CLAIM,
                    {
                        "now": self.clock(),
                        "limit": limit,
                        "lease": timedelta(seconds=self.config.lease_seconds),
                        "token": token,
                    },
                )
            ).all()
            await conn.commit()
        return [Claim(r.claimed_id, r.claimed_store, token) for r in rows]

    async def run_once(self, limit: int = 100) -> int:
        """Claim one batch and deliver it concurrently; return how many were attempted."""
        claims = await self.claim(limit)
        await asyncio.gather(*(self.deliver(c) for c in claims))
        return len(claims)

    def _uow(self, store_id: uuid.UUID, correlation_id: str = "") -> UnitOfWork:
        return UnitOfWork(
            self.db.sessions, store_id=store_id, correlation_id=correlation_id, clock=self.clock
        )

    async def deliver(self, claim: Claim) -> AttemptOutcome | None:
        """One attempt of a claimed delivery; None when the claim is no longer ours or the endpoint is off."""
        async with self._uow(claim.store_id) as uow:
            delivery = await uow.session.get(WebhookDelivery, claim.delivery_id)
            if delivery is None or delivery.claim_token != claim.token:
                return None
            sub = await uow.session.get(WebhookSubscription, delivery.subscription_id)
            if sub is None:
                return None
            if not sub.active:
                # Turned off between claim and now: back in line for when it is on again.
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = self.clock()
                await uow.commit()
                return None
            request = _Request(
                msg_id=str(delivery.id),
                url=sub.url,
                body=json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode(),
                secrets=signing_secrets(sub, self.clock()),
                headers=dict(sub.headers or {}),
                correlation_id=delivery.correlation_id,
            )
            correlation_id = delivery.correlation_id
            silent_claims = delivery.claims - delivery.attempt_count
        started = self.clock()
        if silent_claims > MAX_SILENT_CLAIMS:
            result = Result(
                AttemptOutcome.ABANDONED,
                error=f"{silent_claims - 1} claims ended without an outcome (their workers stopped)",
            )
        else:
            result = await self._send(request)
        await self._record(claim, started, result, correlation_id)
        return result.outcome

    async def _send(self, req: _Request) -> Result:
        t0 = time.perf_counter()

        def elapsed() -> int:
            return int((time.perf_counter() - t0) * 1000)

        try:
            target = await resolve_target(req.url, allow_private=self.config.allow_private_targets)
        except TargetRefused as exc:
            return Result(AttemptOutcome.TARGET_REFUSED, error=str(exc)[:500])
        headers = {
            **req.headers,
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "host": target.host_header,
            **signing.headers(req.secrets, req.msg_id, int(self.wall()), req.body),
        }
        if req.correlation_id:
            headers["x-request-id"] = req.correlation_id
        extensions = {"sni_hostname": target.server_name} if target.server_name else {}
        try:
            async with asyncio.timeout(self.config.timeout_seconds):
                request = self.client.build_request(
                    "POST",
                    target.url,
                    content=req.body,
                    headers=headers,
                    extensions=extensions,
                    timeout=self.config.timeout_seconds,
                )
                response = await self.client.send(request, stream=True, follow_redirects=False)
                try:
                    excerpt = await _excerpt(response, self.config.excerpt_chars)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            return Result(AttemptOutcome.TIMEOUT, duration_ms=elapsed(), error="no answer in time")
        except httpx.HTTPError as exc:
            return Result(
                AttemptOutcome.CONNECTION_ERROR,
                duration_ms=elapsed(),
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
        ok = 200 <= response.status_code < 300
        return Result(
            AttemptOutcome.SUCCESS if ok else AttemptOutcome.HTTP_ERROR,
            status_code=response.status_code,
            duration_ms=elapsed(),
            error=None if ok else f"HTTP {response.status_code}",
            excerpt=excerpt,
            retry_after=response.headers.get("retry-after"),
        )

    async def _record(self, claim: Claim, started: datetime, result: Result, correlation_id: str) -> None:
        async with self._uow(claim.store_id, correlation_id) as uow:
            session = uow.session
            delivery = await session.get(WebhookDelivery, claim.delivery_id, with_for_update=True)
            if delivery is None:  # the endpoint was deleted meanwhile
                return
            # Not locked on the way in: a success changes the endpoint only when it was failing, and the
            # claim skips locked endpoints, so locking it on every attempt would stall its next claims.
            sub = await session.get(WebhookSubscription, delivery.subscription_id)
            now = self.clock()
            # A claim that expired and was taken by another worker: record what happened, decide nothing.
            ours = delivery.claim_token == claim.token and delivery.status is DeliveryStatus.DELIVERING
            delivery.attempt_count += 1
            if result.outcome is AttemptOutcome.ABANDONED:
                delivery.claims = delivery.attempt_count  # count silent claims afresh
            delivery.last_status_code = result.status_code
            delivery.last_error = result.error
            next_at: datetime | None = None
            if ours:
                delivery.claim_token = None
                if result.outcome is AttemptOutcome.SUCCESS:
                    delivery.status = DeliveryStatus.SUCCEEDED
                    delivery.delivered_at = now
                    delivery.next_attempt_at = None
                    if sub is not None and sub.failing_since is not None:
                        await session.refresh(sub, with_for_update=True)
                        sub.failing_since = None
                else:
                    next_at = await self._failed(uow, delivery, sub, result, now)
            session.add(
                WebhookAttempt(
                    id=uuid.uuid4(),
                    store_id=claim.store_id,
                    started_at=started,
                    delivery_id=delivery.id,
                    subscription_id=delivery.subscription_id,
                    number=delivery.attempt_count,
                    outcome=result.outcome,
                    status_code=result.status_code,
                    duration_ms=result.duration_ms,
                    error=result.error,
                    response_excerpt=result.excerpt,
                    next_attempt_at=next_at,
                )
            )
            await uow.commit()

    async def _failed(
        self,
        uow: UnitOfWork,
        delivery: WebhookDelivery,
        sub: WebhookSubscription | None,
        result: Result,
        now: datetime,
    ) -> datetime | None:
        """Schedule the next attempt (or give up); disable an endpoint that is gone or failing too long."""
        if sub is not None:
            await uow.session.refresh(sub, with_for_update=True)
        if result.status_code == 410:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            if sub is not None and sub.active:
                await disable_subscription(uow, sub, "the endpoint answered 410 Gone")
            return None
        delivery.schedule_step += 1
        retry_after = None
        if result.status_code in (429, 503):
            retry_after = schedule.parse_retry_after(result.retry_after, now=now)
        delay = schedule.next_delay(delivery.schedule_step, retry_after=retry_after, rng=self.rng)
        if delay is None:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = schedule.after(now, delay)
        if sub is not None:
            sub.failing_since = sub.failing_since or now
            settings = await uow.session.get(WebhookSettings, sub.store_id)
            limit = settings.disable_after_seconds if settings else DEFAULT_DISABLE_AFTER_SECONDS
            failing_for = (now - sub.failing_since).total_seconds()
            if sub.active and failing_for >= limit:
                await disable_subscription(
                    uow, sub, f"every attempt failed for {failing_for / 3600:.1f} hours"
                )
        return delivery.next_attempt_at


@dataclass(frozen=True)
class _Request:
    msg_id: str
    url: str
    body: bytes
    secrets: list[str]
    headers: dict[str, str]
    correlation_id: str


async def _excerpt(response: httpx.Response, limit: int) -> str:
    """The start of the answer (enough to debug by), without reading a large body whole."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit * 4:
            break
    return b"".join(chunks).decode("utf-8", errors="replace")[:limit]
