"""Nagad against its fake over HTTP: RSA-encrypted, signed initialize and complete; the unsigned callback
verified by Nagad's verify API; amount checks; failures; refunds not offered."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.money import Money
from domain.payments.adapters import nagad_crypto as crypto
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider
from domain.payments.providers import Providers
from domain.payments.refunds import RefundInput, create_refund
from tests.fixtures.fake_nagad import FakeNagad, new_key, private_pem
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _started(
    make_store: MakeStore, fake: FakeNagad, start: StartPayment, amount: int = 75_050
) -> tuple[StoreFixture, PaymentAttempt]:
    store = await make_store("ng")
    await configure(store, Provider.NAGAD, fake.account())
    return store, await start(store, Provider.NAGAD, amount)


async def _callback(
    store: StoreFixture, providers: Providers, attempt: PaymentAttempt, params: dict[str, str]
) -> PaymentAttempt:
    async with store.uow() as uow:
        return await handle_callback(uow, Provider.NAGAD, attempt.id, params, providers=providers)


def test_nagad_crypto_round_trip() -> None:
    ours, theirs = new_key(), new_key()
    text = crypto.plaintext({"merchantId": "1", "challenge": "abc"})
    sealed = crypto.encrypt(theirs.public_key(), text)
    assert crypto.decrypt(theirs, sealed) == text
    signature = crypto.sign(ours, text)
    assert crypto.verify(ours.public_key(), text, signature)
    assert not crypto.verify(ours.public_key(), text + b" ", signature)
    assert not crypto.verify(theirs.public_key(), text, signature)
    # OpenSSL's implicit rejection: the wrong key yields other bytes (or an error), never the text; the
    # signature check after decryption is what refuses it.
    try:
        wrong = crypto.decrypt(ours, sealed)
    except ValueError:
        wrong = b""
    assert wrong != text
    with pytest.raises(ValueError, match="cannot decrypt"):
        crypto.decrypt(ours, "not base64!")


async def test_initialize_complete_then_verified_callback_captures(
    make_store: MakeStore,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_nagad, start)
    payment = fake_nagad.payments[attempt.reference or ""]
    assert (payment.order_id, payment.amount) == (attempt.id.hex, "750.50")
    assert payment.callback_url.endswith(f"/payments/nagad/{store.id}/{attempt.id}/callback")
    assert attempt.redirect_url == f"{fake_nagad.base}/pay/{attempt.reference}"
    params = fake_nagad.pay(attempt.reference or "")
    captured = await _callback(store, providers, attempt, params)
    assert (captured.status, captured.captured_amount) == (PaymentStatus.CAPTURED, 75_050)
    assert captured.transaction_id == payment.issuer_ref
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt, params)
    assert err.value.code == "CALLBACK_REPLAYED"
    assert fake_nagad.script.calls["verify"] == 1
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]


async def test_an_unsigned_success_is_not_believed(
    make_store: MakeStore,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_nagad, start)
    # The browser claims success; Nagad's verify says the payment is still initiated.
    forged = {
        "merchant": "x",
        "order_id": attempt.id.hex,
        "payment_ref_id": attempt.reference or "",
        "status": "Success",
        "status_code": "00_0000_000",
    }
    result = await _callback(store, providers, attempt, forged)
    assert result.status is PaymentStatus.PENDING
    assert await payment_events(owner_engine, store) == ["payment.started"]
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt, {**forged, "order_id": "another"})
    assert err.value.code == "SIGNATURE_INVALID"


async def test_verified_amount_must_match(
    make_store: MakeStore,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
) -> None:
    store, attempt = await _started(make_store, fake_nagad, start)
    params = fake_nagad.pay(attempt.reference or "")
    fake_nagad.report_amount = "7.50"
    with pytest.raises(DomainError) as err:
        await _callback(store, providers, attempt, params)
    assert err.value.code == "AMOUNT_MISMATCH"


async def test_aborted_payment_is_cancelled(
    make_store: MakeStore,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
) -> None:
    store, attempt = await _started(make_store, fake_nagad, start)
    result = await _callback(store, providers, attempt, fake_nagad.pay(attempt.reference or "", "Aborted"))
    assert result.status is PaymentStatus.CANCELLED


@pytest.mark.parametrize(
    ("path", "fault", "code"),
    [
        ("initialize", Fault(hang=True), "PROVIDER_UNAVAILABLE"),
        ("initialize", Fault(status=500), "PROVIDER_UNAVAILABLE"),
        (
            "complete",
            Fault(status=400, body={"reason": "Invalid Request", "message": "no"}),
            "PROVIDER_DECLINED",
        ),
    ],
)
async def test_start_failures(
    make_store: MakeStore, fake_nagad: FakeNagad, start: StartPayment, path: str, fault: Fault, code: str
) -> None:
    store = await make_store("ng")
    await configure(store, Provider.NAGAD, fake_nagad.account())
    fake_nagad.script.add(path, fault)
    with pytest.raises(DomainError) as err:
        await start(store, Provider.NAGAD, 10_000)
    assert err.value.code == code


async def test_a_wrong_merchant_key_is_refused_by_nagad(
    make_store: MakeStore, fake_nagad: FakeNagad, start: StartPayment
) -> None:
    store = await make_store("ng")
    await configure(store, Provider.NAGAD, fake_nagad.account(merchant_private_key=private_pem(new_key())))
    with pytest.raises(DomainError) as err:
        await start(store, Provider.NAGAD, 10_000)
    assert err.value.code == "PROVIDER_DECLINED"


async def test_nagad_refunds_are_not_offered_and_change_nothing(
    make_store: MakeStore,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store, attempt = await _started(make_store, fake_nagad, start)
    attempt = await _callback(store, providers, attempt, fake_nagad.pay(attempt.reference or ""))
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await create_refund(uow, RefundInput(attempt.id, 100, "n1"), providers=providers)
    assert err.value.code == "REFUND_NOT_SUPPORTED"
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    assert Money(attempt.amount, attempt.currency) == Money(75_050, "BDT")
