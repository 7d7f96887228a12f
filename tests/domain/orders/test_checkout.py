"""complete_checkout: one order per key under replays, concurrency and crashes; no stock lost."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
import sys

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.checkout.draft_types import OrderDraft
from domain.errors import DomainError
from domain.inventory.availability import available
from domain.orders.checkout import CheckoutRequest, CheckoutResult, complete_checkout
from domain.orders.follow_ups import open_cod_payment, redeem_codes
from domain.promotions.codes import create_code
from domain.promotions.inputs import CodeCreateInput, PromotionCreateInput
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import PromotionKind
from domain.promotions.services import create_promotion
from domain.uow import UnitOfWork
from gateway.settings import Settings
from tests.fixtures.database import count, fetch
from tests.fixtures.orders import Sellable, draft, ledger_mismatches, sellable
from tests.fixtures.processes import environment
from tests.fixtures.tenancy import MakeStore, StoreFixture


def _request(key: str = "key-1", cart: str = "cart-1") -> CheckoutRequest:
    return CheckoutRequest(
        key=key, scope="token-1", payload={"cart": cart}, actor="guest", payment_method="cod"
    )


async def _checkout(store: StoreFixture, item: Sellable, qty: int = 1, **kwargs: str) -> CheckoutResult:
    async def build(uow: UnitOfWork) -> OrderDraft:
        return draft([(item, qty)])

    return await complete_checkout(
        store.uow, _request(**kwargs), build, follow_ups=[redeem_codes, open_cod_payment]
    )


async def test_a_replay_returns_the_first_order_and_places_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    first = await _checkout(store, item)
    again = await _checkout(store, item)
    assert (again.order_id, again.replayed, first.replayed) == (first.order_id, True, False)
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "stock_reservations") == 0
    attempts = await fetch(owner_engine, "SELECT provider, status, amount, order_id FROM payment_attempts")
    assert [(a["provider"], a["status"], a["amount"], a["order_id"]) for a in attempts] == [
        ("cod", "pending", 56_000, first.order_id)
    ]
    with pytest.raises(DomainError) as err:
        await _checkout(store, item, cart="cart-2")
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"
    rows = await fetch(owner_engine, "SELECT payment_method, checkout_key FROM orders")
    assert rows[0]["payment_method"] == "cod" and rows[0]["checkout_key"].startswith("checkout:")


async def test_concurrent_replays_place_one_order(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)

    async def attempt() -> str:
        try:
            result = await _checkout(store, item)
            return "replayed" if result.replayed else "placed"
        except DomainError as exc:
            return exc.code

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    assert outcomes.count("placed") == 1
    assert set(outcomes) <= {"placed", "replayed", "IDEMPOTENCY_KEY_IN_PROGRESS"}
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1


async def test_a_failed_checkout_releases_its_key_and_stock(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=1)
    with pytest.raises(DomainError) as err:
        await _checkout(store, item, qty=2)
    assert err.value.code == "INSUFFICIENT_STOCK"
    assert await count(owner_engine, "idempotency_keys") == 0
    assert await count(owner_engine, "stock_reservations") == 0
    assert (await _checkout(store, item, qty=1)).replayed is False


@pytest.mark.parametrize("kill_after", ["claimed", "reserved"])
async def test_a_process_killed_between_steps_loses_no_stock_and_the_retry_places_one_order(
    make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings, kill_after: str
) -> None:
    # given a checkout process killed right after a step (its clock an hour behind)
    store = await make_store()
    item = await sellable(store, on_hand=3)
    args = {
        "url": settings.app_url,
        "store_id": str(store.id),
        "variant_id": str(item.variant_id),
        "product_id": str(item.product_id),
        "sku": item.sku,
        "quantity": 3,
        "key": "key-1",
        "scope": "token-1",
        "payload": {"cart": "cart-1"},
        "kill_after": kill_after,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.domain.orders.crash_checkout",
        json.dumps(args),
        env=environment(settings),
    )
    assert await proc.wait() == -signal.SIGKILL
    # then it left a claim (and maybe a reservation) but no order, and no stock is lost
    assert await count(owner_engine, "idempotency_keys") == 1
    assert await count(owner_engine, "stock_reservations") == (1 if kill_after == "reserved" else 0)
    assert await count(owner_engine, "orders") == 0
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 3
    # and the retry with the same key takes the dead claim over and places exactly one order
    result = await _checkout(store, item, qty=3)
    assert result.replayed is False
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "payment_attempts") == 1
    assert await count(owner_engine, "stock_reservations") == 0
    assert await ledger_mismatches(owner_engine, store.id) == []
    assert (await _checkout(store, item, qty=3)).order_id == result.order_id


async def test_codes_are_redeemed_with_the_order_and_a_used_up_code_places_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    async with store.uow() as uow:
        promotion = await create_promotion(
            uow,
            PromotionCreateInput(
                name="Eid",
                kind=PromotionKind.CODE,
                action={"type": "order_percent", "percent": 10},
                active=True,
            ),
            limits=PromotionLimits(),
        )
        await create_code(
            uow, promotion.id, CodeCreateInput.model_validate({"code": "EID10", "usage_limit": 1})
        )
        await uow.commit()

    async def build(uow: UnitOfWork) -> OrderDraft:
        return dataclasses.replace(draft([(item, 1)]), codes=("EID10",))

    first = await complete_checkout(store.uow, _request(key="k1"), build, follow_ups=[redeem_codes])
    redeemed = await fetch(owner_engine, "SELECT status, order_id FROM discount_code_redemptions")
    assert [(r["status"], r["order_id"]) for r in redeemed] == [("redeemed", first.order_id)]
    with pytest.raises(DomainError) as err:
        await complete_checkout(store.uow, _request(key="k2"), build, follow_ups=[redeem_codes])
    assert err.value.code == "USAGE_LIMIT_REACHED"
    assert await count(owner_engine, "orders") == 1
    assert await count(owner_engine, "stock_reservations") == 0
    assert await ledger_mismatches(owner_engine, store.id) == []
