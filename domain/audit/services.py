"""Appending to and verifying the hash-chained audit log.

Each store has its own chain: row n holds sha256(prev_hash || canonical(row n)), with prev_hash the hash of
row n-1 (32 zero bytes for the first). Appends take a transaction-scoped advisory lock per store so two
concurrent mutations cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEntry
from domain.db import new_id, utcnow

if TYPE_CHECKING:
    from domain.uow import AuditDraft

GENESIS = bytes(32)


def entry_digest(
    prev_hash: bytes,
    *,
    entry_id: uuid.UUID,
    store_id: uuid.UUID,
    seq: int,
    occurred_at: datetime,
    actor: str,
    operation: str,
    input_summary: dict[str, Any],
    result: str,
    result_detail: dict[str, Any],
    request_id: str,
) -> bytes:
    canonical = json.dumps(
        [
            str(entry_id),
            str(store_id),
            seq,
            occurred_at.isoformat(timespec="microseconds"),
            actor,
            operation,
            input_summary,
            result,
            result_detail,
            request_id,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(prev_hash + canonical.encode()).digest()


def _digest_of(entry: AuditEntry, prev_hash: bytes) -> bytes:
    return entry_digest(
        prev_hash,
        entry_id=entry.id,
        store_id=entry.store_id,
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor=entry.actor,
        operation=entry.operation,
        input_summary=entry.input_summary,
        result=entry.result,
        result_detail=entry.result_detail,
        request_id=entry.request_id,
    )


async def append_entry(
    session: AsyncSession, store_id: uuid.UUID, draft: AuditDraft, *, result: str, detail: dict[str, Any]
) -> AuditEntry:
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('audit:' || :store, 0))"),
        {"store": str(store_id)},
    )
    head = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS)
    # Postgres keeps microseconds; truncating here makes the stored value hash the same on verify.
    entry = AuditEntry(
        id=new_id(),
        store_id=store_id,
        seq=seq,
        occurred_at=utcnow(),
        actor=draft.actor,
        operation=draft.operation,
        input_summary=draft.input_summary,
        result=result,
        result_detail=detail,
        request_id=draft.request_id,
        prev_hash=prev,
    )
    entry.hash = _digest_of(entry, prev)
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    store_id: uuid.UUID
    seq: int
    reason: str


async def verify_chain(session: AsyncSession, *, batch: int = 1000) -> tuple[int, list[ChainBreak]]:
    """Walk the current store's chain in order; return the number of rows checked and every break found."""
    breaks: list[ChainBreak] = []
    prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
            )
        ).all()
        if not rows:
            return checked, breaks
        for entry in rows:
            checked += 1
            if entry.seq != expected_seq:
                breaks.append(ChainBreak(entry.store_id, entry.seq, f"gap: expected seq {expected_seq}"))
            if entry.prev_hash != prev:
                breaks.append(
                    ChainBreak(entry.store_id, entry.seq, "prev_hash does not match the previous row")
                )
            if _digest_of(entry, entry.prev_hash) != entry.hash:
                breaks.append(ChainBreak(entry.store_id, entry.seq, "row content does not match its hash"))
            prev, expected_seq, last_seq = entry.hash, entry.seq + 1, entry.seq
