"""bKash tokenized checkout against the fake bKash server over real HTTP: start, callback (execute then
query), replays, mismatches, timeouts, 5xx, business failures, tokens."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider
from domain.payments.providers import Providers
from tests.fixtures.database import count, fetch
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _store(make_store: MakeStore, fake: FakeBkash) -> StoreFixture:
    store = await make_store("bk")
    await configure(store, Provider.BKASH, fake.account())
    return store


async def _callback(
    store: StoreFixture, providers: Providers, attempt: PaymentAttempt, status: str = "success", **extra: str
) -> PaymentAttempt:
    params = {
        "paymentID": attempt.reference or "",
        "status": status,
        "signature": "x",
        "apiVersion": "1.2.0-beta",
    }
    params.update(extra)
    async with store.uow() as uow:
        return await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)


async def test_start_opens_a_bkash_payment(
    make_store: MakeStore, fake_bkash: FakeBkash, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH, 150_050)
    assert attempt.status is PaymentStatus.PENDING
    assert attempt.reference in fake_bkash.payments
    payment = fake_bkash.payments[attempt.reference or ""]
    assert payment.amount == "1500.50"
    assert payment.invoice == attempt.id.hex
    assert payment.callback_url == f"https://shop.example.com/payments/bkash/{store.id}/{attempt.id}/callback"
    assert attempt.redirect_url == f"{fake_bkash.base}/checkout?paymentId={attempt.reference}"
    assert await payment_events(owner_engine, store) == ["payment.started"]
    assert fake_bkash.grants == 1


async def test_success_callback_executes_then_queries_and_captures(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    captured = await _callback(store, providers, attempt)
    assert captured.status is PaymentStatus.CAPTURED
    assert captured.captured_amount == 150_000
    assert captured.transaction_id == fake_bkash.payments[attempt.reference or ""].trx_id
    assert fake_bkash.script.calls["execute"] == 1
    assert fake_bkash.script.calls["payment/status"] == 1
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    # One token for the whole flow.
    assert fake_bkash.grants == 1


async def test_a_replayed_callback_is_rejected_and_changes_nothing(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    await _callback(store, providers, attempt)
    calls = dict(fake_bkash.script.calls)
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt)
    assert err.value.code == "CALLBACK_REPLAYED"
    assert dict(fake_bkash.script.calls) == calls  # rejected before bKash is asked
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    # A late "failure" for the captured payment cannot undo it.
    with pytest.raises(DomainError) as late:
        await _callback(store, providers, attempt, "failure")
    assert late.value.code == "INVALID_TRANSITION"
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE id = :i", i=attempt.id)
    assert rows[0]["status"] == "captured"


async def test_concurrent_identical_callbacks_capture_once(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    results = await asyncio.gather(
        *(_callback(store, providers, attempt) for _ in range(5)), return_exceptions=True
    )
    ok = [r for r in results if isinstance(r, PaymentAttempt)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1
    assert len(refused) == 4
    assert {r.code for r in refused} <= {"CALLBACK_REPLAYED", "INVALID_TRANSITION"}
    assert (await payment_events(owner_engine, store)).count("payment.captured") == 1
    assert await count(owner_engine, "payment_callbacks", store.id) == 1


async def test_callback_for_another_payment_is_rejected(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    first = await start(store, Provider.BKASH)
    second = await start(store, Provider.BKASH)
    fake_bkash.approve(second.reference or "")
    params = {"paymentID": second.reference or "", "status": "success"}
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await handle_callback(uow, Provider.BKASH, first.id, params, providers=providers)
    assert err.value.code == "SIGNATURE_INVALID"
    assert fake_bkash.script.calls["execute"] == 0
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.started"]


async def test_amount_reported_by_bkash_must_match(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH, 150_000)
    fake_bkash.approve(attempt.reference or "")
    fake_bkash.report_amount = "15.00"
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt)
    assert err.value.code == "AMOUNT_MISMATCH"
    rows = await fetch(
        owner_engine, "SELECT status, captured_amount FROM payment_attempts WHERE id = :i", i=attempt.id
    )
    assert dict(rows[0]) == {"status": "pending", "captured_amount": 0}
    assert await payment_events(owner_engine, store) == ["payment.started"]
    assert await count(owner_engine, "payment_callbacks", store.id) == 0


@pytest.mark.parametrize("fault", [Fault(hang=True), Fault(status=500), Fault(status=503, body={"x": 1})])
async def test_execute_without_an_answer_leaves_the_payment_pending_for_a_retry(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
    fault: Fault,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    fake_bkash.script.add("execute", fault)
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt)
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    assert fake_bkash.script.calls["payment/status"] == 1  # execute failing is followed by the query
    assert await payment_events(owner_engine, store) == ["payment.started"]
    # The same callback again (the shopper reloads) completes it.
    captured = await _callback(store, providers, attempt)
    assert captured.status is PaymentStatus.CAPTURED


async def test_execute_timeout_after_bkash_completed_is_settled_by_the_query(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    payment = fake_bkash.payments[attempt.reference or ""]
    # bKash completed the payment but the execute answer is lost.
    payment.approved, payment.status, payment.trx_id = True, "Completed", "AKLOST01"
    fake_bkash.script.add("execute", Fault(hang=True))
    captured = await _callback(store, providers, attempt)
    assert captured.status is PaymentStatus.CAPTURED
    assert captured.transaction_id == "AKLOST01"


async def test_business_failure_on_execute_fails_the_payment(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    fake_bkash.execute_code = "2023"
    failed = await _callback(store, providers, attempt)
    assert failed.status is PaymentStatus.FAILED
    assert failed.failure_code == "2023"
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.failed"]


async def test_cancel_callback_cancels_after_the_query(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    cancelled = await _callback(store, providers, attempt, "cancel")
    assert cancelled.status is PaymentStatus.CANCELLED
    assert fake_bkash.script.calls["execute"] == 0
    assert fake_bkash.script.calls["payment/status"] == 1


async def test_a_cancel_callback_for_a_completed_payment_captures_it(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
) -> None:
    store = await _store(make_store, fake_bkash)
    attempt = await start(store, Provider.BKASH)
    payment = fake_bkash.payments[attempt.reference or ""]
    payment.approved, payment.status, payment.trx_id = True, "Completed", "AKDONE01"
    # A forged "cancel" does not lose a completed payment: the query decides.
    result = await _callback(store, providers, attempt, "cancel")
    assert result.status is PaymentStatus.CAPTURED


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault(hang=True), "PROVIDER_UNAVAILABLE"),
        (Fault(status=502), "PROVIDER_UNAVAILABLE"),
        (
            Fault(status=200, body={"statusCode": "2065", "statusMessage": "Mandatory field missing"}),
            "PROVIDER_DECLINED",
        ),
    ],
)
async def test_create_failures_fail_the_attempt(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    owner_engine: AsyncEngine,
    fault: Fault,
    code: str,
) -> None:
    store = await _store(make_store, fake_bkash)
    fake_bkash.script.add("create", fault)
    with pytest.raises(DomainError) as err:
        await start(store, Provider.BKASH)
    assert err.value.code == code
    rows = await fetch(
        owner_engine, "SELECT status, reference FROM payment_attempts WHERE store_id = :s", s=store.id
    )
    assert [dict(r) for r in rows] == [{"status": "failed", "reference": None}]
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.failed"]


async def test_an_expired_token_is_granted_again(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
) -> None:
    store = await _store(make_store, fake_bkash)
    await start(store, Provider.BKASH)
    fake_bkash.expire_tokens()
    attempt = await start(store, Provider.BKASH)
    assert attempt.status is PaymentStatus.PENDING
    assert fake_bkash.grants == 2
    assert fake_bkash.script.calls["create"] == 3  # one refused with 401, then retried


async def test_a_token_near_expiry_is_refreshed(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
) -> None:
    now = [1000.0]
    providers.bkash_tokens.clock = lambda: now[0]
    store = await _store(make_store, fake_bkash)
    await start(store, Provider.BKASH)
    now[0] += 3600
    await start(store, Provider.BKASH)
    assert (fake_bkash.grants, fake_bkash.refreshes) == (1, 1)


async def test_wrong_credentials_are_a_declined_grant(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
) -> None:
    store = await make_store("bk")
    await configure(store, Provider.BKASH, fake_bkash.account(app_secret="wrong"))
    with pytest.raises(DomainError) as err:
        await start(store, Provider.BKASH)
    assert err.value.code == "PROVIDER_DECLINED"


async def test_unconfigured_provider_changes_nothing(
    make_store: MakeStore, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await make_store("none")
    with pytest.raises(DomainError) as err:
        await start(store, Provider.BKASH)
    assert err.value.code == "PROVIDER_NOT_CONFIGURED"
    assert await count(owner_engine, "payment_attempts", store.id) == 0
    assert await payment_events(owner_engine, store) == []
