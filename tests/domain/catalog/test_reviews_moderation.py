"""Reviews: submission rules and the moderation state machine, with their events."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.models import ProductStatus, Review, ReviewStatus
from domain.catalog.reviews import TRANSITIONS, approved_only, delete_review, moderate_review, submit_review
from domain.catalog.taxonomy_inputs import ReviewInput
from domain.errors import DomainError
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore, StoreFixture

S = ReviewStatus


async def _submit(store: StoreFixture, product_id: uuid.UUID, rating: int = 5, **kw: object) -> Review:
    storefront = bool(kw.pop("storefront", True))
    async with store.uow() as uow:
        review = await submit_review(
            uow,
            ReviewInput(product_id=product_id, rating=rating, author_name="রহিম", body="খুব ভালো", title="ভালো"),
            storefront=storefront,
            **kw,  # type: ignore[arg-type]
        )
        await uow.commit()
    return review


async def test_storefront_submit_lands_pending_and_unverified(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await add_product(a)

    review = await _submit(a, product.id, 4, verified_purchase=True)
    by_admin = await _submit(a, product.id, 5, storefront=False, verified_purchase=True)

    rows = await fetch(
        owner_engine, "SELECT id, status, verified_purchase, author_name FROM reviews ORDER BY rating"
    )
    assert [(r["id"], r["status"], r["verified_purchase"], r["author_name"]) for r in rows] == [
        (review.id, "pending", False, "রহিম"),
        (by_admin.id, "pending", True, "রহিম"),
    ]
    assert (await catalog_events(owner_engine, a))[-2] == (
        "review.submitted",
        {"id": str(review.id), "product_id": str(product.id), "status": "pending"},
    )


@pytest.mark.parametrize("rating", [0, 6, -1])
async def test_rating_outside_one_to_five_is_refused(
    make_store: MakeStore, owner_engine: AsyncEngine, rating: int
) -> None:
    a = await make_store("a")
    product = await add_product(a)
    with pytest.raises(DomainError) as err:
        await _submit(a, product.id, rating)
    assert (err.value.code, err.value.field) == ("INVALID_RATING", "rating")
    assert await count(owner_engine, "reviews") == 0
    assert await catalog_events(owner_engine, a) == []


async def test_unknown_hidden_or_foreign_product_is_not_found(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    draft = await add_product(a, status=ProductStatus.DRAFT)
    theirs = await add_product(b)
    for product_id in (uuid.uuid4(), draft.id, theirs.id):
        with pytest.raises(DomainError) as err:
            await _submit(a, product_id)
        assert (err.value.code, err.value.field) == ("NOT_FOUND", "productId")
    assert await count(owner_engine, "reviews") == 0


def test_text_limits() -> None:
    with pytest.raises(ValidationError):
        ReviewInput(product_id=uuid.uuid4(), rating=5, author_name="x", body="x" * 5001)
    with pytest.raises(ValidationError):
        ReviewInput(product_id=uuid.uuid4(), rating=5, author_name="  ")


ALL = [S.PENDING, S.APPROVED, S.REJECTED, S.SPAM]
ALLOWED = {
    (S.PENDING, S.APPROVED),
    (S.PENDING, S.REJECTED),
    (S.PENDING, S.SPAM),
    (S.APPROVED, S.REJECTED),
    (S.REJECTED, S.APPROVED),
    (S.APPROVED, S.SPAM),
    (S.REJECTED, S.SPAM),
    (S.SPAM, S.PENDING),
}


def test_the_transition_table_is_the_documented_one() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


async def _review_in(store: StoreFixture, product_id: uuid.UUID, status: ReviewStatus) -> Review:
    review = await _submit(store, product_id)
    path = {S.PENDING: [], S.APPROVED: [S.APPROVED], S.REJECTED: [S.REJECTED], S.SPAM: [S.SPAM]}[status]
    for step in path:
        async with store.uow() as uow:
            review = await moderate_review(uow, review.id, step)
            await uow.commit()
    return review


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", ALL)
async def test_moderation_transitions(
    make_store: MakeStore, owner_engine: AsyncEngine, start: ReviewStatus, target: ReviewStatus
) -> None:
    a = await make_store("a")
    product = await add_product(a)
    review = await _review_in(a, product.id, start)
    before = await catalog_events(owner_engine, a)

    async with a.uow() as uow:
        if (start, target) in ALLOWED:
            moved = await moderate_review(uow, review.id, target)
            await uow.commit()
        else:
            with pytest.raises(DomainError) as err:
                await moderate_review(uow, review.id, target)

    (row,) = await fetch(owner_engine, "SELECT status, moderated_at FROM reviews WHERE id = :r", r=review.id)
    if (start, target) in ALLOWED:
        assert row["status"] == target.value and moved.moderated_at is not None
        assert (await catalog_events(owner_engine, a))[len(before) :] == [
            (
                "review.moderated",
                {"id": str(review.id), "product_id": str(product.id), "status": target.value},
            )
        ]
    else:
        assert (err.value.code, err.value.field) == ("INVALID_TRANSITION", "status")
        assert row["status"] == start.value
        assert await catalog_events(owner_engine, a) == before


async def test_approved_only_and_delete(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await add_product(a)
    shown = await _review_in(a, product.id, S.APPROVED)
    await _review_in(a, product.id, S.PENDING)
    await _review_in(a, product.id, S.SPAM)

    async with a.uow() as uow:
        visible = (await uow.session.scalars(select(Review.id).where(approved_only()))).all()
    assert visible == [shown.id]

    async with a.uow() as uow:
        await delete_review(uow, shown.id)
        await uow.commit()
    assert await count(owner_engine, "reviews") == 2
    assert (await catalog_events(owner_engine, a))[-1] == (
        "review.deleted",
        {"id": str(shown.id), "product_id": str(product.id), "status": "approved"},
    )

    b = await make_store("b")
    async with b.uow() as uow:
        with pytest.raises(DomainError) as err:
            await moderate_review(uow, visible[0], S.REJECTED)
    assert err.value.code == "NOT_FOUND"
