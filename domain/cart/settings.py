"""A store's cart settings: how long a cart sits idle before it counts as abandoned (and `cart.abandoned` is
emitted, domain/cart/abandonment.py), and how many idle days before it expires. A store without a row uses
the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.dialects.postgresql import insert

from domain.cart.errors import CartErrorCode
from domain.cart.models import CartSettings
from domain.errors import DomainError
from domain.uow import UnitOfWork

DEFAULT_ABANDON_MINUTES = 60
DEFAULT_EXPIRE_DAYS = 30
# The sweep runs every minute: below 5 minutes a shopper still browsing would be reported. Above 30 days,
# or a year for expiry, the number is a typo rather than a policy.
MIN_ABANDON_MINUTES, MAX_ABANDON_MINUTES = 5, 30 * 24 * 60
MIN_EXPIRE_DAYS, MAX_EXPIRE_DAYS = 1, 365


class CartSettingsChanges(BaseModel):
    """Only the fields given change."""

    abandon_after_minutes: int | None = Field(default=None, ge=MIN_ABANDON_MINUTES, le=MAX_ABANDON_MINUTES)
    expire_after_days: int | None = Field(default=None, ge=MIN_EXPIRE_DAYS, le=MAX_EXPIRE_DAYS)


@dataclass(frozen=True, slots=True)
class CartSettingsValues:
    abandon_after_minutes: int
    expire_after_days: int
    # None while the store runs on the defaults.
    updated_at: datetime | None


async def cart_settings(uow: UnitOfWork) -> CartSettingsValues:
    """The store's cart settings, or the defaults."""
    row = await uow.session.get(CartSettings, uow.store_id)
    if row is None:
        return CartSettingsValues(DEFAULT_ABANDON_MINUTES, DEFAULT_EXPIRE_DAYS, None)
    return CartSettingsValues(row.abandon_after_minutes, row.expire_after_days, row.updated_at)


async def update_cart_settings(uow: UnitOfWork, changes: CartSettingsChanges) -> CartSettingsValues:
    """Change the fields given (the row is created on first change). A cart must count as abandoned
    before it expires, else no cart would ever be reported: INVALID on `abandonAfterMinutes` otherwise,
    and nothing changes. The caller commits."""
    # Insert-if-missing, then lock: two first changes at once queue instead of colliding.
    await uow.session.execute(
        insert(CartSettings)
        .values(
            store_id=uow.store_id,
            abandon_after_minutes=DEFAULT_ABANDON_MINUTES,
            expire_after_days=DEFAULT_EXPIRE_DAYS,
            updated_at=uow.clock(),
        )
        .on_conflict_do_nothing()
    )
    row = await uow.session.get(CartSettings, uow.store_id, with_for_update=True, populate_existing=True)
    assert row is not None
    minutes = changes.abandon_after_minutes or row.abandon_after_minutes
    days = changes.expire_after_days or row.expire_after_days
    if minutes >= days * 24 * 60:
        raise DomainError(
            CartErrorCode.INVALID,
            f"carts expire after {days} day(s): they must count as abandoned before that",
            field="abandonAfterMinutes",
        )
    row.abandon_after_minutes, row.expire_after_days = minutes, days
    row.updated_at = uow.clock()
    await uow.session.flush()
    return CartSettingsValues(minutes, days, row.updated_at)
