"""Cart lines on real PostgreSQL: availability is checked, quantities add up, prices are remembered,
failures change nothing, and a customer's cart answers only to that customer."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.cart.errors import CartErrorCode
from domain.cart.services import (
    LineChange,
    add_lines,
    cart_lines,
    changeable_cart,
    create_cart,
    find_cart,
    mark_converted,
    update_lines,
)
from domain.customers.models import Customer
from domain.errors import DomainError, DomainErrors
from tests.fixtures.cart import cart_with, seed_shop
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore


async def test_adding_lines_remembers_the_price_and_adds_quantities(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    cart, token = await cart_with(store, {shop.tee: 2})
    async with store.uow() as uow:
        locked = await changeable_cart(uow, token=token, customer_id=None)
        lines = await add_lines(uow, locked, [LineChange(shop.tee, 1), LineChange(shop.ebook, 3)])
        await uow.commit()
    assert {(line.variant_id, line.quantity, line.unit_price) for line in lines} == {
        (shop.tee, 3, 80000),
        (shop.ebook, 3, 15000),
    }
    assert cart.currency == "BDT"


async def test_more_than_available_is_refused_and_nothing_changes(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.tee: 4})
    events_before = await outbox(owner_engine, store.id)
    with pytest.raises(DomainErrors) as caught:
        async with store.uow() as uow:
            locked = await changeable_cart(uow, token=token, customer_id=None)
            await add_lines(
                uow,
                locked,
                [LineChange(shop.mug, 1), LineChange(shop.tee, 2), LineChange(uuid.uuid4(), 1)],
            )
    assert [(e.code, e.field) for e in caught.value.errors] == [
        (CartErrorCode.INSUFFICIENT_STOCK, "lines.1.variantId"),
        (CartErrorCode.VARIANT_NOT_FOUND, "lines.2.variantId"),
    ]
    rows = await fetch(owner_engine, "SELECT variant_id, quantity FROM cart_lines")
    assert [(r["variant_id"], r["quantity"]) for r in rows] == [(shop.tee, 4)]
    assert await outbox(owner_engine, store.id) == events_before


async def test_a_draft_product_is_not_for_sale_and_untracked_stock_is_unlimited(
    make_store: MakeStore,
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.ebook: 500})
    with pytest.raises(DomainErrors) as caught:
        async with store.uow() as uow:
            await add_lines(
                uow,
                await changeable_cart(uow, token=token, customer_id=None),
                [LineChange(shop.draft_item, 1)],
            )
    assert [e.code for e in caught.value.errors] == [CartErrorCode.NOT_FOR_SALE]


async def test_updating_to_zero_removes_and_bad_quantities_are_refused(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.tee: 1, shop.mug: 1})
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        lines = {line.variant_id: line.id for line in await cart_lines(uow, cart.id)}
        left = await update_lines(uow, cart, [(lines[shop.mug], 0), (lines[shop.tee], 5)])
        await uow.commit()
    assert [(line.variant_id, line.quantity) for line in left] == [(shop.tee, 5)]
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            cart = await changeable_cart(uow, token=token, customer_id=None)
            await update_lines(uow, cart, [(lines[shop.tee], -1)])
    assert (caught.value.code, caught.value.field) == (CartErrorCode.INVALID, "lines.0.quantity")
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            cart = await changeable_cart(uow, token=token, customer_id=None)
            await update_lines(uow, cart, [(uuid.uuid4(), 1)])
    assert caught.value.code == CartErrorCode.NOT_FOUND


async def test_only_the_digest_of_the_token_is_stored_and_a_wrong_token_finds_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    _, token = await cart_with(store, {})
    (row,) = await fetch(owner_engine, "SELECT token_hash FROM carts")
    assert token.encode() not in bytes(row["token_hash"]) and len(bytes(row["token_hash"])) == 32
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            await find_cart(uow, token=token + "x", customer_id=None)
    assert caught.value.code == CartErrorCode.CART_NOT_FOUND


async def test_a_customers_cart_answers_only_to_that_customer(make_store: MakeStore) -> None:
    store = await make_store()
    async with store.uow() as uow:
        uow.session.add_all(
            [
                Customer(id=(a := uuid.uuid4()), email="a@example.com"),
                Customer(id=(b := uuid.uuid4()), email="b@example.com"),
            ]
        )
        await uow.commit()
    cart, token = await cart_with(store, {}, customer_id=a)
    async with store.uow() as uow:
        assert (await find_cart(uow, token=None, customer_id=a)).id == cart.id
        assert (await find_cart(uow, token=token, customer_id=a)).id == cart.id
        for who in (None, b):
            with pytest.raises(DomainError):
                await find_cart(uow, token=token, customer_id=who)
    # One live cart per customer: creating again hands back the same cart with a fresh token.
    again, token2 = await cart_with(store, {}, customer_id=a)
    assert again.id == cart.id and token2 != token


async def test_another_store_cannot_reach_the_cart(make_store: MakeStore) -> None:
    a, b = await make_store("a"), await make_store("b")
    _, token = await cart_with(a, {})
    with pytest.raises(DomainError) as caught:
        async with b.uow() as uow:
            await find_cart(uow, token=token, customer_id=None)
    assert caught.value.code == CartErrorCode.CART_NOT_FOUND


async def test_a_cart_converts_once_and_then_cannot_change(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    cart, token = await cart_with(store, {shop.tee: 1})
    async with store.uow() as uow:
        await mark_converted(uow, cart.id)
        await uow.commit()
    async with store.uow() as uow:
        with pytest.raises(DomainError) as caught:
            await mark_converted(uow, cart.id)
        assert caught.value.code == CartErrorCode.CART_NOT_ACTIVE
        with pytest.raises(DomainError) as caught:
            await changeable_cart(uow, token=token, customer_id=None)
        assert caught.value.code == CartErrorCode.CART_NOT_ACTIVE


async def test_an_unsupported_currency_is_refused(make_store: MakeStore) -> None:
    store = await make_store()
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            await create_cart(uow, currency="USD")
    assert (caught.value.code, caught.value.field) == (CartErrorCode.UNSUPPORTED_CURRENCY, "currency")
