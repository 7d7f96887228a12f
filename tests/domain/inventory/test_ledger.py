"""The ledger: every on-hand change is a row with a reason, and the rows always sum to on-hand."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.inputs import StockInput
from domain.catalog.stock import set_stock_level
from domain.errors import DomainError
from domain.inventory.availability import available
from domain.inventory.ledger import adjust, set_on_hand
from domain.inventory.models import AdjustmentReason
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.orders import ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore


async def test_received_and_damaged_enter_the_ledger_with_reason_actor_and_request(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given a variant with 10 units received
    store = await make_store()
    item = await sellable(store, on_hand=10)
    # when 3 are written off as damaged
    async with store.uow(correlation_id="req-dmg") as uow:
        on_hand = await adjust(uow, item.variant_id, -3, reason=AdjustmentReason.DAMAGED, actor="staff:1")
        await uow.commit()
    # then on-hand is 7, and the ledger says why, who and in which request
    assert on_hand == 7
    rows = await fetch(
        owner_engine,
        "SELECT delta, reason, balance_after, actor, request_id FROM inventory_adjustments"
        " WHERE variant_id = :v ORDER BY created_at, balance_after DESC",
        v=item.variant_id,
    )
    assert [(r["delta"], r["reason"], r["balance_after"]) for r in rows] == [
        (10, "received", 10),
        (-3, "damaged", 7),
    ]
    assert (rows[1]["actor"], rows[1]["request_id"]) == ("staff:1", "req-dmg")
    assert await ledger_mismatches(owner_engine, store.id) == []
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 7


async def test_taking_more_than_on_hand_is_refused_and_writes_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=2)
    before = (await count(owner_engine, "inventory_adjustments"), len(await outbox(owner_engine, store.id)))
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await adjust(uow, item.variant_id, -3, reason=AdjustmentReason.DAMAGED, actor="staff:1")
        await uow.rollback()
    assert err.value.code == "NEGATIVE_STOCK"
    after = (await count(owner_engine, "inventory_adjustments"), len(await outbox(owner_engine, store.id)))
    assert after == before


async def test_sales_cannot_be_entered_as_adjustments(make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=2)
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await adjust(uow, item.variant_id, -1, reason=AdjustmentReason.SOLD, actor="staff:1")
    assert err.value.code == "INVALID"


async def test_catalog_stock_set_goes_through_the_ledger_as_a_correction(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    async with store.uow() as uow:
        await set_stock_level(uow, item.variant_id, StockInput(location="default", on_hand=12))
        await set_stock_level(uow, item.variant_id, StockInput(location="chattogram", on_hand=4))
        await uow.commit()
    rows = await fetch(
        owner_engine,
        "SELECT location, delta, reason FROM inventory_adjustments"
        " WHERE variant_id = :v AND reason = 'correction' ORDER BY location",
        v=item.variant_id,
    )
    assert [(r["location"], r["delta"]) for r in rows] == [("chattogram", 4), ("default", 7)]
    assert await ledger_mismatches(owner_engine, store.id) == []
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 16


async def test_low_stock_is_emitted_once_when_on_hand_crosses_the_threshold(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=10, threshold=3)
    for delta in (-5, -2, -1, -1):  # 5, 3 (crosses), 2, 1
        async with store.uow() as uow:
            await adjust(uow, item.variant_id, delta, reason=AdjustmentReason.DAMAGED, actor="t")
            await uow.commit()
    low = [e for e in await outbox(owner_engine, store.id) if e["type"] == "inventory.low_stock"]
    assert [e["data"]["on_hand"] for e in low] == [3]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["default", "sylhet"]), st.integers(-20, 20), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
async def test_any_sequence_of_changes_keeps_ledger_sum_equal_to_on_hand(
    make_store: MakeStore, owner_engine: AsyncEngine, changes: list[tuple[str, int, bool]]
) -> None:
    # given any sequence of adjustments and counts at two locations (some refused for going negative)
    store = await make_store(f"p{abs(hash(tuple(changes))) % 10**8}")
    item = await sellable(store, on_hand=0)
    for location, n, is_count in changes:
        async with store.uow() as uow:
            try:
                if is_count:
                    await set_on_hand(uow, item.variant_id, abs(n), location=location, actor="t")
                elif n:
                    reason = AdjustmentReason.RECEIVED if n > 0 else AdjustmentReason.DAMAGED
                    await adjust(uow, item.variant_id, n, location=location, reason=reason, actor="t")
                await uow.commit()
            except DomainError:
                await uow.rollback()
    # then every level's ledger sums to its on-hand, and none is negative
    assert await ledger_mismatches(owner_engine, store.id) == []
    levels = await fetch(owner_engine, "SELECT on_hand FROM stock_levels WHERE store_id = :s", s=store.id)
    assert all(r["on_hand"] >= 0 for r in levels)
