"""The order timeline: one OrderEvent row per change, with who made it and in which request."""

from __future__ import annotations

import uuid
from typing import Any

from domain.orders.models import OrderEvent
from domain.uow import UnitOfWork


def record(
    uow: UnitOfWork,
    order_id: uuid.UUID,
    kind: str,
    *,
    actor: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Add a timeline entry to the order in the caller's transaction (flushed with it).

    For payments and fulfilment too: e.g. kind `payment_captured`, `shipment_created`,
    `courier_status` with the provider's data. `actor` is who did it ("staff:<token id>",
    "customer:<id>", "guest", "courier:pathao", "system"); the request id comes from the unit of work."""
    event = OrderEvent(
        id=uuid.uuid4(),
        store_id=uow.store_id,
        order_id=order_id,
        kind=kind,
        message=message,
        data=data or {},
        actor=actor,
        request_id=uow.correlation_id,
        created_at=uow.clock(),
    )
    uow.session.add(event)
    return event
