"""Turning execution errors into what a client sees: expected codes kept, anything unexpected masked."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from domain.errors import DomainError

log = logging.getLogger("stormcom.errors")


def present(error: GraphQLError, request_id: str) -> dict[str, Any]:
    original = error.original_error
    formatted: dict[str, Any] = dict(error.formatted)
    if original is None or isinstance(original, GraphQLError):
        # Every error a client sees carries a code; one raised by graphql-core while coercing a value
        # (a malformed ID, a wrong enum) has none of its own.
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", "BAD_USER_INPUT")
        formatted["extensions"] = extensions
        return formatted
    if isinstance(original, DomainError):
        formatted["extensions"] = {
            "code": original.code,
            **({"field": original.field} if original.field else {}),
        }
        formatted["message"] = original.message
        return formatted
    log.error(
        "unexpected error in resolver",
        exc_info=(type(original), original, original.__traceback__),
        extra={"path": error.path},
    )
    return {
        "message": "Internal server error",
        "locations": formatted.get("locations"),
        "path": formatted.get("path"),
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extra}}]}
