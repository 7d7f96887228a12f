"""Customer login and password reset requests are throttled per store and identity and per store and client
address, over HTTP with the storefront's persisted documents: over the limit the answer is
TOO_MANY_ATTEMPTS even for the right password, and no session or reset is written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers.accounts import RegisterInput, register
from gateway.app import create_app
from gateway.settings import Settings
from tests.fixtures.catalog import persisted
from tests.fixtures.database import count, outbox
from tests.fixtures.tenancy import MakeStore, StoreFixture

PASSWORD = "correct horse 1"


async def _account(store: StoreFixture, *, email: str | None = None, phone: str | None = None) -> None:
    async with store.uow() as uow:
        await register(uow, RegisterInput(email=email, phone=phone, password=PASSWORD))
        await uow.commit()


async def _login(client: httpx.AsyncClient, store: StoreFixture, identifier: str, password: str) -> str:
    """The first error code, or "OK" with a session token."""
    data = await persisted(
        client, store.storefront, "CustomerLogin", {"identifier": identifier, "password": password}
    )
    out: dict[str, Any] = data["customerLogin"]
    if out["errors"]:
        assert out["token"] is None and out["errors"][0]["field"] == "identifier"
        return str(out["errors"][0]["code"])
    assert out["token"]
    return "OK"


async def _reset(client: httpx.AsyncClient, store: StoreFixture, identifier: str) -> str:
    variables = {"identifier": identifier}
    data = await persisted(client, store.storefront, "CustomerPasswordResetRequest", variables)
    out: dict[str, Any] = data["customerPasswordResetRequest"]
    return "OK" if out["ok"] else str(out["errors"][0]["code"])


@asynccontextmanager
async def _gateway(settings: Settings, ip: str, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway with other limits, seen from client address `ip`."""
    app = create_app(settings.model_copy(update=changes))
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        state = app.state.gateway
        await state.db.dispose()
        await state.redis.aclose()
        await state.cache.redis.aclose()


async def test_five_failed_logins_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store, other = await make_store("a"), await make_store("b")
    await _account(store, email="rahim@example.com")
    await _account(store, email="karim@example.com")
    await _account(other, email="rahim@example.com")
    sessions = await count(owner_engine, "customer_sessions")

    assert [await _login(client, store, "rahim@example.com", "wrong pass 1") for _ in range(5)] == [
        "INVALID_CREDENTIALS"
    ] * 5
    # Refused before any password check: the right password does not get in, in any spelling.
    assert await _login(client, store, "rahim@example.com", PASSWORD) == "TOO_MANY_ATTEMPTS"
    assert await _login(client, store, "  Rahim@Example.COM ", PASSWORD) == "TOO_MANY_ATTEMPTS"
    assert await count(owner_engine, "customer_sessions") == sessions
    # Another account of the store, and the same email in another store, are not affected.
    assert await _login(client, store, "karim@example.com", PASSWORD) == "OK"
    assert await _login(client, other, "rahim@example.com", PASSWORD) == "OK"


async def test_a_successful_login_starts_the_count_afresh(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    await _account(store, phone="01711223344")
    # Every spelling of the number is one account, counted together.
    for spelling in ("01711223344", "01711-223344", "+8801711223344", "8801711223344"):
        assert await _login(client, store, spelling, "wrong pass 1") == "INVALID_CREDENTIALS"
    assert await _login(client, store, "01711 223344", PASSWORD) == "OK"
    assert [await _login(client, store, "01711223344", "wrong pass 1") for _ in range(5)] == [
        "INVALID_CREDENTIALS"
    ] * 5
    assert await _login(client, store, "01711223344", PASSWORD) == "TOO_MANY_ATTEMPTS"


async def test_one_address_gets_a_limited_number_of_failed_logins_across_accounts(
    settings: Settings, make_store: MakeStore
) -> None:
    store = await make_store()
    await _account(store, email="rahim@example.com")
    async with _gateway(settings, "203.0.113.7", login_attempts_per_ip=3) as attacker:
        # A good login from the address costs it nothing.
        assert await _login(attacker, store, "rahim@example.com", PASSWORD) == "OK"
        codes = [await _login(attacker, store, f"guess{n}@example.com", "wrong pass 1") for n in range(4)]
        assert codes == ["INVALID_CREDENTIALS"] * 3 + ["TOO_MANY_ATTEMPTS"]
        assert await _login(attacker, store, "rahim@example.com", PASSWORD) == "TOO_MANY_ATTEMPTS"
    async with _gateway(settings, "198.51.100.1", login_attempts_per_ip=3) as shopper:
        assert await _login(shopper, store, "rahim@example.com", PASSWORD) == "OK"


async def test_password_reset_requests_are_limited_alike_for_known_and_unknown_accounts(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    await _account(store, email="rahim@example.com")
    for identifier in ("rahim@example.com", "nobody@example.com"):
        answers = [await _reset(client, store, identifier) for _ in range(4)]
        # The limit answers the same whether the account exists, so it reveals nothing.
        assert answers == ["OK", "OK", "OK", "TOO_MANY_ATTEMPTS"]
    assert await count(owner_engine, "customer_password_resets") == 3
    events = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert events.count("customer.password_reset_requested") == 3
