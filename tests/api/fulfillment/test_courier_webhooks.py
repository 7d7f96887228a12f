"""Courier webhooks through the gateway's route: each courier's proof, Pathao's handshake, normalised
statuses, and replays that change nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.fulfillment.couriers.base import CourierProvider
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.database import count, fetch, outbox, statements
from tests.fixtures.tenancy import MakeStore, StoreFixture

SECRET = "whk-secret-0123456789abcdef"
INTEGRATION = "f3992ecc-59da-4cbe-a049-a13da2018d51"

PATHAO_DELIVERED = {
    "consignment_id": "DL000001PT",
    "merchant_order_id": "SC-1001-1",
    "updated_at": "2026-11-28 15:10:00",
    "timestamp": "2026-11-28T09:10:02+00:00",
    "store_id": 7001,
    "event": "order.delivered",
    "delivery_fee": 60,
    "collected_amount": 1250,
}


def url(provider: str, store: StoreFixture | str) -> str:
    store_id = store if isinstance(store, str) else str(store.id)
    return f"/couriers/{provider}/webhook/{store_id}"


async def post(
    client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post(
        path, content=raw, headers={"content-type": "application/json", **(headers or {})}
    )


async def events_of(owner_engine: AsyncEngine, store: StoreFixture) -> list[str]:
    return [e["type"] for e in await outbox(owner_engine, store.id) if e["type"].startswith("shipment.")]


async def test_pathao_handshake_is_answered_with_its_header(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)

    signed = await post(
        client, url("pathao", store), {"event": "webhook_integration"}, {"X-PATHAO-Signature": SECRET}
    )
    unsigned = await post(client, url("pathao", store), {"event": "webhook_integration"})
    wrong = await post(
        client, url("pathao", store), {"event": "webhook_integration"}, {"X-PATHAO-Signature": "x"}
    )

    for response in (signed, unsigned):
        assert response.status_code == 202
        assert response.headers["X-Pathao-Merchant-Webhook-Integration-Secret"] == INTEGRATION
    assert wrong.status_code == 401
    assert "x-pathao-merchant-webhook-integration-secret" not in wrong.headers
    assert await count(owner_engine, "tracking_events") == 0
    assert await events_of(owner_engine, store) == []


async def test_a_signed_pathao_report_is_stored_normalised_once(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)
    headers = {"X-PATHAO-Signature": SECRET, "X-Request-ID": "req-pathao-1"}

    first = await post(client, url("pathao", store), PATHAO_DELIVERED, headers)
    # Pathao retries with a new send time: the same report all the same.
    again = await post(
        client, url("pathao", store), {**PATHAO_DELIVERED, "timestamp": "2026-11-28T09:11:00+00:00"}, headers
    )

    assert first.status_code == 202 and first.json()["status"] == "accepted"
    assert first.headers["X-Pathao-Merchant-Webhook-Integration-Secret"] == INTEGRATION
    assert again.status_code == 202 and again.json()["status"] == "duplicate"
    rows = await fetch(owner_engine, "SELECT * FROM tracking_events WHERE store_id = :s", s=store.id)
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "delivered"
    assert row["raw_status"] == "order.delivered"
    assert row["consignment_id"] == "DL000001PT"
    assert row["reference"] == "SC-1001-1"
    assert row["collected_amount"] == 125000 and row["delivery_fee"] == 6000 and row["currency"] == "BDT"
    assert row["occurred_at"].isoformat() == "2026-11-28T09:10:00+00:00"  # 15:10 in Dhaka
    events = [e for e in await outbox(owner_engine, store.id) if e["type"] == "shipment.tracking_updated"]
    assert len(events) == 1
    assert events[0]["correlation_id"] == "req-pathao-1"
    assert events[0]["data"]["status"] == "delivered"
    assert events[0]["data"]["tracking_event_id"] == str(row["id"])


async def test_pathao_reports_without_the_secret_change_nothing(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)

    missing = await post(client, url("pathao", store), PATHAO_DELIVERED)
    wrong = await post(client, url("pathao", store), PATHAO_DELIVERED, {"X-PATHAO-Signature": SECRET + "x"})

    assert missing.status_code == 401 and wrong.status_code == 401
    assert await count(owner_engine, "tracking_events") == 0
    assert await events_of(owner_engine, store) == []


async def test_steadfast_needs_its_bearer_token(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET)
    report = {
        "notification_type": "delivery_status",
        "consignment_id": 1001,
        "invoice": "SC-2001-1",
        "cod_amount": 999.5,
        "status": "Partial_Delivered",
        "delivery_charge": 100,
        "tracking_message": "Customer took one of two items",
        "updated_at": "2026-11-28 16:00:00",
    }

    refused = [
        await post(client, url("steadfast", store), report),
        await post(client, url("steadfast", store), report, {"Authorization": "Bearer wrong"}),
        await post(client, url("steadfast", store), report, {"Authorization": SECRET}),
    ]
    accepted = await post(client, url("steadfast", store), report, {"Authorization": f"Bearer {SECRET}"})

    assert [r.status_code for r in refused] == [401, 401, 401]
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    (row,) = await fetch(owner_engine, "SELECT * FROM tracking_events WHERE store_id = :s", s=store.id)
    assert row["status"] == "partially_delivered" and row["raw_status"] == "partial_delivered"
    assert row["collected_amount"] == 99950
    assert row["message"] == "Customer took one of two items"


async def test_steadfast_tracking_notes_are_kept_without_a_status(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET)
    note = {
        "notification_type": "tracking_update",
        "consignment_id": 1001,
        "invoice": "SC-2001-1",
        "tracking_message": "Reached Chattogram hub",
        "updated_at": "2026-11-28 12:00:00",
    }

    response = await post(client, url("steadfast", store), note, {"Authorization": f"Bearer {SECRET}"})

    assert response.status_code == 200
    (row,) = await fetch(
        owner_engine, "SELECT status, message FROM tracking_events WHERE store_id = :s", s=store.id
    )
    assert row["status"] == "unknown" and row["message"] == "Reached Chattogram hub"


async def test_redx_secret_rides_in_the_query(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET)
    report = {
        "tracking_number": "21A001RX",
        "timestamp": "2026-11-28T10:00:00.000Z",
        "status": "agent-returning",
        "message_en": "Customer refused the parcel",
        "message_bn": "গ্রাহক পার্সেল নেননি",
        "invoice_number": "SC-3001-1",
    }

    wrong = await post(client, url("redx", store) + "?token=nope", report)
    missing = await post(client, url("redx", store), report)
    ok = await post(client, url("redx", store) + f"?token={SECRET}", report)

    assert (wrong.status_code, missing.status_code, ok.status_code) == (401, 401, 200)
    (row,) = await fetch(owner_engine, "SELECT * FROM tracking_events WHERE store_id = :s", s=store.id)
    assert row["status"] == "returning" and row["raw_status"] == "agent-returning"
    assert row["collected_amount"] is None


async def test_unknown_couriers_stores_and_accounts_look_alike(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    await make_courier_account(a, CourierProvider.PATHAO, secret=SECRET)
    await make_courier_account(b, CourierProvider.REDX, secret=SECRET, active=False)
    signed = {"X-PATHAO-Signature": SECRET}

    answers = [
        await post(client, url("dhl", a), PATHAO_DELIVERED, signed),
        await post(client, url("pathao", "not-a-uuid"), PATHAO_DELIVERED, signed),
        await post(client, url("pathao", str(uuid.uuid4())), PATHAO_DELIVERED, signed),
        await post(client, url("pathao", b), PATHAO_DELIVERED, signed),  # b has no Pathao account
        await post(
            client, url("redx", b) + f"?token={SECRET}", {"tracking_number": "x", "status": "delivered"}
        ),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404, 404]
    assert len({r.text for r in answers}) == 1
    assert await count(owner_engine, "tracking_events") == 0


async def test_another_stores_secret_does_not_open_this_store(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    await make_courier_account(a, CourierProvider.PATHAO, secret=SECRET)
    await make_courier_account(b, CourierProvider.PATHAO, secret="another-secret-0123456789")

    response = await post(
        client, url("pathao", a), PATHAO_DELIVERED, {"X-PATHAO-Signature": "another-secret-0123456789"}
    )

    assert response.status_code == 401
    assert await count(owner_engine, "tracking_events") == 0


async def test_bodies_that_are_not_reports_are_refused(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)
    signed = {"X-PATHAO-Signature": SECRET}

    answers = [
        await post(client, url("pathao", store), b"{not json", signed),
        await post(client, url("pathao", store), [1, 2], signed),
        await post(client, url("pathao", store), {"event": "order.delivered"}, signed),
        await post(client, url("pathao", store), {"consignment_id": "DL1"}, signed),
        await post(client, url("pathao", store), b"x" * (70 * 1024), signed),
    ]

    assert [r.status_code for r in answers] == [400, 400, 400, 400, 413]
    assert await count(owner_engine, "tracking_events") == 0
    assert await events_of(owner_engine, store) == []


async def test_unknown_status_words_are_kept_as_unknown(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)

    response = await post(
        client,
        url("pathao", store),
        {**PATHAO_DELIVERED, "event": "order.teleported"},
        {"X-PATHAO-Signature": SECRET},
    )

    assert response.status_code == 202
    (row,) = await fetch(owner_engine, "SELECT status, raw_status, collected_amount FROM tracking_events")
    assert (row["status"], row["raw_status"], row["collected_amount"]) == (
        "unknown",
        "order.teleported",
        None,
    )


async def test_concurrent_replays_store_one_report(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)

    answers = await asyncio.gather(
        *(
            post(client, url("pathao", store), PATHAO_DELIVERED, {"X-PATHAO-Signature": SECRET})
            for _ in range(12)
        )
    )

    assert all(r.status_code == 202 for r in answers)
    assert sorted(r.json()["status"] for r in answers) == ["accepted"] + ["duplicate"] * 11
    assert await count(owner_engine, "tracking_events", store.id) == 1
    assert len(await events_of(owner_engine, store)) == 1


async def test_a_report_costs_a_fixed_number_of_statements(
    client: httpx.AsyncClient,
    app: Any,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET)
    engine = app.state.gateway.db.primary
    signed = {"X-PATHAO-Signature": SECRET}
    await post(client, url("pathao", store), {"event": "webhook_integration"})  # warm the pool

    with statements(engine) as accepted:
        await post(client, url("pathao", store), PATHAO_DELIVERED, signed)
    with statements(engine) as duplicate:
        await post(client, url("pathao", store), PATHAO_DELIVERED, signed)

    # set scope, account + store, insert the report, look for its shipment, insert its outbox event
    assert len([s for s in accepted if not s.startswith(("BEGIN", "COMMIT"))]) == 5, accepted
    # set scope, account + store, the insert that found the report already there
    assert len([s for s in duplicate if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]) == 3, duplicate
