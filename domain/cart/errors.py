"""Error codes of cart, shipping and checkout-draft operations, and the kinds of problem a cart line has."""

import enum


class CartErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    CART_NOT_FOUND = "CART_NOT_FOUND"
    CART_NOT_ACTIVE = "CART_NOT_ACTIVE"
    VARIANT_NOT_FOUND = "VARIANT_NOT_FOUND"
    NOT_FOR_SALE = "NOT_FOR_SALE"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    TOO_MANY_LINES = "TOO_MANY_LINES"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    CODE_NOT_FOUND = "CODE_NOT_FOUND"
    INVALID_ADDRESS = "INVALID_ADDRESS"
    INVALID_PHONE = "INVALID_PHONE"
    EMPTY_CART = "EMPTY_CART"
    CONTACT_REQUIRED = "CONTACT_REQUIRED"
    SHIPPING_ADDRESS_REQUIRED = "SHIPPING_ADDRESS_REQUIRED"
    SHIPPING_METHOD_REQUIRED = "SHIPPING_METHOD_REQUIRED"
    SHIPPING_METHOD_UNAVAILABLE = "SHIPPING_METHOD_UNAVAILABLE"
    LINE_PROBLEMS = "LINE_PROBLEMS"


class ProblemKind(enum.StrEnum):
    """Why a line cannot be bought as it stands; checkout refuses a cart with any."""

    UNAVAILABLE = "UNAVAILABLE"  # the variant or its product is gone or not on sale
    NO_PRICE = "NO_PRICE"  # no price in the cart's currency
    OUT_OF_STOCK = "OUT_OF_STOCK"  # nothing left
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"  # fewer units left than the line wants
    PRICE_CHANGED = "PRICE_CHANGED"  # the unit price differs from the one shown when added
