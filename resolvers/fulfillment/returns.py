"""Return mutations (request, approve, reject, receive, refund) and the order's returns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from domain.errors import DomainError
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import ReturnLine, ReturnReason, ReturnRequest
from domain.fulfillment.order_tracking import customer_order
from domain.fulfillment.returns import (
    ReturnLineInput,
    decide_return,
    receive_return,
    refund_return,
    request_return,
)
from domain.payments.providers import Providers
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import decode_global_id, require_id

# One client per refund call: an admin action, rare enough not to need a pool.
PAYMENT_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class ReturnView:
    request: ReturnRequest
    lines: list[ReturnLine]


def _line_id(raw: str, index: int) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise DomainError(
            FulfillmentErrorCode.NOT_FOUND, "no order line with this id", field=f"lines.{index}.orderLineId"
        ) from None


async def _view(ctx: Context, ret: ReturnRequest) -> ReturnView:
    async with ctx.read_uow() as uow:
        lines = (await uow.session.scalars(select(ReturnLine).where(ReturnLine.return_id == ret.id))).all()
    return ReturnView(ret, list(lines))


@translate
async def return_request_create(ctx: Context, *, values: dict[str, Any]) -> ReturnView:
    order_id = require_id(values["order_id"], "Order", field="orderId")
    lines = [
        ReturnLineInput(
            _line_id(x["order_line_id"], i), int(x["quantity"]), ReturnReason(x["reason"]), bool(x["restock"])
        )
        for i, x in enumerate(values["lines"])
    ]
    async with ctx.uow() as uow:
        ret = await request_return(
            uow, order_id, lines, note=values.get("note") or "", actor=ctx.principal.actor
        )
        await uow.commit()
    return await _view(ctx, ret)


@translate
async def customer_return_request(ctx: Context, *, values: dict[str, Any]) -> ReturnView:
    """The signed-in customer asks to return shipped units of their own order, named by its number.

    The order is looked up with the customer id of the session, never one from input, so another
    customer's order is NOT_FOUND exactly like a number that does not exist. Units are marked for restock;
    whether they really go back on-hand is the merchant's call when the parcel is received."""
    customer = await ctx.customer_id()
    if customer is None:
        raise DomainError(
            FulfillmentErrorCode.SIGN_IN_REQUIRED, "sign in first (X-Customer-Token)", field=None
        )
    lines = [
        ReturnLineInput(_line_id(x["order_line_id"], i), int(x["quantity"]), ReturnReason(x["reason"]), True)
        for i, x in enumerate(values["lines"])
    ]
    async with ctx.uow() as uow:
        order = await customer_order(uow, customer, int(values["order_number"]))
        if order is None:
            raise DomainError(FulfillmentErrorCode.NOT_FOUND, "no such order of yours", field="orderNumber")
        ret = await request_return(
            uow, order.id, lines, note=values.get("note") or "", actor=f"customer:{customer}"
        )
        await uow.commit()
    return await _view(ctx, ret)


@translate
async def return_decide(ctx: Context, *, id: str, approve: bool, note: str) -> ReturnView:
    return_id = require_id(id, "ReturnRequest", field="id")
    async with ctx.uow() as uow:
        ret = await decide_return(uow, return_id, approve=approve, note=note, actor=ctx.principal.actor)
        await uow.commit()
    return await _view(ctx, ret)


@translate
async def return_receive(ctx: Context, *, id: str) -> ReturnView:
    return_id = require_id(id, "ReturnRequest", field="id")
    async with ctx.uow() as uow:
        ret = await receive_return(uow, return_id, actor=ctx.principal.actor)
        await uow.commit()
    return await _view(ctx, ret)


@translate
async def return_refund(ctx: Context, *, id: str) -> ReturnView:
    return_id = require_id(id, "ReturnRequest", field="id")
    async with (
        httpx.AsyncClient(timeout=PAYMENT_TIMEOUT_SECONDS, trust_env=False) as client,
        ctx.uow() as uow,
    ):
        ret = await refund_return(
            uow, return_id, providers=Providers(client=client), actor=ctx.principal.actor
        )
    return await _view(ctx, ret)


async def order_returns(ctx: Context, order_id: str) -> list[ReturnView]:
    """The order's returns, oldest first, with their lines (2 statements)."""
    found = decode_global_id(order_id, "Order")
    if found is None:
        return []
    async with ctx.read_uow() as uow:
        rets = list(
            (
                await uow.session.scalars(
                    select(ReturnRequest)
                    .where(ReturnRequest.order_id == found)
                    .order_by(ReturnRequest.created_at, ReturnRequest.id)
                )
            ).all()
        )
        if not rets:
            return []
        lines = (
            await uow.session.scalars(
                select(ReturnLine).where(ReturnLine.return_id.in_([r.id for r in rets]))
            )
        ).all()
    return [ReturnView(r, [x for x in lines if x.return_id == r.id]) for r in rets]
