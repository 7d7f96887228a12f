"""Per-request dataloaders. Each batch opens its own read unit of work: loaders run concurrently, and one
AsyncSession must never be shared between concurrent coroutines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import queries as access_queries
from domain.access.models import ApiToken, Role
from domain.documents import queries as document_queries
from domain.documents.models import PersistedDocument

if TYPE_CHECKING:
    from resolvers.context import Context

K = TypeVar("K")
V = TypeVar("V")


class _ScopedLoader(DataLoader, Generic[K, V]):  # type: ignore[misc,type-arg]
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.context.read_uow() as uow:
            return await type(self).fetch(uow.session, keys)


class TokenByIdLoader(_ScopedLoader[uuid.UUID, ApiToken | None]):
    fetch = staticmethod(access_queries.tokens_by_id)


class RoleByIdLoader(_ScopedLoader[uuid.UUID, Role | None]):
    fetch = staticmethod(access_queries.roles_by_id)


class PermissionsByRoleLoader(_ScopedLoader[uuid.UUID, list[str]]):
    fetch = staticmethod(access_queries.permissions_by_role)


class DocumentByIdLoader(_ScopedLoader[uuid.UUID, PersistedDocument | None]):
    fetch = staticmethod(document_queries.documents_by_id)


class Loaders:
    def __init__(self, context: Context) -> None:
        self.token_by_id = TokenByIdLoader(context)
        self.role_by_id = RoleByIdLoader(context)
        self.permissions_by_role = PermissionsByRoleLoader(context)
        self.document_by_id = DocumentByIdLoader(context)
