"""Error codes of the idempotency contract, with the HTTP status the gateway answers them with."""

import enum


class IdempotencyErrorCode(enum.StrEnum):
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_PROGRESS = "IDEMPOTENCY_KEY_IN_PROGRESS"
    INVALID_IDEMPOTENCY_KEY = "INVALID_IDEMPOTENCY_KEY"


HTTP_STATUS = {
    IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    IdempotencyErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS: 409,
    IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY: 400,
}
