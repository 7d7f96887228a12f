from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.errors import DomainError
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import Refund
from domain.payments.refunds import RefundInput, create_refund
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.payments.idempotent import providers_of, run_once


@translate
async def refund_create(
    ctx: Context, *, payment_id: str, amount: int, reason: str, idempotency_key: str | None
) -> Refund:
    attempt_id = require_id(payment_id, "PaymentAttempt", field="paymentId")
    payload = {"payment": str(attempt_id), "amount": amount, "reason": reason}

    async def run(key: str) -> uuid.UUID:
        data = RefundInput(attempt_id, amount, key, reason, actor=ctx.principal.actor)
        async with ctx.uow() as uow:
            return (await create_refund(uow, data, providers=providers_of(ctx))).id

    done = await run_once(ctx, idempotency_key, "refundCreate", payload, run)
    async with ctx.uow() as uow:
        refund = await uow.session.scalar(select(Refund).where(Refund.id == done))
    if refund is None:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "no refund with this id")
    return refund
