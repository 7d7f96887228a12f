from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.webhooks.inputs import SubscriptionCreateInput
from domain.webhooks.models import WebhookSubscription
from domain.webhooks.services import create_subscription
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@dataclass(frozen=True)
class SubscriptionWithSecret:
    subscription: WebhookSubscription
    secret: str


@translate
async def webhook_subscription_create(ctx: Context, *, values: dict[str, Any]) -> SubscriptionWithSecret:
    app = values.pop("app_token_id", None)
    if app:
        values["app_token_id"] = require_id(app, "ApiToken", field="appTokenId")
    data = SubscriptionCreateInput.model_validate(values)
    async with ctx.uow() as uow:
        sub, secret = await create_subscription(uow, data)
        await uow.commit()
    return SubscriptionWithSecret(sub, secret)
