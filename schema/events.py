"""Domain events over WebSocket subscriptions (partners holding `events:subscribe`), and event grants."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from domain.events.envelope import EventEnvelope
from domain.events.errors import EventErrorCode
from resolvers.context import Context
from resolvers.events.event_grants_set import event_grants_set
from resolvers.events.stream import stream_events
from resolvers.events.typed import inventory_changes, order_updates, product_updates
from resolvers.ids import encode_global_id
from schema.errors import EventError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]

_AFTER_TEXT = "Resume: first replay this store's events relayed after the event with this id, then go live."
After = Annotated[strawberry.ID | None, strawberry.argument(description=_AFTER_TEXT)]


@strawberry.type(description="A domain event: the envelope of the public contract.")
class DomainEvent:
    id: str = strawberry.field(
        description="Event id (uuid); the same on every redelivery; pass it as `after`."
    )
    type: str = strawberry.field(description="e.g. api_token.created.")
    occurred_at: datetime = strawberry.field(description="When the change committed.")
    version: int = strawberry.field(description="Version of the data shape of this type.")
    data: JSON = strawberry.field(description="The event's data.")
    correlation_id: str = strawberry.field(description="X-Request-ID of the request that caused it.")
    position: str | None = strawberry.field(
        description="Commit order of the store's events (a decimal integer): later events have larger ones."
    )

    @classmethod
    def from_envelope(cls, e: EventEnvelope) -> DomainEvent:
        return cls(
            id=str(e.id),
            type=e.type,
            occurred_at=e.occurred_at,
            version=e.version,
            data=cast(JSON, e.data),
            correlation_id=e.correlation_id,
            position=str(e.position) if e.position is not None else None,
        )


@strawberry.type(description="A change to products: product, variant, price or media events.")
class ProductUpdate:
    event: DomainEvent = strawberry.field(description="The event itself.")
    product_ids: list[strawberry.ID] = strawberry.field(description="Global ids of the products it changed.")


@strawberry.type(description="A change to a variant's stock.")
class InventoryChange:
    event: DomainEvent = strawberry.field(description="The event itself.")
    variant_id: strawberry.ID = strawberry.field(description="Global id of the variant.")
    location: str | None = strawberry.field(description="The stock location, when the event names one.")


@strawberry.type(description="A change to one order (any `order.*` event about it).")
class OrderUpdate:
    event: DomainEvent = strawberry.field(description="The event itself.")
    order_id: strawberry.ID = strawberry.field(description="Global id of the order.")


@strawberry.type(description="Live streams over WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description=(
            "The store's domain events the token is granted, optionally only types matching these patterns "
            "(`order.created`, `order.*`). With `after`: the events since then first, then live, in commit "
            "order, with nothing missed or repeated in between."
        ),
        extensions=requires("events:subscribe"),
    )
    async def events(
        self,
        info: Info,
        types: Annotated[
            list[str] | None, strawberry.argument(description="Only types matching these patterns.")
        ] = None,
        after: After = None,
    ) -> AsyncGenerator[DomainEvent, None]:
        async for envelope in stream_events(info.context, types=types, after=after):
            yield DomainEvent.from_envelope(envelope)

    @strawberry.subscription(
        description="Live domain events of the token's store; optionally only these types.",
        extensions=requires("events:subscribe"),
        deprecation_reason="Use `events`: the same stream, resumable with `after`.",
    )
    async def domain_events(
        self, info: Info, types: list[str] | None = None
    ) -> AsyncGenerator[DomainEvent, None]:
        async for envelope in stream_events(info.context, types=types):
            yield DomainEvent.from_envelope(envelope)

    @strawberry.subscription(
        description="Product changes: product, variant, price and media events (each names its products).",
        extensions=requires("events:subscribe"),
    )
    async def product_updated(self, info: Info, after: After = None) -> AsyncGenerator[ProductUpdate, None]:
        async for envelope, ids in product_updates(info.context, after=after):
            yield ProductUpdate(
                event=DomainEvent.from_envelope(envelope),
                product_ids=[strawberry.ID(encode_global_id("Product", i)) for i in ids],
            )

    @strawberry.subscription(
        description="Stock changes of these variants (all variants when omitted).",
        extensions=requires("events:subscribe"),
    )
    async def inventory_changed(
        self,
        info: Info,
        variant_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="Global ids of ProductVariants, at most 100."),
        ] = None,
        after: After = None,
    ) -> AsyncGenerator[InventoryChange, None]:
        wanted = [str(v) for v in variant_ids] if variant_ids is not None else None
        async for envelope, variant in inventory_changes(info.context, variant_ids=wanted, after=after):
            location = envelope.data.get("location")
            yield InventoryChange(
                event=DomainEvent.from_envelope(envelope),
                variant_id=strawberry.ID(encode_global_id("ProductVariant", variant)),
                location=str(location) if location is not None else None,
            )

    @strawberry.subscription(
        description="Every `order.*` event of one order.", extensions=requires("events:subscribe")
    )
    async def order_updated(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the Order.")],
        after: After = None,
    ) -> AsyncGenerator[OrderUpdate, None]:
        async for envelope in order_updates(info.context, id=str(id), after=after):
            yield OrderUpdate(event=DomainEvent.from_envelope(envelope), order_id=id)


@strawberry.type(description="The result of eventGrantsSet.")
class EventGrantsSetPayload:
    types: list[str] | None = strawberry.field(description="The patterns the token is now granted, sorted.")
    errors: list[EventError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class EventMutation:
    @strawberry.mutation(
        description=(
            "Replace the event types a token may receive over subscriptions: patterns such as "
            "`order.created`, `order.*` or `*`; an empty list withdraws every grant."
        ),
        extensions=requires("tokens:manage"),
    )
    async def event_grants_set(
        self,
        info: Info,
        token_id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the ApiToken.")],
        types: Annotated[list[str], strawberry.argument(description="Event type patterns, at most 50.")],
    ) -> EventGrantsSetPayload:
        out = await event_grants_set(info.context, token_id=str(token_id), types=types)
        return EventGrantsSetPayload(types=out.result, errors=convert(out.errors, EventErrorCode, EventError))
