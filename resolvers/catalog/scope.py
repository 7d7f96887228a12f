"""The locale and currency a request reads the catalog in.

An operation's `@inContext(locale:, currency:)` wins, then the request headers (`Accept-Language`,
`X-Currency`, already on the context), then the store's defaults. A locale or currency the store does
not support falls back to its default, so an answer is always in something the store has.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any, Protocol, cast

from graphql import OperationDefinitionNode, value_from_ast_untyped

from domain.access.models import TokenKind
from domain.catalog.locales import pick_currency, pick_locale
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork
from resolvers.context import Context


@dataclass(frozen=True)
class CatalogScope:
    store_id: uuid.UUID
    locale: str
    currency: str
    default_locale: str
    storefront: bool


class OperationInfo(Protocol):
    """What the scope needs of a resolver's info (strawberry's Info and graphql-core's both have it)."""

    @property
    def operation(self) -> OperationDefinitionNode: ...

    @property
    def variable_values(self) -> dict[str, Any]: ...


def in_context(info: OperationInfo) -> dict[str, Any]:
    for directive in info.operation.directives or ():
        if directive.name.value == "inContext":
            variables = dict(info.variable_values)
            return {
                a.name.value: value_from_ast_untyped(a.value, variables) for a in directive.arguments or ()
            }
    return {}


async def catalog_scope(ctx: Context, info: OperationInfo, uow: UnitOfWork | None = None) -> CatalogScope:
    """Resolved once per request; sibling resolvers running concurrently share the one lookup. A caller
    already in a read transaction passes its unit of work, so the store is read there rather than in a
    transaction of its own (one statement and one round trip fewer)."""
    loaders = ctx.loaders
    if loaders.catalog_scope is None:
        loaders.catalog_scope = asyncio.ensure_future(_resolve(ctx, in_context(info), uow))
    scope: CatalogScope = await loaders.catalog_scope  # type: ignore[misc]
    return scope


def scope_now(ctx: Context, info: OperationInfo) -> CatalogScope:
    """The scope, synchronously once resolved (a listing or product field resolves it before graphql-core
    walks into its products); until then an awaitable of it. For synchronous resolvers (resolvers.ready)."""
    task = ctx.loaders.catalog_scope
    if isinstance(task, asyncio.Future) and task.done() and not task.cancelled() and not task.exception():
        return cast(CatalogScope, task.result())
    return cast(CatalogScope, catalog_scope(ctx, info))


async def _resolve(ctx: Context, asked: dict[str, Any], uow: UnitOfWork | None) -> CatalogScope:
    if uow is not None:
        store = await current_store(uow)
    else:
        async with ctx.read_uow() as own:
            store = await current_store(own)
    ctx.cache_tags.add(f"store:{store.id}")
    scope = CatalogScope(
        store_id=store.id,
        locale=pick_locale(asked.get("locale") or ctx.locale, store.locales, store.default_locale),
        currency=pick_currency(
            asked.get("currency") or ctx.currency, store.currencies, store.default_currency
        ),
        default_locale=store.default_locale,
        storefront=ctx.principal.kind is not TokenKind.ADMIN,
    )
    ctx.loaders.catalog_locale = scope.locale
    return scope
