"""Carts as the storefront changes them: create, find by token or customer, add / update / remove lines.

Every change locks the cart row first (`SELECT … FOR UPDATE`), so two requests on one cart apply one
after the other and line quantities never lose an update. Adding or changing a line checks availability
through inventory's `available` and remembers the unit price the shopper saw (`problems` compares the
current price with it later). Any change counts as activity: an abandoned cart becomes active again."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from domain.access.principal import token_digest
from domain.cart.errors import CartErrorCode
from domain.cart.models import Cart, CartLine, CartStatus
from domain.cart.queries import variant_facts
from domain.errors import DomainError, DomainErrors
from domain.inventory.availability import available
from domain.pricing.engine import Audience, PriceRequest, price_many
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork

MAX_LINES = 100
MAX_QUANTITY = 9999
_CHANGEABLE = (CartStatus.ACTIVE, CartStatus.ABANDONED)


@dataclass(frozen=True, slots=True)
class LineChange:
    variant_id: uuid.UUID
    quantity: int


def new_cart_token() -> str:
    return f"stc_cart_{secrets.token_urlsafe(32)}"


async def create_cart(
    uow: UnitOfWork, *, currency: str | None = None, customer_id: uuid.UUID | None = None, locale: str = "en"
) -> tuple[Cart, str]:
    """A new cart and its token (shown once; only its digest is stored). A customer who already has an
    active cart gets that one back with a fresh token: there is one live cart per customer."""
    store = await current_store(uow)
    chosen = currency or store.default_currency
    if chosen not in store.currencies:
        raise DomainError(
            CartErrorCode.UNSUPPORTED_CURRENCY,
            f"the store sells in {', '.join(store.currencies)}",
            field="currency",
        )
    token = new_cart_token()
    if customer_id is not None:
        existing = await uow.session.scalar(
            select(Cart)
            .where(Cart.customer_id == customer_id, Cart.status.in_(_CHANGEABLE))
            .order_by(Cart.last_activity_at.desc())
            .limit(1)
            .with_for_update()
        )
        if existing is not None:
            existing.token_hash = token_digest(token)
            touch(uow, existing)
            await uow.session.flush()
            return existing, token
    cart = Cart(
        id=uuid.uuid4(),
        token_hash=token_digest(token),
        customer_id=customer_id,
        status=CartStatus.ACTIVE,
        currency=chosen,
        codes=[],
        note="",
        locale=locale if locale in store.locales else store.default_locale,
        last_activity_at=uow.clock(),
    )
    uow.session.add(cart)
    await uow.session.flush()
    return cart, token


async def find_cart(
    uow: UnitOfWork, *, token: str | None, customer_id: uuid.UUID | None, lock: bool = False
) -> Cart:
    """The cart a storefront request means: by token, or the signed-in customer's active cart. A customer's
    cart answers only to that customer (a guest token that became a customer's cart at login stops
    working without the session), so a leaked token does not expose an account's cart."""
    query = select(Cart)
    if token:
        query = query.where(Cart.token_hash == token_digest(token))
    elif customer_id is not None:
        # An abandoned cart is still the customer's live cart (any change reactivates it).
        query = (
            query.where(Cart.customer_id == customer_id, Cart.status.in_(_CHANGEABLE))
            .order_by(Cart.last_activity_at.desc())
            .limit(1)
        )
    else:
        raise DomainError(CartErrorCode.CART_NOT_FOUND, "give a cart token or sign in", field="token")
    if lock:
        query = query.with_for_update()
    cart = await uow.session.scalar(query)
    if cart is None or (cart.customer_id is not None and cart.customer_id != customer_id):
        raise DomainError(CartErrorCode.CART_NOT_FOUND, "no cart with this token", field="token")
    return cart


async def changeable_cart(uow: UnitOfWork, *, token: str | None, customer_id: uuid.UUID | None) -> Cart:
    """The cart, locked, if it can still change (active or abandoned)."""
    cart = await find_cart(uow, token=token, customer_id=customer_id, lock=True)
    if cart.status not in _CHANGEABLE:
        raise DomainError(CartErrorCode.CART_NOT_ACTIVE, f"the cart is {cart.status.value}", field="token")
    return cart


def touch(uow: UnitOfWork, cart: Cart) -> None:
    cart.last_activity_at = uow.clock()
    if cart.status is CartStatus.ABANDONED:
        cart.status = CartStatus.ACTIVE


async def cart_lines(uow: UnitOfWork, cart_id: uuid.UUID) -> list[CartLine]:
    rows = await uow.session.scalars(
        select(CartLine).where(CartLine.cart_id == cart_id).order_by(CartLine.created_at, CartLine.id)
    )
    return list(rows.all())


