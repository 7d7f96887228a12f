"""Helpers to wrap resolver pages into Relay connections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry import relay

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
