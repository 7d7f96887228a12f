"""SSLCommerz v4: a session opens the hosted page; the browser's return and the server IPN are verified by
`verify_sign` (md5 over the fields named in `verify_key` plus md5 of the store password) and then by the
validation API, whose answer (tran_id, amount, currency) is what counts."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from domain.money import Money, to_minor
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

# tran_id is at most 30 characters: the first 30 hex digits of the attempt id (120 bits) stay unique.
TRAN_ID_LENGTH = 30
SESSION_PATH = "/gwprocess/v4/api.php"
VALIDATION_PATH = "/validator/api/validationserverAPI.php"
# Refunds, refund status (by refund_ref_id) and the transaction query (by tran_id) share this path.
REFUND_PATH = "/validator/api/merchantTransIDvalidationAPI.php"
PAID = ("VALID", "VALIDATED")
ENDED = {
    "FAILED": PaymentStatus.FAILED,
    "CANCELLED": PaymentStatus.CANCELLED,
    "EXPIRED": PaymentStatus.CANCELLED,
}


@dataclass(frozen=True)
class SslCommerzConfig:
    base_url: str
    store_id: str
    store_passwd: str

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> SslCommerzConfig:
        return cls(**{k: str(config[k]) for k in ("base_url", "store_id", "store_passwd")})


def verify_sign(params: Mapping[str, str], store_passwd: str) -> bool:
    """SSLCommerz's callback signature (their PHP library's `SSLCOMMERZ_hash_verify`)."""
    signature, keys = params.get("verify_sign"), params.get("verify_key")
    if not signature or not keys:
        return False
    data = {k: params.get(k, "") for k in keys.split(",") if k}
    data["store_passwd"] = hashlib.md5(store_passwd.encode(), usedforsecurity=False).hexdigest()
    text = "&".join(f"{k}={data[k]}" for k in sorted(data))
    expected = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    return hmac.compare_digest(expected, signature)


def _text(money: Money) -> str:
    return f"{money.major():.2f}"


class SslCommerzProvider:
    refunds = True

    def __init__(self, config: SslCommerzConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    def _credentials(self) -> dict[str, str]:
        return {"store_id": self.config.store_id, "store_passwd": self.config.store_passwd}

    async def start(self, request: StartRequest) -> Started:
        tran_id = request.attempt_id.hex[:TRAN_ID_LENGTH]
        form = {
            **self._credentials(),
            "total_amount": _text(request.amount),
            "currency": request.amount.currency,
            "tran_id": tran_id,
            "success_url": request.callback_url,
            "fail_url": request.callback_url,
            "cancel_url": request.callback_url,
            "ipn_url": request.ipn_url,
            "cus_name": request.customer_name or "Customer",
            "cus_email": request.customer_email or "customer@example.com",
            "cus_phone": request.customer_phone or "N/A",
            "cus_add1": "N/A",
            "cus_city": "N/A",
            "cus_postcode": "0000",
            "cus_country": "Bangladesh",
            "shipping_method": "NO",
            "num_of_item": "1",
            "product_name": f"Order {request.order_id.hex[:8]}",
            "product_category": "general",
            "product_profile": "general",
            "value_a": str(request.attempt_id),
        }
        response = await send(self.client, "POST", f"{self.config.base_url}{SESSION_PATH}", data=form)
        body = json_of(response)
        if body.get("status") != "SUCCESS" or not body.get("GatewayPageURL"):
            raise declined(f"SSLCommerz session: {body.get('failedreason') or 'refused'}", "FAILED")
        return Started(reference=tran_id, redirect_url=str(body["GatewayPageURL"]))

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        status = params.get("status", "")
        return f"{params.get('val_id') or params.get('tran_id', '')}:{status}"

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        if not attempt.reference or params.get("tran_id") != attempt.reference:
            raise rejected("the callback names another SSLCommerz transaction")
        if not verify_sign(params, self.config.store_passwd):
            raise rejected("verify_sign does not match")
        status = params.get("status", "")
        if status == "VALID":
            return await self._validate(attempt, params.get("val_id", ""))
        if status in ("FAILED", "CANCELLED", "UNATTEMPTED", "EXPIRED"):
            target = PaymentStatus.CANCELLED if status == "CANCELLED" else PaymentStatus.FAILED
            reason = params.get("error") or params.get("failedreason") or f"SSLCommerz says {status}"
            return Confirmation(target, None, attempt.reference, failure_code=status, message=reason)
        raise rejected(f"unknown SSLCommerz status {status!r}")

    async def _validate(self, attempt: AttemptRef, val_id: str) -> Confirmation:
        if not val_id:
            raise rejected("a VALID callback without val_id")
        response = await send(
            self.client,
            "GET",
            f"{self.config.base_url}{VALIDATION_PATH}",
            params={"val_id": val_id, **self._credentials(), "v": "1", "format": "json"},
        )
        body = json_of(response)
        if body.get("status") not in ("VALID", "VALIDATED"):
            raise rejected(f"SSLCommerz validation says {body.get('status')!r}")
        if body.get("tran_id") != attempt.reference:
            raise rejected("SSLCommerz validated another transaction")
        currency = attempt.amount.currency
        try:
            if currency == "BDT":
                paid = Money(to_minor(str(body.get("amount", "")), "BDT"), str(body.get("currency") or "BDT"))
            else:
                reported = str(body.get("currency_type", ""))
                paid = Money(to_minor(str(body.get("currency_amount", "")), reported), reported)
        except ValueError:
            raise rejected("SSLCommerz reports an unreadable amount") from None
        transaction = str(body.get("bank_tran_id") or "") or None
        return Confirmation(PaymentStatus.CAPTURED, paid, attempt.reference, transaction)

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        if not attempt.transaction_id:
            raise declined("SSLCommerz refund: the payment has no bank transaction id")
        response = await send(
            self.client,
            "GET",
            f"{self.config.base_url}{REFUND_PATH}",
            params={
                **self._credentials(),
                "bank_tran_id": attempt.transaction_id,
                "refund_trans_id": refund_id.hex[:TRAN_ID_LENGTH],
                "refund_amount": _text(amount),
                "refund_remarks": (reason or "refund")[:255],
                "format": "json",
            },
        )
        body = json_of(response)
        status = body.get("status")
        if body.get("APIConnect") != "DONE" or status not in ("success", "processing"):
            raise declined(f"SSLCommerz refund: {body.get('errorReason') or status or 'refused'}")
        ref = str(body.get("refund_ref_id") or "") or None
        # "processing": SSLCommerz has it but has not refunded yet; the status lookup settles it later.
        return RefundDone(provider_refund_id=ref, settled=status == "success")

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        """By refund_ref_id, which only an answer to the refund call gives: after a timeout there is
        none, and SSLCommerz documents no lookup by our refund_trans_id, so the outcome stays UNKNOWN
        (staff check the merchant panel) rather than risk a second refund."""
        if not refund.provider_refund_id:
            return RefundLookup(
                RefundState.UNKNOWN, message="SSLCommerz gave no refund_ref_id to look the refund up by"
            )
        response = await send(
            self.client,
            "GET",
            f"{self.config.base_url}{REFUND_PATH}",
            params={**self._credentials(), "refund_ref_id": refund.provider_refund_id, "format": "json"},
        )
        body = json_of(response)
        status = str(body.get("status") or "")
        ref = refund.provider_refund_id
        if body.get("APIConnect") != "DONE":
            return RefundLookup(
                RefundState.UNKNOWN, ref, f"SSLCommerz refund status: {body.get('APIConnect')}"
            )
        if status in ("refunded", "success"):
            return RefundLookup(RefundState.DONE, ref)
        if status in ("processing", "initiated"):
            return RefundLookup(RefundState.PROCESSING, ref)
        if status in ("cancelled", "failed"):
            return RefundLookup(RefundState.FAILED, ref, str(body.get("errorReason") or status))
        return RefundLookup(RefundState.UNKNOWN, ref, f"SSLCommerz refund status {status!r}")

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        """The transaction query by tran_id; a paid session is then confirmed by the validation API
        (its val_id), exactly as a callback is."""
        tran_id = attempt.reference or attempt.id.hex[:TRAN_ID_LENGTH]
        response = await send(
            self.client,
            "GET",
            f"{self.config.base_url}{REFUND_PATH}",
            params={**self._credentials(), "tran_id": tran_id, "format": "json"},
        )
        body = json_of(response)
        if body.get("APIConnect") != "DONE":
            raise declined(f"SSLCommerz transaction query: {body.get('APIConnect') or 'refused'}")
        elements = [
            e for e in body.get("element") or [] if isinstance(e, dict) and e.get("tran_id") == tran_id
        ]
        ref = AttemptRef(attempt.id, attempt.amount, tran_id, attempt.transaction_id)
        for element in elements:
            if element.get("status") in PAID and element.get("val_id"):
                return await self._validate(ref, str(element["val_id"]))
        ended = [ENDED[str(e.get("status"))] for e in elements if str(e.get("status")) in ENDED]
        if elements and len(ended) == len(elements):
            target = PaymentStatus.CANCELLED if PaymentStatus.CANCELLED in ended else PaymentStatus.FAILED
            status = str(elements[-1].get("status"))
            return Confirmation(
                target, None, tran_id, failure_code=status, message=f"SSLCommerz says {status}"
            )
        return Confirmation(PaymentStatus.PENDING, None, tran_id)

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("SSLCommerz has no capture of an authorization")

    async def void(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("SSLCommerz has no void of an authorization")
