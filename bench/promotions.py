"""The promotion engine in process: 100 active rules against a 20-line cart (issue 4's benchmark).

`python -m bench.promotions [--steps N]` prints p50/p95/p99 of `evaluate` (and of compiling the 100 rules,
which happens once per store per rules version). No database: the engine is pure, so this measures it
alone; the per-request cost adds one primary-key lookup of the rules version (domain/promotions/cache.py)."""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.stats import Measurement, markdown_table
from domain.money import Money
from domain.promotions.engine import CodeFacts, EvaluationContext, compile_promotions, evaluate
from domain.promotions.models import Promotion, PromotionKind, PromotionStatus
from domain.promotions.snapshot import CartLine, CartSnapshot, CustomerFacts

RULES = 100
LINES = 20


def _rules(rnd: random.Random, products: list[uuid.UUID], categories: list[uuid.UUID]) -> list[Promotion]:
    """A realistic mix: item and order percentages, BOGOs, tiers, free shipping, bundles, with 2-4
    conditions each (subtotal, items, payment method, channel, day of week, local time)."""
    rows = []
    for n in range(RULES):
        items = {
            "products": [str(p) for p in rnd.sample(products, 3)],
            "categories": [str(rnd.choice(categories))],
        }
        action: dict[str, Any] = rnd.choice(
            [
                {"type": "items_percent", "percent": "15", "items": items},
                {"type": "order_percent", "percent": "5"},
                {
                    "type": "buy_x_get_y",
                    "buy_quantity": 2,
                    "buy_items": items,
                    "get_quantity": 1,
                    "get_items": items,
                    "percent": "100",
                },
                {
                    "type": "tiered",
                    "tiers": [
                        {"min_subtotal": 100000, "percent": "5"},
                        {"min_subtotal": 500000, "percent": "10"},
                    ],
                },
                {"type": "free_shipping"},
                {"type": "bundle_price", "components": [{"items": items, "quantity": 2}], "price": 50000},
            ]
        )
        conditions = {
            "op": "and",
            "conditions": [
                {"type": "subtotal_at_least", "amount": rnd.choice([0, 50000, 200000])},
                {"type": "contains", "items": items, "min_quantity": 1},
                {
                    "op": "or",
                    "conditions": [
                        {"type": "payment_method", "values": ["bkash", "nagad"]},
                        {"type": "channel", "values": ["app"]},
                    ],
                },
                {"type": "day_of_week", "days": [1, 2, 3, 4, 5, 6, 7]},
                {"type": "local_time", "from": "09:00", "until": "23:00"},
            ][: rnd.randint(2, 5)],
        }
        rows.append(
            Promotion(
                id=uuid.UUID(int=n + 1),
                name=f"rule {n}",
                description="",
                kind=PromotionKind.CODE if n % 10 == 0 else PromotionKind.AUTOMATIC,
                status=PromotionStatus.ACTIVE,
                priority=rnd.randint(0, 50),
                exclusive=n % 25 == 0,
                combines_with=rnd.sample(["order", "product", "shipping"], rnd.randint(1, 3)),
                currency="BDT",
                max_discount_amount=rnd.choice([None, 100000]),
                conditions=conditions,
                action=action,
                starts_at=None,
                ends_at=None,
            )
        )
    return rows


def run(steps: int, warmup: int) -> list[Measurement]:
    rnd = random.Random(4)
    products = [uuid.uuid4() for _ in range(60)]
    categories = [uuid.uuid4() for _ in range(12)]
    rows = _rules(rnd, products, categories)
    started = time.perf_counter()
    compile_samples = []
    for _ in range(50):
        t = time.perf_counter()
        compiled = compile_promotions(rows)
        compile_samples.append(time.perf_counter() - t)
    compile_wall = time.perf_counter() - started
    lines = tuple(
        CartLine(
            id=f"{i:02d}",
            variant_id=uuid.uuid4(),
            product_id=rnd.choice(products),
            quantity=rnd.randint(1, 4),
            unit_price=Money(rnd.randint(5000, 300000), "BDT"),
            category_ids=frozenset(rnd.sample(categories, 2)),
        )
        for i in range(LINES)
    )
    cart = CartSnapshot(
        currency="BDT",
        lines=lines,
        now=datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        shipping=Money(6000, "BDT"),
        customer=CustomerFacts(first_order=True),
        channel="app",
        payment_method="bkash",
    )
    codes = [CodeFacts(uuid.uuid4(), f"C{n}", row.id) for n, row in enumerate(rows) if n % 20 == 0]
    out = []
    for label, context in (
        ("evaluate", EvaluationContext()),
        ("evaluate, explaining", EvaluationContext(explain=True)),
    ):
        for _ in range(warmup):
            evaluate(cart, compiled, codes, context)
        samples = []
        started = time.perf_counter()
        for _ in range(steps):
            t = time.perf_counter()
            result = evaluate(cart, compiled, codes, context)
            samples.append(time.perf_counter() - t)
        wall = time.perf_counter() - started
        note = f"{RULES} rules x {LINES} lines; {len(result.applied)} applied"
        out.append(Measurement("promotions", label, 1, samples, wall, note))
    out.append(
        Measurement(
            "promotions", f"compile {RULES} rules", 1, compile_samples, compile_wall, "once per version"
        )
    )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.promotions", description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args(argv)
    print(markdown_table([m.summary() for m in run(args.steps, args.warmup)]))


if __name__ == "__main__":
    main()
