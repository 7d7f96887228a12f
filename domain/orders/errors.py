"""Error codes of order placement and order mutations."""

import enum


class OrderErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    EMPTY_ORDER = "EMPTY_ORDER"
    TOTALS_MISMATCH = "TOTALS_MISMATCH"
    ALREADY_PLACED = "ALREADY_PLACED"
