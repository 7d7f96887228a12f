"""Reviews over GraphQL: a storefront submits through its persisted document (pending, never verified);
admins with catalog:write create and moderate."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.catalog.models import ProductStatus
from persisted_queries.manifest import load_documents
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_rows import add_product, catalog_events
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

MODERATE = """mutation M($id: ID!, $status: ReviewStatus!) {
  reviewModerate(id: $id, status: $status) { review { id status moderatedAt } errors { field code } } }"""
CREATE = """mutation C($input: ReviewCreateInput!) {
  reviewCreate(input: $input) { review { id status verifiedPurchase } errors { field code } } }"""
DELETE = "mutation D($id: ID!) { reviewDelete(id: $id) { deletedId errors { field code } } }"


async def _submit(client: Any, token: str, variables: dict[str, Any]) -> Any:
    (doc,) = [d for d in load_documents() if d.name == "ReviewSubmit"]
    return await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": doc.id}}, "variables": variables},
        headers={"accept": GQL_RESPONSE, "authorization": f"Bearer {token}"},
    )


def _review(product: Any, **fields: Any) -> dict[str, Any]:
    return {"input": {"productId": encode_global_id("Product", product.id), "authorName": "করিম", **fields}}


async def test_storefront_submit_then_admin_moderates(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await add_product(a)

    res = await _submit(client, a.storefront, _review(product, rating=5, title="দারুণ", body="খুব আরামদায়ক"))

    payload = res.json()["data"]["reviewSubmit"]
    assert payload["errors"] == []
    review = payload["review"]
    assert {
        k: review[k] for k in ("rating", "title", "body", "authorName", "verifiedPurchase", "status")
    } == {
        "rating": 5,
        "title": "দারুণ",
        "body": "খুব আরামদায়ক",
        "authorName": "করিম",
        "verifiedPurchase": False,
        "status": "PENDING",
    }
    assert (await catalog_events(owner_engine, a))[-1][0] == "review.submitted"

    res = await gql(client, a.admin, MODERATE, {"id": review["id"], "status": "APPROVED"})
    moderated = res.json()["data"]["reviewModerate"]
    assert moderated["errors"] == [] and moderated["review"]["status"] == "APPROVED"
    res = await gql(client, a.admin, MODERATE, {"id": review["id"], "status": "PENDING"})
    assert res.json()["data"]["reviewModerate"] == {
        "review": None,
        "errors": [{"field": "status", "code": "INVALID_TRANSITION"}],
    }
    (row,) = await fetch(owner_engine, "SELECT status FROM reviews")
    assert row["status"] == "approved"

    res = await gql(client, a.admin, DELETE, {"id": review["id"]})
    assert res.json()["data"]["reviewDelete"] == {"deletedId": review["id"], "errors": []}
    assert await count(owner_engine, "reviews") == 0


async def test_storefront_errors_change_nothing(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    product = await add_product(a)
    draft = await add_product(a, status=ProductStatus.DRAFT)
    theirs = await add_product(b)

    cases = [
        (_review(product, rating=0), [("rating", "INVALID_RATING")]),
        (_review(product, rating=6), [("rating", "INVALID_RATING")]),
        (_review(product, rating=5, body="x" * 5001), [("body", "INVALID")]),
        (_review(draft, rating=5), [("productId", "NOT_FOUND")]),
        (_review(theirs, rating=5), [("productId", "NOT_FOUND")]),
        ({"input": {"productId": "bogus", "rating": 5, "authorName": "x"}}, [("productId", "NOT_FOUND")]),
    ]
    for variables, expected in cases:
        res = await _submit(client, a.storefront, variables)
        errors = res.json()["data"]["reviewSubmit"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == expected, variables

    assert await count(owner_engine, "reviews") == 0
    assert await catalog_events(owner_engine, a) == []


async def test_only_staff_vouch_for_a_purchase_and_moderate(
    client: Any, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    product = await add_product(a)

    res = await gql(client, a.admin, CREATE, _review(product, rating=4, verifiedPurchase=True))
    created = res.json()["data"]["reviewCreate"]
    assert created["errors"] == []
    assert created["review"]["verifiedPurchase"] is True and created["review"]["status"] == "PENDING"

    # a storefront token cannot send the admin document at all, nor a partner without the scope moderate
    res = await gql(client, a.storefront, MODERATE, {"id": created["review"]["id"], "status": "APPROVED"})
    assert res.status_code == 400
    assert res.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    reader = await a.token(TokenKind.ADMIN, ["catalog:read"], "reader")
    res = await gql(client, reader, MODERATE, {"id": created["review"]["id"], "status": "APPROVED"})
    assert [e["extensions"]["code"] for e in res.json()["errors"]] == ["FORBIDDEN"]
    (row,) = await fetch(owner_engine, "SELECT status FROM reviews")
    assert row["status"] == "pending"
