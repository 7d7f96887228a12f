"""Staff capture or void a payment the provider only authorized (bKash with intent "authorization").

The attempt must be authorized; the provider is asked with no transaction open, and its answer applied
through `callbacks.apply_confirmation` (the same checks, record and conditional move as a callback), so a
capture racing a void, or a retry of either, moves the attempt once. Providers whose protocol has no
capture or void answer NOT_SUPPORTED and nothing changes."""

from __future__ import annotations

import uuid

from domain.errors import DomainError
from domain.payments.callbacks import apply_confirmation
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider
from domain.payments.providers import Providers
from domain.payments.services import account_of, capture_manually, ref_of, require_attempt
from domain.uow import UnitOfWork


async def _authorized(uow: UnitOfWork, attempt_id: uuid.UUID, action: str) -> PaymentAttempt:
    attempt = await require_attempt(uow, attempt_id)
    if attempt.status is not PaymentStatus.AUTHORIZED:
        raise DomainError(
            PaymentErrorCode.INVALID_TRANSITION,
            f"only an authorized payment can be {action}d; this one is {attempt.status.value}",
            field="paymentId",
        )
    return attempt


async def capture_payment(uow: UnitOfWork, attempt_id: uuid.UUID, *, providers: Providers) -> PaymentAttempt:
    """paymentCapture: cash received for a pending COD payment, or the capture of an authorization at its
    provider; commits."""
    attempt = await require_attempt(uow, attempt_id)
    if attempt.provider is Provider.COD:
        captured = await capture_manually(uow, attempt_id)
        await uow.commit()
        return captured
    attempt = await _authorized(uow, attempt_id, "capture")
    adapter = providers.get(attempt.provider, await account_of(uow, attempt.provider))
    await uow.session.commit()
    confirmation = await adapter.capture(ref_of(attempt))
    payload = {"source": "staff", "action": "capture"}
    return await apply_confirmation(uow, attempt, confirmation, key=f"capture:{attempt.id}", payload=payload)


async def void_payment(uow: UnitOfWork, attempt_id: uuid.UUID, *, providers: Providers) -> PaymentAttempt:
    """paymentVoid: release an authorization at its provider (the attempt is cancelled); commits."""
    attempt = await _authorized(uow, attempt_id, "void")
    adapter = providers.get(attempt.provider, await account_of(uow, attempt.provider))
    await uow.session.commit()
    confirmation = await adapter.void(ref_of(attempt))
    if confirmation.status is not PaymentStatus.CANCELLED:
        raise DomainError(PaymentErrorCode.INVALID_TRANSITION, "the provider did not void the payment")
    payload = {"source": "staff", "action": "void"}
    return await apply_confirmation(uow, attempt, confirmation, key=f"void:{attempt.id}", payload=payload)
