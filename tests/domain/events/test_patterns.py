"""Event type patterns: what grants and `types` match, in Python (live) and in SQL (replay) alike."""

from __future__ import annotations

import pytest
from sqlalchemy import column, select, values
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import String

from domain.events.patterns import EventFilter, TypePatterns, is_valid

TYPES = ["order.created", "order.paid", "orders.x", "order", "role.created", "api_token.created", "a%b.c"]


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        ("*", True),
        ("order.*", True),
        ("order.created", True),
        ("api_token.created", True),
        ("order.**", False),
        ("*.created", False),
        ("Order.created", False),
        ("order created", False),
        ("order.", False),
        ("", False),
        ("a" * 101, False),
        ("order%", False),
    ],
)
def test_valid_patterns(pattern: str, valid: bool) -> None:
    assert is_valid(pattern) is valid


@pytest.mark.parametrize(
    ("patterns", "matched"),
    [
        (["*"], TYPES),
        (["order.*"], ["order.created", "order.paid"]),
        (["order.created", "role.*"], ["order.created", "role.created"]),
        ([], []),
    ],
)
async def test_python_and_sql_agree(
    patterns: list[str], matched: list[str], owner_engine: AsyncEngine
) -> None:
    only = TypePatterns.of(patterns)
    assert [t for t in TYPES if only.matches(t)] == matched
    table = values(column("type", String), name="t").data([(t,) for t in TYPES])
    async with owner_engine.connect() as conn:
        rows = (await conn.execute(select(table.c.type).where(only.where(table.c.type)))).scalars().all()
    assert sorted(rows) == sorted(matched)


def test_a_filter_is_the_grants_narrowed_by_the_request() -> None:
    only = EventFilter(TypePatterns.of(["order.*"]), TypePatterns.of(["order.paid", "role.created"]))
    assert [t for t in TYPES if only.matches(t)] == ["order.paid"]
    assert [t for t in TYPES if EventFilter(TypePatterns.of(["order.*"])).matches(t)] == [
        "order.created",
        "order.paid",
    ]
