"""Payments over GraphQL: the storefront's persisted paymentStart, admin refundCreate and paymentCapture
under idempotency keys, an order's payments, permissions."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.payments.callbacks import handle_callback
from domain.payments.models import PaymentAttempt, Provider
from domain.payments.providers import Providers
from gateway.settings import Settings
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import persisted
from tests.fixtures.database import count, fetch, outbox, statements
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.payments import allow_origins, configure, make_order, order_access
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

REFUND = """
mutation Refund($id: ID!, $amount: Int!, $key: String) {
  refundCreate(paymentId: $id, amount: $amount, reason: "damaged", idempotencyKey: $key) {
    refund { id paymentId amount { amount currency } status providerRefundId }
    errors { field code message }
  }
}"""
CAPTURE = """
mutation Capture($id: ID!) {
  paymentCapture(paymentId: $id) { payment { id status captured { amount } } errors { field code message } }
}"""
PAYMENTS = """
query Payments($order: ID!) {
  orderPayments(orderId: $order) {
    attempts { id provider status amount { amount currency } captured { amount } refunded { amount } }
    refunds { id amount { amount } status reason }
  }
}"""


async def _bkash_paid(
    store: StoreFixture,
    fake: FakeBkash,
    client: httpx.AsyncClient,
    providers: Providers,
    settings: Settings,
) -> tuple[str, str]:
    """Order global id and PaymentAttempt global id of an order paid by bKash, started by the storefront."""
    await configure(store, Provider.BKASH, fake.account())
    await allow_origins(store, "https://shop.example.com")
    order_id = await make_order(store, 120_000, payment_method="bkash")
    order_gid = encode_global_id("Order", order_id)
    data = await persisted(
        client,
        store.storefront,
        "PaymentStart",
        {
            "orderId": order_gid,
            "provider": "BKASH",
            "returnUrl": "https://shop.example.com/done",
            "orderAccessToken": await order_access(store, order_id, settings),
        },
    )
    payload = data["paymentStart"]
    assert payload["errors"] == []
    payment = payload["payment"]
    assert payment["status"] == "PENDING"
    assert payment["amount"] == {"amount": 120_000, "currency": "BDT"}
    assert payment["redirectUrl"].startswith(f"{fake.base}/checkout?paymentId=")
    payment_id = payment["redirectUrl"].split("=", 1)[1]
    fake.approve(payment_id)
    rows = await fetch_attempt(store, payment_id)
    async with store.uow() as uow:
        await handle_callback(
            uow, Provider.BKASH, rows, {"paymentID": payment_id, "status": "success"}, providers=providers
        )
    return order_gid, payment["id"]


async def fetch_attempt(store: StoreFixture, reference: str) -> Any:
    async with store.uow() as uow:
        return (
            await uow.session.scalars(select(PaymentAttempt.id).where(PaymentAttempt.reference == reference))
        ).one()


async def test_storefront_start_then_admin_refunds_with_a_key(
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    client: httpx.AsyncClient,
    providers: Providers,
    owner_engine: AsyncEngine,
    settings: Settings,
) -> None:
    store = await make_store("api")
    order_gid, payment_gid = await _bkash_paid(store, fake_bkash, client, providers, settings)
    first = await gql(
        client, store.admin, REFUND, {"id": payment_gid, "amount": 20_000}, headers={"idempotency-key": "k-1"}
    )
    refund = first.json()["data"]["refundCreate"]
    assert refund["errors"] == []
    assert refund["refund"]["status"] == "SUCCEEDED"
    assert refund["refund"]["amount"] == {"amount": 20_000, "currency": "BDT"}
    # The same key again: the same refund, nothing new at bKash or in the outbox.
    events = len(await outbox(owner_engine, store.id))
    again = await gql(
        client, store.admin, REFUND, {"id": payment_gid, "amount": 20_000}, headers={"idempotency-key": "k-1"}
    )
    assert again.json()["data"]["refundCreate"]["refund"]["id"] == refund["refund"]["id"]
    assert len(fake_bkash.payments[next(iter(fake_bkash.payments))].refunds) == 1
    assert len(await outbox(owner_engine, store.id)) == events
    # The same key with another amount: 422 and IDEMPOTENCY_KEY_REUSED.
    reused = await gql(
        client, store.admin, REFUND, {"id": payment_gid, "amount": 1}, headers={"idempotency-key": "k-1"}
    )
    assert reused.status_code == 422
    assert [e["code"] for e in reused.json()["data"]["refundCreate"]["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    # The key as an argument works too; more than is left is refused and changes nothing.
    over = await gql(client, store.admin, REFUND, {"id": payment_gid, "amount": 100_001, "key": "k-2"})
    assert over.json()["data"]["refundCreate"]["errors"][0]["code"] == "REFUND_EXCEEDS_CAPTURED"
    assert len(await outbox(owner_engine, store.id)) == events
    # No key at all.
    missing = await gql(client, store.admin, REFUND, {"id": payment_gid, "amount": 1})
    assert missing.json()["data"]["refundCreate"]["errors"] == [
        {
            "field": "idempotencyKey",
            "code": "REQUIRED",
            "message": "an Idempotency-Key header or idempotencyKey argument is required",
        }
    ]
    listed = (await gql(client, store.admin, PAYMENTS, {"order": order_gid})).json()["data"]["orderPayments"]
    assert [(a["status"], a["captured"]["amount"], a["refunded"]["amount"]) for a in listed["attempts"]] == [
        ("CAPTURED", 120_000, 20_000)
    ]
    assert [(r["amount"]["amount"], r["status"], r["reason"]) for r in listed["refunds"]] == [
        (20_000, "SUCCEEDED", "damaged")
    ]
    order = await fetch(owner_engine, "SELECT payment_status FROM orders WHERE store_id = :s", s=store.id)
    assert order[0]["payment_status"] == "partially_refunded"


async def test_admin_records_cod_cash_once(
    make_store: MakeStore, client: httpx.AsyncClient, owner_engine: AsyncEngine, settings: Settings
) -> None:
    store = await make_store("api")
    order_id = await make_order(store, 30_000, payment_method="cod")
    started = await persisted(
        client,
        store.storefront,
        "PaymentStart",
        {
            "orderId": encode_global_id("Order", order_id),
            "provider": "COD",
            "orderAccessToken": await order_access(store, order_id, settings),
        },
    )
    payment = started["paymentStart"]["payment"]
    assert payment["redirectUrl"] is None
    for _ in range(2):
        res = await gql(
            client, store.admin, CAPTURE, {"id": payment["id"]}, headers={"idempotency-key": "cash-1"}
        )
        assert res.json()["data"]["paymentCapture"]["payment"]["status"] == "CAPTURED"
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("payment.captured") == 1
    assert types.count("order.paid") == 1


async def test_bad_input_and_permissions(
    make_store: MakeStore, client: httpx.AsyncClient, owner_engine: AsyncEngine
) -> None:
    store, other = await make_store("api"), await make_store("other")
    order_id = await make_order(other, 30_000)
    # Another store's order is not found; so is a malformed id.
    for order_gid in (encode_global_id("Order", order_id), "bm9wZQ=="):
        data = await persisted(
            client, store.storefront, "PaymentStart", {"orderId": order_gid, "provider": "COD"}
        )
        assert [e["code"] for e in data["paymentStart"]["errors"]] == ["NOT_FOUND"]
    # bKash not set up for the store.
    own = encode_global_id("Order", await make_order(store, 30_000))
    data = await persisted(client, store.storefront, "PaymentStart", {"orderId": own, "provider": "BKASH"})
    assert [e["code"] for e in data["paymentStart"]["errors"]] == ["PROVIDER_NOT_CONFIGURED"]
    assert await count(owner_engine, "payment_attempts") == 0
    # A storefront token cannot refund or read payments.
    res = await gql(client, store.storefront, REFUND, {"id": "x", "amount": 1, "key": "k"})
    assert res.status_code == 400  # raw documents from storefront tokens are refused outright
    # Nothing was written for the refused starts.
    empty = await gql(client, store.admin, PAYMENTS, {"order": own})
    assert empty.json()["data"]["orderPayments"] == {"attempts": [], "refunds": []}
    cross = await gql(client, store.admin, PAYMENTS, {"order": encode_global_id("Order", order_id)})
    assert cross.json()["data"]["orderPayments"] == {"attempts": [], "refunds": []}


async def test_order_payments_reads_in_a_fixed_number_of_statements(
    make_store: MakeStore, client: httpx.AsyncClient, app: Any, settings: Settings
) -> None:
    store = await make_store("api")
    order_id = await make_order(store, 30_000, payment_method="cod")
    token = await order_access(store, order_id, settings)
    for _ in range(3):
        await persisted(
            client,
            store.storefront,
            "PaymentStart",
            {"orderId": encode_global_id("Order", order_id), "provider": "COD", "orderAccessToken": token},
        )
    state = app.state.gateway
    with statements(state.db.primary, state.db.replica) as seen:
        res = await gql(client, store.admin, PAYMENTS, {"order": encode_global_id("Order", order_id)})
    assert len(res.json()["data"]["orderPayments"]["attempts"]) == 3
    payment_sql = [s for s in seen if "payment_attempts" in s or "refunds" in s]
    assert len(payment_sql) == 2
