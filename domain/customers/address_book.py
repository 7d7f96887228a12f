"""A signed-in customer's saved addresses (validated as every Bangladeshi address is), one of them the
default the storefront pre-fills."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from domain.customers.addresses import AddressInput, validate_address
from domain.customers.errors import CustomerErrorCode
from domain.customers.models import CustomerAddress
from domain.errors import DomainError
from domain.uow import UnitOfWork

MAX_ADDRESSES = 20


async def addresses(uow: UnitOfWork, customer_id: uuid.UUID) -> list[CustomerAddress]:
    rows = await uow.session.scalars(
        select(CustomerAddress)
        .where(CustomerAddress.customer_id == customer_id)
        .order_by(CustomerAddress.is_default.desc(), CustomerAddress.created_at, CustomerAddress.id)
    )
    return list(rows.all())


def _fill(row: CustomerAddress, data: AddressInput) -> None:
    snap = validate_address(
        data,
        field="address",
        invalid=CustomerErrorCode.INVALID_ADDRESS,
        invalid_phone=CustomerErrorCode.INVALID_PHONE,
    )
    row.name, row.phone, row.line1, row.line2 = snap.name, snap.phone, snap.line1, snap.line2
    row.division, row.district, row.upazila = snap.division, snap.district, snap.upazila
    row.postcode, row.country = snap.postcode, snap.country


async def _only_default(uow: UnitOfWork, customer_id: uuid.UUID, keep: uuid.UUID) -> None:
    await uow.session.execute(
        update(CustomerAddress)
        .where(CustomerAddress.customer_id == customer_id, CustomerAddress.id != keep)
        .values(is_default=False)
    )


async def add_address(
    uow: UnitOfWork, customer_id: uuid.UUID, data: AddressInput, *, default: bool = False
) -> CustomerAddress:
    held = await uow.session.scalar(
        select(func.count()).select_from(CustomerAddress).where(CustomerAddress.customer_id == customer_id)
    )
    if (held or 0) >= MAX_ADDRESSES:
        raise DomainError(
            CustomerErrorCode.TOO_MANY_ADDRESSES, f"at most {MAX_ADDRESSES} addresses", field="address"
        )
    row = CustomerAddress(id=uuid.uuid4(), customer_id=customer_id)
    _fill(row, data)
    # The first address is the default whatever was asked.
    row.is_default = default or not held
    uow.session.add(row)
    await uow.session.flush()
    if row.is_default:
        await _only_default(uow, customer_id, row.id)
    return row


async def _own(uow: UnitOfWork, customer_id: uuid.UUID, address_id: uuid.UUID) -> CustomerAddress:
    row = await uow.session.scalar(
        select(CustomerAddress)
        .where(CustomerAddress.id == address_id, CustomerAddress.customer_id == customer_id)
        .with_for_update()
    )
    if row is None:
        raise DomainError(CustomerErrorCode.NOT_FOUND, "no such address", field="id")
    return row


async def update_address(
    uow: UnitOfWork,
    customer_id: uuid.UUID,
    address_id: uuid.UUID,
    data: AddressInput,
    *,
    default: bool = False,
) -> CustomerAddress:
    row = await _own(uow, customer_id, address_id)
    _fill(row, data)
    if default:
        row.is_default = True
        await _only_default(uow, customer_id, row.id)
    await uow.session.flush()
    return row


async def delete_address(uow: UnitOfWork, customer_id: uuid.UUID, address_id: uuid.UUID) -> uuid.UUID:
    row = await _own(uow, customer_id, address_id)
    await uow.session.delete(row)
    await uow.session.flush()
    return address_id
