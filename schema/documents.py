"""Per-store persisted documents."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from domain.documents import models
from domain.documents.errors import DocumentErrorCode
from resolvers.context import Context
from resolvers.documents.persisted_document_register import persisted_document_register
from resolvers.documents.queries import document, list_documents
from schema.errors import DocumentError, convert
from schema.permissions import requires
from schema.relay_utils import connection

Info = strawberry.Info[Context, None]


async def _load(ctx: Context, raw: str) -> models.PersistedDocument | None:
    try:
        return await document(ctx, uuid.UUID(raw))
    except ValueError:
        return None


@strawberry.type(name="PersistedDocument", description="A document storefronts of this store may send by id.")
class PersistedDocumentNode(relay.Node):
    id: relay.NodeID[str]
    sha256: str = strawberry.field(description="The id storefronts send: lowercase hex sha256 of the body.")
    name: str = strawberry.field(description="The operation name.")
    operation_type: str = strawberry.field(description="query, mutation or subscription.")
    body: str = strawberry.field(description="The document text.")
    cost: int = strawberry.field(description="Static cost, computed once at registration.")
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def from_model(cls, m: models.PersistedDocument) -> PersistedDocumentNode:
        return cls(
            id=str(m.id),
            sha256=m.sha256,
            name=m.name,
            operation_type=m.operation_type,
            body=m.body,
            cost=m.cost,
            created_at=m.created_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PersistedDocumentNode | None]:
        found = await asyncio.gather(*(_load(info.context, raw) for raw in node_ids))
        return [cls.from_model(d) if d else None for d in found]


@strawberry.type(description="The result of persistedDocumentRegister.")
class PersistedDocumentRegisterPayload:
    document: PersistedDocumentNode | None = strawberry.field(description="The registered document.")
    errors: list[DocumentError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class DocumentQuery:
    @strawberry.field(
        description="Documents registered for this store.", extensions=requires("settings:manage")
    )
    async def persisted_documents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[PersistedDocumentNode]:
        page = await list_documents(info.context, first=first, after=after)
        return connection(page, PersistedDocumentNode.from_model)


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(
        description="Register a document storefront tokens of this store may then send by its sha256 id. "
        "It is parsed, validated and cost-analysed now, once.",
        extensions=requires("settings:manage"),
    )
    async def persisted_document_register(self, info: Info, body: str) -> PersistedDocumentRegisterPayload:
        out = await persisted_document_register(info.context, body=body)
        return PersistedDocumentRegisterPayload(
            document=PersistedDocumentNode.from_model(out.result) if out.result else None,
            errors=convert(out.errors, DocumentErrorCode, DocumentError),
        )
