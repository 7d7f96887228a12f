"""Validated input of webhook mutations. Field-specific codes (URL, event type, header) come from
`check_*`, which services call after pydantic has checked types, lengths and ranges."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from domain.errors import DomainError
from domain.text import Text
from domain.webhooks.errors import WebhookErrorCode

# `order.created`, `order.*`, `*`: lowercase words joined by dots, optionally ending in a wildcard.
_TYPE = re.compile(r"^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
# Set by the sender; a custom header cannot replace them.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-type",
        "content-length",
        "user-agent",
        "x-request-id",
        "connection",
        "transfer-encoding",
    }
)
MAX_HEADERS = 20


class SubscriptionFields(BaseModel):
    name: Text | None = Field(default=None, min_length=1, max_length=100)
    url: Text | None = Field(default=None, max_length=2000)
    event_types: list[Text] | None = Field(default=None, min_length=1, max_length=50)
    headers: dict[str, Text] | None = None
    active: bool | None = None
    rate_limit_per_second: int | None = Field(default=None, ge=1, le=1000)
    max_concurrency: int | None = Field(default=None, ge=1, le=50)


class SubscriptionCreateInput(SubscriptionFields):
    name: Text = Field(min_length=1, max_length=100)
    url: Text = Field(max_length=2000)
    event_types: list[Text] = Field(min_length=1, max_length=50)
    headers: dict[str, Text] = Field(default_factory=dict)
    active: bool = True
    rate_limit_per_second: int = Field(default=50, ge=1, le=1000)
    max_concurrency: int = Field(default=4, ge=1, le=50)
    app_token_id: uuid.UUID | None = None


class SettingsInput(BaseModel):
    # From an hour to 30 days.
    disable_after_seconds: int = Field(ge=3600, le=30 * 24 * 3600)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(WebhookErrorCode.INVALID_URL, "an http or https URL with a host", field="url")
    if parts.username or parts.password:
        raise DomainError(WebhookErrorCode.INVALID_URL, "credentials go in headers, not the URL", field="url")
    if parts.fragment:
        raise DomainError(WebhookErrorCode.INVALID_URL, "a URL without a fragment", field="url")
    return url.strip()


def check_event_types(types: list[str]) -> list[str]:
    for i, raw in enumerate(types):
        if not _TYPE.match(raw):
            raise DomainError(
                WebhookErrorCode.INVALID_EVENT_TYPE,
                f"{raw!r} is not an event type (`order.created`), a prefix (`order.*`) or `*`",
                field=f"eventTypes.{i}",
            )
    return sorted(set(types))


def check_headers(headers: dict[str, str]) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        raise DomainError(WebhookErrorCode.INVALID_HEADER, f"at most {MAX_HEADERS} headers", field="headers")
    out: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if not _HEADER_NAME.match(name):
            raise DomainError(
                WebhookErrorCode.INVALID_HEADER, f"{name!r} is not a header name", field="headers"
            )
        if lowered in RESERVED_HEADERS or lowered.startswith("webhook-"):
            raise DomainError(
                WebhookErrorCode.INVALID_HEADER, f"{name} is set by the sender", field="headers"
            )
        if any(c in value for c in "\r\n") or len(value) > 1000:
            raise DomainError(
                WebhookErrorCode.INVALID_HEADER, f"the value of {name} is not a header value", field="headers"
            )
        out[lowered] = value
    return out


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether an event type is among the patterns: exact, `prefix.*` (any depth below) or `*`."""
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False
