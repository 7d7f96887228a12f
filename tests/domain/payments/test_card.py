"""The generic card redirect provider against its fake over HTTP: HMAC-signed requests and returns."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider, RefundStatus
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from tests.fixtures.fake_card import FakeCard, sign_params
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _started(
    make_store: MakeStore, fake: FakeCard, start: StartPayment
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("card")
    await configure(store, Provider.CARD, fake.account())
    return store, await start(store, Provider.CARD, 420_000, currency="USD")


async def _return(
    store: StoreFixture, providers: Providers, attempt: PaymentAttempt, params: dict[str, str]
) -> PaymentAttempt:
    async with store.uow() as uow:
        return await handle_callback(uow, Provider.CARD, attempt.id, params, providers=providers)


async def test_signed_return_captures_once(
    make_store: MakeStore,
    fake_card: FakeCard,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_card, start)
    assert attempt.redirect_url == f"{fake_card.base}/pay/{attempt.reference}"
    params = fake_card.pay(attempt.reference or "")
    captured = await _return(store, providers, attempt, params)
    assert (captured.status, captured.captured_amount, captured.currency) == (
        PaymentStatus.CAPTURED,
        420_000,
        "USD",
    )
    with pytest.raises(DomainError) as err:
        await _return(store, providers, attempt, params)
    assert err.value.code == "CALLBACK_REPLAYED"
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]


async def test_tampered_forged_and_mismatched_returns(
    make_store: MakeStore,
    fake_card: FakeCard,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_card, start)
    params = fake_card.pay(attempt.reference or "")
    cases = [
        ({**params, "amount": "1"}, "SIGNATURE_INVALID"),
        (sign_params({k: v for k, v in params.items() if k != "signature"}, "guessed"), "SIGNATURE_INVALID"),
        (fake_card.pay(attempt.reference or "", amount="419999"), "AMOUNT_MISMATCH"),
        (fake_card.pay(attempt.reference or "", currency="BDT"), "CURRENCY_MISMATCH"),
        (fake_card.pay(attempt.reference or "", reference="0" * 32), "SIGNATURE_INVALID"),
    ]
    for forged, code in cases:
        with pytest.raises(DomainError) as err:
            await _return(store, providers, attempt, forged)
        assert err.value.code == code
    assert await payment_events(owner_engine, store) == ["payment.started"]


async def test_declined_card(
    make_store: MakeStore, fake_card: FakeCard, start: StartPayment, providers: Providers
) -> None:
    store, attempt = await _started(make_store, fake_card, start)
    params = fake_card.pay(
        attempt.reference or "", "failed", error_code="card_declined", message="Do not honour"
    )
    failed = await _return(store, providers, attempt, params)
    assert (failed.status, failed.failure_code) == (PaymentStatus.FAILED, "card_declined")


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault(hang=True), "PROVIDER_UNAVAILABLE"),
        (Fault(status=422, body={"error": "invalid_amount"}), "PROVIDER_DECLINED"),
    ],
)
async def test_session_failures(
    make_store: MakeStore, fake_card: FakeCard, start: StartPayment, fault: Fault, code: str
) -> None:
    store = await make_store("card")
    await configure(store, Provider.CARD, fake_card.account())
    fake_card.script.add("sessions", fault)
    with pytest.raises(DomainError) as err:
        await start(store, Provider.CARD, 1_000)
    assert err.value.code == code


async def test_a_wrong_secret_is_refused_by_the_gateway(
    make_store: MakeStore, fake_card: FakeCard, start: StartPayment
) -> None:
    store = await make_store("card")
    await configure(store, Provider.CARD, fake_card.account(secret="wrong"))
    with pytest.raises(DomainError) as err:
        await start(store, Provider.CARD, 1_000)
    assert err.value.code == "PROVIDER_DECLINED"


async def test_card_refund_retried_after_a_timeout_is_sent_with_the_same_reference(
    make_store: MakeStore, fake_card: FakeCard, start: StartPayment, providers: Providers
) -> None:
    store, attempt = await _started(make_store, fake_card, start)
    attempt = await _return(store, providers, attempt, fake_card.pay(attempt.reference or ""))
    fake_card.script.add("refunds", Fault(hang=True))
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await create_refund(uow, RefundInput(attempt.id, 20_000, "r"), providers=providers)
    assert err.value.code == "PROVIDER_UNAVAILABLE"
    async with store.uow() as uow:
        refund = await create_refund(uow, RefundInput(attempt.id, 20_000, "r"), providers=providers)
    assert refund.status is RefundStatus.SUCCEEDED
    assert list(fake_card.sessions[attempt.reference or ""].refunds) == [refund.id.hex]
