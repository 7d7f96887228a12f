"""Request id, one JSON access-log line and HTTP metrics for every request (pure ASGI, no buffering)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logging import request_id_var
from gateway.metrics import Metrics

log = logging.getLogger("stormcom.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
_KNOWN_PATHS = {"/graphql", "/healthz", "/readyz", "/metrics"}


def incoming_request_id(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"x-request-id":
            return request_id_from(value)
    return uuid.uuid4().hex


def request_id_from(header: bytes | None) -> str:
    """The client's X-Request-ID when it is a sensible id, else a new one."""
    if header is not None:
        candidate = header.decode("latin-1")
        if _VALID_ID.match(candidate):
            return candidate
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            elif message["type"] == "websocket.accept":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = scope["path"] if scope["path"] in _KNOWN_PATHS else "other"
            if scope["type"] == "http":
                self.metrics.http_requests.labels(scope["method"], path, str(status)).inc()
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    },
                )
            request_id_var.reset(token)
