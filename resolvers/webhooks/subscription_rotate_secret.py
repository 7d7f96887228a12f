from __future__ import annotations

from domain.webhooks.services import rotate_secret
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.webhooks.subscription_create import SubscriptionWithSecret


@translate
async def webhook_subscription_rotate_secret(ctx: Context, *, id: str) -> SubscriptionWithSecret:
    sub_id = require_id(id, "WebhookSubscription", field="id")
    async with ctx.uow() as uow:
        sub, secret = await rotate_secret(uow, sub_id)
        await uow.commit()
    return SubscriptionWithSecret(sub, secret)
