"""Read resolvers of webhook endpoints, deliveries, settings and staff notifications."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select

from domain.notifications.models import StaffNotification
from domain.uow import UnitOfWork
from domain.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSettings,
    WebhookSubscription,
)
from domain.webhooks.services import get_settings
from resolvers.context import Context
from resolvers.ids import require_id
from resolvers.pagination import Page, decode_cursor, encode_cursor, keyset, page_size, to_page


@dataclass(frozen=True)
class DeliveryFilter:
    status: list[DeliveryStatus] | None = None
    subscription_id: str | None = None
    event_type: str | None = None  # exact, or `prefix.*`
    since: datetime | None = None


async def list_subscriptions(
    ctx: Context, *, first: int | None, after: str | None
) -> Page[WebhookSubscription]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = keyset(
            select(WebhookSubscription),
            WebhookSubscription.created_at,
            WebhookSubscription.id,
            first=size,
            after=after,
        )
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda s: (s.created_at, s.id))


def _newest_first(stmt: Select[WebhookDelivery], size: int, after: str | None) -> Select[WebhookDelivery]:
    if after:
        at, ident = decode_cursor(after)
        stmt = stmt.where(
            or_(
                WebhookDelivery.created_at < at,
                and_(WebhookDelivery.created_at == at, WebhookDelivery.id < ident),
            )
        )
    return stmt.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(size + 1)


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def list_deliveries(
    ctx: Context, *, first: int | None, after: str | None, where: DeliveryFilter
) -> Page[WebhookDelivery]:
    """Deliveries newest first, filtered; the attempts of a page come through one loader batch."""
    size = page_size(first, ctx.default_page_size)
    stmt = select(WebhookDelivery)
    if where.subscription_id is not None:
        stmt = stmt.where(
            WebhookDelivery.subscription_id
            == require_id(where.subscription_id, "WebhookSubscription", field="subscriptionId")
        )
    if where.status:
        stmt = stmt.where(WebhookDelivery.status.in_(where.status))
    if where.event_type:
        if where.event_type == "*":
            pass
        elif where.event_type.endswith(".*"):
            stmt = stmt.where(
                WebhookDelivery.event_type.like(_like_prefix(where.event_type[:-1]), escape="\\")
            )
        else:
            stmt = stmt.where(WebhookDelivery.event_type == where.event_type)
    if where.since is not None:
        stmt = stmt.where(WebhookDelivery.created_at >= where.since)
    async with ctx.read_uow() as uow:
        rows = (await uow.session.scalars(_newest_first(stmt, size, after))).all()
    visible = list(rows[:size])
    return Page(
        items=[(encode_cursor(d.created_at, d.id), d) for d in visible],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def list_notifications(
    ctx: Context, *, first: int | None, after: str | None
) -> Page[StaffNotification]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = keyset(
            select(StaffNotification),
            StaffNotification.created_at,
            StaffNotification.id,
            first=size,
            after=after,
        )
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda n: (n.created_at, n.id))


async def settings(ctx: Context) -> WebhookSettings:
    uow: UnitOfWork
    async with ctx.read_uow() as uow:
        return await get_settings(uow)


async def subscription(ctx: Context, sub_id: uuid.UUID) -> WebhookSubscription | None:
    result: WebhookSubscription | None = await ctx.loaders.webhook_subscription_by_id.load(sub_id)
    return result


async def delivery(ctx: Context, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    result: WebhookDelivery | None = await ctx.loaders.webhook_delivery_by_id.load(delivery_id)
    return result


async def attempts(ctx: Context, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    result: list[WebhookAttempt] = await ctx.loaders.webhook_attempts_by_delivery.load(delivery_id)
    return result


async def notification(ctx: Context, notification_id: uuid.UUID) -> StaffNotification | None:
    result: StaffNotification | None = await ctx.loaders.staff_notification_by_id.load(notification_id)
    return result
