"""Static limits on a document (depth, aliases, cost), computed before any resolver runs, and the
per-token cost budget (a leaky bucket in Redis, reported in Shopify's `extensions.cost` shape)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

MUTATION_COST = 10
PAGE_ARGS = ("first", "last")


@dataclass(frozen=True)
class Analysis:
    depth: int
    aliases: int
    cost: int


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
        default_page: int,
        max_page: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page = default_page
        self.max_page = max_page
        self.aliases = 0

    def _page_size(self, node: FieldNode) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value not in PAGE_ARGS:
                continue
            if isinstance(arg.value, IntValueNode):
                return max(0, int(arg.value.value))
            if isinstance(arg.value, VariableNode):
                # Unknown until execution (a persisted document is costed once): assume the worst.
                value = (self.variables or {}).get(arg.value.name.value)
                return int(value) if isinstance(value, int) else self.max_page
        return None

    def walk(
        self, parent: Any, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> tuple[int, int]:
        """Return (depth, cost) of a selection set on `parent`."""
        if selection_set is None:
            return 0, 0
        depth, cost = 0, 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.alias is not None:
                    self.aliases += 1
                name = sel.name.value
                if name.startswith("__"):
                    depth = max(depth, 1)
                    continue
                fields = getattr(parent, "fields", {})
                field_def = fields.get(name)
                if field_def is None:
                    continue
                named = get_named_type(field_def.type)
                composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
                child_depth, child_cost = self.walk(named, sel.selection_set, seen)
                page = self._page_size(sel) if composite else None
                own = 1 if composite else 0
                if page is None and composite and _is_connection(named):
                    page = self.default_page
                cost += own + (child_cost * page if page is not None else child_cost)
                depth = max(depth, 1 + child_depth)
            elif isinstance(sel, InlineFragmentNode):
                target = parent
                if sel.type_condition is not None:
                    target = self.schema.get_type(sel.type_condition.name.value) or parent
                d, c = self.walk(target, sel.selection_set, seen)
                depth, cost = max(depth, d), cost + c
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = self.fragments.get(name)
                if frag is None or name in seen:
                    continue
                target = self.schema.get_type(frag.type_condition.name.value) or parent
                d, c = self.walk(target, frag.selection_set, seen | {name})
                depth, cost = max(depth, d), cost + c
        return depth, cost


def _is_connection(named: Any) -> bool:
    return bool(getattr(named, "name", "").endswith("Connection"))


def analyse(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    *,
    variables: dict[str, Any] | None = None,
    default_page: int = 20,
    max_page: int = 100,
) -> Analysis:
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walker = _Walker(schema, fragments, variables, default_page, max_page)
    depth, cost = walker.walk(root, operation.selection_set, frozenset())
    if operation.operation is OperationType.MUTATION:
        cost += MUTATION_COST * len(operation.selection_set.selections)
    return Analysis(depth=depth, aliases=walker.aliases, cost=cost)


_BUCKET = """
local cap, rate, now, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'level', 'ts')
local level = tonumber(state[1]) or cap
local ts = tonumber(state[2]) or now
level = math.min(cap, level + (now - ts) * rate / 1000)
local ok = 0
if cost < 0 then level = math.min(cap, level - cost); ok = 1
elseif level >= cost then level = level - cost; ok = 1 end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate * 1000) + 1000)
return {ok, tostring(level)}
"""


class LeakyBuckets:
    """Leaky buckets in Redis, one atomic script call each: a bucket holds up to `capacity` points and
    refills at `rate` points a second; `spend` takes `cost` points when the bucket holds them (a negative
    cost gives points back, up to the capacity). Redis errors reach the caller, who decides how to fail."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._script = redis.register_script(_BUCKET)

    async def spend(self, key: str, *, capacity: float, rate: float, cost: float) -> Throttle:
        ok, level = await self._script(keys=[key], args=[capacity, rate, int(time.time() * 1000), cost])
        return Throttle(allowed=bool(int(ok)), available=float(level))

    async def reset(self, key: str) -> None:
        await self.redis.delete(key)


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    available: float | None


class CostBudget:
    """Leaky bucket per token: `capacity` points, refilled at `rate` points a second."""

    def __init__(self, redis: Redis, *, capacity: int, rate: int) -> None:
        self.buckets = LeakyBuckets(redis)
        self.capacity = capacity
        self.rate = rate

    async def spend(self, store_id: str, token_id: str, cost: int) -> Throttle:
        key = f"{{{store_id}}}:cost:{token_id}"
        try:
            return await self.buckets.spend(key, capacity=self.capacity, rate=self.rate, cost=cost)
        except (RedisError, OSError) as exc:
            log.warning("cost budget unavailable, allowing request", extra={"error": str(exc)})
            return Throttle(allowed=True, available=None)

    def extension(self, cost: int, throttle: Throttle | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requestedQueryCost": cost,
            "actualQueryCost": cost if throttle is None or throttle.allowed else 0,
        }
        if throttle is not None and throttle.available is not None:
            out["throttleStatus"] = {
                "maximumAvailable": float(self.capacity),
                "currentlyAvailable": round(throttle.available, 1),
                "restoreRate": float(self.rate),
            }
        return out
