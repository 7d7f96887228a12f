"""The order state machines, as data: every allowed move is listed; anything else is INVALID_TRANSITION.

Lifecycle: pending (placed) → confirmed (merchant accepted, or paid online) → partially_fulfilled /
fulfilled (shipments) → completed. Cancel is possible until anything has shipped (a cancelled shipment
gives its units back and may move the order back: REOPENS). Payment moves on its own
axis because cash on delivery ships before it is paid."""

from __future__ import annotations

from domain.orders import events
from domain.orders.models import OrderStatus as S
from domain.orders.models import PaymentStatus as P

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.PARTIALLY_FULFILLED, S.FULFILLED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PARTIALLY_FULFILLED, S.FULFILLED, S.CANCELLED}),
    # Another partial shipment keeps the order partially fulfilled.
    S.PARTIALLY_FULFILLED: frozenset({S.PARTIALLY_FULFILLED, S.FULFILLED}),
    S.FULFILLED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Back moves, only when units that had shipped can be shipped again (a shipment was cancelled before the
# courier picked it up): `reopen` uses this table, never `transition`, so orderConfirm cannot take a
# fulfilled order back.
REOPENS: dict[S, frozenset[S]] = {
    S.PARTIALLY_FULFILLED: frozenset({S.CONFIRMED}),
    S.FULFILLED: frozenset({S.PARTIALLY_FULFILLED, S.CONFIRMED}),
}

PAYMENT_TRANSITIONS: dict[P, frozenset[P]] = {
    P.UNPAID: frozenset({P.AUTHORIZED, P.PAID}),
    P.AUTHORIZED: frozenset({P.PAID, P.UNPAID}),
    P.PAID: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.REFUNDED: frozenset(),
}

STATUS_EVENTS: dict[S, str] = {
    S.CONFIRMED: events.ORDER_CONFIRMED,
    S.PARTIALLY_FULFILLED: events.ORDER_PARTIALLY_FULFILLED,
    S.FULFILLED: events.ORDER_FULFILLED,
    S.COMPLETED: events.ORDER_COMPLETED,
    S.CANCELLED: events.ORDER_CANCELLED,
}


def sources(target: S) -> list[S]:
    """The states from which `target` may be reached (the WHERE of the conditional update)."""
    return sorted(s for s, nexts in TRANSITIONS.items() if target in nexts)


def reopen_sources(target: S) -> list[S]:
    return sorted(s for s, nexts in REOPENS.items() if target in nexts)


def payment_sources(target: P) -> list[P]:
    return sorted(s for s, nexts in PAYMENT_TRANSITIONS.items() if target in nexts)
