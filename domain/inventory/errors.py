"""Error codes of stock adjustments, reservations and inventory settings."""

import enum


class InventoryErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    NEGATIVE_STOCK = "NEGATIVE_STOCK"
    INVALID_QUANTITY = "INVALID_QUANTITY"
