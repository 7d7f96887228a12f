"""Starting payments, moving attempts through their states, and capturing cash on delivery.

Every state change is a conditional `UPDATE … WHERE status IN (allowed sources) RETURNING`, so two callbacks,
a callback and a courier report, or two workers can never both move one attempt. Calls to a provider run
with no transaction open: the services that make them commit before and after."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from domain.errors import DomainError
from domain.money import Money
from domain.orders.access import MAX_TOKEN, OrderProof
from domain.orders.models import Order
from domain.orders.timeline import record
from domain.payments import events, order_link, state
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAccount, PaymentAttempt, PaymentStatus, Provider
from domain.payments.ports import AttemptRef, ProviderError, StartRequest
from domain.payments.providers import Providers
from domain.tenancy import origins
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork

_EVENT_OF = {
    PaymentStatus.AUTHORIZED: events.PAYMENT_AUTHORIZED,
    PaymentStatus.CAPTURED: events.PAYMENT_CAPTURED,
    PaymentStatus.FAILED: events.PAYMENT_FAILED,
    PaymentStatus.CANCELLED: events.PAYMENT_CANCELLED,
    PaymentStatus.REFUNDED: events.PAYMENT_REFUNDED,
}


@dataclass(frozen=True)
class StartInput:
    order_id: uuid.UUID
    provider: Provider
    # None: the order's total. Given: it must be the order's total (partial payments are not offered).
    amount: Money | None
    # Our public base URL (https://api.example.com): the provider calls back under it.
    callback_base: str
    return_url: str | None = None
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    # A storefront caller's proof that the order is theirs; None for staff and the system (trusted).
    proof: OrderProof | None = None
    # Whether http://localhost and http://127.0.0.1 storefront origins count (development and test).
    local_origins: bool = False
    # Who started it, for the order's timeline ("customer:<id>", "guest", "token:<prefix>").
    actor: str = "system"


def attempt_summary(attempt: PaymentAttempt) -> dict[str, Any]:
    return {
        "id": str(attempt.id),
        "order_id": str(attempt.order_id),
        "provider": attempt.provider.value,
        "status": attempt.status.value,
        "amount": attempt.amount,
        "currency": attempt.currency,
        "captured_amount": attempt.captured_amount,
        "refunded_amount": attempt.refunded_amount,
        "reference": attempt.reference,
        "transaction_id": attempt.transaction_id,
    }


def ref_of(attempt: PaymentAttempt) -> AttemptRef:
    return AttemptRef(
        id=attempt.id,
        amount=Money(attempt.amount, attempt.currency),
        reference=attempt.reference,
        transaction_id=attempt.transaction_id,
        status=attempt.status,
    )


def callback_url(base: str, store_id: uuid.UUID, attempt: PaymentAttempt) -> str:
    return f"{base.rstrip('/')}/payments/{attempt.provider.value}/{store_id}/{attempt.id}/callback"


async def account_of(uow: UnitOfWork, provider: Provider) -> PaymentAccount | None:
    return await uow.session.scalar(select(PaymentAccount).where(PaymentAccount.provider == provider))


async def configure_account(
    uow: UnitOfWork, provider: Provider, config: dict[str, Any], *, enabled: bool = True
) -> PaymentAccount:
    """Set a store's credentials for a provider (replacing earlier ones)."""
    account = await account_of(uow, provider)
    if account is None:
        account = PaymentAccount(id=uuid.uuid4(), provider=provider, created_at=uow.clock())
        uow.session.add(account)
    account.config = dict(config)
    account.enabled = enabled
    account.updated_at = uow.clock()
    await uow.session.flush()
    return account


async def require_attempt(
    uow: UnitOfWork, attempt_id: uuid.UUID, *, field: str = "paymentId"
) -> PaymentAttempt:
    attempt = await uow.session.get(PaymentAttempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.store_id != uow.store_id:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "no payment with this id", field=field)
    return attempt


