"""Creating, changing and deleting products, their options and bundle contents. Every change emits its
event in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.html import sanitize_html
from domain.catalog.inputs import BundleItemInput, OptionInput, ProductCreateInput, ProductFields
from domain.catalog.models import (
    Brand,
    BundleItem,
    Category,
    Product,
    ProductOption,
    ProductType,
    ProductVariant,
)
from domain.catalog.slugs import unique_slug
from domain.catalog.writes import bundles_containing, flush_in_use, flush_unique, product_ids, require
from domain.errors import DomainError
from domain.text import slugify
from domain.uow import UnitOfWork

_FALLBACK_SLUG = "product"


def _product_event(uow: UnitOfWork, type_: str, product_id: uuid.UUID) -> None:
    uow.emit(type_, {"id": str(product_id), "product_ids": [str(product_id)]})


def _explicit_slug(raw: str) -> str:
    slug = slugify(raw, max_length=300)
    if not slug:
        raise DomainError(CatalogErrorCode.INVALID, "slug needs at least one letter or digit", field="slug")
    return slug


async def _check_references(uow: UnitOfWork, data: ProductFields) -> None:
    given = data.model_fields_set
    if "product_type_id" in given and data.product_type_id is not None:
        await require(uow, ProductType, data.product_type_id, field="productTypeId")
    if "brand_id" in given and data.brand_id is not None:
        await require(uow, Brand, data.brand_id, field="brandId")
    if "category_id" in given and data.category_id is not None:
        await require(uow, Category, data.category_id, field="categoryId")


def _apply(product: Product, data: ProductFields) -> None:
    given = data.model_fields_set
    for name in (
        "title",
        "status",
        "seo_title",
        "seo_description",
        "product_type_id",
        "brand_id",
        "category_id",
        "tags",
        "published_at",
    ):
        if name in given:
            setattr(product, name, getattr(data, name))
    if "description_html" in given and data.description_html is not None:
        product.description_html = sanitize_html(data.description_html)


async def create_product(uow: UnitOfWork, data: ProductCreateInput) -> Product:
    """Create a product. Without a slug one is made from the title (Bengali kept) and suffixed -2, -3…
    until free; an explicit slug already taken is DUPLICATE_SLUG."""
    await _check_references(uow, data)
    if data.slug:
        slug = _explicit_slug(data.slug)
    else:
        slug = await unique_slug(uow, Product.slug, data.title, _FALLBACK_SLUG, max_length=290)
    product = Product(id=uuid.uuid4(), title=data.title, slug=slug, tags=[], description_html="")
    _apply(product, data)
    uow.session.add(product)
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another product has this slug", field="slug")
    _product_event(uow, events.PRODUCT_CREATED, product.id)
    return product


async def update_product(uow: UnitOfWork, product_id: uuid.UUID, data: ProductFields) -> Product:
    product = await require(uow, Product, product_id, field="id", lock=True)
    await _check_references(uow, data)
    _apply(product, data)
    if "slug" in data.model_fields_set:
        if data.slug:
            product.slug = _explicit_slug(data.slug)
        else:
            product.slug = await unique_slug(
                uow, Product.slug, product.title, _FALLBACK_SLUG, max_length=290, exclude=product.id
            )
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another product has this slug", field="slug")
    _product_event(uow, events.PRODUCT_UPDATED, product.id)
    return product


async def delete_product(uow: UnitOfWork, product_id: uuid.UUID) -> None:
    """Delete a product with its variants, media and values. A product whose variants are parts of a
    bundle is IN_USE: take them out of the bundle first."""
    product = await require(uow, Product, product_id, field="id", lock=True)
    variant_ids = (
        await uow.session.scalars(select(ProductVariant.id).where(ProductVariant.product_id == product_id))
    ).all()
    if set(await bundles_containing(uow.session, variant_ids)) - {product_id}:
        raise DomainError(
            CatalogErrorCode.IN_USE, "a variant of this product is part of a bundle", field="id"
        )
    await uow.session.delete(product)
    await flush_in_use(uow, "the product is still referenced", field="id")
    _product_event(uow, events.PRODUCT_DELETED, product_id)


async def set_product_options(
    uow: UnitOfWork, product_id: uuid.UUID, options: Sequence[OptionInput]
) -> list[ProductOption]:
    """Replace the product's options (in the order given). Every existing variant must still fit them."""
    product = await require(uow, Product, product_id, field="productId", lock=True)
    names = [o.name for o in options]
    if len({n.casefold() for n in names}) != len(names):
        raise DomainError(CatalogErrorCode.INVALID, "option names must be distinct", field="options")
    allowed = {o.name: set(o.values) for o in options}
    variants = (
        await uow.session.scalars(select(ProductVariant).where(ProductVariant.product_id == product_id))
    ).all()
    for variant in variants:
        problem = option_values_problem(allowed, variant.option_values or {})
        if problem:
            raise DomainError(
                CatalogErrorCode.INVALID_OPTION_VALUES,
                f"variant {variant.sku} would not fit: {problem}",
                field="options",
            )
    await uow.session.execute(delete(ProductOption).where(ProductOption.product_id == product_id))
    rows = [
        ProductOption(id=uuid.uuid4(), product_id=product.id, name=o.name, position=i, values=list(o.values))
        for i, o in enumerate(options)
    ]
    uow.session.add_all(rows)
    await uow.session.flush()
    _product_event(uow, events.PRODUCT_UPDATED, product.id)
    return rows


