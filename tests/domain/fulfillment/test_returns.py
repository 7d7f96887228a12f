"""Returns: requested → approved / rejected → received (restocked through the ledger) → refunded (through
the payments side); quantities never above what shipped, invalid moves change nothing."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.fulfillment.models import ReturnReason, ReturnStatus
from domain.fulfillment.returns import (
    ReturnLineInput,
    decide_return,
    receive_return,
    refund_return,
    request_return,
)
from domain.fulfillment.shipments import LineQuantity, ShipmentInput, create_shipment
from domain.money import Money
from domain.payments.providers import Providers
from domain.payments.services import capture_cod
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import PlacedOrder, placed_order
from tests.fixtures.orders import ledger_mismatches
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def shipped_and_paid(store: StoreFixture, quantities: tuple[int, ...] = (3, 1)) -> PlacedOrder:
    placed = await placed_order(store, quantities)
    async with store.uow() as uow:
        await create_shipment(
            uow,
            ShipmentInput(
                order_id=placed.order.id, lines=[LineQuantity(x.id, x.quantity) for x in placed.lines]
            ),
            actor="staff:test",
        )
        await capture_cod(uow, placed.order.id, Money(placed.order.total, "BDT"))
        await uow.commit()
    return placed


async def request(store: StoreFixture, order_id: uuid.UUID, *lines: ReturnLineInput):  # type: ignore[no-untyped-def]
    async with store.uow() as uow:
        ret = await request_return(uow, order_id, list(lines), note="too small", actor="staff:test")
        await uow.commit()
    return ret


async def on_hand(engine: AsyncEngine, variant_id: uuid.UUID) -> int:
    rows = await fetch(
        engine, "SELECT sum(on_hand) AS n FROM stock_levels WHERE variant_id = :v", v=variant_id
    )
    return int(rows[0]["n"])


async def test_the_whole_way_restocks_and_refunds(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store)
    a, b = placed.lines
    stock_before = await on_hand(owner_engine, placed.items[0].variant_id)

    ret = await request(
        store,
        placed.order.id,
        ReturnLineInput(a.id, 2, ReturnReason.CHANGED_MIND),
        ReturnLineInput(b.id, 1, ReturnReason.DAMAGED, restock=False),
    )
    assert ret.status is ReturnStatus.REQUESTED and ret.reference == f"R{placed.order.number}-1"
    assert ret.refund_amount == a.total * 2 // 3 + b.total

    async with store.uow() as uow:
        await decide_return(uow, ret.id, approve=True, actor="staff:test")
        await receive_return(uow, ret.id, actor="staff:test")
        await uow.commit()
    assert await on_hand(owner_engine, placed.items[0].variant_id) == stock_before + 2
    assert await on_hand(owner_engine, placed.items[1].variant_id) == 9  # damaged: not restocked
    assert await ledger_mismatches(owner_engine, store.id) == []
    ledger = await fetch(
        owner_engine,
        "SELECT reason, delta, reference_type FROM inventory_adjustments WHERE reason = 'returned'",
    )
    assert [(r["delta"], r["reference_type"]) for r in ledger] == [(2, "return")]
    # The restock is an adjustment like any other for inventory subscribers (reason `returned`).
    restocked = [
        e["data"]
        for e in await outbox(owner_engine, store.id)
        if e["type"] == "inventory.adjusted" and e["data"]["reason"] == "returned"
    ]
    assert restocked == [
        {
            "variant_id": str(placed.items[0].variant_id),
            "location": "default",
            "delta": 2,
            "reason": "returned",
            "on_hand": stock_before + 2,
        }
    ]

    async with httpx.AsyncClient(trust_env=False) as client, store.uow() as uow:
        refunded = await refund_return(uow, ret.id, providers=Providers(client=client), actor="staff:test")
        again = await refund_return(uow, ret.id, providers=Providers(client=client), actor="staff:test")

    assert refunded.status is ReturnStatus.REFUNDED and again.refund_id == refunded.refund_id
    (refund,) = await fetch(owner_engine, "SELECT amount, key, status FROM refunds")
    assert refund["amount"] == ret.refund_amount and refund["key"] == f"return:{ret.id}"
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    for t in ("return.requested", "return.approved", "return.received", "return.refunded", "refund.created"):
        assert types.count(t) == 1, t
    kinds = [
        r["kind"]
        for r in await fetch(
            owner_engine,
            "SELECT kind FROM order_events WHERE order_id = :o ORDER BY created_at, id",
            o=placed.order.id,
        )
    ]
    assert [k for k in kinds if k.startswith("return_")] == [
        "return_requested",
        "return_approved",
        "return_received",
        "return_refunded",
    ]
    (order,) = await fetch(owner_engine, "SELECT payment_status FROM orders WHERE id = :o", o=placed.order.id)
    assert order["payment_status"] == "partially_refunded"
    # The refund is the refunding staff member's on the timeline, not the system's.
    (refund_entry,) = await fetch(
        owner_engine,
        "SELECT actor FROM order_events"
        " WHERE order_id = :o AND data ? 'refund_id' AND kind <> 'return_refunded'",
        o=placed.order.id,
    )
    assert refund_entry["actor"] == "staff:test"


async def test_no_more_than_shipped_can_be_returned(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store, (2,))
    line = placed.lines[0].id
    await request(store, placed.order.id, ReturnLineInput(line, 1, ReturnReason.DEFECTIVE))
    before = len(await outbox(owner_engine, store.id))

    with pytest.raises(DomainError) as caught:
        await request(store, placed.order.id, ReturnLineInput(line, 2, ReturnReason.DEFECTIVE))

    assert (caught.value.code, caught.value.field) == ("QUANTITY_EXCEEDED", "lines.0.quantity")
    assert len(await fetch(owner_engine, "SELECT id FROM return_requests")) == 1
    assert len(await outbox(owner_engine, store.id)) == before


async def test_unshipped_units_cannot_be_returned(make_store: MakeStore) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (2,))

    with pytest.raises(DomainError) as caught:
        await request(store, placed.order.id, ReturnLineInput(placed.lines[0].id, 1, ReturnReason.OTHER))

    assert caught.value.code == "QUANTITY_EXCEEDED"


async def test_rejecting_gives_the_units_back(make_store: MakeStore) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store, (1,))
    line = placed.lines[0].id
    ret = await request(store, placed.order.id, ReturnLineInput(line, 1, ReturnReason.OTHER))
    async with store.uow() as uow:
        rejected = await decide_return(uow, ret.id, approve=False, note="used", actor="staff:test")
        await uow.commit()

    again = await request(store, placed.order.id, ReturnLineInput(line, 1, ReturnReason.OTHER))

    assert rejected.status is ReturnStatus.REJECTED and rejected.decision_note == "used"
    assert again.status is ReturnStatus.REQUESTED


async def test_steps_out_of_order_change_nothing(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store, (1,))
    ret = await request(store, placed.order.id, ReturnLineInput(placed.lines[0].id, 1, ReturnReason.OTHER))
    before = len(await outbox(owner_engine, store.id))

    async with store.uow() as uow:
        with pytest.raises(DomainError) as receive:
            await receive_return(uow, ret.id, actor="staff:test")
    async with httpx.AsyncClient(trust_env=False) as client, store.uow() as uow:
        with pytest.raises(DomainError) as refund:
            await refund_return(uow, ret.id, providers=Providers(client=client), actor="staff:test")

    assert receive.value.code == refund.value.code == "INVALID_TRANSITION"
    assert len(await outbox(owner_engine, store.id)) == before
    assert await fetch(owner_engine, "SELECT id FROM refunds") == []


async def test_concurrent_decisions_one_wins(make_store: MakeStore) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store, (1,))
    ret = await request(store, placed.order.id, ReturnLineInput(placed.lines[0].id, 1, ReturnReason.OTHER))

    async def decide(approve: bool) -> object:
        async with store.uow() as uow:
            done = await decide_return(uow, ret.id, approve=approve, actor="staff:test")
            await uow.commit()
            return done

    results = await asyncio.gather(decide(True), decide(False), return_exceptions=True)

    assert sum(isinstance(r, DomainError) for r in results) == 1
