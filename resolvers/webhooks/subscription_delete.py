from __future__ import annotations

import uuid

from domain.webhooks.services import delete_subscription
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def webhook_subscription_delete(ctx: Context, *, id: str) -> uuid.UUID:
    sub_id = require_id(id, "WebhookSubscription", field="id")
    async with ctx.uow() as uow:
        await delete_subscription(uow, sub_id)
        await uow.commit()
    return sub_id
