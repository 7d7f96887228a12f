"""Promotion, discount code and explanation types of the admin API."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay

from domain.money import Money as DomainMoney
from domain.promotions import models
from domain.promotions.explain import Explanation
from domain.promotions.result import AppliedPromotion, ReasonCode, RuleOutcome
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.promotions import queries
from schema.catalog.taxonomy_types import JSON, Money

Info = strawberry.Info[Context, None]

strawberry.enum(models.PromotionKind, name="PromotionKind", description="Automatic, or applied with a code.")
strawberry.enum(models.PromotionStatus, name="PromotionStatus", description="Draft, active or inactive.")
strawberry.enum(
    models.DiscountClass,
    name="DiscountClass",
    description="What a discount reduces: order, product or shipping.",
)
strawberry.enum(ReasonCode, name="PromotionReasonCode", description="Why a rule applied or did not.")
PromotionKind = models.PromotionKind
PromotionStatus = models.PromotionStatus
DiscountClass = models.DiscountClass
PromotionReasonCode = ReasonCode


def money(value: DomainMoney) -> Money:
    return Money(amount=value.amount, currency=value.currency)


def _uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    out: list[uuid.UUID | None] = []
    for raw in node_ids:
        try:
            out.append(uuid.UUID(raw))
        except ValueError:
            out.append(None)
    return out


async def _none() -> None:
    return None


@strawberry.type(
    name="Promotion", description="A discount rule: conditions, one action, and how it composes."
)
class PromotionNode(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Shown to merchants and, on receipts, to shoppers.")
    description: str = strawberry.field(description="Notes for staff.")
    kind: PromotionKind = strawberry.field(
        description="AUTOMATIC applies by itself; CODE needs one of its codes."
    )
    status: PromotionStatus = strawberry.field(description="Only ACTIVE promotions are evaluated.")
    priority: int = strawberry.field(description="Lower runs first; ties by id.")
    exclusive: bool = strawberry.field(
        description="Applies only alone: first by priority, and blocks the rest."
    )
    discount_class: DiscountClass = strawberry.field(description="What its action reduces.")
    combines_with: list[DiscountClass] = strawberry.field(
        description="Classes of discounts it may combine with (both sides must allow it)."
    )
    currency: str | None = strawberry.field(
        description="Currency of its fixed amounts; it applies only to carts in it. Null: any currency."
    )
    max_discount: Money | None = strawberry.field(description="The most it may take off one cart.")
    conditions: JSON = strawberry.field(description="The condition tree as stored (see the ADR for shapes).")
    action: JSON = strawberry.field(description="The action as stored.")
    starts_at: datetime | None = strawberry.field(description="Live from.")
    ends_at: datetime | None = strawberry.field(description="Live until (exclusive).")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: models.Promotion) -> PromotionNode:
        return cls(
            id=str(m.id),
            name=m.name,
            description=m.description,
            kind=m.kind,
            status=m.status,
            priority=m.priority,
            exclusive=m.exclusive,
            discount_class=m.discount_class,
            combines_with=[models.DiscountClass(c) for c in m.combines_with or []],
            currency=m.currency,
            max_discount=(
                Money(amount=m.max_discount_amount, currency=m.currency)
                if m.max_discount_amount is not None and m.currency
                else None
            ),
            conditions=cast(JSON, m.conditions),
            action=cast(JSON, m.action),
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )

    @strawberry.field(description="How many discount codes it has.")
    async def code_count(self, info: Info) -> int:
        return await queries.code_count(info.context, uuid.UUID(self.id))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PromotionNode | None]:
        ids = _uuids(node_ids)
        found = await asyncio.gather(*(queries.promotion(info.context, i) if i else _none() for i in ids))
        return [cls.from_model(p) if p else None for p in found]


@strawberry.type(name="DiscountCode", description="A code that applies its promotion.")
class DiscountCodeNode(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="As created; matched case-insensitively.")
    usage_limit: int | None = strawberry.field(description="Total uses allowed; null: unlimited.")
    per_customer_limit: int | None = strawberry.field(description="Uses allowed per customer.")
    used: int = strawberry.field(description="Uses taken (reserved by checkouts or redeemed by orders).")
    valid_from: datetime | None = strawberry.field(description="Valid from.")
    valid_until: datetime | None = strawberry.field(description="Valid until (exclusive).")
    min_subtotal_amount: int | None = strawberry.field(
        description="Minimum cart subtotal in minor units of the promotion's (or the cart's) currency."
    )
    first_order_only: bool = strawberry.field(description="Only a customer's first order may use it.")
    batch_id: strawberry.ID | None = strawberry.field(description="The bulk generation that made it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    promotion_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: models.DiscountCode) -> DiscountCodeNode:
        return cls(
            id=str(m.id),
            code=m.code,
            usage_limit=m.usage_limit,
            per_customer_limit=m.per_customer_limit,
            used=m.used,
            valid_from=m.valid_from,
            valid_until=m.valid_until,
            min_subtotal_amount=m.min_subtotal_amount,
            first_order_only=m.first_order_only,
            batch_id=strawberry.ID(str(m.batch_id)) if m.batch_id else None,
            created_at=m.created_at,
            promotion_id=m.promotion_id,
        )

    @strawberry.field(description="The promotion it applies.")
    async def promotion(self, info: Info) -> PromotionNode | None:
        found = await queries.promotion(info.context, self.promotion_id)
        return PromotionNode.from_model(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DiscountCodeNode | None]:
        ids = _uuids(node_ids)
        found = await asyncio.gather(*(queries.discount_code(info.context, i) if i else _none() for i in ids))
        return [cls.from_model(c) if c else None for c in found]


@strawberry.type(description="One reason a rule applied or did not.")
class PromotionReason:
    code: PromotionReasonCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="The reason in words, with the amounts and times compared.")


@strawberry.type(description="One active rule against the cart.")
class RuleExplanation:
    promotion_id: strawberry.ID = strawberry.field(description="The promotion's global id.")
    name: str = strawberry.field(description="The promotion's name.")
    applied: bool = strawberry.field(description="Whether it took anything off.")
    amount: Money = strawberry.field(description="What it took off.")
    code: str | None = strawberry.field(description="The code it was applied with, if any.")
    reasons: list[PromotionReason] = strawberry.field(
        description="Why not (every failing condition), or APPLIED and any note such as CAPPED."
    )

    @classmethod
    def from_outcome(cls, o: RuleOutcome) -> RuleExplanation:
        return cls(
            promotion_id=strawberry.ID(encode_global_id("Promotion", o.promotion_id)),
            name=o.name,
            applied=o.applied,
            amount=money(o.amount),
            code=o.code,
            reasons=[PromotionReason(code=r.code, message=r.message) for r in o.reasons],
        )


@strawberry.type(description="A discount on one cart line.")
class LineDiscountEntry:
    line_index: int = strawberry.field(description="0-based index of the line in the input.")
    amount: Money = strawberry.field(description="The discount on the line.")


@strawberry.type(description="One applied promotion, allocated per line (the parts sum exactly).")
class AppliedDiscount:
    promotion_id: strawberry.ID = strawberry.field(description="The promotion's global id.")
    name: str = strawberry.field(description="The promotion's name.")
    discount_class: DiscountClass = strawberry.field(description="What it reduced.")
    amount: Money = strawberry.field(description="Its whole discount.")
    code: str | None = strawberry.field(description="The code used, if any.")
    lines: list[LineDiscountEntry] = strawberry.field(description="Its split over the lines.")
    shipping: Money = strawberry.field(description="Its part off shipping.")

    @classmethod
    def from_applied(cls, a: AppliedPromotion) -> AppliedDiscount:
        return cls(
            promotion_id=strawberry.ID(encode_global_id("Promotion", a.promotion_id)),
            name=a.name,
            discount_class=a.discount_class,
            amount=money(a.amount),
            code=a.code,
            lines=[LineDiscountEntry(line_index=int(d.line_id), amount=money(d.amount)) for d in a.lines],
            shipping=money(a.shipping),
        )


@strawberry.type(description="A cart line as priced for the explanation.")
class ExplainedLine:
    line_index: int = strawberry.field(description="0-based index of the line in the input.")
    variant_id: strawberry.ID = strawberry.field(description="The variant's global id.")
    quantity: int = strawberry.field(description="Units.")
    unit_price: Money = strawberry.field(description="The unit price the rules saw.")
    total: Money = strawberry.field(description="The line after every discount.")


@strawberry.type(description="A free gift the cart may add.")
class GiftOffer:
    promotion_id: strawberry.ID = strawberry.field(description="The promotion granting it.")
    variant_id: strawberry.ID = strawberry.field(description="The gift's variant.")
    quantity: int = strawberry.field(description="Units not yet in the cart.")


@strawberry.type(description="Every active rule against one cart, and the totals they give.")
class PromotionExplanation:
    subtotal: Money = strawberry.field(description="Lines before discounts.")
    shipping: Money = strawberry.field(description="Shipping before discounts.")
    items_discount: Money = strawberry.field(description="Line and order discounts.")
    shipping_discount: Money = strawberry.field(description="Shipping discounts.")
    total: Money = strawberry.field(description="What the shopper would pay (before tax).")
    lines: list[ExplainedLine] = strawberry.field(description="The lines, priced.")
    rules: list[RuleExplanation] = strawberry.field(description="Every active rule, in evaluation order.")
    applied: list[AppliedDiscount] = strawberry.field(description="The discounts that applied.")
    unknown_codes: list[str] = strawberry.field(description="Codes the store does not have.")
    gifts_to_add: list[GiftOffer] = strawberry.field(description="Gifts the cart earned but does not hold.")

    @classmethod
    def from_explanation(cls, e: Explanation) -> PromotionExplanation:
        r = e.result
        totals = {t.line_id: t.amount for t in r.line_totals}
        return cls(
            subtotal=money(r.subtotal),
            shipping=money(r.shipping),
            items_discount=money(r.items_discount),
            shipping_discount=money(r.shipping_discount),
            total=money(r.total),
            lines=[
                ExplainedLine(
                    line_index=int(line.id),
                    variant_id=strawberry.ID(encode_global_id("ProductVariant", line.variant_id)),
                    quantity=line.quantity,
                    unit_price=money(line.unit_price),
                    total=money(totals[line.id]),
                )
                for line in e.snapshot.lines
            ],
            rules=[RuleExplanation.from_outcome(o) for o in r.outcomes],
            applied=[AppliedDiscount.from_applied(a) for a in r.applied],
            unknown_codes=list(e.unknown_codes),
            gifts_to_add=[
                GiftOffer(
                    promotion_id=strawberry.ID(encode_global_id("Promotion", g.promotion_id)),
                    variant_id=strawberry.ID(encode_global_id("ProductVariant", g.variant_id)),
                    quantity=g.quantity,
                )
                for g in r.gifts_to_add
            ],
        )
