"""Nagad online payment (API v-0.2.0): initialize (an encrypted, signed challenge), complete (the hosted
page), and verification of the unsigned browser callback by `GET /verify/payment/{ref}`.

Refunds are not offered: the only refund call seen (`/purchase/cancel`) is in one SDK and unconfirmed by
Nagad's documentation, and an adapter must not depend on an unconfirmed detail. Nagad refunds are made in
Nagad's merchant portal; `refunds = False` makes refundCreate answer REFUND_NOT_SUPPORTED."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from domain.money import Money, to_minor
from domain.payments.adapters import nagad_crypto as crypto
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
    unavailable,
)
from domain.payments.transport import json_of, send

DHAKA = ZoneInfo("Asia/Dhaka")
BDT = "050"  # ISO 4217 numeric
FINAL = {
    "Success": PaymentStatus.CAPTURED,
    "Aborted": PaymentStatus.CANCELLED,
    "Cancelled": PaymentStatus.CANCELLED,
}


@dataclass(frozen=True)
class NagadConfig:
    base_url: str
    merchant_id: str
    merchant_number: str
    merchant_private_key: str  # PEM
    nagad_public_key: str  # PEM
    client_ip: str = "127.0.0.1"  # X-KM-IP-V4: the address Nagad whitelisted for the merchant

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> NagadConfig:
        keys = ("base_url", "merchant_id", "merchant_number", "merchant_private_key", "nagad_public_key")
        extra = {"client_ip": str(config["client_ip"])} if "client_ip" in config else {}
        return cls(**{k: str(config[k]) for k in keys}, **extra)


def _now() -> datetime:
    return datetime.now(DHAKA)


class NagadProvider:
    refunds = False

    def __init__(
        self, config: NagadConfig, client: httpx.AsyncClient, clock: Callable[[], datetime] = _now
    ) -> None:
        self.config = config
        self.client = client
        self.clock = clock
        try:
            self.private = crypto.load_private(config.merchant_private_key)
            self.nagad = crypto.load_public(config.nagad_public_key)
        except ValueError as exc:
            raise declined(f"Nagad keys unusable: {exc}") from None

    def _headers(self) -> dict[str, str]:
        return {
            "x-km-api-version": "v-0.2.0",
            "x-km-ip-v4": self.config.client_ip,
            "x-km-client-type": "PC_WEB",
            "content-type": "application/json",
            "accept": "application/json",
        }

    def _sealed(self, data: dict[str, Any]) -> dict[str, str]:
        text = crypto.plaintext(data)
        return {
            "sensitiveData": crypto.encrypt(self.nagad, text),
            "signature": crypto.sign(self.private, text),
        }

    def _opened(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Decrypt a response's sensitiveData and check Nagad signed it."""
        try:
            text = crypto.decrypt(self.private, str(body.get("sensitiveData", "")))
        except ValueError:
            raise rejected("Nagad's sensitiveData does not decrypt with our key") from None
        if not crypto.verify(self.nagad, text, str(body.get("signature", ""))):
            raise rejected("Nagad's signature does not match")
        data = json.loads(text)
        if not isinstance(data, dict):
            raise rejected("Nagad's sensitiveData is not an object")
        return data

    async def start(self, request: StartRequest) -> Started:
        c = self.config
        stamp = self.clock().astimezone(DHAKA).strftime("%Y%m%d%H%M%S")
        order_id = request.invoice
        challenge = secrets.token_hex(20)
        response = await send(
            self.client,
            "POST",
            f"{c.base_url}/check-out/initialize/{c.merchant_id}/{order_id}",
            headers=self._headers(),
            json={
                "accountNumber": c.merchant_number,
                "dateTime": stamp,
                **self._sealed(
                    {
                        "merchantId": c.merchant_id,
                        "datetime": stamp,
                        "orderId": order_id,
                        "challenge": challenge,
                    }
                ),
            },
        )
        body = json_of(response)
        if response.status_code != 200 or "sensitiveData" not in body:
            raise declined(
                f"Nagad initialize: {body.get('message') or response.status_code}", body.get("reason")
            )
        opened = self._opened(body)
        reference = str(opened.get("paymentReferenceId") or "")
        if not reference or not opened.get("challenge"):
            raise unavailable("Nagad initialize answered without a payment reference")
        response = await send(
            self.client,
            "POST",
            f"{c.base_url}/check-out/complete/{reference}",
            headers=self._headers(),
            json={
                **self._sealed(
                    {
                        "merchantId": c.merchant_id,
                        "orderId": order_id,
                        "currencyCode": BDT,
                        "amount": f"{request.amount.major():.2f}",
                        "challenge": str(opened["challenge"]),
                    }
                ),
                "merchantCallbackURL": request.callback_url,
                "additionalMerchantInfo": {"attempt": str(request.attempt_id)},
            },
        )
        body = json_of(response)
        if response.status_code != 200 or body.get("status") != "Success" or not body.get("callBackUrl"):
            raise declined(f"Nagad complete: {body.get('message') or body.get('status')}", body.get("reason"))
        return Started(reference=reference, redirect_url=str(body["callBackUrl"]))

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        return f"{params.get('payment_ref_id', '')}:{params.get('status', '')}"

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        ref = params.get("payment_ref_id", "")
        if not attempt.reference or ref != attempt.reference or params.get("order_id") != attempt.invoice:
            raise rejected("the callback names another Nagad payment")
        return await self._verify(attempt, ref)

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        """The same verification a callback gets; without a payment reference nothing can be asked."""
        if not attempt.reference:
            return Confirmation(PaymentStatus.PENDING, None, None)
        return await self._verify(attempt, attempt.reference)

    async def _verify(self, attempt: AttemptRef, ref: str) -> Confirmation:
        response = await send(
            self.client, "GET", f"{self.config.base_url}/verify/payment/{ref}", headers=self._headers()
        )
        body = json_of(response)
        if response.status_code != 200:
            raise declined(f"Nagad verify: {body.get('message') or response.status_code}", body.get("reason"))
        if body.get("paymentRefId") != ref or body.get("orderId") != attempt.invoice:
            raise rejected("Nagad verified another payment")
        if body.get("merchantId") != self.config.merchant_id:
            raise rejected("Nagad verified a payment of another merchant")
        state = str(body.get("status", ""))
        target = FINAL.get(state)
        if target is PaymentStatus.CAPTURED:
            try:
                paid = Money(to_minor(str(body.get("amount", "")), "BDT"), "BDT")
            except ValueError:
                raise rejected("Nagad reports an unreadable amount") from None
            return Confirmation(target, paid, ref, str(body.get("issuerPaymentRefNo") or "") or None)
        if target is None and state in ("", "Initiated", "Ready", "InProgress"):
            return Confirmation(PaymentStatus.PENDING, None, ref)
        return Confirmation(
            target or PaymentStatus.FAILED,
            None,
            ref,
            failure_code=str(body.get("statusCode") or state),
            message=f"Nagad says {state}",
        )

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        raise declined("Nagad refunds are made in Nagad's merchant portal")

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        return RefundLookup(RefundState.UNKNOWN, message="Nagad refunds are made in Nagad's merchant portal")

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("Nagad has no capture of an authorization")

    async def void(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("Nagad has no void of an authorization")
