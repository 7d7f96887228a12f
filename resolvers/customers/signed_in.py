"""What a sign-in answers: the customer, the session token, and their cart after merging the guest's."""

from __future__ import annotations

from dataclasses import dataclass

from domain.cart.merge import merge_on_login
from domain.cart.services import find_cart
from domain.cart.totals import CartTotals, compute
from domain.customers.accounts import SignedIn
from domain.customers.models import Customer
from domain.errors import DomainError
from domain.uow import UnitOfWork
from resolvers.context import Context


@dataclass(frozen=True)
class Session:
    customer: Customer
    token: str
    cart: CartTotals | None


async def with_cart(ctx: Context, uow: UnitOfWork, signed: SignedIn, cart_token: str | None) -> Session:
    """Merge the guest cart (if its token is given and still a guest's) into the customer's, in the
    sign-in's transaction, and price the result."""
    guest = None
    if cart_token:
        try:
            guest = await find_cart(uow, token=cart_token, customer_id=signed.customer.id)
        except DomainError:
            guest = None  # an unknown or foreign cart token does not fail the sign-in
    cart = await merge_on_login(uow, signed.customer.id, guest)
    totals = await compute(uow, cart, cache=ctx.promotion_cache) if cart is not None else None
    return Session(signed.customer, signed.token, totals)
