"""Managing endpoints (create, update, rotate the secret, delete), replaying deliveries, store settings.

Every change emits its event in the same unit of work; secrets are returned once, by create and rotate.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert

from domain.access.models import ApiToken, TokenKind
from domain.errors import DomainError
from domain.events.models import OutboxEvent
from domain.events.outbox import row_to_envelope
from domain.notifications.services import notify
from domain.uow import UnitOfWork
from domain.webhooks import events
from domain.webhooks.errors import WebhookErrorCode
from domain.webhooks.inputs import (
    SettingsInput,
    SubscriptionCreateInput,
    SubscriptionFields,
    check_event_types,
    check_headers,
    check_url,
    matches,
)
from domain.webhooks.models import (
    DEFAULT_DISABLE_AFTER_SECONDS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSettings,
    WebhookSubscription,
)
from domain.webhooks.signing import new_secret

# How long the old secret keeps signing after a rotation, so receivers can switch without a gap.
ROTATION_OVERLAP = timedelta(hours=24)
REPLAY_BATCH = 1000


def _summary(sub: WebhookSubscription) -> dict[str, Any]:
    return {"id": str(sub.id), "url": sub.url, "event_types": list(sub.event_types), "active": sub.active}


async def require_subscription(
    uow: UnitOfWork, sub_id: uuid.UUID, *, field: str = "id"
) -> WebhookSubscription:
    sub = await uow.session.get(WebhookSubscription, sub_id, with_for_update=True)
    if sub is None or sub.store_id != uow.store_id:
        raise DomainError(WebhookErrorCode.NOT_FOUND, "no webhook subscription with this id", field=field)
    return sub


async def _check_app(uow: UnitOfWork, token_id: uuid.UUID | None) -> None:
    if token_id is None:
        return
    token = await uow.session.get(ApiToken, token_id)
    if token is None or token.store_id != uow.store_id or token.kind is not TokenKind.PARTNER:
        raise DomainError(WebhookErrorCode.NOT_FOUND, "no partner token with this id", field="appTokenId")


async def create_subscription(
    uow: UnitOfWork, data: SubscriptionCreateInput
) -> tuple[WebhookSubscription, str]:
    """A new endpoint and its secret (returned once: only the endpoint's signatures show it later)."""
    url = check_url(data.url)
    types = check_event_types(data.event_types)
    headers = check_headers(data.headers)
    await _check_app(uow, data.app_token_id)
    secret = new_secret()
    sub = WebhookSubscription(
        id=uuid.uuid4(),
        name=data.name.strip(),
        url=url,
        event_types=types,
        secret=secret,
        active=data.active,
        headers=headers,
        rate_limit_per_second=data.rate_limit_per_second,
        max_concurrency=data.max_concurrency,
        app_token_id=data.app_token_id,
        created_at=uow.clock(),
        updated_at=uow.clock(),
    )
    uow.session.add(sub)
    await uow.session.flush()
    uow.emit(events.SUBSCRIPTION_CREATED, _summary(sub))
    return sub, secret


async def update_subscription(
    uow: UnitOfWork, sub_id: uuid.UUID, data: SubscriptionFields
) -> WebhookSubscription:
    """Change the given fields. Activating a disabled endpoint clears its failure record: it starts afresh,
    and the deliveries that waited while it was off go out."""
    sub = await require_subscription(uow, sub_id)
    given = data.model_fields_set
    for name in ("name", "url", "event_types", "active", "rate_limit_per_second", "max_concurrency"):
        if name in given and getattr(data, name) is None:
            raise DomainError(WebhookErrorCode.INVALID, f"{name} cannot be null", field=name)
    if data.name is not None:
        sub.name = data.name.strip()
    if data.url is not None:
        sub.url = check_url(data.url)
    if data.event_types is not None:
        sub.event_types = check_event_types(data.event_types)
    if "headers" in given:
        sub.headers = check_headers(data.headers or {})
    if data.rate_limit_per_second is not None:
        sub.rate_limit_per_second = data.rate_limit_per_second
    if data.max_concurrency is not None:
        sub.max_concurrency = data.max_concurrency
    if data.active is not None and data.active != sub.active:
        sub.active = data.active
        if data.active:
            sub.disabled_at = None
            sub.disabled_reason = None
            sub.failing_since = None
        else:
            sub.disabled_at = uow.clock()
            sub.disabled_reason = "disabled by staff"
    sub.updated_at = uow.clock()
    await uow.session.flush()
    uow.emit(events.SUBSCRIPTION_UPDATED, _summary(sub))
    return sub


async def delete_subscription(uow: UnitOfWork, sub_id: uuid.UUID) -> None:
    """Delete an endpoint with its deliveries (their attempts stay in the append-only attempt log)."""
    sub = await require_subscription(uow, sub_id)
    summary = _summary(sub)
    await uow.session.delete(sub)
    await uow.session.flush()
    uow.emit(events.SUBSCRIPTION_DELETED, summary)


async def rotate_secret(
    uow: UnitOfWork, sub_id: uuid.UUID, *, overlap: timedelta = ROTATION_OVERLAP
) -> tuple[WebhookSubscription, str]:
    """A new secret; the old one keeps signing beside it for `overlap` (both signatures are sent)."""
    sub = await require_subscription(uow, sub_id)
    secret = new_secret()
    sub.previous_secret = sub.secret
    sub.previous_secret_expires_at = uow.clock() + overlap
    sub.secret = secret
    sub.updated_at = uow.clock()
    await uow.session.flush()
    uow.emit(events.SUBSCRIPTION_SECRET_ROTATED, {"id": str(sub.id)})
    return sub, secret


def signing_secrets(sub: WebhookSubscription, now: datetime) -> list[str]:
    """The secrets that sign a request now: the current one, and the previous one during a rotation."""
    out = [sub.secret]
    if sub.previous_secret and sub.previous_secret_expires_at and sub.previous_secret_expires_at > now:
        out.append(sub.previous_secret)
    return out


async def disable_subscription(uow: UnitOfWork, sub: WebhookSubscription, reason: str) -> None:
    """Turn an endpoint off for a delivery failure: emit the event and tell the store's staff."""
    sub.active = False
    sub.disabled_at = uow.clock()
    sub.disabled_reason = reason[:200]
    await uow.session.flush()
    data = {**_summary(sub), "reason": sub.disabled_reason}
    uow.emit(events.SUBSCRIPTION_DISABLED, data)
    await notify(
        uow,
        kind=events.SUBSCRIPTION_DISABLED,
        title=f"Webhook endpoint {sub.name} was disabled",
        body=f"{sub.url}: {sub.disabled_reason}. Fix the endpoint, then activate it again; deliveries "
        "made while it was off can be replayed.",
        data=data,
    )


async def replay_delivery(uow: UnitOfWork, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send one delivery again, now, with the same `webhook-id` (receivers deduplicate by it)."""
    delivery = await uow.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.store_id != uow.store_id:
        raise DomainError(WebhookErrorCode.NOT_FOUND, "no webhook delivery with this id", field="id")
    if delivery.status is DeliveryStatus.DELIVERING:
        raise DomainError(WebhookErrorCode.NOT_REPLAYABLE, "the delivery is being attempted now", field="id")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = uow.clock()
    delivery.schedule_step = 0
    await uow.session.flush()
    return delivery


async def replay_since(
    uow: UnitOfWork, since: datetime, *, subscription_id: uuid.UUID | None = None, failed_only: bool = False
) -> int:
    """Deliver again every event since `since` to the endpoint given (or every active one) that wants it.

    Read from the outbox, so events an endpoint never got a delivery for (it was off, or created later) are
    delivered too. Deliveries in flight are left alone; with `failed_only`, succeeded ones too. Returns how
    many deliveries were (re)queued."""
    if subscription_id is not None:
        subs = [await require_subscription(uow, subscription_id, field="subscriptionId")]
    else:
        subs = list(
            (await uow.session.scalars(select(WebhookSubscription).where(WebhookSubscription.active))).all()
        )
    if not subs:
        return 0
    now = uow.clock()
    queued = 0
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        stmt = select(OutboxEvent).where(OutboxEvent.occurred_at >= since)
        if after is not None:
            stmt = stmt.where(tuple_(OutboxEvent.occurred_at, OutboxEvent.id) > tuple_(*after))
        rows = (
            await uow.session.scalars(
                stmt.order_by(OutboxEvent.occurred_at, OutboxEvent.id).limit(REPLAY_BATCH)
            )
        ).all()
        if not rows:
            return queued
        after = (rows[-1].occurred_at, rows[-1].id)
        values = [
            delivery_row(sub, row_to_envelope(row), due=now, now=now)
            for row in rows
            for sub in subs
            if matches(sub.event_types, row.type)
        ]
        if values:
            replayable = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]
            if not failed_only:
                replayable.append(DeliveryStatus.SUCCEEDED)
            upsert = (
                insert(WebhookDelivery)
                .values(values)
                .on_conflict_do_update(
                    index_elements=[WebhookDelivery.subscription_id, WebhookDelivery.event_id],
                    set_={"status": DeliveryStatus.PENDING, "next_attempt_at": now, "schedule_step": 0},
                    where=WebhookDelivery.status.in_(replayable),
                )
                .returning(WebhookDelivery.id)
            )
            queued += len((await uow.session.execute(upsert)).all())


def delivery_row(sub: WebhookSubscription, envelope: Any, *, due: datetime, now: datetime) -> dict[str, Any]:
    """The values of a new pending delivery of an event to an endpoint, due at `due`."""
    return {
        "id": uuid.uuid4(),
        "store_id": sub.store_id,
        "subscription_id": sub.id,
        "event_id": envelope.id,
        "event_type": envelope.type,
        "event_occurred_at": envelope.occurred_at,
        "payload": envelope.to_json(),
        "correlation_id": envelope.correlation_id,
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": due,
        "attempt_count": 0,
        "schedule_step": 0,
        "claims": 0,
        "created_at": now,
    }


async def get_settings(uow: UnitOfWork) -> WebhookSettings:
    found = await uow.session.get(WebhookSettings, uow.store_id)
    return found or WebhookSettings(
        store_id=uow.store_id, disable_after_seconds=DEFAULT_DISABLE_AFTER_SECONDS, updated_at=uow.clock()
    )


async def update_settings(uow: UnitOfWork, data: SettingsInput) -> WebhookSettings:
    stmt = (
        insert(WebhookSettings)
        .values(
            store_id=uow.store_id, disable_after_seconds=data.disable_after_seconds, updated_at=uow.clock()
        )
        .on_conflict_do_update(
            index_elements=[WebhookSettings.store_id],
            set_={"disable_after_seconds": data.disable_after_seconds, "updated_at": uow.clock()},
        )
        .returning(WebhookSettings)
    )
    row = (await uow.session.scalars(stmt, execution_options={"populate_existing": True})).one()
    uow.emit("webhook_settings.updated", {"disable_after_seconds": row.disable_after_seconds})
    return row
