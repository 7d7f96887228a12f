"""The promotion engine: pure and deterministic.

`evaluate(cart, promotions, codes, context)` reads nothing but its arguments. Lines are taken in line-id
order and promotions in (priority, id) order, codes are matched case-insensitively and deduplicated, so
the same cart and rules give the same result whatever order they arrive in.

Composition, in that order: a promotion applies when it is live, in the cart's currency (if it has one),
carries a valid code (code promotions), and its conditions hold; then an exclusive promotion applies only
if nothing applied before it and blocks everything after it; otherwise it must combine both ways with
every promotion already applied (its class in their `combines_with` and theirs in its); its discount is
taken from what earlier promotions left, clipped to its cap, and allocated per line."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.money import Money, allocate
from domain.promotions.actions import CLASS_BY_ACTION, Action, Ledger, compile_action
from domain.promotions.conditions import Condition, compile_condition
from domain.promotions.models import DiscountClass, Promotion, PromotionKind, PromotionStatus
from domain.promotions.result import (
    AppliedPromotion,
    GiftToAdd,
    LineDiscount,
    PromotionResult,
    Reason,
    ReasonCode,
    RuleOutcome,
)
from domain.promotions.snapshot import CartSnapshot


@dataclass(frozen=True, slots=True)
class CompiledPromotion:
    id: uuid.UUID
    name: str
    kind: PromotionKind
    priority: int
    exclusive: bool
    discount_class: DiscountClass
    combines_with: frozenset[DiscountClass]
    currency: str | None
    max_discount: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    condition: Condition
    action: Action


@dataclass(frozen=True, slots=True)
class CompiledPromotions:
    """A store's active promotions, compiled once per rules version and shared by every evaluation."""

    promotions: tuple[CompiledPromotion, ...]
    version: int = 0


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """A discount code the cart carries, as stored (looked up by the caller, case-insensitively)."""

    id: uuid.UUID
    code: str
    promotion_id: uuid.UUID
    usage_limit: int | None = None
    used: int = 0
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    min_subtotal_amount: int | None = None
    first_order_only: bool = False


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    # Collect every failing condition of every rule (the explanation) instead of stopping at the first.
    explain: bool = False


def compile_promotion(row: Promotion) -> CompiledPromotion:
    return CompiledPromotion(
        id=row.id,
        name=row.name,
        kind=PromotionKind(row.kind),
        priority=row.priority,
        exclusive=row.exclusive,
        discount_class=CLASS_BY_ACTION[row.action["type"]],
        combines_with=frozenset(DiscountClass(c) for c in row.combines_with or ()),
        currency=row.currency,
        max_discount=row.max_discount_amount,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        condition=compile_condition(row.conditions or {"op": "and", "conditions": []}, row.currency),
        action=compile_action(row.id, row.action),
    )


def compile_promotions(rows: Iterable[Promotion], *, version: int = 0) -> CompiledPromotions:
    """Compile the active ones, in evaluation order."""
    compiled = [compile_promotion(r) for r in rows if PromotionStatus(r.status) is PromotionStatus.ACTIVE]
    compiled.sort(key=lambda p: (p.priority, p.id.int))
    return CompiledPromotions(tuple(compiled), version)


def _gate(promotion: CompiledPromotion, cart: CartSnapshot, code: CodeFacts | None) -> list[Reason]:
    reasons: list[Reason] = []
    if promotion.starts_at is not None and cart.now < promotion.starts_at:
        reasons.append(Reason(ReasonCode.NOT_STARTED, f"starts {promotion.starts_at.isoformat()}"))
    if promotion.ends_at is not None and cart.now >= promotion.ends_at:
        reasons.append(Reason(ReasonCode.ENDED, f"ended {promotion.ends_at.isoformat()}"))
    if promotion.currency is not None and promotion.currency != cart.currency:
        reasons.append(
            Reason(
                ReasonCode.OTHER_CURRENCY,
                f"applies to {promotion.currency} carts, this one is {cart.currency}",
            )
        )
    if promotion.kind is PromotionKind.CODE:
        reasons.extend(_code_reasons(code, cart))
    return reasons


def _code_reasons(code: CodeFacts | None, cart: CartSnapshot) -> list[Reason]:
    if code is None:
        return [Reason(ReasonCode.CODE_REQUIRED, "needs one of its discount codes, and the cart has none")]
    reasons = []
    if code.valid_from is not None and cart.now < code.valid_from:
        reasons.append(
            Reason(
                ReasonCode.CODE_NOT_STARTED, f"code {code.code} is valid from {code.valid_from.isoformat()}"
            )
        )
    if code.valid_until is not None and cart.now >= code.valid_until:
        reasons.append(
            Reason(ReasonCode.CODE_EXPIRED, f"code {code.code} expired {code.valid_until.isoformat()}")
        )
    if code.usage_limit is not None and code.used >= code.usage_limit:
        reasons.append(
            Reason(
                ReasonCode.CODE_USED_UP,
                f"code {code.code} has been used {code.used} times of {code.usage_limit}",
            )
        )
    if code.min_subtotal_amount is not None and cart.items_amount < code.min_subtotal_amount:
        need = Money(code.min_subtotal_amount, cart.currency)
        reasons.append(
            Reason(ReasonCode.CODE_MINIMUM_SUBTOTAL, f"code {code.code} needs a subtotal of {need}")
        )
    if code.first_order_only and not cart.customer.first_order:
        reasons.append(
            Reason(ReasonCode.CODE_FIRST_ORDER_ONLY, f"code {code.code} is for a first order only")
        )
    return reasons


