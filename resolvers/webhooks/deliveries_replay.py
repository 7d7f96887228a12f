from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError
from domain.webhooks.errors import WebhookErrorCode
from domain.webhooks.services import replay_since
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def webhook_deliveries_replay(
    ctx: Context, *, since: datetime, subscription_id: str | None, failed_only: bool
) -> int:
    if since.tzinfo is None:
        raise DomainError(WebhookErrorCode.INVALID, "a time with its UTC offset", field="since")
    sub_id = (
        require_id(subscription_id, "WebhookSubscription", field="subscriptionId")
        if subscription_id
        else None
    )
    async with ctx.uow() as uow:
        queued = await replay_since(uow, since, subscription_id=sub_id, failed_only=failed_only)
        await uow.commit()
    return queued
