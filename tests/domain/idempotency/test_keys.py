"""The idempotency contract in the domain: claim, replay, reuse, in progress, take-over after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.errors import DomainError
from domain.idempotency.models import IdempotencyKey
from domain.idempotency.services import Claim, Replay, claim, complete, purge_expired, release
from tests.fixtures.orders import ManualClock
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _claim(
    store: StoreFixture, clock: ManualClock, payload: object, scope: str = "tok"
) -> Claim | Replay:
    async with store.uow(clock=clock) as uow:
        got = await claim(uow, scope=scope, key="k-1", operation="checkoutComplete", payload=payload)
        await uow.commit()
    return got


async def test_first_claim_then_replay_returns_the_stored_response(make_store: MakeStore) -> None:
    store, clock = await make_store(), ManualClock()
    first = await _claim(store, clock, {"cart": "c1"})
    assert isinstance(first, Claim) and not first.resumed
    async with store.uow(clock=clock) as uow:
        await complete(uow, first, {"order_id": "o1"})
        await uow.commit()
    assert await _claim(store, clock, {"cart": "c1"}) == Replay({"order_id": "o1"})


async def test_same_key_other_payload_is_reused_and_running_key_is_in_progress(make_store: MakeStore) -> None:
    store, clock = await make_store(), ManualClock()
    await _claim(store, clock, {"cart": "c1"})
    with pytest.raises(DomainError) as err:
        await _claim(store, clock, {"cart": "c1"})
    assert err.value.code == "IDEMPOTENCY_KEY_IN_PROGRESS"
    with pytest.raises(DomainError) as err:
        await _claim(store, clock, {"cart": "c2"})
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"
    # another token's key of the same name is a different key
    assert isinstance(await _claim(store, clock, {"cart": "c2"}, scope="other"), Claim)


async def test_a_dead_claim_is_taken_over_after_its_lease_and_the_old_run_cannot_complete(
    make_store: MakeStore,
) -> None:
    store, clock = await make_store(), ManualClock()
    dead = await _claim(store, clock, {"cart": "c1"})
    assert isinstance(dead, Claim)
    clock.advance(seconds=31)
    again = await _claim(store, clock, {"cart": "c1"})
    assert isinstance(again, Claim) and again.resumed and again.attempt == 2
    async with store.uow(clock=clock) as uow:
        with pytest.raises(DomainError) as err:
            await complete(uow, dead, {"order_id": "late"})
        assert err.value.code == "IDEMPOTENCY_KEY_IN_PROGRESS"
        await uow.rollback()
        await complete(uow, again, {"order_id": "o1"})
        await uow.commit()
    assert await _claim(store, clock, {"cart": "c1"}) == Replay({"order_id": "o1"})


async def test_a_released_key_runs_again_and_an_expired_key_is_new(make_store: MakeStore) -> None:
    store, clock = await make_store(), ManualClock()
    first = await _claim(store, clock, {"cart": "c1"})
    assert isinstance(first, Claim)
    async with store.uow(clock=clock) as uow:
        await release(uow, first)
        await uow.commit()
    second = await _claim(store, clock, {"cart": "c1"})
    assert isinstance(second, Claim) and not second.resumed
    async with store.uow(clock=clock) as uow:
        await complete(uow, second, {"order_id": "o1"})
        await uow.commit()
    clock.advance(hours=24, seconds=1)
    assert isinstance(await _claim(store, clock, {"cart": "other"}), Claim)


async def test_bad_keys_are_refused(make_store: MakeStore) -> None:
    store = await make_store()
    async with store.uow() as uow:
        for key in ("", "x" * 256, "a\nb"):
            with pytest.raises(DomainError) as err:
                await claim(uow, scope="t", key=key, operation="op", payload={})
            assert err.value.code == "INVALID_IDEMPOTENCY_KEY"


async def test_purge_deletes_keys_past_retention_and_keeps_fresh_and_renewed_ones(
    make_store: MakeStore,
) -> None:
    store, clock = await make_store(), ManualClock()
    for key in ("old", "renewed"):
        async with store.uow(clock=clock) as uow:
            await claim(uow, scope="tok", key=key, operation="checkoutComplete", payload={})
            await uow.commit()
    clock.advance(hours=12)
    async with store.uow(clock=clock) as uow:
        await claim(uow, scope="tok", key="fresh", operation="checkoutComplete", payload={})
        await uow.commit()
    clock.advance(hours=12, seconds=1)
    # a key used again after its retention is a new key, not purged
    async with store.uow(clock=clock) as uow:
        again = await claim(uow, scope="tok", key="renewed", operation="checkoutComplete", payload={"n": 2})
        await uow.commit()
    assert isinstance(again, Claim) and not again.resumed
    async with store.uow(clock=clock) as uow:
        assert await purge_expired(uow, batch=10) == 1
        await uow.commit()
    async with store.uow(clock=clock) as uow:
        left = (await uow.session.scalars(select(IdempotencyKey.key).order_by(IdempotencyKey.key))).all()
    assert left == ["fresh", "renewed"]
