"""Property-based fuzzing of every query and mutation with schemathesis: whatever valid document it
generates, an admin token never gets a server error (no 5xx, no masked INTERNAL_SERVER_ERROR).

Schemathesis only generates the documents here (from the SDL the app serves); they are sent through the
ASGI app with httpx on the test's own event loop, so the app's connection pools stay on one loop.
"""

import base64
import uuid
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from domain.promotions.actions import ACTION_TYPES
from domain.promotions.conditions import LEAF_TYPES
from gateway.app import create_app
from gateway.settings import Settings
from schema import schema
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

NODE_TYPES = ("ApiToken", "Role", "PersistedDocument")
# Global ids of rows the fixture created for the current test (so some ids hit real rows).
EXISTING_IDS: list[str] = []


def _existing(index: int) -> str:
    return EXISTING_IDS[index % len(EXISTING_IDS)] if EXISTING_IDS else ""


def _global_id(type_name: str, raw: str) -> str:
    return base64.b64encode(f"{type_name}:{raw}".encode()).decode()


# Random strings almost never decode as global ids, so most generated ids are well-formed instead:
# of every node type (and of no type), pointing at nothing or at a row that exists.
IDS = st.one_of(
    st.builds(_global_id, st.sampled_from(NODE_TYPES), st.uuids().map(str)),
    st.builds(_global_id, st.text(max_size=12), st.text(max_size=40)),
    st.integers(min_value=0, max_value=1_000).map(_existing),
    st.text(max_size=60),
)
schemathesis.graphql.scalar("ID", IDS.map(nodes.String))

# JSON arguments (collection rules, promotion conditions and actions): objects built mostly from the keys
# and type names the validators know, so generated documents reach past the first "unknown key" check.
JSON_KEYS = st.sampled_from(
    [
        "type",
        "op",
        "conditions",
        "items",
        "products",
        "variants",
        "categories",
        "brands",
        "amount",
        "percent",
        "quantity",
        "values",
        "days",
        "from",
        "until",
        "tiers",
        "min_subtotal",
        "components",
        "price",
        "buy_quantity",
        "buy_items",
        "get_quantity",
        "get_items",
        "variant_id",
        "max_amount",
        "match",
        "field",
    ]
) | st.text(max_size=8)
JSON_WORDS = st.sampled_from(
    [*LEAF_TYPES, *ACTION_TYPES, "and", "or", "web", "bkash", "09:00", "2026-12-01T00:00:00+06:00"]
) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | JSON_WORDS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_KEYS, inner, max_size=5),
    max_leaves=12,
)


def _literal(value: Any) -> graphql.ValueNode:
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([_literal(v) for v in value])
    return nodes.Object(
        [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_literal(v)) for k, v in value.items()]
    )


schemathesis.graphql.scalar("JSON", JSON_VALUES.map(_literal))

API = schemathesis.graphql.from_file(schema.as_str())
OPERATIONS = {op.label: op for op in (result.ok() for result in API.get_all_operations())}

SETUP = """mutation {
  roleCreate(input: {name: "fuzz", permissions: ["orders:read"]}) { role { id } }
  apiTokenCreate(input: {name: "spare", kind: ADMIN, scopes: ["orders:read"]}) { apiToken { id } }
  persistedDocumentRegister(body: "query Fuzz { shop { name } }") { document { id } }
}"""


@pytest.fixture
async def fuzz(settings: Settings, make_store: MakeStore) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    # A bucket that never empties: the fuzzer tests resolvers, not the throttle.
    roomy = settings.model_copy(update={"cost_bucket_size": 10**9, "cost_restore_rate": 10**9})
    app = create_app(roomy)
    store = await make_store("fuzz")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        made = (await gql(client, store.admin, SETUP)).json()["data"]
        EXISTING_IDS[:] = [
            made["roleCreate"]["role"]["id"],
            made["apiTokenCreate"]["apiToken"]["id"],
            made["persistedDocumentRegister"]["document"]["id"],
            _global_id("Role", str(uuid.uuid4())),
        ]
        yield client, store.admin
    EXISTING_IDS.clear()
    await app.state.gateway.db.dispose()
    await app.state.gateway.redis.aclose()


def server_errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    errors = (body.get("errors") or []) if isinstance(body, dict) else []
    return [e for e in errors if (e.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"]


@pytest.mark.parametrize("label", sorted(OPERATIONS))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_generated_document_causes_a_server_error(
    fuzz: tuple[httpx.AsyncClient, str], label: str, data: st.DataObject
) -> None:
    client, admin = fuzz
    case = data.draw(OPERATIONS[label].as_strategy(), label="case")

    response = await client.post(
        "/graphql",
        json={"query": case.body},
        headers={"authorization": f"Bearer {admin}", "accept": GQL_RESPONSE},
    )

    assert response.status_code < 500, (case.body, response.text)
    assert server_errors(response) == [], (case.body, response.text)
