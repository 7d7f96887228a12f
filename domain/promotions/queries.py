"""Batch reads for loaders and admin lists, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import any_, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from domain.promotions.models import DiscountCode, Promotion

_UUIDS = PG_ARRAY(PG_UUID(as_uuid=True))


def _among(column: Any, ids: Sequence[uuid.UUID]) -> Any:
    return column == any_(literal(list(ids), _UUIDS))


async def promotions_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Promotion | None]:
    rows = {
        r.id: r for r in (await session.scalars(select(Promotion).where(_among(Promotion.id, ids)))).all()
    }
    return [rows.get(i) for i in ids]


async def code_counts_by_promotion(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[int]:
    rows = await session.execute(
        select(DiscountCode.promotion_id, func.count())
        .where(_among(DiscountCode.promotion_id, ids))
        .group_by(DiscountCode.promotion_id)
    )
    counts: dict[uuid.UUID, int] = {row[0]: row[1] for row in rows}
    return [counts.get(i, 0) for i in ids]


async def codes_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[DiscountCode | None]:
    rows = {
        r.id: r
        for r in (await session.scalars(select(DiscountCode).where(_among(DiscountCode.id, ids)))).all()
    }
    return [rows.get(i) for i in ids]
