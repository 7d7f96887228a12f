"""The payment attempt state machine: the only transitions an attempt may take."""

from __future__ import annotations

from domain.errors import DomainError
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentStatus

S = PaymentStatus

ALLOWED: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.PENDING: frozenset({S.AUTHORIZED, S.CAPTURED, S.FAILED, S.CANCELLED}),
    S.AUTHORIZED: frozenset({S.CAPTURED, S.CANCELLED, S.FAILED}),
    S.CAPTURED: frozenset({S.REFUNDED}),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}


def sources(target: PaymentStatus) -> frozenset[PaymentStatus]:
    """The states from which `target` may be reached (the WHERE of a conditional update)."""
    return frozenset(s for s, targets in ALLOWED.items() if target in targets)


def check(current: PaymentStatus, target: PaymentStatus) -> None:
    if target not in ALLOWED[current]:
        raise DomainError(
            PaymentErrorCode.INVALID_TRANSITION, f"a {current.value} payment cannot become {target.value}"
        )
