"""Error codes of shipping zone and method mutations."""

import enum


class ShippingErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    INVALID_REGION = "INVALID_REGION"
    INVALID_BRACKETS = "INVALID_BRACKETS"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
