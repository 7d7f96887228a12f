"""A generic card gateway with a hosted payment page and HMAC-SHA256 signatures both ways.

Requests: JSON bodies signed in `X-Signature` (hex HMAC of the raw body with the shared secret). The
browser's return carries `signature`: hex HMAC of the other parameters sorted by name and joined as
`k=v&k=v`. It is signed by the gateway, so it is verified rather than queried; the signed amount and
currency are still checked against the attempt by the callback service."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from domain.money import Money
from domain.payments.models import PaymentStatus
from domain.payments.ports import (
    AttemptRef,
    Confirmation,
    RefundDone,
    RefundLookup,
    RefundRef,
    RefundState,
    Started,
    StartRequest,
    declined,
    not_supported,
    rejected,
)
from domain.payments.transport import json_of, send

STATUSES = {
    "succeeded": PaymentStatus.CAPTURED,
    "authorized": PaymentStatus.AUTHORIZED,
    "failed": PaymentStatus.FAILED,
    "cancelled": PaymentStatus.CANCELLED,
}


@dataclass(frozen=True)
class CardConfig:
    base_url: str
    merchant_id: str
    secret: str

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> CardConfig:
        return cls(**{k: str(config[k]) for k in ("base_url", "merchant_id", "secret")})


def canonical(params: Mapping[str, str]) -> str:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")


def hmac_hex(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


class CardProvider:
    refunds = True

    def __init__(self, config: CardConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    async def _post(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(payload, separators=(",", ":")).encode()
        response = await send(
            self.client,
            "POST",
            f"{self.config.base_url}{path}",
            content=body,
            headers={"content-type": "application/json", "x-signature": hmac_hex(self.config.secret, body)},
        )
        return response.status_code, json_of(response)

    async def start(self, request: StartRequest) -> Started:
        status, body = await self._post(
            "/v1/sessions",
            {
                "merchant_id": self.config.merchant_id,
                "reference": request.invoice,
                "amount": request.amount.amount,
                "currency": request.amount.currency,
                "return_url": request.callback_url,
                "customer_email": request.customer_email,
            },
        )
        if status != 201 or not body.get("session_id") or not body.get("redirect_url"):
            raise declined(f"card session: {body.get('message') or status}", str(body.get("error") or status))
        return Started(reference=str(body["session_id"]), redirect_url=str(body["redirect_url"]))

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        return f"{params.get('session_id', '')}:{params.get('status', '')}"

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        expected = hmac_hex(self.config.secret, canonical(params).encode())
        if not hmac.compare_digest(expected, params.get("signature", "")):
            raise rejected("the card callback signature does not match")
        if params.get("session_id") != attempt.reference or params.get("reference") != attempt.invoice:
            raise rejected("the callback names another card payment")
        target = STATUSES.get(params.get("status", ""))
        if target is None:
            raise rejected(f"unknown card payment status {params.get('status')!r}")
        paid = None
        if target in (PaymentStatus.CAPTURED, PaymentStatus.AUTHORIZED):
            try:
                paid = Money(int(params.get("amount", "")), params.get("currency", ""))
            except (TypeError, ValueError):
                raise rejected("the card callback has an unreadable amount") from None
        return Confirmation(
            target,
            paid,
            attempt.reference,
            params.get("transaction_id") or None,
            failure_code=params.get("error_code") or None,
            message=params.get("message", ""),
        )

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        status, body = await self._post(
            "/v1/refunds",
            {
                "merchant_id": self.config.merchant_id,
                "session_id": attempt.reference,
                "amount": amount.amount,
                "currency": amount.currency,
                # The gateway answers a repeated refund_reference with the first refund: safe to retry.
                "refund_reference": refund_id.hex,
                "reason": reason,
            },
        )
        if status not in (200, 201) or body.get("status") != "succeeded":
            raise declined(f"card refund: {body.get('message') or status}", str(body.get("error") or status))
        return RefundDone(provider_refund_id=str(body.get("refund_id") or "") or None)

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        """The gateway answers a repeated refund_reference with the first refund: sending it again is
        the lookup, and cannot refund twice."""
        done = await self.refund(attempt, refund.amount, refund.id, refund.reason)
        return RefundLookup(RefundState.DONE, done.provider_refund_id)

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        return None  # no lookup API: only the signed return settles a card payment

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("The card gateway has no capture of an authorization")

    async def void(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("The card gateway has no void of an authorization")