async def transition(
    uow: UnitOfWork, attempt_id: uuid.UUID, target: PaymentStatus, **values: Any
) -> PaymentAttempt | None:
    """Move an attempt to `target` if its current state allows it, in one statement; None if it did not
    (another writer moved it first, or the state machine forbids it). Emits the state's event."""
    stmt = (
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt_id, PaymentAttempt.status.in_(state.sources(target)))
        .values(status=target, updated_at=uow.clock(), **values)
        .returning(PaymentAttempt)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    attempt = (await uow.session.scalars(stmt)).one_or_none()
    if attempt is None:
        return None
    uow.emit(_EVENT_OF[target], attempt_summary(attempt))
    if target is PaymentStatus.CAPTURED:
        await order_link.captured(uow, attempt)
    elif target is PaymentStatus.AUTHORIZED:
        await order_link.authorized(uow, attempt)
    elif target in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        await order_link.ended(uow, attempt)
    return attempt


async def move(
    uow: UnitOfWork, attempt: PaymentAttempt, target: PaymentStatus, **values: Any
) -> PaymentAttempt:
    """`transition`, or INVALID_TRANSITION naming the state the attempt is really in."""
    moved = await transition(uow, attempt.id, target, **values)
    if moved is None:
        current = await require_attempt(uow, attempt.id)
        state.check(current.status, target)
        raise DomainError(
            PaymentErrorCode.INVALID_TRANSITION, f"the payment is already {current.status.value}"
        )
    return moved


async def _check_return_url(uow: UnitOfWork, value: str | None, *, allow_local: bool) -> str | None:
    """The return URL must be on one of the store's storefront origins (no open redirect through our
    callback route); a store with none configured accepts no return URL."""
    if value is None:
        return None
    store = await current_store(uow)
    if not origins.allowed(value, list(store.storefront_origins or []), allow_local=allow_local):
        raise DomainError(
            PaymentErrorCode.INVALID,
            "must be an https URL on one of the store's storefront origins (shopUpdate storefrontOrigins)",
            field="returnUrl",
        )
    return value


async def start_payment(uow: UnitOfWork, data: StartInput, *, providers: Providers) -> PaymentAttempt:
    """Open a payment attempt for an order and, for hosted providers, the provider's payment page.

    Commits twice: the pending attempt (with `payment.started`) before the provider is called, and its
    reference and redirect after. A provider failure fails the attempt (`payment.failed`) and is raised."""
    if data.amount is not None and data.amount.amount <= 0:
        raise DomainError(PaymentErrorCode.INVALID, "the amount must be positive", field="amount")
    token = data.proof.access_token if data.proof is not None else None
    if token is not None and (len(token) > MAX_TOKEN or "\x00" in token):
        raise DomainError(PaymentErrorCode.INVALID, "not an order access token", field="orderAccessToken")
    return_url = await _check_return_url(uow, data.return_url, allow_local=data.local_origins)
    adapter = providers.get(data.provider, await account_of(uow, data.provider))
    order, amount = await order_link.payable_order(uow, data.order_id, data.amount, proof=data.proof)
    attempt = PaymentAttempt(
        id=uuid.uuid4(),
        order_id=order.id,
        provider=data.provider,
        status=PaymentStatus.PENDING,
        amount=amount.amount,
        currency=amount.currency,
        captured_amount=0,
        refunded_amount=0,
        return_url=return_url,
        created_at=uow.clock(),
        updated_at=uow.clock(),
    )
    uow.session.add(attempt)
    await uow.session.flush()
    uow.emit(events.PAYMENT_STARTED, attempt_summary(attempt))
    record(
        uow,
        order.id,
        "payment_started",
        actor=data.actor,
        message=data.provider.value,
        data={"attempt_id": str(attempt.id), "provider": data.provider.value, "amount": attempt.amount},
    )
    await uow.commit()
    request = StartRequest(
        attempt_id=attempt.id,
        order_id=attempt.order_id,
        amount=amount,
        callback_url=callback_url(data.callback_base, uow.store_id, attempt),
        customer_name=data.customer_name,
        customer_email=data.customer_email or order.email or "",
        customer_phone=data.customer_phone or order.phone or "",
    )
    try:
        started = await adapter.start(request)
    except ProviderError as exc:
        await transition(
            uow,
            attempt.id,
            PaymentStatus.FAILED,
            failure_code=exc.provider_code or exc.code,
            failure_message=exc.message[:500],
        )
        await uow.commit()
        raise
    attempt.reference = started.reference
    attempt.redirect_url = started.redirect_url
    attempt.updated_at = uow.clock()
    await uow.commit()
    return attempt


