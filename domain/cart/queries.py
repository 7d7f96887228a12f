"""Batch reads for carts: what the catalog says about a set of variants, in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from domain.catalog.models import Product, ProductStatus, ProductVariant
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class VariantFacts:
    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    variant_title: str
    weight_grams: int | None
    on_sale: bool


async def variant_facts(uow: UnitOfWork, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, VariantFacts]:
    if not variant_ids:
        return {}
    rows = await uow.session.execute(
        select(
            ProductVariant.id,
            ProductVariant.product_id,
            ProductVariant.sku,
            Product.title,
            ProductVariant.title,
            ProductVariant.weight_grams,
            Product.status,
        )
        .join(Product, Product.id == ProductVariant.product_id)
        .where(ProductVariant.id.in_(list(variant_ids)))
    )
    return {
        r[0]: VariantFacts(r[0], r[1], r[2], r[3], r[4], r[5], ProductStatus(r[6]) is ProductStatus.ACTIVE)
        for r in rows
    }
