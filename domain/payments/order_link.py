"""What payments do to orders: which amount an order still owes, and the order's payment status and
timeline when an attempt is captured, authorised, fails, or is refunded (through the orders side's own
`set_payment_status`, which emits `order.paid` / `order.payment_updated`). Always in the caller's
transaction, so the attempt's move and the order's commit together."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.errors import DomainError
from domain.money import Money
from domain.orders.access import OrderProof
from domain.orders.errors import OrderErrorCode
from domain.orders.models import Order, OrderStatus
from domain.orders.models import PaymentStatus as OrderPayment
from domain.orders.services import get_order, set_payment_status
from domain.orders.timeline import record
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAttempt, PaymentStatus, Refund, RefundStatus
from domain.uow import UnitOfWork

SETTLED = (OrderPayment.PAID, OrderPayment.PARTIALLY_REFUNDED, OrderPayment.REFUNDED)


def _actor(attempt: PaymentAttempt) -> str:
    return f"payments:{attempt.provider.value}"


def _data(attempt: PaymentAttempt, **extra: object) -> dict[str, object]:
    return {
        "payment_id": str(attempt.id),
        "provider": attempt.provider.value,
        # Not `amount` / `currency`: the order's event data has its own total and currency.
        "payment_amount": attempt.amount,
        "payment_currency": attempt.currency,
        "transaction_id": attempt.transaction_id,
        **extra,
    }


async def payable_order(
    uow: UnitOfWork, order_id: uuid.UUID, amount: Money | None, *, proof: OrderProof | None = None
) -> tuple[Order, Money]:
    """The order and the amount to collect: its total (partial payments are not offered). NOT_FOUND
    (also when `proof` does not show the order is the caller's: the same answer as an unknown id, so
    ids cannot be probed), INVALID_TRANSITION (cancelled or already paid), CURRENCY_MISMATCH /
    AMOUNT_MISMATCH."""
    try:
        order = await get_order(uow, order_id)
    except DomainError:
        order = None
    if order is None or (proof is not None and not proof.allows(order)):
        raise DomainError(PaymentErrorCode.NOT_FOUND, "no order with this id", field="orderId")
    if order.status is OrderStatus.CANCELLED:
        raise DomainError(PaymentErrorCode.INVALID_TRANSITION, "the order is cancelled", field="orderId")
    if order.payment_status in SETTLED:
        raise DomainError(PaymentErrorCode.INVALID_TRANSITION, "the order is already paid", field="orderId")
    due = Money(order.total, order.currency)
    if amount is None:
        return order, due
    if amount.currency != due.currency:
        raise DomainError(
            PaymentErrorCode.CURRENCY_MISMATCH, f"the order is in {due.currency}", field="amount"
        )
    if amount.amount != due.amount:
        raise DomainError(PaymentErrorCode.AMOUNT_MISMATCH, f"the order's total is {due}", field="amount")
    return order, due


async def captured(uow: UnitOfWork, attempt: PaymentAttempt) -> None:
    """The order is paid (`order.paid`). A second capture for an order already paid is money taken
    twice: it stays on the timeline as `payment_duplicate` for staff to refund, and nothing else moves."""
    try:
        await set_payment_status(
            uow,
            attempt.order_id,
            OrderPayment.PAID,
            actor=_actor(attempt),
            message=f"Paid {Money(attempt.amount, attempt.currency)} by {attempt.provider.value}",
            data=_data(attempt),
        )
    except DomainError as exc:
        if exc.code != OrderErrorCode.INVALID_TRANSITION.value:
            raise
        record(
            uow,
            attempt.order_id,
            "payment_duplicate",
            actor=_actor(attempt),
            message="A payment was captured for an order already paid: refund it",
            data=_data(attempt),
        )


async def authorized(uow: UnitOfWork, attempt: PaymentAttempt) -> None:
    try:
        await set_payment_status(
            uow, attempt.order_id, OrderPayment.AUTHORIZED, actor=_actor(attempt), data=_data(attempt)
        )
    except DomainError as exc:
        if exc.code != OrderErrorCode.INVALID_TRANSITION.value:
            raise
        record(uow, attempt.order_id, "payment_authorized", actor=_actor(attempt), data=_data(attempt))


async def ended(uow: UnitOfWork, attempt: PaymentAttempt) -> None:
    """A failed or cancelled attempt: the timeline (the order stays unpaid; another attempt may pay). An
    authorization voided or failed leaves the order unpaid again unless another attempt still holds one."""
    order = await uow.session.get(Order, attempt.order_id, populate_existing=True)
    if order is not None and order.payment_status is OrderPayment.AUTHORIZED:
        held = await uow.session.scalar(
            select(PaymentAttempt.id).where(
                PaymentAttempt.order_id == attempt.order_id,
                PaymentAttempt.id != attempt.id,
                PaymentAttempt.status == PaymentStatus.AUTHORIZED,
            )
        )
        if held is None:
            await set_payment_status(
                uow, attempt.order_id, OrderPayment.UNPAID, actor=_actor(attempt), data=_data(attempt)
            )
    record(
        uow,
        attempt.order_id,
        f"payment_{attempt.status.value}",
        actor=_actor(attempt),
        message=attempt.failure_message or "",
        data=_data(attempt, failure_code=attempt.failure_code),
    )


async def refunded(uow: UnitOfWork, attempt: PaymentAttempt, refund: Refund, *, actor: str) -> None:
    """The order is partially or fully refunded, counting every succeeded refund of all its payments."""
    captured_total = await uow.session.scalar(
        select(func.coalesce(func.sum(PaymentAttempt.captured_amount), 0)).where(
            PaymentAttempt.order_id == refund.order_id
        )
    )
    refunded_total = await uow.session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.order_id == refund.order_id, Refund.status == RefundStatus.SUCCEEDED
        )
    )
    target = (
        OrderPayment.REFUNDED
        if int(refunded_total or 0) >= int(captured_total or 0)
        else OrderPayment.PARTIALLY_REFUNDED
    )
    data = _data(attempt, refund_id=str(refund.id), refund_amount=refund.amount, reason=refund.reason)
    message = f"Refunded {Money(refund.amount, refund.currency)}"
    try:
        await set_payment_status(uow, refund.order_id, target, actor=actor, message=message, data=data)
    except DomainError as exc:
        if exc.code != OrderErrorCode.INVALID_TRANSITION.value:
            raise
        record(uow, refund.order_id, "refund_created", actor=actor, message=message, data=data)
