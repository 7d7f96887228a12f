"""A courier's webhook, from raw request to stored report: find the store's account, check the courier's
proof, parse, record once. The gateway route only translates HTTP to and from this.

Answers: 404 when the store has no active account with that courier (the same as an unknown store, so
the URL reveals nothing), 401 without the right secret, 400/413 for a body that is not a report, 202 with
Pathao's header for its integration check, 200 (Pathao: 202) for a report (`accepted`, or `duplicate`
for a replay).
A courier retries on anything but 2xx, so a replay must be a 200 that changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from domain.db import Database, utcnow
from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.webhooks import (
    PATHAO_INTEGRATION_HEADER,
    PATHAO_INTEGRATION_SECRET,
    Handshake,
    WebhookRejected,
    WebhookRequest,
    is_handshake,
    parse,
    verify,
)
from domain.fulfillment.models import CourierAccount
from domain.fulfillment.tracking import record_update
from domain.tenancy.models import Store, StoreStatus
from domain.uow import UnitOfWork


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _refused(status: int, message: str) -> Reply:
    return Reply(status, {"status": "rejected", "message": message})


async def receive(
    db: Database,
    *,
    provider: str,
    store: str,
    request: WebhookRequest,
    correlation_id: str = "",
    clock: Callable[[], datetime] = utcnow,
) -> Reply:
    try:
        courier = CourierProvider(provider)
        store_id = uuid.UUID(store)
    except ValueError:
        return _refused(404, "no such courier webhook")
    async with UnitOfWork(db.sessions, store_id=store_id, correlation_id=correlation_id, clock=clock) as uow:
        found = (
            await uow.session.execute(
                select(CourierAccount.webhook_secret, Store.default_currency)
                .join(Store, Store.id == CourierAccount.store_id)
                .where(
                    CourierAccount.provider == courier,
                    CourierAccount.active,
                    Store.status == StoreStatus.ACTIVE,
                )
            )
        ).first()
        if found is None:
            return _refused(404, "no such courier webhook")
        handshake = is_handshake(courier, request.body)
        try:
            verify(courier, found.webhook_secret, request, handshake=handshake)
            report = parse(courier, request.body, found.default_currency)
        except WebhookRejected as exc:
            return _refused(exc.status, exc.message)
        if isinstance(report, Handshake):
            return Reply(
                202, {"status": "integrated"}, {PATHAO_INTEGRATION_HEADER: PATHAO_INTEGRATION_SECRET}
            )
        recorded = await record_update(uow, report, currency=found.default_currency)
        if recorded is not None:
            await uow.commit()
    # Pathao's own plugin answers every report 202 with its integration header; the others take 200.
    status, headers = (
        (202, {PATHAO_INTEGRATION_HEADER: PATHAO_INTEGRATION_SECRET})
        if courier is CourierProvider.PATHAO
        else (200, {})
    )
    if recorded is None:
        return Reply(status, {"status": "duplicate"}, headers)
    return Reply(status, {"status": "accepted", "trackingEventId": str(recorded.event_id)}, headers)
