"""Promotions over GraphQL: writes with payload errors, permissions, codes, lists and the explanation."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import count, outbox, statements
from tests.fixtures.promotions import seed_cart_catalog
from tests.fixtures.tenancy import MakeStore, gql

FIELDS = (
    "id name kind status priority exclusive discountClass combinesWith currency conditions action codeCount"
)
CREATE = f"""
mutation C($input: PromotionCreateInput!) {{
  promotionCreate(input: $input) {{ promotion {{ {FIELDS} }} errors {{ field code message }} }}
}}"""
UPDATE = f"""
mutation U($id: ID!, $input: PromotionUpdateInput!) {{
  promotionUpdate(id: $id, input: $input) {{ promotion {{ {FIELDS} }} errors {{ field code message }} }}
}}"""
ACTIVATE = (
    "mutation A($id: ID!) { promotionActivate(id: $id) { promotion { status } errors { field code } } }"
)
DEACTIVATE = (
    "mutation A($id: ID!) { promotionDeactivate(id: $id) { promotion { status } errors { field code } } }"
)
DELETE = "mutation D($id: ID!) { promotionDelete(id: $id) { deletedId errors { field code } } }"
CODE_CREATE = """
mutation C($id: ID!, $input: DiscountCodeCreateInput!) {
  discountCodeCreate(promotionId: $id, input: $input) {
    discountCode { id code usageLimit used promotion { id name } } errors { field code message }
  }
}"""
GENERATE = """
mutation G($id: ID!, $input: DiscountCodesGenerateInput!) {
  discountCodesGenerate(promotionId: $id, input: $input) { batchId count errors { field code message } }
}"""
LIST = f"query L($first: Int) {{ promotions(first: $first) {{ edges {{ node {{ {FIELDS} }} }} }} }}"
CODES = """
query C($id: ID!) { discountCodes(promotionId: $id, first: 50) { edges { node { code usageLimit } } } }"""
EXPLAIN = """
query E($input: PromotionExplainInput!) {
  promotionExplain(input: $input) {
    explanation {
      subtotal { amount } itemsDiscount { amount } shippingDiscount { amount } total { amount }
      lines { lineIndex unitPrice { amount } total { amount } }
      rules { name applied amount { amount } code reasons { code message } }
      applied {
        name discountClass amount { amount } lines { lineIndex amount { amount } } shipping { amount }
      }
      unknownCodes
    }
    errors { field code message }
  }
}"""


async def _create(client: httpx.AsyncClient, token: str, **fields: Any) -> dict[str, Any]:
    payload = await call(
        client,
        token,
        CREATE,
        {"input": {"name": "Eid", "action": {"type": "order_percent", "percent": 10}, **fields}},
    )
    assert payload["errors"] == [], payload
    return payload["promotion"]  # type: ignore[no-any-return]


async def test_create_update_activate_delete_with_events(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    created = await _create(client, store.admin, combinesWith=["SHIPPING"], priority=5)
    assert created["status"] == "DRAFT"
    assert created["discountClass"] == "ORDER"
    assert created["action"] == {"type": "order_percent", "percent": "10"}
    assert created["conditions"] == {"op": "and", "conditions": []}
    pid = created["id"]
    updated = await call(client, store.admin, UPDATE, {"id": pid, "input": {"name": "Eid sale"}})
    assert updated["promotion"]["name"] == "Eid sale"
    assert updated["promotion"]["priority"] == 5
    assert (await call(client, store.admin, ACTIVATE, {"id": pid}))["promotion"]["status"] == "ACTIVE"
    assert (await call(client, store.admin, DEACTIVATE, {"id": pid}))["promotion"]["status"] == "INACTIVE"
    assert (await call(client, store.admin, DELETE, {"id": pid}))["deletedId"] == pid
    types = [e["type"] for e in await outbox(owner_engine, store.id) if e["type"].startswith("promotion")]
    assert types == [
        "promotion.created",
        "promotion.updated",
        "promotion.activated",
        "promotion.deactivated",
        "promotion.deleted",
    ]


async def test_bad_input_is_answered_in_the_payload_and_changes_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    before = len(await outbox(owner_engine, store.id))
    payload = await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "name": "Bad",
                "action": {"type": "buy_x_get_y", "buy_quantity": 0, "get_items": {}},
                "conditions": {"type": "day_of_week", "days": [8]},
            }
        },
    )
    assert payload["promotion"] is None
    assert codes(payload) == [
        ("conditions.days", "INVALID_RULE"),
        ("action.buy_quantity", "INVALID_ACTION"),
        ("action.buy_items", "INVALID_ACTION"),
        ("action.get_quantity", "INVALID_ACTION"),
        ("action.get_items", "INVALID_ACTION"),
    ]
    shape = await call(
        client, store.admin, CREATE, {"input": {"name": " ", "action": {"type": "gift"}, "priority": -1}}
    )
    assert sorted(codes(shape)) == [("name", "INVALID"), ("priority", "INVALID")]
    assert await count(owner_engine, "promotions", store.id) == 0
    assert len(await outbox(owner_engine, store.id)) == before


async def test_permissions_and_other_stores(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store, other = await make_store("a"), await make_store("b")
    reader = await store.token(TokenKind.ADMIN, ["promotions:read"])
    variables = {"input": {"name": "x", "action": {"type": "free_shipping"}}}
    body = (await gql(client, reader, CREATE, variables)).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # storefront tokens never get this far: they may only send persisted documents
    body = (await gql(client, store.storefront, CREATE, variables)).json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    assert "errors" not in (await gql(client, reader, LIST)).json()
    theirs = await _create(client, other.admin)
    payload = await call(client, store.admin, UPDATE, {"id": theirs["id"], "input": {"name": "mine"}})
    assert codes(payload) == [("id", "NOT_FOUND")]
    listed = (await gql(client, store.admin, LIST)).json()["data"]["promotions"]["edges"]
    assert listed == []


async def test_codes_case_insensitive_and_generated_in_bulk(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    automatic = await _create(client, store.admin)
    coded = await _create(client, store.admin, kind="CODE")
    wrong = await call(client, store.admin, CODE_CREATE, {"id": automatic["id"], "input": {"code": "EID10"}})
    assert codes(wrong) == [("promotionId", "INVALID")]
    made = await call(
        client, store.admin, CODE_CREATE, {"id": coded["id"], "input": {"code": "Eid10", "usageLimit": 5}}
    )
    assert made["discountCode"]["code"] == "Eid10"
    assert made["discountCode"]["promotion"]["id"] == coded["id"]
    again = await call(client, store.admin, CODE_CREATE, {"id": coded["id"], "input": {"code": "EID10"}})
    assert codes(again) == [("code", "DUPLICATE_CODE")]
    bad = await call(client, store.admin, CODE_CREATE, {"id": coded["id"], "input": {"code": "no spaces"}})
    assert codes(bad) == [("code", "INVALID")]
    generated = await call(
        client, store.admin, GENERATE, {"id": coded["id"], "input": {"count": 40, "prefix": "EID-"}}
    )
    assert generated["count"] == 40
    listed = (await gql(client, store.admin, CODES, {"id": coded["id"]})).json()["data"]["discountCodes"][
        "edges"
    ]
    assert len(listed) == 41
    assert all(e["node"]["code"].startswith("EID-") for e in listed[1:])
    assert {e["node"]["usageLimit"] for e in listed[1:]} == {1}
    code_events = [e for e in await outbox(owner_engine, store.id) if e["type"].startswith("discount_code")]
    assert [e["type"] for e in code_events] == ["discount_code.created", "discount_codes.generated"]
    assert code_events[1]["data"]["count"] == 40


async def test_listing_reads_a_constant_number_of_statements(
    client: httpx.AsyncClient, make_store: MakeStore, app: Any
) -> None:
    store = await make_store()
    for n in range(2):
        await _create(client, store.admin, name=f"p{n}")
    engine = app.state.gateway.db.primary
    with statements(engine) as few:
        assert len((await gql(client, store.admin, LIST)).json()["data"]["promotions"]["edges"]) == 2
    for n in range(2, 12):
        await _create(client, store.admin, name=f"p{n}")
    with statements(engine) as many:
        assert len((await gql(client, store.admin, LIST)).json()["data"]["promotions"]["edges"]) == 12
    assert len(many) == len(few)


async def test_code_listing_reads_a_constant_number_of_statements(
    client: httpx.AsyncClient, make_store: MakeStore, app: Any
) -> None:
    store = await make_store()
    coded = await _create(client, store.admin, kind="CODE")
    document = """
    query C($id: ID!) {
      discountCodes(promotionId: $id, first: 100) { edges { node { code promotion { name } } } }
    }"""
    engine = app.state.gateway.db.primary
    await call(client, store.admin, GENERATE, {"id": coded["id"], "input": {"count": 2}})
    with statements(engine) as few:
        assert (
            len(
                (await gql(client, store.admin, document, {"id": coded["id"]})).json()["data"][
                    "discountCodes"
                ]["edges"]
            )
            == 2
        )
    await call(client, store.admin, GENERATE, {"id": coded["id"], "input": {"count": 60}})
    with statements(engine) as many:
        assert (
            len(
                (await gql(client, store.admin, document, {"id": coded["id"]})).json()["data"][
                    "discountCodes"
                ]["edges"]
            )
            == 62
        )
    assert len(many) == len(few)


async def test_explanation_for_an_eid_cart(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    """The issue's merchant: an Eid sale, a bKash-only discount, a BOGO on tees and free delivery over
    ৳1500 — and why each applied or not."""
    store = await make_store()
    ids = await seed_cart_catalog(store)
    tees = {"categories": [str(ids["child"])]}
    await _create(
        client,
        store.admin,
        name="BOGO tees",
        priority=1,
        combinesWith=["ORDER", "SHIPPING"],
        action={
            "type": "buy_x_get_y",
            "buy_quantity": 1,
            "buy_items": tees,
            "get_quantity": 1,
            "get_items": tees,
        },
        active=True,
    )
    await _create(
        client,
        store.admin,
        name="bKash 5%",
        priority=2,
        combinesWith=["PRODUCT", "SHIPPING"],
        action={"type": "order_percent", "percent": 5},
        conditions={"type": "payment_method", "values": ["bkash"]},
        active=True,
    )
    await _create(
        client,
        store.admin,
        name="Free delivery over 1500",
        priority=3,
        currency="BDT",
        combinesWith=["PRODUCT", "ORDER"],
        action={"type": "free_shipping"},
        conditions={"type": "subtotal_at_least", "amount": 150000},
        active=True,
    )
    eid = await _create(
        client,
        store.admin,
        name="Eid 10%",
        kind="CODE",
        priority=4,
        action={"type": "order_percent", "percent": 10},
        conditions={
            "type": "date_window",
            "from": "2027-03-09T00:00:00+06:00",
            "until": "2027-03-13T00:00:00+06:00",
        },
        active=True,
    )
    await call(client, store.admin, CODE_CREATE, {"id": eid["id"], "input": {"code": "EID10"}})
    variables = {
        "input": {
            "lines": [
                {"variantId": encode_global_id("ProductVariant", ids["tee_v"]), "quantity": 2},
                {"variantId": encode_global_id("ProductVariant", ids["mug_v"]), "quantity": 1},
            ],
            "currency": "BDT",
            "codes": ["eid10", "NOSUCH"],
            "paymentMethod": "bKash",
            "shippingAmount": 6000,
            "at": "2026-12-01T12:00:00+06:00",
        }
    }
    body = (await gql(client, store.admin, EXPLAIN, variables)).json()
    assert "errors" not in body, body
    result = body["data"]["promotionExplain"]
    assert result["errors"] == []
    e = result["explanation"]
    rules = {r["name"]: r for r in e["rules"]}
    # subtotal 2 x 800 + 300 = 1900; the second tee free (800); 5% of the 1100 left (55); shipping free
    assert rules["BOGO tees"]["amount"]["amount"] == 80000
    assert rules["bKash 5%"]["amount"]["amount"] == 5500
    assert rules["Free delivery over 1500"]["applied"] is True
    assert rules["Eid 10%"]["applied"] is False
    assert rules["Eid 10%"]["code"] == "EID10"
    assert [r["code"] for r in rules["Eid 10%"]["reasons"]] == ["OUTSIDE_DATES"]
    assert e["unknownCodes"] == ["NOSUCH"]
    assert e["subtotal"]["amount"] == 190000
    assert e["itemsDiscount"]["amount"] == 85500
    assert e["shippingDiscount"]["amount"] == 6000
    assert e["total"]["amount"] == 190000 - 85500
    for applied in e["applied"]:
        assert (
            sum(x["amount"]["amount"] for x in applied["lines"]) + applied["shipping"]["amount"]
            == applied["amount"]["amount"]
        )


async def test_explanation_input_errors(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store()
    variables = {
        "input": {
            "lines": [{"variantId": encode_global_id("ProductVariant", store.id), "quantity": 1}],
            "currency": "BDT",
        }
    }
    result = (await gql(client, store.admin, EXPLAIN, variables)).json()["data"]["promotionExplain"]
    assert result["explanation"] is None
    assert codes(result) == [("lines.0.variantId", "NOT_FOUND")]
    variables["input"]["currency"] = "EUR"
    result = (await gql(client, store.admin, EXPLAIN, variables)).json()["data"]["promotionExplain"]
    assert codes(result) == [("currency", "UNSUPPORTED_CURRENCY")]
