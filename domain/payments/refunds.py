"""Refunds: full or partial, never more than captured minus already refunded, idempotent by key.

The amount is reserved first with one conditional update (`refunded_amount + n <= captured_amount`), in
the transaction that writes the pending refund; the provider is asked after that commits. So two refunds
racing for the last taka cannot both pass, and a crash mid-call leaves a pending refund holding its
reservation rather than money refundable twice.

A refund the provider did not answer is UNKNOWN (it may have been made). A retry with the key asks the
provider for that refund's status first (bKash: the refund call with only paymentID and trxID; SSLCommerz:
by refund_ref_id) and sends the refund again only when the provider confirms it never made it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError
from domain.money import Money
from domain.payments import events, order_link
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAttempt, PaymentStatus, Refund, RefundStatus
from domain.payments.ports import (
    PaymentProvider,
    ProviderError,
    RefundLookup,
    RefundRef,
    RefundState,
    declined,
    unavailable,
)
from domain.payments.providers import Providers
from domain.payments.services import account_of, ref_of, require_attempt, transition
from domain.uow import UnitOfWork

MAX_KEY = 200
MAX_REASON = 500
# How long one request owns a pending refund while it asks the provider; longer than any provider timeout.
CLAIM_LEASE = timedelta(seconds=120)
# Refunds not settled: reserved against the attempt, the provider's answer not (yet) known.
OPEN = (RefundStatus.PENDING, RefundStatus.UNKNOWN)


@dataclass(frozen=True)
class RefundInput:
    attempt_id: uuid.UUID
    amount: int  # minor units of the attempt's currency
    key: str  # the caller's idempotency key
    reason: str = ""
    actor: str = "system"  # for the order's timeline ("staff:<token id>", "system")


def refund_summary(refund: Refund) -> dict[str, Any]:
    return {
        "id": str(refund.id),
        "payment_id": str(refund.attempt_id),
        "order_id": str(refund.order_id),
        "amount": refund.amount,
        "currency": refund.currency,
        "status": refund.status.value,
        "reason": refund.reason,
        "provider_refund_id": refund.provider_refund_id,
    }


def _validate(data: RefundInput) -> None:
    if not data.key.strip() or len(data.key) > MAX_KEY:
        raise DomainError(
            PaymentErrorCode.INVALID, "the key must be 1 to 200 characters", field="idempotencyKey"
        )
    if data.amount <= 0:
        raise DomainError(PaymentErrorCode.INVALID, "the amount must be positive", field="amount")
    if len(data.reason) > MAX_REASON:
        raise DomainError(
            PaymentErrorCode.INVALID, "the reason is longer than 500 characters", field="reason"
        )


async def _by_key(uow: UnitOfWork, data: RefundInput) -> Refund | None:
    return await uow.session.scalar(
        select(Refund)
        .where(Refund.attempt_id == data.attempt_id, Refund.key == data.key)
        .execution_options(populate_existing=True)
    )


def _same(refund: Refund, data: RefundInput) -> Refund:
    if refund.amount != data.amount or refund.reason != data.reason:
        raise DomainError(
            PaymentErrorCode.IDEMPOTENCY_KEY_REUSED,
            "this key was used for another refund of this payment",
            field="idempotencyKey",
        )
    return refund


async def _reserve(uow: UnitOfWork, attempt: PaymentAttempt, data: RefundInput) -> Refund | None:
    """Reserve the amount and write the pending refund; None if a concurrent request took the key."""
    reserved = await uow.session.scalar(
        update(PaymentAttempt)
        .where(
            PaymentAttempt.id == attempt.id,
            PaymentAttempt.status == PaymentStatus.CAPTURED,
            PaymentAttempt.refunded_amount + data.amount <= PaymentAttempt.captured_amount,
        )
        .values(refunded_amount=PaymentAttempt.refunded_amount + data.amount, updated_at=uow.clock())
        .returning(PaymentAttempt.id)
        .execution_options(synchronize_session=False)
    )
    if reserved is None:
        current = await require_attempt(uow, attempt.id)
        if current.status is not PaymentStatus.CAPTURED:
            raise DomainError(
                PaymentErrorCode.INVALID_TRANSITION, f"a {current.status.value} payment cannot be refunded"
            )
        raise DomainError(
            PaymentErrorCode.REFUND_EXCEEDS_CAPTURED,
            f"at most {Money(current.refundable, current.currency)} can still be refunded",
            field="amount",
        )
    refund_id = await uow.session.scalar(
        insert(Refund)
        .values(
            id=uuid.uuid4(),
            store_id=uow.store_id,
            attempt_id=attempt.id,
            order_id=attempt.order_id,
            key=data.key,
            amount=data.amount,
            currency=attempt.currency,
            status=RefundStatus.PENDING,
            reason=data.reason,
            claimed_at=uow.clock(),
            created_at=uow.clock(),
            updated_at=uow.clock(),
        )
        .on_conflict_do_nothing()
        .returning(Refund.id)
    )
    if refund_id is None:
        return None
    return await uow.session.get(Refund, refund_id)


async def create_refund(uow: UnitOfWork, data: RefundInput, *, providers: Providers) -> Refund:
    """Refund part or all of a captured payment through its provider; commits. The same key with the
    same amount and reason returns the first refund. A refund whose outcome is not known (the provider
    never answered, or a process died mid-call) is retried by asking the provider for its status first:
    only a confirmed "never made" sends it again."""
    _validate(data)
    attempt = await require_attempt(uow, data.attempt_id)
    adapter = providers.get(attempt.provider, await account_of(uow, attempt.provider))
    if not adapter.refunds:
        raise DomainError(
            PaymentErrorCode.REFUND_NOT_SUPPORTED,
            f"{attempt.provider.value} refunds are made in the provider's own portal",
            field="paymentId",
        )
    refund = await _by_key(uow, data)
    if refund is not None:
        _same(refund, data)
        if refund.status not in OPEN or not await _claim(uow, refund):
            # Settled, or another request is asking the provider right now: answer what is known.
            return refund
        await uow.commit()
        refund_id = refund.id
        lookup = await _look_up(uow, adapter, attempt, refund)
        if lookup.state is RefundState.DONE:
            return await _succeed(uow, attempt, refund, lookup.provider_refund_id, data.actor)
        if lookup.state is RefundState.FAILED:
            await _release(uow, refund, declined(lookup.message or "the provider refused the refund"))
            raise declined(lookup.message or "the provider refused the refund")
        if lookup.state is RefundState.PROCESSING:
            return await _park(uow, refund, lookup.provider_refund_id)
        if lookup.state is RefundState.UNKNOWN:
            await _unknown(uow, refund_id)
            raise unavailable(
                "the provider cannot confirm whether this refund was made, so it was not sent again"
                + (f" ({lookup.message})" if lookup.message else "")
            )
        # NOT_FOUND: confirmed never made; sending it now cannot refund twice.
    else:
        refund = await _reserve(uow, attempt, data)
        if refund is None:
            await uow.rollback()
            existing = await _by_key(uow, data)
            if existing is None:
                raise RuntimeError("a refund key conflicted with no refund")
            return _same(existing, data)
        await uow.commit()
    refund_id = refund.id
    try:
        done = await adapter.refund(
            ref_of(attempt), Money(data.amount, attempt.currency), refund.id, data.reason
        )
    except ProviderError as exc:
        if exc.code == PaymentErrorCode.PROVIDER_UNAVAILABLE.value:
            # Unknown outcome: the provider may have refunded. The reservation stays; a retry with the
            # key asks the provider before anything is sent again.
            await _unknown(uow, refund_id)
            raise
        await _release(uow, refund, exc)
        raise
    if not done.settled:
        return await _park(uow, refund, done.provider_refund_id)
    return await _succeed(uow, attempt, refund, done.provider_refund_id, data.actor)


async def _look_up(
    uow: UnitOfWork, adapter: PaymentProvider, attempt: PaymentAttempt, refund: Refund
) -> RefundLookup:
    """Ask the provider about a refund that may have been sent; no answer leaves it UNKNOWN."""
    refund_id = refund.id
    settled = await uow.session.scalars(
        select(Refund.provider_refund_id).where(
            Refund.attempt_id == refund.attempt_id,
            Refund.id != refund.id,
            Refund.status == RefundStatus.SUCCEEDED,
            Refund.provider_refund_id.is_not(None),
        )
    )
    ref = RefundRef(
        id=refund.id,
        amount=Money(refund.amount, refund.currency),
        reason=refund.reason,
        provider_refund_id=refund.provider_refund_id,
        settled_ids=frozenset(str(s) for s in settled),
    )
    await uow.session.commit()
    try:
        return await adapter.refund_status(ref_of(attempt), ref)
    except ProviderError as exc:
        if exc.code == PaymentErrorCode.PROVIDER_UNAVAILABLE.value:
            await _unknown(uow, refund_id)
            raise
        return RefundLookup(RefundState.UNKNOWN, message=exc.message)


async def _unknown(uow: UnitOfWork, refund_id: uuid.UUID) -> None:
    """The outcome is not known: keep the reservation, mark the refund UNKNOWN, drop the claim."""
    await uow.session.execute(
        update(Refund)
        .where(Refund.id == refund_id, Refund.status.in_(OPEN))
        .values(status=RefundStatus.UNKNOWN, claimed_at=None, updated_at=uow.clock())
        .execution_options(synchronize_session=False)
    )
    await uow.commit()


async def _park(uow: UnitOfWork, refund: Refund, provider_refund_id: str | None) -> Refund:
    """The provider has the refund and has not finished it: pending, with its id for the lookup."""
    row = await uow.session.scalar(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status.in_(OPEN))
        .values(
            status=RefundStatus.PENDING,
            provider_refund_id=provider_refund_id or refund.provider_refund_id,
            claimed_at=None,
            updated_at=uow.clock(),
        )
        .returning(Refund)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    await uow.commit()
    return row or refund


async def _claim(uow: UnitOfWork, refund: Refund) -> bool:
    """Take a pending refund to ask the provider again, unless another request holds a live claim."""
    now = uow.clock()
    claimed = await uow.session.scalar(
        update(Refund)
        .where(
            Refund.id == refund.id,
            Refund.status.in_(OPEN),
            (Refund.claimed_at.is_(None)) | (Refund.claimed_at < now - CLAIM_LEASE),
        )
        .values(claimed_at=now)
        .returning(Refund.id)
        .execution_options(synchronize_session=False)
    )
    return claimed is not None


async def _succeed(
    uow: UnitOfWork, attempt: PaymentAttempt, refund: Refund, provider_refund_id: str | None, actor: str
) -> Refund:
    refund_id = refund.id
    try:
        row = await uow.session.scalar(
            update(Refund)
            .where(Refund.id == refund.id, Refund.status.in_(OPEN))
            .values(
                status=RefundStatus.SUCCEEDED,
                provider_refund_id=provider_refund_id or refund.provider_refund_id,
                claimed_at=None,
                updated_at=uow.clock(),
            )
            .returning(Refund)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    except IntegrityError:
        # The provider refund is already another refund's (two lookups matched the same one): this one
        # is not known to be made.
        await uow.rollback()
        await _unknown(uow, refund_id)
        raise unavailable("the provider's refund is already recorded for another refund") from None
    if row is None:  # a concurrent retry of the same key finished it
        await uow.rollback()
        found = await uow.session.get(Refund, refund_id, populate_existing=True)
        if found is None:
            raise RuntimeError(f"refund {refund_id} vanished")
        return found
    uow.emit(events.REFUND_CREATED, refund_summary(row))
    fully = await uow.session.scalar(
        select(PaymentAttempt.id).where(
            PaymentAttempt.id == row.attempt_id,
            PaymentAttempt.refunded_amount == PaymentAttempt.captured_amount,
        )
    )
    if fully is not None:
        await transition(uow, row.attempt_id, PaymentStatus.REFUNDED)
    await order_link.refunded(uow, attempt, row, actor=actor)
    await uow.commit()
    return row


async def _release(uow: UnitOfWork, refund: Refund, exc: ProviderError) -> None:
    """The provider said no: the refund failed and its reservation is given back."""
    row = await uow.session.scalar(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status.in_(OPEN))
        .values(
            status=RefundStatus.FAILED,
            failure_message=exc.message[:500],
            claimed_at=None,
            updated_at=uow.clock(),
        )
        .returning(Refund)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    if row is None:
        await uow.rollback()
        return
    await uow.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == refund.attempt_id)
        .values(refunded_amount=PaymentAttempt.refunded_amount - refund.amount, updated_at=uow.clock())
        .execution_options(synchronize_session=False)
    )
    uow.emit(events.REFUND_FAILED, refund_summary(row))
    await uow.commit()
