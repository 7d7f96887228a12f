"""The Steadfast adapter against a local fake of Steadfast's API over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from domain.fulfillment.couriers.base import ConsignmentRequest, CourierError, FailureKind
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.couriers.steadfast import SteadfastAdapter, SteadfastConfig
from domain.money import Money
from tests.fixtures.couriers import FakeSteadfast, Scripted

CREATE = "/api/v1/create_order"


def parcel(reference: str = "SC-2001-1", cod: int = 99950) -> ConsignmentRequest:
    return ConsignmentRequest(
        reference=reference,
        recipient_name="Karima Begum",
        recipient_phone="8801812345678",
        recipient_address="Flat 3B, 22 Agrabad C/A, Chattogram",
        cod=Money(cod, "BDT"),
        note="Call before delivery",
        description="2 items",
    )


def adapter_for(fake: FakeSteadfast, client: httpx.AsyncClient, **overrides: object) -> SteadfastAdapter:
    values: dict[str, object] = {
        "base_url": fake.base,
        "api_key": FakeSteadfast.API_KEY,
        "secret_key": FakeSteadfast.SECRET_KEY,
        "timeout_seconds": 2.0,
        **overrides,
    }
    return SteadfastAdapter(SteadfastConfig(**values), client)  # type: ignore[arg-type]


@pytest.fixture
def adapter(fake_steadfast: FakeSteadfast, courier_http: httpx.AsyncClient) -> SteadfastAdapter:
    return adapter_for(fake_steadfast, courier_http)


async def test_creates_a_consignment(adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast) -> None:
    consignment = await adapter.create_consignment(parcel())

    assert consignment.consignment_id in fake_steadfast.orders
    assert consignment.tracking_code == f"SF{consignment.consignment_id}TRK"
    assert consignment.status is TrackingStatus.PENDING
    assert consignment.raw_status == "in_review"
    sent = fake_steadfast.at("/create_order")[0]
    assert sent.headers["api-key"] == FakeSteadfast.API_KEY
    assert sent.headers["secret-key"] == FakeSteadfast.SECRET_KEY
    assert sent.json["cod_amount"] == "999.5"
    assert sent.json["recipient_phone"] == "01812345678"
    assert sent.json["invoice"] == "SC-2001-1"
    assert sent.json["note"] == "Call before delivery"


async def test_wrong_keys_are_an_auth_failure(
    fake_steadfast: FakeSteadfast, courier_http: httpx.AsyncClient
) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter_for(fake_steadfast, courier_http, secret_key="nope").create_consignment(parcel())

    assert caught.value.kind is FailureKind.AUTH
    assert fake_steadfast.orders == {}


async def test_a_duplicate_invoice_is_rejected_by_field(
    adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast
) -> None:
    await adapter.create_consignment(parcel())

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.REJECTED
    assert set(caught.value.fields) == {"invoice"}
    assert len(fake_steadfast.orders) == 1


async def test_a_refusal_inside_a_200_is_still_a_refusal(
    adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast
) -> None:
    fake_steadfast.script(
        CREATE, Scripted(200, {"status": 400, "message": "Invalid data", "errors": {"cod_amount": "too big"}})
    )

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.REJECTED
    assert caught.value.fields == {"cod_amount": "too big"}


async def test_a_5xx_is_unavailable(adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast) -> None:
    fake_steadfast.script(CREATE, Scripted(503, {"message": "maintenance"}))

    with pytest.raises(CourierError) as caught:
        await adapter.create_consignment(parcel())

    assert caught.value.kind is FailureKind.UNAVAILABLE


async def test_an_answer_that_never_comes_is_a_timeout(
    fake_steadfast: FakeSteadfast, courier_http: httpx.AsyncClient
) -> None:
    fake_steadfast.script(CREATE, Scripted(hang=True))

    with pytest.raises(CourierError) as caught:
        await adapter_for(fake_steadfast, courier_http, timeout_seconds=0.3).create_consignment(parcel())

    assert caught.value.kind is FailureKind.TIMEOUT


async def test_tracking_normalises_the_delivery_status(
    adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast
) -> None:
    consignment = await adapter.create_consignment(parcel())
    fake_steadfast.orders[consignment.consignment_id]["status"] = "partial_delivered"

    snapshot = await adapter.track(consignment.consignment_id)

    assert snapshot.status is TrackingStatus.PARTIALLY_DELIVERED
    assert snapshot.raw_status == "partial_delivered"


async def test_an_approval_pending_outcome_is_held(
    adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast
) -> None:
    consignment = await adapter.create_consignment(parcel())
    fake_steadfast.orders[consignment.consignment_id]["status"] = "delivered_approval_pending"

    assert (await adapter.track(consignment.consignment_id)).status is TrackingStatus.ON_HOLD


async def test_tracking_an_unknown_consignment_is_not_found(adapter: SteadfastAdapter) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.track("99999")

    assert caught.value.kind is FailureKind.NOT_FOUND


async def test_cancel_is_not_offered_by_steadfast(
    adapter: SteadfastAdapter, fake_steadfast: FakeSteadfast
) -> None:
    with pytest.raises(CourierError) as caught:
        await adapter.cancel("1001")

    assert caught.value.kind is FailureKind.UNSUPPORTED
    assert fake_steadfast.calls == []
