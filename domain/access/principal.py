"""Who is calling: a resolved API token."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.access.models import TokenKind
from domain.db import utcnow

_KIND_TAG = {TokenKind.STOREFRONT: "sf", TokenKind.ADMIN: "ad", TokenKind.PARTNER: "pt"}
PREFIX_LENGTH = 12


@dataclass(frozen=True)
class Principal:
    token_id: uuid.UUID
    store_id: uuid.UUID
    organization_id: uuid.UUID
    kind: TokenKind
    prefix: str
    name: str
    scopes: frozenset[str]
    # When the token stops working, so a cached principal never outlives it.
    expires_at: datetime | None = None

    @property
    def actor(self) -> str:
        return f"token:{self.prefix}"

    def has(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class NewSecret:
    plaintext: str
    prefix: str
    digest: bytes


def token_digest(plaintext: str) -> bytes:
    # Tokens carry 256 bits of randomness, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(plaintext.encode()).digest()


def new_secret(kind: TokenKind) -> NewSecret:
    plaintext = f"stc_{_KIND_TAG[kind]}_{secrets.token_urlsafe(32)}"
    return NewSecret(plaintext=plaintext, prefix=plaintext[:PREFIX_LENGTH], digest=token_digest(plaintext))


async def resolve_token(
    conn: AsyncConnection, plaintext: str, *, now: datetime | None = None
) -> Principal | None:
    """The principal of a live token, or None for unknown, revoked or expired tokens and closed stores."""
    row = (
        await conn.execute(text("SELECT * FROM stormcom_resolve_token(:h)"), {"h": token_digest(plaintext)})
    ).first()
    if row is None or row.revoked_at is not None or row.store_status != "active":
        return None
    if row.expires_at is not None and row.expires_at <= (now or utcnow()):
        return None
    return Principal(
        token_id=row.token_id,
        store_id=row.store_id,
        organization_id=row.organization_id,
        kind=TokenKind(row.kind),
        prefix=row.prefix,
        name=row.name,
        scopes=frozenset(row.scopes),
        expires_at=row.expires_at,
    )
