"""The storefront's checkoutComplete mutation; its document is persisted_queries/checkout_complete.graphql."""

from __future__ import annotations

import enum

import strawberry

from domain.orders.errors import CheckoutErrorCode
from resolvers.context import Context
from resolvers.orders.checkout_complete import checkout_complete
from schema.errors import CheckoutError, convert
from schema.orders.types import OrderNode

Info = strawberry.Info[Context, None]


@strawberry.enum(description="How the shopper pays.")
class CheckoutPaymentMethod(enum.Enum):
    COD = "cod"
    BKASH = "bkash"
    NAGAD = "nagad"
    SSLCOMMERZ = "sslcommerz"
    CARD = "card"


@strawberry.input(description="Which cart to turn into an order, and how it will be paid.")
class CheckoutCompleteInput:
    cart_token: str | None = strawberry.field(
        default=None, description="The guest cart's token; omit it for the signed-in customer's cart."
    )
    payment_method: CheckoutPaymentMethod = strawberry.field(description="COD needs no further step.")
    note: str | None = strawberry.field(
        default=None, description="A note for the merchant; the cart's if omitted."
    )


@strawberry.type(description="The result of checkoutComplete.")
class CheckoutCompletePayload:
    order: OrderNode | None = strawberry.field(
        description="The order placed (or placed by the first request)."
    )
    replayed: bool = strawberry.field(
        description="True when this is the stored answer to an earlier request with the same key."
    )
    order_access_token: str | None = strawberry.field(
        description="The order's secret access token: keep it with the order on the shopper's device and "
        "send it as paymentStart's orderAccessToken (a guest has no other proof the order is theirs). "
        "Only its hash is stored; a replay of the same idempotency key answers it again."
    )
    errors: list[CheckoutError] = strawberry.field(description="Why no order was placed, if so.")


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(
        description=(
            "Place the order of a cart, exactly once per idempotency key (argument or Idempotency-Key"
            " header): a replay returns the first answer; the key with another input gets"
            " IDEMPOTENCY_KEY_REUSED (HTTP 422); a replay while the first runs gets"
            " IDEMPOTENCY_KEY_IN_PROGRESS (HTTP 409)."
        )
    )
    async def checkout_complete(
        self, info: Info, input: CheckoutCompleteInput, idempotency_key: str | None = None
    ) -> CheckoutCompletePayload:
        out = await checkout_complete(
            info.context,
            cart_token=input.cart_token,
            payment_method=input.payment_method.value,
            note=input.note,
            idempotency_key=idempotency_key,
        )
        return CheckoutCompletePayload(
            order=OrderNode.from_model(out.result.order) if out.result else None,
            replayed=out.result.replayed if out.result else False,
            order_access_token=out.result.access_token if out.result else None,
            errors=convert(out.errors, CheckoutErrorCode, CheckoutError),
        )
