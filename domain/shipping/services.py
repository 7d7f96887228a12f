"""Shipping zones and methods as staff manage them, and the one read the cart needs (`load`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select

from domain.customers import bd_geo
from domain.errors import DomainError, DomainErrors
from domain.shipping import events
from domain.shipping.errors import ShippingErrorCode
from domain.shipping.inputs import MethodInput, ZoneInput
from domain.shipping.models import ShippingMethod, ShippingZone
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork


@dataclass(frozen=True)
class ShippingSetup:
    zones: list[ShippingZone]
    methods: list[ShippingMethod]


async def load(uow: UnitOfWork) -> ShippingSetup:
    """Every zone and method of the store (stores have a handful): two statements."""
    zones = (await uow.session.scalars(select(ShippingZone).order_by(ShippingZone.created_at))).all()
    methods = (
        await uow.session.scalars(
            select(ShippingMethod).order_by(ShippingMethod.position, ShippingMethod.code)
        )
    ).all()
    return ShippingSetup(list(zones), list(methods))


M = TypeVar("M", ShippingZone, ShippingMethod)


async def _require(uow: UnitOfWork, model: type[M], id_: uuid.UUID, *, field: str) -> M:
    row = await uow.session.get(model, id_, with_for_update=True)
    if row is None or row.store_id != uow.store_id:
        raise DomainError(ShippingErrorCode.NOT_FOUND, f"no {model.__name__} with this id", field=field)
    return row


def _regions(data: ZoneInput) -> tuple[list[str], list[str]]:
    errors: list[DomainError] = []
    divisions: list[str] = []
    districts: list[str] = []
    for i, raw in enumerate(data.divisions):
        name = bd_geo.division(raw)
        if name is None:
            errors.append(
                DomainError(ShippingErrorCode.INVALID_REGION, "not a division", field=f"divisions.{i}")
            )
        else:
            divisions.append(name)
    for i, raw in enumerate(data.districts):
        name = bd_geo.district(raw)
        if name is None:
            errors.append(
                DomainError(ShippingErrorCode.INVALID_REGION, "not a district", field=f"districts.{i}")
            )
        else:
            districts.append(name)
    if errors:
        raise DomainErrors(errors)
    return sorted(set(divisions)), sorted(set(districts))


async def _name_free(uow: UnitOfWork, name: str, own: uuid.UUID | None) -> None:
    query = select(ShippingZone.id).where(ShippingZone.name == name)
    if own is not None:
        query = query.where(ShippingZone.id != own)
    clash = await uow.session.scalar(query)
    if clash:
        raise DomainError(ShippingErrorCode.UNIQUE, "a zone has this name", field="name")


async def create_zone(uow: UnitOfWork, data: ZoneInput) -> ShippingZone:
    divisions, districts = _regions(data)
    await _name_free(uow, data.name, None)
    row = ShippingZone(id=uuid.uuid4(), name=data.name, divisions=divisions, districts=districts)
    uow.session.add(row)
    await uow.session.flush()
    uow.emit(events.SHIPPING_ZONE_CREATED, {"id": str(row.id), "name": row.name})
    return row


async def update_zone(uow: UnitOfWork, zone_id: uuid.UUID, data: ZoneInput) -> ShippingZone:
    row = await _require(uow, ShippingZone, zone_id, field="id")
    divisions, districts = _regions(data)
    await _name_free(uow, data.name, row.id)
    row.name, row.divisions, row.districts = data.name, divisions, districts
    await uow.session.flush()
    uow.emit(events.SHIPPING_ZONE_UPDATED, {"id": str(row.id), "name": row.name})
    return row


async def delete_zone(uow: UnitOfWork, zone_id: uuid.UUID) -> uuid.UUID:
    row = await _require(uow, ShippingZone, zone_id, field="id")
    await uow.session.delete(row)
    await uow.session.flush()
    uow.emit(events.SHIPPING_ZONE_DELETED, {"id": str(zone_id)})
    return zone_id


async def _check_method(uow: UnitOfWork, data: MethodInput, own: uuid.UUID | None) -> None:
    await _require(uow, ShippingZone, data.zone_id, field="zoneId")
    store = await current_store(uow)
    if data.currency not in store.currencies:
        raise DomainError(
            ShippingErrorCode.UNSUPPORTED_CURRENCY,
            f"the store does not sell in {data.currency}",
            field="currency",
        )
    query = select(ShippingMethod.id).where(ShippingMethod.code == data.code)
    if own is not None:
        query = query.where(ShippingMethod.id != own)
    clash = await uow.session.scalar(query)
    if clash:
        raise DomainError(ShippingErrorCode.UNIQUE, "a shipping method has this code", field="code")


def _apply(row: ShippingMethod, data: MethodInput) -> None:
    row.zone_id, row.code, row.name, row.kind = data.zone_id, data.code, data.name, data.kind
    row.currency, row.amount, row.free_over = data.currency, data.amount, data.free_over
    row.brackets = [
        {"from": b.from_, "amount": b.amount} for b in sorted(data.brackets, key=lambda b: b.from_)
    ]
    row.active, row.position = data.active, data.position


async def create_method(uow: UnitOfWork, data: MethodInput) -> ShippingMethod:
    await _check_method(uow, data, None)
    row = ShippingMethod(id=uuid.uuid4())
    _apply(row, data)
    uow.session.add(row)
    await uow.session.flush()
    uow.emit(events.SHIPPING_METHOD_CREATED, {"id": str(row.id), "code": row.code})
    return row


async def update_method(uow: UnitOfWork, method_id: uuid.UUID, data: MethodInput) -> ShippingMethod:
    row = await _require(uow, ShippingMethod, method_id, field="id")
    await _check_method(uow, data, row.id)
    _apply(row, data)
    await uow.session.flush()
    uow.emit(events.SHIPPING_METHOD_UPDATED, {"id": str(row.id), "code": row.code})
    return row


async def delete_method(uow: UnitOfWork, method_id: uuid.UUID) -> uuid.UUID:
    row = await _require(uow, ShippingMethod, method_id, field="id")
    await uow.session.delete(row)
    await uow.session.flush()
    uow.emit(events.SHIPPING_METHOD_DELETED, {"id": str(method_id), "code": row.code})
    return method_id
