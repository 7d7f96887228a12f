from __future__ import annotations

from typing import Any

from domain.webhooks.inputs import SubscriptionFields
from domain.webhooks.models import WebhookSubscription
from domain.webhooks.services import update_subscription
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def webhook_subscription_update(
    ctx: Context, *, id: str, values: dict[str, Any]
) -> WebhookSubscription:
    sub_id = require_id(id, "WebhookSubscription", field="id")
    data = SubscriptionFields.model_validate(values)
    async with ctx.uow() as uow:
        sub = await update_subscription(uow, sub_id, data)
        await uow.commit()
    return sub
