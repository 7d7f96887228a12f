"""Completing a checkout: idempotency → draft → reserve stock → place the order (+ the caller's follow-ups).

Three short transactions, each of which can be the last one a crashed process ran:
1. claim the idempotency key (committed at once so concurrent replays see it);
2. build the draft and reserve its stock under the checkout's holder name, with a TTL;
3. place the order (stock taken, reservations dropped), run the follow-ups (redeem codes, mark the cart
   converted, start the payment) and store the response on the key — all in one commit.
A process killed after 1 leaves a claim whose lease runs out: the next retry takes it over. Killed after
2, the reservation also expires by itself (15 minutes) and the retry reserves again. Killed inside 3,
nothing of 3 exists. So a retry with the same key always ends in exactly one order, and stock is never
lost. Expected failures release the key and the reservation: nothing was placed, a retry runs afresh.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.checkout.draft_types import OrderDraft
from domain.errors import DomainError, DomainErrors
from domain.idempotency import services as keys
from domain.idempotency.errors import IdempotencyErrorCode
from domain.inventory.reservations import DEFAULT_TTL, release, reserve
from domain.orders.models import Order
from domain.orders.placement import check_draft, find_by_checkout, place_order
from domain.uow import UnitOfWork

OPERATION = "checkoutComplete"

DraftBuilder = Callable[[UnitOfWork], Awaitable[OrderDraft]]
# Runs in the placing transaction after the order is written; raising DomainError undoes the order.
FollowUp = Callable[[UnitOfWork, Order, OrderDraft], Awaitable[None]]
# Observes progress ("claimed", "reserved", "placed"); tests use it to kill a process between steps.
StepHook = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """`scope` is who may replay the key (the token, and the customer session if any); `payload` is what
    the key's fingerprint covers (the mutation's input)."""

    key: str
    scope: str
    payload: dict[str, Any]
    actor: str
    payment_method: str | None = None


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    order_id: uuid.UUID
    # True when this answer is the stored one of an earlier request with the same key.
    replayed: bool


def holder_of(scope: str, key: str) -> str:
    """The reservation holder and order `checkout_key` of one checkout (fixed length whatever the key)."""
    return "checkout:" + hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:40]


async def _noop(step: str) -> None:
    return None


async def complete_checkout(
    new_uow: Callable[[], UnitOfWork],
    request: CheckoutRequest,
    build_draft: DraftBuilder,
    *,
    follow_ups: Sequence[FollowUp] = (),
    ttl: timedelta = DEFAULT_TTL,
    lease: timedelta = keys.DEFAULT_LEASE,
    on_step: StepHook = _noop,
) -> CheckoutResult:
    """Place one order for this checkout, whatever retries, concurrency or crashes came before.

    Raises DomainError / DomainErrors for expected failures (IDEMPOTENCY_KEY_REUSED,
    IDEMPOTENCY_KEY_IN_PROGRESS, INSUFFICIENT_STOCK, the draft builder's own codes, …); then nothing was
    placed. `new_uow` opens a fresh unit of work of the store for each step."""
    async with new_uow() as uow:
        got = await keys.claim(
            uow,
            scope=request.scope,
            key=request.key,
            operation=OPERATION,
            payload=request.payload,
            lease=lease,
        )
        await uow.commit()
    if isinstance(got, keys.Replay):
        return CheckoutResult(uuid.UUID(str(got.response["order_id"])), replayed=True)
    claim = got
    holder = holder_of(request.scope, request.key)
    await on_step("claimed")
    try:
        async with new_uow() as uow:
            if claim.resumed and (placed := await find_by_checkout(uow, holder)) is not None:
                # Unreachable while placing and completing share a commit; kept so a key can never
                # place twice even if that ever changes.
                await keys.complete(uow, claim, {"order_id": str(placed.id)})
                await uow.commit()
                return CheckoutResult(placed.id, replayed=True)
            draft = await build_draft(uow)
            check_draft(draft)
            await reserve(
                uow, [(line.variant_id, line.quantity) for line in draft.lines], holder=holder, ttl=ttl
            )
            await uow.commit()
        await on_step("reserved")
        async with new_uow() as uow:
            order = await place_order(
                uow, draft, actor=request.actor, checkout_key=holder, payment_method=request.payment_method
            )
            for follow_up in follow_ups:
                await follow_up(uow, order, draft)
            await keys.complete(uow, claim, {"order_id": str(order.id)})
            await uow.commit()
        await on_step("placed")
        return CheckoutResult(order.id, replayed=False)
    except (DomainError, DomainErrors) as exc:
        if isinstance(exc, DomainError) and exc.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS:
            raise  # another run owns the key now: leave its claim and reservation alone
        async with new_uow() as uow:
            await release(uow, holder)
            await keys.release(uow, claim)
            await uow.commit()
        raise
