"""What couriers POST to us: who may send it, and what it says.

Each courier proves itself differently (PROVIDERS.md):
- Pathao: header `X-PATHAO-Signature` equal to the merchant's webhook secret; the one-off integration
  request `{"event": "webhook_integration"}` must be answered 202 with Pathao's fixed integration header.
- Steadfast: `Authorization: Bearer <the merchant's token>`.
- RedX: unsigned; the secret travels in the callback URL's query string (`?token=`).
Secrets are compared in constant time. A report becomes a `TrackingUpdate` with a dedupe key built from
what identifies the report itself (consignment, status, the courier's own time), never from when it was
sent, so a courier's retry of one report is recognised as the same report.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from domain.fulfillment.couriers.base import CourierProvider, parse_money
from domain.fulfillment.couriers.statuses import (
    TrackingStatus,
    pathao_status,
    redx_status,
    steadfast_status,
)
from domain.money import Money

PATHAO_INTEGRATION_HEADER = "X-Pathao-Merchant-Webhook-Integration-Secret"
PATHAO_INTEGRATION_SECRET = "f3992ecc-59da-4cbe-a049-a13da2018d51"
# Couriers write local times without a zone: Bangladesh Standard Time, UTC+6, no daylight saving.
DHAKA = timezone(timedelta(hours=6))
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class WebhookRequest:
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes


class WebhookRejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Handshake:
    """Pathao's integration check: no report, just the reply it wants."""


@dataclass(frozen=True)
class TrackingUpdate:
    provider: CourierProvider
    consignment_id: str
    reference: str | None
    status: TrackingStatus
    raw_status: str
    message: str
    occurred_at: datetime | None
    collected: Money | None
    delivery_fee: Money | None
    dedupe_key: str
    payload: dict[str, Any] = field(default_factory=dict)


def _same(given: str | None, secret: str) -> bool:
    return given is not None and bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def verify(provider: CourierProvider, secret: str, request: WebhookRequest, *, handshake: bool) -> None:
    """Raise WebhookRejected(401) unless the request carries the account's secret the provider's way.

    Pathao's integration handshake changes nothing and reveals only Pathao's public constant, so it is
    answered without a signature (Pathao's check may not send one) — but never with a wrong one."""
    if provider is CourierProvider.PATHAO:
        given = request.headers.get("x-pathao-signature")
        if handshake and given is None:
            return
        ok = _same(given, secret)
    elif provider is CourierProvider.STEADFAST:
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        ok = scheme.lower() == "bearer" and _same(token.strip(), secret)
    else:
        ok = _same(request.query.get("token"), secret)
    if not ok:
        raise WebhookRejected(401, "the webhook does not carry this store's secret for the courier")


def _json(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise WebhookRejected(413, "the body is too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected(400, "the body is not JSON") from exc
    if not isinstance(data, dict):
        raise WebhookRejected(400, "the body is not a JSON object")
    return data


def is_handshake(provider: CourierProvider, body: bytes) -> bool:
    if provider is not CourierProvider.PATHAO:
        return False
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get("event") == "webhook_integration"


def _text(data: Mapping[str, Any], key: str, limit: int = 100) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text[:limit] if text else None


def _time(raw: Any) -> datetime | None:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        seconds = raw / 1000 if raw > 10**11 else raw
        return datetime.fromtimestamp(seconds, tz=UTC)
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=DHAKA)


def _key(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()


def _require(value: str | None, name: str) -> str:
    if not value:
        raise WebhookRejected(400, f"the report has no {name}")
    return value


def parse(provider: CourierProvider, body: bytes, currency: str) -> Handshake | TrackingUpdate:
    data = _json(body)
    if provider is CourierProvider.PATHAO:
        if data.get("event") == "webhook_integration":
            return Handshake()
        event = _require(_text(data, "event"), "event")
        consignment = _require(_text(data, "consignment_id"), "consignment_id")
        when = _text(data, "updated_at") or _text(data, "timestamp")
        status = pathao_status(event)
        return TrackingUpdate(
            provider=provider,
            consignment_id=consignment,
            reference=_text(data, "merchant_order_id"),
            status=status,
            raw_status=event,
            message=_text(data, "reason", 1000) or "",
            occurred_at=_time(data.get("updated_at")) or _time(data.get("timestamp")),
            collected=parse_money(data.get("collected_amount"), currency) if status.collects_cash else None,
            delivery_fee=parse_money(data.get("delivery_fee"), currency),
            dedupe_key=_key(consignment, event, when),
            payload=data,
        )
    if provider is CourierProvider.STEADFAST:
        kind = _text(data, "notification_type") or "delivery_status"
        consignment = _require(_text(data, "consignment_id"), "consignment_id")
        message = _text(data, "tracking_message", 1000) or ""
        if kind == "tracking_update":
            # A progress note without a status word: kept on the timeline, status unchanged (UNKNOWN).
            raw = "tracking_update"
            status = TrackingStatus.UNKNOWN
        else:
            raw = _require(_text(data, "status"), "status")
            status = steadfast_status(raw)
        when = _text(data, "updated_at")
        return TrackingUpdate(
            provider=provider,
            consignment_id=consignment,
            reference=_text(data, "invoice"),
            status=status,
            raw_status=raw.lower(),
            message=message,
            occurred_at=_time(data.get("updated_at")),
            collected=parse_money(data.get("cod_amount"), currency) if status.collects_cash else None,
            delivery_fee=parse_money(data.get("delivery_charge"), currency),
            dedupe_key=_key(consignment, kind, raw.lower(), when, message if not when else None),
            payload=data,
        )
    consignment = _require(_text(data, "tracking_number"), "tracking_number")
    raw = _require(_text(data, "status"), "status")
    when = _text(data, "timestamp")
    return TrackingUpdate(
        provider=provider,
        consignment_id=consignment,
        reference=_text(data, "invoice_number"),
        status=redx_status(raw),
        raw_status=raw,
        message=_text(data, "message_en", 1000) or "",
        occurred_at=_time(data.get("timestamp")),
        # RedX's webhook carries no amount; its collected cash is reconciled as the amount booked.
        collected=None,
        delivery_fee=None,
        dedupe_key=_key(consignment, raw, when),
        payload=data,
    )
