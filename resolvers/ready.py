"""Synchronous resolvers over values a request may already hold.

graphql-core awaits whatever awaitable a resolver returns, so a resolver declared with `def` may return its
value when the request has read what it needs (a prefetch primed the loaders: `Loader.now`), or an
awaitable of it otherwise. The value saves a coroutine per field, and for list items a task: on a product
listing that was most of the execution cost. `then` is typed as returning the value so that a resolver's
annotation stays its GraphQL type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


def then(value: T | Awaitable[T], fn: Callable[[T], R | Awaitable[R]]) -> R:
    """`fn(value)` now if the value is at hand, else an awaitable of it (`fn` may itself return either)."""
    if isawaitable(value):
        return cast(R, _later(value, fn))
    return cast(R, fn(value))


async def _later(value: Awaitable[T], fn: Callable[[T], R | Awaitable[R]]) -> R:
    result = fn(await value)
    if isawaitable(result):
        return await result
    return result
