"""Event type patterns: `order.created` (one type), `order.*` (every type under `order.`) or `*` (all).

Grants and a subscription's `types` argument are both pattern sets; an event reaches a subscriber when
its type matches the grants and (when given) the requested types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

# Lower-case dotted words (`api_token.created`), optionally ending in `.*`; or `*` alone.
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")
MAX_LENGTH = 100


def is_valid(pattern: str) -> bool:
    return len(pattern) <= MAX_LENGTH and _PATTERN.match(pattern) is not None


@dataclass(frozen=True)
class TypePatterns:
    """A set of patterns; `everything` when it holds `*`."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    everything: bool = False

    @classmethod
    def of(cls, patterns: Iterable[str]) -> TypePatterns:
        exact: set[str] = set()
        prefixes: set[str] = set()
        everything = False
        for p in patterns:
            if p == "*":
                everything = True
            elif p.endswith(".*"):
                prefixes.add(p[:-1])  # keep the dot: `order.*` matches `order.created`, not `orders.x`
            else:
                exact.add(p)
        return cls(frozenset(exact), tuple(sorted(prefixes)), everything)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.exact or self.prefixes)

    def matches(self, type_: str) -> bool:
        return self.everything or type_ in self.exact or type_.startswith(self.prefixes)

    def where(self, column: Any) -> ColumnElement[bool]:
        """The same test as SQL on a type column (for replay)."""
        if self.everything:
            return true()
        terms: list[ColumnElement[bool]] = []
        if self.exact:
            terms.append(column.in_(sorted(self.exact)))
        terms += [column.startswith(p, autoescape=True) for p in self.prefixes]
        return or_(*terms) if terms else false()


@dataclass(frozen=True)
class EventFilter:
    """What one subscription receives: the token's grants, narrowed by the requested types if any."""

    granted: TypePatterns
    requested: TypePatterns | None = None

    def matches(self, type_: str) -> bool:
        return self.granted.matches(type_) and (self.requested is None or self.requested.matches(type_))

    def where(self, column: Any) -> ColumnElement[bool]:
        clause = self.granted.where(column)
        return clause if self.requested is None else clause & self.requested.where(column)
