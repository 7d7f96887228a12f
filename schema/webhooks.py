"""Webhook endpoints, their deliveries and attempts, the store's webhook settings, and staff notifications.

Reads need `webhooks:read`, changes `webhooks:manage`. A secret is shown once: by create and by rotate.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from domain.notifications.models import StaffNotification
from domain.webhooks import models
from domain.webhooks.errors import WebhookErrorCode
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.webhooks import queries
from resolvers.webhooks.deliveries_replay import webhook_deliveries_replay
from resolvers.webhooks.delivery_replay import webhook_delivery_replay
from resolvers.webhooks.settings_update import webhook_settings_update
from resolvers.webhooks.subscription_create import webhook_subscription_create
from resolvers.webhooks.subscription_delete import webhook_subscription_delete
from resolvers.webhooks.subscription_rotate_secret import webhook_subscription_rotate_secret
from resolvers.webhooks.subscription_update import webhook_subscription_update
from schema.errors import WebhookError, convert
from schema.permissions import requires
from schema.relay_utils import connection

Info = strawberry.Info[Context, None]
READ = "webhooks:read"
MANAGE = "webhooks:manage"

strawberry.enum(
    models.DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="pending (waiting for its next attempt), delivering (an attempt is running), succeeded, "
    "failed (the retry schedule ran out, or the endpoint answered 410).",
)
strawberry.enum(
    models.AttemptOutcome,
    name="WebhookAttemptOutcome",
    description="How an attempt ended: success (2xx), http_error (any other status, 3xx included), "
    "timeout, connection_error, target_refused (the URL resolves to a private address), abandoned (claimed "
    "several times by workers that stopped before an outcome).",
)

WebhookDeliveryStatus = models.DeliveryStatus
WebhookAttemptOutcome = models.AttemptOutcome


def _errors(out: Outcome[Any]) -> list[WebhookError]:
    return convert(out.errors, WebhookErrorCode, WebhookError)


def _uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    out: list[uuid.UUID | None] = []
    for raw in node_ids:
        try:
            out.append(uuid.UUID(raw))
        except ValueError:
            out.append(None)
    return out


@strawberry.type(name="WebhookSubscription", description="A webhook endpoint of the store.")
class WebhookSubscriptionNode(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="A label for people.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    event_types: list[str] = strawberry.field(
        description="Event types it receives: exact (`order.created`), a prefix (`order.*`) or `*`."
    )
    active: bool = strawberry.field(description="Whether deliveries are sent; off deliveries wait.")
    disabled_reason: str | None = strawberry.field(description="Why it was turned off, if it is.")
    disabled_at: datetime | None = strawberry.field(description="When it was turned off.")
    header_names: list[str] = strawberry.field(
        description="Names of the custom headers sent with every delivery (values are not shown)."
    )
    rate_limit_per_second: int = strawberry.field(description="Deliveries started per second, at most.")
    max_concurrency: int = strawberry.field(description="Deliveries in flight at once, at most.")
    failing_since: datetime | None = strawberry.field(
        description="Since when every attempt has failed; null after any success."
    )
    previous_secret_expires_at: datetime | None = strawberry.field(
        description="During a rotation: until when the previous secret also signs."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: models.WebhookSubscription) -> WebhookSubscriptionNode:
        return cls(
            id=str(m.id),
            name=m.name,
            url=m.url,
            event_types=list(m.event_types),
            active=m.active,
            disabled_reason=m.disabled_reason,
            disabled_at=m.disabled_at,
            header_names=sorted((m.headers or {}).keys()),
            rate_limit_per_second=m.rate_limit_per_second,
            max_concurrency=m.max_concurrency,
            failing_since=m.failing_since,
            previous_secret_expires_at=m.previous_secret_expires_at,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookSubscriptionNode | None]:
        ids = _uuids(node_ids)
        found = await info.context.loaders.webhook_subscription_by_id.load_many(
            [i or uuid.UUID(int=0) for i in ids]
        )
        return [cls.from_model(s) if s else None for s in found]


@strawberry.type(description="One HTTP attempt of a delivery.")
class WebhookAttempt:
    number: int = strawberry.field(description="1 for the first attempt.")
    started_at: datetime = strawberry.field(description="When it started.")
    outcome: WebhookAttemptOutcome = strawberry.field(description="How it ended.")
    status_code: int | None = strawberry.field(description="The HTTP status answered, if any.")
    duration_ms: int = strawberry.field(description="How long it took, in milliseconds.")
    error: str | None = strawberry.field(description="What went wrong, if anything.")
    response_excerpt: str = strawberry.field(description="The start of the answer's body.")
    next_attempt_at: datetime | None = strawberry.field(description="When the next attempt was scheduled.")

    @classmethod
    def from_model(cls, m: models.WebhookAttempt) -> WebhookAttempt:
        return cls(
            number=m.number,
            started_at=m.started_at,
            outcome=m.outcome,
            status_code=m.status_code,
            duration_ms=m.duration_ms,
            error=m.error,
            response_excerpt=m.response_excerpt,
            next_attempt_at=m.next_attempt_at,
        )


@strawberry.type(name="WebhookDelivery", description="One event for one endpoint, with every attempt.")
class WebhookDeliveryNode(relay.Node):
    id: relay.NodeID[str]
    webhook_id: str = strawberry.field(description="The `webhook-id` header of every attempt and replay.")
    event_id: str = strawberry.field(description="The id of the domain event.")
    event_type: str = strawberry.field(description="The event's type.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempt_count: int = strawberry.field(description="Attempts made so far.")
    next_attempt_at: datetime | None = strawberry.field(
        description="Pending: when the next attempt is due. Delivering: when the running attempt's claim "
        "expires (it is retried then if its worker died)."
    )
    last_status_code: int | None = strawberry.field(description="The last HTTP status answered.")
    last_error: str | None = strawberry.field(description="The last failure.")
    delivered_at: datetime | None = strawberry.field(description="When a 2xx was answered.")
    created_at: datetime = strawberry.field(description="When the delivery was created.")
    payload: JSON = strawberry.field(description="The body sent: the event envelope.")
    subscription_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: models.WebhookDelivery) -> WebhookDeliveryNode:
        return cls(
            id=str(m.id),
            webhook_id=str(m.id),
            event_id=str(m.event_id),
            event_type=m.event_type,
            status=m.status,
            attempt_count=m.attempt_count,
            next_attempt_at=m.next_attempt_at,
            last_status_code=m.last_status_code,
            last_error=m.last_error,
            delivered_at=m.delivered_at,
            created_at=m.created_at,
            payload=cast(JSON, m.payload),
            subscription_id=m.subscription_id,
        )

    @strawberry.field(description="The endpoint it goes to.")
    async def subscription(self, info: Info) -> WebhookSubscriptionNode | None:
        found = await queries.subscription(info.context, self.subscription_id)
        return WebhookSubscriptionNode.from_model(found) if found else None

    @strawberry.field(description="Every attempt, first to last.")
    async def attempts(self, info: Info) -> list[WebhookAttempt]:
        return [
            WebhookAttempt.from_model(a) for a in await queries.attempts(info.context, uuid.UUID(self.id))
        ]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookDeliveryNode | None]:
        ids = _uuids(node_ids)
        found = await info.context.loaders.webhook_delivery_by_id.load_many(
            [i or uuid.UUID(int=0) for i in ids]
        )
        return [cls.from_model(d) if d else None for d in found]


@strawberry.type(description="The store's webhook settings.")
class WebhookSettings:
    disable_after_seconds: int = strawberry.field(
        description="An endpoint whose every attempt has failed for this long is turned off, and staff told."
    )


@strawberry.type(name="StaffNotification", description="Something the store's staff should know about.")
class StaffNotificationNode(relay.Node):
    id: relay.NodeID[str]
    kind: str = strawberry.field(description="What happened, e.g. `webhook_subscription.disabled`.")
    title: str = strawberry.field(description="One line for people.")
    body: str = strawberry.field(description="What to do about it.")
    data: JSON = strawberry.field(description="The details, as the matching event carries them.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_model(cls, m: StaffNotification) -> StaffNotificationNode:
        return cls(
            id=str(m.id),
            kind=m.kind,
            title=m.title,
            body=m.body,
            data=cast(JSON, m.data),
            created_at=m.created_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StaffNotificationNode | None]:
        ids = _uuids(node_ids)
        found = await info.context.loaders.staff_notification_by_id.load_many(
            [i or uuid.UUID(int=0) for i in ids]
        )
        return [cls.from_model(n) if n else None for n in found]


@strawberry.input(description="Which deliveries to list; every given condition must hold.")
class WebhookDeliveryFilter:
    status: list[WebhookDeliveryStatus] | None = strawberry.field(default=None, description="Any of these.")
    subscription_id: strawberry.ID | None = strawberry.field(default=None, description="Of this endpoint.")
    event_type: str | None = strawberry.field(
        default=None, description="Of this event type, or a prefix (`order.*`)."
    )
    since: datetime | None = strawberry.field(default=None, description="Created at or after this time.")


@strawberry.input(description="A new webhook endpoint.")
class WebhookSubscriptionCreateInput:
    name: str = strawberry.field(description="A label for people.")
    url: str = strawberry.field(description="Where to POST deliveries (http or https).")
    event_types: list[str] = strawberry.field(
        description="Event types: exact (`order.created`), a prefix (`order.*`) or `*` for all."
    )
    headers: JSON | None = strawberry.field(
        default=None, description='Custom headers sent with every delivery, e.g. {"X-Api-Key": "…"}.'
    )
    active: bool = strawberry.field(default=True, description="Whether deliveries are sent.")
    rate_limit_per_second: int = strawberry.field(default=50, description="Deliveries started per second.")
    max_concurrency: int = strawberry.field(default=4, description="Deliveries in flight at once.")
    app_token_id: strawberry.ID | None = strawberry.field(
        default=None, description="The partner token (app) the endpoint belongs to."
    )


@strawberry.input(description="Endpoint fields to change; omitted fields stay as they are.")
class WebhookSubscriptionUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A label for people.")
    url: str | None = strawberry.field(default=strawberry.UNSET, description="Where to POST deliveries.")
    event_types: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Event types.")
    headers: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every custom header; null or {} removes them."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Turn on or off. Turning a disabled endpoint on clears its failure record.",
    )
    rate_limit_per_second: int | None = strawberry.field(
        default=strawberry.UNSET, description="Deliveries started per second."
    )
    max_concurrency: int | None = strawberry.field(
        default=strawberry.UNSET, description="Deliveries in flight at once."
    )


@strawberry.type(description="The result of a webhook endpoint mutation.")
class WebhookSubscriptionPayload:
    subscription: WebhookSubscriptionNode | None = strawberry.field(
        description="The endpoint after the change."
    )
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of webhookSubscriptionCreate or webhookSubscriptionRotateSecret.")
class WebhookSubscriptionSecretPayload:
    subscription: WebhookSubscriptionNode | None = strawberry.field(description="The endpoint.")
    secret: str | None = strawberry.field(
        description="The signing secret (`whsec_…`). Shown once: store it now."
    )
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of webhookSubscriptionDelete.")
class WebhookSubscriptionDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted endpoint.")
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of webhookDeliveryReplay.")
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryNode | None = strawberry.field(description="The delivery, queued again.")
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of webhookDeliveriesReplay.")
class WebhookDeliveriesReplayPayload:
    queued: int | None = strawberry.field(description="How many deliveries were queued (again).")
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of webhookSettingsUpdate.")
class WebhookSettingsPayload:
    settings: WebhookSettings | None = strawberry.field(description="The settings after the change.")
    errors: list[WebhookError] = strawberry.field(description="Why nothing changed, if so.")


def _sub(out: Outcome[Any]) -> WebhookSubscriptionNode | None:
    return WebhookSubscriptionNode.from_model(out.result) if out.result else None


def _given(input_: object) -> dict[str, Any]:
    return {k: v for k, v in vars(input_).items() if v is not strawberry.UNSET}


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Webhook endpoints of this store, oldest first.", extensions=requires(READ))
    async def webhook_subscriptions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[WebhookSubscriptionNode]:
        page = await queries.list_subscriptions(info.context, first=first, after=after)
        return connection(page, WebhookSubscriptionNode.from_model)

    @strawberry.field(
        description="Webhook deliveries of this store, newest first.", extensions=requires(READ)
    )
    async def webhook_deliveries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: WebhookDeliveryFilter | None = None,
    ) -> relay.Connection[WebhookDeliveryNode]:
        f = filter or WebhookDeliveryFilter()
        where = queries.DeliveryFilter(
            status=list(f.status) if f.status else None,
            subscription_id=str(f.subscription_id) if f.subscription_id else None,
            event_type=f.event_type,
            since=f.since,
        )
        page = await queries.list_deliveries(info.context, first=first, after=after, where=where)
        return connection(page, WebhookDeliveryNode.from_model)

    @strawberry.field(description="The store's webhook settings.", extensions=requires(READ))
    async def webhook_settings(self, info: Info) -> WebhookSettings:
        row = await queries.settings(info.context)
        return WebhookSettings(disable_after_seconds=row.disable_after_seconds)

    @strawberry.field(description="Notices for the store's staff, oldest first.", extensions=requires())
    async def staff_notifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[StaffNotificationNode]:
        page = await queries.list_notifications(info.context, first=first, after=after)
        return connection(page, StaffNotificationNode.from_model)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Create a webhook endpoint; its signing secret is in the payload, once.",
        extensions=requires(MANAGE),
    )
    async def webhook_subscription_create(
        self, info: Info, input: WebhookSubscriptionCreateInput
    ) -> WebhookSubscriptionSecretPayload:
        values = vars(input).copy()
        if values.get("headers") is None:
            values["headers"] = {}
        if values.get("app_token_id") is not None:
            values["app_token_id"] = str(values["app_token_id"])
        out = await webhook_subscription_create(info.context, values=values)
        created = out.result
        return WebhookSubscriptionSecretPayload(
            subscription=WebhookSubscriptionNode.from_model(created.subscription) if created else None,
            secret=created.secret if created else None,
            errors=_errors(out),
        )

    @strawberry.mutation(description="Change a webhook endpoint.", extensions=requires(MANAGE))
    async def webhook_subscription_update(
        self, info: Info, id: strawberry.ID, input: WebhookSubscriptionUpdateInput
    ) -> WebhookSubscriptionPayload:
        out = await webhook_subscription_update(info.context, id=str(id), values=_given(input))
        return WebhookSubscriptionPayload(subscription=_sub(out), errors=_errors(out))

    @strawberry.mutation(
        description="Delete a webhook endpoint and its deliveries.", extensions=requires(MANAGE)
    )
    async def webhook_subscription_delete(
        self, info: Info, id: strawberry.ID
    ) -> WebhookSubscriptionDeletePayload:
        out = await webhook_subscription_delete(info.context, id=str(id))
        return WebhookSubscriptionDeletePayload(deleted_id=id if out.result else None, errors=_errors(out))

    @strawberry.mutation(
        description="Give an endpoint a new signing secret (in the payload, once). For 24 hours the old "
        "one signs too: every delivery carries both signatures.",
        extensions=requires(MANAGE),
    )
    async def webhook_subscription_rotate_secret(
        self, info: Info, id: strawberry.ID
    ) -> WebhookSubscriptionSecretPayload:
        out = await webhook_subscription_rotate_secret(info.context, id=str(id))
        rotated = out.result
        return WebhookSubscriptionSecretPayload(
            subscription=WebhookSubscriptionNode.from_model(rotated.subscription) if rotated else None,
            secret=rotated.secret if rotated else None,
            errors=_errors(out),
        )

    @strawberry.mutation(
        description="Send one delivery again now, with the same `webhook-id`.", extensions=requires(MANAGE)
    )
    async def webhook_delivery_replay(self, info: Info, id: strawberry.ID) -> WebhookDeliveryPayload:
        out = await webhook_delivery_replay(info.context, id=str(id))
        return WebhookDeliveryPayload(
            delivery=WebhookDeliveryNode.from_model(out.result) if out.result else None, errors=_errors(out)
        )

    @strawberry.mutation(
        description="Send again every event since a time to one endpoint (or every active one), including "
        "events it never had a delivery for. Deliveries in flight are left alone.",
        extensions=requires(MANAGE),
    )
    async def webhook_deliveries_replay(
        self,
        info: Info,
        since: datetime,
        subscription_id: strawberry.ID | None = None,
        failed_only: bool = False,
    ) -> WebhookDeliveriesReplayPayload:
        out = await webhook_deliveries_replay(
            info.context,
            since=since,
            subscription_id=str(subscription_id) if subscription_id else None,
            failed_only=failed_only,
        )
        return WebhookDeliveriesReplayPayload(queued=out.result, errors=_errors(out))

    @strawberry.mutation(description="Change the store's webhook settings.", extensions=requires(MANAGE))
    async def webhook_settings_update(self, info: Info, disable_after_seconds: int) -> WebhookSettingsPayload:
        out = await webhook_settings_update(info.context, disable_after_seconds=disable_after_seconds)
        return WebhookSettingsPayload(
            settings=WebhookSettings(disable_after_seconds=out.result.disable_after_seconds)
            if out.result
            else None,
            errors=_errors(out),
        )
