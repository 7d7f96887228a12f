"""Error codes of courier, fulfillment and return mutations."""

import enum


class FulfillmentErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    # The store has no active account with this courier.
    COURIER_NOT_CONFIGURED = "COURIER_NOT_CONFIGURED"
    # The courier refused the request (validation, unknown consignment, wrong state).
    COURIER_REJECTED = "COURIER_REJECTED"
    # The courier did not answer usefully: timeout, connection failure, 5xx, bad credentials.
    COURIER_UNAVAILABLE = "COURIER_UNAVAILABLE"
    # The courier's API has no such operation (Pathao and Steadfast publish no cancel call).
    COURIER_UNSUPPORTED = "COURIER_UNSUPPORTED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    QUANTITY_EXCEEDED = "QUANTITY_EXCEEDED"
    # The order has no captured payment to refund from.
    NOT_REFUNDABLE = "NOT_REFUNDABLE"
    # A storefront return request without a customer session (X-Customer-Token).
    SIGN_IN_REQUIRED = "SIGN_IN_REQUIRED"
