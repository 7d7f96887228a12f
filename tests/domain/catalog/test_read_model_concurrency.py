"""Workers refresh the read model concurrently: refreshes of the same products serialise, never fail."""

from __future__ import annotations

import asyncio

from domain.catalog.read_model import refresh_products
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore


async def test_concurrent_refreshes_of_the_same_products_all_succeed(
    make_store: MakeStore, owner_engine
) -> None:
    store = await make_store()
    cat = Catalog(store)
    products = [
        await cat.product(
            f"P{i}", variants=[VariantSpec(f"SKU-{i}", prices={"BDT": 1000 + i})], refresh=False
        )
        for i in range(30)
    ]
    ids = [p.id for p in products]

    async def refresh(batch: list) -> int:
        async with store.uow() as uow:
            written = await refresh_products(uow, batch)
            # Hold the locks a moment, as a larger batch would, so the others really overlap.
            await asyncio.sleep(0.05)
            await uow.commit()
            return written

    # Overlapping batches in different orders: the id-ordered locks keep them from deadlocking.
    results = await asyncio.gather(
        *(refresh(list(reversed(ids)) if n % 2 else ids[n:] + ids[:n]) for n in range(6))
    )

    assert results == [30] * 6
    rows = await fetch(
        owner_engine, "SELECT count(*) AS n FROM product_summary_prices WHERE currency = 'BDT'"
    )
    assert rows[0]["n"] == 30
