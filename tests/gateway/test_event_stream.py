"""events(types, after): replay from the outbox, then live, with no gap and no duplicate at the seam.

In process: a real hub on Redis, real outbox rows, the real relay; the stream is the resolver's generator,
so "mid-replay" is exact: the generator is suspended between two replayed events.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.access.principal import Principal
from domain.db import Database
from domain.errors import DomainError
from domain.events.envelope import EventEnvelope
from domain.events.patterns import TypePatterns
from gateway.auth import authenticate
from gateway.settings import Settings
from gateway.subscriptions.hub import EventHub
from resolvers.context import Context
from resolvers.events.stream import REPLAY_PAGE, stream_events
from tests.fixtures.subscriptions import emit, relay
from tests.fixtures.tenancy import MakeStore, StoreFixture


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[EventHub]:
    hub = EventHub(
        settings.redis_url, settings.event_channel_prefix, buffer_size=10_000, health_check_seconds=5
    )
    hub.start()
    yield hub
    await hub.stop()


async def context(db: Database, hub: EventHub, store: StoreFixture, grants: list[str]) -> Context:
    principal = await authenticate(db, f"Bearer {store.partner}")
    assert isinstance(principal, Principal)
    return Context(
        request_id="test",
        principal=principal,
        db=db,
        redis=None,  # type: ignore[arg-type]
        documents=None,  # type: ignore[arg-type]
        events=hub,
        event_grants=TypePatterns.of(grants),
    )


async def take(stream: AsyncIterator[EventEnvelope], n: int) -> list[EventEnvelope]:
    async with asyncio.timeout(20):
        return [await anext(stream) for _ in range(n)]


async def registered(hub: EventHub, n: int) -> None:
    async with asyncio.timeout(10):
        while hub.subscribers != n:  # noqa: ASYNC110 - the hub offers no event for this
            await asyncio.sleep(0)


async def test_resume_mid_replay_commits_reach_the_subscriber_once_in_commit_order(
    db: Database, settings: Settings, hub: EventHub, make_store: MakeStore
) -> None:
    a = await make_store("a")
    before = await emit(a, "order.created", {}, count=REPLAY_PAGE + 30)  # more than one replay page
    await relay(db, settings)
    ctx = await context(db, hub, a, ["*"])
    stream = stream_events(ctx, types=["order.*"], after=str(before[9]))
    first = await take(stream, 5)  # the generator now sits inside the first replay page
    assert hub.subscribers == 1  # live registration came before the replay

    # Committed and relayed while the subscriber is mid-replay: both in a later replay page and in the
    # live buffer. Then more, after replay has surely passed them.
    during = await emit(a, "order.updated", {}, count=40)
    await relay(db, settings)
    rest = await take(stream, len(before) - 10 - 5 + len(during))
    after_seam = await emit(a, "order.paid", {}, count=3)
    await relay(db, settings)
    live = await take(stream, 3)

    received = first + rest + live
    assert [e.id for e in received] == before[10:] + during + after_seam
    positions = [e.position for e in received]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    await stream.aclose()
    assert hub.subscribers == 0


async def test_events_relayed_between_registration_and_replay_are_not_lost(
    db: Database, settings: Settings, hub: EventHub, make_store: MakeStore
) -> None:
    a = await make_store("a")
    (start,) = await emit(a, "order.created", {})
    await relay(db, settings)
    # Committed but not relayed yet when the subscriber resumes: they arrive live.
    pending = await emit(a, "order.updated", {}, count=3)
    ctx = await context(db, hub, a, ["*"])
    stream = stream_events(ctx, types=None, after=str(start))
    task: Any = asyncio.ensure_future(anext(stream))
    await registered(hub, 1)
    await relay(db, settings)
    async with asyncio.timeout(10):
        got = [await task, *await take(stream, 2)]
    assert [e.id for e in got] == pending
    await stream.aclose()


async def test_grants_apply_to_replay_and_live(
    db: Database, settings: Settings, hub: EventHub, make_store: MakeStore
) -> None:
    a = await make_store("a")
    (start,) = await emit(a, "order.created", {})
    await emit(a, "role.created", {})
    replayable = await emit(a, "order.updated", {})
    await relay(db, settings)
    ctx = await context(db, hub, a, ["order.*"])
    # Asking for more than granted gets only what is granted.
    stream = stream_events(ctx, types=["order.updated", "role.created"], after=str(start))
    assert [e.id for e in await take(stream, 1)] == replayable
    await emit(a, "role.created", {})
    await emit(a, "order.created", {})
    live = await emit(a, "order.updated", {})
    await relay(db, settings)
    assert [e.id for e in await take(stream, 1)] == live
    await stream.aclose()


async def test_another_stores_events_never_arrive(
    db: Database, settings: Settings, hub: EventHub, make_store: MakeStore
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    (b_event,) = await emit(b, "order.created", {})
    await relay(db, settings)
    ctx = await context(db, hub, a, ["*"])
    with pytest.raises(DomainError) as unknown:  # B's id is not a resume point for A's token
        await anext(stream_events(ctx, types=None, after=str(b_event)))
    assert unknown.value.code == "UNKNOWN_EVENT"
    stream = stream_events(ctx, types=None)
    pending: Any = asyncio.ensure_future(anext(stream))
    await registered(hub, 1)
    await emit(b, "order.created", {})
    mine = await emit(a, "order.created", {})
    await relay(db, settings)
    async with asyncio.timeout(10):
        assert (await pending).id == mine[0]
    await stream.aclose()


async def test_token_without_grants_and_bad_arguments_are_refused(
    db: Database, hub: EventHub, make_store: MakeStore
) -> None:
    a = await make_store("a")
    for grants, types, after, code in (
        ([], None, None, "NOT_GRANTED"),
        (["*"], ["Order Created"], None, "INVALID_TYPES"),
        (["*"], None, "not-a-uuid", "UNKNOWN_EVENT"),
        (["*"], None, str(uuid.uuid4()), "UNKNOWN_EVENT"),
    ):
        ctx = await context(db, hub, a, grants)
        with pytest.raises(DomainError) as refused:
            await anext(stream_events(ctx, types=types, after=after))
        assert refused.value.code == code
    assert hub.subscribers == 0
