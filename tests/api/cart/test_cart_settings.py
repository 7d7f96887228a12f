"""Cart settings for admins: read (the defaults until changed), change within bounds, refuse bad values in
`errors` changing nothing, and only with `settings:manage`."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.cart.settings import cart_settings
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore, gql

READ = "query { cartSettings { abandonAfterMinutes expireAfterDays updatedAt } }"
UPDATE = """
mutation Update($input: CartSettingsInput!) {
  cartSettingsUpdate(input: $input) {
    settings { abandonAfterMinutes expireAfterDays updatedAt }
    errors { field code message }
  }
}
"""


def _update(res: httpx.Response) -> dict[str, Any]:
    body = res.json()
    assert "errors" not in body, body
    out: dict[str, Any] = body["data"]["cartSettingsUpdate"]
    return out


async def test_an_admin_reads_the_defaults_then_changes_one_field_at_a_time(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store, other = await make_store("a"), await make_store("b")
    res = await gql(client, store.admin, READ)
    assert res.json()["data"]["cartSettings"] == {
        "abandonAfterMinutes": 60,
        "expireAfterDays": 30,
        "updatedAt": None,
    }
    out = _update(await gql(client, store.admin, UPDATE, {"input": {"abandonAfterMinutes": 180}}))
    assert out["errors"] == []
    assert (out["settings"]["abandonAfterMinutes"], out["settings"]["expireAfterDays"]) == (180, 30)
    assert out["settings"]["updatedAt"] is not None
    out = _update(await gql(client, store.admin, UPDATE, {"input": {"expireAfterDays": 7}}))
    assert (out["settings"]["abandonAfterMinutes"], out["settings"]["expireAfterDays"]) == (180, 7)

    res = await gql(client, store.admin, READ)
    assert res.json()["data"]["cartSettings"]["abandonAfterMinutes"] == 180
    # What the abandonment sweep reads; another store keeps its defaults.
    async with store.uow() as uow:
        found = await cart_settings(uow)
    assert (found.abandon_after_minutes, found.expire_after_days) == (180, 7)
    res = await gql(client, other.admin, READ)
    assert res.json()["data"]["cartSettings"]["abandonAfterMinutes"] == 60


async def test_bad_values_answer_in_errors_and_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    _update(await gql(client, store.admin, UPDATE, {"input": {"abandonAfterMinutes": 90}}))
    before = await fetch(owner_engine, "SELECT * FROM cart_settings")
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"abandonAfterMinutes": -5}, [("abandonAfterMinutes", "INVALID")]),
        ({"abandonAfterMinutes": 0}, [("abandonAfterMinutes", "INVALID")]),
        ({"abandonAfterMinutes": 10_000_000}, [("abandonAfterMinutes", "INVALID")]),
        ({"expireAfterDays": 0}, [("expireAfterDays", "INVALID")]),
        ({"expireAfterDays": 5000}, [("expireAfterDays", "INVALID")]),
        (
            {"abandonAfterMinutes": -1, "expireAfterDays": -1},
            [("abandonAfterMinutes", "INVALID"), ("expireAfterDays", "INVALID")],
        ),
        # A cart must count as abandoned before it expires.
        ({"abandonAfterMinutes": 1440, "expireAfterDays": 1}, [("abandonAfterMinutes", "INVALID")]),
        ({"expireAfterDays": 1, "abandonAfterMinutes": 2000}, [("abandonAfterMinutes", "INVALID")]),
    ]
    for given, expected in cases:
        out = _update(await gql(client, store.admin, UPDATE, {"input": given}))
        assert out["settings"] is None
        assert [(e["field"], e["code"]) for e in out["errors"]] == expected, given
    assert await fetch(owner_engine, "SELECT * FROM cart_settings") == before


async def test_only_tokens_with_settings_manage_read_or_change_them(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    orders_only = await store.token(TokenKind.ADMIN, ["orders:read", "orders:write"], "clerk")
    for token in (orders_only, store.storefront, store.partner):
        for document, variables in ((READ, None), (UPDATE, {"input": {"abandonAfterMinutes": 120}})):
            res = await gql(client, token, document, variables)
            codes = [e["extensions"]["code"] for e in res.json().get("errors", [])]
            assert codes and set(codes) <= {"FORBIDDEN", "PERSISTED_QUERY_ID_REQUIRED"}, res.json()
    assert await fetch(owner_engine, "SELECT * FROM cart_settings") == []
