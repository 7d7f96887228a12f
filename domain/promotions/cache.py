"""Compiled promotions, cached per store in each process and rebuilt when the store's rules change.

Every promotion write bumps `promotion_rules_versions.version` in its own transaction (`bump`), so the
version commits or rolls back with the change. A reader compares the version (one primary-key lookup) with
the one it compiled; only a different version reloads and recompiles. No event delivery, TTL or purge
race can serve stale rules after the change committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, text

from domain.promotions.engine import CompiledPromotions, compile_promotions
from domain.promotions.models import Promotion, PromotionStatus
from domain.uow import UnitOfWork

_BUMP = text(
    "INSERT INTO promotion_rules_versions AS v (store_id, version) VALUES (:store, 1)"
    " ON CONFLICT (store_id) DO UPDATE SET version = v.version + 1 RETURNING version"
)
_READ = text("SELECT version FROM promotion_rules_versions WHERE store_id = :store")


async def bump(uow: UnitOfWork) -> int:
    """Mark the store's rules changed, in the caller's transaction."""
    return int((await uow.session.execute(_BUMP, {"store": uow.store_id})).scalar_one())


async def current_version(uow: UnitOfWork) -> int:
    return int((await uow.session.execute(_READ, {"store": uow.store_id})).scalar() or 0)


@dataclass
class PromotionCache:
    """One per process (the gateway's state; tests make their own). Holds compiled rules, never rows."""

    entries: dict[uuid.UUID, CompiledPromotions] = field(default_factory=dict)
    compilations: int = 0

    async def get(self, uow: UnitOfWork) -> CompiledPromotions:
        version = await current_version(uow)
        cached = self.entries.get(uow.store_id)
        if cached is not None and cached.version == version:
            return cached
        rows = await uow.session.scalars(select(Promotion).where(Promotion.status == PromotionStatus.ACTIVE))
        compiled = compile_promotions(rows.all(), version=version)
        self.entries[uow.store_id] = compiled
        self.compilations += 1
        return compiled


# The process's cache. Compiled rules are immutable and keyed by store, so sharing it across requests is
# safe (unlike dataloaders, it holds no rows a request could leak).
PROCESS_CACHE = PromotionCache()
