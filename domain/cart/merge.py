"""Cart merge on login: the guest's cart becomes the customer's.

The guest cart (the one the shopper was just filling) survives and keeps its token; lines of the
customer's older active cart are added into it (same variant: quantities add, capped at the maximum),
its codes join, and the older cart is expired. Lines keep their remembered prices, so a line whose price
moved meanwhile shows as a PRICE_CHANGED problem rather than being silently repriced. Both carts are
locked in id order, so two logins at once cannot deadlock or merge twice."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.cart import events
from domain.cart.models import Cart, CartLine, CartStatus
from domain.cart.services import MAX_QUANTITY, cart_lines, touch
from domain.uow import UnitOfWork

_CHANGEABLE = (CartStatus.ACTIVE, CartStatus.ABANDONED)


async def merge_on_login(uow: UnitOfWork, customer_id: uuid.UUID, guest: Cart | None) -> Cart | None:
    """The customer's cart after signing in: the merged guest cart, else their existing active cart."""
    query = (
        select(Cart)
        .where(Cart.customer_id == customer_id, Cart.status.in_(_CHANGEABLE))
        .order_by(Cart.last_activity_at.desc())
        .limit(1)
    )
    if guest is None:
        return await uow.session.scalar(query)
    others = select(Cart.id).where(Cart.customer_id == customer_id, Cart.status.in_(_CHANGEABLE))
    ids = sorted({guest.id, *(await uow.session.scalars(others)).all()})
    locked = {
        c.id: c
        for c in (
            await uow.session.scalars(
                select(Cart).where(Cart.id.in_(ids)).order_by(Cart.id).with_for_update()
            )
        ).all()
    }
    target = locked[guest.id]
    if target.status not in _CHANGEABLE or (target.customer_id not in (None, customer_id)):
        # A converted guest cart, or another customer's: nothing to merge into; keep theirs.
        return await uow.session.scalar(query)
    older = [c for c in locked.values() if c.id != target.id and c.status in _CHANGEABLE]
    lines = {line.variant_id: line for line in await cart_lines(uow, target.id)}
    for other in older:
        for line in await cart_lines(uow, other.id):
            mine = lines.get(line.variant_id)
            if mine is None:
                moved = CartLine(
                    id=uuid.uuid4(),
                    cart_id=target.id,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                )
                uow.session.add(moved)
                lines[line.variant_id] = moved
            else:
                mine.quantity = min(mine.quantity + line.quantity, MAX_QUANTITY)
        known = {c.casefold() for c in target.codes}
        target.codes = [*target.codes, *(c for c in other.codes if c.casefold() not in known)]
        target.email = target.email or other.email
        target.phone = target.phone or other.phone
        target.shipping_address = target.shipping_address or other.shipping_address
        target.billing_address = target.billing_address or other.billing_address
        other.status = CartStatus.EXPIRED
        uow.emit(
            events.CART_MERGED,
            {"id": str(target.id), "merged": str(other.id), "customer_id": str(customer_id)},
        )
    # The partial unique index allows one active cart per customer: the older ones expire first.
    await uow.session.flush()
    target.customer_id = customer_id
    touch(uow, target)
    await uow.session.flush()
    return target
