"""Bulk import of products from a Shopify-style CSV or a JSON file, through the same services as the admin
mutations (so the same rules and the same events apply).

CSV: Shopify's product columns — Handle, Title, Body (HTML), Vendor, Type, Tags, Published,
Option1 Name / Option1 Value … Option3, Variant SKU, Variant Grams, Variant Price, Variant Compare At Price,
Variant Barcode, Variant Inventory Qty, Variant Inventory Policy, Variant Image,
Image Src, Image Position, Image Alt Text,
Status, SEO Title, SEO Description, Product Category. Rows sharing a Handle are one product; its first row
carries the product's fields, every row with an option value, SKU or price is a variant, every row with an
Image Src adds an image.

JSON: `{"products": [...]}` (or a bare list) of

    {"handle": "cotton-panjabi", "title": "Cotton Panjabi", "body_html": "<p>…</p>", "vendor": "Aarong",
     "product_type": "Panjabi", "tags": ["eid", "men"] or "eid, men", "published": true,
     "status": "active", "seo_title": "", "seo_description": "", "category": "Men > Panjabi",
     "options": [{"name": "Size", "values": ["M", "L"]}] or ["Size"],
     "variants": [{"sku": "CP-M", "options": {"Size": "M"}, "price": "1500.00",
                   "compare_at_price": "1800.00", "grams": 300, "barcode": "", "inventory_quantity": 5,
                   "allow_backorder": false, "image": "https://…/cp-m.jpg"}],
     "images": [{"src": "https://…/front.jpg", "position": 1, "alt": "Front"}]}

Prices are major units of the store's default currency ("500.00" BDT = 50000 poisha), converted exactly.

Idempotent: a product is found by its handle (its slug) and updated, a variant by its SKU, an image by its
URL; nothing is duplicated. Good rows are imported and bad ones reported (line, field, message); a problem
with a product's own fields skips that product, a problem with one variant or image skips only that.
Products are written in batches, one transaction per batch, so a large file never holds one long
transaction and progress can be shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pydantic import ValidationError
from sqlalchemy import select

from domain.catalog import brands, categories, events, media, prices, products, stock, variants
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.import_formats import (
    ImportIssue,
    ParsedFile,
    ProductRecord,
    VariantRecord,
    parse_csv,
    parse_json,
)
from domain.catalog.inputs import (
    MediaCreateInput,
    MediaFields,
    OptionInput,
    PriceInput,
    ProductCreateInput,
    ProductFields,
    StockInput,
    VariantCreateInput,
    VariantFields,
)
from domain.catalog.models import Product, ProductMedia, ProductStatus, ProductVariant
from domain.catalog.writes import affected_by_variant
from domain.errors import DomainError, DomainErrors
from domain.tenancy.services import current_store
from domain.text import slugify
from domain.uow import UnitOfWork

Format = Literal["csv", "json"]
T = TypeVar("T")
# Service error fields as the file's columns.
_COLUMNS = {
    "slug": "Handle",
    "title": "Title",
    "sku": "Variant SKU",
    "optionValues": "Option1 Value",
    "options": "Option1 Name",
    "url": "Image Src",
    "prices.0.currency": "Variant Price",
}


@dataclass
class ImportReport:
    rows: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_failed: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    images: int = 0
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "error"]


def parse(text: str, fmt: Format, *, currency: str) -> ParsedFile:
    return parse_csv(text, currency=currency) if fmt == "csv" else parse_json(text, currency=currency)


async def import_catalog(
    new_uow: Callable[[], UnitOfWork],
    text: str,
    fmt: Format,
    *,
    batch_size: int = 100,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a file into the store of `new_uow()`; `progress(done, total)` after every batch."""
    async with new_uow() as uow:
        store = await current_store(uow)
        currency = store.default_currency
    parsed = parse(text, fmt, currency=currency)
    report = ImportReport(rows=parsed.rows, issues=list(parsed.issues))
    total = len(parsed.products)
    if progress:
        progress(0, total)
    for start in range(0, total, batch_size):
        batch = parsed.products[start : start + batch_size]
        async with new_uow() as uow:
            for record in batch:
                await _import_product(uow, record, currency, report)
            await uow.commit()
        if progress:
            progress(min(start + batch_size, total), total)
    return report


def _problem(exc: DomainError | DomainErrors | ValidationError) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, DomainErrors):
        return "; ".join(e.message for e in exc.errors)
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


