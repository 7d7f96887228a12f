"""The store's cart settings as admins see and change them (`settings:manage`, as other store settings)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.cart.errors import CartErrorCode
from domain.cart.settings import (
    MAX_ABANDON_MINUTES,
    MAX_EXPIRE_DAYS,
    MIN_ABANDON_MINUTES,
    MIN_EXPIRE_DAYS,
    CartSettingsValues,
)
from resolvers.cart.cart_settings_update import cart_settings_update
from resolvers.cart.queries import settings
from resolvers.context import Context
from schema.catalog.admin_inputs import UNSET, given
from schema.errors import CartError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
MANAGE = "settings:manage"


@strawberry.type(description="How the store treats idle carts.")
class CartSettings:
    abandon_after_minutes: int = strawberry.field(
        description="Idle minutes before a cart with lines counts as abandoned (cart.abandoned is emitted)."
    )
    expire_after_days: int = strawberry.field(description="Idle days before a cart expires.")
    updated_at: datetime | None = strawberry.field(description="Last change; null while on the defaults.")

    @classmethod
    def build(cls, v: CartSettingsValues) -> CartSettings:
        return cls(
            abandon_after_minutes=v.abandon_after_minutes,
            expire_after_days=v.expire_after_days,
            updated_at=v.updated_at,
        )


@strawberry.input(description="Cart settings to change; omitted fields stay as they are.")
class CartSettingsInput:
    abandon_after_minutes: int | None = strawberry.field(
        default=UNSET,
        description=f"{MIN_ABANDON_MINUTES} to {MAX_ABANDON_MINUTES} minutes, less than the expiry.",
    )
    expire_after_days: int | None = strawberry.field(
        default=UNSET, description=f"{MIN_EXPIRE_DAYS} to {MAX_EXPIRE_DAYS} days."
    )


@strawberry.type(description="The result of cartSettingsUpdate.")
class CartSettingsPayload:
    settings: CartSettings | None = strawberry.field(description="The settings afterwards.")
    errors: list[CartError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class CartSettingsQuery:
    @strawberry.field(description="The store's cart settings.", extensions=requires(MANAGE))
    async def cart_settings(self, info: Info) -> CartSettings:
        return CartSettings.build(await settings(info.context))


@strawberry.type
class CartSettingsMutation:
    @strawberry.mutation(
        description="Change how long carts sit idle before they count as abandoned, and before they expire.",
        extensions=requires(MANAGE),
    )
    async def cart_settings_update(self, info: Info, input: CartSettingsInput) -> CartSettingsPayload:
        out = await cart_settings_update(info.context, changes=given(input))
        return CartSettingsPayload(
            settings=CartSettings.build(out.result) if out.result else None,
            errors=convert(out.errors, CartErrorCode, CartError),
        )
