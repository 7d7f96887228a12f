"""Registering a store's persisted documents.

Parsing and validation are the gateway's (domain/ knows no GraphQL): it hands us the verdict.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from domain.documents.models import PersistedDocument
from domain.uow import UnitOfWork


def document_id(body: str) -> str:
    """The manifest id: lowercase hex sha256 of the UTF-8 body."""
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class AnalysedDocument:
    body: str
    name: str
    operation_type: str
    cost: int


async def register_document(uow: UnitOfWork, doc: AnalysedDocument) -> tuple[PersistedDocument, bool]:
    """Store the document once per store; registering the same body again returns the existing row."""
    digest = document_id(doc.body)
    existing = await uow.session.scalar(select(PersistedDocument).where(PersistedDocument.sha256 == digest))
    if existing is not None:
        return existing, False
    row = PersistedDocument(
        id=uuid.uuid4(),
        sha256=digest,
        name=doc.name,
        operation_type=doc.operation_type,
        body=doc.body,
        cost=doc.cost,
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.emit("persisted_document.registered", {"id": str(row.id), "sha256": digest, "name": doc.name})
    return row, True


async def find_document(uow: UnitOfWork, digest: str) -> PersistedDocument | None:
    return await uow.session.scalar(select(PersistedDocument).where(PersistedDocument.sha256 == digest))
