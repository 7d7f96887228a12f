"""Which event types a token may receive: its grants, a set of type patterns (domain/events/patterns.py).

Grants are per token and therefore per store (a token belongs to one store). A token holding
`events:subscribe` but no grant receives nothing: access to events is given explicitly, type by pattern.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select

from domain.access.models import ApiToken, TokenKind
from domain.errors import DomainError
from domain.events.errors import EventErrorCode
from domain.events.models import EventGrant
from domain.events.patterns import MAX_LENGTH, TypePatterns, is_valid
from domain.uow import UnitOfWork

MAX_GRANTS = 50


async def set_event_grants(uow: UnitOfWork, token_id: uuid.UUID, patterns: Sequence[str]) -> list[str]:
    """Replace a token's grants with `patterns` (an empty list withdraws them all); emits
    `event_grant.updated`. Returns the patterns now granted, sorted."""
    wanted = sorted({p.strip() for p in patterns})
    if len(wanted) > MAX_GRANTS:
        raise DomainError(EventErrorCode.INVALID, f"at most {MAX_GRANTS} patterns", field="types")
    bad = [p for p in wanted if not is_valid(p)]
    if bad:
        shown = ", ".join(repr(p[:MAX_LENGTH]) for p in bad[:5])
        raise DomainError(
            EventErrorCode.INVALID_PATTERN,
            f"not an event type pattern (`order.created`, `order.*` or `*`): {shown}",
            field="types",
        )
    token = await uow.session.get(ApiToken, token_id, with_for_update=True)
    if token is None:
        raise DomainError(EventErrorCode.NOT_FOUND, "token not found", field="tokenId")
    if token.kind is TokenKind.STOREFRONT:
        raise DomainError(
            EventErrorCode.NOT_GRANTABLE,
            "storefront tokens are public and receive no events",
            field="tokenId",
        )
    await uow.session.execute(delete(EventGrant).where(EventGrant.token_id == token_id))
    uow.session.add_all(EventGrant(token_id=token_id, pattern=p) for p in wanted)
    await uow.session.flush()
    uow.emit("event_grant.updated", {"token_id": str(token_id), "types": wanted})
    return wanted


async def granted_patterns(uow: UnitOfWork, token_id: uuid.UUID) -> list[str]:
    rows = await uow.session.scalars(
        select(EventGrant.pattern).where(EventGrant.token_id == token_id).order_by(EventGrant.pattern)
    )
    return list(rows.all())


async def granted_types(uow: UnitOfWork, token_id: uuid.UUID) -> TypePatterns:
    return TypePatterns.of(await granted_patterns(uow, token_id))
