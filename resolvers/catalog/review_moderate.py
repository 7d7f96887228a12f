from __future__ import annotations

from domain.catalog.models import Review, ReviewStatus
from domain.catalog.reviews import moderate_review
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def review_moderate(ctx: Context, *, id: str, status: ReviewStatus) -> Review:
    review_id = require_id(id, "Review", field="id")
    async with ctx.uow() as uow:
        review = await moderate_review(uow, review_id, status)
        await uow.commit()
    return review
