"""Error codes of payments and refunds."""

import enum


class PaymentErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PROVIDER_NOT_CONFIGURED = "PROVIDER_NOT_CONFIGURED"
    # The provider did not answer in time, answered 5xx or could not be reached: nothing is known, retry.
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    # The provider answered and said no (a business failure code).
    PROVIDER_DECLINED = "PROVIDER_DECLINED"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    CALLBACK_REPLAYED = "CALLBACK_REPLAYED"
    REFUND_EXCEEDS_CAPTURED = "REFUND_EXCEEDS_CAPTURED"
    REFUND_NOT_SUPPORTED = "REFUND_NOT_SUPPORTED"
    # The provider's protocol has no such operation (capture or void of an authorization).
    NOT_SUPPORTED = "NOT_SUPPORTED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_PROGRESS = "IDEMPOTENCY_KEY_IN_PROGRESS"
    INVALID_IDEMPOTENCY_KEY = "INVALID_IDEMPOTENCY_KEY"
