"""Payments: the storefront's paymentStart, and for admin tools an order's payments and refunds,
paymentCapture (cash received) and refundCreate, both under an idempotency key. Provider callbacks are
plain HTTP routes of the gateway (gateway/payments.py), not GraphQL."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain.payments import models
from domain.payments.errors import PaymentErrorCode
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from resolvers.payments.accounts import payment_account_set, payment_accounts
from resolvers.payments.payment_capture import payment_capture
from resolvers.payments.payment_start import payment_start
from resolvers.payments.payment_void import payment_void
from resolvers.payments.queries import order_payments
from resolvers.payments.refund_create import refund_create
from schema.catalog.taxonomy_types import Money
from schema.errors import PaymentError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
READ = "orders:read"
CAPTURE = "orders:write"
REFUND = "payments:refund"
SETTINGS = "settings:manage"

strawberry.enum(
    models.Provider,
    name="PaymentProvider",
    description="cod (cash on delivery), bkash, nagad, sslcommerz, card (the generic card redirect).",
)
strawberry.enum(
    models.PaymentStatus,
    name="PaymentAttemptStatus",
    description="pending, authorized, captured (partly refunded ones stay captured), failed, cancelled, "
    "refunded (every captured unit given back).",
)
strawberry.enum(
    models.RefundStatus,
    name="RefundStatus",
    description="pending (the provider has not answered yet, or is still processing it), unknown (the "
    "provider did not answer: it may have refunded; retrying the same key asks it before anything is sent "
    "again), succeeded, failed (nothing was refunded).",
)
PaymentProvider = models.Provider
PaymentAttemptStatus = models.PaymentStatus
RefundStatus = models.RefundStatus


@strawberry.type(
    name="PaymentAttempt", description="One try to collect an order's total through one provider."
)
class PaymentAttemptType:
    id: strawberry.ID = strawberry.field(description="Global id (PaymentAttempt).")
    order_id: strawberry.ID = strawberry.field(description="The Order's global id.")
    provider: PaymentProvider = strawberry.field(description="Who collects it.")
    status: PaymentAttemptStatus = strawberry.field(description="Where it is.")
    amount: Money = strawberry.field(description="What it collects.")
    captured: Money = strawberry.field(description="What was collected.")
    refunded: Money = strawberry.field(description="What was given back or is being given back.")
    redirect_url: str | None = strawberry.field(
        description="The provider's payment page to send the shopper to; null for cash on delivery."
    )
    reference: str | None = strawberry.field(description="The provider's id of the payment.")
    transaction_id: str | None = strawberry.field(description="The provider's id of the money movement.")
    failure_code: str | None = strawberry.field(description="Why it failed, in the provider's or our code.")
    failure_message: str | None = strawberry.field(description="Why it failed, for people.")
    created_at: datetime = strawberry.field(description="When it was opened.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: models.PaymentAttempt) -> PaymentAttemptType:
        return cls(
            id=strawberry.ID(encode_global_id("PaymentAttempt", m.id)),
            order_id=strawberry.ID(encode_global_id("Order", m.order_id)),
            provider=m.provider,
            status=m.status,
            amount=Money(amount=m.amount, currency=m.currency),
            captured=Money(amount=m.captured_amount, currency=m.currency),
            refunded=Money(amount=m.refunded_amount, currency=m.currency),
            redirect_url=m.redirect_url,
            reference=m.reference,
            transaction_id=m.transaction_id,
            failure_code=m.failure_code,
            failure_message=m.failure_message,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )


@strawberry.type(name="Refund", description="Money given back from one captured payment.")
class RefundType:
    id: strawberry.ID = strawberry.field(description="Global id (Refund).")
    payment_id: strawberry.ID = strawberry.field(description="The PaymentAttempt's global id.")
    order_id: strawberry.ID = strawberry.field(description="The Order's global id.")
    amount: Money = strawberry.field(description="What is given back.")
    status: RefundStatus = strawberry.field(description="Where it is.")
    reason: str = strawberry.field(description="Why, as staff gave it.")
    provider_refund_id: str | None = strawberry.field(description="The provider's id of the refund.")
    failure_message: str | None = strawberry.field(description="Why the provider refused it.")
    created_at: datetime = strawberry.field(description="When it was asked for.")

    @classmethod
    def from_model(cls, m: models.Refund) -> RefundType:
        return cls(
            id=strawberry.ID(encode_global_id("Refund", m.id)),
            payment_id=strawberry.ID(encode_global_id("PaymentAttempt", m.attempt_id)),
            order_id=strawberry.ID(encode_global_id("Order", m.order_id)),
            amount=Money(amount=m.amount, currency=m.currency),
            status=m.status,
            reason=m.reason,
            provider_refund_id=m.provider_refund_id,
            failure_message=m.failure_message,
            created_at=m.created_at,
        )


@strawberry.type(description="An order's payment attempts and refunds, oldest first.")
class OrderPayments:
    attempts: list[PaymentAttemptType] = strawberry.field(description="Every attempt.")
    refunds: list[RefundType] = strawberry.field(description="Every refund.")


@strawberry.type(description="The result of paymentStart, paymentCapture or paymentVoid.")
class PaymentPayload:
    payment: PaymentAttemptType | None = strawberry.field(description="The payment attempt.")
    errors: list[PaymentError] = strawberry.field(description="Why nothing was started or changed, if so.")


@strawberry.type(description="The result of refundCreate.")
class RefundPayload:
    refund: RefundType | None = strawberry.field(description="The refund (also on a replay of its key).")
    errors: list[PaymentError] = strawberry.field(description="Why nothing was refunded, if so.")


@strawberry.type(description="A store's account with a payment provider; its secrets are never shown.")
class PaymentAccountType:
    provider: models.Provider = strawberry.field(description="Which provider.")
    enabled: bool = strawberry.field(description="Whether checkout may use it.")
    base_url: str | None = strawberry.field(description="The provider API the adapter calls.")
    config_keys: list[str] = strawberry.field(description="The settings given (names only).")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: models.PaymentAccount) -> PaymentAccountType:
        return cls(
            provider=m.provider,
            enabled=m.enabled,
            base_url=m.config.get("base_url"),
            config_keys=sorted(m.config),
            updated_at=m.updated_at,
        )


@strawberry.input(description="One setting of a payment account, by the adapter's name for it.")
class PaymentAccountSettingInput:
    key: str = strawberry.field(
        description="bKash: base_url, app_key, app_secret, username, password, optionally intent (sale or "
        "authorization). Nagad: base_url, merchant_id, merchant_number, merchant_private_key, "
        "nagad_public_key (PEM), optionally client_ip. SSLCommerz: base_url, store_id, store_passwd. "
        "Card: base_url, merchant_id, secret."
    )
    value: str = strawberry.field(description="Its value.")


@strawberry.type(description="The result of paymentAccountSet.")
class PaymentAccountPayload:
    account: PaymentAccountType | None = strawberry.field(description="The account after the change.")
    errors: list[PaymentError] = strawberry.field(description="Why nothing changed, if so.")


def _errors(out: Outcome[Any]) -> list[PaymentError]:
    return convert(out.errors, PaymentErrorCode, PaymentError)


@strawberry.type
class PaymentQuery:
    @strawberry.field(description="An order's payments and refunds.", extensions=requires(READ))
    async def order_payments(self, info: Info, order_id: strawberry.ID) -> OrderPayments:
        found = await order_payments(info.context, str(order_id))
        return OrderPayments(
            attempts=[PaymentAttemptType.from_model(a) for a in found.attempts],
            refunds=[RefundType.from_model(r) for r in found.refunds],
        )


@strawberry.type
class PaymentAccountQuery:
    @strawberry.field(description="The store's payment provider accounts.", extensions=requires(SETTINGS))
    async def payment_accounts(self, info: Info) -> list[PaymentAccountType]:
        return [PaymentAccountType.from_model(a) for a in await payment_accounts(info.context)]


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description="Create or replace the store's account with a payment provider (one per provider). "
        "Every key the provider's adapter needs is checked first; COD needs no account.",
        extensions=requires(SETTINGS),
    )
    async def payment_account_set(
        self,
        info: Info,
        provider: PaymentProvider,
        settings: list[PaymentAccountSettingInput],
        enabled: bool = True,
    ) -> PaymentAccountPayload:
        out = await payment_account_set(
            info.context,
            provider=provider,
            config={x.key: x.value for x in settings},
            enabled=enabled,
        )
        return PaymentAccountPayload(
            account=PaymentAccountType.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Start paying an order's total: the attempt and, for bKash, Nagad, SSLCommerz and card, "
        "the provider's page to redirect the shopper to (the provider calls us back there). From a "
        "storefront, the order must be the signed-in customer's or `orderAccessToken` must be its token; "
        "otherwise the answer is NOT_FOUND, as for an unknown order."
    )
    async def payment_start(
        self,
        info: Info,
        order_id: strawberry.ID,
        provider: PaymentProvider,
        return_url: Annotated[
            str | None,
            strawberry.argument(
                description="Where the shopper's browser goes afterwards: an https URL on one of the "
                "store's storefront origins (Shop.storefrontOrigins)."
            ),
        ] = None,
        order_access_token: Annotated[
            str | None,
            strawberry.argument(
                description="The order's access token from checkoutComplete: a guest's proof that the "
                "order is theirs (a signed-in customer's session proves their own orders)."
            ),
        ] = None,
    ) -> PaymentPayload:
        out = await payment_start(
            info.context,
            order_id=str(order_id),
            provider=provider,
            return_url=return_url,
            order_access_token=order_access_token,
        )
        return PaymentPayload(
            payment=PaymentAttemptType.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Record the cash of a pending cash on delivery payment as received, or capture an "
        "authorized payment at its provider (NOT_SUPPORTED where the provider has no capture). "
        "Idempotent by key.",
        extensions=requires(CAPTURE),
    )
    async def payment_capture(
        self, info: Info, payment_id: strawberry.ID, idempotency_key: str | None = None
    ) -> PaymentPayload:
        out = await payment_capture(info.context, payment_id=str(payment_id), idempotency_key=idempotency_key)
        return PaymentPayload(
            payment=PaymentAttemptType.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Release an authorized payment at its provider; the payment is cancelled "
        "(NOT_SUPPORTED where the provider has no void). Idempotent by key.",
        extensions=requires(CAPTURE),
    )
    async def payment_void(
        self, info: Info, payment_id: strawberry.ID, idempotency_key: str | None = None
    ) -> PaymentPayload:
        out = await payment_void(info.context, payment_id=str(payment_id), idempotency_key=idempotency_key)
        return PaymentPayload(
            payment=PaymentAttemptType.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Refund part or all of a captured payment through its provider (never more than captured "
        "minus refunded). Idempotent by key (`Idempotency-Key` header or `idempotencyKey`).",
        extensions=requires(REFUND),
    )
    async def refund_create(
        self,
        info: Info,
        payment_id: strawberry.ID,
        amount: int,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> RefundPayload:
        out = await refund_create(
            info.context,
            payment_id=str(payment_id),
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
        )
        return RefundPayload(
            refund=RefundType.from_model(out.result) if out.result else None, errors=_errors(out)
        )
