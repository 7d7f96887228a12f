"""Customer accounts on the storefront: register, log in, log out, reset a password, and manage saved
addresses. A session token comes back from register / login / reset; the storefront sends it as the
X-Customer-Token header. Expected failures come back in `errors`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from domain.customers.errors import CustomerErrorCode
from domain.customers.models import Customer, CustomerAddress
from resolvers.context import Context
from resolvers.customers import queries
from resolvers.customers.addresses import (
    customer_address_create,
    customer_address_delete,
    customer_address_update,
)
from resolvers.customers.customer_login import customer_login
from resolvers.customers.customer_logout import customer_logout
from resolvers.customers.customer_password_reset import (
    customer_password_reset,
    customer_password_reset_request,
)
from resolvers.customers.customer_register import customer_register
from resolvers.customers.order_tracking import my_order
from resolvers.customers.orders import OrderWithLines, customer_orders
from resolvers.customers.signed_in import Session
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from schema.cart.types import AddressInput, Cart
from schema.catalog.taxonomy_types import Money
from schema.errors import CustomerError, convert
from schema.order_tracking import TrackedOrder

Info = strawberry.Info[Context, None]
CART_TOKEN = "A guest cart to merge into the customer's cart."


@strawberry.type(description="A saved address of the signed-in customer.")
class CustomerAddressType:
    id: strawberry.ID = strawberry.field(description="Global id of the address.")
    name: str = strawberry.field(description="Who receives it.")
    phone: str = strawberry.field(description="Mobile number, +880 form.")
    line1: str = strawberry.field(description="House, road, area.")
    line2: str = strawberry.field(description="More of the address.")
    upazila: str = strawberry.field(description="Upazila or thana.")
    district: str = strawberry.field(description="District, official spelling.")
    division: str = strawberry.field(description="Division, official spelling.")
    postcode: str = strawberry.field(description="Four-digit postcode, or empty.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    is_default: bool = strawberry.field(description="The address the storefront pre-fills.")

    @classmethod
    def build(cls, a: CustomerAddress) -> CustomerAddressType:
        return cls(
            id=strawberry.ID(encode_global_id("CustomerAddress", a.id)),
            name=a.name,
            phone=a.phone,
            line1=a.line1,
            line2=a.line2,
            upazila=a.upazila,
            district=a.district,
            division=a.division,
            postcode=a.postcode,
            country=a.country,
            is_default=a.is_default,
        )


@strawberry.type(description="A line of a past order, as it was bought.")
class CustomerOrderLine:
    sku: str = strawberry.field(description="SKU at the time of the order.")
    title: str = strawberry.field(description="Product title at the time of the order.")
    variant_title: str = strawberry.field(description="Variant title at the time of the order.")
    quantity: int = strawberry.field(description="Units ordered.")
    unit_price: Money = strawberry.field(description="Unit price paid.")
    total: Money = strawberry.field(description="Line total after discounts.")


@strawberry.type(description="One of the customer's orders.")
class CustomerOrder:
    id: strawberry.ID = strawberry.field(description="Global id of the order.")
    number: int = strawberry.field(description="The store's order number.")
    status: str = strawberry.field(
        description="pending, confirmed, partially_fulfilled, fulfilled, completed, cancelled."
    )
    payment_status: str = strawberry.field(
        description="unpaid, authorized, paid, partially_refunded, refunded."
    )
    created_at: datetime = strawberry.field(description="When it was placed.")
    subtotal: Money = strawberry.field(description="Sum of line subtotals.")
    discount_total: Money = strawberry.field(description="All discounts.")
    shipping_total: Money = strawberry.field(description="Shipping price.")
    tax_total: Money = strawberry.field(description="Tax included or added.")
    total: Money = strawberry.field(description="What was charged.")
    lines: list[CustomerOrderLine] = strawberry.field(description="What was bought.")

    @classmethod
    def build(cls, item: OrderWithLines) -> CustomerOrder:
        o, cur = item.order, item.order.currency

        def m(amount: int) -> Money:
            return Money(amount=amount, currency=cur)

        return cls(
            id=strawberry.ID(encode_global_id("Order", o.id)),
            number=o.number,
            status=o.status.value,
            payment_status=o.payment_status.value,
            created_at=o.created_at,
            subtotal=m(o.subtotal),
            discount_total=m(o.discount_total),
            shipping_total=m(o.shipping_total),
            tax_total=m(o.tax_total),
            total=m(o.total),
            lines=[
                CustomerOrderLine(
                    sku=line.sku,
                    title=line.title,
                    variant_title=line.variant_title,
                    quantity=line.quantity,
                    unit_price=m(line.unit_price),
                    total=m(line.total),
                )
                for line in item.lines
            ],
        )


@strawberry.type(name="CustomerAccount", description="The signed-in customer, as they see themselves.")
class CustomerType:
    id: strawberry.ID = strawberry.field(description="Global id of the customer.")
    email: str | None = strawberry.field(description="Email address.")
    phone: str | None = strawberry.field(description="Mobile number, +880 form.")
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")
    addresses: list[CustomerAddressType] = strawberry.field(description="Saved addresses, default first.")
    customer_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Their orders, newest first (at most 50).")
    async def orders(self, info: Info, first: int = 20) -> list[CustomerOrder]:
        return [CustomerOrder.build(o) for o in await customer_orders(info.context, self.customer_id, first)]

    @strawberry.field(
        description="One of their orders by its number, with shipments and tracking; null for any other."
    )
    async def order(self, info: Info, number: int) -> TrackedOrder | None:
        found = await my_order(info.context, self.customer_id, number)
        return TrackedOrder.build(found) if found else None


@strawberry.input(description="A new account: an email or a phone (or both) and a password.")
class CustomerRegisterInput:
    password: str = strawberry.field(description="At least 8 characters, not only letters or digits.")
    email: str | None = strawberry.field(default=None, description="Email address.")
    phone: str | None = strawberry.field(default=None, description="Bangladeshi mobile number.")
    first_name: str = strawberry.field(default="", description="Given name.")
    last_name: str = strawberry.field(default="", description="Family name.")


@strawberry.type(description="The result of register, login or password reset.")
class CustomerSessionPayload:
    customer: CustomerType | None = strawberry.field(description="Who signed in.")
    token: str | None = strawberry.field(description="Send as X-Customer-Token on later requests.")
    cart: Cart | None = strawberry.field(description="The customer's cart after merging the guest cart.")
    errors: list[CustomerError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of a mutation that only succeeds or not.")
class CustomerDonePayload:
    ok: bool = strawberry.field(description="True when it was done.")
    errors: list[CustomerError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of a saved address mutation.")
class CustomerAddressPayload:
    address: CustomerAddressType | None = strawberry.field(description="The address after the change.")
    errors: list[CustomerError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of customerAddressDelete.")
class CustomerAddressDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Global id of the deleted address.")
    errors: list[CustomerError] = strawberry.field(description="Why nothing changed, if so.")


def _customer(customer: Customer, addresses: list[CustomerAddress]) -> CustomerType:
    return CustomerType(
        id=strawberry.ID(encode_global_id("Customer", customer.id)),
        email=customer.email,
        phone=customer.phone,
        first_name=customer.first_name,
        last_name=customer.last_name,
        addresses=[CustomerAddressType.build(a) for a in addresses],
        customer_id=customer.id,
    )


def _session(out: Outcome[Session]) -> CustomerSessionPayload:
    s = out.result
    return CustomerSessionPayload(
        customer=_customer(s.customer, []) if s else None,
        token=s.token if s else None,
        cart=Cart.build(s.cart) if s and s.cart else None,
        errors=convert(out.errors, CustomerErrorCode, CustomerError),
    )


def _done(out: Outcome[bool]) -> CustomerDonePayload:
    return CustomerDonePayload(
        ok=bool(out.result), errors=convert(out.errors, CustomerErrorCode, CustomerError)
    )


def _address(out: Outcome[CustomerAddress]) -> CustomerAddressPayload:
    return CustomerAddressPayload(
        address=CustomerAddressType.build(out.result) if out.result else None,
        errors=convert(out.errors, CustomerErrorCode, CustomerError),
    )


@strawberry.type
class CustomerAccountQuery:
    @strawberry.field(description="The signed-in customer (X-Customer-Token); null when signed out.")
    async def me(self, info: Info) -> CustomerType | None:
        found = await queries.me(info.context)
        return _customer(found.customer, found.addresses) if found else None


@strawberry.type
class CustomerAccountMutation:
    @strawberry.mutation(description="Create an account and sign in.")
    async def customer_register(
        self,
        info: Info,
        input: CustomerRegisterInput,
        cart_token: Annotated[str | None, strawberry.argument(description=CART_TOKEN)] = None,
    ) -> CustomerSessionPayload:
        out = await customer_register(info.context, fields=dict(vars(input)), cart_token=cart_token)
        return _session(out)

    @strawberry.mutation(description="Sign in by email or phone and password.")
    async def customer_login(
        self,
        info: Info,
        identifier: str,
        password: str,
        cart_token: Annotated[str | None, strawberry.argument(description=CART_TOKEN)] = None,
    ) -> CustomerSessionPayload:
        out = await customer_login(
            info.context, identifier=identifier, password=password, cart_token=cart_token
        )
        return _session(out)

    @strawberry.mutation(description="End the session sent in X-Customer-Token.")
    async def customer_logout(self, info: Info) -> CustomerDonePayload:
        return _done(await customer_logout(info.context))

    @strawberry.mutation(
        description="Ask for a password reset; the store's notifier sends the one-time token. Always ok."
    )
    async def customer_password_reset_request(self, info: Info, identifier: str) -> CustomerDonePayload:
        return _done(await customer_password_reset_request(info.context, identifier=identifier))

    @strawberry.mutation(description="Set a new password with a reset token, and sign in.")
    async def customer_password_reset(self, info: Info, token: str, password: str) -> CustomerSessionPayload:
        return _session(await customer_password_reset(info.context, token=token, password=password))

    @strawberry.mutation(description="Save an address for the signed-in customer.")
    async def customer_address_create(
        self, info: Info, address: AddressInput, default: bool = False
    ) -> CustomerAddressPayload:
        out = await customer_address_create(info.context, fields=address.to_dict(), default=default)
        return _address(out)

    @strawberry.mutation(description="Change a saved address of the signed-in customer.")
    async def customer_address_update(
        self, info: Info, id: strawberry.ID, address: AddressInput, default: bool = False
    ) -> CustomerAddressPayload:
        out = await customer_address_update(
            info.context, id=str(id), fields=address.to_dict(), default=default
        )
        return _address(out)

    @strawberry.mutation(description="Delete a saved address of the signed-in customer.")
    async def customer_address_delete(self, info: Info, id: strawberry.ID) -> CustomerAddressDeletePayload:
        out = await customer_address_delete(info.context, id=str(id))
        return CustomerAddressDeletePayload(
            deleted_id=strawberry.ID(encode_global_id("CustomerAddress", out.result)) if out.result else None,
            errors=convert(out.errors, CustomerErrorCode, CustomerError),
        )
