"""GraphQL over HTTP at /graphql: authentication, request ids, methods, content negotiation, status codes."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

JSON = "application/json"
TYPENAME = "{ __typename }"


def auth(token: str, accept: str = GQL_RESPONSE) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "accept": accept}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500],
)
async def test_missing_or_bad_token_is_401(
    client: httpx.AsyncClient, make_store: MakeStore, authorization: str | None
) -> None:
    await make_store("a")
    h = {"accept": GQL_RESPONSE}
    if authorization is not None:
        h["authorization"] = authorization

    res = await client.post("/graphql", json={"query": TYPENAME}, headers=h)

    assert res.status_code == 401, res.text
    body = res.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body
    assert res.headers["www-authenticate"].startswith("Bearer")


async def test_unauthenticated_get_is_401_too(client: httpx.AsyncClient) -> None:
    res = await client.get("/graphql", params={"query": TYPENAME}, headers={"accept": GQL_RESPONSE})

    assert res.status_code == 401
    assert res.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_request_id_is_echoed_when_sent(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    res = await gql(client, store.admin, TYPENAME, headers={"x-request-id": "req-42.abc"})
    refused = await client.post("/graphql", json={"query": TYPENAME}, headers={"x-request-id": "req-43"})

    assert res.status_code == 200
    assert res.headers["x-request-id"] == "req-42.abc"
    assert refused.status_code == 401
    assert refused.headers["x-request-id"] == "req-43"


async def test_request_id_is_generated_otherwise(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    first = await gql(client, store.admin, TYPENAME)
    second = await gql(client, store.admin, TYPENAME)
    health = await client.get("/healthz")

    ids = [first.headers["x-request-id"], second.headers["x-request-id"], health.headers["x-request-id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), ids
    assert len(set(ids)) == 3


async def test_a_malformed_request_id_is_replaced(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    res = await gql(client, store.admin, TYPENAME, headers={"x-request-id": "bad id; <script>"})

    assert res.headers["x-request-id"] != "bad id; <script>"
    assert re.fullmatch(r"[0-9a-f]{32}", res.headers["x-request-id"])


async def test_queries_work_over_get(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    res = await client.get(
        "/graphql",
        params={"query": "query Q($n: String!) { __type(name: $n) { name } }", "variables": '{"n": "Query"}'},
        headers=auth(store.admin),
    )

    assert res.status_code == 200, res.text
    assert res.json()["data"] == {"__type": {"name": "Query"}}


@pytest.mark.parametrize("accept", [GQL_RESPONSE, JSON])
async def test_mutation_over_get_is_405_with_allow_post(
    client: httpx.AsyncClient, make_store: MakeStore, accept: str
) -> None:
    store = await make_store("a")
    mutation = 'mutation { shopUpdate(input: {name: "Via GET"}) { shop { name } } }'

    res = await client.get("/graphql", params={"query": mutation}, headers=auth(store.admin, accept))

    assert res.status_code == 405, res.text
    assert res.headers["allow"] == "POST"
    assert res.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    name = (await gql(client, store.admin, "{ shop { name } }")).json()["data"]["shop"]["name"]
    assert name == "Store a"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_405(client: httpx.AsyncClient, make_store: MakeStore, method: str) -> None:
    store = await make_store("a")

    res = await client.request(method, "/graphql", json={"query": TYPENAME}, headers=auth(store.admin))

    assert res.status_code == 405
    assert set(res.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
    ],
)
async def test_unsupported_content_type_is_415(
    client: httpx.AsyncClient, make_store: MakeStore, content_type: str
) -> None:
    store = await make_store("a")

    res = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={**auth(store.admin), "content-type": content_type},
    )

    assert res.status_code == 415, res.text
    assert res.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_missing_content_type_is_415(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    res = await client.post("/graphql", content=b'{"query": "{ __typename }"}', headers=auth(store.admin))

    assert res.status_code == 415


async def test_json_with_utf8_charset_is_accepted(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")

    res = await client.post(
        "/graphql",
        content='{"query": "{ __type(name: \\"দোকান\\") { name } }"}'.encode(),
        headers={**auth(store.admin), "content-type": "application/json; charset=UTF-8"},
    )

    assert res.status_code == 200, res.text
    assert res.json()["data"] == {"__type": None}


@pytest.mark.parametrize("accept", ["text/csv", "text/html", "application/xml", "application/json;q=0"])
async def test_unacceptable_accept_is_406(
    client: httpx.AsyncClient, make_store: MakeStore, accept: str
) -> None:
    store = await make_store("a")

    res = await client.post("/graphql", json={"query": TYPENAME}, headers=auth(store.admin, accept))

    assert res.status_code == 406, res.text
    assert res.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GQL_RESPONSE, GQL_RESPONSE),
        (f"{GQL_RESPONSE}, {JSON};q=0.9", GQL_RESPONSE),
        (f"{JSON}, {GQL_RESPONSE}", GQL_RESPONSE),
        (f"{GQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"text/html, {GQL_RESPONSE};q=0.8", GQL_RESPONSE),
    ],
)
async def test_response_media_type_follows_accept(
    client: httpx.AsyncClient, make_store: MakeStore, accept: str | None, expected: str
) -> None:
    store = await make_store("a")
    h = {"authorization": f"Bearer {store.admin}"}
    if accept is not None:
        h["accept"] = accept

    res = await client.post("/graphql", json={"query": TYPENAME}, headers=h)

    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == f"{expected}; charset=utf-8"
    assert res.json() == {"data": {"__typename": "Query"}, "extensions": res.json()["extensions"]}


@pytest.mark.parametrize(
    ("query", "code"),
    [("{", "GRAPHQL_PARSE_FAILED"), ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_parse_and_validation_failures_by_media_type(
    client: httpx.AsyncClient, make_store: MakeStore, query: str, code: str
) -> None:
    store = await make_store("a")

    modern = await client.post("/graphql", json={"query": query}, headers=auth(store.admin, GQL_RESPONSE))
    legacy = await client.post("/graphql", json={"query": query}, headers=auth(store.admin, JSON))

    assert modern.status_code == 400
    assert legacy.status_code == 200
    for res in (modern, legacy):
        body = res.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == code


async def test_variable_coercion_failure_is_400_without_data(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a")
    query = "query Q($id: ID!) { __typename }"

    modern = await client.post(
        "/graphql", json={"query": query, "variables": {"id": None}}, headers=auth(store.admin)
    )
    legacy = await client.post(
        "/graphql", json={"query": query, "variables": {"id": None}}, headers=auth(store.admin, JSON)
    )

    assert modern.status_code == 400
    assert "data" not in modern.json()
    assert legacy.status_code == 200
    assert "data" not in legacy.json()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{ "not a JSON',
        b"[]",
        b'{"notquery": "{ __typename }"}',
        b'{"query": 0}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "extensions": []}',
        b'{"query": "{ __typename }", "operationName": false}',
    ],
)
async def test_bad_request_bodies_are_400(
    client: httpx.AsyncClient, make_store: MakeStore, body: bytes
) -> None:
    store = await make_store("a")

    res = await client.post(
        "/graphql", content=body, headers={**auth(store.admin), "content-type": "application/json"}
    )

    assert res.status_code == 400, res.text
    assert res.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_operation_name_selects_the_operation(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")
    doc = "query A { __typename } query B { shop { slug } }"

    chosen = await client.post(
        "/graphql", json={"query": doc, "operationName": "B"}, headers=auth(store.admin)
    )
    unnamed = await client.post("/graphql", json={"query": doc}, headers=auth(store.admin))
    unknown = await client.post(
        "/graphql", json={"query": doc, "operationName": "C"}, headers=auth(store.admin)
    )

    assert chosen.status_code == 200
    assert chosen.json()["data"] == {"shop": {"slug": "a"}}
    assert unnamed.status_code == 400
    assert unknown.status_code == 400
