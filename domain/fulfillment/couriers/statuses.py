"""One status vocabulary for every courier, and each provider's words mapped onto it.

The raw word is always kept beside the normalised one (tracking events store both), so a mapping can be
corrected later without losing what the courier said. Words we do not know map to UNKNOWN rather than
failing: couriers add statuses without notice.
"""

from __future__ import annotations

import enum


class TrackingStatus(enum.StrEnum):
    PENDING = "pending"  # booked, not yet handed over
    PICKUP_REQUESTED = "pickup_requested"
    PICKED_UP = "picked_up"
    PICKUP_FAILED = "pickup_failed"
    IN_TRANSIT = "in_transit"  # between hubs, at a sorting hub
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERY_FAILED = "delivery_failed"
    ON_HOLD = "on_hold"
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    EXCHANGED = "exchanged"
    # The courier paid the collected cash out to the merchant (Pathao's order.paid).
    PAYMENT_SETTLED = "payment_settled"
    UNKNOWN = "unknown"

    @property
    def collects_cash(self) -> bool:
        """Statuses on which a courier reports a collected COD amount."""
        return self in (TrackingStatus.DELIVERED, TrackingStatus.PARTIALLY_DELIVERED)

    @property
    def final(self) -> bool:
        return self in (
            TrackingStatus.DELIVERED,
            TrackingStatus.PARTIALLY_DELIVERED,
            TrackingStatus.RETURNED,
            TrackingStatus.CANCELLED,
            TrackingStatus.EXCHANGED,
        )


S = TrackingStatus


def _key(raw: str) -> str:
    return raw.strip().lower().replace("_", "-").replace(" ", "-")


# Pathao webhook events (`order.picked`) and API order_status words ("Pickup_Requested", "Delivered").
PATHAO = {
    "created": S.PENDING,
    "pending": S.PENDING,
    "pickup-requested": S.PICKUP_REQUESTED,
    "assigned-for-pickup": S.PICKUP_REQUESTED,
    "picked": S.PICKED_UP,
    "pickup-failed": S.PICKUP_FAILED,
    "pickup-cancelled": S.CANCELLED,
    "cancelled": S.CANCELLED,
    "in-transit": S.IN_TRANSIT,
    "at-the-sorting-hub": S.IN_TRANSIT,
    "received-at-last-mile-hub": S.IN_TRANSIT,
    "assigned-for-delivery": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "partial-delivery": S.PARTIALLY_DELIVERED,
    "delivery-failed": S.DELIVERY_FAILED,
    "on-hold": S.ON_HOLD,
    "return": S.RETURNING,
    "returned": S.RETURNED,
    "paid": S.PAYMENT_SETTLED,
    "paid-return": S.RETURNED,
    "exchanged": S.EXCHANGED,
}

# Steadfast delivery_status words. The `*_approval_pending` variants mean the rider reported the outcome
# and Steadfast has not approved it: held, so that cash is not counted as collected before it is final.
STEADFAST = {
    "pending": S.PENDING,
    "in-review": S.PENDING,
    "hold": S.ON_HOLD,
    "delivered": S.DELIVERED,
    "partial-delivered": S.PARTIALLY_DELIVERED,
    "cancelled": S.CANCELLED,
    "unknown": S.UNKNOWN,
    "delivered-approval-pending": S.ON_HOLD,
    "partial-delivered-approval-pending": S.ON_HOLD,
    "cancelled-approval-pending": S.ON_HOLD,
    "unknown-approval-pending": S.ON_HOLD,
}

# RedX parcel statuses (webhook `status`, parcel info `status`).
REDX = {
    "pickup-pending": S.PENDING,
    "pending": S.PENDING,
    "picked-up": S.PICKED_UP,
    "ready-for-delivery": S.IN_TRANSIT,
    "agent-area-change": S.IN_TRANSIT,
    "delivery-in-progress": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "agent-hold": S.ON_HOLD,
    "agent-returning": S.RETURNING,
    "returned": S.RETURNED,
    "cancelled": S.CANCELLED,
}


def pathao_status(raw: str) -> TrackingStatus:
    return PATHAO.get(_key(raw).removeprefix("order."), S.UNKNOWN)


def steadfast_status(raw: str) -> TrackingStatus:
    return STEADFAST.get(_key(raw), S.UNKNOWN)


def redx_status(raw: str) -> TrackingStatus:
    return REDX.get(_key(raw), S.UNKNOWN)
