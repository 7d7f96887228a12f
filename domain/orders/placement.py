"""Placing an order from an OrderDraft: check the draft's sums, take the stock, number it, copy it in.

All in the caller's transaction: stock taken (ledger `sold`), the order with its lines, allocations and first
timeline entry, `order.created` in the outbox, and the store's order counter. Either all of it commits or
none of it, so a failed or crashed placement leaves neither a gap in the numbers nor stock taken."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy import select, text

from domain.checkout.draft_types import AddressSnapshot, OrderDraft, ShippingChoice
from domain.errors import DomainError, DomainErrors
from domain.inventory.ledger import Reference
from domain.inventory.reservations import commit_sale
from domain.orders import events
from domain.orders.errors import OrderErrorCode
from domain.orders.models import Order, OrderAllocation, OrderLine, OrderStatus, PaymentStatus
from domain.orders.timeline import record
from domain.uow import UnitOfWork

# Taken as late as possible in the transaction: the counter row stays locked until commit, so orders of
# one store are numbered one after another while everything before this runs in parallel.
_NEXT_NUMBER = text(
    "INSERT INTO order_counters (store_id, last_number) VALUES (:store, 1)"
    " ON CONFLICT (store_id) DO UPDATE SET last_number = order_counters.last_number + 1"
    " RETURNING last_number"
)


def check_draft(draft: OrderDraft) -> None:
    """The draft's arithmetic, as documented on OrderDraft; TOTALS_MISMATCH names the first wrong sum."""
    errors: list[DomainError] = []
    if not draft.lines:
        raise DomainError(OrderErrorCode.EMPTY_ORDER, "an order needs at least one line", field="lines")
    if len(draft.currency) != 3 or not draft.currency.isupper():
        errors.append(
            DomainError(OrderErrorCode.INVALID, "currency must be an ISO 4217 code", field="currency")
        )
    for i, line in enumerate(draft.lines):
        if line.quantity <= 0:
            errors.append(
                DomainError(OrderErrorCode.INVALID, "quantity must be positive", field=f"lines.{i}.quantity")
            )
        expected = line.subtotal - line.discount + (0 if draft.prices_include_tax else line.tax)
        if line.total != expected or min(line.unit_price, line.subtotal, line.discount, line.tax) < 0:
            errors.append(
                DomainError(
                    OrderErrorCode.TOTALS_MISMATCH,
                    f"line total should be {expected}",
                    field=f"lines.{i}.total",
                )
            )
    ship = draft.shipping
    ship_amount = ship.amount if ship else 0
    ship_net = (
        ship_amount
        - (ship.discount if ship else 0)
        + (0 if draft.prices_include_tax or not ship else ship.tax)
    )
    if draft.subtotal != sum(line.subtotal for line in draft.lines):
        errors.append(
            DomainError(
                OrderErrorCode.TOTALS_MISMATCH, "subtotal is not the sum of the lines", field="subtotal"
            )
        )
    if draft.shipping_total != ship_amount:
        errors.append(
            DomainError(
                OrderErrorCode.TOTALS_MISMATCH,
                "shipping total differs from the method",
                field="shippingTotal",
            )
        )
    if draft.total != sum(line.total for line in draft.lines) + ship_net or draft.total < 0:
        errors.append(
            DomainError(OrderErrorCode.TOTALS_MISMATCH, "total is not lines plus shipping", field="total")
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def _address(a: AddressSnapshot | None) -> dict[str, Any] | None:
    return dataclasses.asdict(a) if a is not None else None


def _shipping(s: ShippingChoice | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {**dataclasses.asdict(s), "method_id": str(s.method_id) if s.method_id else None}


def _discounts(items: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(d), "promotion_id": str(d.promotion_id)} for d in items]


async def find_by_checkout(uow: UnitOfWork, checkout_key: str) -> Order | None:
    """The order a checkout placed, if it got that far (a retried checkout resumes from here)."""
    return await uow.session.scalar(select(Order).where(Order.checkout_key == checkout_key))


async def place_order(
    uow: UnitOfWork,
    draft: OrderDraft,
    *,
    actor: str,
    checkout_key: str | None = None,
    payment_method: str | None = None,
) -> Order:
    """Place `draft` as a new order in the caller's transaction (the caller commits) and return it.

    Stock: takes the units from on-hand (ledger `sold`), honouring unexpired reservations held by other
    checkouts and using those held by `checkout_key` (the holder name passed to inventory.reserve);
    raises INSUFFICIENT_STOCK when short. Numbers are per store, 1, 2, 3… without gaps. Writes the
    timeline entry `placed` (actor, request id) and emits `order.created`. `checkout_key` is unique per
    store: a second placement for the same checkout fails on the unique index and rolls back.

    Errors (DomainError, nothing written): EMPTY_ORDER, TOTALS_MISMATCH, INVALID, INSUFFICIENT_STOCK."""
    check_draft(draft)
    order_id = uuid.uuid4()
    sale = [(line.variant_id, line.quantity) for line in draft.lines]
    allocations = await commit_sale(
        uow,
        sale,
        holder=checkout_key or f"order:{order_id}",
        reference=Reference("order", order_id),
        actor=actor,
    )
    number = int((await uow.session.execute(_NEXT_NUMBER, {"store": uow.store_id})).scalar_one())
    order = Order(
        id=order_id,
        store_id=uow.store_id,
        number=number,
        status=OrderStatus.PENDING,
        payment_status=PaymentStatus.UNPAID,
        currency=draft.currency,
        subtotal=draft.subtotal,
        discount_total=draft.discount_total,
        tax_total=draft.tax_total,
        shipping_total=draft.shipping_total,
        total=draft.total,
        prices_include_tax=draft.prices_include_tax,
        customer_id=draft.customer_id,
        cart_id=draft.cart_id,
        email=draft.email.strip().lower() if draft.email else None,
        phone=draft.phone,
        shipping_address=_address(draft.shipping_address),
        billing_address=_address(draft.billing_address),
        shipping=_shipping(draft.shipping),
        codes=list(draft.codes),
        discounts=_discounts(draft.discounts),
        customer_note=draft.note,
        locale=draft.locale,
        metadata_=dict(draft.metadata),
        checkout_key=checkout_key,
        payment_method=payment_method,
    )
    uow.session.add(order)
    lines = [
        OrderLine(
            id=uuid.uuid4(),
            store_id=uow.store_id,
            order_id=order_id,
            position=i,
            variant_id=line.variant_id,
            product_id=line.product_id,
            sku=line.sku,
            title=line.title,
            variant_title=line.variant_title,
            quantity=line.quantity,
            unit_price=line.unit_price,
            subtotal=line.subtotal,
            discount=line.discount,
            tax=line.tax,
            total=line.total,
            discounts=_discounts(line.discounts),
            requires_shipping=line.requires_shipping,
            weight_grams=line.weight_grams,
        )
        for i, line in enumerate(draft.lines)
    ]
    await uow.session.flush()
    uow.session.add_all(lines)
    await uow.session.flush()
    uow.session.add_all(
        OrderAllocation(
            store_id=uow.store_id,
            order_id=order_id,
            order_line_id=lines[a.line_key].id,
            variant_id=a.variant_id,
            location=a.location,
            quantity=a.quantity,
        )
        for a in allocations
    )
    record(
        uow,
        order_id,
        "placed",
        actor=actor,
        message=f"Order #{number} placed",
        data={"total": draft.total, "currency": draft.currency},
    )
    uow.emit(
        events.ORDER_CREATED,
        {
            "id": str(order_id),
            "number": number,
            "currency": draft.currency,
            "total": draft.total,
            "customer_id": str(draft.customer_id) if draft.customer_id else None,
            "lines": [
                {
                    "variant_id": str(line.variant_id),
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "total": line.total,
                }
                for line in draft.lines
            ],
        },
    )
    await uow.session.flush()
    return order
