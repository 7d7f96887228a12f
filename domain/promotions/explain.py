"""The merchant's explanation: for a cart, every active rule and why it applied or did not.

A read: it evaluates, it never reserves a code or writes anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text

from domain.promotions.cache import PromotionCache
from domain.promotions.cart_facts import CartRequest, build_snapshot
from domain.promotions.engine import CodeFacts, EvaluationContext, evaluate
from domain.promotions.line_pricer import LinePricer
from domain.promotions.result import PromotionResult
from domain.promotions.snapshot import CartSnapshot
from domain.uow import UnitOfWork

_CODES = text(
    """
    SELECT id, code, promotion_id, usage_limit, used, valid_from, valid_until, min_subtotal_amount,
        first_order_only
    FROM discount_codes WHERE store_id = :store AND lower(code) = ANY(:codes)
    """
)


@dataclass(frozen=True)
class Explanation:
    snapshot: CartSnapshot
    result: PromotionResult
    # Codes the cart carries that the store does not have, as typed.
    unknown_codes: tuple[str, ...]


async def lookup_codes(uow: UnitOfWork, codes: Sequence[str]) -> tuple[list[CodeFacts], tuple[str, ...]]:
    """The store's codes among `codes` (case-insensitive, one statement), and the ones it does not have."""
    wanted = {c.strip().casefold(): c.strip() for c in codes if c.strip()}
    if not wanted:
        return [], ()
    rows = await uow.session.execute(_CODES, {"store": uow.store_id, "codes": sorted(wanted)})
    found = [
        CodeFacts(
            id=r.id,
            code=r.code,
            promotion_id=r.promotion_id,
            usage_limit=r.usage_limit,
            used=r.used,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            min_subtotal_amount=r.min_subtotal_amount,
            first_order_only=r.first_order_only,
        )
        for r in rows
    ]
    known = {f.code.casefold() for f in found}
    return found, tuple(sorted(v for k, v in wanted.items() if k not in known))


async def explain_cart(
    uow: UnitOfWork, request: CartRequest, *, pricer: LinePricer, cache: PromotionCache
) -> Explanation:
    snapshot = await build_snapshot(uow, request, pricer=pricer)
    compiled = await cache.get(uow)
    codes, unknown = await lookup_codes(uow, request.codes)
    result = evaluate(snapshot, compiled, codes, EvaluationContext(explain=True))
    return Explanation(snapshot, result, unknown)
