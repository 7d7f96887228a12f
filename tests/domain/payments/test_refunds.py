"""Refunds through bKash's fake and for cash on delivery: partial and full, bounded by captured minus
refunded under concurrency, idempotent by key, provider failures."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.money import Money
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider, Refund, RefundStatus
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from domain.payments.services import capture_cod
from tests.fixtures.database import fetch
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _captured_bkash(
    make_store: MakeStore, fake: FakeBkash, start: StartPayment, providers: Providers, amount: int = 100_000
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("rf")
    await configure(store, Provider.BKASH, fake.account())
    attempt = await start(store, Provider.BKASH, amount)
    fake.approve(attempt.reference or "")
    async with store.uow() as uow:
        params = {"paymentID": attempt.reference or "", "status": "success"}
        attempt = await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)
    return store, attempt


async def _refund(
    store: StoreFixture,
    providers: Providers,
    attempt: PaymentAttempt,
    amount: int,
    key: str,
    reason: str = "",
) -> Refund:
    async with store.uow() as uow:
        return await create_refund(uow, RefundInput(attempt.id, amount, key, reason), providers=providers)


async def _amounts(engine: AsyncEngine, attempt: PaymentAttempt) -> dict[str, object]:
    rows = await fetch(
        engine,
        "SELECT status, captured_amount, refunded_amount FROM payment_attempts WHERE id = :i",
        i=attempt.id,
    )
    return dict(rows[0])


async def test_partial_then_full_refund_through_bkash(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    first = await _refund(store, providers, attempt, 30_000, "k1", "damaged")
    assert first.status is RefundStatus.SUCCEEDED
    assert first.provider_refund_id == fake_bkash.payments[attempt.reference or ""].refunds[0]["refundTrxID"]
    assert fake_bkash.payments[attempt.reference or ""].refunds[0]["amount"] == "300.00"
    assert await _amounts(owner_engine, attempt) == {
        "status": "captured",
        "captured_amount": 100_000,
        "refunded_amount": 30_000,
    }
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 70_001, "k2")
    assert (err.value.code, err.value.field) == ("REFUND_EXCEEDS_CAPTURED", "amount")
    await _refund(store, providers, attempt, 70_000, "k3")
    assert await _amounts(owner_engine, attempt) == {
        "status": "refunded",
        "captured_amount": 100_000,
        "refunded_amount": 100_000,
    }
    assert await payment_events(owner_engine, store) == [
        "payment.started",
        "payment.captured",
        "refund.created",
        "refund.created",
        "payment.refunded",
    ]
    with pytest.raises(DomainError) as done:
        await _refund(store, providers, attempt, 1, "k4")
    assert done.value.code == "INVALID_TRANSITION"


async def test_the_same_key_returns_the_first_refund(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    first = await _refund(store, providers, attempt, 10_000, "same")
    again = await _refund(store, providers, attempt, 10_000, "same")
    assert again.id == first.id
    assert len(fake_bkash.payments[attempt.reference or ""].refunds) == 1
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 20_000, "same")
    assert (err.value.code, err.value.field) == ("IDEMPOTENCY_KEY_REUSED", "idempotencyKey")
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 10_000
    assert (await payment_events(owner_engine, store)).count("refund.created") == 1


async def test_concurrent_refunds_never_exceed_the_captured_amount(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    results = await asyncio.gather(
        *(_refund(store, providers, attempt, 30_000, f"c{i}") for i in range(8)), return_exceptions=True
    )
    ok = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 3
    assert {r.code for r in refused} == {"REFUND_EXCEEDS_CAPTURED"}
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 90_000
    assert len(fake_bkash.payments[attempt.reference or ""].refunds) == 3


async def test_concurrent_replays_of_one_key_refund_once(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    results = await asyncio.gather(*(_refund(store, providers, attempt, 40_000, "dup") for _ in range(6)))
    assert len({r.id for r in results}) == 1
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 40_000
    assert (await payment_events(owner_engine, store)).count("refund.created") == 1


async def test_a_declined_refund_gives_the_amount_back(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    fake_bkash.script.add(
        "payment/refund", Fault(status=200, body={"statusCode": "2033", "statusMessage": "no"})
    )
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 50_000, "d1")
    assert err.value.code == "PROVIDER_DECLINED"
    rows = await fetch(owner_engine, "SELECT status FROM refunds WHERE key = 'd1'")
    assert rows[0]["status"] == "failed"
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 0
    assert await payment_events(owner_engine, store) == [
        "payment.started",
        "payment.captured",
        "refund.failed",
    ]
    assert (await _refund(store, providers, attempt, 100_000, "d2")).status is RefundStatus.SUCCEEDED


async def test_a_refund_without_an_answer_keeps_its_reservation_until_retried(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    fake_bkash.script.add("payment/refund", Fault(hang=True))
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 60_000, "t1")
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    # Reserved: another refund cannot take the same money meanwhile.
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 60_000
    with pytest.raises(DomainError) as over:
        await _refund(store, providers, attempt, 50_000, "t2")
    assert over.value.code == "REFUND_EXCEEDS_CAPTURED"
    retried = await _refund(store, providers, attempt, 60_000, "t1")
    assert retried.status is RefundStatus.SUCCEEDED
    assert (await _amounts(owner_engine, attempt))["refunded_amount"] == 60_000


@pytest.mark.parametrize("amount", [0, -5])
async def test_invalid_refund_input_changes_nothing(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
    amount: int,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, amount, "x")
    assert (err.value.code, err.value.field) == ("INVALID", "amount")
    with pytest.raises(DomainError) as key:
        await _refund(store, providers, attempt, 1, " ")
    assert key.value.field == "idempotencyKey"
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]


async def test_cod_refund_is_recorded(
    make_store: MakeStore, start: StartPayment, providers: Providers
) -> None:
    store = await make_store("cod")
    attempt = await start(store, Provider.COD, 20_000)
    async with store.uow() as uow:
        await capture_cod(uow, attempt.order_id, Money(20_000, "BDT"))
        await uow.commit()
    refund = await _refund(store, providers, attempt, 20_000, "cash")
    assert (refund.status, refund.provider_refund_id) == (RefundStatus.SUCCEEDED, None)
    async with store.uow() as uow:
        current = await uow.session.get(PaymentAttempt, attempt.id)
        assert current is not None and current.status is PaymentStatus.REFUNDED


async def test_a_pending_payment_cannot_be_refunded(
    make_store: MakeStore, start: StartPayment, providers: Providers
) -> None:
    store = await make_store("cod")
    attempt = await start(store, Provider.COD, 20_000)
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 1_000, "early")
    assert err.value.code == "INVALID_TRANSITION"
