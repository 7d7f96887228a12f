from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from domain.audit.models import AuditEntry
from domain.audit.services import append_entry
from domain.uow import AuditDraft
from resolvers.context import Context
from resolvers.pagination import page_size


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    has_next_page: bool


async def list_entries(ctx: Context, *, first: int | None, after_seq: int | None) -> AuditPage:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(size + 1)
        if after_seq is not None:
            stmt = stmt.where(AuditEntry.seq < after_seq)
        rows = list((await uow.session.scalars(stmt)).all())
    return AuditPage(rows[:size], len(rows) > size)


async def record_unwritten(ctx: Context, draft: AuditDraft, *, result: str, codes: list[str]) -> None:
    """Record a mutation that changed nothing (payload errors or a fault) in a transaction of its own."""
    async with ctx.uow() as uow:
        await append_entry(uow.session, uow.store_id, draft, result=result, detail={"codes": codes})
        await uow.session.commit()
    draft.written = True
