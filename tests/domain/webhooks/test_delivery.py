"""Deliveries against a real local receiver that verifies every request with the `standardwebhooks` library
and fails on purpose. Retries are driven by a clock the test moves, never by sleeping."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events.envelope import EventEnvelope
from domain.webhooks import schedule
from domain.webhooks.inputs import SettingsInput
from domain.webhooks.models import WebhookSubscription
from domain.webhooks.services import update_settings
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore, StoreFixture
from tests.fixtures.webhooks import Emit, MakeDeliverer, MakeEndpoint, ManualClock, Receiver, Reply


async def deliveries(owner: AsyncEngine, sub_id: object) -> list[dict]:
    rows = await fetch(
        owner,
        "SELECT * FROM webhook_deliveries WHERE subscription_id = :s ORDER BY created_at, id",
        s=sub_id,
    )
    return [dict(r) for r in rows]


async def attempts(owner: AsyncEngine, delivery_id: object) -> list[dict]:
    rows = await fetch(
        owner, "SELECT * FROM webhook_attempts WHERE delivery_id = :d ORDER BY number", d=delivery_id
    )
    return [dict(r) for r in rows]


@dataclass
class Hook:
    """Store "a" with one endpoint on the receiver's /hook (every event type): the setup most tests share."""

    store: StoreFixture
    sub: WebhookSubscription
    owner: AsyncEngine
    emit_event: Emit

    async def emit(self, type_: str, data: dict[str, Any]) -> EventEnvelope:
        return await self.emit_event(self.store, type_, data)

    async def deliveries(self) -> list[dict]:
        return await deliveries(self.owner, self.sub.id)

    async def attempts(self, delivery_id: object) -> list[dict]:
        return await attempts(self.owner, delivery_id)


@pytest.fixture
async def hook(
    make_store: MakeStore, make_endpoint: MakeEndpoint, owner_engine: AsyncEngine, emit: Emit
) -> Hook:
    store = await make_store("a")
    sub, _ = await make_endpoint(store)
    return Hook(store, sub, owner_engine, emit)