def option_values_problem(allowed: dict[str, set[str]], values: dict[str, str]) -> str | None:
    """Why `values` does not fit the options, or None. A variant names one value of every option."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        return f"unknown option(s): {', '.join(unknown)}"
    missing = sorted(set(allowed) - set(values))
    if missing:
        return f"missing value for option(s): {', '.join(missing)}"
    for name, value in values.items():
        if value not in allowed[name]:
            return f"{value!r} is not a value of {name}"
    return None


async def product_options(uow: UnitOfWork, product_id: uuid.UUID) -> list[ProductOption]:
    rows = await uow.session.scalars(
        select(ProductOption).where(ProductOption.product_id == product_id).order_by(ProductOption.position)
    )
    return list(rows.all())


async def set_bundle_items(
    uow: UnitOfWork, product_id: uuid.UUID, items: Sequence[BundleItemInput]
) -> list[BundleItem]:
    """Make the product a bundle of these variants times quantities (an empty list makes it a plain product
    again). A bundle cannot contain its own variants nor another bundle's."""
    product = await require(uow, Product, product_id, field="productId", lock=True)
    wanted = [i.variant_id for i in items]
    if len(set(wanted)) != len(wanted):
        raise DomainError(CatalogErrorCode.INVALID, "each variant may appear once", field="items")
    found: dict[uuid.UUID, tuple[uuid.UUID, bool]] = {}
    if wanted:
        variant_rows = await uow.session.execute(
            select(ProductVariant.id, ProductVariant.product_id, Product.is_bundle)
            .join(Product, Product.id == ProductVariant.product_id)
            .where(ProductVariant.id.in_(wanted))
        )
        found = {r.id: (r.product_id, r.is_bundle) for r in variant_rows}
    for index, item in enumerate(items):
        if item.variant_id not in found:
            raise DomainError(
                CatalogErrorCode.NOT_FOUND, "no ProductVariant with this id", field=f"items.{index}.variantId"
            )
        owner, owner_is_bundle = found[item.variant_id]
        if owner == product.id or owner_is_bundle:
            raise DomainError(
                CatalogErrorCode.INVALID,
                "a bundle is made of variants of plain products",
                field=f"items.{index}.variantId",
            )
    if items:
        # Its own variants must not already sit in another bundle, or bundles would nest.
        own = (
            await uow.session.scalars(
                select(ProductVariant.id).where(ProductVariant.product_id == product.id)
            )
        ).all()
        if set(await bundles_containing(uow.session, own)) - {product.id}:
            raise DomainError(
                CatalogErrorCode.INVALID, "this product is itself part of a bundle", field="productId"
            )
    await uow.session.execute(delete(BundleItem).where(BundleItem.bundle_product_id == product.id))
    rows = [
        BundleItem(bundle_product_id=product.id, variant_id=i.variant_id, quantity=i.quantity) for i in items
    ]
    uow.session.add_all(rows)
    product.is_bundle = bool(rows)
    await uow.session.flush()
    uow.emit(events.PRODUCT_UPDATED, {"id": str(product.id), "product_ids": product_ids([product.id])})
    return rows


async def create_product_type(uow: UnitOfWork, name: str) -> ProductType:
    row = ProductType(id=uuid.uuid4(), name=_type_name(name))
    uow.session.add(row)
    await flush_unique(uow, CatalogErrorCode.UNIQUE, "a product type with this name exists", field="name")
    uow.emit(events.PRODUCT_TYPE_CREATED, {"id": str(row.id)})
    return row


async def update_product_type(uow: UnitOfWork, type_id: uuid.UUID, name: str) -> ProductType:
    row = await require(uow, ProductType, type_id, field="id", lock=True)
    row.name = _type_name(name)
    await flush_unique(uow, CatalogErrorCode.UNIQUE, "a product type with this name exists", field="name")
    uow.emit(events.PRODUCT_TYPE_UPDATED, {"id": str(row.id)})
    return row


async def delete_product_type(uow: UnitOfWork, type_id: uuid.UUID) -> None:
    """Products of the type keep existing with no type."""
    row = await require(uow, ProductType, type_id, field="id", lock=True)
    await uow.session.delete(row)
    await uow.session.flush()
    uow.emit(events.PRODUCT_TYPE_DELETED, {"id": str(type_id)})


async def find_or_create_product_type(uow: UnitOfWork, name: str) -> ProductType:
    clean = _type_name(name)
    found = await uow.session.scalar(select(ProductType).where(func.lower(ProductType.name) == clean.lower()))
    return found or await create_product_type(uow, clean)


def _type_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean or len(clean) > 100 or "\x00" in clean:
        raise DomainError(CatalogErrorCode.INVALID, "name must be 1 to 100 characters", field="name")
    return clean
