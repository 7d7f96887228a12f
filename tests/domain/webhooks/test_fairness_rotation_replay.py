"""Fair scheduling under a storm, per-endpoint concurrency and rate, secret rotation, and replays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.webhooks.services import replay_delivery, replay_since, rotate_secret
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore
from tests.fixtures.webhooks import Emit, MakeDeliverer, MakeEndpoint, ManualClock, Receiver


async def storm(owner: AsyncEngine, store_id: object, sub_id: object, n: int, due: object) -> None:
    """`n` due deliveries for one endpoint, written in one statement (a bulk import's worth of events)."""
    async with owner.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO webhook_deliveries (id, store_id, subscription_id, event_id, event_type,"
                " event_occurred_at, payload, correlation_id, status, next_attempt_at, attempt_count,"
                " schedule_step, claims, created_at)"
                " SELECT gen_random_uuid(), :store, :sub, gen_random_uuid(), 'product.created', t,"
                " '{}'::jsonb, '', 'pending', t - make_interval(secs => g), 0, 0, 0, t"
                " FROM generate_series(1, :n) g, CAST(:due AS timestamptz) t"
            ),
            {"store": store_id, "sub": sub_id, "n": n, "due": due},
        )


async def test_a_storm_on_one_endpoint_does_not_starve_others(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    clock: ManualClock,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    a, b = await make_store("a"), await make_store("b")
    busy, _ = await make_endpoint(a, "/busy", max_concurrency=8, rate_limit_per_second=1000)
    quiet_a, _ = await make_endpoint(a, "/quiet-a", types=["order.*"])
    quiet_b, _ = await make_endpoint(b, "/quiet-b")
    # given: 10,000 deliveries for one endpoint, all older than anything else
    await storm(owner_engine, a.id, busy.id, 10_000, clock.now)
    clock.advance(1)
    await emit(a, "order.created", {"id": "o1"})
    await emit(b, "order.created", {"id": "o2"})
    clock.advance(1)

    claims = await make_deliverer().claim(6)

    by_sub = await fetch(
        owner_engine,
        "SELECT subscription_id, count(*) AS n FROM webhook_deliveries WHERE id = ANY(:ids)"
        " GROUP BY subscription_id",
        ids=[c.delivery_id for c in claims],
    )
    counts = {r["subscription_id"]: r["n"] for r in by_sub}
    # the quiet endpoints are served in the first batch, in between the storm's deliveries
    assert counts.get(quiet_a.id) == 1 and counts.get(quiet_b.id) == 1
    assert counts.get(busy.id) == 4


async def test_per_endpoint_concurrency_and_rate_hold_across_claims(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    clock: ManualClock,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    sub, _ = await make_endpoint(a, max_concurrency=3, rate_limit_per_second=5)
    await storm(owner_engine, a.id, sub.id, 50, clock.now)
    first, second = make_deliverer(), make_deliverer()

    assert len(await first.claim(100)) == 3  # three in flight at most
    assert await second.claim(100) == []  # another worker gets none while they are
    async with owner_engine.begin() as conn:  # they finish
        await conn.execute(
            text("UPDATE webhook_deliveries SET status = 'succeeded' WHERE status = 'delivering'")
        )
    assert len(await second.claim(100)) == 2  # 5 per second: 3 started this second already
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE webhook_deliveries SET status = 'succeeded' WHERE status = 'delivering'")
        )
    assert await first.claim(100) == []
    clock.advance(1.5)
    assert len(await first.claim(100)) == 3


async def test_during_a_rotation_both_signatures_are_sent(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    emit: Emit,
) -> None:
    store = await make_store("a")
    sub, old = await make_endpoint(store)
    async with store.uow(clock=clock) as uow:
        _, new = await rotate_secret(uow, sub.id, overlap=timedelta(hours=1))
        await uow.commit()
    receiver.expect("/hook", old, new)
    deliverer = make_deliverer()

    await emit(store, "order.created", {"id": "o1"})
    await deliverer.run_once()
    clock.advance(3601)
    await emit(store, "order.created", {"id": "o2"})
    await deliverer.run_once()

    during, after = receiver.at("/hook")
    assert set(during.verified_by) == {old, new}
    assert len(during.signature.split(" ")) == 2
    assert after.verified_by == (new,)


async def test_replay_one_delivery_sends_it_again_with_the_same_id(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    store = await make_store("a")
    await make_endpoint(store)
    await emit(store, "order.created", {"id": "o1"})
    deliverer = make_deliverer()
    await deliverer.run_once()
    [row] = await fetch(owner_engine, "SELECT id FROM webhook_deliveries")

    async with store.uow(clock=clock) as uow:
        await replay_delivery(uow, row["id"])
        await uow.commit()
    await deliverer.run_once()

    first, second = receiver.at("/hook")
    assert first.msg_id == second.msg_id == str(row["id"]) and second.verified
    [state] = await fetch(owner_engine, "SELECT status, attempt_count FROM webhook_deliveries")
    assert state["status"] == "succeeded" and state["attempt_count"] == 2


async def test_replay_since_delivers_what_an_endpoint_missed(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    store, other = await make_store("a"), await make_store("b")
    early = await emit(store, "order.created", {"id": "o0"})
    clock.advance(60)
    since = clock.now
    missed = [await emit(store, "order.created", {"id": f"o{i}"}) for i in range(1, 4)]
    await emit(store, "product.updated", {"id": "p1"})
    await emit(other, "order.created", {"id": "elsewhere"})
    # the endpoint is created afterwards: it never had deliveries for those events
    sub, _ = await make_endpoint(store, types=["order.*"])

    async with store.uow(clock=clock) as uow:
        queued = await replay_since(uow, since, subscription_id=sub.id)
        await uow.commit()
    await make_deliverer().run_once()

    assert queued == 3
    got = {r.body for r in receiver.at("/hook")}
    import json

    ids = {json.loads(b)["id"] for b in got}
    assert ids == {str(e.id) for e in missed} and str(early.id) not in ids
    # replaying again re-queues the same deliveries (no duplicates); failed_only skips succeeded ones
    async with store.uow(clock=clock) as uow:
        assert await replay_since(uow, since, subscription_id=sub.id, failed_only=True) == 0
        assert await replay_since(uow, since, subscription_id=sub.id) == 3
        await uow.commit()
    rows = await fetch(
        owner_engine, "SELECT status FROM webhook_deliveries WHERE subscription_id = :s", s=sub.id
    )
    assert sorted(r["status"] for r in rows) == ["pending"] * 3
