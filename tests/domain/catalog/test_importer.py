"""Bulk import: good rows imported, bad rows reported by line and column, re-import idempotent, prices
exact, batches committed one by one, and the CLI command around it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import categories
from domain.catalog.importer import ImportReport, import_catalog
from domain.money import to_minor
from domain.uow import UnitOfWork
from gateway.settings import Settings
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore, StoreFixture

DATA = Path(__file__).resolve().parents[2] / "data"
ROOT = DATA.parents[1]
CSV = (DATA / "catalog_import.csv").read_text(encoding="utf-8")
JSON = (DATA / "catalog_import.json").read_text(encoding="utf-8")


def _problems(report: ImportReport, severity: str = "error") -> set[tuple[int, str]]:
    return {(i.line, i.field) for i in report.issues if i.severity == severity}


async def _import(store: StoreFixture, text: str, fmt: str = "csv", **kwargs: object) -> ImportReport:
    return await import_catalog(store.uow, text, fmt, **kwargs)  # type: ignore[arg-type]


async def _prices(engine: AsyncEngine) -> dict[str, tuple[int, int | None]]:
    rows = await fetch(
        engine,
        "SELECT v.sku, p.amount, p.compare_at_amount FROM variant_prices p"
        " JOIN product_variants v ON v.id = p.variant_id",
    )
    return {r["sku"]: (r["amount"], r["compare_at_amount"]) for r in rows}


def test_major_units_become_exact_minor_units() -> None:
    assert to_minor("500.00", "BDT") == 50000
    assert to_minor("0.29", "USD") == 29  # 0.29 * 100 is 28.999999999999996 in floats
    assert to_minor("1,250.5", "BDT") == 125050
    assert to_minor("1500", "JPY") == 1500
    assert to_minor("1.234", "KWD") == 1234
    for bad in ("12.345", "-1", "abc", "NaN"):
        with pytest.raises(ValueError, match=r"amount|decimals"):
            to_minor(bad, "BDT")


async def test_csv_imports_good_rows_and_reports_bad_ones_by_line_and_column(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")

    report = await _import(a, CSV)

    assert (report.rows, report.products_created, report.products_updated, report.products_failed) == (
        8,
        3,
        0,
        1,
    )
    assert _problems(report) == {
        (4, "Variant Price"),  # 12.345 has three decimals
        (5, "Variant SKU"),  # CP-M-W twice in the file
        (6, "Image Src"),  # ftp:
        (7, "Handle"),  # a row without a handle
        (8, "Title"),  # a new product without a title
        (9, "Variant Grams"),  # "abc"
    }
    assert _problems(report, "warning") == set()
    products = await fetch(
        owner_engine,
        "SELECT p.slug, p.title, p.status, p.tags, p.description_html,"
        " p.published_at IS NOT NULL AS published, p.seo_title, b.name AS brand, t.name AS type"
        " FROM products p LEFT JOIN brands b ON b.id = p.brand_id"
        " LEFT JOIN product_types t ON t.id = p.product_type_id ORDER BY p.slug",
    )
    assert [dict(p) for p in products] == [
        {
            "slug": "cotton-panjabi",
            "title": "Cotton Panjabi",
            "status": "active",
            "tags": ["eid", "men"],
            "description_html": "<p>Soft <b>cotton</b></p>",
            "published": True,
            "seo_title": "Panjabi SEO",
            "brand": "Aarong",
            "type": "Panjabi",
        },
        {
            "slug": "jamdani-saree",
            "title": "জামদানি শাড়ি",
            "status": "active",
            "tags": ["eid"],
            "description_html": "<p>হাতে বোনা</p>",
            "published": True,
            "seo_title": "",
            "brand": "আড়ং",
            "type": "Saree",
        },
        {
            "slug": "tea-mug",
            "title": "Tea Mug",
            "status": "draft",
            "tags": [],
            "description_html": "",
            "published": False,
            "seo_title": "",
            "brand": "Yellow",
            "type": None,
        },
    ]
    assert await _prices(owner_engine) == {
        "CP-M-W": (150000, 180000),
        "CP-L-W": (150050, None),
        "JS-1": (2500000, None),
    }
    options = await fetch(owner_engine, "SELECT name, values FROM product_options ORDER BY position")
    assert [(o["name"], o["values"]) for o in options] == [("Size", ["M", "L"]), ("Colour", ["White"])]
    variants = await fetch(
        owner_engine,
        "SELECT v.sku, v.option_values, v.weight_grams, v.barcode, s.on_hand FROM product_variants v"
        " JOIN stock_levels s ON s.variant_id = v.id ORDER BY v.sku",
    )
    assert [tuple(v.values()) for v in variants] == [
        ("CP-L-W", {"Size": "L", "Colour": "White"}, 320, None, 3),
        ("CP-M-W", {"Size": "M", "Colour": "White"}, 300, "8901", 5),
        ("JS-1", {}, None, None, 2),
    ]
    media = await fetch(owner_engine, "SELECT url, alt, position FROM product_media ORDER BY position")
    assert [tuple(m.values()) for m in media] == [
        ("https://cdn.example.com/cp-front.jpg", "Front", 0),
        ("https://cdn.example.com/cp-back.jpg", "Back", 1),
    ]
    # every change went out as its event, none for what was refused
    types = [
        r["type"]
        for r in await fetch(owner_engine, "SELECT type FROM outbox_events WHERE store_id = :s", s=a.id)
    ]
    assert types.count("product.created") == 3
    assert types.count("variant.created") == 3
    assert types.count("price.updated") == 3
    assert types.count("product_media.changed") == 2


async def test_reimport_updates_and_never_duplicates(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    await _import(a, CSV)
    tables = (
        "products",
        "product_variants",
        "product_media",
        "variant_prices",
        "stock_levels",
        "brands",
        "product_types",
    )
    before = {t: await count(owner_engine, t) for t in tables}
    slugs_before = await fetch(owner_engine, "SELECT id, slug, published_at FROM products ORDER BY slug")

    changed = CSV.replace("1500.00,1800.00", "1400.00,1800.00").replace(
        "Cotton Panjabi,", "Cotton Panjabi 2,"
    )
    report = await _import(a, changed)

    assert (
        report.products_created,
        report.products_updated,
        report.variants_created,
        report.variants_updated,
    ) == (
        0,
        3,
        0,
        3,
    )
    assert {t: await count(owner_engine, t) for t in tables} == before
    assert (
        await fetch(owner_engine, "SELECT id, slug, published_at FROM products ORDER BY slug") == slugs_before
    )
    assert (await _prices(owner_engine))["CP-M-W"] == (140000, 180000)
    (row,) = await fetch(owner_engine, "SELECT title FROM products WHERE slug = 'cotton-panjabi'")
    assert row["title"] == "Cotton Panjabi 2"


async def test_a_sku_of_another_product_is_refused_not_moved(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    await _import(a, CSV)
    clash = "Handle,Title,Variant SKU,Variant Price\nnew-thing,New thing,CP-M-W,1.00\n"

    report = await _import(a, clash)

    assert _problems(report) == {(2, "Variant SKU")}
    rows = await fetch(
        owner_engine,
        "SELECT p.slug FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.sku = 'CP-M-W'",
    )
    assert [r["slug"] for r in rows] == ["cotton-panjabi"]


async def test_category_path_is_found_or_created(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    async with a.uow() as uow:
        existing = await categories.ensure_category_path(uow, ["Apparel", "Men"])
        await uow.commit()

    await _import(a, CSV)
    await _import(a, CSV)  # idempotent: the second run finds what the first made

    rows = await fetch(
        owner_engine, "SELECT name, depth, parent_id, path FROM categories ORDER BY depth, name"
    )
    by_name = {r["name"]: r for r in rows}
    assert sorted(by_name) == ["Apparel", "Men", "Panjabi", "Unknown Category"]
    assert by_name["Panjabi"]["parent_id"] == existing.id
    assert by_name["Panjabi"]["path"].startswith(existing.path)
    linked = await fetch(
        owner_engine,
        "SELECT p.slug, c.name FROM products p JOIN categories c ON c.id = p.category_id ORDER BY p.slug",
    )
    assert [(r["slug"], r["name"]) for r in linked] == [
        ("cotton-panjabi", "Panjabi"),
        ("jamdani-saree", "Unknown Category"),
    ]


async def test_a_malformed_category_path_is_a_warning(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    csv = "Handle,Title,Variant SKU,Variant Price,Product Category\nmug,Mug,MUG-1,1.00,A > > B\n"

    report = await _import(a, csv)

    assert _problems(report, "warning") == {(2, "Product Category")}
    assert _problems(report) == set()
    (row,) = await fetch(owner_engine, "SELECT category_id FROM products WHERE slug = 'mug'")
    assert row["category_id"] is None


async def test_json_format(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")

    report = await _import(a, JSON, "json")

    assert (report.products_created, report.products_failed) == (1, 1)
    assert _problems(report) == {(1, "Variant Price"), (2, "Handle"), (3, "Status")}
    assert await _prices(owner_engine) == {"NK-S": (320000, 350000), "NK-D": (499999, None)}
    levels = await fetch(
        owner_engine,
        "SELECT v.sku, s.on_hand, s.allow_backorder FROM stock_levels s"
        " JOIN product_variants v ON v.id = s.variant_id ORDER BY v.sku",
    )
    assert [tuple(r.values()) for r in levels] == [("NK-D", 0, True), ("NK-S", 4, False)]
    (product,) = await fetch(owner_engine, "SELECT slug, title, description_html FROM products")
    assert tuple(product.values()) == ("nakshi-kantha", "নকশি কাঁথা", "<p>Hand-stitched</p>")
    again = await _import(a, JSON, "json")
    assert (again.products_created, again.products_updated, again.variants_created) == (0, 1, 0)
    assert await count(owner_engine, "product_variants") == 2


async def test_batches_commit_one_by_one_and_report_progress(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    lines = ["Handle,Title,Variant SKU,Variant Price"]
    lines += [f"p-{i},Product {i},SKU-{i},{i}.25" for i in range(25)]
    seen: list[tuple[int, int]] = []
    opened: list[UnitOfWork] = []

    def new_uow() -> UnitOfWork:
        uow = a.uow()
        opened.append(uow)
        return uow

    report = await import_catalog(
        new_uow, "\n".join(lines) + "\n", "csv", batch_size=10, progress=lambda d, t: seen.append((d, t))
    )

    assert report.products_created == 25 and report.errors == []
    assert seen == [(0, 25), (10, 25), (20, 25), (25, 25)]
    assert (await _prices(owner_engine))["SKU-7"] == (725, None)
    assert len(opened) == 1 + 3  # the store's currency, then one unit of work per batch of 10


async def test_cli_imports_with_a_summary_and_exit_code(
    make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings
) -> None:
    a = await make_store("a")
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url}

    async def run(*args: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway.cli", "catalog", "import", *args,
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()

    code, out = await run(str(DATA / "catalog_import.json"), "--store", "a")
    assert code == 1, out
    assert "1 products created" in out and "3 errors" in out and "broken-status" in out
    assert await count(owner_engine, "products", a.id) == 1

    code, out = await run(str(DATA / "catalog_import.json"), "--store", "nope")
    assert code == 2 and "no store 'nope'" in out

    good = DATA / "catalog_import.csv"
    code, out = await run(str(good), "--store", "a", "--format", "csv", "--batch-size", "2")
    assert code == 1 and "3 products created" in out and "6 errors" in out
    assert await count(owner_engine, "products", a.id) == 4


VARIANT_IMAGES = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src,Image Position,"
    "Variant Image\n"
    "tee,Tee,Colour,Red,TEE-R,5.00,https://cdn.example.com/red.jpg,1,https://cdn.example.com/red.jpg\n"
    "tee,,,Blue,TEE-B,5.00,,,https://cdn.example.com/blue.jpg\n"
    "tee,,,Green,TEE-G,5.00,,,ftp://cdn.example.com/green.jpg\n"
)


async def test_variant_images_are_linked_once(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")

    first = await _import(a, VARIANT_IMAGES)
    await _import(a, VARIANT_IMAGES)  # re-import changes nothing

    assert _problems(first) == {(4, "Variant Image")}
    rows = await fetch(
        owner_engine,
        "SELECT m.url, v.sku FROM product_media m LEFT JOIN product_variants v ON v.id = m.variant_id"
        " ORDER BY m.url",
    )
    assert [(r["url"], r["sku"]) for r in rows] == [
        ("https://cdn.example.com/blue.jpg", "TEE-B"),
        ("https://cdn.example.com/red.jpg", "TEE-R"),  # the product image, now also the variant's
    ]
