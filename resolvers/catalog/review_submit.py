from __future__ import annotations

from domain.catalog.models import Review
from domain.catalog.reviews import submit_review
from domain.catalog.taxonomy_inputs import ReviewInput
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def review_submit(
    ctx: Context, *, product_id: str, rating: int, title: str, body: str, author_name: str
) -> Review:
    """A shopper's review: always pending, never a verified purchase."""
    data = ReviewInput(
        product_id=require_id(product_id, "Product", field="productId"),
        rating=rating,
        title=title,
        body=body,
        author_name=author_name,
    )
    async with ctx.uow() as uow:
        review = await submit_review(uow, data, storefront=True)
        await uow.commit()
    return review