async def _import_product(
    uow: UnitOfWork, record: ProductRecord, currency: str, report: ImportReport
) -> None:
    """One product in a savepoint: if its own fields fail, it and its events are undone alone."""
    events_before = len(uow.events)
    try:
        async with uow.session.begin_nested():
            product, created = await _upsert_product(uow, record, report)
    except (DomainError, DomainErrors, ValidationError) as exc:
        del uow.events[events_before:]
        report.products_failed += 1
        field_ = (
            _COLUMNS.get(exc.field or "", exc.field)
            if isinstance(exc, DomainError) and exc.field
            else "Title"
        )
        report.issues.append(ImportIssue(record.line, field_, _problem(exc), record.handle))
        return
    if created:
        report.products_created += 1
    else:
        report.products_updated += 1
    skus = [v.sku for v in record.variants]
    known: dict[str, ProductVariant] = {}
    if skus:
        rows = await uow.session.scalars(select(ProductVariant).where(ProductVariant.sku.in_(skus)))
        known = {v.sku: v for v in rows.all()}
    for position, variant in enumerate(record.variants):
        step = _upsert_variant(uow, product, variant, currency, known.get(variant.sku), position)
        was_created = await _guarded(uow, record, variant.line, "Variant SKU", report, step)
        if was_created is not None:
            report.variants_created += was_created
            report.variants_updated += not was_created
    existing = {m.url: m for m in await media.product_media(uow, product.id)}
    for image in sorted(record.images, key=lambda i: i.position):
        found = existing.get(image.src)
        if found is not None:
            change = MediaFields(alt=image.alt, url=image.src)
            done = await _guarded(
                uow, record, image.line, "Image Src", report, media.update_media(uow, found.id, change)
            )
        else:
            data = MediaCreateInput(url=image.src, alt=image.alt)
            done = await _guarded(
                uow, record, image.line, "Image Src", report, media.add_media(uow, product.id, data)
            )
        report.images += done is not None
        if done is not None:
            existing[image.src] = done  # a variant image is usually one of the product's images too
    await _variant_images(uow, product, record, report, existing)


async def _variant_images(
    uow: UnitOfWork,
    product: Product,
    record: ProductRecord,
    report: ImportReport,
    existing: dict[str, ProductMedia],
) -> None:
    """Shopify's "Variant Image": the variant's own image, found by URL (re-import changes nothing)."""
    wanted = {v.sku: v for v in record.variants if v.image}
    if not wanted:
        return
    rows = await uow.session.execute(
        select(ProductVariant.sku, ProductVariant.id).where(
            ProductVariant.product_id == product.id, ProductVariant.sku.in_(list(wanted))
        )
    )
    ids = {sku: variant_id for sku, variant_id in rows.all()}
    for sku, variant in wanted.items():
        variant_id, url = ids.get(sku), variant.image
        if variant_id is None or url is None:
            continue  # the variant itself failed and was reported
        found = existing.get(url)
        if found is not None and found.variant_id == variant_id:
            continue
        step = (
            media.update_media(uow, found.id, MediaFields(variant_id=variant_id))
            if found is not None
            else media.add_media(
                uow, product.id, MediaCreateInput(url=url, alt=record.title or "", variant_id=variant_id)
            )
        )
        done = await _guarded(uow, record, variant.line, "Variant Image", report, step)
        if done is not None:
            existing[url] = done
            report.images += found is None


async def _guarded(
    uow: UnitOfWork, record: ProductRecord, line: int, field_: str, report: ImportReport, step: Awaitable[T]
) -> T | None:
    """Run one variant or image step in a savepoint; a failure is reported and undone alone (None)."""
    events_before = len(uow.events)
    try:
        async with uow.session.begin_nested():
            return await step
    except (DomainError, DomainErrors, ValidationError) as exc:
        del uow.events[events_before:]
        report.issues.append(
            ImportIssue(
                line, _COLUMNS.get(getattr(exc, "field", None) or "", field_), _problem(exc), record.handle
            )
        )
        return None


async def _category_id(uow: UnitOfWork, record: ProductRecord, report: ImportReport) -> object:
    """The category named by the path "Men > Shirts > Formal", created where missing (as Shopify's
    taxonomy column reads); a malformed path is a warning and leaves the category empty."""
    names = [n.strip() for n in record.category.split(">")]
    try:
        async with uow.session.begin_nested():
            return (await categories.ensure_category_path(uow, names)).id
    except DomainError as exc:
        report.issues.append(
            ImportIssue(
                record.line, "Product Category", f"{exc.message}; left empty", record.handle, "warning"
            )
        )
        return None


