from __future__ import annotations

from domain.webhooks.inputs import SettingsInput
from domain.webhooks.models import WebhookSettings
from domain.webhooks.services import update_settings
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def webhook_settings_update(ctx: Context, *, disable_after_seconds: int) -> WebhookSettings:
    data = SettingsInput(disable_after_seconds=disable_after_seconds)
    async with ctx.uow() as uow:
        row = await update_settings(uow, data)
        await uow.commit()
    return row
