"""The engine on hand-written carts: each action, composition, caps and the reasons given."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from domain.money import Money
from domain.promotions.engine import CodeFacts, EvaluationContext, evaluate
from domain.promotions.models import PromotionKind
from domain.promotions.result import ReasonCode
from domain.promotions.snapshot import CustomerFacts
from tests.fixtures.promotions import cart, compiled, line, promotion

TEE, JEANS, CAP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def bdt(amount: int) -> Money:
    return Money(amount, "BDT")


def test_order_percent_is_allocated_over_lines_exactly() -> None:
    # given three lines of 333.33 and 10% off the order
    c = cart(line("a", 33333), line("b", 33333), line("c", 33333))
    p = promotion({"type": "order_percent", "percent": "10"})
    # when
    result = evaluate(c, compiled(p))
    # then 10% of 999.99 is 100.00 (half-even of 9999.9), split 33.34 / 33.33 / 33.33
    (applied,) = result.applied
    assert applied.amount == bdt(10000)
    assert [d.amount.amount for d in applied.lines] == [3334, 3333, 3333]
    assert result.total == bdt(99999 - 10000)


def test_bogo_gives_the_cheapest_unit_free() -> None:
    c = cart(line("a", 50000, 1, product=TEE), line("b", 30000, 2, product=TEE))
    items = {"products": [str(TEE)]}
    p = promotion(
        {
            "type": "buy_x_get_y",
            "buy_quantity": 1,
            "buy_items": items,
            "get_quantity": 1,
            "get_items": items,
            "percent": "100",
        }
    )
    result = evaluate(c, compiled(p))
    # three units (500, 300, 300): one application buys the 500 and gets a 300 free; the last 300 waits
    assert result.items_discount == bdt(30000)
    assert [(d.line_id, d.amount.amount) for d in result.applied[0].lines] == [("b", 30000)]


def test_tiers_pick_the_highest_threshold_reached() -> None:
    tiers = {
        "type": "tiered",
        "tiers": [{"min_subtotal": 300000, "percent": "5"}, {"min_subtotal": 500000, "amount": 50000}],
    }
    p = promotion(tiers, currency="BDT")
    assert evaluate(cart(line("a", 200000)), compiled(p)).applied == ()
    assert evaluate(cart(line("a", 400000)), compiled(p)).items_discount == bdt(20000)
    assert evaluate(cart(line("a", 600000)), compiled(p)).items_discount == bdt(50000)


def test_fixed_price_bundle_takes_the_difference() -> None:
    c = cart(
        line("tee", 60000, product=TEE), line("jeans", 150000, product=JEANS), line("cap", 10000, product=CAP)
    )
    p = promotion(
        {
            "type": "bundle_price",
            "components": [
                {"items": {"products": [str(TEE)]}, "quantity": 1},
                {"items": {"products": [str(JEANS)]}, "quantity": 1},
            ],
            "price": 180000,
        },
        currency="BDT",
    )
    result = evaluate(c, compiled(p))
    assert result.items_discount == bdt(30000)
    assert sum(d.amount.amount for d in result.applied[0].lines) == 30000
    assert {d.line_id for d in result.applied[0].lines} == {"tee", "jeans"}


def test_gift_in_the_cart_is_free_and_a_missing_gift_is_offered() -> None:
    gift = uuid.uuid4()
    p = promotion({"type": "gift", "variant_id": str(gift), "quantity": 1})
    with_gift = evaluate(cart(line("a", 100000), line("g", 5000, 2, variant=gift)), compiled(p))
    assert with_gift.items_discount == bdt(5000)
    without = evaluate(cart(line("a", 100000)), compiled(p))
    assert without.items_discount == bdt(0)
    assert [(g.variant_id, g.quantity) for g in without.gifts_to_add] == [(gift, 1)]


def test_free_shipping_over_a_threshold() -> None:
    p = promotion(
        {"type": "free_shipping"},
        {"op": "and", "conditions": [{"type": "subtotal_at_least", "amount": 200000}]},
        currency="BDT",
    )
    below = evaluate(
        cart(line("a", 100000), shipping=6000), compiled(p), context=EvaluationContext(explain=True)
    )
    assert below.shipping_discount == bdt(0)
    assert below.outcomes[0].reasons[0].code is ReasonCode.SUBTOTAL_BELOW
    above = evaluate(cart(line("a", 250000), shipping=6000), compiled(p))
    assert above.shipping_discount == bdt(6000)
    assert above.total == bdt(250000)


def test_bkash_only_discount_on_the_app() -> None:
    conditions = {
        "op": "and",
        "conditions": [
            {"type": "payment_method", "values": ["bkash"]},
            {"type": "channel", "values": ["app"]},
        ],
    }
    p = promotion({"type": "order_percent", "percent": "5"}, conditions)
    assert evaluate(
        cart(line("a", 10000), payment_method="bKash", channel="app"), compiled(p)
    ).items_discount == bdt(500)
    miss = evaluate(
        cart(line("a", 10000), payment_method="cod", channel="web"),
        compiled(p),
        context=EvaluationContext(explain=True),
    )
    assert [r.code for r in miss.outcomes[0].reasons] == [ReasonCode.PAYMENT_METHOD, ReasonCode.CHANNEL]


def test_store_local_day_and_time_windows() -> None:
    # Friday 20:30 in Dhaka is 14:30 UTC
    friday_evening = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)
    conditions = {
        "op": "and",
        "conditions": [
            {"type": "day_of_week", "days": [5]},
            {"type": "local_time", "from": "20:00", "until": "23:00"},
        ],
    }
    p = promotion({"type": "order_percent", "percent": "10"}, conditions)
    assert evaluate(cart(line("a", 10000), now=friday_evening), compiled(p)).applied
    tuesday = evaluate(cart(line("a", 10000)), compiled(p), context=EvaluationContext(explain=True))
    assert [r.code for r in tuesday.outcomes[0].reasons] == [ReasonCode.DAY_OF_WEEK, ReasonCode.OUTSIDE_HOURS]


def test_or_group_holds_when_one_alternative_does() -> None:
    vip = uuid.uuid4()
    conditions = {
        "op": "or",
        "conditions": [{"type": "customer_group", "ids": [str(vip)]}, {"type": "first_order"}],
    }
    p = promotion({"type": "order_percent", "percent": "10"}, conditions)
    assert evaluate(
        cart(line("a", 10000), customer=CustomerFacts(group_ids=frozenset({vip}))), compiled(p)
    ).applied
    assert evaluate(cart(line("a", 10000), customer=CustomerFacts(first_order=True)), compiled(p)).applied
    none = evaluate(cart(line("a", 10000)), compiled(p), context=EvaluationContext(explain=True))
    assert none.outcomes[0].reasons[0].code is ReasonCode.NO_ALTERNATIVE_MET


def test_exclusive_first_blocks_the_rest_and_later_exclusive_is_blocked() -> None:
    first = promotion({"type": "order_percent", "percent": "10"}, priority=1, exclusive=True, name="first")
    second = promotion({"type": "order_percent", "percent": "5"}, priority=2, name="second")
    result = evaluate(cart(line("a", 10000)), compiled(first, second))
    assert [a.name for a in result.applied] == ["first"]
    assert result.outcomes[1].reasons[0].code is ReasonCode.BLOCKED_BY_EXCLUSIVE
    late = promotion({"type": "order_percent", "percent": "50"}, priority=3, exclusive=True, name="late")
    result = evaluate(cart(line("a", 10000)), compiled(second, late))
    assert [a.name for a in result.applied] == ["second"]
    assert result.outcomes[1].reasons[0].code is ReasonCode.EXCLUSIVE_BLOCKED


def test_combination_classes_must_allow_each_other_both_ways() -> None:
    items = {"products": [str(TEE)]}
    product = promotion(
        {"type": "items_percent", "percent": "20", "items": items}, priority=1, combines_with=["shipping"]
    )
    order = promotion({"type": "order_percent", "percent": "10"}, priority=2, combines_with=["product"])
    shipping = promotion({"type": "free_shipping"}, priority=3, combines_with=["product"])
    result = evaluate(cart(line("a", 10000, product=TEE), shipping=5000), compiled(product, order, shipping))
    assert [a.discount_class.value for a in result.applied] == ["product", "shipping"]
    assert result.outcomes[1].reasons[0].code is ReasonCode.DOES_NOT_COMBINE


def test_cap_limits_a_promotion_and_its_split_still_sums() -> None:
    p = promotion({"type": "order_percent", "percent": "50"}, currency="BDT", max_discount_amount=10001)
    result = evaluate(cart(line("a", 30000), line("b", 10000), shipping=0), compiled(p))
    (applied,) = result.applied
    assert applied.amount == bdt(10001)
    assert sum(d.amount.amount for d in applied.lines) == 10001
    assert result.outcomes[0].reasons[1].code is ReasonCode.CAPPED


def test_later_discounts_see_what_earlier_ones_left() -> None:
    items = {"products": [str(TEE)]}
    first = promotion({"type": "items_fixed", "amount": 9000, "items": items}, priority=1, currency="BDT")
    second = promotion({"type": "order_fixed", "amount": 5000}, priority=2, currency="BDT")
    result = evaluate(cart(line("a", 10000, product=TEE)), compiled(first, second))
    assert [a.amount.amount for a in result.applied] == [9000, 1000]
    assert result.total == bdt(0)


def test_code_promotion_needs_a_valid_code() -> None:
    p = promotion({"type": "order_percent", "percent": "10"}, kind=PromotionKind.CODE)
    c = cart(line("a", 10000))
    assert evaluate(c, compiled(p)).outcomes[0].reasons[0].code is ReasonCode.CODE_REQUIRED
    code = CodeFacts(id=uuid.uuid4(), code="EID10", promotion_id=p.id, usage_limit=5, used=5)
    assert evaluate(c, compiled(p), [code]).outcomes[0].reasons[0].code is ReasonCode.CODE_USED_UP
    fresh = CodeFacts(id=uuid.uuid4(), code="EID10", promotion_id=p.id, usage_limit=5, used=4)
    result = evaluate(c, compiled(p), [fresh])
    assert result.applied[0].code == "EID10"
    assert result.applied[0].code_id == fresh.id


def test_several_codes_in_one_cart() -> None:
    a = promotion(
        {"type": "items_percent", "percent": "10", "items": {"products": [str(TEE)]}}, kind=PromotionKind.CODE
    )
    b = promotion({"type": "free_shipping"}, kind=PromotionKind.CODE)
    codes = [CodeFacts(uuid.uuid4(), "TEE10", a.id), CodeFacts(uuid.uuid4(), "SHIPFREE", b.id)]
    result = evaluate(cart(line("a", 10000, product=TEE), shipping=6000), compiled(a, b), codes)
    assert sorted(x.code or "" for x in result.applied) == ["SHIPFREE", "TEE10"]
    assert result.discount_total == bdt(7000)


def test_promotion_in_another_currency_does_not_apply() -> None:
    p = promotion({"type": "order_fixed", "amount": 500}, currency="USD")
    result = evaluate(cart(line("a", 10000)), compiled(p))
    assert result.outcomes[0].reasons[0].code is ReasonCode.OTHER_CURRENCY


def test_large_quantities_are_counted_per_line_not_per_unit() -> None:
    # 100 001 tees at 5.00: BOGO frees 50 000 of them; a "3 for 12.00" bundle saves 3.00 per 3 tees
    items = {"products": [str(TEE)]}
    bogo = promotion(
        {
            "type": "buy_x_get_y",
            "buy_quantity": 1,
            "buy_items": items,
            "get_quantity": 1,
            "get_items": items,
            "percent": "100",
        }
    )
    many = cart(line("a", 500, 100_001, product=TEE))
    assert evaluate(many, compiled(bogo)).items_discount == bdt(50_000 * 500)
    bundle = promotion(
        {"type": "bundle_price", "components": [{"items": items, "quantity": 3}], "price": 1200},
        currency="BDT",
    )
    assert evaluate(many, compiled(bundle)).items_discount == bdt(33_333 * 300)