def _status(record: ProductRecord) -> ProductStatus:
    if record.status:
        try:
            return ProductStatus(record.status)
        except ValueError:
            raise DomainError(
                CatalogErrorCode.INVALID,
                f"status {record.status!r} is not draft, active or archived",
                field="Status",
            ) from None
    return ProductStatus.ACTIVE if record.published else ProductStatus.DRAFT


async def _upsert_product(
    uow: UnitOfWork, record: ProductRecord, report: ImportReport
) -> tuple[Product, bool]:
    slug = slugify(record.handle, max_length=300)
    if not slug:
        raise DomainError(CatalogErrorCode.INVALID, "the handle has no letter or digit", field="Handle")
    existing = await uow.session.scalar(select(Product).where(Product.slug == slug))
    fields: dict[str, object] = {"slug": slug, "status": _status(record)}
    if record.title or existing is None:
        fields["title"] = record.title
    for key, value in (
        ("description_html", record.body_html),
        ("seo_title", record.seo_title),
        ("seo_description", record.seo_description),
    ):
        if value or existing is None:
            fields[key] = value
    if record.tags or existing is None:
        fields["tags"] = record.tags
    if record.published is not None:
        fields["published_at"] = uow.clock() if record.published else None
        if existing is not None and existing.published_at is not None and record.published:
            fields["published_at"] = existing.published_at
    if record.vendor:
        fields["brand_id"] = (await brands.find_or_create_brand(uow, record.vendor)).id
    if record.product_type:
        fields["product_type_id"] = (await products.find_or_create_product_type(uow, record.product_type)).id
    if record.category:
        category = await _category_id(uow, record, report)
        if category is not None:
            fields["category_id"] = category
    try:
        if existing is None:
            product = await products.create_product(uow, ProductCreateInput.model_validate(fields))
        else:
            product = await products.update_product(uow, existing.id, ProductFields.model_validate(fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        column = {"title": "Title", "slug": "Handle", "tags": "Tags"}.get(
            str(first["loc"][0]) if first["loc"] else "", "Title"
        )
        raise DomainError(CatalogErrorCode.INVALID, _problem(exc), field=column) from None
    if record.option_names:
        await _set_options(uow, product, record)
    return product, existing is None


async def _set_options(uow: UnitOfWork, product: Product, record: ProductRecord) -> None:
    values: dict[str, list[str]] = {name: [] for name in record.option_names}
    for variant in record.variants:
        for name, value in variant.option_values.items():
            if name in values and value not in values[name]:
                values[name].append(value)
    options = [OptionInput(name=name, values=vals) for name, vals in values.items() if vals]
    try:
        await products.set_product_options(uow, product.id, options)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="Option1 Name") from None


async def _upsert_variant(
    uow: UnitOfWork,
    product: Product,
    record: VariantRecord,
    currency: str,
    existing: ProductVariant | None,
    position: int,
) -> bool:
    """Create or update the variant with the record's SKU, then its price and stock; True when created.

    Prices and stock are written directly: the file's currency is the store's default and the amounts
    were checked when parsed, so the services' store lookups would only repeat work per row."""
    fields: dict[str, object] = {"sku": record.sku, "option_values": record.option_values}
    if record.grams is not None:
        fields["weight_grams"] = record.grams
    if record.barcode is not None:
        fields["barcode"] = record.barcode
    if existing is None:
        fields["position"] = position
        variant = await variants.create_variant(uow, product.id, VariantCreateInput.model_validate(fields))
        affected = [str(product.id)]  # a new variant is part of no bundle yet
    elif existing.product_id != product.id:
        raise DomainError(
            CatalogErrorCode.DUPLICATE_SKU,
            f"SKU {record.sku} belongs to another product",
            field="Variant SKU",
        )
    else:
        variant = await variants.update_variant(uow, existing.id, VariantFields.model_validate(fields))
        affected = await affected_by_variant(uow.session, variant)
    if record.price is not None:
        price = PriceInput(currency=currency, amount=record.price, compare_at_amount=record.compare_at)
        await prices.upsert_prices(uow, [(variant.id, price)])
        uow.emit(
            events.PRICE_UPDATED, {"id": str(variant.id), "currencies": [currency], "product_ids": affected}
        )
    if record.inventory is not None:
        level = StockInput(on_hand=record.inventory, allow_backorder=record.allow_backorder)
        await stock.upsert_stock(uow, variant.id, level)
        uow.emit(
            events.STOCK_UPDATED, {"id": str(variant.id), "location": level.location, "product_ids": affected}
        )
    return existing is None


__all__ = ["ImportIssue", "ImportReport", "import_catalog", "parse"]
