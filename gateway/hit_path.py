"""The hit path: persisted storefront queries whose answer is in the in-process tier, answered straight from
the raw ASGI scope, in front of the middleware stack.

A memory hit needs no database, no Redis and no execution, so what is left is per-request overhead: through
Starlette's stack (middleware, routing, `Request`, `Response`, header wrappers, label look-ups) it cost
~51 µs of Python per hit against ~8 µs for a bare route answering the same bytes (bench/hit_path.py,
run by `python -m bench --suite storefront --pairs N`); this path takes ~8 µs. It does only what the
contract asks of a hit:
- the token is checked: its principal must be in the principal cache (gateway/cache/principals.py: a
  revocation evicts it in every process through the purge channel, and an entry lives at most its TTL);
- the document is looked up by id, in either shape, over POST or GET, with the same parsing and checks as
  gateway/graphql_http.py (the same functions), and must be a query the process already holds;
- the cache key is the same `cache_key` over the same inputs (document, operation, variables, locale,
  currency, media type, the `ResponseCache.vary` hooks);
- the answer carries the same bytes and headers, `X-Cache: HIT-MEMORY` and `X-Request-ID`, and counts in
  the same metrics (and in the access log when INFO is on) as the full stack would.

How a request becomes a key depends only on the request's bytes and the principal's store, so it is
remembered: keyed by the store, the method, the body (or query string) and the headers the key reads. A
repeated request then costs a tuple, a dict look-up and the memory tier's. Anything else (no cached
principal, an admin or partner token, an unknown or uncached id, a mutation, a malformed request, a
memory miss, the purge subscription down) falls through to the full stack with the body replayed, and
gets exactly the answer it got before. See docs/adr/0011-hit-path.md.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from graphql import OperationType
from prometheus_client import Counter, Histogram
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.access.models import TokenKind
from domain.access.principal import Principal
from gateway.auth import bearer
from gateway.cache.response_cache import HIT_MEMORY, CacheKey, cache_key
from gateway.graphql_http import (
    HTTPFailure,
    check_content_type,
    negotiate,
    params_from_body,
    params_from_query,
    persisted_id,
    requested_currency,
    requested_locale,
)
from gateway.logging import request_id_var
from gateway.middleware import log as access_log
from gateway.middleware import request_id_from
from gateway.state import GatewayState

log = logging.getLogger(__name__)

PATH = "/graphql"
# Requests remembered as keys; past this the memory starts again (a flood of distinct bodies costs what it
# did without it, never unbounded memory).
REMEMBERED = 4096
# A persisted request is a few hundred bytes; a larger body is left to the full stack as it is.
BODY_LIMIT = 16 * 1024
_X_CACHE = (b"x-cache", HIT_MEMORY.encode())
_STOREFRONT = TokenKind.STOREFRONT.value


@dataclass(frozen=True, slots=True)
class _Resolved:
    """What a request resolves to: its cache key and the metric children of its operation."""

    key: CacheKey
    store_id: uuid.UUID
    digest: str
    requests: Counter  # the operation's stormcom_graphql_requests child (kind storefront, outcome ok)
    latency: Histogram  # its stormcom_graphql_request_seconds child


class HitPath:
    """Answers in-process hits (see the module docstring); `answered` counts them."""

    def __init__(self, state: GatewayState, *, remembered: int = REMEMBERED) -> None:
        self.state = state
        self.cache = state.cache
        self.principals = state.principals
        self.registry = state.registry
        self.remembered = remembered
        self.answered = 0
        self._resolved: dict[tuple[Any, ...], _Resolved] = {}
        metrics = state.metrics
        self._document_hits: Counter = metrics.persisted_documents.labels("hit")
        self._memory_hits: Counter = metrics.response_cache.labels("memory", "hit")
        self._http_ok = {m: metrics.http_requests.labels(m, PATH, "200") for m in ("GET", "POST")}

    def __len__(self) -> int:
        """Requests remembered as keys."""
        return len(self._resolved)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answer the request and return None, or return the `receive` the full stack must use (the body
        this read is handed on)."""
        method = scope["method"]
        if method == "POST":
            messages, body = await _read_body(receive)
            if body is not None and await self._answer(scope, method, body, send):
                return None
            return _Replay(messages, receive)
        query = scope["query_string"]
        if method == "GET" and query and await self._answer(scope, method, query, send):
            return None
        return receive

    async def _answer(self, scope: Scope, method: str, source: bytes, send: Send) -> bool:
        started = time.perf_counter()
        cache = self.cache
        if not cache.subscribed:
            return False
        # The first of repeated headers, as Starlette's `Headers.get` takes it.
        headers: dict[bytes, bytes] = dict(reversed(scope["headers"]))
        authorization = headers.get(b"authorization")
        if authorization is None:
            return False
        token = bearer(authorization.decode("latin-1"))
        if token is None or len(token) > 200:
            return False
        principal = self.principals.get(token)
        if principal is None or principal.kind is not TokenKind.STOREFRONT:
            return False
        # A signed-in shopper's answers are not shared (gateway/graphql_http.py bypasses the cache for them).
        if headers.get(b"x-customer-token"):
            return False
        try:
            resolved = self._resolve(scope, method, source, headers, principal)
        except Exception:
            # A fault here must not fail a request the full stack can answer.
            log.exception("hit path: resolving the request failed; falling through")
            return False
        if resolved is None or self.registry.held(resolved.store_id, resolved.digest) is None:
            return False
        entry = cache.memory.get(resolved.key.local)
        if entry is None:
            return False
        self._memory_hits.inc()
        self._document_hits.inc()
        resolved.requests.inc()
        status = entry.status
        if status == 200:
            self._http_ok[method].inc()
        else:
            self.state.metrics.http_requests.labels(method, PATH, str(status)).inc()
        resolved.latency.observe(time.perf_counter() - started)
        request_id = request_id_from(headers.get(b"x-request-id"))
        self.answered += 1
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*entry.raw_headers, _X_CACHE, (b"x-request-id", request_id.encode("latin-1"))],
            }
        )
        await send({"type": "http.response.body", "body": entry.body})
        if access_log.isEnabledFor(logging.INFO):
            reset = request_id_var.set(request_id)
            access_log.info(
                "request",
                extra={
                    "method": method,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                },
            )
            request_id_var.reset(reset)
        return True

    def _resolve(
        self, scope: Scope, method: str, source: bytes, headers: dict[bytes, bytes], principal: Principal
    ) -> _Resolved | None:
        """The request's key, remembered; None when the full stack must answer it."""
        vary = self.cache.vary
        remember = (
            principal.store_id,
            method,
            source,
            headers.get(b"content-type"),
            headers.get(b"accept"),
            headers.get(b"accept-language"),
            headers.get(b"x-currency"),
        )
        if not vary:
            found = self._resolved.get(remember)
            if found is not None:
                return found
        resolved = self._work_out(scope, method, source, headers, principal)
        # With `vary` hooks the key depends on more than these bytes: work it out every time.
        if resolved is not None and not vary:
            if len(self._resolved) >= self.remembered:
                self._resolved.clear()
            self._resolved[remember] = resolved
        return resolved

    def _work_out(
        self, scope: Scope, method: str, source: bytes, headers: dict[bytes, bytes], principal: Principal
    ) -> _Resolved | None:
        try:
            if method == "GET":
                params = params_from_query(QueryParams(source))
            else:
                check_content_type(_text(headers.get(b"content-type")))
                params = params_from_body(source)
            digest = persisted_id(params)
        except HTTPFailure:
            return None
        if digest is None:
            return None
        if params.query is not None and hashlib.sha256(params.query.encode()).hexdigest() != digest:
            return None
        prepared = self.registry.held(principal.store_id, digest)
        if prepared is None:
            return None
        op = prepared.operation(params.operation_name)
        if op is None or op.operation is not OperationType.QUERY:
            return None
        media = negotiate(_text(headers.get(b"accept")))
        if media is None:
            return None
        operation = op.name.value if op.name else None
        key = cache_key(
            store_id=principal.store_id,
            document=digest,
            operation=operation,
            variables=params.variables,
            locale=requested_locale(_text(headers.get(b"accept-language"))),
            currency=requested_currency(_text(headers.get(b"x-currency"))),
            media=media,
            vary=[vary(Request(scope), principal) for vary in self.cache.vary],
        )
        label = operation or "anonymous"
        metrics = self.state.metrics
        return _Resolved(
            key,
            principal.store_id,
            digest,
            metrics.graphql_requests.labels(label, _STOREFRONT, "ok"),
            metrics.graphql_latency.labels(label, _STOREFRONT),
        )


class HitPathMiddleware:
    """Outermost of the gateway's middleware: /graphql goes to the hit path first."""

    def __init__(self, app: ASGIApp, hit_path: HitPath) -> None:
        self.app = app
        self.hit_path = hit_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and not scope.get("root_path"):
            passed = await self.hit_path(scope, receive, send)
            if passed is None:
                return
            receive = passed
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> tuple[list[Message], bytes | None]:
    """The messages read and the whole body; None for the body when it is not a plain request body of at
    most BODY_LIMIT bytes (the full stack then reads on from where this stopped)."""
    message = await receive()
    if message["type"] != "http.request":
        return [message], None
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        return [message], body if len(body) <= BODY_LIMIT else None  # uvicorn's way with a small body
    messages, chunks, size = [message], [body], len(body)
    while message.get("more_body", False):
        if size > BODY_LIMIT:
            return messages, None
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
    return messages, b"".join(chunks) if size <= BODY_LIMIT else None


class _Replay:
    """Hands the full stack the messages the hit path read, then the connection's own receive."""

    def __init__(self, messages: list[Message], receive: Receive) -> None:
        self.messages = messages
        self.receive = receive

    async def __call__(self) -> Message:
        if self.messages:
            return self.messages.pop(0)
        return await self.receive()


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
