"""Couriers (accounts and their webhook URLs), shipments, fulfillments and returns.

Reads need `orders:read`; courier accounts are settings (`settings:manage`); fulfilling and returns
need `orders:write`. Credentials are never shown back, only which keys are set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import CourierAccount as CourierAccountRow
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.fulfillment import queries
from resolvers.fulfillment.courier_account_set import courier_account_set
from schema.errors import FulfillmentError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
READ = "orders:read"
SETTINGS = "settings:manage"

CourierProviderEnum = strawberry.enum(
    CourierProvider, name="CourierProvider", description="Couriers the gateway speaks to."
)
TrackingStatusEnum = strawberry.enum(
    TrackingStatus,
    name="TrackingStatus",
    description="A courier's status in one vocabulary for every courier (its own word is kept as rawStatus).",
)


def _errors(out: Outcome[Any]) -> list[FulfillmentError]:
    return convert(out.errors, FulfillmentErrorCode, FulfillmentError)


@strawberry.type(description="The store's account with one courier.")
class CourierAccount:
    provider: CourierProvider = strawberry.field(description="Which courier.")
    base_url: str = strawberry.field(description="The courier API the account calls (live, sandbox).")
    credential_keys: list[str] = strawberry.field(
        description="Names of the credentials set (their values are never shown)."
    )
    active: bool = strawberry.field(description="Whether shipments may use it and its webhooks are taken.")
    webhook_path: str = strawberry.field(
        description="Path on this gateway to give the courier as its webhook URL (RedX: add `?token=`)."
    )
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: CourierAccountRow) -> CourierAccount:
        return cls(
            provider=m.provider,
            base_url=m.base_url,
            credential_keys=sorted(m.credentials),
            active=m.active,
            webhook_path=f"/couriers/{m.provider}/webhook/{m.store_id}",
            updated_at=m.updated_at,
        )


@strawberry.input(description="A credential of a courier account, by the courier's own name for it.")
class CourierCredentialInput:
    key: str = strawberry.field(
        description="Pathao: client_id, client_secret, username, password, store_id. Steadfast: api_key, "
        "secret_key. RedX: access_token, optionally pickup_store_id."
    )
    value: str = strawberry.field(description="Its value.")


@strawberry.input(description="A courier account to create or replace (one per courier per store).")
class CourierAccountSetInput:
    provider: CourierProvider = strawberry.field(description="Which courier.")
    credentials: list[CourierCredentialInput] = strawberry.field(
        description="Every credential the courier needs."
    )
    base_url: str | None = strawberry.field(
        default=None, description="The courier API to call; null for the live one."
    )
    webhook_secret: str | None = strawberry.field(
        default=None,
        description="The secret the courier's webhooks must present (Pathao signature, Steadfast bearer "
        "token, RedX URL token); null to have one generated and shown once.",
    )
    active: bool = strawberry.field(default=True, description="Whether the account is in use.")


@strawberry.type(description="The result of courierAccountSet.")
class CourierAccountPayload:
    account: CourierAccount | None = strawberry.field(description="The account after the change.")
    webhook_secret: str | None = strawberry.field(
        description="The generated webhook secret, shown once (null when you gave one)."
    )
    errors: list[FulfillmentError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class FulfillmentQuery:
    @strawberry.field(description="The store's courier accounts.", extensions=requires(SETTINGS))
    async def courier_accounts(self, info: Info) -> list[CourierAccount]:
        return [CourierAccount.from_model(a) for a in await queries.courier_accounts(info.context)]


@strawberry.type
class FulfillmentMutation:
    @strawberry.mutation(
        description="Create or replace the store's account with a courier.", extensions=requires(SETTINGS)
    )
    async def courier_account_set(self, info: Info, input: CourierAccountSetInput) -> CourierAccountPayload:
        values: dict[str, Any] = {
            "provider": input.provider,
            "credentials": {c.key: c.value for c in input.credentials},
            "base_url": input.base_url,
            "webhook_secret": input.webhook_secret,
            "active": input.active,
        }
        out = await courier_account_set(info.context, values=values)
        return CourierAccountPayload(
            account=CourierAccount.from_model(out.result.account) if out.result else None,
            webhook_secret=out.result.webhook_secret if out.result else None,
            errors=_errors(out),
        )
