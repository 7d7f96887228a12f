"""Payments and their orders: what may be paid, `order.paid` on capture (bKash, cash on delivery), the
order's refund status, a payment taken twice, and the order timeline."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.money import Money
from domain.orders.services import cancel_order
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, Provider
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from domain.payments.services import capture_cod, open_cod
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.payments import StartPayment, configure, make_order
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _order(engine: AsyncEngine, order_id: uuid.UUID) -> dict[str, object]:
    rows = await fetch(engine, "SELECT status, payment_status FROM orders WHERE id = :i", i=order_id)
    return dict(rows[0])


async def _timeline(engine: AsyncEngine, order_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        engine, "SELECT kind FROM order_events WHERE order_id = :i ORDER BY created_at, id", i=order_id
    )
    return [r["kind"] for r in rows]


async def _types(engine: AsyncEngine, store: StoreFixture) -> list[str]:
    return [
        e["type"]
        for e in await outbox(engine, store.id)
        if e["type"].split(".")[0] in ("order", "payment", "refund")
    ]


async def _paid_by_bkash(
    store: StoreFixture, fake: FakeBkash, start: StartPayment, providers: Providers, order_id: uuid.UUID
) -> PaymentAttempt:
    attempt = await start(store, Provider.BKASH, order_id=order_id)
    fake.approve(attempt.reference or "")
    async with store.uow() as uow:
        params = {"paymentID": attempt.reference or "", "status": "success"}
        return await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)


async def test_a_bkash_capture_pays_and_confirms_the_order(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("op")
    await configure(store, Provider.BKASH, fake_bkash.account())
    order_id = await make_order(store, 80_000, payment_method="bkash")
    attempt = await _paid_by_bkash(store, fake_bkash, start, providers, order_id)
    assert attempt.amount == 80_000
    assert await _order(owner_engine, order_id) == {"status": "confirmed", "payment_status": "paid"}
    assert await _types(owner_engine, store) == [
        "order.created",
        "payment.started",
        "payment.captured",
        "order.paid",
        "order.confirmed",
    ]
    # Starting the payment is on the timeline too, as the cash on delivery one opened at checkout is.
    assert await _timeline(owner_engine, order_id) == [
        "placed",
        "payment_started",
        "payment_status_changed",
        "status_changed",
    ]
    (started,) = await fetch(
        owner_engine, "SELECT actor, message, data FROM order_events WHERE kind = 'payment_started'"
    )
    assert (started["actor"], started["message"]) == ("system", "bkash")
    assert started["data"] == {"attempt_id": str(attempt.id), "provider": "bkash", "amount": 80_000}
    rows = await fetch(
        owner_engine, "SELECT actor, data FROM order_events WHERE kind = 'payment_status_changed'"
    )
    assert rows[0]["actor"] == "payments:bkash"
    assert rows[0]["data"]["payment_id"] == str(attempt.id)
    # The order is paid: no further payment can be started for it.
    with pytest.raises(DomainError) as err:
        await start(store, Provider.BKASH, order_id=order_id)
    assert (err.value.code, err.value.field) == ("INVALID_TRANSITION", "orderId")


async def test_what_cannot_be_paid(
    make_store: MakeStore, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await make_store("op")
    order_id = await make_order(store, 80_000)
    cases = [
        (dict(order_id=uuid.uuid4()), "NOT_FOUND"),
        (dict(order_id=order_id, amount=79_999), "AMOUNT_MISMATCH"),
        (dict(order_id=order_id, amount=80_000, currency="USD"), "CURRENCY_MISMATCH"),
    ]
    for args, code in cases:
        with pytest.raises(DomainError) as err:
            await start(store, Provider.COD, **args)
        assert err.value.code == code
    async with store.uow() as uow:
        await cancel_order(uow, order_id, actor="test")
        await uow.commit()
    with pytest.raises(DomainError) as cancelled:
        await start(store, Provider.COD, order_id=order_id, amount=80_000)
    assert cancelled.value.code == "INVALID_TRANSITION"
    assert await fetch(owner_engine, "SELECT id FROM payment_attempts") == []


async def test_cod_collection_pays_the_order_even_without_an_opened_attempt(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("op")
    order_id = await make_order(store, 45_000, payment_method="cod")
    async with store.uow() as uow:
        attempt = await capture_cod(uow, order_id, Money(45_000, "BDT"))
        await uow.commit()
    assert attempt.captured_amount == 45_000
    assert await _order(owner_engine, order_id) == {"status": "confirmed", "payment_status": "paid"}
    assert await _types(owner_engine, store) == [
        "order.created",
        "payment.started",
        "payment.captured",
        "order.paid",
        "order.confirmed",
    ]


async def test_open_cod_in_the_checkout_transaction(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("op")
    order_id = await make_order(store, 45_000, payment_method="cod")
    async with store.uow() as uow:
        opened = await open_cod(uow, order_id)
        await uow.rollback()
    async with store.uow() as uow:
        assert await uow.session.get(PaymentAttempt, opened.id) is None  # nothing without the caller's commit
        opened = await open_cod(uow, order_id)
        await uow.commit()
    async with store.uow() as uow:
        captured = await capture_cod(uow, order_id, Money(45_000, "BDT"))
        await uow.commit()
    assert captured.id == opened.id


async def test_refunds_move_the_orders_payment_status(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("op")
    await configure(store, Provider.BKASH, fake_bkash.account())
    order_id = await make_order(store, 80_000, payment_method="bkash")
    attempt = await _paid_by_bkash(store, fake_bkash, start, providers, order_id)
    async with store.uow() as uow:
        await create_refund(
            uow, RefundInput(attempt.id, 30_000, "p1", "late", actor="staff:1"), providers=providers
        )
    assert (await _order(owner_engine, order_id))["payment_status"] == "partially_refunded"
    async with store.uow() as uow:
        await create_refund(uow, RefundInput(attempt.id, 50_000, "p2"), providers=providers)
    assert (await _order(owner_engine, order_id))["payment_status"] == "refunded"
    rows = await fetch(
        owner_engine,
        "SELECT actor FROM order_events WHERE order_id = :i AND kind = 'payment_status_changed'"
        " ORDER BY created_at, id",
        i=order_id,
    )
    assert [r["actor"] for r in rows] == ["payments:bkash", "staff:1", "system"]


async def test_a_second_capture_for_a_paid_order_is_flagged_not_lost(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("op")
    await configure(store, Provider.BKASH, fake_bkash.account())
    order_id = await make_order(store, 80_000, payment_method="bkash")
    # Two payment pages opened before either was paid; the shopper pays both.
    first = await start(store, Provider.BKASH, order_id=order_id)
    second = await start(store, Provider.BKASH, order_id=order_id)
    for attempt in (first, second):
        fake_bkash.approve(attempt.reference or "")
        async with store.uow() as uow:
            params = {"paymentID": attempt.reference or "", "status": "success"}
            await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)
    assert (await _types(owner_engine, store)).count("order.paid") == 1
    assert (await _timeline(owner_engine, order_id))[-1] == "payment_duplicate"
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE order_id = :i", i=order_id)
    assert [r["status"] for r in rows] == ["captured", "captured"]
