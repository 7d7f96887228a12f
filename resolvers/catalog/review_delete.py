from __future__ import annotations

import uuid

from domain.catalog.reviews import delete_review
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def review_delete(ctx: Context, *, id: str) -> uuid.UUID:
    review_id = require_id(id, "Review", field="id")
    async with ctx.uow() as uow:
        await delete_review(uow, review_id)
        await uow.commit()
    return review_id
