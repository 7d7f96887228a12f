"""SSLCommerz against its fake over HTTP: session, verify_sign, the validation API, IPN and browser
return of one payment, mismatches, failures, refunds."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.payments.adapters.sslcommerz import verify_sign
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider, RefundStatus
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from tests.fixtures.fake_sslcommerz import STORE_PASSWD, FakeSslCommerz, sign
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _started(
    make_store: MakeStore, fake: FakeSslCommerz, start: StartPayment, amount: int = 250_000
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("ssl")
    await configure(store, Provider.SSLCOMMERZ, fake.account())
    return store, await start(store, Provider.SSLCOMMERZ, amount, customer_email="rahim@example.com")


async def _post(
    store: StoreFixture, providers: Providers, attempt: PaymentAttempt, params: dict[str, str]
) -> PaymentAttempt:
    async with store.uow() as uow:
        return await handle_callback(uow, Provider.SSLCOMMERZ, attempt.id, params, providers=providers)


def test_verify_sign_follows_sslcommerz() -> None:
    signed = sign({"tran_id": "t1", "amount": "100.00", "status": "VALID"})
    assert verify_sign(signed, STORE_PASSWD)
    assert not verify_sign({**signed, "amount": "1.00"}, STORE_PASSWD)
    assert not verify_sign(signed, "another password")
    assert not verify_sign({k: v for k, v in signed.items() if k != "verify_sign"}, STORE_PASSWD)


async def test_session_then_ipn_validates_and_captures(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    assert attempt.reference == attempt.id.hex[:30]
    session = fake_sslcommerz.sessions[attempt.reference or ""]
    assert session.amount == "2500.00"
    assert session.form["ipn_url"].endswith(f"/payments/sslcommerz/{store.id}/{attempt.id}/ipn")
    assert session.form["success_url"].endswith("/callback")
    assert attempt.redirect_url and attempt.redirect_url.startswith(f"{fake_sslcommerz.base}/EasyCheckOut/")
    paid = fake_sslcommerz.pay(attempt.reference or "")
    captured = await _post(store, providers, attempt, paid)
    assert (captured.status, captured.captured_amount) == (PaymentStatus.CAPTURED, 250_000)
    assert captured.transaction_id == session.bank_tran_id
    assert fake_sslcommerz.script.calls["validate"] == 1
    # The browser's post of the same payment arrives after the IPN: a replay, rejected without a call.
    with pytest.raises(DomainError) as err:
        await _post(store, providers, attempt, paid)
    assert err.value.code == "CALLBACK_REPLAYED"
    assert fake_sslcommerz.script.calls["validate"] == 1
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]


async def test_a_tampered_or_foreign_post_is_rejected(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    paid = fake_sslcommerz.pay(attempt.reference or "")
    for params in (
        {**paid, "amount": "1.00"},  # changed after signing
        {k: v for k, v in paid.items() if k != "verify_sign"},
        sign({**{k: v for k, v in paid.items() if not k.startswith("verify_")}}, "guessed password"),
    ):
        with pytest.raises(DomainError) as err:
            await _post(store, providers, attempt, params)
        assert err.value.code == "SIGNATURE_INVALID"
    assert fake_sslcommerz.script.calls["validate"] == 0
    assert await payment_events(owner_engine, store) == ["payment.started"]


async def test_a_signed_post_whose_val_id_sslcommerz_does_not_know_is_rejected(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    fields = {"tran_id": attempt.reference or "", "status": "VALID", "val_id": "forged", "amount": "2500.00"}
    with pytest.raises(DomainError) as err:
        await _post(store, providers, attempt, sign(fields))
    assert err.value.code == "SIGNATURE_INVALID"


async def test_validated_amount_must_match(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    paid = fake_sslcommerz.pay(attempt.reference or "")
    fake_sslcommerz.sessions[attempt.reference or ""].amount = "25.00"  # what SSLCommerz really took
    with pytest.raises(DomainError) as err:
        await _post(store, providers, attempt, paid)
    assert err.value.code == "AMOUNT_MISMATCH"
    assert await payment_events(owner_engine, store) == ["payment.started"]


@pytest.mark.parametrize(
    ("status", "target"), [("FAILED", PaymentStatus.FAILED), ("CANCELLED", PaymentStatus.CANCELLED)]
)
async def test_signed_failure_and_cancel(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    status: str,
    target: PaymentStatus,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    result = await _post(store, providers, attempt, fake_sslcommerz.pay(attempt.reference or "", status))
    assert (result.status, result.failure_code) == (target, status)
    assert fake_sslcommerz.script.calls["validate"] == 0


@pytest.mark.parametrize("fault", [Fault(hang=True), Fault(status=500)])
async def test_validation_api_down_leaves_the_payment_pending(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
    fault: Fault,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    paid = fake_sslcommerz.pay(attempt.reference or "")
    fake_sslcommerz.script.add("validate", fault)
    with pytest.raises(DomainError) as err:
        await _post(store, providers, attempt, paid)
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    # SSLCommerz retries the IPN: now it goes through.
    assert (await _post(store, providers, attempt, paid)).status is PaymentStatus.CAPTURED


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault(hang=True), "PROVIDER_UNAVAILABLE"),
        (Fault(status=503), "PROVIDER_UNAVAILABLE"),
        (None, "PROVIDER_DECLINED"),
    ],
)
async def test_session_failures(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    fault: Fault | None,
    code: str,
) -> None:
    store = await make_store("ssl")
    await configure(store, Provider.SSLCOMMERZ, fake_sslcommerz.account())
    if fault is not None:
        fake_sslcommerz.script.add("session", fault)
    amount = 150_000 if fault is not None else 500  # 5 taka: under SSLCommerz's minimum of 10
    with pytest.raises(DomainError) as err:
        await start(store, Provider.SSLCOMMERZ, amount)
    assert err.value.code == code


async def test_refunds_through_sslcommerz(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    providers: Providers,
) -> None:
    store, attempt = await _started(make_store, fake_sslcommerz, start)
    attempt = await _post(store, providers, attempt, fake_sslcommerz.pay(attempt.reference or ""))
    async with store.uow() as uow:
        refund = await create_refund(uow, RefundInput(attempt.id, 50_000, "r1", "size"), providers=providers)
    assert refund.status is RefundStatus.SUCCEEDED
    session = fake_sslcommerz.sessions[attempt.reference or ""]
    assert session.refunds[0]["amount"] == "500.00"
    assert refund.provider_refund_id == session.refunds[0]["refund_ref_id"]
