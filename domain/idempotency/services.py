"""The idempotency contract for money-moving mutations.

A request with a key first `claim`s it in its own short transaction (committed at once, so concurrent
replays see it). The answer is one of:
- Claim: run the operation; finish with `complete` in the SAME transaction as the operation's writes
  (so "done" and "recorded as done" commit together), or `release` when it failed without changing
  anything (a retry may then run again);
- Replay: the stored response of the first run (same payload, completed): return it, change nothing;
- IDEMPOTENCY_KEY_REUSED (HTTP 422): the key was used with another payload;
- IDEMPOTENCY_KEY_IN_PROGRESS (HTTP 409): the first run is still going.
A claim is a lease: if its process died, the lease runs out and the next retry takes the claim over
(`attempt` + 1, `resumed` True) and resumes. `complete` checks `attempt`, so a run that lost its lease
cannot also record a result. Keys are scoped by store and token and kept 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError
from domain.idempotency.errors import IdempotencyErrorCode
from domain.idempotency.models import IdempotencyKey
from domain.uow import UnitOfWork

RETENTION = timedelta(hours=24)
DEFAULT_LEASE = timedelta(seconds=30)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Claim:
    """This request owns the key. `resumed`: an earlier run died holding it and may have done part."""

    scope: str
    key: str
    attempt: int
    resumed: bool


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was completed before with the same payload: answer `response` again."""

    response: dict[str, Any]


def fingerprint(operation: str, payload: Any) -> str:
    canonical = json.dumps(
        {"op": operation, "payload": payload}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY,
            f"an idempotency key has 1 to {MAX_KEY_LENGTH} printable characters",
            field="idempotencyKey",
        )
    return key


async def claim(
    uow: UnitOfWork,
    *,
    scope: str,
    key: str,
    operation: str,
    payload: Any,
    lease: timedelta = DEFAULT_LEASE,
) -> Claim | Replay:
    """Claim `key` for `operation` with `payload`, or learn it was done; the caller commits at once.
    Raises DomainError IDEMPOTENCY_KEY_REUSED / IDEMPOTENCY_KEY_IN_PROGRESS (see the module doc)."""
    key = check_key(key)
    now = uow.clock()
    digest = fingerprint(operation, payload)
    inserted = await uow.session.execute(
        insert(IdempotencyKey)
        .values(
            store_id=uow.store_id,
            scope=scope,
            key=key,
            operation=operation,
            fingerprint=digest,
            status="in_progress",
            attempt=1,
            locked_until=now + lease,
            created_at=now,
            expires_at=now + RETENTION,
        )
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.attempt)
    )
    if inserted.first() is not None:
        return Claim(scope, key, 1, resumed=False)
    row = await uow.session.scalar(
        select(IdempotencyKey)
        .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        # Released between our insert and our read: the key is free again.
        return await claim(uow, scope=scope, key=key, operation=operation, payload=payload, lease=lease)
    if row.expires_at <= now:
        # Past retention: a new use of the key.
        row.operation, row.fingerprint, row.status, row.response = operation, digest, "in_progress", None
        row.attempt, row.locked_until, row.created_at, row.expires_at = 1, now + lease, now, now + RETENTION
        await uow.session.flush()
        return Claim(scope, key, 1, resumed=False)
    if row.fingerprint != digest:
        raise DomainError(
            IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
            "this idempotency key was used with another request",
            field="idempotencyKey",
        )
    if row.status == "completed" and row.response is not None:
        return Replay(row.response)
    if row.locked_until > now:
        raise DomainError(
            IdempotencyErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
            "a request with this idempotency key is still running",
            field="idempotencyKey",
        )
    row.attempt += 1
    row.locked_until = now + lease
    await uow.session.flush()
    return Claim(scope, key, row.attempt, resumed=True)


async def complete(uow: UnitOfWork, claim_: Claim, response: dict[str, Any]) -> None:
    """Store the response in the operation's own transaction. If the claim was taken over meanwhile
    (this run's lease ran out), raises IDEMPOTENCY_KEY_IN_PROGRESS: the caller rolls everything back."""
    done = await uow.session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.scope == claim_.scope,
            IdempotencyKey.key == claim_.key,
            IdempotencyKey.attempt == claim_.attempt,
            IdempotencyKey.status == "in_progress",
        )
        .values(status="completed", response=response)
        .returning(IdempotencyKey.key)
        .execution_options(synchronize_session=False)
    )
    if done.first() is None:
        raise DomainError(
            IdempotencyErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
            "another request took this idempotency key over",
            field="idempotencyKey",
        )


async def release(uow: UnitOfWork, claim_: Claim) -> None:
    """Give the key up after a failure that changed nothing, so a retry runs afresh; the caller commits."""
    await uow.session.execute(
        delete(IdempotencyKey)
        .where(
            IdempotencyKey.scope == claim_.scope,
            IdempotencyKey.key == claim_.key,
            IdempotencyKey.attempt == claim_.attempt,
            IdempotencyKey.status == "in_progress",
        )
        .execution_options(synchronize_session=False)
    )


async def purge_expired(uow: UnitOfWork, *, batch: int = 1000) -> int:
    """Delete up to `batch` of this store's keys past retention; returns how many (housekeeping only:
    claim already ignores them). Rows another transaction holds (a claim renewing an expired key) are
    skipped, and the expiry is checked again on the row deleted, so a key renewed meanwhile survives;
    two purges at once delete disjoint rows. The caller commits."""
    now = uow.clock()
    old = (
        select(IdempotencyKey.store_id, IdempotencyKey.scope, IdempotencyKey.key)
        .where(IdempotencyKey.expires_at <= now)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = await uow.session.execute(
        delete(IdempotencyKey)
        .where(
            tuple_(IdempotencyKey.store_id, IdempotencyKey.scope, IdempotencyKey.key).in_(old),
            IdempotencyKey.expires_at <= now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def stores_with_expired(conn: AsyncConnection, now: datetime) -> list[uuid.UUID]:
    """Stores holding keys past retention (a definer function: it reads every store)."""
    rows = await conn.execute(text("SELECT * FROM stormcom_idempotency_expired_stores(:now)"), {"now": now})
    return [r[0] for r in rows]
