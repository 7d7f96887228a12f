"""The Pathao adapter against a local fake of Pathao's API over real HTTP: tokens (issue, reuse, refresh,
re-issue after a revocation), orders, validation errors, 5xx, timeouts, connection failures."""

from __future__ import annotations

import httpx
import pytest

from domain.fulfillment.couriers.base import ConsignmentRequest, CourierError, FailureKind
from domain.fulfillment.couriers.pathao import MemoryTokens, PathaoAdapter, PathaoConfig
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.money import Money
from tests.fixtures.couriers import FakePathao, Scripted, closed_port_url
from tests.fixtures.webhooks import ManualClock

ORDERS = "/aladdin/api/v1/orders"


def config(fake: FakePathao, **overrides: object) -> PathaoConfig:
    values: dict[str, object] = {
        "base_url": fake.base,
        "client_id": FakePathao.CLIENT_ID,
        "client_secret": FakePathao.CLIENT_SECRET,
        "username": FakePathao.USERNAME,
        "password": FakePathao.PASSWORD,
        "store_id": FakePathao.STORE_ID,
        "timeout_seconds": 2.0,
        **overrides,
    }
    return PathaoConfig(**values)  # type: ignore[arg-type]


def parcel(reference: str = "SC-1001-1", cod: int = 125000, **overrides: object) -> ConsignmentRequest:
    values: dict[str, object] = {
        "reference": reference,
        "recipient_name": "Rahim Uddin",
        "recipient_phone": "+8801712345678",
        "recipient_address": "House 12, Road 5, Dhanmondi, Dhaka",
        "cod": Money(cod, "BDT"),
        "weight_grams": 1500,
        "item_count": 2,
        **overrides,
    }
    return ConsignmentRequest(**values)  # type: ignore[arg-type]


@pytest.fixture
def adapter(fake_pathao: FakePathao, courier_http: httpx.AsyncClient, clock: ManualClock) -> PathaoAdapter:
    return PathaoAdapter(config(fake_pathao), courier_http, MemoryTokens(), clock=clock)


async def test_creates_an_order_with_a_password_grant_token(
    adapter: PathaoAdapter, fake_pathao: FakePathao
) -> None:
    consignment = await adapter.create_consignment(parcel())

    assert consignment.consignment_id in fake_pathao.orders
    assert consignment.status is TrackingStatus.PENDING
    assert consignment.raw_status == "Pending"
    assert consignment.fee == Money(6000, "BDT")
    assert fake_pathao.grants == ["password"]
    sent = fake_pathao.at("/orders")[0]
    assert sent.headers["authorization"] == "Bearer pathao-access-1"
    assert sent.json["recipient_phone"] == "01712345678"
    assert sent.json["amount_to_collect"] == 1250
    assert sent.json["item_weight"] == 1.5
    assert sent.json["merchant_order_id"] == "SC-1001-1"
    assert sent.json["store_id"] == FakePathao.STORE_ID


