"""Customer sessions: an opaque token for storefront requests (header X-Customer-Token), stored only as
its sha256 (256 random bits: nothing to brute-force, so a fast hash suffices, as for API tokens)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from domain.access.principal import token_digest
from domain.customers.models import CustomerSession
from domain.uow import UnitOfWork

SESSION_TTL = timedelta(days=30)


async def open_session(uow: UnitOfWork, customer_id: uuid.UUID, *, ttl: timedelta = SESSION_TTL) -> str:
    token = f"stc_cs_{secrets.token_urlsafe(32)}"
    uow.session.add(
        CustomerSession(
            id=uuid.uuid4(),
            customer_id=customer_id,
            token_hash=token_digest(token),
            expires_at=uow.clock() + ttl,
        )
    )
    await uow.session.flush()
    return token


async def resolve_session(uow: UnitOfWork, token: str) -> uuid.UUID | None:
    """The customer a live session token belongs to in this store; None for unknown, expired or revoked."""
    return await uow.session.scalar(
        select(CustomerSession.customer_id).where(
            CustomerSession.token_hash == token_digest(token),
            CustomerSession.revoked_at.is_(None),
            CustomerSession.expires_at > uow.clock(),
        )
    )


async def close_session(uow: UnitOfWork, token: str) -> bool:
    """Log out: revoke this session. False when it was not live."""
    done = await uow.session.execute(
        update(CustomerSession)
        .where(CustomerSession.token_hash == token_digest(token), CustomerSession.revoked_at.is_(None))
        .values(revoked_at=uow.clock())
        .returning(CustomerSession.id)
    )
    return done.first() is not None


async def close_all_sessions(uow: UnitOfWork, customer_id: uuid.UUID) -> None:
    await uow.session.execute(
        update(CustomerSession)
        .where(CustomerSession.customer_id == customer_id, CustomerSession.revoked_at.is_(None))
        .values(revoked_at=uow.clock())
    )
