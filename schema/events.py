"""Domain events as a GraphQL subscription, for partners holding `events:subscribe`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from domain.events.envelope import EventEnvelope
from resolvers.context import Context
from resolvers.events.stream import stream_events
from schema.permissions import requires

Info = strawberry.Info[Context, None]


@strawberry.type(description="A domain event: the envelope of the public contract.")
class DomainEvent:
    id: str = strawberry.field(description="Event id (uuid); the same on every redelivery.")
    type: str = strawberry.field(description="e.g. api_token.created.")
    occurred_at: datetime = strawberry.field(description="When the change committed.")
    version: int = strawberry.field(description="Version of the data shape of this type.")
    data: JSON = strawberry.field(description="The event's data.")
    correlation_id: str = strawberry.field(description="X-Request-ID of the request that caused it.")

    @classmethod
    def from_envelope(cls, e: EventEnvelope) -> DomainEvent:
        return cls(
            id=str(e.id),
            type=e.type,
            occurred_at=e.occurred_at,
            version=e.version,
            data=cast(JSON, e.data),
            correlation_id=e.correlation_id,
        )


@strawberry.type(description="Live streams over WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description="Domain events of the token's store as they are relayed; optionally only these types.",
        extensions=requires("events:subscribe"),
    )
    async def domain_events(
        self, info: Info, types: list[str] | None = None
    ) -> AsyncGenerator[DomainEvent, None]:
        async for envelope in stream_events(info.context, types):
            yield DomainEvent.from_envelope(envelope)
