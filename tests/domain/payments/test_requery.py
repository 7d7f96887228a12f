"""The re-query sweep over real HTTP against the fakes: attempts whose browser never came back or whose
IPN was lost are asked about at their provider and settled through the callbacks' code; ones still open
past the cut-off are cancelled as expired; concurrent sweeps move an attempt once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database, utcnow
from domain.errors import DomainError
from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, Provider
from domain.payments.providers import Providers
from domain.payments.requery import RequeryPolicy
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.fake_nagad import FakeNagad
from tests.fixtures.fake_sslcommerz import FakeSslCommerz
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore
from workers.payments import requery_all

POLICY = RequeryPolicy(after=timedelta(minutes=15), expire_after=timedelta(hours=3), batch=50)


def later(minutes: int) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


async def _state(engine: AsyncEngine, attempt: PaymentAttempt) -> dict[str, object]:
    rows = await fetch(
        engine,
        "SELECT a.status, a.captured_amount, a.failure_code, o.payment_status FROM payment_attempts a"
        " JOIN orders o ON o.id = a.order_id WHERE a.id = :i",
        i=attempt.id,
    )
    return dict(rows[0])


async def test_a_completed_bkash_payment_whose_callback_was_lost_is_captured(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("rq")
    await configure(store, Provider.BKASH, fake_bkash.account())
    paid = await start(store, Provider.BKASH, 120_000)
    open_ = await start(store, Provider.BKASH, 50_000)
    fake_bkash.complete(paid.reference or "")
    # Too young to ask about: nothing is asked.
    assert await requery_all(db, providers, POLICY) == {}
    assert fake_bkash.script.calls["payment/status"] == 0
    reports = await requery_all(db, providers, POLICY, clock=lambda: later(20))
    assert reports[store.id].asked == 2 and reports[store.id].moved == {"captured": 1}
    assert await _state(owner_engine, paid) == {
        "status": "captured",
        "captured_amount": 120_000,
        "failure_code": None,
        "payment_status": "paid",
    }
    assert (await _state(owner_engine, open_))["status"] == "pending"
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("payment.captured") == 1 and types.count("order.paid") == 1
    # Asked a minute later: the open one is not asked again before `after` has passed.
    calls = fake_bkash.script.calls["payment/status"]
    assert (await requery_all(db, providers, POLICY, clock=lambda: later(21)))[store.id].asked == 0
    assert fake_bkash.script.calls["payment/status"] == calls
    rows = await fetch(owner_engine, "SELECT outcome, payload FROM payment_callbacks")
    assert [(r["outcome"], r["payload"]["source"]) for r in rows] == [("captured", "requery")]
    # The lost callback arrives after all: bKash is not asked to execute again, nothing moves.
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            params = {"paymentID": paid.reference or "", "status": "success"}
            await handle_callback(uow, Provider.BKASH, paid.id, params, providers=providers)
    assert err.value.code == "INVALID_TRANSITION"
    assert fake_bkash.script.calls["execute"] == 0
    assert [e["type"] for e in await outbox(owner_engine, store.id)].count("payment.captured") == 1


async def test_a_bkash_payment_never_paid_expires_after_the_cut_off(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("rq")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempt = await start(store, Provider.BKASH, 70_000)
    await requery_all(db, providers, POLICY, clock=lambda: later(30))
    assert (await _state(owner_engine, attempt))["status"] == "pending"
    # bKash down at the cut-off: nothing is known, so nothing is expired.
    fake_bkash.script.add("payment/status", Fault(status=503))
    report = (await requery_all(db, providers, POLICY, clock=lambda: later(200)))[store.id]
    assert (report.asked, report.errors) == (1, 1)
    assert (await _state(owner_engine, attempt))["status"] == "pending"
    report = (await requery_all(db, providers, POLICY, clock=lambda: later(230)))[store.id]
    assert report.moved == {"cancelled": 1}
    assert await _state(owner_engine, attempt) == {
        "status": "cancelled",
        "captured_amount": 0,
        "failure_code": "EXPIRED",
        "payment_status": "unpaid",
    }
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.cancelled"]


async def test_sslcommerz_and_nagad_payments_with_lost_notifications_are_settled(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    fake_nagad: FakeNagad,
    start: StartPayment,
    providers: Providers,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("rq")
    await configure(store, Provider.SSLCOMMERZ, fake_sslcommerz.account())
    await configure(store, Provider.NAGAD, fake_nagad.account())
    ssl_paid = await start(store, Provider.SSLCOMMERZ, 300_000)
    ssl_failed = await start(store, Provider.SSLCOMMERZ, 200_000)
    nagad_paid = await start(store, Provider.NAGAD, 150_000)
    nagad_open = await start(store, Provider.NAGAD, 160_000)
    fake_sslcommerz.pay(ssl_paid.reference or "")  # the IPN and the browser's post never reach us
    fake_sslcommerz.pay(ssl_failed.reference or "", status="FAILED")
    fake_nagad.pay(nagad_paid.reference or "")
    report = (await requery_all(db, providers, POLICY, clock=lambda: later(16)))[store.id]
    assert report.asked == 4 and report.moved == {"captured": 2, "failed": 1}
    assert (await _state(owner_engine, ssl_paid))["status"] == "captured"
    assert (await _state(owner_engine, ssl_failed))["failure_code"] == "FAILED"
    assert (await _state(owner_engine, nagad_paid))["status"] == "captured"
    assert (await _state(owner_engine, nagad_open))["status"] == "pending"
    # SSLCommerz confirmed the paid one by its validation API, as a callback would.
    assert fake_sslcommerz.sessions[ssl_paid.reference or ""].validated
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("order.paid") == 2


async def test_concurrent_sweeps_move_each_attempt_once(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    providers: Providers,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("rq")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempts = [await start(store, Provider.BKASH, 10_000 + i) for i in range(4)]
    for attempt in attempts:
        fake_bkash.complete(attempt.reference or "")
    reports = await asyncio.gather(
        *(requery_all(db, providers, POLICY, clock=lambda: later(20)) for _ in range(3))
    )
    assert sum(r[store.id].asked for r in reports if store.id in r) == 4
    assert fake_bkash.script.calls["payment/status"] == 4
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("payment.captured") == 4 and types.count("order.paid") == 4


async def test_cash_on_delivery_attempts_are_left_alone(
    make_store: MakeStore, start: StartPayment, providers: Providers, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store("rq")
    cod = await start(store, Provider.COD, 10_000)
    assert await requery_all(db, providers, POLICY, clock=lambda: later(500)) == {}
    assert (await _state(owner_engine, cod))["status"] == "pending"
