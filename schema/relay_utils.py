"""Relay helpers: wrapping resolver pages into connections, and `node(id:)` answering null for any id."""

from __future__ import annotations

from collections.abc import Callable
from inspect import isawaitable
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.extensions.field_extension import AsyncExtensionResolver, SyncExtensionResolver
from strawberry.relay.types import GlobalIDValueError

from resolvers.pagination import Page

M = TypeVar("M")


def connection(page: Page[M], wrap: Callable[[M], Any]) -> relay.Connection[Any]:
    edges = [relay.Edge(cursor=cursor, node=wrap(item)) for cursor, item in page.items]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


class UnknownTypeIsNull(strawberry.extensions.FieldExtension):
    """An id naming no Node type (`base64(":x")`, `base64("Shop:x")`) finds nothing, as an id of no row does.

    Strawberry raises GlobalIDValueError for it, which would reach the client as an internal error.
    """

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except GlobalIDValueError:
            return None

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        try:
            result = next_(source, info, **kwargs)
            return await result if isawaitable(result) else result
        except GlobalIDValueError:
            return None
