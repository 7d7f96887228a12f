"""Rule-based collections: the stored rule shape, and every bad rule named by its path."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.categories import create_category
from domain.catalog.collections import create_collection, update_collection
from domain.catalog.models import AttributeKind, CollectionKind
from domain.catalog.taxonomy_inputs import CategoryInput, CollectionChanges, CollectionInput
from domain.errors import DomainError, DomainErrors
from tests.fixtures.catalog_rows import add_attribute, add_brand, add_product_type, catalog_events
from tests.fixtures.database import count
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _store_with_catalog(make_store: MakeStore) -> StoreFixture:
    a = await make_store("a")
    await add_brand(a, "Aarong")
    await add_product_type(a, "Saree")
    await add_attribute(a, "color", AttributeKind.CHOICE, ["red", "blue"])
    await add_attribute(a, "thread_count", AttributeKind.NUMBER)
    await add_attribute(a, "handmade", AttributeKind.BOOLEAN)
    await add_attribute(a, "released", AttributeKind.DATE)
    await add_attribute(a, "fabric", AttributeKind.TEXT)
    async with a.uow() as uow:
        await create_category(uow, CategoryInput(name="Women", slug="women"))
        await uow.commit()
    return a


async def _create(store: StoreFixture, rules: Any) -> Any:
    async with store.uow() as uow:
        collection = await create_collection(
            uow, CollectionInput(name="Sale", kind=CollectionKind.RULES, rules=rules)
        )
        await uow.commit()
    return collection


async def test_valid_rules_are_stored_normalised(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await _store_with_catalog(make_store)
    rules = {
        "match": "any",
        "conditions": [
            {"field": "tag", "op": "eq", "value": "  Summer   Sale "},
            {"field": "brand", "op": "ne", "value": "aarong"},
            {"field": "category", "op": "eq", "value": "women"},
            {"field": "product_type", "op": "eq", "value": "Saree"},
            {"field": "title", "op": "contains", "value": "জামদানি"},
            {"field": "price", "op": "lte", "value": 150000, "currency": "BDT"},
            {"field": "attribute:color", "op": "eq", "value": "red"},
            {"field": "attribute:thread_count", "op": "gte", "value": 200},
            {"field": "attribute:handmade", "op": "eq", "value": True},
            {"field": "attribute:released", "op": "lt", "value": "2026-01-01"},
            {"field": "attribute:fabric", "op": "contains", "value": "silk"},
        ],
    }

    collection = await _create(a, rules)

    assert collection.kind is CollectionKind.RULES
    assert collection.rules["match"] == "any"
    assert collection.rules["conditions"][0] == {"field": "tag", "op": "eq", "value": "summer sale"}
    assert collection.rules["conditions"][1:] == rules["conditions"][1:]
    assert (await catalog_events(owner_engine, a))[-1] == ("collection.created", {"id": str(collection.id)})


@pytest.mark.parametrize(
    ("rules", "fields"),
    [
        ({"match": "some", "conditions": [{"field": "tag", "op": "eq", "value": "x"}]}, ["rules.match"]),
        ({"match": "all", "conditions": []}, ["rules.conditions"]),
        (
            {"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "x"}] * 21},
            ["rules.conditions"],
        ),
        ({"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "x"}], "x": 1}, ["rules.x"]),
        (
            {
                "match": "all",
                "conditions": [
                    {"field": "tag", "op": "eq", "value": "ok"},
                    {"field": "tag", "op": "gt", "value": "x"},
                    {"field": "colour", "op": "eq", "value": "x"},
                    {"field": "title", "op": "lt", "value": "x"},
                    {"field": "title", "op": "eq", "value": "  "},
                    "not an object",
                ],
            },
            [
                "rules.conditions.1.op",
                "rules.conditions.2.field",
                "rules.conditions.3.op",
                "rules.conditions.4.value",
                "rules.conditions.5",
            ],
        ),
        (
            {
                "match": "all",
                "conditions": [
                    {"field": "price", "op": "contains", "value": 10, "currency": "BDT"},
                    {"field": "price", "op": "lt", "value": 10.5, "currency": "BDT"},
                    {"field": "price", "op": "lt", "value": -1, "currency": "USD"},
                    {"field": "price", "op": "lt", "value": 100},
                    {"field": "tag", "op": "eq", "value": "x", "currency": "BDT"},
                ],
            },
            [
                "rules.conditions.0.op",
                "rules.conditions.1.value",
                "rules.conditions.2.value",
                "rules.conditions.2.currency",
                "rules.conditions.3.currency",
                "rules.conditions.4.currency",
            ],
        ),
        (
            {
                "match": "all",
                "conditions": [
                    {"field": "brand", "op": "eq", "value": "nobody"},
                    {"field": "category", "op": "eq", "value": "men"},
                    {"field": "product_type", "op": "eq", "value": "Lungi"},
                    {"field": "attribute:size", "op": "eq", "value": "m"},
                    {"field": "attribute:color", "op": "eq", "value": "green"},
                    {"field": "attribute:color", "op": "lt", "value": "red"},
                    {"field": "attribute:thread_count", "op": "eq", "value": "many"},
                    {"field": "attribute:handmade", "op": "eq", "value": "yes"},
                    {"field": "attribute:released", "op": "eq", "value": "soon"},
                ],
            },
            [
                "rules.conditions.0.value",
                "rules.conditions.1.value",
                "rules.conditions.2.value",
                "rules.conditions.3.field",
                "rules.conditions.4.value",
                "rules.conditions.5.op",
                "rules.conditions.6.value",
                "rules.conditions.7.value",
                "rules.conditions.8.value",
            ],
        ),
    ],
)
async def test_bad_rules_name_every_path_and_change_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine, rules: Any, fields: list[str]
) -> None:
    a = await _store_with_catalog(make_store)
    before = await catalog_events(owner_engine, a)

    with pytest.raises(DomainErrors) as err:
        await _create(a, rules)

    assert [(e.code, e.field) for e in err.value.errors] == [("INVALID_RULE", f) for f in fields]
    assert await count(owner_engine, "collections", a.id) == 0
    assert await catalog_events(owner_engine, a) == before


async def test_rules_that_are_not_an_object_or_missing(make_store: MakeStore) -> None:
    a = await make_store("a")
    for rules in (None, ["match"]):
        with pytest.raises(DomainError) as err:
            await _create(a, rules)
        assert (err.value.code, err.value.field) == ("INVALID_RULE", "rules")


async def test_rules_update_is_validated_and_only_for_rule_based(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await _store_with_catalog(make_store)
    collection = await _create(
        a, {"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "a"}]}
    )
    async with a.uow() as uow:
        manual = await create_collection(uow, CollectionInput(name="Picks"))
        await uow.commit()

    async with a.uow() as uow:
        with pytest.raises(DomainErrors) as err:
            await update_collection(
                uow, collection.id, CollectionChanges(rules={"match": "all", "conditions": [{"field": "x"}]})
            )
    assert err.value.errors[0].field == "rules.conditions.0.field"
    async with a.uow() as uow:
        with pytest.raises(DomainError) as single:
            await update_collection(
                uow, manual.id, CollectionChanges(rules={"match": "all", "conditions": []})
            )
    assert (single.value.code, single.value.field) == ("INVALID", "rules")

    new_rules = {
        "match": "all",
        "conditions": [{"field": "price", "op": "gt", "value": 0, "currency": "BDT"}],
    }
    async with a.uow() as uow:
        updated = await update_collection(
            uow, collection.id, CollectionChanges(rules=new_rules, name="Priced")
        )
        await uow.commit()
    assert (updated.name, updated.rules) == ("Priced", new_rules)
    assert (await catalog_events(owner_engine, a))[-1] == ("collection.updated", {"id": str(collection.id)})
