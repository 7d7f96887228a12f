"""Promotion writes: create, update, activate, deactivate, delete. Each validates everything first,
changes nothing on failure, bumps the store's rules version and emits its event in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, func, select

from domain.errors import DomainError
from domain.promotions import events
from domain.promotions.actions import CLASS_BY_ACTION
from domain.promotions.cache import bump
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.inputs import PromotionCreateInput, PromotionFields
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import (
    DiscountCode,
    DiscountCodeRedemption,
    Promotion,
    PromotionKind,
    PromotionStatus,
)
from domain.promotions.rules import validate_rules
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork


async def require_promotion(uow: UnitOfWork, promotion_id: uuid.UUID, *, lock: bool = False) -> Promotion:
    row = await uow.session.get(Promotion, promotion_id, with_for_update=lock)
    if row is None or row.store_id != uow.store_id:
        raise DomainError(PromotionErrorCode.NOT_FOUND, "no promotion with this id", field="id")
    return row


async def _check(uow: UnitOfWork, promotion: Promotion, limits: PromotionLimits) -> None:
    """Validate the promotion's rules as they now stand and store their normal form."""
    rules = await validate_rules(uow, promotion.conditions, promotion.action, limits)
    if promotion.currency is not None:
        store = await current_store(uow)
        if promotion.currency not in store.currencies:
            raise DomainError(
                PromotionErrorCode.UNSUPPORTED_CURRENCY,
                f"currency must be one the store sells in: {', '.join(store.currencies)}",
                field="currency",
            )
    elif rules.uses_amounts or promotion.max_discount_amount is not None:
        raise DomainError(
            PromotionErrorCode.REQUIRED,
            "a promotion with fixed amounts (in conditions, action or cap) needs a currency",
            field="currency",
        )
    if promotion.starts_at and promotion.ends_at and promotion.starts_at >= promotion.ends_at:
        raise DomainError(PromotionErrorCode.INVALID, "endsAt must be after startsAt", field="endsAt")
    promotion.conditions = rules.conditions
    promotion.action = rules.action
    promotion.discount_class = CLASS_BY_ACTION[rules.action["type"]]


async def _room_for_one_more(uow: UnitOfWork, limits: PromotionLimits, *, field: str) -> None:
    active = await uow.session.scalar(
        select(func.count()).select_from(Promotion).where(Promotion.status == PromotionStatus.ACTIVE)
    )
    if (active or 0) >= limits.max_active:
        raise DomainError(
            PromotionErrorCode.TOO_MANY_ACTIVE,
            f"a store has at most {limits.max_active} active promotions; deactivate one first",
            field=field,
        )


def _event_data(promotion: Promotion) -> dict[str, Any]:
    return {"id": str(promotion.id), "status": promotion.status.value, "kind": promotion.kind.value}


async def create_promotion(
    uow: UnitOfWork, data: PromotionCreateInput, *, limits: PromotionLimits
) -> Promotion:
    promotion = Promotion(
        id=uuid.uuid4(),
        name=data.name,
        description=data.description or "",
        kind=data.kind,
        status=PromotionStatus.ACTIVE if data.active else PromotionStatus.DRAFT,
        priority=data.priority,
        exclusive=data.exclusive,
        combines_with=sorted({c.value for c in data.combines_with}),
        currency=data.currency,
        max_discount_amount=data.max_discount_amount,
        conditions=data.conditions or {"op": "and", "conditions": []},
        action=data.action,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    await _check(uow, promotion, limits)
    # The version row's lock serialises promotion writes per store, so the active count below cannot
    # be raced past the limit.
    await bump(uow)
    if data.active:
        await _room_for_one_more(uow, limits, field="active")
    uow.session.add(promotion)
    await uow.session.flush()
    uow.emit(events.PROMOTION_CREATED, _event_data(promotion))
    return promotion


async def update_promotion(
    uow: UnitOfWork, promotion_id: uuid.UUID, data: PromotionFields, *, limits: PromotionLimits
) -> Promotion:
    promotion = await require_promotion(uow, promotion_id, lock=True)
    given = data.model_fields_set
    for name in ("name", "description", "priority", "exclusive", "conditions", "action"):
        value = getattr(data, name)
        if name in given and value is not None:
            setattr(promotion, name, value)
    if "combines_with" in given:
        promotion.combines_with = sorted({c.value for c in data.combines_with or ()})
    for name in ("currency", "max_discount_amount", "starts_at", "ends_at"):
        if name in given:
            setattr(promotion, name, getattr(data, name))
    if "conditions" in given and data.conditions is None:
        promotion.conditions = {"op": "and", "conditions": []}
    await _check(uow, promotion, limits)
    await uow.session.flush()
    await bump(uow)
    uow.emit(events.PROMOTION_UPDATED, _event_data(promotion))
    return promotion


async def set_promotion_active(
    uow: UnitOfWork, promotion_id: uuid.UUID, active: bool, *, limits: PromotionLimits
) -> Promotion:
    promotion = await require_promotion(uow, promotion_id, lock=True)
    wanted = PromotionStatus.ACTIVE if active else PromotionStatus.INACTIVE
    if promotion.status is wanted:
        return promotion
    await bump(uow)
    if active:
        # Rules written before a limit was lowered, or ids deleted since, are caught here too.
        await _check(uow, promotion, limits)
        await _room_for_one_more(uow, limits, field="id")
    promotion.status = wanted
    await uow.session.flush()
    uow.emit(events.PROMOTION_ACTIVATED if active else events.PROMOTION_DEACTIVATED, _event_data(promotion))
    return promotion


async def delete_promotion(uow: UnitOfWork, promotion_id: uuid.UUID) -> uuid.UUID:
    """Delete a promotion and its codes. One whose codes were ever reserved or redeemed is kept for the
    record (IN_USE): deactivate it instead."""
    promotion = await require_promotion(uow, promotion_id, lock=True)
    used = await uow.session.scalar(
        select(
            exists().where(
                DiscountCodeRedemption.code_id == DiscountCode.id, DiscountCode.promotion_id == promotion.id
            )
        )
    )
    if used:
        raise DomainError(
            PromotionErrorCode.IN_USE,
            "its codes have been used; deactivate the promotion instead",
            field="id",
        )
    await uow.session.delete(promotion)
    await uow.session.flush()
    await bump(uow)
    uow.emit(events.PROMOTION_DELETED, {"id": str(promotion_id)})
    return promotion_id


def is_code_promotion(promotion: Promotion) -> bool:
    return PromotionKind(promotion.kind) is PromotionKind.CODE
