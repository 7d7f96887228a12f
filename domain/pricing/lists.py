"""Price lists: create, change, delete; their prices and quantity breaks. Every change emits one pricing
event naming the products it reprices (domain.pricing.events)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog.inputs import PriceInput
from domain.catalog.models import ProductVariant, VariantPrice
from domain.catalog.prices import upsert_prices
from domain.customers.models import CustomerGroup
from domain.errors import DomainError
from domain.pricing import events
from domain.pricing.errors import PricingErrorCode
from domain.pricing.inputs import ListPriceInput, PriceListChanges, PriceListInput, TierInput
from domain.pricing.models import AudienceKind, PriceList, PriceListAudience, PriceListPrice, PriceTier
from domain.pricing.support import (
    check_currency,
    default_list_id,
    products_of_list,
    products_of_variants,
    require,
    require_list,
    store,
    virtual_default,
)
from domain.pricing.tiers import validate_tiers
from domain.uow import UnitOfWork


def _check_schedule(starts_at: object, ends_at: object) -> None:
    for name, moment in (("startsAt", starts_at), ("endsAt", ends_at)):
        if moment is not None and getattr(moment, "tzinfo", None) is None:
            raise DomainError(PricingErrorCode.INVALID_SCHEDULE, "give a time zone", field=name)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:  # type: ignore[operator]
        raise DomainError(PricingErrorCode.INVALID_SCHEDULE, "the sale ends before it starts", field="endsAt")


async def _check_groups(uow: UnitOfWork, group_ids: Sequence[uuid.UUID]) -> None:
    wanted = set(group_ids)
    if not wanted:
        return
    found = set(
        (await uow.session.scalars(select(CustomerGroup.id).where(CustomerGroup.id.in_(wanted)))).all()
    )
    for index, gid in enumerate(group_ids):
        if gid not in found:
            raise DomainError(
                PricingErrorCode.NOT_FOUND, "no customer group with this id", field=f"groupIds.{index}"
            )


async def _set_audiences(
    uow: UnitOfWork, list_id: uuid.UUID, group_ids: Sequence[uuid.UUID], segment_ids: Sequence[uuid.UUID]
) -> None:
    await uow.session.execute(delete(PriceListAudience).where(PriceListAudience.price_list_id == list_id))
    uow.session.add_all(
        [
            *(
                PriceListAudience(price_list_id=list_id, kind=AudienceKind.GROUP, customer_group_id=g)
                for g in dict.fromkeys(group_ids)
            ),
            *(
                PriceListAudience(price_list_id=list_id, kind=AudienceKind.SEGMENT, segment_id=s)
                for s in dict.fromkeys(segment_ids)
            ),
        ]
    )


async def audiences_of(
    uow: UnitOfWork, list_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PriceListAudience]]:
    rows = await uow.session.scalars(
        select(PriceListAudience).where(PriceListAudience.price_list_id.in_(list(list_ids)))
    )
    out: dict[uuid.UUID, list[PriceListAudience]] = {i: [] for i in list_ids}
    for row in rows.all():
        out[row.price_list_id].append(row)
    return out


async def create_price_list(uow: UnitOfWork, data: PriceListInput) -> PriceList:
    if data.code == "default":
        raise DomainError(PricingErrorCode.DEFAULT_LIST, "`default` is the default list's code", field="code")
    _check_schedule(data.starts_at, data.ends_at)
    await _check_groups(uow, data.group_ids)
    if await uow.session.scalar(select(PriceList.id).where(PriceList.code == data.code)) is not None:
        raise DomainError(PricingErrorCode.UNIQUE, "a price list has this code", field="code")
    row = PriceList(
        id=uuid.uuid4(),
        code=data.code,
        name=data.name,
        priority=data.priority,
        active=data.active,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    uow.session.add(row)
    await uow.session.flush()
    await _set_audiences(uow, row.id, data.group_ids, data.segment_ids)
    # A new list has no prices yet: it reprices nothing.
    uow.emit(events.PRICE_LIST_CREATED, {"id": str(row.id), "code": row.code, "product_ids": []})
    return row


async def update_price_list(uow: UnitOfWork, list_id: uuid.UUID, changes: PriceListChanges) -> PriceList:
    row = await require_list(uow, list_id, field="id")
    given = changes.model_fields_set
    if row.is_default and given - {"name"}:
        raise DomainError(
            PricingErrorCode.DEFAULT_LIST, "the default list is always on, for everybody", field=None
        )
    starts_at = changes.starts_at if "starts_at" in given else row.starts_at
    ends_at = changes.ends_at if "ends_at" in given else row.ends_at
    _check_schedule(starts_at, ends_at)
    if changes.group_ids is not None:
        await _check_groups(uow, changes.group_ids)
    for name in ("name", "priority", "active"):
        value = getattr(changes, name)
        if name in given and value is not None:
            setattr(row, name, value)
    row.starts_at, row.ends_at = starts_at, ends_at
    if changes.group_ids is not None or changes.segment_ids is not None:
        current = (await audiences_of(uow, [row.id]))[row.id]
        groups = (
            changes.group_ids
            if changes.group_ids is not None
            else [a.customer_group_id for a in current if a.customer_group_id]
        )
        segments = (
            changes.segment_ids
            if changes.segment_ids is not None
            else [a.segment_id for a in current if a.segment_id]
        )
        await _set_audiences(uow, row.id, groups, segments)
    await uow.session.flush()
    uow.emit(
        events.PRICE_LIST_UPDATED,
        {"id": str(row.id), "code": row.code, "product_ids": await products_of_list(uow, row.id)},
    )
    return row


async def delete_price_list(uow: UnitOfWork, list_id: uuid.UUID) -> uuid.UUID:
    row = await require(uow, PriceList, list_id, field="id", lock=True)
    if row.is_default:
        raise DomainError(PricingErrorCode.DEFAULT_LIST, "the default list cannot be deleted", field="id")
    products = await products_of_list(uow, row.id)
    await uow.session.delete(row)
    await uow.session.flush()
    uow.emit(events.PRICE_LIST_DELETED, {"id": str(list_id), "code": row.code, "product_ids": products})
    return list_id


async def _check_variants(uow: UnitOfWork, variant_ids: Sequence[uuid.UUID], field: str) -> None:
    found = set(
        (
            await uow.session.scalars(
                select(ProductVariant.id).where(ProductVariant.id.in_(set(variant_ids)))
            )
        ).all()
    )
    for index, vid in enumerate(variant_ids):
        if vid not in found:
            raise DomainError(
                PricingErrorCode.NOT_FOUND, "no variant with this id", field=f"{field}.{index}.variantId"
            )


async def set_list_prices(
    uow: UnitOfWork, list_id: uuid.UUID, prices: Sequence[ListPriceInput]
) -> list[ListPriceInput]:
    """Set (or, with amount null, remove) prices on a list. On the default list they are the catalog's
    variant prices, written by the catalog's own upsert, and cannot be removed here."""
    row = await require_list(uow, list_id, field="priceListId")
    shop = await store(uow)
    keys = [(p.variant_id, p.currency) for p in prices]
    if len(set(keys)) != len(keys):
        raise DomainError(
            PricingErrorCode.INVALID, "each variant and currency may appear once", field="prices"
        )
    for index, p in enumerate(prices):
        check_currency(shop, p.currency, field=f"prices.{index}.currency")
        if p.amount is None and row.is_default:
            raise DomainError(
                PricingErrorCode.DEFAULT_LIST,
                "default prices are removed with the variant",
                field=f"prices.{index}.amount",
            )
    await _check_variants(uow, [p.variant_id for p in prices], "prices")
    upserts = [p for p in prices if p.amount is not None]
    removals = [p for p in prices if p.amount is None]
    if row.is_default:
        await upsert_prices(
            uow,
            [
                (
                    p.variant_id,
                    PriceInput(
                        currency=p.currency, amount=p.amount or 0, compare_at_amount=p.compare_at_amount
                    ),
                )
                for p in upserts
            ],
        )
    else:
        if upserts:
            stmt = insert(PriceListPrice).values(
                [
                    {
                        "store_id": uow.store_id,
                        "price_list_id": row.id,
                        "variant_id": p.variant_id,
                        "currency": p.currency,
                        "amount": p.amount,
                        "compare_at_amount": p.compare_at_amount,
                    }
                    for p in upserts
                ]
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[
                    PriceListPrice.price_list_id,
                    PriceListPrice.variant_id,
                    PriceListPrice.currency,
                ],
                set_={"amount": stmt.excluded.amount, "compare_at_amount": stmt.excluded.compare_at_amount},
            )
            await uow.session.execute(stmt)
        for p in removals:
            await uow.session.execute(
                delete(PriceListPrice).where(
                    PriceListPrice.price_list_id == row.id,
                    PriceListPrice.variant_id == p.variant_id,
                    PriceListPrice.currency == p.currency,
                )
            )
            await uow.session.execute(
                delete(PriceTier).where(
                    PriceTier.price_list_id == row.id,
                    PriceTier.variant_id == p.variant_id,
                    PriceTier.currency == p.currency,
                )
            )
    uow.emit(
        events.PRICE_LIST_PRICES_SET,
        {
            "id": str(row.id),
            "code": row.code,
            "product_ids": await products_of_variants(uow, [p.variant_id for p in prices]),
        },
    )
    return list(prices)


