"""Builds a CartSnapshot from variant ids and quantities: what the catalog knows about each line
(product, brand, category with its ancestors, collections) in one statement, the customer's groups in
another, and the unit prices from a LinePricer. Used by the explanation; cart and checkout will build
their snapshots from their own priced lines the same way."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text

from domain.errors import DomainError, DomainErrors
from domain.money import Money
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.line_pricer import LinePricer, LineToPrice
from domain.promotions.snapshot import CartLine, CartSnapshot, CustomerFacts
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork

_FACTS = text(
    """
    SELECT v.id AS variant_id, p.id AS product_id, p.brand_id, c.path,
        ARRAY(
            SELECT cp.collection_id FROM collection_products cp WHERE cp.product_id = p.id
            UNION
            SELECT unnest(ps.collection_ids) FROM product_summaries ps WHERE ps.product_id = p.id
        ) AS collection_ids
    FROM product_variants v
    JOIN products p ON p.id = v.product_id
    LEFT JOIN categories c ON c.id = p.category_id
    WHERE v.store_id = :store AND v.id = ANY(:ids)
    """
)
_GROUPS = text(
    "SELECT group_id FROM customer_group_members WHERE store_id = :store AND customer_id = :customer"
)


@dataclass(frozen=True)
class CartRequest:
    lines: Sequence[LineToPrice]
    currency: str
    at: datetime
    customer_id: uuid.UUID | None = None
    first_order: bool = False
    segment_ids: frozenset[str] = frozenset()
    channel: str | None = None
    payment_method: str | None = None
    shipping_zone: str | None = None
    shipping_amount: int | None = None
    codes: Sequence[str] = field(default_factory=tuple)


def _ancestors(path: str | None) -> frozenset[uuid.UUID]:
    # A category's materialised path "/<root id>/.../<own id>/" lists it and every ancestor.
    return frozenset(uuid.UUID(part) for part in (path or "").split("/") if part)


async def build_snapshot(uow: UnitOfWork, request: CartRequest, *, pricer: LinePricer) -> CartSnapshot:
    store = await current_store(uow)
    if request.currency not in store.currencies:
        raise DomainError(
            PromotionErrorCode.UNSUPPORTED_CURRENCY,
            f"currency must be one the store sells in: {', '.join(store.currencies)}",
            field="currency",
        )
    ids = list({line.variant_id for line in request.lines})
    rows = await uow.session.execute(_FACTS, {"store": uow.store_id, "ids": ids})
    facts = {r.variant_id: r for r in rows}
    prices = await pricer.unit_prices(
        uow, request.lines, currency=request.currency, customer_id=request.customer_id, at=request.at
    )
    errors: list[DomainError] = []
    lines: list[CartLine] = []
    for i, (line, price) in enumerate(zip(request.lines, prices, strict=True)):
        fact = facts.get(line.variant_id)
        if fact is None:
            errors.append(
                DomainError(PromotionErrorCode.NOT_FOUND, "no such variant", field=f"lines.{i}.variantId")
            )
            continue
        if price is None:
            errors.append(
                DomainError(
                    PromotionErrorCode.INVALID,
                    f"the variant has no price in {request.currency}",
                    field=f"lines.{i}.variantId",
                )
            )
            continue
        lines.append(
            CartLine(
                id=str(i),
                variant_id=line.variant_id,
                product_id=fact.product_id,
                quantity=line.quantity,
                unit_price=price,
                category_ids=_ancestors(fact.path),
                collection_ids=frozenset(fact.collection_ids or ()),
                brand_id=fact.brand_id,
            )
        )
    if errors:
        raise DomainErrors(errors)
    groups: frozenset[uuid.UUID] = frozenset()
    if request.customer_id is not None:
        found = await uow.session.execute(_GROUPS, {"store": uow.store_id, "customer": request.customer_id})
        groups = frozenset(r.group_id for r in found)
    return CartSnapshot(
        currency=request.currency,
        lines=tuple(lines),
        now=request.at,
        shipping=Money(request.shipping_amount, request.currency)
        if request.shipping_amount is not None
        else None,
        customer=CustomerFacts(
            id=request.customer_id,
            group_ids=groups,
            segment_ids=request.segment_ids,
            first_order=request.first_order,
        ),
        channel=request.channel,
        payment_method=request.payment_method,
        shipping_zone=request.shipping_zone,
        timezone=store.timezone,
    )
