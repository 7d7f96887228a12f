"""The rule validator on arbitrary JSON: it never crashes, and whatever it accepts compiles and evaluates."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.promotions.actions import ACTION_TYPES
from domain.promotions.conditions import LEAF_TYPES
from domain.promotions.engine import EvaluationContext, evaluate
from domain.promotions.limits import PromotionLimits
from domain.promotions.rules import _action, _Check, _condition
from tests.fixtures.promotions import cart, compiled, line, promotion

KEYS = st.sampled_from(
    [
        "type",
        "op",
        "conditions",
        "items",
        "products",
        "amount",
        "percent",
        "quantity",
        "min_quantity",
        "values",
        "days",
        "from",
        "until",
        "tiers",
        "min_subtotal",
        "components",
        "price",
        "buy_quantity",
        "buy_items",
        "get_quantity",
        "get_items",
        "max_amount",
        "max_applications",
        "ids",
    ]
)
WORDS = st.sampled_from(
    [
        *LEAF_TYPES,
        *ACTION_TYPES,
        "and",
        "or",
        "web",
        "bkash",
        "09:00",
        "23:30",
        "7.5",
        "2026-12-01T00:00:00+06:00",
        "2026-12-01",
    ]
) | st.text(max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=True) | WORDS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=1500, deadline=None)
@given(VALUES, VALUES)
def test_validator_never_crashes_and_what_it_accepts_evaluates(conditions: Any, action: Any) -> None:
    check = _Check(PromotionLimits())
    tree = _condition(check, conditions, "conditions", 0)
    normal = _action(check, action)
    if check.errors or check.refs:
        return
    if tree and "op" not in tree:
        tree = {"op": "and", "conditions": [tree]}
    row = promotion(normal, tree or {"op": "and", "conditions": []}, currency="BDT")
    result = evaluate(
        cart(line("a", 12345, 3), shipping=500), compiled(row), context=EvaluationContext(explain=True)
    )
    assert result.total.amount >= 0


def test_the_stored_form_validates_again_unchanged() -> None:
    check = _Check(PromotionLimits())
    raw = {
        "type": "buy_x_get_y",
        "buy_quantity": 2,
        "buy_items": {"products": [str(uuid.UUID(int=1))]},
        "get_quantity": 1,
        "get_items": {"products": [str(uuid.UUID(int=1))]},
        "percent": 50.0,
    }
    first = _action(check, raw)
    assert first["percent"] == "50"
    assert _action(check, first) == first
    assert check.errors == []
