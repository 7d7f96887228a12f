"""Admin queries and mutations of promotions and discount codes. Reads need `promotions:read`, writes
`promotions:write`; expected failures come back in `errors`."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from domain.promotions import models
from domain.promotions.errors import PromotionErrorCode
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from resolvers.promotions import queries
from resolvers.promotions.discount_code_create import discount_code_create
from resolvers.promotions.discount_codes_generate import discount_codes_generate
from resolvers.promotions.promotion_activate import promotion_activate
from resolvers.promotions.promotion_create import promotion_create
from resolvers.promotions.promotion_deactivate import promotion_deactivate
from resolvers.promotions.promotion_delete import promotion_delete
from resolvers.promotions.promotion_update import promotion_update
from schema.catalog.taxonomy_types import JSON
from schema.errors import PromotionError, convert
from schema.permissions import requires
from schema.promotions.types import (
    DiscountClass,
    DiscountCodeNode,
    PromotionExplanation,
    PromotionKind,
    PromotionNode,
    PromotionStatus,
)
from schema.relay_utils import connection

Info = strawberry.Info[Context, None]
READ = "promotions:read"
WRITE = "promotions:write"
ERRORS = "Why nothing changed, if so."
RULES = (
    "The condition tree: a group {op: and|or, conditions: [...]} or a leaf {type, ...}; leaf types "
    "subtotal_at_least, quantity_at_least, contains, customer_group, customer_segment, first_order, channel, "
    "payment_method, shipping_zone, date_window, day_of_week, local_time (docs/adr/0009-promotions.md)."
)
ACTION = (
    "The action {type, ...}: order_percent, order_fixed, items_percent, items_fixed, buy_x_get_y, "
    "free_shipping, tiered, bundle_price, gift (docs/adr/0009-promotions.md)."
)


def _given(input_: object) -> dict[str, Any]:
    return {k: v for k, v in vars(input_).items() if v is not strawberry.UNSET}


def _errors(out: Outcome[Any]) -> list[PromotionError]:
    return convert(out.errors, PromotionErrorCode, PromotionError)


@strawberry.input(description="A new promotion.")
class PromotionCreateInput:
    name: str = strawberry.field(description="Shown to merchants and on receipts.")
    action: JSON = strawberry.field(description=ACTION)
    kind: PromotionKind = strawberry.field(
        default=models.PromotionKind.AUTOMATIC, description="AUTOMATIC or CODE."
    )
    description: str = strawberry.field(default="", description="Notes for staff.")
    conditions: JSON | None = strawberry.field(default=None, description=RULES + " Null: always.")
    priority: int = strawberry.field(default=100, description="Lower runs first.")
    exclusive: bool = strawberry.field(default=False, description="Applies only alone.")
    combines_with: list[DiscountClass] = strawberry.field(
        default_factory=list, description="Classes it may combine with."
    )
    currency: str | None = strawberry.field(default=None, description="Currency of its fixed amounts.")
    max_discount_amount: int | None = strawberry.field(default=None, description="Cap per cart, minor units.")
    starts_at: datetime | None = strawberry.field(default=None, description="Live from.")
    ends_at: datetime | None = strawberry.field(default=None, description="Live until.")
    active: bool = strawberry.field(default=False, description="Activate at once; otherwise a draft.")


@strawberry.input(description="Promotion fields to change; omitted fields stay as they are.")
class PromotionUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Notes for staff.")
    action: JSON | None = strawberry.field(default=strawberry.UNSET, description=ACTION)
    conditions: JSON | None = strawberry.field(default=strawberry.UNSET, description=RULES + " Null: always.")
    priority: int | None = strawberry.field(default=strawberry.UNSET, description="Lower runs first.")
    exclusive: bool | None = strawberry.field(default=strawberry.UNSET, description="Applies only alone.")
    combines_with: list[DiscountClass] | None = strawberry.field(
        default=strawberry.UNSET, description="Classes it may combine with."
    )
    currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="Currency of fixed amounts."
    )
    max_discount_amount: int | None = strawberry.field(default=strawberry.UNSET, description="Cap per cart.")
    starts_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="Live from.")
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="Live until.")


@strawberry.input(description="What limits a code's use.")
class DiscountCodeRulesInput:
    usage_limit: int | None = strawberry.field(default=None, description="Total uses; null: unlimited.")
    per_customer_limit: int | None = strawberry.field(default=None, description="Uses per customer.")
    valid_from: datetime | None = strawberry.field(default=None, description="Valid from.")
    valid_until: datetime | None = strawberry.field(default=None, description="Valid until.")
    min_subtotal_amount: int | None = strawberry.field(
        default=None, description="Minimum subtotal, minor units."
    )
    first_order_only: bool = strawberry.field(default=False, description="First orders only.")


@strawberry.input(description="A code typed by the merchant.")
class DiscountCodeCreateInput(DiscountCodeRulesInput):
    code: str = strawberry.field(description="3-64 letters, digits, '-' or '_'; unique ignoring case.")


@strawberry.input(description="Random codes, generated in bulk.")
class DiscountCodesGenerateInput(DiscountCodeRulesInput):
    count: int = strawberry.field(description="How many (at most the store's limit, 100000 by default).")
    prefix: str = strawberry.field(default="", description="Put before each code, e.g. EID-.")
    length: int = strawberry.field(default=10, description="Random characters after the prefix.")
    usage_limit: int | None = strawberry.field(default=1, description="Uses per code; single use by default.")


@strawberry.enum(description="A sales channel.")
class SalesChannel(enum.Enum):
    WEB = "web"
    APP = "app"


@strawberry.input(description="A cart line to explain: a variant and how many.")
class ExplainLineInput:
    variant_id: strawberry.ID = strawberry.field(description="A ProductVariant global id.")
    quantity: int = strawberry.field(description="Units, 1 or more.")


@strawberry.input(description="A cart and its context, as the checkout would see it.")
class PromotionExplainInput:
    lines: list[ExplainLineInput] = strawberry.field(
        description="The lines (priced with base prices for now)."
    )
    currency: str = strawberry.field(description="The cart's currency, one of the store's.")
    codes: list[str] = strawberry.field(default_factory=list, description="Discount codes entered.")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="A Customer global id.")
    first_order: bool = strawberry.field(
        default=False, description="Whether this is the customer's first order."
    )
    segment_ids: list[str] = strawberry.field(default_factory=list, description="The customer's segments.")
    channel: SalesChannel | None = strawberry.field(default=None, description="Where the cart is.")
    payment_method: str | None = strawberry.field(default=None, description="e.g. bkash, nagad, cod.")
    shipping_zone: str | None = strawberry.field(default=None, description="e.g. dhaka, outside-dhaka.")
    shipping_amount: int | None = strawberry.field(default=None, description="Shipping in minor units.")
    at: datetime | None = strawberry.field(default=None, description="When; now when omitted.")


@strawberry.type(description="The result of a promotion mutation.")
class PromotionPayload:
    promotion: PromotionNode | None = strawberry.field(description="The promotion after the change.")
    errors: list[PromotionError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of promotionDelete.")
class PromotionDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted promotion.")
    errors: list[PromotionError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of discountCodeCreate.")
class DiscountCodePayload:
    discount_code: DiscountCodeNode | None = strawberry.field(description="The new code.")
    errors: list[PromotionError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of discountCodesGenerate.")
class DiscountCodesGeneratePayload:
    batch_id: strawberry.ID | None = strawberry.field(
        description="Shared by the codes made (see DiscountCode)."
    )
    count: int = strawberry.field(description="How many codes were made.")
    errors: list[PromotionError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of promotionExplain.")
class PromotionExplainResult:
    explanation: PromotionExplanation | None = strawberry.field(description="Null when the input is invalid.")
    errors: list[PromotionError] = strawberry.field(description="What is wrong with the input.")


def _promotion(out: Outcome[models.Promotion]) -> PromotionPayload:
    return PromotionPayload(
        promotion=PromotionNode.from_model(out.result) if out.result else None, errors=_errors(out)
    )


def _rules(input_: DiscountCodeRulesInput) -> dict[str, Any]:
    return dict(vars(input_))


@strawberry.type
class PromotionQuery:
    @strawberry.field(description="Promotions of this store, oldest first.", extensions=requires(READ))
    async def promotions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: PromotionStatus | None = None,
    ) -> relay.Connection[PromotionNode]:
        page = await queries.list_promotions(info.context, first=first, after=after, status=status)
        return connection(page, PromotionNode.from_model)

    @strawberry.field(description="Discount codes of one promotion, oldest first.", extensions=requires(READ))
    async def discount_codes(
        self, info: Info, promotion_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> relay.Connection[DiscountCodeNode]:
        page = await queries.list_codes(
            info.context, promotion_id=str(promotion_id), first=first, after=after
        )
        return connection(page, DiscountCodeNode.from_model)

    @strawberry.field(
        description="Every active rule against a cart, and why it applied or did not. Reserves nothing.",
        extensions=requires(READ),
    )
    async def promotion_explain(self, info: Info, input: PromotionExplainInput) -> PromotionExplainResult:
        args = queries.ExplainArgs(
            lines=[queries.ExplainLine(str(line.variant_id), line.quantity) for line in input.lines],
            currency=input.currency,
            codes=list(input.codes),
            customer_id=str(input.customer_id) if input.customer_id else None,
            first_order=input.first_order,
            segment_ids=list(input.segment_ids),
            channel=input.channel.value if input.channel else None,
            payment_method=input.payment_method,
            shipping_zone=input.shipping_zone,
            shipping_amount=input.shipping_amount,
            at=input.at,
        )
        out = await queries.explain(info.context, args)
        return PromotionExplainResult(
            explanation=PromotionExplanation.from_explanation(out.result) if out.result else None,
            errors=_errors(out),
        )


@strawberry.type
class PromotionMutation:
    @strawberry.mutation(
        description="Create a promotion (a draft unless `active`).", extensions=requires(WRITE)
    )
    async def promotion_create(self, info: Info, input: PromotionCreateInput) -> PromotionPayload:
        return _promotion(await promotion_create(info.context, fields=dict(vars(input))))

    @strawberry.mutation(description="Change a promotion.", extensions=requires(WRITE))
    async def promotion_update(
        self, info: Info, id: strawberry.ID, input: PromotionUpdateInput
    ) -> PromotionPayload:
        return _promotion(await promotion_update(info.context, id=str(id), changes=_given(input)))

    @strawberry.mutation(description="Start evaluating a promotion.", extensions=requires(WRITE))
    async def promotion_activate(self, info: Info, id: strawberry.ID) -> PromotionPayload:
        return _promotion(await promotion_activate(info.context, id=str(id)))

    @strawberry.mutation(description="Stop evaluating a promotion.", extensions=requires(WRITE))
    async def promotion_deactivate(self, info: Info, id: strawberry.ID) -> PromotionPayload:
        return _promotion(await promotion_deactivate(info.context, id=str(id)))

    @strawberry.mutation(
        description="Delete a promotion and its codes; one whose codes were used is kept (IN_USE).",
        extensions=requires(WRITE),
    )
    async def promotion_delete(self, info: Info, id: strawberry.ID) -> PromotionDeletePayload:
        out = await promotion_delete(info.context, id=str(id))
        deleted = strawberry.ID(encode_global_id("Promotion", out.result)) if out.result else None
        return PromotionDeletePayload(deleted_id=deleted, errors=_errors(out))

    @strawberry.mutation(description="Add a code to a CODE promotion.", extensions=requires(WRITE))
    async def discount_code_create(
        self, info: Info, promotion_id: strawberry.ID, input: DiscountCodeCreateInput
    ) -> DiscountCodePayload:
        out = await discount_code_create(info.context, promotion_id=str(promotion_id), fields=_rules(input))
        return DiscountCodePayload(
            discount_code=DiscountCodeNode.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Generate random codes for a CODE promotion in one go (single use by default).",
        extensions=requires(WRITE),
    )
    async def discount_codes_generate(
        self, info: Info, promotion_id: strawberry.ID, input: DiscountCodesGenerateInput
    ) -> DiscountCodesGeneratePayload:
        out = await discount_codes_generate(
            info.context, promotion_id=str(promotion_id), fields=_rules(input)
        )
        batch: uuid.UUID | None = out.result[0] if out.result else None
        return DiscountCodesGeneratePayload(
            batch_id=strawberry.ID(str(batch)) if batch else None,
            count=out.result[1] if out.result else 0,
            errors=_errors(out),
        )
