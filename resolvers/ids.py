"""Relay global ids: base64("<TypeName>:<uuid>"), decoded without trusting the caller."""

from __future__ import annotations

import base64
import binascii
import uuid

from domain.errors import CommonErrorCode, DomainError


def encode_global_id(type_name: str, value: uuid.UUID) -> str:
    return base64.b64encode(f"{type_name}:{value}".encode()).decode()


def decode_global_id(global_id: str, type_name: str) -> uuid.UUID | None:
    """The uuid inside a global id of the given type, or None if it is malformed or of another type."""
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
        kind, _, raw = decoded.partition(":")
        if kind != type_name:
            return None
        return uuid.UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def require_id(global_id: str, type_name: str, *, field: str) -> uuid.UUID:
    """Decode or fail with a payload error on `field` (an id of another type is treated as not found)."""
    value = decode_global_id(global_id, type_name)
    if value is None:
        raise DomainError(CommonErrorCode.NOT_FOUND, f"no {type_name} with this id", field=field)
    return value
