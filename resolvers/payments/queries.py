"""Payment reads for admin tools: an order's attempts and refunds (two statements, whatever the count)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from domain.payments.models import PaymentAttempt, Refund
from resolvers.context import Context
from resolvers.ids import decode_global_id


@dataclass(frozen=True)
class OrderPayments:
    attempts: list[PaymentAttempt]
    refunds: list[Refund]


async def order_payments(ctx: Context, order_id: str) -> OrderPayments:
    order = decode_global_id(order_id, "Order")
    if order is None:
        return OrderPayments([], [])
    async with ctx.read_uow() as uow:
        attempts = (
            await uow.session.scalars(
                select(PaymentAttempt)
                .where(PaymentAttempt.order_id == order)
                .order_by(PaymentAttempt.created_at, PaymentAttempt.id)
            )
        ).all()
        refunds = (
            await uow.session.scalars(
                select(Refund).where(Refund.order_id == order).order_by(Refund.created_at, Refund.id)
            )
        ).all()
    return OrderPayments(list(attempts), list(refunds))
