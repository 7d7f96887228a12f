"""The gateway's provider callback routes: the browser's return from bKash, replays, unknown payments."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.payments.models import Provider
from tests.fixtures.database import fetch
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.fake_sslcommerz import FakeSslCommerz
from tests.fixtures.payments import StartPayment, configure, payment_events
from tests.fixtures.provider_server import Fault
from tests.fixtures.tenancy import MakeStore


async def test_bkash_return_captures_and_redirects_to_the_storefront(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    client: httpx.AsyncClient,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("cb")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempt = await start(store, Provider.BKASH, 120_000, return_url="https://shop.example.com/thanks?o=7")
    fake_bkash.approve(attempt.reference or "")
    path = f"/payments/bkash/{store.id}/{attempt.id}/callback"
    query = {
        "paymentID": attempt.reference,
        "status": "success",
        "signature": "s",
        "apiVersion": "1.2.0-beta",
    }
    response = await client.get(path, params=query)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"https://shop.example.com/thanks?o=7&payment=captured&paymentAttempt={attempt.id}"
    )
    assert response.headers["x-request-id"]
    # The shopper reloads the page: the replay is refused, and the page still shows the payment's state.
    again = await client.get(path, params=query)
    assert again.status_code == 303
    assert again.headers["location"].endswith(
        f"payment=captured&paymentAttempt={attempt.id}&error=CALLBACK_REPLAYED"
    )
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    events = await fetch(
        owner_engine,
        "SELECT correlation_id FROM outbox_events WHERE type = 'payment.captured' AND store_id = :s",
        s=store.id,
    )
    assert events[0]["correlation_id"] == response.headers["x-request-id"]


async def test_without_a_return_url_the_answer_is_json(
    make_store: MakeStore, fake_bkash: FakeBkash, start: StartPayment, client: httpx.AsyncClient
) -> None:
    store = await make_store("cb")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempt = await start(store, Provider.BKASH)
    path = f"/payments/bkash/{store.id}/{attempt.id}/callback"
    response = await client.get(path, params={"paymentID": "TR001FORGED", "status": "success"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SIGNATURE_INVALID"
    cancelled = await client.get(path, params={"paymentID": attempt.reference, "status": "cancel"})
    assert cancelled.status_code == 200
    assert cancelled.json() == {"paymentId": str(attempt.id), "status": "cancelled"}


async def test_unknown_payments_stores_and_providers_are_not_found(
    make_store: MakeStore, fake_bkash: FakeBkash, start: StartPayment, client: httpx.AsyncClient
) -> None:
    store, other = await make_store("cb"), await make_store("other")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempt = await start(store, Provider.BKASH)
    params = {"paymentID": attempt.reference, "status": "success"}
    for path in (
        f"/payments/bkash/{other.id}/{attempt.id}/callback",  # another store's URL
        f"/payments/bkash/{store.id}/{uuid.uuid4()}/callback",
        f"/payments/paypal/{store.id}/{attempt.id}/callback",
        f"/payments/bkash/not-a-store/{attempt.id}/callback",
        f"/payments/nagad/{store.id}/{attempt.id}/callback",  # the attempt is bKash's
    ):
        response = await client.get(path, params=params)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert fake_bkash.script.calls["execute"] == 0


async def test_bkash_unavailable_is_a_502_and_the_payment_stays_pending(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    start: StartPayment,
    client: httpx.AsyncClient,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("cb")
    await configure(store, Provider.BKASH, fake_bkash.account())
    attempt = await start(store, Provider.BKASH)
    fake_bkash.approve(attempt.reference or "")
    fake_bkash.script.add("execute", Fault(status=503))
    fake_bkash.script.add("payment/status", Fault(status=500))
    response = await client.get(
        f"/payments/bkash/{store.id}/{attempt.id}/callback",
        params={"paymentID": attempt.reference, "status": "success"},
    )
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "PROVIDER_UNAVAILABLE"
    rows = await fetch(owner_engine, "SELECT status FROM payment_attempts WHERE id = :i", i=attempt.id)
    assert rows[0]["status"] == "pending"


async def test_sslcommerz_ipn_form_post_captures_and_the_browser_post_is_a_replay(
    make_store: MakeStore,
    fake_sslcommerz: FakeSslCommerz,
    start: StartPayment,
    client: httpx.AsyncClient,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("ipn")
    await configure(store, Provider.SSLCOMMERZ, fake_sslcommerz.account())
    attempt = await start(store, Provider.SSLCOMMERZ, 300_000, return_url="https://shop.example.com/done")
    posted = fake_sslcommerz.pay(attempt.reference or "")
    ipn = await client.post(f"/payments/sslcommerz/{store.id}/{attempt.id}/ipn", data=posted)
    assert ipn.status_code == 200
    assert ipn.json() == {"paymentId": str(attempt.id), "status": "captured"}
    browser = await client.post(f"/payments/sslcommerz/{store.id}/{attempt.id}/callback", data=posted)
    assert browser.status_code == 303
    assert "payment=captured" in browser.headers["location"]
    assert await payment_events(owner_engine, store) == ["payment.started", "payment.captured"]
    tampered = await client.post(
        f"/payments/sslcommerz/{store.id}/{attempt.id}/ipn", data={**posted, "status": "FAILED"}
    )
    assert tampered.status_code == 400
    assert tampered.json()["error"]["code"] == "SIGNATURE_INVALID"
    json_body = await client.post(f"/payments/sslcommerz/{store.id}/{attempt.id}/ipn", json=posted)
    assert json_body.status_code == 400
