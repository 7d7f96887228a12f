"""The rest of what a cart carries: contact for guests, addresses, the chosen shipping method, discount
codes and a note. Each takes a cart already locked by `changeable_cart`."""

from __future__ import annotations

import uuid

from domain.cart.errors import CartErrorCode
from domain.cart.models import Cart
from domain.cart.services import touch
from domain.customers.addresses import (
    AddressInput,
    normalize_email,
    normalize_phone,
    snapshot_to_json,
    validate_address,
)
from domain.errors import DomainError, DomainErrors
from domain.promotions.explain import lookup_codes
from domain.shipping.models import ShippingMethod
from domain.uow import UnitOfWork

MAX_CODES = 5


async def set_contact(uow: UnitOfWork, cart: Cart, *, email: str | None, phone: str | None) -> Cart:
    """A guest's email and/or phone (+880 form); at least one."""
    errors: list[DomainError] = []
    clean_email = normalize_email(email) if email else None
    clean_phone = normalize_phone(phone) if phone else None
    if email and clean_email is None:
        errors.append(DomainError(CartErrorCode.INVALID, "not an email address", field="email"))
    if phone and clean_phone is None:
        errors.append(
            DomainError(
                CartErrorCode.INVALID_PHONE, "a Bangladeshi mobile number: 01XXXXXXXXX", field="phone"
            )
        )
    if not email and not phone:
        errors.append(
            DomainError(CartErrorCode.CONTACT_REQUIRED, "give an email or a phone number", field="email")
        )
    if errors:
        raise DomainErrors(errors)
    cart.email, cart.phone = clean_email, clean_phone
    touch(uow, cart)
    await uow.session.flush()
    return cart


async def set_addresses(
    uow: UnitOfWork, cart: Cart, *, shipping: AddressInput | None, billing: AddressInput | None
) -> Cart:
    """Set either or both; the chosen shipping method is dropped when the shipping address moves it out
    of the method's zone (the totals would otherwise price a method that no longer applies)."""
    if shipping is None and billing is None:
        raise DomainError(
            CartErrorCode.REQUIRED, "give a shipping or billing address", field="shippingAddress"
        )
    errors: list[DomainError] = []
    validated = {}
    for name, data in (("shippingAddress", shipping), ("billingAddress", billing)):
        if data is None:
            continue
        try:
            validated[name] = validate_address(
                data,
                field=name,
                invalid=CartErrorCode.INVALID_ADDRESS,
                invalid_phone=CartErrorCode.INVALID_PHONE,
            )
        except DomainErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainErrors(errors)
    if "shippingAddress" in validated:
        before = cart.shipping_address
        cart.shipping_address = snapshot_to_json(validated["shippingAddress"])
        if before is None or (before.get("district"), before.get("division")) != (
            cart.shipping_address["district"],
            cart.shipping_address["division"],
        ):
            cart.shipping_method_id = None
    if "billingAddress" in validated:
        cart.billing_address = snapshot_to_json(validated["billingAddress"])
    touch(uow, cart)
    await uow.session.flush()
    return cart


async def set_shipping_method(uow: UnitOfWork, cart: Cart, method_id: uuid.UUID) -> Cart:
    """Choose a method; it must be offered for the cart's shipping address (see `totals.quotes`)."""
    from domain.cart.totals import shipping_quotes

    if cart.shipping_address is None:
        raise DomainError(
            CartErrorCode.SHIPPING_ADDRESS_REQUIRED, "set a shipping address first", field="shippingMethodId"
        )
    method = await uow.session.get(ShippingMethod, method_id)
    if method is None or method.store_id != uow.store_id:
        raise DomainError(CartErrorCode.NOT_FOUND, "no such shipping method", field="shippingMethodId")
    offered = await shipping_quotes(uow, cart)
    if method_id not in {q.method.id for q in offered}:
        raise DomainError(
            CartErrorCode.SHIPPING_METHOD_UNAVAILABLE,
            "this method does not deliver to the cart's address",
            field="shippingMethodId",
        )
    cart.shipping_method_id = method_id
    touch(uow, cart)
    await uow.session.flush()
    return cart


async def apply_code(uow: UnitOfWork, cart: Cart, code: str) -> Cart:
    """Add a discount code the store has (case-insensitive). Whether its promotion applies is the
    engine's answer in the totals, with the reason when it does not."""
    wanted = code.strip()
    if not wanted:
        raise DomainError(CartErrorCode.REQUIRED, "give a code", field="code")
    found, _unknown = await lookup_codes(uow, [wanted])
    if not found:
        raise DomainError(CartErrorCode.CODE_NOT_FOUND, "the store has no such code", field="code")
    stored = found[0].code
    if stored.casefold() not in {c.casefold() for c in cart.codes}:
        if len(cart.codes) >= MAX_CODES:
            raise DomainError(CartErrorCode.INVALID, f"at most {MAX_CODES} codes per cart", field="code")
        cart.codes = [*cart.codes, stored]
    touch(uow, cart)
    await uow.session.flush()
    return cart


async def remove_code(uow: UnitOfWork, cart: Cart, code: str) -> Cart:
    key = code.strip().casefold()
    if key not in {c.casefold() for c in cart.codes}:
        raise DomainError(CartErrorCode.CODE_NOT_FOUND, "the cart has no such code", field="code")
    cart.codes = [c for c in cart.codes if c.casefold() != key]
    touch(uow, cart)
    await uow.session.flush()
    return cart


async def set_note(uow: UnitOfWork, cart: Cart, note: str) -> Cart:
    if len(note) > 2000:
        raise DomainError(CartErrorCode.INVALID, "at most 2000 characters", field="note")
    cart.note = note
    touch(uow, cart)
    await uow.session.flush()
    return cart
