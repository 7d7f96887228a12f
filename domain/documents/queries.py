from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.documents.models import PersistedDocument


async def documents_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PersistedDocument | None]:
    rows = {
        d.id: d
        for d in (await session.scalars(select(PersistedDocument).where(PersistedDocument.id.in_(ids)))).all()
    }
    return [rows.get(i) for i in ids]
