"""Cross-store matrix: a store A admin token, holding every permission, gets not-found for store B's ids."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.access.services import RoleInput, TokenInput, create_role, create_token
from domain.documents.services import AnalysedDocument, register_document
from resolvers.ids import encode_global_id
from tests.fixtures.database import outbox, snapshot
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on ApiToken { name prefix }
    ... on Role { name permissions }
    ... on PersistedDocument { sha256 body }
  }
}"""
TOKEN_REVOKE = (
    "mutation Revoke($id: ID!) { apiTokenRevoke(id: $id) { apiToken { id } errors { field code } } }"
)
ROLE_UPDATE = """
mutation RoleUpdate($id: ID!) {
  roleUpdate(id: $id, permissions: ["tokens:manage"]) { role { id } errors { field code } }
}"""
ROLE_DELETE = "mutation RoleDelete($id: ID!) { roleDelete(id: $id) { deletedId errors { field code } } }"
TOKEN_CREATE_WITH_ROLE = """
mutation Create($role: ID!) {
  apiTokenCreate(input: {name: "borrowed", kind: ADMIN, roleId: $role}) {
    token apiToken { id } errors { field code }
  }
}"""


async def _store_b_objects(b: StoreFixture) -> dict[str, str]:
    """Global ids of a token, a role and a persisted document of store B."""
    async with b.uow() as uow:
        token, _ = await create_token(
            uow,
            TokenInput(name="b-secret-token", kind=TokenKind.ADMIN, scopes=["orders:read"]),
            created_by="test",
        )
        role = await create_role(uow, RoleInput(name="b-role", permissions=["orders:read"]))
        document, _ = await register_document(
            uow,
            AnalysedDocument(
                body="query BShop { shop { name } }\n", name="BShop", operation_type="query", cost=1
            ),
        )
        await uow.commit()
    return {
        "ApiToken": encode_global_id("ApiToken", token.id),
        "Role": encode_global_id("Role", role.id),
        "PersistedDocument": encode_global_id("PersistedDocument", document.id),
    }


async def _own_objects(a: StoreFixture) -> dict[str, str]:
    return await _store_b_objects(a)


@pytest.mark.parametrize("type_name", ["ApiToken", "Role", "PersistedDocument"])
async def test_node_of_another_store_is_null(client, make_store: MakeStore, type_name: str) -> None:
    # given objects in both stores
    a = await make_store("a")
    b = await make_store("b")
    own = await _own_objects(a)
    theirs = await _store_b_objects(b)

    # when store A's admin asks for each by global id
    mine = (await gql(client, a.admin, NODE, {"id": own[type_name]})).json()
    other = (await gql(client, a.admin, NODE, {"id": theirs[type_name]})).json()

    # then its own resolves (the query is right) and store B's is null, with no error to probe by
    assert mine["data"]["node"]["__typename"] == type_name
    assert mine["data"]["node"]["id"] == own[type_name]
    assert other == {"data": {"node": None}, "extensions": other["extensions"]}
    # store B's admin does see it
    seen_by_b = (await gql(client, b.admin, NODE, {"id": theirs[type_name]})).json()
    assert seen_by_b["data"]["node"]["id"] == theirs[type_name]


@pytest.mark.parametrize(
    ("document", "type_name", "field"),
    [
        (TOKEN_REVOKE, "ApiToken", "apiTokenRevoke"),
        (ROLE_UPDATE, "Role", "roleUpdate"),
        (ROLE_DELETE, "Role", "roleDelete"),
    ],
)
async def test_mutating_another_stores_object_is_not_found_and_changes_nothing(
    client, make_store: MakeStore, owner_engine: AsyncEngine, document: str, type_name: str, field: str
) -> None:
    # given store B's objects, as they stand
    a = await make_store("a")
    b = await make_store("b")
    theirs = await _store_b_objects(b)
    before_b = await snapshot(owner_engine, b.id)
    events_before = await outbox(owner_engine)

    # when store A's admin targets them
    res = (await gql(client, a.admin, document, {"id": theirs[type_name]})).json()

    # then it gets the same not-found as for an id that never existed
    payload: dict[str, Any] = res["data"][field]
    assert payload["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert all(v is None for k, v in payload.items() if k != "errors")
    unknown = encode_global_id(type_name, uuid.uuid4())
    assert (await gql(client, a.admin, document, {"id": unknown})).json()["data"][field] == payload

    # and store B is unchanged, and no event was written anywhere
    assert await snapshot(owner_engine, b.id) == before_b
    assert await outbox(owner_engine) == events_before


async def test_token_cannot_borrow_another_stores_role(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    theirs = await _store_b_objects(b)
    before_a = await snapshot(owner_engine, a.id)

    res = (await gql(client, a.admin, TOKEN_CREATE_WITH_ROLE, {"role": theirs["Role"]})).json()

    assert res["data"]["apiTokenCreate"] == {
        "token": None,
        "apiToken": None,
        "errors": [{"field": "roleId", "code": "NOT_FOUND"}],
    }
    assert await snapshot(owner_engine, a.id) == before_a


async def test_lists_show_only_the_callers_store(client, make_store: MakeStore) -> None:
    a = await make_store("a")
    b = await make_store("b")
    await _store_b_objects(b)
    lists = """{
      apiTokens(first: 100) { edges { node { name } } }
      roles(first: 100) { edges { node { name } } }
      persistedDocuments(first: 100) { edges { node { name } } }
      auditLog(first: 100) { entries { seq } }
    }"""

    res = (await gql(client, a.admin, lists)).json()

    assert res["data"] == {
        "apiTokens": {"edges": [{"node": {"name": n}} for n in ("admin", "storefront", "partner")]},
        "roles": {"edges": []},
        "persistedDocuments": {"edges": []},
        "auditLog": {"entries": []},
    }


async def test_storefront_cannot_run_another_stores_persisted_document(client, make_store: MakeStore) -> None:
    # given a document only store B registered
    a = await make_store("a")
    b = await make_store("b")
    await _store_b_objects(b)
    digest = hashlib.sha256(b"query BShop { shop { name } }\n").hexdigest()
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}

    # when each store's storefront sends its id
    theirs = await client.post("/graphql", json=body, headers={"authorization": f"Bearer {b.storefront}"})
    ours = await client.post("/graphql", json=body, headers={"authorization": f"Bearer {a.storefront}"})

    # then store B's runs it, against store B, and store A's does not know it
    assert theirs.json()["data"] == {"shop": {"name": "Store b"}}
    assert ours.status_code == 404
    assert [e["extensions"]["code"] for e in ours.json()["errors"]] == ["PERSISTED_QUERY_NOT_IN_LIST"]
