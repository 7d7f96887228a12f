"""Batch reads for the access area's loaders; results come back in key order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.models import ApiToken, Role, RolePermission


async def tokens_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ApiToken | None]:
    rows = {t.id: t for t in (await session.scalars(select(ApiToken).where(ApiToken.id.in_(ids)))).all()}
    return [rows.get(i) for i in ids]


async def roles_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Role | None]:
    rows = {r.id: r for r in (await session.scalars(select(Role).where(Role.id.in_(ids)))).all()}
    return [rows.get(i) for i in ids]


async def permissions_by_role(session: AsyncSession, role_ids: Sequence[uuid.UUID]) -> list[list[str]]:
    grouped: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(RolePermission.role_id, RolePermission.permission_code)
        .where(RolePermission.role_id.in_(role_ids))
        .order_by(RolePermission.permission_code)
    )
    for role_id, code in rows:
        grouped[role_id].append(code)
    return [grouped.get(i, []) for i in role_ids]
