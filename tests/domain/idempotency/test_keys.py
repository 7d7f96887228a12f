"""The idempotency contract in the domain: claim, replay, reuse, in progress, take-over after a crash."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.idempotency.services import Claim, Replay, claim, complete, release
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
