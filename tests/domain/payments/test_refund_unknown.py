"""Refunds whose outcome is unknown (the provider did not answer) are never sent twice: the refund stays
UNKNOWN with its reservation, and a retry of the key asks the provider for the refund's status first
(bKash: the refund call with only paymentID and trxID; SSLCommerz: by refund_ref_id). All over HTTP
against the fakes."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, Provider, Refund, RefundStatus
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from tests.fixtures.database import fetch
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.fake_sslcommerz import FakeSslCommerz
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _captured_bkash(
    make_store: MakeStore, fake: FakeBkash, start: StartPayment, providers: Providers
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("rf")
    await configure(store, Provider.BKASH, fake.account())
    attempt = await start(store, Provider.BKASH, 100_000)
    fake.approve(attempt.reference or "")
    async with store.uow() as uow:
        params = {"paymentID": attempt.reference or "", "status": "success"}
        attempt = await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)
    return store, attempt


async def _refund(
    store: StoreFixture, providers: Providers, attempt: PaymentAttempt, amount: int, key: str
) -> Refund:
    async with store.uow() as uow:
        return await create_refund(uow, RefundInput(attempt.id, amount, key, "damaged"), providers=providers)


async def _rows(engine: AsyncEngine) -> list[dict[str, object]]:
    rows = await fetch(
        engine, "SELECT key, status, amount, provider_refund_id FROM refunds ORDER BY created_at"
    )
    return [dict(r) for r in rows]


async def _refunded(engine: AsyncEngine, attempt: PaymentAttempt) -> object:
    rows = await fetch(engine, "SELECT refunded_amount FROM payment_attempts WHERE id = :i", i=attempt.id)
    return rows[0]["refunded_amount"]


async def test_a_bkash_refund_made_but_unanswered_is_found_not_sent_again(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    paid = fake_bkash.payments[attempt.reference or ""]
    # bKash makes the refund, then its answer never arrives: our call times out.
    fake_bkash.refund_then_hang = 1
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 40_000, "r1")
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    assert len(paid.refunds) == 1
    (row,) = await _rows(owner_engine)
    assert (row["status"], row["provider_refund_id"]) == ("unknown", None)
    assert await _refunded(owner_engine, attempt) == 40_000  # still reserved
    assert "refund.created" not in await payment_events(owner_engine, store)
    # The retry asks first, finds bKash's refund, and records it: one refund there, one here.
    retried = await _refund(store, providers, attempt, 40_000, "r1")
    assert retried.status is RefundStatus.SUCCEEDED
    assert fake_bkash.refund_status_calls == 1
    assert len(paid.refunds) == 1
    assert retried.provider_refund_id == paid.refunds[0]["refundTrxID"]
    assert await _rows(owner_engine) == [
        {
            "key": "r1",
            "status": "succeeded",
            "amount": 40_000,
            "provider_refund_id": retried.provider_refund_id,
        }
    ]
    assert await _refunded(owner_engine, attempt) == 40_000
    assert (await payment_events(owner_engine, store)).count("refund.created") == 1
    # A third call with the key is answered from the database.
    again = await _refund(store, providers, attempt, 40_000, "r1")
    assert again.id == retried.id and fake_bkash.refund_status_calls == 1 and len(paid.refunds) == 1


async def test_a_bkash_refund_never_made_is_sent_once_bkash_confirms_it(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    paid = fake_bkash.payments[attempt.reference or ""]
    fake_bkash.script.add("payment/refund", Fault(hang=True))  # lost before bKash did anything
    with pytest.raises(DomainError):
        await _refund(store, providers, attempt, 25_000, "r2")
    assert paid.refunds == []
    # The status lookup itself gets no answer: still unknown, nothing sent.
    fake_bkash.script.add("payment/refund", Fault(status=503))
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 25_000, "r2")
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    assert paid.refunds == [] and (await _rows(owner_engine))[0]["status"] == "unknown"
    done = await _refund(store, providers, attempt, 25_000, "r2")
    assert done.status is RefundStatus.SUCCEEDED
    assert fake_bkash.refund_status_calls == 1 and len(paid.refunds) == 1
    assert await _refunded(owner_engine, attempt) == 25_000


async def test_a_lost_partial_refund_is_told_apart_from_the_earlier_one(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_bkash(make_store, fake_bkash, start, providers)
    paid = fake_bkash.payments[attempt.reference or ""]
    first = await _refund(store, providers, attempt, 30_000, "a")
    fake_bkash.refund_then_hang = 1
    with pytest.raises(DomainError):
        await _refund(store, providers, attempt, 30_000, "b")
    # bKash lists two refunds of 300.00: the first is refund "a", so the other one is "b".
    second = await _refund(store, providers, attempt, 30_000, "b")
    assert second.status is RefundStatus.SUCCEEDED
    assert len(paid.refunds) == 2
    assert {first.provider_refund_id, second.provider_refund_id} == {r["refundTrxID"] for r in paid.refunds}
    # A refund of another amount that bKash never made: the lookup sees only ours, so it is sent.
    fake_bkash.script.add("payment/refund", Fault(hang=True))
    with pytest.raises(DomainError):
        await _refund(store, providers, attempt, 10_000, "c")
    third = await _refund(store, providers, attempt, 10_000, "c")
    assert third.status is RefundStatus.SUCCEEDED and len(paid.refunds) == 3
    assert await _refunded(owner_engine, attempt) == 70_000
    assert (await payment_events(owner_engine, store)).count("refund.created") == 3


async def _captured_ssl(
    make_store: MakeStore, fake: FakeSslCommerz, start: StartPayment, providers: Providers
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("ssl")
    await configure(store, Provider.SSLCOMMERZ, fake.account())
    attempt = await start(store, Provider.SSLCOMMERZ, 300_000)
    async with store.uow() as uow:
        posted = fake.pay(attempt.reference or "")
        attempt = await handle_callback(uow, Provider.SSLCOMMERZ, attempt.id, posted, providers=providers)
    return store, attempt


async def test_an_sslcommerz_refund_still_processing_is_settled_by_its_status(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_ssl(make_store, fake_sslcommerz, start, providers)
    session = fake_sslcommerz.sessions[attempt.reference or ""]
    fake_sslcommerz.refund_answer = "processing"
    pending = await _refund(store, providers, attempt, 100_000, "p1")
    assert pending.status is RefundStatus.PENDING
    assert pending.provider_refund_id == session.refunds[0]["refund_ref_id"]
    assert "refund.created" not in await payment_events(owner_engine, store)
    # Still processing at SSLCommerz: still pending here, nothing sent again.
    assert (await _refund(store, providers, attempt, 100_000, "p1")).status is RefundStatus.PENDING
    fake_sslcommerz.settle_refunds()
    done = await _refund(store, providers, attempt, 100_000, "p1")
    assert done.status is RefundStatus.SUCCEEDED and len(session.refunds) == 1
    assert (await payment_events(owner_engine, store)).count("refund.created") == 1
    assert await _refunded(owner_engine, attempt) == 100_000


async def test_an_unanswered_sslcommerz_refund_is_never_sent_again(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _captured_ssl(make_store, fake_sslcommerz, start, providers)
    session = fake_sslcommerz.sessions[attempt.reference or ""]
    fake_sslcommerz.script.add("refund", Fault(status=502))
    with pytest.raises(DomainError):
        await _refund(store, providers, attempt, 50_000, "u1")
    # No refund_ref_id to look it up by: SSLCommerz cannot confirm, so the retry sends nothing.
    with pytest.raises(DomainError) as err:
        await _refund(store, providers, attempt, 50_000, "u1")
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    assert "cannot confirm" in err.value.message
    assert session.refunds == []
    assert (await _rows(owner_engine))[0]["status"] == "unknown"
    assert await _refunded(owner_engine, attempt) == 50_000
    # The rest of the payment can still be refunded.
    other = await _refund(store, providers, attempt, 250_000, "u2")
    assert other.status is RefundStatus.SUCCEEDED and len(session.refunds) == 1
