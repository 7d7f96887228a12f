"""arq job functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from domain.events.envelope import EventEnvelope
from domain.events.outbox import mark_processed
from gateway.logging import request_id_var
from workers.consumers import consumers
from workers.context import worker_state
from workers.handlers import dispatch


async def handle_event(ctx: dict[str, Any], payload: dict[str, Any]) -> list[str]:
    """Run the consumers of one event, then mark it processed so the sweep leaves it alone."""
    state = worker_state(ctx)
    envelope = EventEnvelope.from_json(payload)
    # Log lines of the job carry the id of the request that caused the event.
    token = request_id_var.set(envelope.correlation_id)
    try:
        ran = await dispatch(state.db, envelope, consumers)
        async with state.db.primary.connect() as conn:
            await mark_processed(conn, [envelope.id])
            await conn.commit()
    finally:
        request_id_var.reset(token)
    return ran


async def ensure_partitions(ctx: dict[str, Any]) -> None:
    """Keep next months' partitions (outbox, webhook attempts, inventory ledger) created ahead of time."""
    state = worker_state(ctx)
    async with state.db.primary.connect() as conn:
        await conn.execute(text("SELECT stormcom_ensure_partitions('outbox_events', 2)"))
        await conn.execute(text("SELECT stormcom_ensure_partitions('webhook_attempts', 2)"))
        await conn.execute(text("SELECT stormcom_ensure_partitions('inventory_adjustments', 2)"))
        await conn.commit()
