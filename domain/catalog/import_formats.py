"""Reading product files into records the importer applies: Shopify-style CSV and our JSON.

Parsing checks only what the file alone can tell (required columns, numbers, money, URLs, duplicate
SKUs in the file); the importer checks the rest against the store. Every problem names its line (the
CSV line number, header = line 1; in JSON the product's position, from 1) and its field, by the CSV
column name in both formats (JSON keys map one to one: `price` is "Variant Price").
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.money import to_minor
from domain.text import slugify

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True)
class ImportIssue:
    line: int
    field: str
    message: str
    handle: str = ""
    severity: str = "error"  # "warning": imported all the same


@dataclass
class VariantRecord:
    line: int
    sku: str
    option_values: dict[str, str]
    grams: int | None = None
    price: int | None = None
    compare_at: int | None = None
    barcode: str | None = None
    inventory: int | None = None
    allow_backorder: bool = False
    image: str | None = None


@dataclass
class ImageRecord:
    line: int
    src: str
    position: int
    alt: str = ""


@dataclass
class ProductRecord:
    line: int
    handle: str
    title: str = ""
    body_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    published: bool | None = None
    status: str = ""
    seo_title: str = ""
    seo_description: str = ""
    category: str = ""
    option_names: list[str] = field(default_factory=list)
    variants: list[VariantRecord] = field(default_factory=list)
    images: list[ImageRecord] = field(default_factory=list)


@dataclass
class ParsedFile:
    products: list[ProductRecord]
    issues: list[ImportIssue]
    rows: int


def _flag(raw: str | bool | None) -> bool | None:
    if isinstance(raw, bool) or raw is None:
        return raw
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False if value else None
    raise ValueError(f"{raw!r} is not true or false")


def _int(raw: Any, *, minimum: int = 0) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a whole number") from None
    if number != number.to_integral_value() or number < minimum:
        raise ValueError(f"{raw!r} is not a whole number of at least {minimum}")
    return int(number)


def _tags(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(t) for t in raw]
    return [t for t in str(raw or "").split(",") if t.strip()]


class _Collector:
    """Shared by both formats: builds records, keeps issues, refuses a SKU seen twice in the file."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.issues: list[ImportIssue] = []
        self.skus: dict[str, int] = {}

    def issue(self, line: int, field_: str, message: str, handle: str, severity: str = "error") -> None:
        self.issues.append(ImportIssue(line, field_, message, handle, severity))

    def variant(
        self, product: ProductRecord, line: int, fields: dict[str, Any], option_values: dict[str, str]
    ) -> None:
        names = {"sku": "Variant SKU", "price": "Variant Price", "compare": "Variant Compare At Price"}
        names |= {
            "grams": "Variant Grams",
            "qty": "Variant Inventory Qty",
            "policy": "Variant Inventory Policy",
        }
        sku = str(fields.get("sku") or "").strip()
        if not sku:
            # Shopify exports may leave SKUs blank; a stable one keeps re-imports idempotent.
            sku = slugify("-".join([product.handle, *option_values.values()]), max_length=100)
        if len(sku) > 100:
            self.issue(line, names["sku"], "SKU longer than 100 characters", product.handle)
            return
        if sku in self.skus:
            self.issue(line, names["sku"], f"SKU {sku} already on line {self.skus[sku]}", product.handle)
            return
        record = VariantRecord(line=line, sku=sku, option_values=option_values)
        try:
            for key, column in (("price", "price"), ("compare_at", "compare")):
                raw = fields.get(column)
                if raw not in (None, ""):
                    setattr(record, key, to_minor(str(raw), self.currency))
        except ValueError as exc:
            self.issue(line, names[column], str(exc), product.handle)
            return
        if record.compare_at is not None and record.price is not None and record.compare_at <= record.price:
            record.compare_at = None  # Shopify exports often repeat the price there: no "was" price then
        try:
            column = "grams"
            record.grams = _int(fields.get("grams"))
            column = "qty"
            record.inventory = _int(fields.get("qty"), minimum=-2_000_000_000)
        except ValueError as exc:
            self.issue(line, names[column], str(exc), product.handle)
            return
        if record.inventory is not None and record.inventory < 0:
            self.issue(line, names["qty"], "negative stock imported as 0", product.handle, "warning")
            record.inventory = 0
        record.allow_backorder = str(fields.get("policy") or "").strip().lower() == "continue"
        record.barcode = str(fields.get("barcode") or "").strip() or None
        image = str(fields.get("image") or "").strip()
        if image and not image.lower().startswith(("http://", "https://")):
            self.issue(line, "Variant Image", "must be an http or https URL", product.handle)
        elif image:
            record.image = image
        self.skus[sku] = line
        product.variants.append(record)

    def image(self, product: ProductRecord, line: int, src: str, position: Any, alt: str) -> None:
        src = src.strip()
        if not src.lower().startswith(("http://", "https://")):
            self.issue(line, "Image Src", "must be an http or https URL", product.handle)
            return
        try:
            pos = _int(position, minimum=1)
        except ValueError as exc:
            self.issue(line, "Image Position", str(exc), product.handle)
            return
        if any(i.src == src for i in product.images):
            return  # Shopify repeats an image on every row of the variant it belongs to
        order = pos if pos is not None else len(product.images) + 1
        product.images.append(ImageRecord(line=line, src=src, position=order, alt=alt.strip()))


CSV_OPTIONS = (1, 2, 3)


