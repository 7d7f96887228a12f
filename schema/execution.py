"""A cheaper graphql-core execution context for the fields that need none of Strawberry's per-field wrapping.

Strawberry resolves every field through layers built for the general case: a `GraphQLResolveInfo`, a
Strawberry `Info`, argument conversion, the field-extension chain, exception handlers. A product listing
executes about 2,400 fields, most of them plain attributes (`slug`, `amount`, `currency`, `count`) or
synchronous methods taking only `self` and `info` (`title`, `price`); the wrapping cost about a sixth of
the CPU of an uncached listing. Here such fields are resolved directly:

- plain attributes (Strawberry's "basic" fields) of a scalar type holding a `str`, `int`, `float` or `bool`:
  `getattr` and the scalar's own output coercion, without an info object;
- synchronous resolvers with no GraphQL arguments and no field extensions: the resolver called with the same
  positional and keyword arguments Strawberry's `get_arguments` would pass it, and one info object per field
  of the document rather than one per list item;
- and whether a value is awaitable is answered without an attribute lookup for plain values.

Anything else (enums, lists, objects, nulls, arguments, extensions, async resolvers, introspection, errors)
takes graphql-core's and Strawberry's own path, so answers and errors are unchanged; tests/schema/
test_execution.py runs documents through both contexts and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from graphql.pyutils.is_awaitable import is_awaitable as default_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

BACKREF = "strawberry-definition"
_PLAIN_VALUES = frozenset({str, int, float, bool})
_MISSING = object()
_NEVER_AWAITABLE = frozenset({str, int, float, bool, type(None), list, dict, tuple})


class _Plain:
    """A basic field: read the attribute, coerce it as the scalar does."""

    __slots__ = ("name", "non_null", "scalar")

    def __init__(self, name: str, scalar: GraphQLLeafType, non_null: bool) -> None:
        self.name = name
        self.scalar = scalar
        self.non_null = non_null


class _Method:
    """A synchronous resolver without arguments: called as Strawberry would call it."""

    __slots__ = ("field", "func", "info_name", "pass_self", "source_names")

    def __init__(self, field: StrawberryField) -> None:
        resolver = field.base_resolver
        assert resolver is not None
        self.field = field
        self.func: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]
        self.pass_self = resolver.self_parameter is not None
        self.source_names = tuple(
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        )
        self.info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None


# Per GraphQLField (by identity: graphql-core's fields compare by value), what the fast path does with it,
# or None for the general path. The value keeps the field alive, so an id is never reused.
_PLANS: dict[int, tuple[GraphQLField, _Plain | _Method | None]] = {}


def _plan(field_def: GraphQLField) -> _Plain | _Method | None:
    found = _PLANS.get(id(field_def))
    if found is None:
        found = (field_def, _make_plan(field_def))
        _PLANS[id(field_def)] = found
    return found[1]


def _make_plan(field_def: GraphQLField) -> _Plain | _Method | None:
    field = (field_def.extensions or {}).get(BACKREF)
    if not isinstance(field, StrawberryField) or field.extensions or field_def.args:
        return None
    if getattr(field_def.resolve, "_is_default", False):
        inner = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
        # Enums keep the general path: their members are not plain values and serialize by name.
        if isinstance(inner, GraphQLScalarType) and field.default_resolver is getattr:
            return _Plain(field.python_name, inner, isinstance(field_def.type, GraphQLNonNull))
        return None
    resolver = field.base_resolver
    if resolver is None or field.is_async or resolver.arguments:
        return None
    return _Method(field)


_SharedInfo = tuple[FieldDetailsList, GraphQLResolveInfo[Any], Info[Any, Any]]


def _is_awaitable(value: Any) -> bool:
    # Most values graphql-core asks about are strings, numbers, dicts and lists: no attribute lookup for them.
    return type(value) not in _NEVER_AWAITABLE and default_is_awaitable(value)


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the direct paths described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_awaitable is default_is_awaitable:
            self.is_awaitable = _is_awaitable  # type: ignore[method-assign,assignment]
        # One info per field of the document and parent type, shared by every item of a list: the items'
        # resolvers read the context, the operation and the selection from it, never the path (errors take
        # the path graphql-core passes along). Keyed like graphql-core's own subfield memo, which keeps
        # the field list alive so its id is not reused.
        self._infos: dict[tuple[int, str], _SharedInfo] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        first = field_details_list[0].node
        field_def = parent_type.fields.get(first.name.value)
        plan = None if field_def is None or first.arguments else _plan(field_def)
        if plan is None or self.middleware_manager is not None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        if isinstance(plan, _Plain):
            value = getattr(source, plan.name, _MISSING)
            if type(value) in _PLAIN_VALUES:
                coerced = plan.scalar.coerce_output_value(value)
                if coerced is not None and coerced is not Undefined:
                    return coerced
            elif value is None and not plan.non_null:
                return None
            # Anything unusual (another type, a null where none may be): the general path, with its errors.
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        return self._execute_method(
            plan,
            field_def,  # type: ignore[arg-type]  # not None when there is a plan
            parent_type,
            source,
            field_details_list,
            path,
            position_context,
        )

    def _execute_method(
        self,
        plan: _Method,
        field_def: GraphQLField,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        return_type = field_def.type
        info = self.build_resolve_info(field_def, [d.node for d in field_details_list], parent_type, path)
        try:
            kwargs: dict[str, Any] = {}
            for name in plan.source_names:
                kwargs[name] = source
            if plan.info_name is not None:
                kwargs[plan.info_name] = Info(_raw_info=info, _field=plan.field)
            result = plan.func(source, **kwargs) if plan.pass_self else plan.func(**kwargs)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, result, position_context
                )
            completed = self.complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(
        self, completed: Any, return_type: Any, field_details_list: FieldDetailsList, path: Path
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
