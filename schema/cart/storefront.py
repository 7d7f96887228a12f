"""The storefront's cart: read it, and change it with one mutation per operation. A cart is named by its
token (returned once, by cartCreate) or, for a signed-in shopper (X-Customer-Token), is their active
cart when the token is omitted. Expected failures come back in `errors` and change nothing."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from domain.cart.errors import CartErrorCode
from domain.cart.totals import CartTotals
from resolvers.cart import queries
from resolvers.cart.cart_addresses_update import cart_addresses_update
from resolvers.cart.cart_code_apply import cart_code_apply
from resolvers.cart.cart_code_remove import cart_code_remove
from resolvers.cart.cart_contact_update import cart_contact_update
from resolvers.cart.cart_create import cart_create
from resolvers.cart.cart_lines_add import cart_lines_add
from resolvers.cart.cart_lines_remove import cart_lines_remove
from resolvers.cart.cart_lines_update import cart_lines_update
from resolvers.cart.cart_note_update import cart_note_update
from resolvers.cart.cart_shipping_method_update import cart_shipping_method_update
from resolvers.context import Context
from resolvers.errors import Outcome
from schema.cart.types import AddressInput, Cart
from schema.errors import CartError, convert

Info = strawberry.Info[Context, None]
TOKEN = "The cart's token; omit it to use the signed-in customer's cart."


@strawberry.input(description="A variant and how many units of it.")
class CartLineInput:
    variant_id: strawberry.ID = strawberry.field(description="Global id of the product variant.")
    quantity: int = strawberry.field(description="Units, 1 to 9999.")


@strawberry.input(description="A line of the cart and its new quantity (0 removes it).")
class CartLineUpdateInput:
    line_id: strawberry.ID = strawberry.field(description="Global id of the cart line.")
    quantity: int = strawberry.field(description="Units, 0 to 9999.")


@strawberry.type(description="The result of a cart mutation.")
class CartPayload:
    cart: Cart | None = strawberry.field(description="The cart after the change, priced.")
    errors: list[CartError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of cartCreate.")
class CartCreatePayload:
    cart: Cart | None = strawberry.field(description="The new cart, priced.")
    token: str | None = strawberry.field(description="The cart's token: shown once, keep it.")
    errors: list[CartError] = strawberry.field(description="Why nothing changed, if so.")


def _payload(out: Outcome[CartTotals]) -> CartPayload:
    return CartPayload(
        cart=Cart.build(out.result) if out.result else None,
        errors=convert(out.errors, CartErrorCode, CartError),
    )


def _address(value: AddressInput | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None


@strawberry.type
class CartQuery:
    @strawberry.field(description="A cart by token, or the signed-in customer's; null if there is none.")
    async def cart(
        self, info: Info, token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None
    ) -> Cart | None:
        totals = await queries.cart(info.context, token)
        return Cart.build(totals) if totals else None


@strawberry.type
class CartMutation:
    @strawberry.mutation(description="Start a cart (a signed-in customer gets their active one back).")
    async def cart_create(
        self,
        info: Info,
        lines: Annotated[
            list[CartLineInput] | None, strawberry.argument(description="Lines to start with.")
        ] = None,
        currency: Annotated[
            str | None, strawberry.argument(description="ISO 4217; the store's default if omitted.")
        ] = None,
        locale: Annotated[str | None, strawberry.argument(description="The shopper's locale.")] = None,
    ) -> CartCreatePayload:
        out = await cart_create(
            info.context,
            currency=currency,
            lines=[(str(x.variant_id), x.quantity) for x in lines or []],
            locale=locale,
        )
        return CartCreatePayload(
            cart=Cart.build(out.result.totals) if out.result else None,
            token=out.result.token if out.result else None,
            errors=convert(out.errors, CartErrorCode, CartError),
        )

    @strawberry.mutation(description="Add units of variants; stock is checked and the price remembered.")
    async def cart_lines_add(
        self,
        info: Info,
        lines: list[CartLineInput],
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        data = [(str(x.variant_id), x.quantity) for x in lines]
        return _payload(await cart_lines_add(info.context, token=token, lines=data))

    @strawberry.mutation(description="Set line quantities; 0 removes a line.")
    async def cart_lines_update(
        self,
        info: Info,
        lines: list[CartLineUpdateInput],
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        data = [(str(x.line_id), x.quantity) for x in lines]
        return _payload(await cart_lines_update(info.context, token=token, lines=data))

    @strawberry.mutation(description="Remove lines.")
    async def cart_lines_remove(
        self,
        info: Info,
        line_ids: list[strawberry.ID],
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        return _payload(
            await cart_lines_remove(info.context, token=token, line_ids=[str(i) for i in line_ids])
        )

    @strawberry.mutation(description="Set a guest's email and/or phone (at least one).")
    async def cart_contact_update(
        self,
        info: Info,
        email: Annotated[str | None, strawberry.argument(description="Email address.")] = None,
        phone: Annotated[str | None, strawberry.argument(description="Bangladeshi mobile number.")] = None,
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        return _payload(await cart_contact_update(info.context, token=token, email=email, phone=phone))

    @strawberry.mutation(description="Set the shipping and/or billing address.")
    async def cart_addresses_update(
        self,
        info: Info,
        shipping_address: Annotated[
            AddressInput | None, strawberry.argument(description="Where it ships.")
        ] = None,
        billing_address: Annotated[
            AddressInput | None, strawberry.argument(description="For the invoice.")
        ] = None,
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        out = await cart_addresses_update(
            info.context, token=token, shipping=_address(shipping_address), billing=_address(billing_address)
        )
        return _payload(out)

    @strawberry.mutation(description="Choose a shipping method offered for the cart's address.")
    async def cart_shipping_method_update(
        self,
        info: Info,
        shipping_method_id: Annotated[
            strawberry.ID, strawberry.argument(description="Global id of the method.")
        ],
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        out = await cart_shipping_method_update(info.context, token=token, method_id=str(shipping_method_id))
        return _payload(out)

    @strawberry.mutation(description="Apply a discount code; whether it discounts shows in the totals.")
    async def cart_code_apply(
        self,
        info: Info,
        code: str,
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        return _payload(await cart_code_apply(info.context, token=token, code=code))

    @strawberry.mutation(description="Remove a discount code.")
    async def cart_code_remove(
        self,
        info: Info,
        code: str,
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        return _payload(await cart_code_remove(info.context, token=token, code=code))

    @strawberry.mutation(description="Set the note for the order.")
    async def cart_note_update(
        self,
        info: Info,
        note: str,
        token: Annotated[str | None, strawberry.argument(description=TOKEN)] = None,
    ) -> CartPayload:
        return _payload(await cart_note_update(info.context, token=token, note=note))
