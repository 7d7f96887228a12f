"""Returns over admin GraphQL: request, approve / reject, receive (restock), refund; an order's returns.
And the storefront's one step: a signed-in customer asks to return units of their own order.

Admin reads need `orders:read`; changes `orders:write`, and refunding `refunds:write` as well."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import ReturnReason, ReturnStatus
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.fulfillment import returns as r
from resolvers.ids import encode_global_id
from schema.catalog.taxonomy_types import Money
from schema.errors import FulfillmentError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]

ReturnStatusEnum = strawberry.enum(
    ReturnStatus,
    name="ReturnStatus",
    description="requested → approved or rejected; approved → received (restocked) → refunded.",
)
ReturnReasonEnum = strawberry.enum(ReturnReason, name="ReturnReason", description="Why units come back.")


@strawberry.type(description="Units of one order line coming back.")
class ReturnLineType:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (OrderLine.id).")
    quantity: int = strawberry.field(description="Units returned.")
    reason: ReturnReason = strawberry.field(description="Why.")
    restock: bool = strawberry.field(description="Whether the units go back on-hand when received.")
    amount: Money = strawberry.field(description="Their share of what the customer paid.")


@strawberry.type(name="ReturnRequest", description="A customer's return of shipped units of an order.")
class ReturnRequestType:
    id: strawberry.ID = strawberry.field(description="Global id (ReturnRequest).")
    reference: str = strawberry.field(description="R<order number>-<n>.")
    status: ReturnStatus = strawberry.field(description="Where the return is.")
    note: str = strawberry.field(description="The request's note.")
    decision_note: str = strawberry.field(description="The merchant's note on approving or rejecting.")
    refund_amount: Money = strawberry.field(description="What refunding it gives back.")
    refund_id: strawberry.ID | None = strawberry.field(description="The refund, once refunded.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    lines: list[ReturnLineType] = strawberry.field(description="What comes back.")

    @classmethod
    def from_view(cls, view: r.ReturnView) -> ReturnRequestType:
        m = view.request
        return cls(
            id=strawberry.ID(encode_global_id("ReturnRequest", m.id)),
            reference=m.reference,
            status=m.status,
            note=m.note,
            decision_note=m.decision_note,
            refund_amount=Money(amount=m.refund_amount, currency=m.currency),
            refund_id=strawberry.ID(str(m.refund_id)) if m.refund_id else None,
            created_at=m.created_at,
            lines=[
                ReturnLineType(
                    order_line_id=strawberry.ID(str(x.order_line_id)),
                    quantity=x.quantity,
                    reason=x.reason,
                    restock=x.restock,
                    amount=Money(amount=x.amount, currency=m.currency),
                )
                for x in view.lines
            ],
        )


@strawberry.input(description="Units of one order line to return.")
class ReturnLineInputType:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (OrderLine.id).")
    quantity: int = strawberry.field(description="Units; at most those shipped and not yet returned.")
    reason: ReturnReason = strawberry.field(description="Why.")
    restock: bool = strawberry.field(default=True, description="Put the units back on-hand when received.")


@strawberry.input(description="A return of shipped units.")
class ReturnRequestCreateInput:
    order_id: strawberry.ID = strawberry.field(description="The Order.")
    lines: list[ReturnLineInputType] = strawberry.field(description="What comes back.")
    note: str | None = strawberry.field(default=None, description="The customer's words.")


@strawberry.type(description="The result of a return mutation.")
class ReturnPayload:
    return_request: ReturnRequestType | None = strawberry.field(description="The return after the change.")
    errors: list[FulfillmentError] = strawberry.field(description="Why nothing changed, if so.")


def _payload(out: Outcome[Any]) -> ReturnPayload:
    return ReturnPayload(
        return_request=ReturnRequestType.from_view(out.result) if out.result else None,
        errors=convert(out.errors, FulfillmentErrorCode, FulfillmentError),
    )


@strawberry.type(description="A return as its customer sees it: no restock choices, no internal ids.")
class CustomerReturn:
    reference: str = strawberry.field(description="R<order number>-<n>: quote it to the shop.")
    status: ReturnStatus = strawberry.field(description="Where the return is.")
    note: str = strawberry.field(description="What the customer wrote.")
    refund_amount: Money = strawberry.field(description="What the customer gets back once refunded.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    lines: list[CustomerReturnLine] = strawberry.field(description="What comes back.")

    @classmethod
    def from_view(cls, view: r.ReturnView) -> CustomerReturn:
        m = view.request
        return cls(
            reference=m.reference,
            status=m.status,
            note=m.note,
            refund_amount=Money(amount=m.refund_amount, currency=m.currency),
            created_at=m.created_at,
            lines=[
                CustomerReturnLine(
                    order_line_id=strawberry.ID(str(x.order_line_id)),
                    quantity=x.quantity,
                    reason=x.reason,
                    amount=Money(amount=x.amount, currency=m.currency),
                )
                for x in view.lines
            ],
        )


@strawberry.type(description="Units of one order line the customer sends back.")
class CustomerReturnLine:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (TrackedOrderLine.id).")
    quantity: int = strawberry.field(description="Units.")
    reason: ReturnReason = strawberry.field(description="Why.")
    amount: Money = strawberry.field(description="Their share of what the customer paid.")


@strawberry.input(description="Units of one order line to send back.")
class CustomerReturnLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (TrackedOrderLine.id).")
    quantity: int = strawberry.field(description="Units; at most those delivered and not yet returned.")
    reason: ReturnReason = strawberry.field(description="Why.")


@strawberry.input(description="A return of units of one of the signed-in customer's orders.")
class CustomerReturnRequestInput:
    order_number: int = strawberry.field(description="The order's number, as on `me.order`.")
    lines: list[CustomerReturnLineInput] = strawberry.field(description="What comes back.")
    note: str | None = strawberry.field(default=None, description="Anything the shop should know.")


@strawberry.type(description="The result of customerReturnRequest.")
class CustomerReturnPayload:
    return_request: CustomerReturn | None = strawberry.field(description="The return, once requested.")
    errors: list[FulfillmentError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class CustomerReturnMutation:
    @strawberry.mutation(
        description=(
            "Ask to return shipped units of one of your orders (X-Customer-Token). The shop approves or "
            "rejects it, and refunds once the parcel is back."
        )
    )
    async def customer_return_request(
        self, info: Info, input: CustomerReturnRequestInput
    ) -> CustomerReturnPayload:
        values = {
            "order_number": input.order_number,
            "lines": [
                {"order_line_id": str(x.order_line_id), "quantity": x.quantity, "reason": x.reason}
                for x in input.lines
            ],
            "note": input.note,
        }
        out = await r.customer_return_request(info.context, values=values)
        return CustomerReturnPayload(
            return_request=CustomerReturn.from_view(out.result) if out.result else None,
            errors=convert(out.errors, FulfillmentErrorCode, FulfillmentError),
        )


@strawberry.type
class ReturnQuery:
    @strawberry.field(description="An order's returns, oldest first.", extensions=requires("orders:read"))
    async def order_returns(self, info: Info, order_id: strawberry.ID) -> list[ReturnRequestType]:
        return [ReturnRequestType.from_view(v) for v in await r.order_returns(info.context, str(order_id))]


@strawberry.type
class ReturnMutation:
    @strawberry.mutation(description="Record a return of shipped units.", extensions=requires("orders:write"))
    async def return_request_create(self, info: Info, input: ReturnRequestCreateInput) -> ReturnPayload:
        values = {
            "order_id": str(input.order_id),
            "lines": [
                {
                    "order_line_id": str(x.order_line_id),
                    "quantity": x.quantity,
                    "reason": x.reason,
                    "restock": x.restock,
                }
                for x in input.lines
            ],
            "note": input.note,
        }
        return _payload(await r.return_request_create(info.context, values=values))

    @strawberry.mutation(description="Accept a requested return.", extensions=requires("orders:write"))
    async def return_approve(self, info: Info, id: strawberry.ID, note: str = "") -> ReturnPayload:
        return _payload(await r.return_decide(info.context, id=str(id), approve=True, note=note))

    @strawberry.mutation(
        description="Refuse a requested return (its units can be returned again later).",
        extensions=requires("orders:write"),
    )
    async def return_reject(self, info: Info, id: strawberry.ID, note: str = "") -> ReturnPayload:
        return _payload(await r.return_decide(info.context, id=str(id), approve=False, note=note))

    @strawberry.mutation(
        description="The parcel is back: restockable units go on-hand through the inventory ledger.",
        extensions=requires("orders:write"),
    )
    async def return_receive(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return _payload(await r.return_receive(info.context, id=str(id)))

    @strawberry.mutation(
        description="Refund a received return through the order's payment (idempotent: once per return).",
        extensions=requires("orders:write", "refunds:write"),
    )
    async def return_refund(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return _payload(await r.return_refund(info.context, id=str(id)))
