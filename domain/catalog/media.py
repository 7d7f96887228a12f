"""Images of a product and of its variants: URLs (no uploads), alt text, dimensions, an order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.inputs import MediaCreateInput, MediaFields
from domain.catalog.models import Product, ProductMedia, ProductVariant
from domain.catalog.writes import require
from domain.errors import DomainError
from domain.uow import UnitOfWork


def _changed(uow: UnitOfWork, media_id: uuid.UUID, product_id: uuid.UUID) -> None:
    uow.emit(events.MEDIA_CHANGED, {"id": str(media_id), "product_ids": [str(product_id)]})


async def _check_variant(uow: UnitOfWork, product_id: uuid.UUID, variant_id: uuid.UUID) -> None:
    variant = await uow.session.get(ProductVariant, variant_id)
    if variant is None or variant.product_id != product_id:
        raise DomainError(
            CatalogErrorCode.NOT_FOUND, "no variant of this product with this id", field="variantId"
        )


async def product_media(uow: UnitOfWork, product_id: uuid.UUID) -> list[ProductMedia]:
    rows = await uow.session.scalars(
        select(ProductMedia)
        .where(ProductMedia.product_id == product_id)
        .order_by(ProductMedia.position, ProductMedia.created_at, ProductMedia.id)
    )
    return list(rows.all())


async def add_media(uow: UnitOfWork, product_id: uuid.UUID, data: MediaCreateInput) -> ProductMedia:
    """Append an image to the product (or to one of its variants, with `variant_id`)."""
    product = await require(uow, Product, product_id, field="productId", lock=True)
    if data.variant_id is not None:
        await _check_variant(uow, product.id, data.variant_id)
    last = await uow.session.scalar(
        select(func.max(ProductMedia.position)).where(ProductMedia.product_id == product.id)
    )
    media = ProductMedia(
        id=uuid.uuid4(),
        product_id=product.id,
        variant_id=data.variant_id,
        url=data.url,
        alt=data.alt or "",
        width=data.width,
        height=data.height,
        position=0 if last is None else last + 1,
    )
    uow.session.add(media)
    await uow.session.flush()
    _changed(uow, media.id, product.id)
    return media


async def update_media(uow: UnitOfWork, media_id: uuid.UUID, data: MediaFields) -> ProductMedia:
    media = await require(uow, ProductMedia, media_id, field="id", lock=True)
    given = data.model_fields_set
    if "variant_id" in given and data.variant_id is not None:
        await _check_variant(uow, media.product_id, data.variant_id)
    for name in ("url", "alt", "width", "height", "variant_id"):
        if name in given:
            setattr(media, name, getattr(data, name))
    await uow.session.flush()
    _changed(uow, media.id, media.product_id)
    return media


async def reorder_media(
    uow: UnitOfWork, product_id: uuid.UUID, media_ids: Sequence[uuid.UUID]
) -> list[ProductMedia]:
    """Put the product's images in this order; the list must name each of them exactly once."""
    product = await require(uow, Product, product_id, field="productId", lock=True)
    current = await product_media(uow, product.id)
    if len(set(media_ids)) != len(media_ids) or set(media_ids) != {m.id for m in current}:
        raise DomainError(
            CatalogErrorCode.INVALID, "name every image of the product exactly once", field="mediaIds"
        )
    by_id = {m.id: m for m in current}
    for position, media_id in enumerate(media_ids):
        by_id[media_id].position = position
    await uow.session.flush()
    _changed(uow, product.id, product.id)
    return [by_id[i] for i in media_ids]


async def delete_media(uow: UnitOfWork, media_id: uuid.UUID) -> None:
    media = await require(uow, ProductMedia, media_id, field="id", lock=True)
    await uow.session.delete(media)
    await uow.session.flush()
    _changed(uow, media_id, media.product_id)
