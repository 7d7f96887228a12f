"""Customers and customer groups as staff manage them: create a customer, define groups, assign and
remove members. Error codes are pricing's (groups exist to drive price lists and promotions)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from domain.customers.models import Customer, CustomerGroup, CustomerGroupMember
from domain.errors import DomainError
from domain.pricing import events
from domain.pricing.errors import PricingErrorCode
from domain.pricing.inputs import CustomerGroupInput, CustomerInput
from domain.pricing.models import PriceListAudience
from domain.pricing.support import require
from domain.uow import UnitOfWork


async def create_customer(uow: UnitOfWork, data: CustomerInput) -> Customer:
    if not data.email and not data.phone:
        raise DomainError(PricingErrorCode.CONTACT_REQUIRED, "give an email or a phone number", field="email")
    if data.email and await uow.session.scalar(
        select(Customer.id).where(func.lower(Customer.email) == data.email.lower())
    ):
        raise DomainError(PricingErrorCode.UNIQUE, "a customer has this email", field="email")
    if data.phone and await uow.session.scalar(select(Customer.id).where(Customer.phone == data.phone)):
        raise DomainError(PricingErrorCode.UNIQUE, "a customer has this phone number", field="phone")
    row = Customer(
        id=uuid.uuid4(),
        email=data.email,
        phone=data.phone,
        first_name=data.first_name,
        last_name=data.last_name,
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.emit(events.CUSTOMER_CREATED, {"id": str(row.id)})
    return row


async def create_group(uow: UnitOfWork, data: CustomerGroupInput) -> CustomerGroup:
    if await uow.session.scalar(select(CustomerGroup.id).where(CustomerGroup.code == data.code)):
        raise DomainError(PricingErrorCode.UNIQUE, "a customer group has this code", field="code")
    row = CustomerGroup(id=uuid.uuid4(), code=data.code, name=data.name)
    uow.session.add(row)
    await uow.session.flush()
    uow.emit(events.CUSTOMER_GROUP_CREATED, {"id": str(row.id), "code": row.code})
    return row


async def update_group(uow: UnitOfWork, group_id: uuid.UUID, data: CustomerGroupInput) -> CustomerGroup:
    row = await require(uow, CustomerGroup, group_id, field="id", lock=True)
    clash = await uow.session.scalar(
        select(CustomerGroup.id).where(CustomerGroup.code == data.code, CustomerGroup.id != row.id)
    )
    if clash:
        raise DomainError(PricingErrorCode.UNIQUE, "a customer group has this code", field="code")
    row.code, row.name = data.code, data.name
    await uow.session.flush()
    uow.emit(events.CUSTOMER_GROUP_UPDATED, {"id": str(row.id), "code": row.code})
    return row


async def delete_group(uow: UnitOfWork, group_id: uuid.UUID) -> uuid.UUID:
    """A group a price list targets cannot go: the list would silently become everybody's."""
    row = await require(uow, CustomerGroup, group_id, field="id", lock=True)
    if await uow.session.scalar(
        select(PriceListAudience.id).where(PriceListAudience.customer_group_id == group_id).limit(1)
    ):
        raise DomainError(PricingErrorCode.IN_USE, "a price list targets this group", field="id")
    await uow.session.delete(row)
    await uow.session.flush()
    uow.emit(events.CUSTOMER_GROUP_DELETED, {"id": str(group_id), "code": row.code})
    return group_id


async def _customers_exist(uow: UnitOfWork, customer_ids: Sequence[uuid.UUID]) -> None:
    found = set(
        (await uow.session.scalars(select(Customer.id).where(Customer.id.in_(set(customer_ids))))).all()
    )
    for index, cid in enumerate(customer_ids):
        if cid not in found:
            raise DomainError(
                PricingErrorCode.NOT_FOUND, "no customer with this id", field=f"customerIds.{index}"
            )


async def assign_members(
    uow: UnitOfWork, group_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    await require(uow, CustomerGroup, group_id, field="groupId", lock=True)
    if not customer_ids:
        raise DomainError(PricingErrorCode.REQUIRED, "name at least one customer", field="customerIds")
    await _customers_exist(uow, customer_ids)
    stmt = insert(CustomerGroupMember).values(
        [
            {"store_id": uow.store_id, "group_id": group_id, "customer_id": c}
            for c in dict.fromkeys(customer_ids)
        ]
    )
    await uow.session.execute(stmt.on_conflict_do_nothing())
    uow.emit(
        events.CUSTOMER_GROUP_MEMBERS_CHANGED,
        {"id": str(group_id), "added": [str(c) for c in dict.fromkeys(customer_ids)], "removed": []},
    )
    return await members(uow, group_id)


async def remove_members(
    uow: UnitOfWork, group_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    await require(uow, CustomerGroup, group_id, field="groupId", lock=True)
    if not customer_ids:
        raise DomainError(PricingErrorCode.REQUIRED, "name at least one customer", field="customerIds")
    await _customers_exist(uow, customer_ids)
    await uow.session.execute(
        delete(CustomerGroupMember).where(
            CustomerGroupMember.group_id == group_id, CustomerGroupMember.customer_id.in_(list(customer_ids))
        )
    )
    uow.emit(
        events.CUSTOMER_GROUP_MEMBERS_CHANGED,
        {"id": str(group_id), "added": [], "removed": [str(c) for c in dict.fromkeys(customer_ids)]},
    )
    return await members(uow, group_id)


async def members(uow: UnitOfWork, group_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await uow.session.scalars(
        select(CustomerGroupMember.customer_id)
        .where(CustomerGroupMember.group_id == group_id)
        .order_by(CustomerGroupMember.customer_id)
    )
    return list(rows.all())


async def groups(uow: UnitOfWork) -> list[CustomerGroup]:
    return list((await uow.session.scalars(select(CustomerGroup).order_by(CustomerGroup.code))).all())
