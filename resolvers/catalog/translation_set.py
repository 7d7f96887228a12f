from __future__ import annotations

from domain.catalog.models import Translation
from domain.catalog.translations import set_translation
from resolvers.catalog.translation_ids import translatable
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def translation_set(ctx: Context, *, id: str, locale: str, fields: dict[str, str]) -> Translation:
    kind, entity_id = translatable(id)
    async with ctx.uow() as uow:
        translation = await set_translation(uow, kind, entity_id, locale, fields)
        await uow.commit()
    return translation
