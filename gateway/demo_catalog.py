"""Seed the demo store's catalog (gateway/demo_catalog_data.py) through the catalog's own services and
importer, so the demo data obeys every rule and emits every event a merchant's would.

Bengali is the demo store's default locale: base text is Bengali, English comes as translations.
Idempotent: categories and attributes are found by slug and code, products by handle and variants by SKU
(the importer's rules), prices and attribute values are set to the same values, translations merge,
reviews are only added to products that have none. A store that already holds the whole demo catalog is
left alone, so `make run` costs nothing the second time.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from domain.catalog import attributes, categories, prices, products, reviews, translations
from domain.catalog.importer import import_catalog
from domain.catalog.inputs import (
    AttributeCreateInput,
    AttributeValueInput,
    ChoiceInput,
    PriceInput,
    ProductFields,
)
from domain.catalog.models import (
    Attribute,
    AttributeKind,
    Brand,
    Category,
    Product,
    ProductVariant,
    Review,
    ReviewStatus,
    Translation,
)
from domain.catalog.read_model import refresh_products
from domain.catalog.taxonomy_inputs import CategoryInput, ReviewInput
from domain.uow import UnitOfWork
from gateway import demo_catalog_data as data

Progress = Callable[[str, int, int], None]
BATCH = 100
# Demo "now" is fixed so that re-seeding computes the same publish dates.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class DemoCatalogReport:
    products: int
    variants: int
    categories: int
    brands: int
    reviews: int
    skipped: bool
    import_errors: int


def _noop(step: str, done: int, total: int) -> None:
    return None


async def seed_demo_catalog(
    new_uow: Callable[[], UnitOfWork], *, count: int = 2000, progress: Progress = _noop
) -> DemoCatalogReport:
    catalog = data.products(count)
    if await _complete(new_uow, catalog):
        return await _report(new_uow, skipped=True, import_errors=0)
    await _categories(new_uow, progress)
    attribute_ids = await _attributes(new_uow)
    report = await import_catalog(
        new_uow,
        json.dumps({"products": [_import_record(p) for p in catalog]}, ensure_ascii=False),
        "json",
        batch_size=BATCH,
        progress=lambda done, total: progress("products", done, total),
    )
    await _enrich(new_uow, catalog, attribute_ids, progress)
    return await _report(new_uow, skipped=False, import_errors=len(report.errors))


async def _complete(new_uow: Callable[[], UnitOfWork], catalog: list[data.DemoProduct]) -> bool:
    handles = [p.handle for p in catalog]
    async with new_uow() as uow:
        found = await uow.session.scalar(select(func.count()).where(Product.slug.in_(handles)))
        reviewed = await uow.session.scalar(
            select(func.count(func.distinct(Review.product_id)))
            .join(Product, Product.id == Review.product_id)
            .where(Product.slug.in_(handles))
        )
    expected_reviewed = sum(1 for p in catalog if p.reviews)
    return found == len(catalog) and reviewed == expected_reviewed


def _category_path(key: str) -> list[str]:
    by_key = {c.key: c for c in data.categories()}
    chain = []
    node: data.DemoCategory | None = by_key[key]
    while node is not None:
        chain.append(node.name_bn)
        node = by_key[node.parent] if node.parent else None
    return list(reversed(chain))


async def _categories(new_uow: Callable[[], UnitOfWork], progress: Progress) -> None:
    tree = data.categories()
    async with new_uow() as uow:
        existing = {c.slug: c for c in (await uow.session.scalars(select(Category))).all()}
        english = await uow.session.scalars(
            select(Translation).where(Translation.entity_type == "category", Translation.locale == "en")
        )
        known = {t.entity_id: t.fields for t in english.all()}
        for n, node in enumerate(tree, 1):
            category = existing.get(node.key)
            if category is None:
                parent = existing[node.parent] if node.parent else None
                category = await categories.create_category(
                    uow,
                    CategoryInput(name=node.name_bn, slug=node.key, parent_id=parent.id if parent else None),
                )
                existing[node.key] = category
            if known.get(category.id, {}).get("name") != node.name_en:
                await translations.set_translation(uow, "category", category.id, "en", {"name": node.name_en})
            progress("categories", n, len(tree))
        await uow.commit()


async def _attributes(new_uow: Callable[[], UnitOfWork]) -> dict[str, uuid.UUID]:
    wanted = [
        AttributeCreateInput(
            code="material",
            name="উপাদান",
            kind=AttributeKind.CHOICE,
            choices=[ChoiceInput(code=code, label=label) for code, label in data.MATERIALS],
        ),
        AttributeCreateInput(
            code="colour",
            name="রং",
            kind=AttributeKind.SWATCH,
            choices=[ChoiceInput(code=c[0], label=c[1], swatch=c[3]) for c in data.COLOURS],
        ),
        AttributeCreateInput(code="organic", name="অর্গানিক", kind=AttributeKind.BOOLEAN),
    ]
    async with new_uow() as uow:
        rows = {a.code: a for a in (await uow.session.scalars(select(Attribute))).all()}
        for spec in wanted:
            if spec.code not in rows:
                rows[spec.code] = await attributes.create_attribute(uow, spec)
        await uow.commit()
        return {code: a.id for code, a in rows.items()}


def _major(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _import_record(p: data.DemoProduct) -> dict[str, object]:
    return {
        "handle": p.handle,
        "title": p.title_bn,
        "body_html": p.description_bn,
        "vendor": p.brand,
        "product_type": _category_path(p.category)[-1],
        "tags": p.tags,
        "published": True,
        "status": "active",
        "category": " > ".join(_category_path(p.category)),
        "options": [
            {"name": "Size", "values": [v.options["Size"] for v in p.variants]},
            {"name": "Colour", "values": [p.variants[0].options["Colour"]]},
        ],
        "variants": [
            {
                "sku": v.sku,
                "options": v.options,
                "price": _major(v.price_bdt),
                "compare_at_price": _major(v.compare_at_bdt) if v.compare_at_bdt else None,
                "grams": v.weight_grams,
                "inventory_quantity": v.on_hand,
            }
            for v in p.variants
        ],
        "images": [{"src": url, "position": i, "alt": p.title_bn} for i, url in enumerate(p.images, 1)],
    }


async def _enrich(
    new_uow: Callable[[], UnitOfWork],
    catalog: list[data.DemoProduct],
    attribute_ids: dict[str, uuid.UUID],
    progress: Progress,
) -> None:
    """What the import format does not carry: USD prices, attributes, English text, publish dates, reviews."""
    for start in range(0, len(catalog), BATCH):
        batch = catalog[start : start + BATCH]
        async with new_uow() as uow:
            by_slug = {
                p.slug: p
                for p in (
                    await uow.session.scalars(
                        select(Product).where(Product.slug.in_([d.handle for d in batch]))
                    )
                ).all()
            }
            skus = [v.sku for d in batch for v in d.variants]
            variants = {
                v.sku: v
                for v in (
                    await uow.session.scalars(select(ProductVariant).where(ProductVariant.sku.in_(skus)))
                ).all()
            }
            reviewed = set(
                (
                    await uow.session.scalars(
                        select(Review.product_id).where(
                            Review.product_id.in_([p.id for p in by_slug.values()])
                        )
                    )
                ).all()
            )
            for demo in batch:
                product = by_slug.get(demo.handle)
                if product is None:
                    continue
                for v in demo.variants:
                    if v.sku in variants:
                        await prices.set_variant_prices(
                            uow, variants[v.sku].id, [PriceInput(currency="USD", amount=v.price_usd)]
                        )
                await attributes.set_attribute_values(
                    uow,
                    product.id,
                    [
                        AttributeValueInput(attribute_id=attribute_ids["material"], value=demo.material),
                        AttributeValueInput(attribute_id=attribute_ids["colour"], value=demo.colour),
                        AttributeValueInput(attribute_id=attribute_ids["organic"], value=demo.organic),
                    ],
                )
                await translations.set_translation(
                    uow,
                    "product",
                    product.id,
                    "en",
                    {"title": demo.title_en, "description_html": demo.description_en},
                )
                published = EPOCH - timedelta(days=demo.days_old)
                if product.published_at != published:
                    await products.update_product(uow, product.id, ProductFields(published_at=published))
                if product.id not in reviewed:
                    for r in demo.reviews:
                        review = await reviews.submit_review(
                            uow,
                            ReviewInput(
                                product_id=product.id,
                                rating=r.rating,
                                title=r.title,
                                body=r.body,
                                author_name=r.author,
                            ),
                            storefront=False,
                            verified_purchase=True,
                        )
                        status = ReviewStatus.APPROVED if r.approved else ReviewStatus.REJECTED
                        await reviews.moderate_review(uow, review.id, status)
            await refresh_products(uow, [p.id for p in by_slug.values()])
            await uow.commit()
        progress("details", min(start + BATCH, len(catalog)), len(catalog))


async def _report(
    new_uow: Callable[[], UnitOfWork], *, skipped: bool, import_errors: int
) -> DemoCatalogReport:
    async with new_uow() as uow:
        counts = {}
        for name, model in (
            ("products", Product),
            ("variants", ProductVariant),
            ("categories", Category),
            ("brands", Brand),
            ("reviews", Review),
        ):
            counts[name] = int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)
    return DemoCatalogReport(**counts, skipped=skipped, import_errors=import_errors)
