"""bKash tokenized checkout (v1.2.0-beta): token grant/refresh, create, execute, query, refund.

The browser callback carries only `paymentID` and `status` and is never trusted: on success the payment
is executed, and whatever execute answered (or if it timed out) the status query is what counts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from domain.money import Money, to_minor
from domain.payments.models import PaymentStatus
from domain.payments.ports import (
    AttemptRef,
    Confirmation,
    ProviderError,
    RefundDone,
    RefundLookup,
    RefundRef,
    RefundState,
    Started,
    StartRequest,
    declined,
    rejected,
    unavailable,
)
from domain.payments.transport import json_of, send

SUCCESS = "0000"
# Execute answered "already done": the query tells what happened.
ALREADY_EXECUTED = {"2062", "2068", "2117"}
# Refresh this long before bKash's expiry so a token never dies mid-request.
EXPIRY_MARGIN = 60.0


@dataclass(frozen=True)
class BkashConfig:
    base_url: str
    app_key: str
    app_secret: str
    username: str
    password: str
    # "sale" takes the money at execute; "authorization" holds it until staff capture or void it.
    intent: str = "sale"

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> BkashConfig:
        intent = str(config.get("intent") or "sale")
        if intent not in ("sale", "authorization"):
            raise KeyError(f"intent (sale or authorization, not {intent!r})")
        return cls(
            **{k: str(config[k]) for k in ("base_url", "app_key", "app_secret", "username", "password")},
            intent=intent,
        )


@dataclass
class _Token:
    id_token: str
    refresh_token: str
    expires_at: float


@dataclass
class BkashTokens:
    """Tokens per merchant account, shared by every request of a process (a grant per payment would
    double bKash calls). `clock` is monotonic seconds."""

    clock: Callable[[], float] = time.monotonic
    tokens: dict[tuple[str, str], _Token] = field(default_factory=dict)


def amount_text(money: Money) -> str:
    return f"{money.major():.2f}"


def _code(body: Mapping[str, Any]) -> str | None:
    if "errorCode" in body:
        return str(body["errorCode"])
    code = body.get("statusCode")
    return None if code is None else str(code)


def _message(body: Mapping[str, Any]) -> str:
    return str(body.get("statusMessage") or body.get("errorMessage") or "bKash refused the request")


class BkashProvider:
    refunds = True

    def __init__(self, config: BkashConfig, client: httpx.AsyncClient, tokens: BkashTokens) -> None:
        self.config = config
        self.client = client
        self.tokens = tokens

    # -- tokens -----------------------------------------------------------------------------------------

    @property
    def _key(self) -> tuple[str, str]:
        return (self.config.base_url, self.config.app_key)

    async def _token_call(self, path: str, extra: dict[str, str]) -> _Token:
        c = self.config
        response = await send(
            self.client,
            "POST",
            f"{c.base_url}/tokenized/checkout/token/{path}",
            headers={"username": c.username, "password": c.password, "accept": "application/json"},
            json={"app_key": c.app_key, "app_secret": c.app_secret, **extra},
        )
        body = json_of(response)
        if response.status_code != 200 or _code(body) != SUCCESS or not body.get("id_token"):
            raise declined(f"bKash token {path}: {_message(body)}", _code(body))
        token = _Token(
            id_token=str(body["id_token"]),
            refresh_token=str(body.get("refresh_token") or ""),
            expires_at=self.tokens.clock() + float(body.get("expires_in") or 3600) - EXPIRY_MARGIN,
        )
        self.tokens.tokens[self._key] = token
        return token

    async def _token(self) -> str:
        token = self.tokens.tokens.get(self._key)
        if token is not None and token.expires_at > self.tokens.clock():
            return token.id_token
        if token is not None and token.refresh_token:
            try:
                return (await self._token_call("refresh", {"refresh_token": token.refresh_token})).id_token
            except ProviderError as exc:
                if exc.code != "PROVIDER_DECLINED":
                    raise
                # A refresh token bKash no longer knows: grant afresh.
        return (await self._token_call("grant", {})).id_token

    async def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A business call; an expired token (401) is granted again once."""
        for attempt in range(2):
            token = await self._token()
            response = await send(
                self.client,
                "POST",
                f"{self.config.base_url}/tokenized/checkout/{path}",
                headers={
                    "authorization": token,
                    "x-app-key": self.config.app_key,
                    "accept": "application/json",
                },
                json=payload,
            )
            if response.status_code == 401 and attempt == 0:
                self.tokens.tokens.pop(self._key, None)
                continue
            if response.status_code != 200:
                raise declined(f"bKash {path}: HTTP {response.status_code}")
            return json_of(response)
        raise unavailable(f"bKash {path}: token refused twice")

    # -- the port ---------------------------------------------------------------------------------------

    async def start(self, request: StartRequest) -> Started:
        body = await self._call(
            "create",
            {
                "mode": "0011",
                "payerReference": request.customer_phone or request.invoice,
                "callbackURL": request.callback_url,
                "amount": amount_text(request.amount),
                "currency": request.amount.currency,
                "intent": self.config.intent,
                "merchantInvoiceNumber": request.invoice,
            },
        )
        if _code(body) != SUCCESS or not body.get("paymentID") or not body.get("bkashURL"):
            raise declined(f"bKash create: {_message(body)}", _code(body))
        return Started(reference=str(body["paymentID"]), redirect_url=str(body["bkashURL"]))

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        return f"{params.get('paymentID', '')}:{params.get('status', '')}"

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        payment_id = params.get("paymentID", "")
        if not attempt.reference or payment_id != attempt.reference:
            raise rejected("the callback names another bKash payment")
        outcome = params.get("status", "")
        if outcome not in {"success", "failure", "cancel"}:
            raise rejected(f"unknown bKash callback status {outcome!r}")
        failure: tuple[str | None, str] | None = None
        unknown = False
        # Execute only a payment still open here: one settled already (by another callback or the
        # re-query sweep, perhaps expired) must not be executed now; the query tells what bKash has.
        if outcome == "success" and attempt.status is PaymentStatus.PENDING:
            try:
                executed = await self._call("execute", {"paymentID": payment_id})
                code = _code(executed)
                if code != SUCCESS and code not in ALREADY_EXECUTED:
                    failure = (code, _message(executed))
            except ProviderError as exc:
                if exc.code != "PROVIDER_UNAVAILABLE":
                    raise
                # Execute may or may not have happened: the query says which.
                unknown = True
        return await self._query(attempt, outcome, failure, unknown)

    async def _status(self, attempt: AttemptRef) -> tuple[str, str | None, Confirmation | None]:
        """bKash's transactionStatus and trxID, and the confirmation when it took the money."""
        body = await self._call("payment/status", {"paymentID": attempt.reference})
        if _code(body) != SUCCESS:
            raise declined(f"bKash query: {_message(body)}", _code(body))
        invoice = body.get("merchantInvoice") or body.get("merchantInvoiceNumber")
        if invoice is not None and str(invoice) != attempt.invoice:
            raise rejected("bKash reports this payment for another invoice")
        state = str(body.get("transactionStatus", ""))
        trx = str(body["trxID"]) if body.get("trxID") else None
        if state not in {"Completed", "Authorized"}:
            return state, trx, None
        try:
            currency = str(body.get("currency", ""))
            paid = Money(to_minor(str(body.get("amount", "")), currency), currency)
        except ValueError:
            raise rejected(f"bKash reports an unreadable amount {body.get('amount')!r}") from None
        status = PaymentStatus.CAPTURED if state == "Completed" else PaymentStatus.AUTHORIZED
        return state, trx, Confirmation(status, paid, attempt.reference, trx)

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        """The payment's state by query alone (never execute: only a success callback says the shopper
        approved it). Initiated is still pending; without a paymentID nothing can be asked."""
        if not attempt.reference:
            return Confirmation(PaymentStatus.PENDING, None, None)
        state, trx, confirmed = await self._status(attempt)
        if confirmed is not None:
            return confirmed
        if state in ("", "Initiated", "Pending"):
            return Confirmation(PaymentStatus.PENDING, None, attempt.reference, trx)
        target = PaymentStatus.CANCELLED if state in ("Cancelled", "Expired") else PaymentStatus.FAILED
        return Confirmation(
            target, None, attempt.reference, trx, failure_code=state, message=f"bKash says {state}"
        )

    async def _query(
        self, attempt: AttemptRef, outcome: str, failure: tuple[str | None, str] | None, unknown: bool
    ) -> Confirmation:
        state, trx, confirmed = await self._status(attempt)
        if confirmed is not None:
            return confirmed
        if unknown:
            # Execute got no answer and the payment is not completed yet: it may still be; try again later.
            raise unavailable("bKash execute got no answer and the payment is not completed")
        status = PaymentStatus.CANCELLED if outcome == "cancel" else PaymentStatus.FAILED
        code, message = failure or (None, f"bKash payment {state or 'not completed'} after {outcome}")
        return Confirmation(status, None, attempt.reference, trx, failure_code=code, message=message)

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        body = await self._call(
            "payment/refund",
            {
                "paymentID": attempt.reference,
                "trxID": attempt.transaction_id,
                "amount": amount_text(amount),
                "sku": refund_id.hex,
                "reason": (reason or "refund")[:255],
            },
        )
        if _code(body) not in (SUCCESS, None) or body.get("transactionStatus") != "Completed":
            raise declined(f"bKash refund: {_message(body)}", _code(body))
        return RefundDone(provider_refund_id=str(body.get("refundTrxID") or "") or None)

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        """The refund call with only {paymentID, trxID} answers the payment's refunds (one record, or a
        list under `refundTransactions`). Ours is the one carrying our sku, else a completed one of our
        amount that no other refund of ours already settled; none at all in a successful answer means
        bKash never made it. Anything else is UNKNOWN: nothing may be sent again."""
        body = await self._call(
            "payment/refund", {"paymentID": attempt.reference, "trxID": attempt.transaction_id}
        )
        code = _code(body)
        if code not in (SUCCESS, None):
            return RefundLookup(RefundState.UNKNOWN, message=f"bKash refund status: {_message(body)}")
        listed = body.get("refundTransactions")
        if isinstance(listed, list):
            records = [r for r in listed if isinstance(r, dict)]
        else:
            records = [body] if _refund_id(body) else []
        amount = amount_text(refund.amount)
        unmatched = []
        for record in records:
            rid = _refund_id(record)
            if rid is None or rid in refund.settled_ids:
                continue
            if str(record.get("sku") or "") == refund.id.hex:
                return _lookup(record, rid)
            unmatched.append((record, rid))
        for record, rid in unmatched:
            if _same_amount(record, amount):
                return _lookup(record, rid)
        if unmatched:
            return RefundLookup(RefundState.UNKNOWN, message="bKash lists a refund that is not ours")
        return RefundLookup(RefundState.NOT_FOUND)

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        """Capture an authorization; bKash's query afterwards says what happened (also when the capture
        got no answer, or was already made by an earlier try)."""
        return await self._settle(attempt, "capture", PaymentStatus.CAPTURED)

    async def void(self, attempt: AttemptRef) -> Confirmation:
        return await self._settle(attempt, "void", PaymentStatus.CANCELLED)

    async def _settle(self, attempt: AttemptRef, action: str, target: PaymentStatus) -> Confirmation:
        if not attempt.reference:
            raise declined(f"bKash {action}: the payment has no paymentID")
        try:
            body = await self._call(f"payment/confirm/{action}", {"paymentID": attempt.reference})
            code = _code(body)
            if code != SUCCESS and code not in ALREADY_EXECUTED and code != "2056":
                raise declined(f"bKash {action}: {_message(body)}", code)
        except ProviderError as exc:
            if exc.code != "PROVIDER_UNAVAILABLE":
                raise
            # No answer: the query below tells whether it happened (and raises if bKash is still away).
        state, trx, confirmed = await self._status(attempt)
        if target is PaymentStatus.CAPTURED:
            if confirmed is not None and confirmed.status is PaymentStatus.CAPTURED:
                return confirmed
        elif state in ("Cancelled", "Voided", "Void"):
            return Confirmation(
                PaymentStatus.CANCELLED,
                None,
                attempt.reference,
                trx,
                failure_code="VOIDED",
                message="the authorization was voided",
            )
        if state in ("", "Authorized"):
            raise unavailable(f"bKash {action}: the payment is still authorized")
        raise declined(f"bKash {action}: the payment is {state}", state)


def _refund_id(record: Mapping[str, Any]) -> str | None:
    rid = record.get("refundTrxID") or record.get("refundTrxId")
    return str(rid) if rid else None


def _same_amount(record: Mapping[str, Any], amount: str) -> bool:
    raw = record.get("amount") or record.get("refundAmount")
    try:
        return Decimal(str(raw)) == Decimal(amount)
    except ArithmeticError:
        return False


def _lookup(record: Mapping[str, Any], rid: str) -> RefundLookup:
    status = str(record.get("transactionStatus") or "Completed")
    if status == "Completed":
        return RefundLookup(RefundState.DONE, rid)
    if status in ("Failed", "Cancelled", "Declined"):
        return RefundLookup(RefundState.FAILED, rid, f"bKash says the refund is {status}")
    return RefundLookup(RefundState.PROCESSING, rid)
