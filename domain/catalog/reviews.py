"""Product reviews: submitted (from a storefront or by an admin/import), then moderated.

A storefront submission always lands as pending and never claims a verified purchase: only admin tools and
imports, which know the order history, may set that flag. Moderation follows a small state machine
(`TRANSITIONS`); only approved reviews are shown to shoppers (`approved_only`)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import Product, ProductStatus, Review, ReviewStatus
from domain.catalog.taxonomy_inputs import ReviewInput
from domain.catalog.writes import require
from domain.errors import DomainError
from domain.uow import UnitOfWork

PENDING, APPROVED, REJECTED, SPAM = (
    ReviewStatus.PENDING,
    ReviewStatus.APPROVED,
    ReviewStatus.REJECTED,
    ReviewStatus.SPAM,
)
TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    PENDING: frozenset({APPROVED, REJECTED, SPAM}),
    APPROVED: frozenset({REJECTED, SPAM}),
    REJECTED: frozenset({APPROVED, SPAM}),
    # A review marked spam by mistake goes back to the queue, never straight to the storefront.
    SPAM: frozenset({PENDING}),
}


def approved_only() -> ColumnElement[bool]:
    """The filter every shopper-facing read of reviews applies."""
    return Review.status == APPROVED


def _data(review: Review) -> dict[str, str]:
    return {"id": str(review.id), "product_id": str(review.product_id), "status": review.status.value}


async def submit_review(
    uow: UnitOfWork, data: ReviewInput, *, storefront: bool, verified_purchase: bool = False
) -> Review:
    """Record a review as pending. A rating outside 1 to 5 is INVALID_RATING; an unknown product is NOT_FOUND
    (from a storefront, so is a product that is not active: shoppers cannot see it)."""
    if not 1 <= data.rating <= 5:
        raise DomainError(CatalogErrorCode.INVALID_RATING, "rating is 1 to 5", field="rating")
    product = await uow.session.get(Product, data.product_id)
    if (
        product is None
        or product.store_id != uow.store_id
        or (storefront and product.status is not ProductStatus.ACTIVE)
    ):
        raise DomainError(CatalogErrorCode.NOT_FOUND, "no product with this id", field="productId")
    review = Review(
        id=uuid.uuid4(),
        product_id=product.id,
        rating=data.rating,
        title=data.title.strip(),
        body=data.body.strip(),
        author_name=data.author_name,
        verified_purchase=verified_purchase and not storefront,
        status=PENDING,
    )
    uow.session.add(review)
    await uow.session.flush()
    uow.emit(events.REVIEW_SUBMITTED, _data(review))
    return review


async def moderate_review(uow: UnitOfWork, review_id: uuid.UUID, status: ReviewStatus) -> Review:
    """Move a review to `status` if `TRANSITIONS` allows it, else INVALID_TRANSITION."""
    review = await require(uow, Review, review_id, field="id", lock=True)
    if status not in TRANSITIONS[review.status]:
        raise DomainError(
            CatalogErrorCode.INVALID_TRANSITION,
            f"a {review.status.value} review cannot become {status.value}",
            field="status",
        )
    review.status = status
    review.moderated_at = uow.clock()
    await uow.session.flush()
    uow.emit(events.REVIEW_MODERATED, _data(review))
    return review


async def delete_review(uow: UnitOfWork, review_id: uuid.UUID) -> None:
    review = await require(uow, Review, review_id, field="id", lock=True)
    data = _data(review)
    await uow.session.delete(review)
    await uow.session.flush()
    uow.emit(events.REVIEW_DELETED, data)
