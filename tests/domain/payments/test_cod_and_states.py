"""Cash on delivery (captured by the courier's collection report) and the attempt state machine."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.money import Money
from domain.payments import state
from domain.payments.models import PaymentStatus, Provider
from domain.payments.services import capture_cod
from tests.fixtures.database import fetch
from tests.fixtures.payments import StartPayment, payment_events
from tests.fixtures.tenancy import MakeStore, StoreFixture

S = PaymentStatus


def test_the_state_machine_allows_only_its_transitions() -> None:
    assert state.sources(S.CAPTURED) == {S.PENDING, S.AUTHORIZED}
    assert state.sources(S.REFUNDED) == {S.CAPTURED}
    for terminal in (S.FAILED, S.CANCELLED, S.REFUNDED):
        for target in S:
            with pytest.raises(DomainError) as err:
                state.check(terminal, target)
            assert err.value.code == "INVALID_TRANSITION"
    state.check(S.PENDING, S.AUTHORIZED)
    with pytest.raises(DomainError):
        state.check(S.CAPTURED, S.PENDING)


async def _capture(
    store: StoreFixture, order_id: uuid.UUID, amount: int, currency: str = "BDT"
) -> PaymentStatus:
    async with store.uow() as uow:
        attempt = await capture_cod(uow, order_id, Money(amount, currency))
        await uow.commit()
        return attempt.status


async def test_cod_starts_pending_without_a_redirect_and_captures_on_collection(
    make_store: MakeStore, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await make_store("cod")
    attempt = await start(store, Provider.COD, 99_000)
    assert (attempt.status, attempt.redirect_url, attempt.reference) == (S.PENDING, None, None)
    assert await _capture(store, attempt.order_id, 99_000) is S.CAPTURED
    rows = await fetch(
        owner_engine, "SELECT status, captured_amount FROM payment_attempts WHERE id = :i", i=attempt.id
    )
    assert dict(rows[0]) == {"status": "captured", "captured_amount": 99_000}
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    # A second collection report for the same order finds nothing left to capture.
    with pytest.raises(DomainError) as err:
        await _capture(store, attempt.order_id, 99_000)
    assert err.value.code == "NOT_FOUND"


@pytest.mark.parametrize(
    ("amount", "currency", "code"), [(98_000, "BDT", "AMOUNT_MISMATCH"), (99_000, "USD", "CURRENCY_MISMATCH")]
)
async def test_cod_collection_must_match_the_amount_due(
    make_store: MakeStore,
    start: StartPayment,
    owner_engine: AsyncEngine,
    amount: int,
    currency: str,
    code: str,
) -> None:
    store = await make_store("cod")
    attempt = await start(store, Provider.COD, 99_000)
    with pytest.raises(DomainError) as err:
        await _capture(store, attempt.order_id, amount, currency)
    assert err.value.code == code
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE id = :i", i=attempt.id)
    assert rows[0]["status"] == "pending"
    assert await payment_events(owner_engine, store) == ["payment.started"]


async def test_concurrent_collection_reports_capture_once(
    make_store: MakeStore, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await make_store("cod")
    attempt = await start(store, Provider.COD, 50_000)
    results = await asyncio.gather(
        *(_capture(store, attempt.order_id, 50_000) for _ in range(6)), return_exceptions=True
    )
    assert [r for r in results if r is S.CAPTURED] == [S.CAPTURED]
    assert all(isinstance(r, DomainError) for r in results if r is not S.CAPTURED)
    assert (await payment_events(owner_engine, store)).count("payment.captured") == 1


async def test_invalid_start_input_changes_nothing(
    make_store: MakeStore, start: StartPayment, owner_engine: AsyncEngine
) -> None:
    store = await make_store("cod")
    with pytest.raises(DomainError) as err:
        await start(store, Provider.COD, 0)
    assert (err.value.code, err.value.field) == ("INVALID", "amount")
    with pytest.raises(DomainError) as bad_url:
        await start(store, Provider.COD, 100, return_url="javascript:alert(1)")
    assert (bad_url.value.code, bad_url.value.field) == ("INVALID", "returnUrl")
    assert await payment_events(owner_engine, store) == []


async def test_a_store_cannot_capture_another_stores_payment(
    make_store: MakeStore, start: StartPayment
) -> None:
    a, b = await make_store("a"), await make_store("b")
    attempt = await start(a, Provider.COD, 10_000)
    with pytest.raises(DomainError) as err:
        await _capture(b, attempt.order_id, 10_000)
    assert err.value.code == "NOT_FOUND"
