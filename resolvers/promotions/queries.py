"""Admin reads of promotions and codes, and the explanation of a cart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from domain.db import utcnow
from domain.errors import DomainError
from domain.promotions.cart_facts import CartRequest
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.explain import Explanation, explain_cart
from domain.promotions.line_pricer import EntryPointPricer, LinePricer, LineToPrice
from domain.promotions.models import DiscountCode, Promotion, PromotionStatus
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import decode_global_id, require_id
from resolvers.pagination import Page, keyset, page_size, to_page

# The explanation prices lines with the catalog's base prices until the pricing entry point is merged;
# swapping this one object is the whole change (domain/promotions/line_pricer.py).
PRICER: LinePricer = EntryPointPricer()
MAX_LINES = 250


async def list_promotions(
    ctx: Context, *, first: int | None, after: str | None, status: PromotionStatus | None
) -> Page[Promotion]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = select(Promotion)
        if status is not None:
            stmt = stmt.where(Promotion.status == status)
        stmt = keyset(stmt, Promotion.created_at, Promotion.id, first=size, after=after)
        rows = (await uow.session.scalars(stmt)).all()
    ctx.loaders.promotion_by_id.prime_many((r.id, r) for r in rows)
    return to_page(rows, size, after=after, key=lambda r: (r.created_at, r.id))


async def list_codes(
    ctx: Context, *, promotion_id: str, first: int | None, after: str | None
) -> Page[DiscountCode]:
    size = page_size(first, ctx.default_page_size)
    pid = decode_global_id(promotion_id, "Promotion")
    if pid is None:
        return Page([], False, after is not None)
    async with ctx.read_uow() as uow:
        stmt = keyset(
            select(DiscountCode).where(DiscountCode.promotion_id == pid),
            DiscountCode.created_at,
            DiscountCode.id,
            first=size,
            after=after,
        )
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda r: (r.created_at, r.id))


async def promotion(ctx: Context, promotion_id: uuid.UUID) -> Promotion | None:
    found: Promotion | None = await ctx.loaders.promotion_by_id.load(promotion_id)
    return found


async def discount_code(ctx: Context, code_id: uuid.UUID) -> DiscountCode | None:
    found: DiscountCode | None = await ctx.loaders.discount_code_by_id.load(code_id)
    return found


async def code_count(ctx: Context, promotion_id: uuid.UUID) -> int:
    found: int = await ctx.loaders.code_count_by_promotion.load(promotion_id)
    return found


@dataclass(frozen=True)
class ExplainLine:
    variant_id: str
    quantity: int


@dataclass(frozen=True)
class ExplainArgs:
    lines: list[ExplainLine]
    currency: str
    codes: list[str] = field(default_factory=list)
    customer_id: str | None = None
    first_order: bool = False
    segment_ids: list[str] = field(default_factory=list)
    channel: str | None = None
    payment_method: str | None = None
    shipping_zone: str | None = None
    shipping_amount: int | None = None
    at: datetime | None = None


def _request(args: ExplainArgs) -> CartRequest:
    if not 1 <= len(args.lines) <= MAX_LINES:
        raise DomainError(PromotionErrorCode.INVALID, f"a cart has 1 to {MAX_LINES} lines", field="lines")
    lines = []
    for i, line in enumerate(args.lines):
        if not 1 <= line.quantity <= 100_000:
            raise DomainError(
                PromotionErrorCode.INVALID, "quantity is 1 to 100000", field=f"lines.{i}.quantity"
            )
        variant = require_id(line.variant_id, "ProductVariant", field=f"lines.{i}.variantId")
        lines.append(LineToPrice(variant, line.quantity))
    if args.at is not None and args.at.tzinfo is None:
        raise DomainError(PromotionErrorCode.INVALID, "at needs a UTC offset", field="at")
    if args.shipping_amount is not None and args.shipping_amount < 0:
        raise DomainError(PromotionErrorCode.INVALID, "shipping is not negative", field="shippingAmount")
    if len(args.codes) > 20:
        raise DomainError(PromotionErrorCode.INVALID, "at most 20 codes", field="codes")
    return CartRequest(
        lines=lines,
        currency=args.currency,
        at=args.at or utcnow(),
        customer_id=require_id(args.customer_id, "Customer", field="customerId")
        if args.customer_id
        else None,
        first_order=args.first_order,
        segment_ids=frozenset(args.segment_ids),
        channel=args.channel,
        payment_method=args.payment_method.casefold() if args.payment_method else None,
        shipping_zone=args.shipping_zone.casefold() if args.shipping_zone else None,
        shipping_amount=args.shipping_amount,
        codes=[c[:64] for c in args.codes],
    )


@translate
async def explain(ctx: Context, args: ExplainArgs) -> Explanation:
    """Every active rule against the cart and why it applied or not. A read: nothing is reserved."""
    request = _request(args)
    async with ctx.read_uow() as uow:
        return await explain_cart(uow, request, pricer=PRICER, cache=ctx.promotion_cache)
