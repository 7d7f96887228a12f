"""The return URL of paymentStart is an open redirect unless it is checked: only URLs on the store's
storefront origins (set by shopUpdate) are taken; anything else is a payload error and nothing is
created or sent to the provider."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.payments.models import Provider
from gateway.settings import Settings
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import persisted
from tests.fixtures.database import count, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.payments import configure, make_order, order_access
from tests.fixtures.tenancy import MakeStore, gql

SET_ORIGINS = """
mutation Origins($origins: [String!]!) {
  shopUpdate(input: {storefrontOrigins: $origins}) { shop { storefrontOrigins } errors { field code } }
}"""
INVALID = {"field": "returnUrl", "code": "INVALID"}


async def test_shop_update_sets_and_validates_storefront_origins(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    res = await gql(
        client,
        store.admin,
        SET_ORIGINS,
        {"origins": ["https://Shop.Example.com/", "http://localhost:3000", "https://shop.example.com"]},
    )
    assert res.json()["data"]["shopUpdate"] == {
        "shop": {"storefrontOrigins": ["https://shop.example.com", "http://localhost:3000"]},
        "errors": [],
    }
    events = len(await outbox(owner_engine, store.id))
    for bad, index in (
        (["https://ok.example", "http://shop.example.com"], 1),
        (["https://shop.example.com/checkout"], 0),
        (["javascript:alert(1)"], 0),
    ):
        res = await gql(client, store.admin, SET_ORIGINS, {"origins": bad})
        assert res.json()["data"]["shopUpdate"] == {
            "shop": None,
            "errors": [{"field": f"storefrontOrigins.{index}", "code": "INVALID"}],
        }
    too_many = [f"https://s{i}.example.com" for i in range(21)]
    res = await gql(client, store.admin, SET_ORIGINS, {"origins": too_many})
    assert [e["code"] for e in res.json()["data"]["shopUpdate"]["errors"]] == ["INVALID"]
    assert len(await outbox(owner_engine, store.id)) == events
    shop = (await gql(client, store.admin, "{ shop { storefrontOrigins } }")).json()["data"]["shop"]
    assert shop == {"storefrontOrigins": ["https://shop.example.com", "http://localhost:3000"]}


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "https://shop.example.com.evil.example/done",
        "http://shop.example.com/done",
        "https://shop.example.com@evil.example/done",
        "https://shop.example.com\\@evil.example/",
        "javascript:alert(1)",
        "//evil.example/",
        "https://shop.example.com/" + "x" * 2000,
    ],
)
async def test_a_return_url_off_the_storefront_origins_is_refused(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    fake_bkash: FakeBkash,
    settings: Settings,
    url: str,
) -> None:
    store = await make_store()
    await configure(store, Provider.BKASH, fake_bkash.account())
    await gql(client, store.admin, SET_ORIGINS, {"origins": ["https://shop.example.com"]})
    order_id = await make_order(store, 30_000, "BDT", "bkash")
    variables = {
        "orderId": encode_global_id("Order", order_id),
        "provider": "BKASH",
        "returnUrl": url,
        "orderAccessToken": await order_access(store, order_id, settings),
    }
    data = await persisted(client, store.storefront, "PaymentStart", variables)
    payload = data["paymentStart"]
    assert payload["payment"] is None
    assert [{"field": e["field"], "code": e["code"]} for e in payload["errors"]] == [INVALID]
    assert await count(owner_engine, "payment_attempts") == 0
    assert fake_bkash.script.calls["create"] == 0
    assert not [e for e in await outbox(owner_engine, store.id) if e["type"].startswith("payment.")]


async def test_a_return_url_on_a_storefront_origin_is_where_the_shopper_returns(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    fake_bkash: FakeBkash,
    settings: Settings,
) -> None:
    store = await make_store()
    await configure(store, Provider.BKASH, fake_bkash.account())
    order_id = await make_order(store, 30_000, "BDT", "bkash")
    variables = {
        "orderId": encode_global_id("Order", order_id),
        "provider": "BKASH",
        "returnUrl": "https://shop.example.com/thanks?o=1",
        "orderAccessToken": await order_access(store, order_id, settings),
    }
    # No origins configured yet: no return URL is acceptable.
    refused = (await persisted(client, store.storefront, "PaymentStart", variables))["paymentStart"]
    assert [e["field"] for e in refused["errors"]] == ["returnUrl"]
    await gql(client, store.admin, SET_ORIGINS, {"origins": ["https://shop.example.com"]})
    started = (await persisted(client, store.storefront, "PaymentStart", variables))["paymentStart"]
    assert started["errors"] == [] and started["payment"]["status"] == "PENDING"
    rows = await count(owner_engine, "payment_attempts")
    assert rows == 1
