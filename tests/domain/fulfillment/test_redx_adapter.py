"""The RedX adapter against a local fake of RedX's open API over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from domain.fulfillment.couriers.base import ConsignmentRequest, CourierError, FailureKind
from domain.fulfillment.couriers.redx import RedxAdapter, RedxConfig
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.money import Money
from tests.fixtures.couriers import FakeRedx, Scripted

CREATE = "/v1.0.0-beta/parcel"


def parcel(reference: str = "SC-3001-1", area: dict[str, str] | None = None) -> ConsignmentRequest:
    return ConsignmentRequest(
        reference=reference,
        recipient_name="Sumon Ahmed",
        recipient_phone="01912345678",
        recipient_address="Holding 45, Zindabazar, Sylhet",
        cod=Money(50000, "BDT"),
        weight_grams=800,
        area={"delivery_area": "Zindabazar", "delivery_area_id": "12"} if area is None else area,
    )


def adapter_for(fake: FakeRedx, client: httpx.AsyncClient, **overrides: object) -> RedxAdapter:
    values: dict[str, object] = {
        "base_url": fake.base,
        "access_token": FakeRedx.TOKEN,
        "timeout_seconds": 2.0,
        **overrides,
    }
    return RedxAdapter(RedxConfig(**values), client)  # type: ignore[arg-type]


@pytest.fixture
def adapter(fake_redx: FakeRedx, courier_http: httpx.AsyncClient) -> RedxAdapter:
    return adapter_for(fake_redx, courier_http)


async def test_creates_a_parcel(adapter: RedxAdapter, fake_redx: FakeRedx) -> None:
    consignment = await adapter.create_consignment(parcel())

    assert consignment.consignment_id in fake_redx.parcels
    assert consignment.status is TrackingStatus.PENDING
    sent = fake_redx.at("/parcel")[0]
    assert sent.headers["api-access-token"] == f"Bearer {FakeRedx.TOKEN}"
    assert sent.json["cash_collection_amount"] == "500"
    assert sent.json["parcel_weight"] == 800
    assert sent.json["delivery_area_id"] == 12
    assert sent.json["merchant_invoice_id"] == "SC-3001-1"


async def test_a_parcel_without_a_delivery_area_is_rejected_by_field(
    adapter: RedxAdapter, fake_redx: FakeRedx
) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel(area={}))

    assert caught.value.kind is FailureKind.REJECTED
    assert set(caught.value.fields) == {"delivery_area", "delivery_area_id"}
    assert fake_redx.parcels == {}


async def test_a_wrong_token_is_an_auth_failure(fake_redx: FakeRedx, courier_http: httpx.AsyncClient) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter_for(fake_redx, courier_http, access_token="expired").create_consignment(parcel())

    assert caught.value.kind is FailureKind.AUTH


async def test_a_5xx_and_a_timeout(fake_redx: FakeRedx, courier_http: httpx.AsyncClient) -> None:
    adapter = adapter_for(fake_redx, courier_http, timeout_seconds=0.3)
    fake_redx.script(CREATE, Scripted(500, {"message": "oops"}), Scripted(hang=True))

    with pytest.raises(CourierError) as first:
        await adapter.create_consignment(parcel())
    with pytest.raises(CourierError) as second:
        await adapter.create_consignment(parcel())

    assert first.value.kind is FailureKind.UNAVAILABLE
    assert second.value.kind is FailureKind.TIMEOUT
    assert fake_redx.parcels == {}


async def test_tracking_gives_the_status_and_the_history(adapter: RedxAdapter, fake_redx: FakeRedx) -> None:
    consignment = await adapter.create_consignment(parcel())
    fake_redx.parcels[consignment.consignment_id]["status"] = "delivery-in-progress"

    snapshot = await adapter.track(consignment.consignment_id)

    assert snapshot.status is TrackingStatus.OUT_FOR_DELIVERY
    assert [e.message for e in snapshot.history] == ["Parcel created", "Picked up"]
    assert snapshot.history[1].at == datetime(2026, 11, 28, 7, 30, tzinfo=UTC)


async def test_cancel_sets_the_parcel_cancelled(adapter: RedxAdapter, fake_redx: FakeRedx) -> None:
    consignment = await adapter.create_consignment(parcel())

    await adapter.cancel(consignment.consignment_id, reason="customer changed their mind")

    assert fake_redx.parcels[consignment.consignment_id]["status"] == "cancelled"
    sent = fake_redx.at("/parcels")[0].json
    assert sent["entity_type"] == "parcel-tracking-id"
    assert sent["update_details"] == {
        "property_name": "status",
        "new_value": "cancelled",
        "reason": "customer changed their mind",
    }


async def test_a_delivered_parcel_cannot_be_cancelled(adapter: RedxAdapter, fake_redx: FakeRedx) -> None:
    consignment = await adapter.create_consignment(parcel())
    fake_redx.parcels[consignment.consignment_id]["status"] = "delivered"

    with pytest.raises(CourierError) as caught:
        await adapter.cancel(consignment.consignment_id)

    assert caught.value.kind is FailureKind.REJECTED
    assert fake_redx.parcels[consignment.consignment_id]["status"] == "delivered"


async def test_cancelling_an_unknown_parcel_is_not_found(adapter: RedxAdapter) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.cancel("NOPE")

    assert caught.value.kind is FailureKind.NOT_FOUND


async def test_a_non_numeric_area_id_is_refused_before_any_call(
    adapter: RedxAdapter, fake_redx: FakeRedx
) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel(area={"delivery_area": "X", "delivery_area_id": "12a"}))

    assert caught.value.kind is FailureKind.REJECTED
    assert set(caught.value.fields) == {"delivery_area_id"}
    assert fake_redx.calls == []