def parse_csv(text: str, *, currency: str) -> ParsedFile:
    """Shopify's product CSV: rows sharing a Handle are one product; the first carries its fields."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    collect = _Collector(currency)
    if not reader.fieldnames or "Handle" not in reader.fieldnames:
        collect.issue(1, "Handle", "the header has no Handle column", "")
        return ParsedFile([], collect.issues, 0)
    products: dict[str, ProductRecord] = {}
    rows = 0
    for row in reader:
        rows += 1
        line = reader.line_num
        cell = {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k}
        handle = cell.get("Handle", "")
        if not handle:
            collect.issue(line, "Handle", "required", "")
            continue
        product = products.get(handle)
        if product is None:
            product = products[handle] = _csv_product(collect, cell, line, handle)
        _csv_rows(collect, product, cell, line)
    return ParsedFile(list(products.values()), collect.issues, rows)


def _csv_product(collect: _Collector, cell: dict[str, str], line: int, handle: str) -> ProductRecord:
    product = ProductRecord(
        line=line,
        handle=handle,
        title=cell.get("Title", ""),
        body_html=cell.get("Body (HTML)", ""),
        vendor=cell.get("Vendor", ""),
        product_type=cell.get("Type", "") or cell.get("Product Type", ""),
        tags=_tags(cell.get("Tags", "")),
        status=cell.get("Status", "").lower(),
        seo_title=cell.get("SEO Title", ""),
        seo_description=cell.get("SEO Description", ""),
        category=cell.get("Product Category", ""),
    )
    try:
        product.published = _flag(cell.get("Published"))
    except ValueError as exc:
        collect.issue(line, "Published", str(exc), handle)
    for n in CSV_OPTIONS:
        name = cell.get(f"Option{n} Name", "")
        if name and not (name == "Title" and cell.get(f"Option{n} Value") == "Default Title"):
            product.option_names.append(name)
    return product


def _csv_rows(collect: _Collector, product: ProductRecord, cell: dict[str, str], line: int) -> None:
    values: dict[str, str] = {}
    for n, name in zip(CSV_OPTIONS, product.option_names, strict=False):
        value = cell.get(f"Option{n} Value", "")
        if value:
            values[name] = value
    is_variant = bool(values or cell.get("Variant SKU") or cell.get("Variant Price"))
    if is_variant:
        fields = {
            "sku": cell.get("Variant SKU"),
            "price": cell.get("Variant Price"),
            "compare": cell.get("Variant Compare At Price"),
            "grams": cell.get("Variant Grams"),
            "qty": cell.get("Variant Inventory Qty"),
            "policy": cell.get("Variant Inventory Policy"),
            "barcode": cell.get("Variant Barcode"),
            "image": cell.get("Variant Image"),
        }
        collect.variant(product, line, fields, values)
    if cell.get("Image Src"):
        collect.image(
            product, line, cell["Image Src"], cell.get("Image Position"), cell.get("Image Alt Text", "")
        )


def parse_json(text: str, *, currency: str) -> ParsedFile:
    """`{"products": [...]}` or a bare list; each product as the importer module's docstring shows."""
    collect = _Collector(currency)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        collect.issue(exc.lineno, "file", f"not JSON: {exc.msg}", "")
        return ParsedFile([], collect.issues, 0)
    items = document.get("products") if isinstance(document, dict) else document
    if not isinstance(items, list):
        collect.issue(1, "products", "expected a list of products", "")
        return ParsedFile([], collect.issues, 0)
    products: list[ProductRecord] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("handle") or "").strip():
            collect.issue(index, "Handle", "each product needs a handle", "")
            continue
        handle = str(item["handle"]).strip()
        if handle in seen:
            collect.issue(index, "Handle", f"handle {handle} appears twice", handle)
            continue
        seen.add(handle)
        products.append(_json_product(collect, item, index, handle))
    return ParsedFile(products, collect.issues, len(items))


def _json_product(collect: _Collector, item: dict[str, Any], index: int, handle: str) -> ProductRecord:
    options = item.get("options") or []
    product = ProductRecord(
        line=index,
        handle=handle,
        title=str(item.get("title") or ""),
        body_html=str(item.get("body_html") or ""),
        vendor=str(item.get("vendor") or ""),
        product_type=str(item.get("product_type") or ""),
        tags=_tags(item.get("tags")),
        status=str(item.get("status") or "").lower(),
        seo_title=str(item.get("seo_title") or ""),
        seo_description=str(item.get("seo_description") or ""),
        category=str(item.get("category") or ""),
        option_names=[str(o.get("name") if isinstance(o, dict) else o) for o in options],
    )
    try:
        product.published = _flag(item.get("published"))
    except ValueError as exc:
        collect.issue(index, "Published", str(exc), handle)
    for variant in item.get("variants") or []:
        if not isinstance(variant, dict):
            collect.issue(index, "Variant SKU", "each variant must be an object", handle)
            continue
        values = {str(k): str(v) for k, v in (variant.get("options") or {}).items()}
        fields = {
            "sku": variant.get("sku"),
            "price": variant.get("price"),
            "compare": variant.get("compare_at_price"),
            "grams": variant.get("grams"),
            "qty": variant.get("inventory_quantity"),
            "policy": "continue" if variant.get("allow_backorder") else "",
            "barcode": variant.get("barcode"),
            "image": variant.get("image"),
        }
        collect.variant(product, index, fields, values)
    for image in item.get("images") or []:
        if not isinstance(image, dict):
            collect.issue(index, "Image Src", "each image must be an object", handle)
            continue
        collect.image(
            product, index, str(image.get("src") or ""), image.get("position"), str(image.get("alt") or "")
        )
    return product
