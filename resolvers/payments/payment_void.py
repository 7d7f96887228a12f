from __future__ import annotations

import uuid

from domain.payments.authorizations import void_payment
from domain.payments.models import PaymentAttempt
from domain.payments.services import require_attempt
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.payments.idempotent import providers_of, run_once


@translate
async def payment_void(ctx: Context, *, payment_id: str, idempotency_key: str | None) -> PaymentAttempt:
    """Release an authorized payment at its provider; the attempt is cancelled."""
    attempt_id = require_id(payment_id, "PaymentAttempt", field="paymentId")

    async def run(key: str) -> uuid.UUID:
        async with ctx.uow() as uow:
            attempt = await void_payment(uow, attempt_id, providers=providers_of(ctx))
        return attempt.id

    done = await run_once(ctx, idempotency_key, "paymentVoid", {"payment": str(attempt_id)}, run)
    async with ctx.uow() as uow:
        return await require_attempt(uow, done)
