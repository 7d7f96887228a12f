from __future__ import annotations

from domain.catalog.models import Translation
from domain.catalog.translations import remove_translation
from resolvers.catalog.translation_ids import translatable
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def translation_remove(
    ctx: Context, *, id: str, locale: str, fields: list[str] | None
) -> Translation | None:
    kind, entity_id = translatable(id)
    async with ctx.uow() as uow:
        translation = await remove_translation(uow, kind, entity_id, locale, fields)
        await uow.commit()
    return translation
