"""The signed-in customer's saved addresses: read, create, update, delete."""

from __future__ import annotations

import uuid
from typing import Any

from domain.customers import address_book
from domain.customers.addresses import AddressInput
from domain.customers.errors import CustomerErrorCode
from domain.customers.models import CustomerAddress
from domain.errors import DomainError
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


async def signed_in(ctx: Context) -> uuid.UUID:
    customer = await ctx.customer_id()
    if customer is None:
        raise DomainError(CustomerErrorCode.SIGN_IN_REQUIRED, "sign in first (X-Customer-Token)", field=None)
    return customer


@translate
async def customer_address_create(ctx: Context, *, fields: dict[str, Any], default: bool) -> CustomerAddress:
    customer = await signed_in(ctx)
    data = AddressInput.model_validate(fields)
    async with ctx.uow() as uow:
        row = await address_book.add_address(uow, customer, data, default=default)
        await uow.commit()
    return row


@translate
async def customer_address_update(
    ctx: Context, *, id: str, fields: dict[str, Any], default: bool
) -> CustomerAddress:
    customer = await signed_in(ctx)
    address_id = require_id(id, "CustomerAddress", field="id")
    data = AddressInput.model_validate(fields)
    async with ctx.uow() as uow:
        row = await address_book.update_address(uow, customer, address_id, data, default=default)
        await uow.commit()
    return row


@translate
async def customer_address_delete(ctx: Context, *, id: str) -> uuid.UUID:
    customer = await signed_in(ctx)
    address_id = require_id(id, "CustomerAddress", field="id")
    async with ctx.uow() as uow:
        gone = await address_book.delete_address(uow, customer, address_id)
        await uow.commit()
    return gone
