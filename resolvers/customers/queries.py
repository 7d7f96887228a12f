"""The signed-in customer (`me`) and their addresses."""

from __future__ import annotations

from dataclasses import dataclass

from domain.customers import address_book
from domain.customers.models import Customer, CustomerAddress
from resolvers.context import Context


@dataclass(frozen=True)
class Me:
    customer: Customer
    addresses: list[CustomerAddress]


async def me(ctx: Context) -> Me | None:
    customer_id = await ctx.customer_id()
    if customer_id is None:
        return None
    async with ctx.uow() as uow:
        customer = await uow.session.get(Customer, customer_id)
        if customer is None:
            return None
        return Me(customer, await address_book.addresses(uow, customer_id))