async def _check_and_price(
    uow: UnitOfWork, cart: Cart, wanted: dict[uuid.UUID, int], fields: dict[uuid.UUID, str]
) -> dict[uuid.UUID, int]:
    """Unit price of each variant at its wanted quantity, after checking it exists, is on sale, has a price
    in the cart's currency and can be sold in that quantity. All errors at once; three statements."""
    facts = await variant_facts(uow, wanted)
    stock = await available(uow, wanted)
    prices = await price_many(
        uow.session,
        uow.store_id,
        [PriceRequest(vid, qty, cart.currency) for vid, qty in wanted.items()],
        at=uow.clock(),
        audience=Audience(customer_id=cart.customer_id),
    )
    errors: list[DomainError] = []
    units: dict[uuid.UUID, int] = {}
    for (vid, qty), priced in zip(wanted.items(), prices, strict=True):
        field = fields[vid]
        fact = facts.get(vid)
        if fact is None:
            errors.append(DomainError(CartErrorCode.VARIANT_NOT_FOUND, "no such variant", field=field))
        elif not fact.on_sale or priced is None:
            errors.append(
                DomainError(CartErrorCode.NOT_FOR_SALE, f"not for sale in {cart.currency}", field=field)
            )
        elif vid not in stock or not stock[vid].can_sell(qty):
            left = stock[vid].available if vid in stock else 0
            errors.append(
                DomainError(CartErrorCode.INSUFFICIENT_STOCK, f"only {left} left, {qty} wanted", field=field)
            )
        else:
            units[vid] = priced.unit.amount
    if errors:
        raise DomainErrors(errors)
    return units


def _check_quantity(quantity: int, field: str, *, allow_zero: bool) -> None:
    low = 0 if allow_zero else 1
    if not low <= quantity <= MAX_QUANTITY:
        raise DomainError(CartErrorCode.INVALID, f"quantity must be {low}..{MAX_QUANTITY}", field=field)


async def add_lines(uow: UnitOfWork, cart: Cart, changes: Sequence[LineChange]) -> list[CartLine]:
    """Add units; a variant already in the cart gets the quantities added. The cart must be locked."""
    if not changes:
        raise DomainError(CartErrorCode.REQUIRED, "name at least one line", field="lines")
    existing = {line.variant_id: line for line in await cart_lines(uow, cart.id)}
    wanted: dict[uuid.UUID, int] = {}
    fields: dict[uuid.UUID, str] = {}
    for i, change in enumerate(changes):
        _check_quantity(change.quantity, f"lines.{i}.quantity", allow_zero=False)
        fields.setdefault(change.variant_id, f"lines.{i}.variantId")
        base = wanted.get(change.variant_id) or (
            existing[change.variant_id].quantity if change.variant_id in existing else 0
        )
        wanted[change.variant_id] = base + change.quantity
    for vid, qty in wanted.items():
        _check_quantity(qty, fields[vid], allow_zero=False)
    if len(set(existing) | set(wanted)) > MAX_LINES:
        raise DomainError(
            CartErrorCode.TOO_MANY_LINES, f"a cart holds at most {MAX_LINES} lines", field="lines"
        )
    units = await _check_and_price(uow, cart, wanted, fields)
    for vid, qty in wanted.items():
        line = existing.get(vid)
        if line is None:
            uow.session.add(
                CartLine(
                    id=uuid.uuid4(), cart_id=cart.id, variant_id=vid, quantity=qty, unit_price=units[vid]
                )
            )
        else:
            line.quantity, line.unit_price = qty, units[vid]
    touch(uow, cart)
    await uow.session.flush()
    return await cart_lines(uow, cart.id)


async def update_lines(
    uow: UnitOfWork, cart: Cart, changes: Sequence[tuple[uuid.UUID, int]]
) -> list[CartLine]:
    """Set line quantities by line id; 0 removes the line. Changing a quantity refreshes the remembered
    price (a tier may apply), which also clears a PRICE_CHANGED problem."""
    if not changes:
        raise DomainError(CartErrorCode.REQUIRED, "name at least one line", field="lines")
    existing = {line.id: line for line in await cart_lines(uow, cart.id)}
    wanted: dict[uuid.UUID, int] = {}
    fields: dict[uuid.UUID, str] = {}
    removed: list[CartLine] = []
    for i, (line_id, quantity) in enumerate(changes):
        _check_quantity(quantity, f"lines.{i}.quantity", allow_zero=True)
        line = existing.get(line_id)
        if line is None:
            raise DomainError(CartErrorCode.NOT_FOUND, "no such line in this cart", field=f"lines.{i}.lineId")
        if quantity == 0:
            removed.append(line)
        else:
            wanted[line.variant_id] = quantity
            fields[line.variant_id] = f"lines.{i}.quantity"
    units = await _check_and_price(uow, cart, wanted, fields) if wanted else {}
    by_variant = {line.variant_id: line for line in existing.values()}
    for vid, qty in wanted.items():
        by_variant[vid].quantity, by_variant[vid].unit_price = qty, units[vid]
    for line in removed:
        await uow.session.delete(line)
    touch(uow, cart)
    await uow.session.flush()
    return await cart_lines(uow, cart.id)


async def remove_lines(uow: UnitOfWork, cart: Cart, line_ids: Sequence[uuid.UUID]) -> list[CartLine]:
    return await update_lines(uow, cart, [(line_id, 0) for line_id in line_ids])


async def mark_converted(uow: UnitOfWork, cart_id: uuid.UUID) -> None:
    """Close the cart once its order is placed, in checkout's transaction. Conditional, so a cart converts
    once: a second checkout of the same cart gets CART_NOT_ACTIVE instead of a second order."""
    done = await uow.session.execute(
        update(Cart)
        .where(Cart.id == cart_id, Cart.status.in_(_CHANGEABLE))
        .values(status=CartStatus.CONVERTED, converted_at=uow.clock())
        .returning(Cart.id)
    )
    if done.first() is None:
        raise DomainError(CartErrorCode.CART_NOT_ACTIVE, "the cart is no longer active", field="token")
