"""Validated input of courier account mutations."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from domain.errors import DomainError, DomainErrors
from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.text import Text

# The keys each courier's credentials need, and the optional ones.
CREDENTIAL_KEYS: dict[CourierProvider, tuple[str, ...]] = {
    CourierProvider.PATHAO: ("client_id", "client_secret", "username", "password", "store_id"),
    CourierProvider.STEADFAST: ("api_key", "secret_key"),
    CourierProvider.REDX: ("access_token",),
}
OPTIONAL_KEYS: dict[CourierProvider, tuple[str, ...]] = {
    CourierProvider.PATHAO: (),
    CourierProvider.STEADFAST: (),
    CourierProvider.REDX: ("pickup_store_id",),
}
# Live endpoints; a sandbox (or a test's fake) is chosen by giving `base_url`.
DEFAULT_BASE_URLS: dict[CourierProvider, str] = {
    CourierProvider.PATHAO: "https://api-hermes.pathao.com",
    CourierProvider.STEADFAST: "https://portal.packzy.com/api/v1",
    CourierProvider.REDX: "https://openapi.redx.com.bd/v1.0.0-beta",
}
# Numeric ids the couriers expect as integers.
NUMERIC_KEYS = frozenset({"store_id", "pickup_store_id"})


class CourierAccountInput(BaseModel):
    provider: CourierProvider
    credentials: dict[Text, Text] = Field(max_length=20)
    base_url: Text | None = Field(default=None, max_length=500)
    # The secret couriers' webhooks must present; generated (and shown once) when not given.
    webhook_secret: Text | None = Field(default=None, min_length=16, max_length=200)
    active: bool = True


def check_base_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.fragment:
        raise DomainError(FulfillmentErrorCode.INVALID, "an http or https URL with a host", field="baseUrl")
    return url.strip().rstrip("/")


def check_credentials(provider: CourierProvider, credentials: dict[str, str]) -> dict[str, str]:
    required = CREDENTIAL_KEYS[provider]
    allowed = set(required) | set(OPTIONAL_KEYS[provider])
    errors: list[DomainError] = []
    for key in required:
        if not credentials.get(key, "").strip():
            errors.append(
                DomainError(
                    FulfillmentErrorCode.REQUIRED, f"{provider} needs {key}", field=f"credentials.{key}"
                )
            )
    for key, value in credentials.items():
        if key not in allowed:
            errors.append(
                DomainError(
                    FulfillmentErrorCode.INVALID,
                    f"{provider} takes only {', '.join(sorted(allowed))}",
                    field=f"credentials.{key}",
                )
            )
        elif key in NUMERIC_KEYS and value.strip() and not value.strip().isdigit():
            errors.append(
                DomainError(FulfillmentErrorCode.INVALID, f"{key} is a number", field=f"credentials.{key}")
            )
        elif len(value) > 2000:
            errors.append(DomainError(FulfillmentErrorCode.INVALID, "too long", field=f"credentials.{key}"))
    if errors:
        raise DomainErrors(errors)
    return {k: v.strip() for k, v in credentials.items() if v.strip()}
