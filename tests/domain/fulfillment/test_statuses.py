"""Each courier's words for a parcel's state, in one vocabulary."""

from __future__ import annotations

import pytest

from domain.fulfillment.couriers.statuses import TrackingStatus as S
from domain.fulfillment.couriers.statuses import pathao_status, redx_status, steadfast_status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("order.created", S.PENDING),
        ("order.pickup-requested", S.PICKUP_REQUESTED),
        ("order.picked", S.PICKED_UP),
        ("order.pickup-failed", S.PICKUP_FAILED),
        ("order.in-transit", S.IN_TRANSIT),
        ("order.at-the-sorting-hub", S.IN_TRANSIT),
        ("order.assigned-for-delivery", S.OUT_FOR_DELIVERY),
        ("order.delivered", S.DELIVERED),
        ("order.partial-delivery", S.PARTIALLY_DELIVERED),
        ("order.delivery-failed", S.DELIVERY_FAILED),
        ("order.returned", S.RETURNED),
        ("order.on-hold", S.ON_HOLD),
        ("order.paid", S.PAYMENT_SETTLED),
        ("order.exchanged", S.EXCHANGED),
        ("Pickup_Requested", S.PICKUP_REQUESTED),
        ("Delivered", S.DELIVERED),
        ("order.something-new", S.UNKNOWN),
    ],
)
def test_pathao(raw: str, expected: S) -> None:
    assert pathao_status(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pending", S.PENDING),
        ("in_review", S.PENDING),
        ("hold", S.ON_HOLD),
        ("Delivered", S.DELIVERED),
        ("partial_delivered", S.PARTIALLY_DELIVERED),
        ("cancelled", S.CANCELLED),
        ("unknown", S.UNKNOWN),
        ("delivered_approval_pending", S.ON_HOLD),
        ("cancelled_approval_pending", S.ON_HOLD),
    ],
)
def test_steadfast(raw: str, expected: S) -> None:
    assert steadfast_status(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ready-for-delivery", S.IN_TRANSIT),
        ("delivery-in-progress", S.OUT_FOR_DELIVERY),
        ("delivered", S.DELIVERED),
        ("agent-hold", S.ON_HOLD),
        ("agent-returning", S.RETURNING),
        ("returned", S.RETURNED),
        ("agent-area-change", S.IN_TRANSIT),
    ],
)
def test_redx(raw: str, expected: S) -> None:
    assert redx_status(raw) is expected


def test_only_deliveries_collect_cash() -> None:
    assert {s for s in S if s.collects_cash} == {S.DELIVERED, S.PARTIALLY_DELIVERED}
