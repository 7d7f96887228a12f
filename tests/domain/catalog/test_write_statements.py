"""Write services batch their lookups: the statements a change costs do not grow with its list size."""

from __future__ import annotations

from domain.catalog.attributes import create_attribute, set_attribute_values
from domain.catalog.inputs import (
    AttributeCreateInput,
    AttributeValueInput,
    BundleItemInput,
    ProductCreateInput,
    VariantCreateInput,
)
from domain.catalog.models import AttributeKind
from domain.catalog.products import create_product, set_bundle_items
from domain.catalog.variants import create_variant
from domain.db import Database
from tests.fixtures.database import statements
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _parts(store: StoreFixture, n: int) -> list[BundleItemInput]:
    async with store.uow() as uow:
        items = []
        for i in range(n):
            product = await create_product(uow, ProductCreateInput(title=f"Part {n}-{i}"))
            variant = await create_variant(uow, product.id, VariantCreateInput(sku=f"P{n}-{i}"))
            items.append(BundleItemInput(variant_id=variant.id, quantity=i + 1))
        await uow.commit()
    return items


async def _bundle_cost(store: StoreFixture, db: Database, items: list[BundleItemInput]) -> int:
    async with store.uow() as uow:
        bundle = await create_product(uow, ProductCreateInput(title=f"Bundle {len(items)}"))
        await uow.commit()
    with statements(db.primary) as seen:
        async with store.uow() as uow:
            await set_bundle_items(uow, bundle.id, items)
            await uow.commit()
    return len(seen)


async def test_setting_bundle_items_costs_the_same_for_2_or_8_parts(
    make_store: MakeStore, db: Database
) -> None:
    a = await make_store("a")
    two, eight = await _parts(a, 2), await _parts(a, 8)

    assert await _bundle_cost(a, db, two) == await _bundle_cost(a, db, eight)


async def test_setting_attribute_values_costs_the_same_for_1_or_6_values(
    make_store: MakeStore, db: Database
) -> None:
    a = await make_store("a")
    async with a.uow() as uow:
        attributes = [
            await create_attribute(
                uow, AttributeCreateInput(code=f"a{i}", name=f"A{i}", kind=AttributeKind.TEXT)
            )
            for i in range(6)
        ]
        product = await create_product(uow, ProductCreateInput(title="Valued"))
        await uow.commit()
    costs = []
    for chosen in (attributes[:1], attributes):
        values = [AttributeValueInput(attribute_id=x.id, value="v") for x in chosen]
        with statements(db.primary) as seen:
            async with a.uow() as uow:
                await set_attribute_values(uow, product.id, values)
                await uow.commit()
        costs.append(len(seen))

    assert costs[0] == costs[1]
