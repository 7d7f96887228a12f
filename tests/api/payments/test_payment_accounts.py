"""Payment provider accounts over the admin API (`settings:manage`): every key checked before it is stored,
secrets never shown back, and the account the adapters then use."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import count, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.tenancy import MakeStore, gql

SET = """
mutation S($p: PaymentProvider!, $s: [PaymentAccountSettingInput!]!, $e: Boolean! = true) {
  paymentAccountSet(provider: $p, settings: $s, enabled: $e) {
    account { provider enabled baseUrl configKeys } errors { field code message }
  }
}"""
LIST = "query { paymentAccounts { provider enabled baseUrl configKeys } }"


def _settings(config: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in config.items()]


async def test_an_account_is_set_replaced_and_listed_without_its_secrets(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine, fake_bkash: FakeBkash
) -> None:
    store = await make_store()
    config = fake_bkash.account()
    got = await call(client, store.admin, SET, {"p": "BKASH", "s": _settings(config)})
    assert got["errors"] == []
    assert got["account"] == {
        "provider": "BKASH",
        "enabled": True,
        "baseUrl": fake_bkash.base_url,
        "configKeys": sorted(config),
    }
    # replaced, not added: authorization intent, and switched off
    again = await call(
        client,
        store.admin,
        SET,
        {"p": "BKASH", "s": _settings(config | {"intent": "authorization"}), "e": False},
    )
    assert again["errors"] == [] and again["account"]["enabled"] is False
    assert "intent" in again["account"]["configKeys"]
    listed = (await gql(client, store.admin, LIST)).json()
    assert listed["data"]["paymentAccounts"] == [again["account"]]
    assert await count(owner_engine, "payment_accounts") == 1
    events = [e for e in await outbox(owner_engine, store.id) if e["type"] == "payment_account.updated"]
    assert len(events) == 2
    for event in events:
        assert config["app_secret"] not in str(event["data"]) and config["password"] not in str(event["data"])
    assert config["app_secret"] not in str(listed)


async def test_bad_accounts_are_payload_errors_and_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine, fake_bkash: FakeBkash
) -> None:
    store = await make_store()
    good = fake_bkash.account()
    cases: list[tuple[dict[str, Any], list[tuple[str | None, str]]]] = [
        ({"p": "COD", "s": []}, [("provider", "INVALID")]),
        (
            {"p": "BKASH", "s": _settings({k: v for k, v in good.items() if k != "password"})},
            [("config.password", "REQUIRED")],
        ),
        ({"p": "BKASH", "s": _settings(good | {"colour": "red"})}, [("config.colour", "INVALID")]),
        (
            {"p": "BKASH", "s": _settings(good | {"base_url": "ftp://bkash"})},
            [("config.base_url", "INVALID")],
        ),
        ({"p": "BKASH", "s": _settings(good | {"app_key": "a\x00b"})}, [("config.app_key", "INVALID")]),
        ({"p": "BKASH", "s": _settings(good | {"intent": "steal"})}, [("config", "INVALID")]),
        (
            {"p": "SSLCOMMERZ", "s": _settings({"base_url": "https://sandbox.sslcommerz.com"})},
            [
                ("config.store_id", "REQUIRED"),
                ("config.store_passwd", "REQUIRED"),
            ],
        ),
    ]
    for variables, expected in cases:
        got = await call(client, store.admin, SET, variables)
        assert (got["account"], codes(got)) == (None, expected), variables
    assert await count(owner_engine, "payment_accounts") == 0
    assert [e for e in await outbox(owner_engine, store.id) if e["type"] == "payment_account.updated"] == []
    reader = await store.token(TokenKind.ADMIN, ["orders:read"])
    body = (await gql(client, reader, SET, {"p": "BKASH", "s": _settings(good)})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
