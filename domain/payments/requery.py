"""Re-query of payment attempts left pending: the shopper's browser never came back, the IPN was lost.

A sweep (workers/payments.py, an arq cron) finds the stores with an online attempt pending longer than
`after`, and in each store's own unit of work claims a batch of them: one `UPDATE … SET checked_at`
over rows picked `FOR UPDATE SKIP LOCKED`, so concurrent sweeps split the work and an attempt is asked
about at most once per `after`. Each claimed attempt's provider is asked (bKash query payment, SSLCommerz
transaction query then validation, Nagad verify) with no transaction open, and its answer applied by
`callbacks.apply_confirmation`, the code every callback goes through: captured (the order paid,
`order.paid`), failed, cancelled. One still open at the provider after `expire_after` is cancelled
with failure code EXPIRED. Providers without a lookup (the card redirect) are left to their callbacks."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError
from domain.payments.callbacks import apply_confirmation
from domain.payments.models import PaymentAttempt, PaymentStatus, Provider
from domain.payments.ports import Confirmation
from domain.payments.providers import Providers
from domain.payments.services import account_of, ref_of, require_attempt
from domain.uow import UnitOfWork

log = logging.getLogger(__name__)
EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class RequeryPolicy:
    # Ask about an attempt pending this long (and again at most this often).
    after: timedelta = timedelta(minutes=15)
    # Still open at the provider this long after it started: cancelled as expired.
    expire_after: timedelta = timedelta(hours=3)
    batch: int = 50


@dataclass
class RequeryReport:
    asked: int = 0
    moved: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def count(self, status: PaymentStatus) -> None:
        self.moved[status.value] = self.moved.get(status.value, 0) + 1


async def pending_stores(conn: AsyncConnection, before: datetime) -> list[uuid.UUID]:
    """Stores with an online attempt pending since before `before` (a definer function: every store)."""
    rows = await conn.execute(text("SELECT * FROM stormcom_payments_pending_stores(:b)"), {"b": before})
    return [r[0] for r in rows]


async def claim_pending(uow: UnitOfWork, policy: RequeryPolicy, now: datetime) -> list[PaymentAttempt]:
    """Take up to `batch` of the store's stale pending attempts for this sweep; commits the claim."""
    due = now - policy.after
    picked = (
        select(PaymentAttempt.id)
        .where(
            PaymentAttempt.status == PaymentStatus.PENDING,
            PaymentAttempt.provider != Provider.COD,
            PaymentAttempt.created_at <= due,
            (PaymentAttempt.checked_at.is_(None)) | (PaymentAttempt.checked_at <= due),
        )
        .order_by(PaymentAttempt.created_at)
        .limit(policy.batch)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = list(
        await uow.session.scalars(
            update(PaymentAttempt)
            .where(PaymentAttempt.id.in_(picked), PaymentAttempt.status == PaymentStatus.PENDING)
            .values(checked_at=now)
            .returning(PaymentAttempt)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
    )
    await uow.commit()
    return sorted(claimed, key=lambda a: a.created_at)


async def requery_attempt(
    uow: UnitOfWork, attempt: PaymentAttempt, *, providers: Providers, policy: RequeryPolicy, now: datetime
) -> PaymentAttempt | None:
    """Ask the provider about one pending attempt and apply its answer; the attempt if it moved.
    Raises DomainError when the provider could not be asked or its answer does not fit the attempt."""
    adapter = providers.get(attempt.provider, await account_of(uow, attempt.provider))
    await uow.session.commit()
    confirmation = await adapter.query(ref_of(attempt))
    if confirmation is None:
        return None
    if confirmation.status is PaymentStatus.PENDING:
        if attempt.created_at > now - policy.expire_after:
            return None
        minutes = int(policy.expire_after.total_seconds() // 60)
        confirmation = Confirmation(
            PaymentStatus.CANCELLED,
            None,
            attempt.reference,
            failure_code=EXPIRED,
            message=f"still not paid at the provider {minutes} minutes after it started",
        )
    key = f"requery:{attempt.id}:{confirmation.status.value}"
    payload = {"source": "requery", "status": confirmation.status.value, "checked_at": now.isoformat()}
    return await apply_confirmation(uow, attempt, confirmation, key=key, payload=payload)


async def requery_store(
    uow: UnitOfWork, *, providers: Providers, policy: RequeryPolicy, now: datetime
) -> RequeryReport:
    """One batch of the store's stale pending attempts (the unit of work is the store's)."""
    report = RequeryReport()
    # Ids, not rows: a rollback after one attempt's failure expires every loaded row.
    for attempt_id in [a.id for a in await claim_pending(uow, policy, now)]:
        report.asked += 1
        try:
            attempt = await require_attempt(uow, attempt_id)
            if attempt.status is not PaymentStatus.PENDING:  # a callback settled it meanwhile
                continue
            moved = await requery_attempt(uow, attempt, providers=providers, policy=policy, now=now)
        except DomainError as exc:
            # The provider is down, not configured any more, or answered something that does not fit:
            # the attempt stays pending and is asked again next time; callbacks can still settle it.
            await uow.rollback()
            report.errors += 1
            log.warning(
                "payment re-query failed",
                extra={"attempt_id": str(attempt_id), "code": str(exc.code), "error": exc.message},
            )
            continue
        if moved is not None:
            report.count(moved.status)
    return report
