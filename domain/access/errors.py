"""Error codes of token and role mutations."""

import enum


class AccessErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    UNKNOWN_PERMISSION = "UNKNOWN_PERMISSION"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    SCOPE_NOT_GRANTABLE = "SCOPE_NOT_GRANTABLE"
