from __future__ import annotations

from domain.documents.errors import DocumentErrorCode
from domain.documents.models import PersistedDocument
from domain.documents.services import register_document
from domain.errors import DomainError, DomainErrors
from resolvers.context import Context
from resolvers.errors import translate

MAX_BODY = 100_000


@translate
async def persisted_document_register(ctx: Context, *, body: str) -> PersistedDocument:
    if not body.strip():
        raise DomainError(DocumentErrorCode.REQUIRED, "document body is empty", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(
            DocumentErrorCode.INVALID, f"document is longer than {MAX_BODY} characters", field="body"
        )
    analysed = ctx.documents.analyse(body)
    if isinstance(analysed, list):
        raise DomainErrors(
            [DomainError(DocumentErrorCode.INVALID_DOCUMENT, message, field="body") for message in analysed]
        )
    async with ctx.uow() as uow:
        row, _created = await register_document(uow, analysed)
        await uow.commit()
    return row
