"""Customer accounts on real PostgreSQL: argon2 passwords, hashed sessions, logout, single-use signed
password resets, saved addresses, and cart merge on login."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.cart.merge import merge_on_login
from domain.cart.services import LineChange, add_lines, cart_lines, find_cart
from domain.customers import accounts
from domain.customers.accounts import RegisterInput
from domain.customers.address_book import add_address, addresses, delete_address
from domain.customers.errors import CustomerErrorCode
from domain.customers.models import Customer
from domain.customers.sessions import close_session, resolve_session
from domain.errors import DomainError, DomainErrors
from tests.fixtures.cart import DHAKA, SYLHET, cart_with, seed_shop
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore, StoreFixture

SECRET = b"test-secret"


async def _register(store: StoreFixture, **fields: str) -> accounts.SignedIn:
    data = {"email": "rahim@example.com", "password": "correct horse 1", **fields}
    async with store.uow() as uow:
        signed = await accounts.register(uow, RegisterInput.model_validate(data))
        await uow.commit()
    return signed


async def test_register_then_log_in_by_email_or_phone_and_log_out(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    signed = await _register(store, phone="01711 223344")
    (row,) = await fetch(owner_engine, "SELECT password_hash, phone FROM customers")
    assert row["password_hash"].startswith("$argon2") and row["phone"] == "+8801711223344"
    sessions = await fetch(owner_engine, "SELECT token_hash FROM customer_sessions")
    assert len(sessions) == 1 and signed.token.encode() not in bytes(sessions[0]["token_hash"])
    for identifier in ("RAHIM@example.com", "+880 1711-223344"):
        async with store.uow() as uow:
            again = await accounts.login(uow, identifier, "correct horse 1")
            await uow.commit()
        assert again.customer.id == signed.customer.id
    async with store.uow() as uow:
        assert await resolve_session(uow, signed.token) == signed.customer.id
        assert await close_session(uow, signed.token)
        await uow.commit()
    async with store.uow() as uow:
        assert await resolve_session(uow, signed.token) is None
        assert not await close_session(uow, signed.token)


async def test_wrong_password_and_unknown_account_get_the_same_answer(make_store: MakeStore) -> None:
    store = await make_store()
    await _register(store)
    answers = []
    attempts = (("rahim@example.com", "wrong pass 1"), ("nobody@example.com", "x"), ("rahim\x00@x", "y"))
    for identifier, password in attempts:
        with pytest.raises(DomainError) as caught:
            async with store.uow() as uow:
                await accounts.login(uow, identifier, password)
        answers.append((caught.value.code, caught.value.message))
    assert answers == [(CustomerErrorCode.INVALID_CREDENTIALS, "wrong email, phone or password")] * 3
    # An identifier PostgreSQL cannot compare (U+0000) names nobody: no reset, no error.
    async with store.uow() as uow:
        assert await accounts.request_reset(uow, "rahim@example.com\x00", secret=b"s") is None


async def test_a_known_contact_cannot_be_registered_over_and_weak_input_is_refused(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    async with store.uow() as uow:
        uow.session.add(Customer(id=uuid.uuid4(), email="guest@example.com"))
        await uow.commit()
    before = await outbox(owner_engine, store.id)
    with pytest.raises(DomainError) as caught:
        await _register(store, email="Guest@Example.com")
    assert caught.value.code == CustomerErrorCode.ACCOUNT_EXISTS
    with pytest.raises(DomainError) as caught:
        await _register(store, email="new@example.com", password="12345678")
    assert caught.value.code == CustomerErrorCode.PASSWORD_TOO_WEAK
    with pytest.raises(DomainErrors) as many:
        await _register(store, email="not-an-email", phone="123")
    assert [e.code for e in many.value.errors] == [CustomerErrorCode.INVALID, CustomerErrorCode.INVALID_PHONE]
    assert await outbox(owner_engine, store.id) == before
    assert len(await fetch(owner_engine, "SELECT id FROM customers")) == 1


async def test_a_reset_token_works_once_ends_other_sessions_and_claims_a_guest_record(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    async with store.uow() as uow:
        uow.session.add(Customer(id=(cid := uuid.uuid4()), email="guest@example.com"))
        await uow.commit()
    async with store.uow() as uow:
        assert await accounts.request_reset(uow, "nobody@example.com", secret=SECRET) is None
        token = await accounts.request_reset(uow, "guest@example.com", secret=SECRET)
        await uow.commit()
    assert token is not None
    (event,) = [
        e for e in await outbox(owner_engine, store.id) if e["type"] == "customer.password_reset_requested"
    ]
    assert event["data"]["token"] == token and event["data"]["customer_id"] == str(cid)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            await accounts.reset_password(uow, tampered, "new secret 9", secret=SECRET)
    assert caught.value.code == CustomerErrorCode.INVALID_TOKEN
    with pytest.raises(DomainError):
        async with store.uow() as uow:
            await accounts.reset_password(uow, token, "new secret 9", secret=b"other")
    async with store.uow() as uow:
        signed = await accounts.reset_password(uow, token, "new secret 9", secret=SECRET)
        await uow.commit()
    assert signed.customer.id == cid
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            await accounts.reset_password(uow, token, "another one 9", secret=SECRET)
    assert caught.value.code == CustomerErrorCode.INVALID_TOKEN
    async with store.uow() as uow:
        assert (await accounts.login(uow, "guest@example.com", "new secret 9")).customer.id == cid


async def test_an_expired_reset_token_is_refused(make_store: MakeStore) -> None:
    store = await make_store()
    await _register(store)
    async with store.uow() as uow:
        token = await accounts.request_reset(
            uow, "rahim@example.com", secret=SECRET, ttl=timedelta(minutes=5)
        )
        await uow.commit()
    assert token is not None
    later = datetime.now(UTC) + timedelta(minutes=6)
    with pytest.raises(DomainError) as caught:
        async with store.uow(clock=lambda: later) as uow:
            await accounts.reset_password(uow, token, "new secret 9", secret=SECRET)
    assert caught.value.code == CustomerErrorCode.INVALID_TOKEN


async def test_reset_tokens_do_not_cross_stores(make_store: MakeStore) -> None:
    a, b = await make_store("a"), await make_store("b")
    await _register(a)
    async with a.uow() as uow:
        token = await accounts.request_reset(uow, "rahim@example.com", secret=SECRET)
        await uow.commit()
    assert token is not None
    with pytest.raises(DomainError) as caught:
        async with b.uow() as uow:
            await accounts.reset_password(uow, token, "new secret 9", secret=SECRET)
    assert caught.value.code == CustomerErrorCode.INVALID_TOKEN


async def test_saved_addresses_keep_one_default(make_store: MakeStore) -> None:
    store = await make_store()
    signed = await _register(store)
    cid = signed.customer.id
    async with store.uow() as uow:
        first = await add_address(uow, cid, DHAKA)
        second = await add_address(uow, cid, SYLHET, default=True)
        await uow.commit()
    async with store.uow() as uow:
        rows = await addresses(uow, cid)
        assert [(r.id, r.is_default) for r in rows] == [(second.id, True), (first.id, False)]
        assert rows[1].phone == "+8801711223344"
        await delete_address(uow, cid, first.id)
        with pytest.raises(DomainError):
            await delete_address(uow, uuid.uuid4(), second.id)  # not this customer's


async def test_login_merges_the_guest_cart_into_the_customers_cart(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    signed = await _register(store)
    cid = signed.customer.id
    old, _ = await cart_with(store, {shop.tee: 1, shop.mug: 1}, customer_id=cid)
    guest, token = await cart_with(store, {shop.tee: 2, shop.ebook: 1})
    async with store.uow() as uow:
        merged = await merge_on_login(uow, cid, await find_cart(uow, token=token, customer_id=None))
        await uow.commit()
    assert merged is not None and merged.id == guest.id and merged.customer_id == cid
    async with store.uow() as uow:
        lines = {line.variant_id: line.quantity for line in await cart_lines(uow, guest.id)}
        assert lines == {shop.tee: 3, shop.mug: 1, shop.ebook: 1}
        # The guest token now needs the session; the session alone finds the cart.
        assert (await find_cart(uow, token=None, customer_id=cid)).id == guest.id
        with pytest.raises(DomainError):
            await find_cart(uow, token=token, customer_id=None)
    (status,) = await fetch(owner_engine, "SELECT status FROM carts WHERE id = :i", i=old.id)
    assert status["status"] == "expired"
    # Signing in again without a guest cart hands back the same cart.
    async with store.uow() as uow:
        again = await merge_on_login(uow, cid, None)
        assert again is not None and again.id == guest.id
        await add_lines(uow, again, [LineChange(shop.mug, 1)])