async def set_tiers(
    uow: UnitOfWork,
    list_id: uuid.UUID,
    variant_id: uuid.UUID,
    currency: str,
    tiers: Sequence[TierInput],
) -> list[tuple[int, int]]:
    """Replace a variant's quantity breaks in a currency on a list. The break at 1 becomes the list's
    price of the variant (keeping its compare-at); the others are stored as tiers."""
    row = await require_list(uow, list_id, field="priceListId")
    check_currency(await store(uow), currency, field="currency")
    await require(uow, ProductVariant, variant_id, field="variantId")
    breaks = validate_tiers(tiers)
    base = breaks[0][1]
    if row.is_default:
        existing = await uow.session.get(VariantPrice, (variant_id, currency))
        compare_at = existing.compare_at_amount if existing else None
        await upsert_prices(
            uow,
            [
                (
                    variant_id,
                    PriceInput(
                        currency=currency,
                        amount=base,
                        compare_at_amount=compare_at if compare_at and compare_at > base else None,
                    ),
                )
            ],
        )
    else:
        stmt = insert(PriceListPrice).values(
            store_id=uow.store_id, price_list_id=row.id, variant_id=variant_id, currency=currency, amount=base
        )
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[
                    PriceListPrice.price_list_id,
                    PriceListPrice.variant_id,
                    PriceListPrice.currency,
                ],
                set_={"amount": stmt.excluded.amount},
            )
        )
    await uow.session.execute(
        delete(PriceTier).where(
            PriceTier.price_list_id == row.id,
            PriceTier.variant_id == variant_id,
            PriceTier.currency == currency,
        )
    )
    above = [
        {
            "store_id": uow.store_id,
            "price_list_id": row.id,
            "variant_id": variant_id,
            "currency": currency,
            "min_quantity": q,
            "amount": a,
        }
        for q, a in breaks[1:]
    ]
    if above:
        await uow.session.execute(insert(PriceTier).values(above))
    uow.emit(
        events.PRICE_LIST_TIERS_SET,
        {"id": str(row.id), "code": row.code, "product_ids": await products_of_variants(uow, [variant_id])},
    )
    return breaks


