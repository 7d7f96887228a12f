"""What a document selects of products, so the resolver reads it up front (resolvers.catalog.prefetch)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.catalog.prefetch import Wants
from schema.catalog.types import Info


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    # Fragments are flattened: a field is wanted wherever it is spelled.
    for s in selections:
        if isinstance(s, SelectedField):
            yield s
        elif isinstance(s, FragmentSpread | InlineFragment):
            yield from _fields(s.selections)


def _under(selections: Iterable[Selection], *path: str) -> list[Selection]:
    found = list(selections)
    for name in path:
        found = [s for f in _fields(found) if f.name == name for s in f.selections]
    return found


def _wants(products: list[Selection]) -> Wants:
    return Wants(
        product=frozenset(f.name for f in _fields(products)),
        variant=frozenset(f.name for f in _fields(_under(products, "variants"))),
    )


def product_wants(info: Info) -> Wants:
    """For a field returning a product."""
    return _wants([s for f in info.selected_fields for s in f.selections])


def connection_wants(info: Info) -> Wants:
    """For a field returning a product connection: its `edges.node` and `nodes`."""
    top = [s for f in info.selected_fields for s in f.selections]
    return _wants(_under(top, "edges", "node") + _under(top, "nodes"))


def selects(info: Info, name: str) -> bool:
    """Whether the document selects `name` on the field's own value (e.g. `facets` on a connection)."""
    return any(f.name == name for f in _fields(s for f in info.selected_fields for s in f.selections))
