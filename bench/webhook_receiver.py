"""The benchmark's webhook receiver: a bare ASGI app that checks each request's signature (HMAC-SHA256,
as a partner would) and notes when it arrived. `GET /receipts` answers what it noted; `POST` answers 204.

Run by `bench/webhooks.py` under uvicorn (uvloop, httptools) in its own process, so its CPU is not the
worker's. The secret comes in `BENCH_WEBHOOK_SECRET`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

_KEY = base64.b64decode(os.environ.get("BENCH_WEBHOOK_SECRET", "whsec_").removeprefix("whsec_") or "AA==")
# (webhook-id, occurred_at of the event as unix seconds, arrival as unix seconds, signature valid)
_receipts: list[tuple[str, float, float, bool]] = []


def _valid(headers: dict[bytes, bytes], body: bytes) -> bool:
    msg_id = headers.get(b"webhook-id", b"")
    stamp = headers.get(b"webhook-timestamp", b"")
    expected = base64.b64encode(hmac.new(_KEY, msg_id + b"." + stamp + b"." + body, hashlib.sha256).digest())
    offered = [s.partition(b",")[2] for s in headers.get(b"webhook-signature", b"").split(b" ")]
    return any(hmac.compare_digest(expected, s) for s in offered)


async def app(
    scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    arrived = time.time()
    if scope["method"] == "GET":
        payload = json.dumps(_receipts).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})
        return
    headers = dict(scope["headers"])
    from datetime import datetime

    occurred = datetime.fromisoformat(json.loads(body)["occurred_at"]).timestamp()
    _receipts.append((headers.get(b"webhook-id", b"").decode(), occurred, arrived, _valid(headers, body)))
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
