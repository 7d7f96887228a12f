"""Store settings, changed by admins of that store."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field
from sqlalchemy import select

from domain.errors import DomainError
from domain.tenancy.errors import StoreErrorCode
from domain.tenancy.models import Store
from domain.tenancy.origins import MAX_ORIGINS, OriginError, normalize_origin
from domain.text import Text
from domain.uow import UnitOfWork

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


class StoreSettingsInput(BaseModel):
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    default_currency: str | None = None
    currencies: list[str] | None = Field(default=None, min_length=1, max_length=20)
    default_locale: str | None = None
    locales: list[str] | None = Field(default=None, min_length=1, max_length=20)
    timezone: str | None = None
    # Where payments may send shoppers back (domain/tenancy/origins.py); [] clears them.
    storefront_origins: list[str] | None = Field(default=None, max_length=MAX_ORIGINS)


async def current_store(uow: UnitOfWork) -> Store:
    store = await uow.session.scalar(select(Store).where(Store.id == uow.store_id))
    if store is None:  # row-level security hides every other store
        raise LookupError("the unit of work's store is not visible")
    return store


def _origins(values: list[str], *, allow_local: bool) -> list[str]:
    origins = []
    for i, value in enumerate(values):
        try:
            origins.append(normalize_origin(value, allow_local=allow_local))
        except OriginError as exc:
            raise DomainError(
                StoreErrorCode.INVALID, f"{value[:100]!r} {exc}", field=f"storefrontOrigins.{i}"
            ) from None
    return list(dict.fromkeys(origins))


async def update_store_settings(
    uow: UnitOfWork, data: StoreSettingsInput, *, allow_local_origins: bool = False
) -> Store:
    """Change the store's settings; `allow_local_origins` admits http://localhost and http://127.0.0.1
    storefront origins (development and test deployments)."""
    store = await current_store(uow)
    origins = (
        None
        if data.storefront_origins is None
        else _origins(data.storefront_origins, allow_local=allow_local_origins)
    )
    currencies = data.currencies if data.currencies is not None else store.currencies
    default_currency = data.default_currency or store.default_currency
    locales = data.locales if data.locales is not None else store.locales
    default_locale = data.default_locale or store.default_locale
    for code in [*currencies, default_currency]:
        if not _CURRENCY.fullmatch(code):
            raise DomainError(StoreErrorCode.INVALID, f"{code!r} is not an ISO 4217 code", field="currencies")
    if default_currency not in currencies:
        raise DomainError(
            StoreErrorCode.UNSUPPORTED_CURRENCY, "default currency must be supported", field="defaultCurrency"
        )
    for code in [*locales, default_locale]:
        if not _LOCALE.fullmatch(code):
            raise DomainError(StoreErrorCode.INVALID, f"{code!r} is not a locale code", field="locales")
    if default_locale not in locales:
        raise DomainError(
            StoreErrorCode.UNSUPPORTED_LOCALE, "default locale must be supported", field="defaultLocale"
        )
    if data.timezone is not None:
        try:
            ZoneInfo(data.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainError(
                StoreErrorCode.UNKNOWN_TIMEZONE, "unknown time zone", field="timezone"
            ) from None
        store.timezone = data.timezone
    if data.name is not None:
        store.name = data.name.strip()
    if origins is not None:
        store.storefront_origins = origins
    store.currencies, store.default_currency = list(dict.fromkeys(currencies)), default_currency
    store.locales, store.default_locale = list(dict.fromkeys(locales)), default_locale
    await uow.session.flush()
    uow.emit("store.updated", {"id": str(store.id)})
    return store
