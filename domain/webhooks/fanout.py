"""From one domain event to one pending delivery per active endpoint of its store that wants its type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork
from domain.webhooks.inputs import matches
from domain.webhooks.models import WebhookDelivery, WebhookSubscription
from domain.webhooks.services import delivery_row


async def fan_out(uow: UnitOfWork, envelope: EventEnvelope) -> int:
    """Insert the deliveries of an event; idempotent by (endpoint, event). Returns how many are new."""
    subs = (await uow.session.scalars(select(WebhookSubscription).where(WebhookSubscription.active))).all()
    # Due from the moment the event happened: deliveries are attempted oldest event first.
    now = uow.clock()
    values = [
        delivery_row(s, envelope, due=envelope.occurred_at, now=now)
        for s in subs
        if matches(s.event_types, envelope.type)
    ]
    if not values:
        return 0
    stmt = (
        insert(WebhookDelivery)
        .values(values)
        .on_conflict_do_nothing(index_elements=[WebhookDelivery.subscription_id, WebhookDelivery.event_id])
        .returning(WebhookDelivery.id)
    )
    return len((await uow.session.execute(stmt)).all())
