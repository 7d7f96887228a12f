"""Error codes of webhook mutations."""

import enum


class WebhookErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_URL = "INVALID_URL"
    INVALID_EVENT_TYPE = "INVALID_EVENT_TYPE"
    INVALID_HEADER = "INVALID_HEADER"
    NOT_REPLAYABLE = "NOT_REPLAYABLE"
