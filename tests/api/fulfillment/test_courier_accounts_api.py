"""Courier accounts over admin GraphQL: set, replace, validation errors that change nothing, permissions."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore, gql

SET = """
mutation Set($input: CourierAccountSetInput!) {
  courierAccountSet(input: $input) {
    account { provider baseUrl credentialKeys active webhookPath }
    webhookSecret
    errors { field code message }
  }
}
"""
LIST = "{ courierAccounts { provider baseUrl credentialKeys active webhookPath } }"


def creds(**values: str) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in values.items()]


STEADFAST = {"provider": "STEADFAST", "credentials": creds(api_key="k1", secret_key="s1")}


async def test_set_generates_a_secret_once_and_never_shows_credentials(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")

    created = await call(client, store.admin, SET, {"input": STEADFAST})

    assert created["errors"] == []
    assert created["account"] == {
        "provider": "STEADFAST",
        "baseUrl": "https://portal.packzy.com/api/v1",
        "credentialKeys": ["api_key", "secret_key"],
        "active": True,
        "webhookPath": f"/couriers/steadfast/webhook/{store.id}",
    }
    secret = created["webhookSecret"]
    assert isinstance(secret, str) and len(secret) >= 32
    (row,) = await fetch(owner_engine, "SELECT webhook_secret, credentials FROM courier_accounts")
    assert row["webhook_secret"] == secret
    assert row["credentials"] == {"api_key": "k1", "secret_key": "s1"}
    listed = (await gql(client, store.admin, LIST)).json()
    assert "s1" not in str(listed) and secret not in str(listed)
    assert [e["type"] for e in await outbox(owner_engine, store.id)][-1] == "courier_account.updated"


async def test_set_replaces_the_account_and_drops_the_cached_token(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    await call(client, store.admin, SET, {"input": STEADFAST})
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE courier_accounts SET access_token = 'cached'"))

    replaced = await call(
        client,
        store.admin,
        SET,
        {
            "input": {
                **STEADFAST,
                "credentials": creds(api_key="k2", secret_key="s2"),
                "baseUrl": "https://sandbox.example.com/api/v1/",
                "webhookSecret": "my-own-secret-0123456789",
                "active": False,
            }
        },
    )

    assert replaced["errors"] == [] and replaced["webhookSecret"] is None
    assert replaced["account"]["baseUrl"] == "https://sandbox.example.com/api/v1"
    rows = await fetch(owner_engine, "SELECT * FROM courier_accounts")
    assert len(rows) == 1
    assert rows[0]["credentials"] == {"api_key": "k2", "secret_key": "s2"}
    assert rows[0]["webhook_secret"] == "my-own-secret-0123456789"
    assert rows[0]["access_token"] is None and rows[0]["active"] is False


async def test_bad_input_changes_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    before = len(await outbox(owner_engine, store.id))
    cases = [
        (
            {"provider": "PATHAO", "credentials": creds(client_id="c", store_id="x")},
            {
                ("credentials.client_secret", "REQUIRED"),
                ("credentials.username", "REQUIRED"),
                ("credentials.password", "REQUIRED"),
                ("credentials.store_id", "INVALID"),
            },
        ),
        (
            {"provider": "REDX", "credentials": creds(access_token="t", api_key="k")},
            {("credentials.api_key", "INVALID")},
        ),
        ({**STEADFAST, "baseUrl": "ftp://example.com"}, {("baseUrl", "INVALID")}),
        ({**STEADFAST, "webhookSecret": "short"}, {("webhookSecret", "INVALID")}),
    ]

    for input_, expected in cases:
        payload = await call(client, store.admin, SET, {"input": input_})
        assert set(codes(payload)) == expected, payload
        assert payload["account"] is None

    assert await fetch(owner_engine, "SELECT id FROM courier_accounts") == []
    assert len(await outbox(owner_engine, store.id)) == before


async def test_only_settings_managers_see_or_change_accounts(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    await call(client, a.admin, SET, {"input": STEADFAST})
    reader = await a.token(TokenKind.ADMIN, ["orders:read"], "reader")

    denied = (await gql(client, reader, SET, {"input": STEADFAST})).json()
    hidden = (await gql(client, reader, LIST)).json()
    other = (await gql(client, b.admin, LIST)).json()

    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert other["data"]["courierAccounts"] == []
    assert len(await fetch(owner_engine, "SELECT id FROM courier_accounts")) == 1
