from __future__ import annotations

from domain.webhooks.models import WebhookDelivery
from domain.webhooks.services import replay_delivery
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def webhook_delivery_replay(ctx: Context, *, id: str) -> WebhookDelivery:
    delivery_id = require_id(id, "WebhookDelivery", field="id")
    async with ctx.uow() as uow:
        delivery = await replay_delivery(uow, delivery_id)
        await uow.commit()
    return delivery
