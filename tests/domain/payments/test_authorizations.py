"""Capture and void of authorized payments: bKash with intent "authorization" over HTTP against its fake;
providers whose protocol has neither answer NOT_SUPPORTED and change nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.payments.authorizations import capture_payment, void_payment
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider
from domain.payments.providers import Providers
from resolvers.ids import encode_global_id
from tests.fixtures.database import fetch
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.fake_card import FakeCard
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

VOID = """
mutation Void($id: ID!) {
  paymentVoid(paymentId: $id) { payment { id status failureCode } errors { field code message } }
}"""


async def _authorized(
    store: StoreFixture, fake: FakeBkash, start: StartPayment, providers: Providers, amount: int
) -> PaymentAttempt:
    attempt = await start(store, Provider.BKASH, amount)
    fake.approve(attempt.reference or "")
    async with store.uow() as uow:
        params = {"paymentID": attempt.reference or "", "status": "success"}
        return await handle_callback(uow, Provider.BKASH, attempt.id, params, providers=providers)


async def _order_payment(engine: AsyncEngine, attempt: PaymentAttempt) -> object:
    rows = await fetch(engine, "SELECT payment_status FROM orders WHERE id = :i", i=attempt.order_id)
    return rows[0]["payment_status"]


async def test_bkash_authorizations_are_captured_or_voided_once(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("auth")
    await configure(store, Provider.BKASH, fake_bkash.account(intent="authorization"))
    held = await _authorized(store, fake_bkash, start, providers, 90_000)
    assert held.status is PaymentStatus.AUTHORIZED and held.captured_amount == 0
    assert await _order_payment(owner_engine, held) == "authorized"
    # bKash does not answer the capture and its query still says Authorized: nothing moves, retry.
    fake_bkash.script.add("payment/confirm/capture", Fault(status=503))
    async with store.uow() as uow:
        with pytest.raises(DomainError) as down:
            await capture_payment(uow, held.id, providers=providers)
    assert down.value.code == "PROVIDER_UNAVAILABLE"
    assert await _order_payment(owner_engine, held) == "authorized"
    async with store.uow() as uow:
        captured = await capture_payment(uow, held.id, providers=providers)
    assert (captured.status, captured.captured_amount) == (PaymentStatus.CAPTURED, 90_000)
    assert fake_bkash.payments[held.reference or ""].status == "Completed"
    assert await _order_payment(owner_engine, held) == "paid"
    async with store.uow() as uow:
        with pytest.raises(DomainError) as again:
            await capture_payment(uow, held.id, providers=providers)
    assert again.value.code == "INVALID_TRANSITION"
    other = await _authorized(store, fake_bkash, start, providers, 40_000)
    async with store.uow() as uow:
        voided = await void_payment(uow, other.id, providers=providers)
    assert (voided.status, voided.failure_code) == (PaymentStatus.CANCELLED, "VOIDED")
    assert fake_bkash.payments[other.reference or ""].status == "Cancelled"
    assert await _order_payment(owner_engine, other) == "unpaid"
    assert await payment_events(owner_engine, store) == [
        "payment.started",
        "payment.authorized",
        "payment.captured",
        "payment.started",
        "payment.authorized",
        "payment.cancelled",
    ]


async def test_a_bkash_decline_of_the_capture_changes_nothing(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("auth")
    await configure(store, Provider.BKASH, fake_bkash.account(intent="authorization"))
    held = await _authorized(store, fake_bkash, start, providers, 90_000)
    fake_bkash.script.add(
        "payment/confirm/capture", Fault(status=200, body={"statusCode": "2023", "statusMessage": "no"})
    )
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await capture_payment(uow, held.id, providers=providers)
    assert err.value.code == "PROVIDER_DECLINED"
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE id = :i", i=held.id)
    assert rows[0]["status"] == "authorized"
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.authorized"]


async def test_card_authorizations_answer_not_supported_and_pending_ones_cannot_be_voided(
    make_store: MakeStore,
    fake_card: FakeCard,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    owner_engine: AsyncEngine,
    client: httpx.AsyncClient,
) -> None:
    store = await make_store("auth")
    await configure(store, Provider.CARD, fake_card.account())
    attempt = await start(store, Provider.CARD, 50_000)
    async with store.uow() as uow:
        held = await handle_callback(
            uow,
            Provider.CARD,
            attempt.id,
            fake_card.pay(attempt.reference or "", "authorized"),
            providers=providers,
        )
    assert held.status is PaymentStatus.AUTHORIZED
    for operation in (capture_payment, void_payment):
        async with store.uow() as uow:
            with pytest.raises(DomainError) as err:
                await operation(uow, held.id, providers=providers)
        assert (err.value.code, err.value.field) == ("NOT_SUPPORTED", "paymentId")
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE id = :i", i=held.id)
    assert rows[0]["status"] == "authorized"
    # Over GraphQL: NOT_SUPPORTED for the card; a pending bKash payment is not voidable.
    res = await gql(
        client,
        store.admin,
        VOID,
        {"id": encode_global_id("PaymentAttempt", held.id)},
        headers={"idempotency-key": "v1"},
    )
    assert [e["code"] for e in res.json()["data"]["paymentVoid"]["errors"]] == ["NOT_SUPPORTED"]
    await configure(store, Provider.BKASH, fake_bkash.account(intent="authorization"))
    pending = await start(store, Provider.BKASH, 10_000)
    res = await gql(
        client,
        store.admin,
        VOID,
        {"id": encode_global_id("PaymentAttempt", pending.id)},
        headers={"idempotency-key": "v2"},
    )
    assert [e["code"] for e in res.json()["data"]["paymentVoid"]["errors"]] == ["INVALID_TRANSITION"]
    assert fake_bkash.script.calls["payment/confirm/void"] == 0
