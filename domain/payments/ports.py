"""The payment provider port: what every adapter (COD, bKash, Nagad, SSLCommerz, card redirect) does.

Adapters speak their provider's protocol and nothing else: they never touch the database. The services
decide what a provider's answer means for the attempt (domain/payments/services.py, callbacks.py)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from domain.errors import DomainError
from domain.money import Money
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentStatus


class ProviderError(DomainError):
    """The provider could not be reached or said no; `provider_code` is its own code when it gave one."""

    def __init__(self, code: PaymentErrorCode, message: str, *, provider_code: str | None = None) -> None:
        super().__init__(code, message)
        self.provider_code = provider_code


def unavailable(message: str) -> ProviderError:
    return ProviderError(PaymentErrorCode.PROVIDER_UNAVAILABLE, message)


def declined(message: str, provider_code: str | None = None) -> ProviderError:
    return ProviderError(PaymentErrorCode.PROVIDER_DECLINED, message, provider_code=provider_code)


def not_supported(message: str) -> DomainError:
    return DomainError(PaymentErrorCode.NOT_SUPPORTED, message, field="paymentId")


def rejected(message: str) -> ProviderError:
    """A callback that fails verification (bad signature, unknown payment, another payment's data)."""
    return ProviderError(PaymentErrorCode.SIGNATURE_INVALID, message)


@dataclass(frozen=True, slots=True)
class StartRequest:
    attempt_id: uuid.UUID
    order_id: uuid.UUID
    amount: Money
    # Where the provider sends the shopper's browser (and, for SSLCommerz, its IPN) back to us.
    callback_url: str
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""

    @property
    def invoice(self) -> str:
        """Our reference at the provider: the attempt id without dashes (32 characters, unique)."""
        return self.attempt_id.hex

    @property
    def ipn_url(self) -> str:
        """Where the provider's server notifies us (SSLCommerz's IPN), beside the browser's callback."""
        return self.callback_url.removesuffix("/callback") + "/ipn"


@dataclass(frozen=True, slots=True)
class Started:
    reference: str | None
    redirect_url: str | None


@dataclass(frozen=True, slots=True)
class AttemptRef:
    """What an adapter needs to know of an attempt to confirm or refund it."""

    id: uuid.UUID
    amount: Money
    reference: str | None
    transaction_id: str | None
    # Where the attempt is: a callback for one already settled is still verified, but an adapter must
    # not repeat a side effect for it (bKash's execute).
    status: PaymentStatus = PaymentStatus.PENDING

    @property
    def invoice(self) -> str:
        return self.id.hex


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The provider's own account of a payment, read server-side (never the callback's word alone)."""

    status: PaymentStatus
    # What the provider says was paid; the services compare it with the attempt's amount and currency.
    paid: Money | None
    reference: str | None
    transaction_id: str | None = None
    failure_code: str | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class Callback:
    """A verified callback: its replay key and what the provider confirmed."""

    dedupe_key: str
    confirmation: Confirmation


@dataclass(frozen=True, slots=True)
class RefundDone:
    provider_refund_id: str | None
    # False: the provider took the refund but has not finished it (SSLCommerz "processing"); the refund
    # stays pending and a retry asks for its status.
    settled: bool = True


@dataclass(frozen=True, slots=True)
class RefundRef:
    """One of our refunds, as a status lookup needs it."""

    id: uuid.UUID
    amount: Money
    reason: str
    # The provider's id when an earlier answer gave one (a refund still processing).
    provider_refund_id: str | None
    # The provider ids of this payment's other succeeded refunds: a lookup must not take one for this one.
    settled_ids: frozenset[str] = frozenset()


class RefundState(enum.StrEnum):
    DONE = "done"  # the provider made this refund
    PROCESSING = "processing"  # it has it and has not finished
    NOT_FOUND = "not_found"  # confirmed: it never made it (sending it now cannot refund twice)
    FAILED = "failed"  # it refused or cancelled it
    UNKNOWN = "unknown"  # it cannot say: nothing may be sent again


@dataclass(frozen=True, slots=True)
class RefundLookup:
    state: RefundState
    provider_refund_id: str | None = None
    message: str = ""


class PaymentProvider(Protocol):
    # Whether refunds go through the provider's API (False: refundCreate answers REFUND_NOT_SUPPORTED).
    refunds: bool

    async def start(self, request: StartRequest) -> Started:
        """Open the payment at the provider; the redirect URL is where the shopper pays (None for COD)."""
        ...

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        """The replay key of a callback, before anything is asked of the provider."""
        ...

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        """Verify a callback (signature or server-side call) and return the provider's account."""
        ...

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        """Give `amount` of a captured payment back."""
        ...

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        """What the provider knows of a refund sent before whose answer was lost (a timeout, a crash).
        Asked before a refund is ever sent a second time."""
        ...

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        """The provider's account of a payment without a callback (the re-query sweep): PENDING while it
        is still open. None when the provider offers no such lookup."""
        ...

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        """Take the money of an authorized payment (NOT_SUPPORTED where the protocol has no capture)."""
        ...

    async def void(self, attempt: AttemptRef) -> Confirmation:
        """Release an authorized payment's hold (NOT_SUPPORTED where the protocol has no void)."""
        ...
