"""Brands (vendors). Their events carry only the brand's id: consumers resolve brand → products."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.inputs import BrandCreateInput, BrandFields
from domain.catalog.models import Brand
from domain.catalog.writes import flush_unique, require
from domain.errors import DomainError
from domain.text import slugify
from domain.uow import UnitOfWork


def _slug(raw: str, field: str) -> str:
    slug = slugify(raw)
    if not slug:
        raise DomainError(CatalogErrorCode.INVALID, "slug needs at least one letter or digit", field=field)
    return slug


async def create_brand(uow: UnitOfWork, data: BrandCreateInput) -> Brand:
    """Create a brand; the slug comes from the name when not given, and must be free (DUPLICATE_SLUG)."""
    brand = Brand(
        id=uuid.uuid4(),
        name=data.name,
        slug=_slug(data.slug, "slug") if data.slug else _slug(data.name, "name"),
        description=data.description or "",
        logo_url=data.logo_url,
    )
    uow.session.add(brand)
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another brand has this slug", field="slug")
    uow.emit(events.BRAND_CREATED, {"id": str(brand.id)})
    return brand


async def update_brand(uow: UnitOfWork, brand_id: uuid.UUID, data: BrandFields) -> Brand:
    brand = await require(uow, Brand, brand_id, field="id", lock=True)
    given = data.model_fields_set
    if data.name is not None:
        brand.name = data.name
    if data.description is not None:
        brand.description = data.description
    if "logo_url" in given:
        brand.logo_url = data.logo_url
    if "slug" in given:
        brand.slug = _slug(data.slug, "slug") if data.slug else _slug(brand.name, "name")
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another brand has this slug", field="slug")
    uow.emit(events.BRAND_UPDATED, {"id": str(brand.id)})
    return brand


async def delete_brand(uow: UnitOfWork, brand_id: uuid.UUID) -> None:
    """Products of the brand keep existing without one."""
    brand = await require(uow, Brand, brand_id, field="id", lock=True)
    await uow.session.delete(brand)
    await uow.session.flush()
    uow.emit(events.BRAND_DELETED, {"id": str(brand_id)})


async def find_or_create_brand(uow: UnitOfWork, name: str) -> Brand:
    """The brand with this name (case-insensitive) or slug, created when there is none."""
    data = BrandCreateInput(name=name)
    found = await uow.session.scalar(
        select(Brand)
        .where((func.lower(Brand.name) == data.name.lower()) | (Brand.slug == slugify(data.name)))
        .limit(1)
    )
    return found or await create_brand(uow, data)
