"""Translations: Bengali stored as given (NFC), supported locales only, sanitised HTML, events naming the
products whose pages change."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.categories import create_category
from domain.catalog.taxonomy_inputs import CategoryInput
from domain.catalog.translations import remove_translation, set_translation, translations_of
from domain.errors import DomainError, DomainErrors
from tests.fixtures.catalog_rows import add_brand, add_product, add_variant, catalog_events
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore

# Keyboards type ড় as one code point (U+09DC); its NFC form is ড + nukta (U+09A1 U+09BC), since U+09DC is a
# composition exclusion. Both must store, compare and search as the same text.
TYPED = "জামদানি শা\u09dcি"
TITLE = unicodedata.normalize("NFC", TYPED)


async def test_product_translation_in_bengali(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a", locales=("en", "bn"))
    product = await add_product(a, "Jamdani saree")
    assert TYPED != TITLE

    async with a.uow() as uow:
        await set_translation(
            uow,
            "product",
            product.id,
            "bn",
            {
                "title": TYPED,
                "description_html": '<p onclick="x()">হাতে বোনা<script>alert(1)</script></p>',
            },
        )
        await uow.commit()
    async with a.uow() as uow:
        await set_translation(uow, "product", product.id, "bn", {"seo_title": " শাড়ি "})
        await uow.commit()

    (row,) = await fetch(
        owner_engine, "SELECT store_id, fields FROM translations WHERE entity_id = :e", e=product.id
    )
    assert row["store_id"] == a.id
    assert row["fields"] == {"title": TITLE, "description_html": "<p>হাতে বোনা</p>", "seo_title": "শাড়ি"}
    assert (await catalog_events(owner_engine, a))[-1] == (
        "translation.updated",
        {
            "entity_type": "product",
            "entity_id": str(product.id),
            "locale": "bn",
            "product_ids": [str(product.id)],
        },
    )


async def test_variant_category_brand_collection(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await add_product(a)
    variant = await add_variant(a, product)
    brand = await add_brand(a)
    async with a.uow() as uow:
        category = await create_category(uow, CategoryInput(name="Men"))
        await uow.commit()

    for kind, entity_id, fields in (
        ("variant", variant.id, {"title": "লাল / বড়"}),
        ("category", category.id, {"name": "পুরুষ", "description": "সব"}),
        ("brand", brand.id, {"name": "আড়ং"}),
    ):
        async with a.uow() as uow:
            await set_translation(uow, kind, entity_id, "en", fields)
            await uow.commit()
        async with a.uow() as uow:
            assert await translations_of(uow, kind, entity_id) == {"en": fields}

    events = [d for t, d in await catalog_events(owner_engine, a) if t == "translation.updated"]
    assert [(d["entity_type"], d["product_ids"]) for d in events] == [
        ("variant", [str(product.id)]),
        ("category", []),
        ("brand", []),
    ]


async def test_errors_change_nothing(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a, b = await make_store("a"), await make_store("b")
    product = await add_product(a)
    theirs = await add_product(b)
    brand = await add_brand(a)

    cases = [
        (("product", product.id, "fr", {"title": "x"}), "UNSUPPORTED_LOCALE", "locale"),
        (("product", uuid.uuid4(), "bn", {"title": "x"}), "NOT_FOUND", "id"),
        (("product", theirs.id, "bn", {"title": "x"}), "NOT_FOUND", "id"),
        (("brand", brand.id, "bn", {"title": "x"}), "INVALID", "fields.title"),
        (("product", product.id, "bn", {"title": "   "}), "INVALID", "fields.title"),
        (("product", product.id, "bn", {"title": "x" * 301}), "INVALID", "fields.title"),
        (("product", product.id, "bn", {}), "REQUIRED", "fields"),
        (("order", product.id, "bn", {"title": "x"}), "INVALID", "entityType"),
    ]
    for args, code, field in cases:
        async with a.uow() as uow:
            with pytest.raises((DomainError, DomainErrors)) as err:
                await set_translation(uow, *args)
        errors = err.value.errors if isinstance(err.value, DomainErrors) else [err.value]
        assert [(e.code, e.field) for e in errors] == [(code, field)], args

    assert await count(owner_engine, "translations") == 0
    assert [t for t, _ in await catalog_events(owner_engine, a)] == []


async def test_remove_fields_then_the_row(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    product = await add_product(a)
    async with a.uow() as uow:
        await set_translation(uow, "product", product.id, "bn", {"title": "শাড়ি", "seo_title": "শাড়ি"})
        await uow.commit()

    async with a.uow() as uow:
        left = await remove_translation(uow, "product", product.id, "bn", ["seo_title"])
        await uow.commit()
    assert left is not None and left.fields == {"title": "শাড়ি"}

    async with a.uow() as uow:
        assert await remove_translation(uow, "product", product.id, "bn") is None
        await uow.commit()
    assert await count(owner_engine, "translations") == 0
    before = await catalog_events(owner_engine, a)
    assert [t for t, _ in before].count("translation.updated") == 3

    async with a.uow() as uow:
        assert await remove_translation(uow, "product", product.id, "bn") is None
        await uow.commit()
    assert await catalog_events(owner_engine, a) == before