async def test_an_event_is_delivered_signed_with_the_envelope_as_body(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    store = await make_store("a")
    sub, _ = await make_endpoint(store, types=["order.*"], headers={"X-Api-Key": "k-123"})

    envelope = await emit(store, "order.created", {"id": "o1", "total": 1250}, correlation_id="req-9")
    await emit(store, "product.updated", {"id": "p1"})  # not wanted by the endpoint
    attempted = await make_deliverer().run_once()

    assert attempted == 1
    [got] = receiver.at("/hook")
    assert got.verified
    assert json.loads(got.body) == envelope.to_json()
    assert got.headers["x-api-key"] == "k-123"
    assert got.headers["x-request-id"] == "req-9"
    assert got.headers["content-type"] == "application/json"
    [row] = await deliveries(owner_engine, sub.id)
    assert got.msg_id == str(row["id"])
    assert row["status"] == "succeeded" and row["event_id"] == envelope.id and row["attempt_count"] == 1
    [attempt] = await attempts(owner_engine, row["id"])
    assert attempt["outcome"] == "success" and attempt["status_code"] == 200
    assert attempt["response_excerpt"] == "ok" and attempt["next_attempt_at"] is None


async def test_fan_out_is_idempotent_and_skips_inactive_endpoints(
    make_store: MakeStore, make_endpoint: MakeEndpoint, owner_engine: AsyncEngine, emit: Emit
) -> None:
    from workers.handlers import dispatch

    store = await make_store("a")
    sub, _ = await make_endpoint(store, "/on", types=["order.created"])
    off, _ = await make_endpoint(store, "/off", types=["*"], active=False)
    envelope = await emit(store, "order.created", {"id": "o1"})

    await dispatch(store.db, envelope)  # delivered twice by the queue: still one delivery
    from domain.webhooks.fanout import fan_out

    async with store.uow() as uow:
        assert await fan_out(uow, envelope) == 0
        await uow.commit()

    assert len(await deliveries(owner_engine, sub.id)) == 1
    assert await deliveries(owner_engine, off.id) == []


async def test_failures_retry_on_the_schedule_with_the_same_webhook_id_until_it_ends(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    receiver.script("/hook", *[Reply(status=500, body="boom")] * 10)
    await hook.emit("order.created", {"id": "o1"})
    deliverer = make_deliverer()

    delays = []
    assert await deliverer.run_once() == 1
    for _ in range(9):
        [row] = await hook.deliveries()
        assert row["status"] == "pending"
        wait = (row["next_attempt_at"] - clock.now).total_seconds()
        delays.append(wait)
        clock.advance(wait - 0.001)
        assert await deliverer.run_once() == 0  # not due a millisecond early
        clock.advance(0.001)
        assert await deliverer.run_once() == 1

    for wait, base in zip(delays, schedule.SCHEDULE[1:], strict=True):
        assert base * 0.9 <= wait <= base * 1.1
    got = receiver.at("/hook")
    assert len(got) == 10 and all(r.verified for r in got)
    assert len({r.msg_id for r in got}) == 1
    [row] = await hook.deliveries()
    assert row["status"] == "failed" and row["next_attempt_at"] is None and row["last_status_code"] == 500
    tries = await hook.attempts(row["id"])
    assert [a["number"] for a in tries] == list(range(1, 11))
    assert all(a["outcome"] == "http_error" and a["response_excerpt"] == "boom" for a in tries)
    assert tries[-1]["next_attempt_at"] is None


async def test_a_retry_that_succeeds_ends_the_delivery(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    owner_engine: AsyncEngine,
) -> None:
    sub = hook.sub
    receiver.script("/hook", Reply(status=503), Reply(status=204, body=""))
    await hook.emit("order.created", {"id": "o1"})
    deliverer = make_deliverer()

    await deliverer.run_once()
    clock.advance(6)
    await deliverer.run_once()

    [row] = await hook.deliveries()
    assert row["status"] == "succeeded" and row["attempt_count"] == 2
    subs = await fetch(
        owner_engine, "SELECT failing_since FROM webhook_subscriptions WHERE id = :s", s=sub.id
    )
    assert subs[0]["failing_since"] is None


async def test_a_timeout_is_a_failed_attempt(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    receiver.script("/hook", Reply(hang=True))
    await hook.emit("order.created", {"id": "o1"})

    await make_deliverer(timeout_seconds=0.3).run_once()

    [row] = await hook.deliveries()
    [attempt] = await hook.attempts(row["id"])
    assert attempt["outcome"] == "timeout" and attempt["status_code"] is None
    assert row["status"] == "pending"
    assert 4.5 <= (row["next_attempt_at"] - clock.now).total_seconds() <= 5.5


async def test_a_slow_answer_within_the_budget_succeeds(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
) -> None:
    receiver.script("/hook", Reply(delay=0.2))
    await hook.emit("order.created", {"id": "o1"})

    await make_deliverer(timeout_seconds=5).run_once()

    [row] = await hook.deliveries()
    [attempt] = await hook.attempts(row["id"])
    assert row["status"] == "succeeded" and attempt["duration_ms"] >= 200


async def test_429_and_503_honour_retry_after(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    when = (clock.now + timedelta(seconds=900)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    receiver.script(
        "/hook",
        Reply(status=429, headers={"Retry-After": "120"}),
        Reply(status=503, headers={"Retry-After": when}),
    )
    await hook.emit("order.created", {"id": "o1"})
    deliverer = make_deliverer()

    await deliverer.run_once()
    [row] = await hook.deliveries()
    assert row["next_attempt_at"] == clock.now + timedelta(seconds=120)
    clock.advance(119)
    assert await deliverer.run_once() == 0
    clock.advance(1)
    assert await deliverer.run_once() == 1
    [row] = await hook.deliveries()
    # an HTTP date, read against the clock (whole seconds)
    assert abs((row["next_attempt_at"] - clock.now).total_seconds() - (900 - 120)) <= 1


async def test_410_disables_the_endpoint_emits_the_event_and_tells_the_staff(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    owner_engine: AsyncEngine,
) -> None:
    store, sub = hook.store, hook.sub
    receiver.script("/hook", Reply(status=410))
    await hook.emit("order.created", {"id": "o1"})
    await hook.emit("order.created", {"id": "o2"})
    deliverer = make_deliverer()

    await deliverer.claim(1) and None
    rows = await hook.deliveries()
    claimed = next(r for r in rows if r["status"] == "delivering")
    from domain.webhooks.delivery import Claim

    await deliverer.deliver(Claim(claimed["id"], store.id, claimed["claim_token"]))

    [state] = await fetch(owner_engine, "SELECT * FROM webhook_subscriptions WHERE id = :s", s=sub.id)
    assert state["active"] is False and "410" in state["disabled_reason"]
    events = [e for e in await outbox(owner_engine, store.id) if e["type"] == "webhook_subscription.disabled"]
    assert len(events) == 1 and events[0]["data"]["id"] == str(sub.id)
    notes = await fetch(owner_engine, "SELECT * FROM staff_notifications WHERE store_id = :s", s=store.id)
    assert [n["kind"] for n in notes] == ["webhook_subscription.disabled"]
    # the other delivery waits while the endpoint is off
    assert await deliverer.run_once() == 0
    assert len(receiver.at("/hook")) == 1


async def test_a_redirect_is_a_failure_and_not_followed(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
) -> None:
    receiver.script("/hook", Reply(status=307, headers={"Location": receiver.url("/elsewhere")}))
    await hook.emit("order.created", {"id": "o1"})

    await make_deliverer().run_once()

    assert receiver.at("/elsewhere") == []
    [row] = await hook.deliveries()
    assert row["status"] == "pending" and row["last_status_code"] == 307


async def test_a_private_target_is_refused_without_connecting(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
) -> None:
    await hook.emit("order.created", {"id": "o1"})

    await make_deliverer(allow_private_targets=False).run_once()

    assert receiver.received == []
    [row] = await hook.deliveries()
    [attempt] = await hook.attempts(row["id"])
    assert attempt["outcome"] == "target_refused" and "loopback" in attempt["error"]
    assert row["status"] == "pending"


async def test_an_endpoint_failing_longer_than_the_store_allows_is_disabled(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    store = await make_store("a")
    async with store.uow() as uow:
        await update_settings(uow, SettingsInput(disable_after_seconds=3600))
        await uow.commit()
    sub, _ = await make_endpoint(store)
    receiver.script("/hook", *[Reply(status=500)] * 5)
    await emit(store, "order.created", {"id": "o1"})
    deliverer = make_deliverer()

    await deliverer.run_once()  # failing since now
    clock.advance(6)
    await deliverer.run_once()  # 6 s: still on
    clock.advance(301)
    await deliverer.run_once()
    clock.advance(1801)
    await deliverer.run_once()  # 35 min
    [state] = await fetch(owner_engine, "SELECT active FROM webhook_subscriptions WHERE id = :s", s=sub.id)
    assert state["active"] is True
    clock.advance(7201)
    await deliverer.run_once()  # 2 h 35 min > 1 h

    [state] = await fetch(owner_engine, "SELECT * FROM webhook_subscriptions WHERE id = :s", s=sub.id)
    assert state["active"] is False and "failed for" in state["disabled_reason"]
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("webhook_subscription.disabled") == 1
    notes = await fetch(
        owner_engine, "SELECT kind, data FROM staff_notifications WHERE store_id = :s", s=store.id
    )
    assert len(notes) == 1 and notes[0]["data"]["id"] == str(sub.id)


async def test_a_worker_killed_mid_delivery_loses_nothing(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    await hook.emit("order.created", {"id": "o1"})
    crashed = make_deliverer(lease_seconds=60)

    # a worker claims the delivery and dies before sending it
    [claim] = await crashed.claim(10)
    [row] = await hook.deliveries()
    assert row["status"] == "delivering"

    survivor = make_deliverer(lease_seconds=60)
    assert await survivor.run_once() == 0  # the claim still holds
    clock.advance(60)
    assert await survivor.run_once() == 1  # it expired: the delivery is taken again

    [got] = receiver.at("/hook")
    [row] = await hook.deliveries()
    assert got.verified and got.msg_id == str(row["id"])
    assert row["status"] == "succeeded" and row["claims"] == 2
    # the dead worker's claim can no longer change the delivery
    assert await crashed.deliver(claim) is None
    assert len(receiver.at("/hook")) == 1


async def test_a_worker_cancelled_while_the_request_is_in_flight_is_retried_with_the_same_id(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    import asyncio

    receiver.script("/hook", Reply(hang=True))
    await hook.emit("order.created", {"id": "o1"})
    crashed = make_deliverer(timeout_seconds=30)
    [claim] = await crashed.claim(1)

    task = asyncio.create_task(crashed.deliver(claim))
    await receiver.wait_for("/hook")  # the request reached the receiver
    task.cancel()  # the worker dies with the request in flight
    await asyncio.gather(task, return_exceptions=True)
    clock.advance(60)
    assert await make_deliverer().run_once() == 1

    got = receiver.at("/hook")
    assert len(got) == 2 and got[0].msg_id == got[1].msg_id and all(r.verified for r in got)
    [row] = await hook.deliveries()
    assert row["status"] == "succeeded"


async def test_a_delivery_whose_workers_keep_dying_is_recorded_as_abandoned_and_rescheduled(
    hook: Hook,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    await hook.emit("order.created", {"id": "o1"})
    deliverer = make_deliverer(lease_seconds=60)

    # four workers in a row claim it and die before any outcome
    for _ in range(4):
        assert len(await deliverer.claim(10)) == 1
        clock.advance(60)
    # the fifth records an abandoned attempt instead of sending it yet again
    assert await deliverer.run_once() == 1

    assert receiver.received == []
    [row] = await hook.deliveries()
    [attempt] = await hook.attempts(row["id"])
    assert attempt["outcome"] == "abandoned" and attempt["error"].startswith("4 claims ended")
    assert row["status"] == "pending" and row["claims"] == 1
    assert 4.5 <= (row["next_attempt_at"] - clock.now).total_seconds() <= 5.5
    # then it is sent as usual
    clock.advance(6)
    assert await deliverer.run_once() == 1
    [got] = receiver.at("/hook")
    assert got.verified and got.msg_id == str(row["id"])
