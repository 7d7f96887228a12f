"""Provider callbacks (browser redirects and server notifications): verified, checked, applied once.

A callback is never taken at its word: the adapter verifies it (a signature, or a server-side call to the
provider) and returns the provider's own account of the payment. The amount and currency must be the
attempt's. Each callback has a replay key per provider; its row is written in the transaction that applies
it (a unique key), so a replay — even one racing the original — is rejected and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.errors import DomainError
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAttempt, PaymentCallback, PaymentStatus, Provider
from domain.payments.ports import Confirmation
from domain.payments.providers import Providers
from domain.payments.services import account_of, move, ref_of, require_attempt
from domain.uow import UnitOfWork

MAX_PARAMS = 60
MAX_VALUE = 2000


def _replayed() -> DomainError:
    return DomainError(PaymentErrorCode.CALLBACK_REPLAYED, "this callback was already applied")


def _check_paid(attempt: PaymentAttempt, confirmation: Confirmation) -> None:
    paid = confirmation.paid
    if paid is None:
        raise DomainError(PaymentErrorCode.AMOUNT_MISMATCH, "the provider reports no amount")
    if paid.currency != attempt.currency:
        raise DomainError(
            PaymentErrorCode.CURRENCY_MISMATCH,
            f"paid in {paid.currency}, the payment is in {attempt.currency}",
        )
    if paid.amount != attempt.amount:
        raise DomainError(
            PaymentErrorCode.AMOUNT_MISMATCH, f"paid {paid.amount}, due {attempt.amount} (minor units)"
        )


async def handle_callback(
    uow: UnitOfWork,
    provider: Provider,
    attempt_id: uuid.UUID,
    params: Mapping[str, str],
    *,
    providers: Providers,
) -> PaymentAttempt:
    """Verify and apply one callback to its attempt; commits. Raises DomainError (SIGNATURE_INVALID,
    AMOUNT_MISMATCH, CURRENCY_MISMATCH, CALLBACK_REPLAYED, INVALID_TRANSITION, PROVIDER_UNAVAILABLE …)."""
    if len(params) > MAX_PARAMS or any(len(v) > MAX_VALUE for v in params.values()):
        raise DomainError(PaymentErrorCode.INVALID, "callback too large")
    attempt = await require_attempt(uow, attempt_id)
    if attempt.provider is not provider:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "no payment with this id for this provider")
    adapter = providers.get(provider, await account_of(uow, provider))
    ref = ref_of(attempt)
    key = adapter.callback_key(ref, params)
    seen = await uow.session.scalar(
        select(PaymentCallback.id).where(
            PaymentCallback.provider == provider, PaymentCallback.dedupe_key == key
        )
    )
    if seen is not None:
        raise _replayed()
    # No transaction stays open while the provider is asked.
    await uow.session.commit()
    confirmation = await adapter.confirm(ref, params)
    return await apply_confirmation(uow, attempt, confirmation, key=key, payload=dict(params))


async def apply_confirmation(
    uow: UnitOfWork,
    attempt: PaymentAttempt,
    confirmation: Confirmation,
    *,
    key: str,
    payload: dict[str, Any],
) -> PaymentAttempt:
    """Apply the provider's account of a payment, once per key; commits. The one way callbacks and the
    re-query sweep move an attempt: amounts and currency checked, the record of what was applied
    written with the move (`key` unique per provider: a replay is CALLBACK_REPLAYED), the move
    conditional. A payment the provider still has open changes nothing."""
    target = confirmation.status
    values: dict[str, object] = {"transaction_id": confirmation.transaction_id or attempt.transaction_id}
    if target in (PaymentStatus.CAPTURED, PaymentStatus.AUTHORIZED):
        _check_paid(attempt, confirmation)
        if target is PaymentStatus.CAPTURED:
            values["captured_amount"] = attempt.amount
    elif target in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        values["failure_code"] = confirmation.failure_code
        values["failure_message"] = confirmation.message[:500]
    else:
        # The provider still has it open (a browser came back early): nothing to apply yet.
        return attempt
    inserted = await uow.session.scalar(
        insert(PaymentCallback)
        .values(
            id=uuid.uuid4(),
            store_id=uow.store_id,
            attempt_id=attempt.id,
            provider=attempt.provider,
            dedupe_key=key,
            payload=payload,
            outcome=target.value,
            received_at=uow.clock(),
        )
        .on_conflict_do_nothing()
        .returning(PaymentCallback.id)
    )
    if inserted is None:
        await uow.rollback()
        raise _replayed()
    try:
        moved = await move(uow, attempt, target, **values)
    except DomainError:
        await uow.rollback()
        raise
    await uow.commit()
    return moved
