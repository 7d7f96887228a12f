"""Records every mutation in the audit log: declared once, on the Mutation type, not per resolver.

Before the resolver runs it leaves an AuditDraft in the context; a unit of work that commits writes the
entry in the same transaction as the change. A mutation that changed nothing (payload errors, a denied
permission, a fault) is recorded afterwards in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension

from domain.access.models import TokenKind
from domain.uow import AuditDraft
from resolvers.audit.queries import record_unwritten
from resolvers.context import Context

# Custom webhook headers usually carry credentials (an API key for the receiver).
_SECRET_WORDS = ("password", "secret", "token", "headers")
_MAX_STRING = 200


def summarize(value: Any, key: str = "") -> Any:
    if value is not None and any(word in key.lower() for word in _SECRET_WORDS):
        return "[redacted]"  # the whole value, however nested: a secret's shape is a secret too
    if isinstance(value, dict):
        return {k: summarize(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [summarize(v, key) for v in value[:50]]
    # Before the strawberry check: a strawberry enum's members see the class's definition, and vars()
    # of a member reaches the class itself, so that branch would recurse forever.
    if isinstance(value, Enum):
        return summarize(value.value, key)
    if hasattr(value, "__strawberry_definition__"):
        return summarize({k: v for k, v in vars(value).items() if v is not None}, key)
    if isinstance(value, str):
        # PostgreSQL's jsonb cannot hold U+0000; the summary keeps the attempt visible without it.
        return value[:_MAX_STRING].replace("\x00", "\ufffd")
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:_MAX_STRING]


class AuditExtension(FieldExtension):
    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: strawberry.Info[Context, None],
        **kwargs: Any,
    ) -> Any:
        ctx = info.context
        if ctx.principal.kind is TokenKind.STOREFRONT:
            return await next_(source, info, **kwargs)
        draft = AuditDraft(
            actor=ctx.principal.actor,
            operation=info.field_name,
            input_summary=summarize(kwargs),
            request_id=ctx.request_id,
        )
        ctx.audit = draft
        try:
            result = await next_(source, info, **kwargs)
        except Exception as exc:
            if not draft.written:
                code = _code_of(exc)
                result = "denied" if code in ("FORBIDDEN", "UNAUTHENTICATED") else "failed"
                await record_unwritten(ctx, draft, result=result, codes=[code])
            raise
        finally:
            ctx.audit = None
        if not draft.written:
            codes = [
                str(e.code.value if hasattr(e.code, "value") else e.code)
                for e in getattr(result, "errors", [])
            ]
            await record_unwritten(ctx, draft, result="rejected", codes=codes)
        return result


def _code_of(exc: Exception) -> str:
    extensions = getattr(exc, "extensions", None) or {}
    return str(extensions.get("code", "INTERNAL_SERVER_ERROR"))
