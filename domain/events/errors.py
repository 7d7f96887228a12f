"""Error codes of event grant mutations and of event subscriptions."""

import enum


class EventErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_PATTERN = "INVALID_PATTERN"
    # Storefront tokens are public: they can never be granted events.
    NOT_GRANTABLE = "NOT_GRANTABLE"
