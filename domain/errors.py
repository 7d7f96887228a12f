"""The one exception type domain services raise for expected failures; resolvers map it into payloads."""

from __future__ import annotations

import enum


class DomainError(Exception):
    """An expected failure: the mutation answers it in its payload and changes nothing."""

    def __init__(self, code: enum.Enum | str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code.value if isinstance(code, enum.Enum) else code
        self.message = message
        self.field = field


class DomainErrors(Exception):
    """Several field errors at once (input validation)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class CommonErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    FORBIDDEN = "FORBIDDEN"