async def capture_cod(uow: UnitOfWork, order_id: uuid.UUID, amount: Money) -> PaymentAttempt:
    """The courier collected `amount` in cash for the order: capture its pending cash-on-delivery attempt.

    For the fulfillment side, inside its own unit of work (this does not commit). NOT_FOUND when the order
    has no pending COD attempt, AMOUNT_MISMATCH / CURRENCY_MISMATCH when the cash differs from it."""
    attempt = await uow.session.scalar(
        select(PaymentAttempt)
        .where(
            PaymentAttempt.order_id == order_id,
            PaymentAttempt.provider == Provider.COD,
            PaymentAttempt.status == PaymentStatus.PENDING,
        )
        .order_by(PaymentAttempt.created_at.desc())
        .limit(1)
    )
    if attempt is None:
        # Checkout may not have opened one (an order placed before payments existed, or by staff): a
        # cash on delivery order still owing its total gets its attempt now.
        attempt = await _cod_for_unpaid(uow, order_id)
    if attempt is None:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "the order has no pending cash on delivery payment")
    if amount.currency != attempt.currency:
        raise DomainError(
            PaymentErrorCode.CURRENCY_MISMATCH, f"collected {amount.currency}, due {attempt.currency}"
        )
    if amount.amount != attempt.amount:
        raise DomainError(
            PaymentErrorCode.AMOUNT_MISMATCH,
            f"collected {amount}, due {Money(attempt.amount, attempt.currency)}",
            field="amount",
        )
    return await move(uow, attempt, PaymentStatus.CAPTURED, captured_amount=amount.amount)


async def open_cod(uow: UnitOfWork, order_id: uuid.UUID) -> PaymentAttempt:
    """A pending cash on delivery attempt for the order's total, in the caller's transaction (checkout
    calls it when the shopper chose COD: nothing to ask a provider). Emits `payment.started`."""
    order, amount = await order_link.payable_order(uow, order_id, None)
    attempt = PaymentAttempt(
        id=uuid.uuid4(),
        order_id=order.id,
        provider=Provider.COD,
        status=PaymentStatus.PENDING,
        amount=amount.amount,
        currency=amount.currency,
        captured_amount=0,
        refunded_amount=0,
        created_at=uow.clock(),
        updated_at=uow.clock(),
    )
    uow.session.add(attempt)
    await uow.session.flush()
    uow.emit(events.PAYMENT_STARTED, attempt_summary(attempt))
    return attempt


async def _cod_for_unpaid(uow: UnitOfWork, order_id: uuid.UUID) -> PaymentAttempt | None:
    order = await uow.session.get(Order, order_id)
    if order is None or order.payment_method not in (None, Provider.COD.value):
        return None
    try:
        return await open_cod(uow, order_id)
    except DomainError:
        return None


async def capture_manually(uow: UnitOfWork, attempt_id: uuid.UUID) -> PaymentAttempt:
    """Staff record the cash of a pending cash on delivery payment as received (at the counter, or the
    courier's report never came). Online payments are captured only by their provider's confirmed
    callback: INVALID_TRANSITION for them."""
    attempt = await require_attempt(uow, attempt_id)
    if attempt.provider is not Provider.COD:
        raise DomainError(
            PaymentErrorCode.INVALID_TRANSITION,
            f"a {attempt.provider.value} payment is captured by the provider's confirmation",
            field="paymentId",
        )
    return await move(uow, attempt, PaymentStatus.CAPTURED, captured_amount=attempt.amount)
