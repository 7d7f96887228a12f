"""Batch reads for order loaders and lists: each answers many keys in one statement, in key order
(the session is a store-scoped unit of work's, so every statement carries the store)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders.models import Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: Sequence[OrderStatus] = ()
    payment_status: Sequence[PaymentStatus] = ()
    customer_id: uuid.UUID | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # Matches the order number exactly, or email / phone exactly (case-insensitive email).
    search: str | None = None


def _filtered(f: OrderFilter) -> Select[Order]:
    stmt = select(Order)
    if f.status:
        stmt = stmt.where(Order.status.in_(list(f.status)))
    if f.payment_status:
        stmt = stmt.where(Order.payment_status.in_(list(f.payment_status)))
    if f.customer_id is not None:
        stmt = stmt.where(Order.customer_id == f.customer_id)
    if f.created_from is not None:
        stmt = stmt.where(Order.created_at >= f.created_from)
    if f.created_to is not None:
        stmt = stmt.where(Order.created_at < f.created_to)
    if f.search:
        term = f.search.strip().lstrip("#")
        conds = [Order.email == term.lower(), Order.phone == term]
        if term.isdigit() and len(term) < 16:
            conds.append(Order.number == int(term))
        stmt = stmt.where(or_(*conds))
    return stmt


async def list_orders(
    uow: UnitOfWork, f: OrderFilter, *, first: int, after: tuple[datetime, uuid.UUID] | None = None
) -> list[Order]:
    """Newest first, keyset-paginated on (created_at, id); up to `first` + 1 rows (the extra one says
    whether there is a next page)."""
    stmt = _filtered(f)
    if after is not None:
        stmt = stmt.where(tuple_(Order.created_at, Order.id) < tuple_(after[0], after[1]))
    stmt = stmt.order_by(Order.created_at.desc(), Order.id.desc()).limit(first + 1)
    return list((await uow.session.scalars(stmt)).all())


async def orders_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Order | None]:
    rows = {o.id: o for o in await session.scalars(select(Order).where(Order.id.in_(list(ids))))}
    return [rows.get(i) for i in ids]


async def order_by_number(uow: UnitOfWork, number: int) -> Order | None:
    return await uow.session.scalar(select(Order).where(Order.number == number))


async def lines_by_order(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[list[OrderLine]]:
    out: dict[uuid.UUID, list[OrderLine]] = {i: [] for i in order_ids}
    stmt = select(OrderLine).where(OrderLine.order_id.in_(list(order_ids))).order_by(OrderLine.position)
    for line in await session.scalars(stmt):
        out[line.order_id].append(line)
    return [out[i] for i in order_ids]


async def events_by_order(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[list[OrderEvent]]:
    out: dict[uuid.UUID, list[OrderEvent]] = {i: [] for i in order_ids}
    stmt = (
        select(OrderEvent)
        .where(OrderEvent.order_id.in_(list(order_ids)))
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )
    for event in await session.scalars(stmt):
        out[event.order_id].append(event)
    return [out[i] for i in order_ids]
