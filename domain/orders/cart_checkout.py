"""The cart side of checkout, bound for domain/orders/checkout.py: who a key belongs to, what its
fingerprint covers, and the draft of the shopper's cart (a stock problem the cart saw is reported as
INSUFFICIENT_STOCK, as if the reservation had found it)."""

from __future__ import annotations

import uuid

from domain.cart.errors import CartErrorCode, ProblemKind
from domain.cart.services import find_cart
from domain.checkout.draft import build_order_draft
from domain.checkout.draft_types import OrderDraft
from domain.errors import DomainError, DomainErrors
from domain.orders.checkout import CheckoutRequest, DraftBuilder
from domain.orders.errors import CheckoutErrorCode
from domain.promotions.cache import PROCESS_CACHE, PromotionCache
from domain.uow import UnitOfWork

PAYMENT_METHODS = ("cod", "bkash", "nagad", "sslcommerz", "card")
_STOCK_PROBLEMS = (f"{ProblemKind.OUT_OF_STOCK.value}:", f"{ProblemKind.INSUFFICIENT_STOCK.value}:")


def cart_checkout_request(
    *,
    token_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    key: str,
    cart_token: str | None,
    payment_method: str,
    note: str | None,
) -> CheckoutRequest:
    """Keys are scoped by the token and the signed-in customer (a storefront token is shared by every
    visitor); the fingerprint covers the mutation's input."""
    if payment_method not in PAYMENT_METHODS:
        raise DomainError(
            CheckoutErrorCode.UNSUPPORTED_PAYMENT_METHOD, "unknown payment method", field="paymentMethod"
        )
    return CheckoutRequest(
        key=key,
        scope=f"{token_id}:{customer_id or 'guest'}",
        payload={"cartToken": cart_token, "paymentMethod": payment_method, "note": note},
        actor=f"customer:{customer_id}" if customer_id else "guest",
        payment_method=payment_method,
    )


def _stock_shortage(error: DomainError) -> DomainError:
    if error.code == CartErrorCode.LINE_PROBLEMS.value and error.message.startswith(_STOCK_PROBLEMS):
        return DomainError(
            CheckoutErrorCode.INSUFFICIENT_STOCK, error.message, field=f"{error.field}.quantity"
        )
    return error


def cart_draft(
    *,
    cart_token: str | None,
    customer_id: uuid.UUID | None,
    note: str | None,
    cache: PromotionCache = PROCESS_CACHE,
) -> DraftBuilder:
    """The draft builder of the cart a storefront request means (by token, or the customer's)."""

    async def build(uow: UnitOfWork) -> OrderDraft:
        cart = await find_cart(uow, token=cart_token, customer_id=customer_id)
        try:
            return await build_order_draft(uow, cart, note=note, cache=cache)
        except DomainErrors as exc:
            raise DomainErrors([_stock_shortage(e) for e in exc.errors]) from None
        except DomainError as exc:
            raise _stock_shortage(exc) from None

    return build