async def test_a_live_token_is_reused(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    await adapter.create_consignment(parcel("SC-1"))
    await adapter.create_consignment(parcel("SC-2"))

    assert fake_pathao.grants == ["password"]
    assert [c.headers["authorization"] for c in fake_pathao.at("/orders")] == ["Bearer pathao-access-1"] * 2


async def test_an_expiring_token_is_refreshed_first(
    adapter: PathaoAdapter, fake_pathao: FakePathao, clock: ManualClock
) -> None:
    await adapter.create_consignment(parcel("SC-1"))
    clock.advance(3600 - 30)  # inside the margin: refresh before sending

    await adapter.create_consignment(parcel("SC-2"))

    assert fake_pathao.grants == ["password", "refresh_token"]
    assert fake_pathao.at("/issue-token")[1].json["refresh_token"] == "pathao-refresh-1"
    assert fake_pathao.at("/orders")[1].headers["authorization"] == "Bearer pathao-access-2"


async def test_a_refused_refresh_falls_back_to_the_password_grant(
    adapter: PathaoAdapter, fake_pathao: FakePathao, clock: ManualClock
) -> None:
    await adapter.create_consignment(parcel("SC-1"))
    fake_pathao.refresh.clear()
    clock.advance(7200)

    await adapter.create_consignment(parcel("SC-2"))

    assert fake_pathao.grants == ["password", "password"]


async def test_a_revoked_token_is_replaced_and_the_call_retried_once(
    adapter: PathaoAdapter, fake_pathao: FakePathao
) -> None:
    await adapter.create_consignment(parcel("SC-1"))
    fake_pathao.revoke_tokens()

    consignment = await adapter.create_consignment(parcel("SC-2"))

    assert consignment.consignment_id in fake_pathao.orders
    assert fake_pathao.grants == ["password", "password"]
    assert [c.headers["authorization"] for c in fake_pathao.at("/orders")] == [
        "Bearer pathao-access-1",
        "Bearer pathao-access-1",
        "Bearer pathao-access-2",
    ]


async def test_wrong_credentials_are_an_auth_failure(
    fake_pathao: FakePathao, courier_http: httpx.AsyncClient
) -> None:
    adapter = PathaoAdapter(config(fake_pathao, password="wrong"), courier_http, MemoryTokens())

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.AUTH
    assert fake_pathao.orders == {}


async def test_validation_errors_come_back_by_field(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel(recipient_phone="12345", recipient_address="short"))

    assert caught.value.kind is FailureKind.REJECTED
    assert caught.value.status_code == 422
    assert set(caught.value.fields) == {"recipient_phone", "recipient_address"}
    assert fake_pathao.orders == {}


async def test_a_reference_is_booked_once(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    await adapter.create_consignment(parcel("SC-1"))

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel("SC-1"))

    assert caught.value.kind is FailureKind.REJECTED
    assert "merchant_order_id" in caught.value.fields
    assert len(fake_pathao.orders) == 1


async def test_paisa_cannot_be_collected_and_nothing_is_sent(
    adapter: PathaoAdapter, fake_pathao: FakePathao
) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel(cod=125050))

    assert caught.value.kind is FailureKind.REJECTED
    assert "amount_to_collect" in caught.value.fields
    assert fake_pathao.calls == []


async def test_a_5xx_is_unavailable_and_retryable(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    fake_pathao.script(ORDERS, Scripted(502, {"message": "Bad gateway"}))

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.UNAVAILABLE
    assert caught.value.retryable
    assert caught.value.status_code == 502


async def test_an_answer_that_never_comes_is_a_timeout(
    fake_pathao: FakePathao, courier_http: httpx.AsyncClient
) -> None:
    adapter = PathaoAdapter(config(fake_pathao, timeout_seconds=0.3), courier_http, MemoryTokens())
    fake_pathao.script(ORDERS, Scripted(hang=True))

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.TIMEOUT
    assert caught.value.retryable


async def test_a_refused_connection_is_unavailable(courier_http: httpx.AsyncClient) -> None:
    fake = FakePathao()
    fake.base = closed_port_url()
    adapter = PathaoAdapter(config(fake), courier_http, MemoryTokens())

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.UNAVAILABLE


async def test_an_answer_that_is_not_json_is_unavailable(
    adapter: PathaoAdapter, fake_pathao: FakePathao
) -> None:
    fake_pathao.script(ORDERS, Scripted(200, ["not", "an", "object"]))

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.UNAVAILABLE


async def test_tracking_maps_the_order_status(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    consignment = await adapter.create_consignment(parcel())
    fake_pathao.orders[consignment.consignment_id]["order_status"] = "Delivered"

    snapshot = await adapter.track(consignment.consignment_id)

    assert snapshot.status is TrackingStatus.DELIVERED
    assert snapshot.raw_status == "Delivered"


async def test_tracking_an_unknown_consignment_is_not_found(adapter: PathaoAdapter) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.track("DL404")

    assert caught.value.kind is FailureKind.NOT_FOUND


async def test_cancel_is_not_offered_by_pathao(adapter: PathaoAdapter, fake_pathao: FakePathao) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.cancel("DL000001PT")

    assert caught.value.kind is FailureKind.UNSUPPORTED
    assert fake_pathao.calls == []
