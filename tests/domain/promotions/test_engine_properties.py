"""Invariants of the engine over generated carts and rule sets (hypothesis): a total is never negative,
no discount exceeds what it applies to, allocations sum exactly, and the order of lines, rules and
codes never changes the result."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import allocate
from domain.promotions.engine import CodeFacts, CompiledPromotions, evaluate
from domain.promotions.models import Promotion, PromotionKind
from domain.promotions.result import PromotionResult
from domain.promotions.selectors import Selector
from domain.promotions.snapshot import CartLine, CartSnapshot, CustomerFacts
from tests.fixtures.promotions import NOW, compiled, line, promotion

PRODUCTS = [uuid.UUID(int=i + 1) for i in range(4)]
VARIANTS = [uuid.UUID(int=100 + i) for i in range(8)]
CLASSES = ["order", "product", "shipping"]

percents = st.integers(1, 10000).map(lambda n: str(n / 100) if n % 100 else str(n // 100))
amounts = st.integers(1, 300_000)
selectors = st.one_of(
    st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True).map(
        lambda ids: {"products": [str(i) for i in ids]}
    ),
    st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=4, unique=True).map(
        lambda ids: {"variants": [str(i) for i in ids]}
    ),
)
actions = st.one_of(
    st.builds(lambda p: {"type": "order_percent", "percent": p}, percents),
    st.builds(lambda a: {"type": "order_fixed", "amount": a}, amounts),
    st.builds(lambda p, s: {"type": "items_percent", "percent": p, "items": s}, percents, selectors),
    st.builds(lambda a, s: {"type": "items_fixed", "amount": a, "items": s}, amounts, selectors),
    st.builds(
        lambda b, s1, g, s2, p: {
            "type": "buy_x_get_y",
            "buy_quantity": b,
            "buy_items": s1,
            "get_quantity": g,
            "get_items": s2,
            "percent": p,
        },
        st.integers(1, 3),
        selectors,
        st.integers(1, 2),
        selectors,
        percents,
    ),
    st.builds(lambda m: {"type": "free_shipping", **({"max_amount": m} if m else {})}, st.none() | amounts),
    st.builds(
        lambda ts: {"type": "tiered", "tiers": [{"min_subtotal": m, "percent": p} for m, p in ts]},
        st.lists(st.tuples(amounts, percents), min_size=1, max_size=3, unique_by=lambda t: t[0]),
    ),
    st.builds(
        lambda cs, price: {"type": "bundle_price", "components": cs, "price": price},
        st.lists(
            st.builds(lambda s, q: {"items": s, "quantity": q}, selectors, st.integers(1, 2)),
            min_size=1,
            max_size=2,
        ),
        st.integers(0, 200_000),
    ),
    st.builds(
        lambda v, q: {"type": "gift", "variant_id": str(v), "quantity": q},
        st.sampled_from(VARIANTS),
        st.integers(1, 3),
    ),
)
conditions = st.one_of(
    st.just({"op": "and", "conditions": []}),
    st.builds(lambda a: {"op": "and", "conditions": [{"type": "subtotal_at_least", "amount": a}]}, amounts),
    st.builds(
        lambda s, q: {
            "op": "or",
            "conditions": [{"type": "contains", "items": s, "min_quantity": q}, {"type": "first_order"}],
        },
        selectors,
        st.integers(1, 3),
    ),
)


@st.composite
def promotions(draw: st.DrawFn) -> Promotion:
    return promotion(
        draw(actions),
        draw(conditions),
        id=uuid.UUID(int=draw(st.integers(1, 2**64))),
        kind=draw(st.sampled_from([PromotionKind.AUTOMATIC, PromotionKind.AUTOMATIC, PromotionKind.CODE])),
        priority=draw(st.integers(0, 5)),
        exclusive=draw(st.booleans()),
        combines_with=draw(st.lists(st.sampled_from(CLASSES), unique=True)),
        max_discount_amount=draw(st.none() | amounts),
        currency="BDT",
    )


@st.composite
def lines(draw: st.DrawFn) -> list[CartLine]:
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        variant = draw(st.sampled_from(VARIANTS))
        out.append(
            line(
                f"l{i}",
                draw(st.integers(0, 200_000)),
                draw(st.integers(1, 5)),
                variant=variant,
                product=PRODUCTS[VARIANTS.index(variant) % len(PRODUCTS)],
            )
        )
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[CartLine], int | None, list[Promotion], list[CodeFacts], bool]:
    rows = draw(st.lists(promotions(), max_size=6, unique_by=lambda p: p.id))
    code_rows = [p for p in rows if p.kind is PromotionKind.CODE]
    codes = [
        CodeFacts(uuid.UUID(int=i + 1), f"CODE{i}", p.id)
        for i, p in enumerate(code_rows)
        if draw(st.booleans())
    ]
    return draw(lines()), draw(st.none() | st.integers(0, 20_000)), rows, codes, draw(st.booleans())


def _cart(items: list[CartLine], shipping: int | None, first: bool) -> CartSnapshot:
    from domain.money import Money

    return CartSnapshot(
        currency="BDT",
        lines=tuple(items),
        now=NOW,
        shipping=Money(shipping, "BDT") if shipping is not None else None,
        customer=CustomerFacts(first_order=first),
    )


def _targets(action: dict[str, Any], items: list[CartLine]) -> set[str]:
    """Ids of the lines an action may discount."""
    if action["type"] in ("items_percent", "items_fixed"):
        selectors = [Selector.from_json(action["items"])]
    elif action["type"] == "buy_x_get_y":
        selectors = [Selector.from_json(action["get_items"])]
    elif action["type"] == "bundle_price":
        selectors = [Selector.from_json(c["items"]) for c in action["components"]]
    elif action["type"] == "gift":
        return {ln.id for ln in items if str(ln.variant_id) == action["variant_id"]}
    elif action["type"] == "free_shipping":
        return set()
    else:
        return {ln.id for ln in items}
    return {ln.id for ln in items if any(s.matches(ln) for s in selectors)}


def _canonical(result: PromotionResult) -> Any:
    return (result.applied, result.line_totals, result.outcomes, result.total, result.gifts_to_add)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_totals_never_negative_and_discounts_never_exceed_their_base(scenario: Any) -> None:
    items, shipping, rows, codes, first = scenario
    cart = _cart(items, shipping, first)
    result = evaluate(cart, compiled(*rows), codes)
    amounts = {ln.id: ln.amount for ln in items}
    assert result.total.amount >= 0
    assert all(t.amount.amount >= 0 for t in result.line_totals)
    per_line: dict[str, int] = dict.fromkeys(amounts, 0)
    shipping_total = 0
    for applied in result.applied:
        # each promotion's allocation sums exactly to its amount
        assert sum(d.amount.amount for d in applied.lines) + applied.shipping.amount == applied.amount.amount
        assert all(d.amount.amount > 0 for d in applied.lines)
        assert applied.shipping.amount >= 0
        cap = next(r.max_discount_amount for r in rows if r.id == applied.promotion_id)
        assert cap is None or applied.amount.amount <= cap
        # an item discount lands only on the lines its action names
        action = next(r.action for r in rows if r.id == applied.promotion_id)
        allowed = _targets(action, items)
        assert all(d.line_id in allowed for d in applied.lines), (action, applied.lines)
        for d in applied.lines:
            per_line[d.line_id] += d.amount.amount
        shipping_total += applied.shipping.amount
    # no line is discounted beyond its amount, shipping beyond shipping
    assert all(per_line[i] <= amounts[i] for i in amounts)
    assert shipping_total <= cart.shipping_amount.amount
    # the totals are the sums of their parts
    assert {t.line_id: t.amount.amount for t in result.line_totals} == {
        i: amounts[i] - per_line[i] for i in amounts
    }
    assert result.items_discount.amount == sum(per_line.values())
    assert result.shipping_discount.amount == shipping_total
    assert (
        result.total.amount
        == cart.subtotal.amount + cart.shipping_amount.amount - result.discount_total.amount
    )


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_same_cart_and_rules_in_any_order_give_the_same_result(scenario: Any, rnd: Any) -> None:
    items, shipping, rows, codes, first = scenario
    expected = evaluate(_cart(items, shipping, first), compiled(*rows), codes)
    shuffled_items, shuffled_rows, shuffled_codes = list(items), list(rows), list(codes)
    rnd.shuffle(shuffled_items)
    rnd.shuffle(shuffled_rows)
    rnd.shuffle(shuffled_codes)
    # CompiledPromotions handed over in any order too, not only rows
    promos = compiled(*shuffled_rows)
    reordered = CompiledPromotions(tuple(rnd.sample(list(promos.promotions), len(promos.promotions))))
    actual = evaluate(_cart(shuffled_items, shipping, first), reordered, shuffled_codes)
    assert _canonical(actual) == _canonical(expected)


@settings(max_examples=500, deadline=None)
@given(st.integers(-(10**12), 10**12), st.lists(st.integers(0, 10**9), min_size=1, max_size=30))
def test_allocation_sums_exactly_and_stays_within_proportion(amount: int, weights: list[int]) -> None:
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    whole = sum(weights) or len(weights)
    basis = weights if sum(weights) else [1] * len(weights)
    for part, weight in zip(parts, basis, strict=True):
        exact = abs(amount) * weight / whole
        assert abs(abs(part) - exact) < 1 + 1e-6
