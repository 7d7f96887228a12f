"""Tax classes and rates per store and region, and a product's class. Any change may alter every price's
tax, so each emits `tax.changed` for the whole store."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from domain.catalog.models import Product
from domain.errors import DomainError
from domain.pricing import events
from domain.pricing.errors import PricingErrorCode
from domain.pricing.inputs import TaxClassInput, TaxRateInput
from domain.pricing.models import ProductTaxClass, TaxClass, TaxRate
from domain.pricing.support import require
from domain.uow import UnitOfWork


def _changed(uow: UnitOfWork, what: str, id_: uuid.UUID | None) -> None:
    uow.emit(events.TAX_CHANGED, {"what": what, "id": str(id_) if id_ else None, "all_products": True})


async def _only_default(uow: UnitOfWork, keep: uuid.UUID) -> None:
    await uow.session.execute(
        update(TaxClass).where(TaxClass.is_default, TaxClass.id != keep).values(is_default=False)
    )


async def create_tax_class(uow: UnitOfWork, data: TaxClassInput) -> TaxClass:
    if await uow.session.scalar(select(TaxClass.id).where(TaxClass.code == data.code)) is not None:
        raise DomainError(PricingErrorCode.UNIQUE, "a tax class has this code", field="code")
    row = TaxClass(id=uuid.uuid4(), code=data.code, name=data.name, is_default=False)
    uow.session.add(row)
    await uow.session.flush()
    if data.is_default:
        await _only_default(uow, row.id)
        row.is_default = True
        await uow.session.flush()
    _changed(uow, "tax_class", row.id)
    return row


async def update_tax_class(uow: UnitOfWork, class_id: uuid.UUID, data: TaxClassInput) -> TaxClass:
    row = await require(uow, TaxClass, class_id, field="id", lock=True)
    clash = await uow.session.scalar(
        select(TaxClass.id).where(TaxClass.code == data.code, TaxClass.id != row.id)
    )
    if clash is not None:
        raise DomainError(PricingErrorCode.UNIQUE, "a tax class has this code", field="code")
    row.code, row.name = data.code, data.name
    if data.is_default and not row.is_default:
        await _only_default(uow, row.id)
        await uow.session.flush()
    row.is_default = data.is_default
    await uow.session.flush()
    _changed(uow, "tax_class", row.id)
    return row


async def delete_tax_class(uow: UnitOfWork, class_id: uuid.UUID) -> uuid.UUID:
    row = await require(uow, TaxClass, class_id, field="id", lock=True)
    await uow.session.delete(row)
    await uow.session.flush()
    _changed(uow, "tax_class", class_id)
    return class_id


async def set_tax_rate(uow: UnitOfWork, data: TaxRateInput) -> TaxRate:
    """Create or replace the class's rate for the region (country, or country and division)."""
    await require(uow, TaxClass, data.tax_class_id, field="taxClassId")
    if data.division is not None and not data.division.startswith(f"{data.country}-"):
        raise DomainError(
            PricingErrorCode.INVALID_REGION,
            f"a division code starts with its country ({data.country}-…, ISO 3166-2)",
            field="division",
        )
    existing = await uow.session.scalar(
        select(TaxRate).where(
            TaxRate.tax_class_id == data.tax_class_id,
            TaxRate.country == data.country,
            TaxRate.division.is_(None) if data.division is None else TaxRate.division == data.division,
        )
    )
    row = existing or TaxRate(
        id=uuid.uuid4(), tax_class_id=data.tax_class_id, country=data.country, division=data.division
    )
    row.percent, row.name = data.percent, data.name
    if existing is None:
        uow.session.add(row)
    await uow.session.flush()
    _changed(uow, "tax_rate", row.id)
    return row


async def delete_tax_rate(uow: UnitOfWork, rate_id: uuid.UUID) -> uuid.UUID:
    row = await require(uow, TaxRate, rate_id, field="id", lock=True)
    await uow.session.delete(row)
    await uow.session.flush()
    _changed(uow, "tax_rate", rate_id)
    return rate_id


async def set_product_tax_class(uow: UnitOfWork, product_id: uuid.UUID, class_id: uuid.UUID | None) -> None:
    """Tax a product in a class (null: the store's default class again)."""
    await require(uow, Product, product_id, field="productId")
    if class_id is None:
        row = await uow.session.get(ProductTaxClass, product_id)
        if row is not None:
            await uow.session.delete(row)
    else:
        await require(uow, TaxClass, class_id, field="taxClassId")
        stmt = insert(ProductTaxClass).values(
            store_id=uow.store_id, product_id=product_id, tax_class_id=class_id
        )
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[ProductTaxClass.product_id], set_={"tax_class_id": class_id}
            )
        )
    await uow.session.flush()
    uow.emit(events.TAX_CHANGED, {"what": "product", "id": str(product_id), "product_ids": [str(product_id)]})


async def tax_classes(uow: UnitOfWork) -> list[tuple[TaxClass, list[TaxRate]]]:
    classes = list((await uow.session.scalars(select(TaxClass).order_by(TaxClass.code))).all())
    rates = list(
        (await uow.session.scalars(select(TaxRate).order_by(TaxRate.country, TaxRate.division))).all()
    )
    return [(c, [r for r in rates if r.tax_class_id == c.id]) for c in classes]
