from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.documents.models import PersistedDocument
from resolvers.context import Context
from resolvers.pagination import Page, keyset, page_size, to_page


async def list_documents(ctx: Context, *, first: int | None, after: str | None) -> Page[PersistedDocument]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = keyset(
            select(PersistedDocument),
            PersistedDocument.created_at,
            PersistedDocument.id,
            first=size,
            after=after,
        )
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda d: (d.created_at, d.id))


async def document(ctx: Context, document_id: uuid.UUID) -> PersistedDocument | None:
    result: PersistedDocument | None = await ctx.loaders.document_by_id.load(document_id)
    return result
