"""The store as the storefront sees it, and its settings mutation."""

from __future__ import annotations

import strawberry

from domain.tenancy.errors import StoreErrorCode
from domain.tenancy.models import Store
from resolvers.context import Context
from resolvers.shop.queries import shop
from resolvers.shop.shop_update import shop_update
from schema.errors import StoreError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]


@strawberry.type(description="The store answering this request.")
class Shop:
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(description="URL-safe handle, unique across the platform.")
    default_currency: str = strawberry.field(description="ISO 4217 code used when a request names none.")
    currencies: list[str] = strawberry.field(description="ISO 4217 codes the store sells in.")
    default_locale: str = strawberry.field(description="Locale used when a request names none.")
    locales: list[str] = strawberry.field(description="Locales the store's content is translated into.")
    timezone: str = strawberry.field(description="IANA time zone for schedules, e.g. Asia/Dhaka.")
    storefront_origins: list[str] = strawberry.field(
        description="Origins (scheme://host[:port]) of the store's storefronts: a payment's return URL "
        "must be on one of them."
    )

    @classmethod
    def from_model(cls, m: Store) -> Shop:
        return cls(
            name=m.name,
            slug=m.slug,
            default_currency=m.default_currency,
            currencies=list(m.currencies),
            default_locale=m.default_locale,
            locales=list(m.locales),
            timezone=m.timezone,
            storefront_origins=list(m.storefront_origins or []),
        )


@strawberry.input(description="Store settings to change; omitted fields stay as they are.")
class ShopUpdateInput:
    name: str | None = strawberry.field(default=None, description="Display name.")
    default_currency: str | None = strawberry.field(default=None, description="Must be among currencies.")
    currencies: list[str] | None = strawberry.field(default=None, description="ISO 4217 codes.")
    default_locale: str | None = strawberry.field(default=None, description="Must be among locales.")
    locales: list[str] | None = strawberry.field(
        default=None, description="Locale codes such as bn or en-US."
    )
    timezone: str | None = strawberry.field(default=None, description="IANA time zone.")
    storefront_origins: list[str] | None = strawberry.field(
        default=None,
        description="The store's storefront origins, replacing the list (at most 20; https, or "
        "http://localhost and http://127.0.0.1 outside production); [] clears it.",
    )


@strawberry.type(description="The result of shopUpdate.")
class ShopUpdatePayload:
    shop: Shop | None = strawberry.field(description="The store after the change.")
    errors: list[StoreError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class ShopQuery:
    @strawberry.field(description="The store of the calling token: name, currencies, locales, time zone.")
    async def shop(self, info: Info) -> Shop:
        return Shop.from_model(await shop(info.context))


@strawberry.type
class ShopMutation:
    @strawberry.mutation(description="Change store settings.", extensions=requires("settings:manage"))
    async def shop_update(self, info: Info, input: ShopUpdateInput) -> ShopUpdatePayload:
        data = {k: v for k, v in vars(input).items() if v is not None}
        out = await shop_update(info.context, changes=data)
        return ShopUpdatePayload(
            shop=Shop.from_model(out.result) if out.result else None,
            errors=convert(out.errors, StoreErrorCode, StoreError),
        )
