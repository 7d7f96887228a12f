"""Admin queries and mutations of orders. Reads need `orders:read`, writes `orders:write`; expected
failures come back in `errors`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from domain.orders.errors import OrderErrorCode
from domain.orders.models import Order
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import decode_global_id
from resolvers.orders import queries
from resolvers.orders.order_cancel import order_cancel
from resolvers.orders.order_complete import order_complete
from resolvers.orders.order_confirm import order_confirm
from resolvers.orders.order_note_add import order_note_add
from resolvers.pagination import Page
from schema.errors import OrderError, convert
from schema.orders.types import OrderNode, OrderPaymentStatus, OrderStatus
from schema.permissions import requires
from schema.relay_utils import connection

Info = strawberry.Info[Context, None]
READ = "orders:read"
WRITE = "orders:write"


@strawberry.input(description="Which orders to list; every given condition must hold.")
class OrderFilterInput:
    status: list[OrderStatus] = strawberry.field(default_factory=list, description="Any of these states.")
    payment_status: list[OrderPaymentStatus] = strawberry.field(
        default_factory=list, description="Any of these payment states."
    )
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="A Customer global id.")
    created_from: datetime | None = strawberry.field(default=None, description="Placed at or after.")
    created_to: datetime | None = strawberry.field(default=None, description="Placed before.")
    search: str | None = strawberry.field(
        default=None, description="An order number (#12 or 12), an email or a phone, matched exactly."
    )


@strawberry.type(description="The result of an order mutation.")
class OrderPayload:
    order: OrderNode | None = strawberry.field(description="The order after the change.")
    errors: list[OrderError] = strawberry.field(description="Why nothing changed, if so.")


def _payload(out: Outcome[Order]) -> OrderPayload:
    return OrderPayload(
        order=OrderNode.from_model(out.result) if out.result else None,
        errors=convert(out.errors, OrderErrorCode, OrderError),
    )


def _args(f: OrderFilterInput | None) -> queries.OrderListArgs:
    if f is None:
        return queries.OrderListArgs(status=[], payment_status=[])
    customer: Any = decode_global_id(str(f.customer_id), "Customer") if f.customer_id else None
    return queries.OrderListArgs(
        status=list(f.status),
        payment_status=list(f.payment_status),
        customer_id=customer,
        created_from=f.created_from,
        created_to=f.created_to,
        search=f.search,
    )


@strawberry.type
class OrderQuery:
    @strawberry.field(description="Orders of this store, newest first.", extensions=requires(READ))
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: OrderFilterInput | None = None,
    ) -> relay.Connection[OrderNode]:
        if filter is not None and filter.customer_id and _args(filter).customer_id is None:
            return connection(Page([], False, after is not None), OrderNode.from_model)
        page = await queries.list_orders(info.context, _args(filter), first=first, after=after)
        return connection(page, OrderNode.from_model)

    @strawberry.field(
        description="One order by its number; null if there is none.", extensions=requires(READ)
    )
    async def order_by_number(self, info: Info, number: int) -> OrderNode | None:
        found = await queries.order_by_number(info.context, number)
        return OrderNode.from_model(found) if found else None


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description="Cancel an order nothing of which has shipped; its units go back into stock.",
        extensions=requires(WRITE),
    )
    async def order_cancel(self, info: Info, id: strawberry.ID, reason: str = "") -> OrderPayload:
        return _payload(await order_cancel(info.context, id=str(id), reason=reason))

    @strawberry.mutation(
        description="Accept a pending order (e.g. a COD order confirmed by phone).",
        extensions=requires(WRITE),
    )
    async def order_confirm(self, info: Info, id: strawberry.ID) -> OrderPayload:
        return _payload(await order_confirm(info.context, id=str(id)))

    @strawberry.mutation(description="Close a fulfilled order.", extensions=requires(WRITE))
    async def order_complete(self, info: Info, id: strawberry.ID) -> OrderPayload:
        return _payload(await order_complete(info.context, id=str(id)))

    @strawberry.mutation(description="Add a staff note to the order's timeline.", extensions=requires(WRITE))
    async def order_note_add(self, info: Info, id: strawberry.ID, note: str) -> OrderPayload:
        return _payload(await order_note_add(info.context, id=str(id), note=note))