async def list_price_lists(uow: UnitOfWork) -> list[PriceList]:
    rows = list(
        (
            await uow.session.scalars(select(PriceList).order_by(PriceList.is_default.desc(), PriceList.code))
        ).all()
    )
    if not any(r.is_default for r in rows):
        rows.insert(0, virtual_default(uow.store_id))
    return rows


async def tiers_of(
    uow: UnitOfWork, list_id: uuid.UUID, variant_id: uuid.UUID, currency: str
) -> list[tuple[int, int]]:
    """The whole break table as (min quantity, amount): the list's price at 1, then its tiers."""
    base: VariantPrice | PriceListPrice | None
    if list_id == default_list_id(uow.store_id):
        base = await uow.session.get(VariantPrice, (variant_id, currency))
    else:
        base = await uow.session.get(PriceListPrice, (list_id, variant_id, currency))
    if base is None:
        return []
    rows = await uow.session.execute(
        select(PriceTier.min_quantity, PriceTier.amount)
        .where(
            PriceTier.price_list_id == list_id,
            PriceTier.variant_id == variant_id,
            PriceTier.currency == currency,
        )
        .order_by(PriceTier.min_quantity)
    )
    return [(1, int(base.amount)), *((int(q), int(a)) for q, a in rows.all())]


async def count_prices(uow: UnitOfWork, list_id: uuid.UUID) -> int:
    return int(
        await uow.session.scalar(select(func.count()).where(PriceListPrice.price_list_id == list_id)) or 0
    )