def _composition(promotion: CompiledPromotion, applied: list[CompiledPromotion]) -> Reason | None:
    if not applied:
        return None
    if promotion.exclusive:
        return Reason(
            ReasonCode.EXCLUSIVE_BLOCKED,
            f"exclusive, and {applied[0].name!r} (earlier by priority) already applied",
        )
    for other in applied:
        if other.exclusive:
            return Reason(ReasonCode.BLOCKED_BY_EXCLUSIVE, f"{other.name!r} is exclusive and applied first")
        if (
            promotion.discount_class not in other.combines_with
            or other.discount_class not in promotion.combines_with
        ):
            return Reason(
                ReasonCode.DOES_NOT_COMBINE,
                f"a {promotion.discount_class.value} discount does not combine with {other.name!r}"
                f" ({other.discount_class.value})",
            )
    return None


def _codes_by_promotion(codes: Sequence[CodeFacts]) -> dict[uuid.UUID, CodeFacts]:
    chosen: dict[uuid.UUID, CodeFacts] = {}
    for code in sorted(codes, key=lambda c: (c.code.casefold(), c.id)):
        chosen.setdefault(code.promotion_id, code)
    return chosen


def evaluate(
    cart: CartSnapshot,
    promotions: CompiledPromotions,
    codes: Sequence[CodeFacts] = (),
    context: EvaluationContext = EvaluationContext(),
) -> PromotionResult:
    """Every discount the cart earns, allocated per line, and the outcome of every active rule."""
    currency = cart.currency
    lines = tuple(sorted(cart.lines, key=lambda line: line.id))
    ledger = Ledger(lines, [line.amount for line in lines], cart.shipping_amount.amount)
    by_promotion = _codes_by_promotion(codes)
    applied_rules: list[CompiledPromotion] = []
    applied: list[AppliedPromotion] = []
    outcomes: list[RuleOutcome] = []
    gifts: list[GiftToAdd] = []
    zero = Money.zero(currency)
    for promotion in sorted(promotions.promotions, key=lambda p: (p.priority, p.id.int)):
        code = by_promotion.get(promotion.id) if promotion.kind is PromotionKind.CODE else None
        shown = code.code if code else None
        reasons = _gate(promotion, cart, code)
        if not reasons or context.explain:
            reasons.extend(promotion.condition.failures(cart, every=context.explain))
        if not reasons:
            blocked = _composition(promotion, applied_rules)
            if blocked is not None:
                reasons.append(blocked)
        if reasons:
            outcomes.append(RuleOutcome(promotion.id, promotion.name, False, zero, tuple(reasons), shown))
            continue
        proposal = promotion.action(cart, ledger)
        notes: list[Reason] = []
        if promotion.max_discount is not None and proposal.amount > promotion.max_discount:
            split = allocate(promotion.max_discount, [*proposal.parts, proposal.shipping])
            proposal.parts, proposal.shipping = split[:-1], split[-1]
            notes.append(Reason(ReasonCode.CAPPED, f"capped at {Money(promotion.max_discount, currency)}"))
        if proposal.amount <= 0 and not proposal.gifts:
            outcomes.append(
                RuleOutcome(
                    promotion.id,
                    promotion.name,
                    False,
                    zero,
                    (
                        Reason(
                            ReasonCode.NOTHING_TO_DISCOUNT,
                            "its conditions hold, but nothing is left to discount",
                        ),
                    ),
                    shown,
                )
            )
            continue
        for i, part in enumerate(proposal.parts):
            ledger.remaining[i] -= part
        ledger.shipping -= proposal.shipping
        amount = Money(proposal.amount, currency)
        applied_rules.append(promotion)
        gifts.extend(proposal.gifts)
        applied.append(
            AppliedPromotion(
                promotion_id=promotion.id,
                name=promotion.name,
                discount_class=promotion.discount_class,
                amount=amount,
                lines=tuple(
                    LineDiscount(line.id, Money(part, currency))
                    for line, part in zip(lines, proposal.parts, strict=True)
                    if part
                ),
                shipping=Money(proposal.shipping, currency),
                code=shown,
                code_id=code.id if code else None,
            )
        )
        applied_reason = Reason(ReasonCode.APPLIED, f"took {amount} off")
        outcomes.append(
            RuleOutcome(promotion.id, promotion.name, True, amount, (applied_reason, *notes), shown)
        )
    subtotal = cart.subtotal
    shipping = cart.shipping_amount
    items_left = Money(ledger.items, currency)
    shipping_left = Money(ledger.shipping, currency)
    return PromotionResult(
        currency=currency,
        subtotal=subtotal,
        shipping=shipping,
        items_discount=subtotal - items_left,
        shipping_discount=shipping - shipping_left,
        total=items_left + shipping_left,
        applied=tuple(applied),
        outcomes=tuple(outcomes),
        line_totals=tuple(
            LineDiscount(line.id, Money(left, currency))
            for line, left in zip(lines, ledger.remaining, strict=True)
        ),
        gifts_to_add=tuple(gifts),
    )
