"""Persisted documents: a safelist of storefront documents, sent by sha256 id in Apollo's or the GraphQL over
HTTP shape, over POST or GET; storefront tokens may send nothing else, and nothing is registered from them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import gateway.documents
from persisted_queries.manifest import StoredDocument, load_documents
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

REGISTER = """mutation Register($body: String!) {
  persistedDocumentRegister(body: $body) {
    document { sha256 name operationType }
    errors { field code message }
  }
}"""
STORE_NAME = "query StoreName { shop { name slug } }\n"
RENAME = 'mutation Rename { shopUpdate(input: {name: "Renamed"}) { shop { name } errors { code } } }\n'


def shop_document() -> StoredDocument:
    (doc,) = [d for d in load_documents() if d.name == "Shop"]
    return doc


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def apq(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def headers(token: str | None) -> dict[str, str]:
    h = {"accept": GQL_RESPONSE}
    if token is not None:
        h["authorization"] = f"Bearer {token}"
    return h


async def by_id(
    client: httpx.AsyncClient,
    token: str,
    digest: str,
    *,
    shape: str = "apq",
    method: str = "POST",
    query: str | None = None,
    variables: dict[str, Any] | None = None,
) -> httpx.Response:
    """Send a persisted document id in one of the two shapes (`apq` or `documentId`) over POST or GET."""
    params: dict[str, Any] = {}
    if shape == "apq":
        params["extensions"] = apq(digest)
    else:
        params["documentId"] = f"sha256:{digest}"
    if query is not None:
        params["query"] = query
    if variables is not None:
        params["variables"] = variables
    if method == "POST":
        return await client.post("/graphql", json=params, headers=headers(token))
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return await client.get("/graphql", params=encoded, headers=headers(token))


async def register(client: httpx.AsyncClient, admin: str, body: str) -> dict[str, Any]:
    res = await gql(client, admin, REGISTER, {"body": body})
    assert res.status_code == 200, res.text
    payload: dict[str, Any] = res.json()["data"]["persistedDocumentRegister"]
    assert payload["errors"] == [], payload
    return payload


async def document_count(owner_engine: AsyncEngine) -> int:
    async with owner_engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM persisted_documents"))).scalar_one())


WAYS = [("apq", "POST"), ("documentId", "POST"), ("apq", "GET"), ("documentId", "GET")]


async def test_shop_document_id_is_the_sha256_of_its_body() -> None:
    doc = shop_document()
    assert doc.id == sha256(doc.body)
    assert doc.type == "query"


async def test_storefront_runs_shop_by_id_in_both_shapes_over_post_and_get(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a", "BDT")
    doc = shop_document()

    responses = [await by_id(client, store.storefront, doc.id, shape=s, method=m) for s, m in WAYS]

    for (shape, method), res in zip(WAYS, responses, strict=True):
        assert res.status_code == 200, (shape, method, res.text)
        assert res.headers["content-type"].startswith(GQL_RESPONSE)
        assert "errors" not in res.json(), (shape, method, res.text)
    answers = [res.json()["data"] for res in responses]
    assert answers == [answers[0]] * len(WAYS)
    assert answers[0] == {
        "shop": {
            "name": "Store a",
            "currencies": ["BDT"],
            "defaultCurrency": "BDT",
            "locales": ["bn", "en"],
            "defaultLocale": "bn",
            "timezone": "Asia/Dhaka",
        }
    }


async def test_the_query_may_accompany_its_own_id(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")
    doc = shop_document()

    res = await by_id(client, store.storefront, doc.id, query=doc.body)

    assert res.status_code == 200, res.text
    assert res.json()["data"]["shop"]["name"] == "Store a"


async def test_uppercase_hex_names_the_same_document(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a")

    res = await by_id(client, store.storefront, shop_document().id.upper(), shape="documentId")

    assert res.status_code == 200, res.text
    assert res.json()["data"]["shop"]["name"] == "Store a"


@pytest.mark.parametrize(("shape", "method"), WAYS)
async def test_unknown_id_is_404_not_in_list(
    client: httpx.AsyncClient, make_store: MakeStore, shape: str, method: str
) -> None:
    store = await make_store("a")

    res = await by_id(
        client, store.storefront, sha256("query Nope { shop { name } }"), shape=shape, method=method
    )

    assert res.status_code == 404, res.text
    body = res.json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert "data" not in body


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_raw_query_from_storefront_is_refused_before_any_resolver(
    client: httpx.AsyncClient, make_store: MakeStore, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    store = await make_store("a")
    parsed = count_calls(monkeypatch, "parse")
    query = "{ shop { name } }" if method == "GET" else RENAME

    if method == "POST":
        res = await gql(client, store.storefront, query)
    else:
        res = await client.get("/graphql", params={"query": query}, headers=headers(store.storefront))

    assert res.status_code == 400, res.text
    body = res.json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    assert "data" not in body
    assert parsed() == 0
    shop = (await gql(client, store.admin, "{ shop { name } }")).json()["data"]["shop"]
    assert shop["name"] == "Store a"


@pytest.mark.parametrize("shape", ["apq", "documentId"])
async def test_query_with_a_hash_that_does_not_match_it_is_400(
    client: httpx.AsyncClient, make_store: MakeStore, shape: str
) -> None:
    store = await make_store("a")
    known = shop_document().id
    unknown = sha256("query Other { shop { slug } }")

    for token in (store.storefront, store.admin):
        for digest in (known, unknown):
            res = await by_id(client, token, digest, shape=shape, query="query Mine { shop { slug } }")

            assert res.status_code == 400, res.text
            body = res.json()
            assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
            assert "data" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"documentId": "md5:0123"},
        {"documentId": "sha256:xyz"},
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "not-hex"}}},
        {"documentId": f"sha256:{'a' * 64}", "extensions": apq("b" * 64)},
    ],
)
async def test_malformed_ids_are_400(
    client: httpx.AsyncClient, make_store: MakeStore, params: dict[str, Any]
) -> None:
    store = await make_store("a")

    res = await client.post("/graphql", json=params, headers=headers(store.storefront))

    assert res.status_code == 400, res.text
    assert res.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


async def test_admin_registered_document_runs_for_its_store_only(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    a = await make_store("a")
    b = await make_store("b", "USD", ("en",))

    payload = await register(client, a.admin, STORE_NAME)

    digest = payload["document"]["sha256"]
    assert digest == sha256(STORE_NAME)
    assert payload["document"]["name"] == "StoreName"
    for shape, method in WAYS:
        mine = await by_id(client, a.storefront, digest, shape=shape, method=method)
        assert mine.status_code == 200, mine.text
        assert mine.json()["data"] == {"shop": {"name": "Store a", "slug": "a"}}

        theirs = await by_id(client, b.storefront, digest, shape=shape, method=method)
        assert theirs.status_code == 404, theirs.text
        assert theirs.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_registered_mutation_runs_over_post_and_is_405_over_get(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a")
    digest = (await register(client, store.admin, RENAME))["document"]["sha256"]

    over_get = await by_id(client, store.storefront, digest, method="GET")
    assert over_get.status_code == 405, over_get.text
    assert over_get.headers["allow"] == "POST"
    name = (await gql(client, store.admin, "{ shop { name } }")).json()["data"]["shop"]["name"]
    assert name == "Store a"

    over_post = await by_id(client, store.admin, digest, method="POST")
    assert over_post.status_code == 200, over_post.text
    assert over_post.json()["data"]["shopUpdate"]["shop"] == {"name": "Renamed"}


async def test_storefront_requests_never_register_anything(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    body = "query Sneaky { shop { name } }"
    digest = sha256(body)
    before = await document_count(owner_engine)

    attempts = [
        # Apollo's automatic persisted queries register on "hash + query"; we must not.
        await by_id(client, store.storefront, digest, shape="apq", query=body),
        await by_id(client, store.storefront, digest, shape="documentId", query=body),
        await by_id(client, store.storefront, digest, shape="apq", method="GET", query=body),
        await gql(client, store.storefront, REGISTER, {"body": body}),
    ]
    again = await by_id(client, store.storefront, digest)

    assert [r.status_code for r in attempts] == [404, 404, 404, 400]
    assert again.status_code == 404
    assert await document_count(owner_engine) == before


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> Callable[[], int]:
    """Wrap gateway.documents.<name> (graphql-core's parse or validate as our preparer uses them)."""
    original = getattr(gateway.documents, name)
    calls = 0

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(gateway.documents, name, counting)
    return lambda: calls


async def test_executing_by_id_skips_parse_and_validation(
    client: httpx.AsyncClient, make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await make_store("a")
    parsed = count_calls(monkeypatch, "parse")
    validated = count_calls(monkeypatch, "validate")

    raw = await gql(client, store.admin, "{ shop { name } }")
    assert raw.status_code == 200, raw.text
    assert parsed() > 0
    assert validated() > 0

    # Registration parses and validates, once.
    digest = (await register(client, store.admin, STORE_NAME))["document"]["sha256"]
    after_registration = (parsed(), validated())

    for shape, method in WAYS:
        shop = await by_id(client, store.storefront, shop_document().id, shape=shape, method=method)
        assert shop.status_code == 200, shop.text
        mine = await by_id(client, store.storefront, digest, shape=shape, method=method)
        assert mine.status_code == 200, mine.text
        assert mine.json()["data"]["shop"]["slug"] == "a"

    assert (parsed(), validated()) == after_registration
