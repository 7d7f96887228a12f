"""API tokens and roles over GraphQL: secret shown once, hash stored, scopes enforced, changes as events."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.access.services import RoleInput, TokenInput, create_role, create_token
from resolvers.ids import encode_global_id
from tests.fixtures.database import count, fetch, outbox, snapshot
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, StoreFixture, gql

TOKEN_CREATE = """
mutation Create($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) {
    token
    apiToken { id name kind prefix scopes expiresAt revokedAt role { name permissions } }
    errors { field code }
  }
}"""
TOKEN_REVOKE = """
mutation Revoke($id: ID!) {
  apiTokenRevoke(id: $id) { apiToken { id revokedAt } errors { field code } }
}"""
ROLE_CREATE = """
mutation RoleCreate($input: RoleCreateInput!) {
  roleCreate(input: $input) { role { id name permissions } errors { field code } }
}"""
ROLE_UPDATE = """
mutation RoleUpdate($id: ID!, $permissions: [String!]!) {
  roleUpdate(id: $id, permissions: $permissions) { role { id name permissions } errors { field code } }
}"""
ROLE_DELETE = """
mutation RoleDelete($id: ID!) { roleDelete(id: $id) { deletedId errors { field code } } }"""
DOCUMENT_REGISTER = """
mutation Register($body: String!) {
  persistedDocumentRegister(body: $body) { document { id sha256 } errors { field code } }
}"""
SHOP_UPDATE = """mutation { shopUpdate(input: {name: "Renamed"}) { shop { name } errors { code } } }"""
VIEWER = "{ viewer { kind name scopes } }"
TOKENS = "{ apiTokens(first: 50) { edges { node { name prefix } } } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def _token_row(owner_engine: AsyncEngine, prefix: str) -> dict[str, Any]:
    rows = await fetch(owner_engine, "SELECT * FROM api_tokens WHERE prefix = :p", p=prefix)
    assert len(rows) == 1
    return dict(rows[0])


async def test_create_returns_the_secret_once_and_stores_only_its_hash(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given a store admin
    a = await make_store("a")

    # when it creates a token
    res = await gql(
        client, a.admin, TOKEN_CREATE, {"input": {"name": "ci", "kind": "ADMIN", "scopes": ["orders:read"]}}
    )

    # then the payload carries the secret, and the database only its sha256
    payload = res.json()["data"]["apiTokenCreate"]
    secret = payload["token"]
    assert secret.startswith("stc_ad_") and len(secret) > 40
    assert payload["errors"] == []
    assert payload["apiToken"] == {
        "id": payload["apiToken"]["id"],
        "name": "ci",
        "kind": "ADMIN",
        "prefix": secret[:12],
        "scopes": ["orders:read"],
        "expiresAt": None,
        "revokedAt": None,
        "role": None,
    }
    row = await _token_row(owner_engine, secret[:12])
    assert row["token_hash"] == hashlib.sha256(secret.encode()).digest()
    assert row["store_id"] == a.id
    everywhere = await fetch(
        owner_engine,
        "SELECT row_to_json(t)::text AS j FROM api_tokens t UNION ALL "
        "SELECT row_to_json(o)::text FROM outbox_events o UNION ALL "
        "SELECT row_to_json(l)::text FROM audit_log l",
    )
    assert [r["j"] for r in everywhere if secret in r["j"]] == []

    # and no later read shows it again
    listing = await gql(client, a.admin, "{ apiTokens { edges { node { id name prefix scopes } } } }")
    assert secret not in listing.text
    type_fields = await gql(client, a.admin, '{ __type(name: "ApiToken") { fields { name } } }')
    assert {f["name"] for f in type_fields.json()["data"]["__type"]["fields"]}.isdisjoint(
        {"token", "secret", "tokenHash"}
    )

    # and the new token works, with what it was granted
    viewer = await gql(client, secret, VIEWER)
    assert viewer.json()["data"] == {"viewer": {"kind": "admin", "name": "ci", "scopes": ["orders:read"]}}


async def test_revoked_token_is_unauthenticated(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    secret = await a.token(TokenKind.ADMIN, ["orders:read"], name="doomed")
    assert (await gql(client, secret, VIEWER)).status_code == 200
    row = await _token_row(owner_engine, secret[:12])

    revoked = await gql(client, a.admin, TOKEN_REVOKE, {"id": encode_global_id("ApiToken", row["id"])})
    res = await gql(client, secret, VIEWER)

    assert revoked.json()["data"]["apiTokenRevoke"]["errors"] == []
    assert res.status_code == 401
    assert res.headers["www-authenticate"] == 'Bearer realm="stormcom"'
    assert res.json() == {
        "errors": [{"message": "a valid API token is required", "extensions": {"code": "UNAUTHENTICATED"}}]
    }


async def test_revoking_twice_is_a_payload_error(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    secret = await a.token(TokenKind.ADMIN, [], name="doomed")
    token_id = encode_global_id("ApiToken", (await _token_row(owner_engine, secret[:12]))["id"])
    await gql(client, a.admin, TOKEN_REVOKE, {"id": token_id})
    events = await outbox(owner_engine, a.id)

    res = await gql(client, a.admin, TOKEN_REVOKE, {"id": token_id})

    assert res.json()["data"]["apiTokenRevoke"] == {
        "apiToken": None,
        "errors": [{"field": "id", "code": "ALREADY_REVOKED"}],
    }
    assert await outbox(owner_engine, a.id) == events


async def test_expired_token_is_unauthenticated(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    secret = await a.token(TokenKind.ADMIN, ["orders:read"], name="short-lived")
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE prefix = :p"),
            {"p": secret[:12]},
        )

    res = await gql(client, secret, VIEWER)

    assert res.status_code == 401
    assert _codes(res.json()) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("status", ["suspended", "closed"])
async def test_tokens_of_an_inactive_store_are_unauthenticated(
    client, make_store: MakeStore, owner_engine: AsyncEngine, status: str
) -> None:
    a = await make_store("a")
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE stores SET status = :st WHERE id = :id"), {"st": status, "id": a.id})

    res = await gql(client, a.admin, VIEWER)

    assert res.status_code == 401
    assert _codes(res.json()) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("header", [None, "Bearer ", "Basic abc", "Bearer stc_ad_not-a-real-token"])
async def test_missing_or_unknown_token_is_unauthenticated(
    client, make_store: MakeStore, header: str | None
) -> None:
    await make_store("a")
    headers = {"accept": GQL_RESPONSE, **({"authorization": header} if header else {})}

    res = await client.post("/graphql", json={"query": VIEWER}, headers=headers)

    assert res.status_code == 401
    assert _codes(res.json()) == ["UNAUTHENTICATED"]


async def test_insufficient_scope_is_forbidden_and_changes_nothing(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given an admin token without tokens:manage
    a = await make_store("a")
    weak = await a.token(TokenKind.ADMIN, ["orders:read"], name="weak")
    before = await snapshot(owner_engine, a.id)

    # when it tries to create a token and a role, and to list tokens
    created = await gql(
        client,
        weak,
        TOKEN_CREATE,
        {"input": {"name": "escalate", "kind": "ADMIN", "scopes": ["tokens:manage"]}},
    )
    role = await gql(client, weak, ROLE_CREATE, {"input": {"name": "root", "permissions": ["tokens:manage"]}})
    listed = await gql(client, weak, TOKENS)

    # then each is FORBIDDEN at the top level, and nothing changed
    for res, field in ((created, "apiTokenCreate"), (role, "roleCreate"), (listed, "apiTokens")):
        body = res.json()
        assert res.status_code == 200
        assert body["data"] is None
        assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [("FORBIDDEN", [field])]
    assert await snapshot(owner_engine, a.id) == before


async def test_storefront_token_cannot_reach_admin_fields_through_a_persisted_document(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given admin documents an admin registered for the store
    a = await make_store("a")
    query = "query StorefrontTokens { apiTokens { edges { node { prefix } } } }"
    mutation = 'mutation StorefrontEscalate { apiTokenCreate(input: {name: "x", kind: ADMIN}) { token } }'
    # `permissions` needs no scope, only a staff token
    catalogue = "query StorefrontPermissions { permissions { code } }"
    for body in (query, mutation, catalogue):
        res = await gql(client, a.admin, DOCUMENT_REGISTER, {"body": body})
        assert res.json()["data"]["persistedDocumentRegister"]["errors"] == []
    before = await snapshot(owner_engine, a.id)

    # when the storefront token sends them by id
    results = []
    for body in (query, mutation, catalogue):
        digest = hashlib.sha256(body.encode()).hexdigest()
        results.append(
            await client.post(
                "/graphql",
                json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
                headers={"accept": GQL_RESPONSE, "authorization": f"Bearer {a.storefront}"},
            )
        )

    # then both are FORBIDDEN and nothing changed
    for res in results:
        assert res.status_code == 200
        assert res.json()["data"] is None
        assert _codes(res.json()) == ["FORBIDDEN"]
    assert await snapshot(owner_engine, a.id) == before


async def test_role_permissions_flow_to_the_tokens_holding_it(client, make_store: MakeStore) -> None:
    # given a role granting tokens:manage, and a token holding the role and no scopes of its own
    a = await make_store("a")
    role = (
        await gql(
            client,
            a.admin,
            ROLE_CREATE,
            {"input": {"name": "token-admins", "permissions": ["tokens:manage"]}},
        )
    ).json()
    role_id = role["data"]["roleCreate"]["role"]["id"]
    created = (
        await gql(
            client, a.admin, TOKEN_CREATE, {"input": {"name": "via-role", "kind": "ADMIN", "roleId": role_id}}
        )
    ).json()
    payload = created["data"]["apiTokenCreate"]
    secret = payload["token"]
    assert payload["apiToken"]["scopes"] == []
    assert payload["apiToken"]["role"] == {"name": "token-admins", "permissions": ["tokens:manage"]}

    # when it lists tokens, then it may
    allowed = (await gql(client, secret, TOKENS)).json()
    assert "errors" not in allowed
    assert "via-role" in [e["node"]["name"] for e in allowed["data"]["apiTokens"]["edges"]]
    assert (await gql(client, secret, VIEWER)).json()["data"]["viewer"]["scopes"] == ["tokens:manage"]

    # when the role loses the permission, then the very next request is FORBIDDEN
    updated = await gql(client, a.admin, ROLE_UPDATE, {"id": role_id, "permissions": ["orders:read"]})
    assert updated.json()["data"]["roleUpdate"]["errors"] == []
    denied = (await gql(client, secret, TOKENS)).json()
    assert denied["data"] is None
    assert _codes(denied) == ["FORBIDDEN"]
    assert (await gql(client, secret, VIEWER)).json()["data"]["viewer"]["scopes"] == ["orders:read"]

    # when the role is deleted, then the token keeps working with its own (empty) scopes
    deleted = await gql(client, a.admin, ROLE_DELETE, {"id": role_id})
    assert deleted.json()["data"]["roleDelete"] == {"deletedId": role_id, "errors": []}
    assert (await gql(client, secret, VIEWER)).json()["data"]["viewer"]["scopes"] == []


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"name": "   ", "kind": "ADMIN"}, [{"field": "name", "code": "INVALID"}]),
        ({"name": "", "kind": "ADMIN"}, [{"field": "name", "code": "INVALID"}]),
        ({"name": "x" * 101, "kind": "ADMIN"}, [{"field": "name", "code": "INVALID"}]),
        (
            {"name": "t", "kind": "ADMIN", "scopes": ["orders:read", "catalog:fly"]},
            [{"field": "scopes", "code": "UNKNOWN_PERMISSION"}],
        ),
        (
            {"name": "t", "kind": "ADMIN", "expiresAt": "2020-01-01T00:00:00+00:00"},
            [{"field": "expiresAt", "code": "INVALID"}],
        ),
        (
            {"name": "t", "kind": "STOREFRONT", "scopes": ["catalog:read"]},
            [{"field": "scopes", "code": "SCOPE_NOT_GRANTABLE"}],
        ),
        (
            {"name": "t", "kind": "ADMIN", "roleId": encode_global_id("Role", uuid.uuid4())},
            [{"field": "roleId", "code": "NOT_FOUND"}],
        ),
        (
            {"name": "t", "kind": "ADMIN", "roleId": encode_global_id("ApiToken", uuid.uuid4())},
            [{"field": "roleId", "code": "NOT_FOUND"}],
        ),
    ],
    ids=[
        "blank-name",
        "empty-name",
        "long-name",
        "unknown-permission",
        "past-expiry",
        "storefront-scopes",
        "unknown-role",
        "id-of-another-type",
    ],
)
async def test_invalid_token_input_is_a_payload_error_and_writes_nothing(
    client,
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    given: dict[str, Any],
    errors: list[dict[str, str]],
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)

    res = await gql(client, a.admin, TOKEN_CREATE, {"input": given})

    assert res.json()["data"]["apiTokenCreate"] == {"token": None, "apiToken": None, "errors": errors}
    assert await snapshot(owner_engine, a.id) == before


async def test_storefront_token_with_a_role_is_not_grantable(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    async with a.uow() as uow:
        role = await create_role(uow, RoleInput(name="viewers", permissions=["orders:read"]))
        await uow.commit()
    before = await snapshot(owner_engine, a.id)

    res = await gql(
        client,
        a.admin,
        TOKEN_CREATE,
        {"input": {"name": "sf", "kind": "STOREFRONT", "roleId": encode_global_id("Role", role.id)}},
    )

    assert res.json()["data"]["apiTokenCreate"]["errors"] == [
        {"field": "scopes", "code": "SCOPE_NOT_GRANTABLE"}
    ]
    assert await snapshot(owner_engine, a.id) == before


@pytest.mark.parametrize(
    ("document", "variables", "field", "errors"),
    [
        (
            ROLE_CREATE,
            {"input": {"name": "r", "permissions": ["nope"]}},
            "roleCreate",
            [{"field": "permissions", "code": "UNKNOWN_PERMISSION"}],
        ),
        (ROLE_CREATE, {"input": {"name": "existing"}}, "roleCreate", [{"field": "name", "code": "UNIQUE"}]),
        (ROLE_CREATE, {"input": {"name": ""}}, "roleCreate", [{"field": "name", "code": "INVALID"}]),
        (
            ROLE_UPDATE,
            {"id": "EXISTING", "permissions": ["orders:read", "nope"]},
            "roleUpdate",
            [{"field": "permissions", "code": "UNKNOWN_PERMISSION"}],
        ),
        (
            ROLE_UPDATE,
            {"id": encode_global_id("Role", uuid.uuid4()), "permissions": []},
            "roleUpdate",
            [{"field": "id", "code": "NOT_FOUND"}],
        ),
        (
            ROLE_DELETE,
            {"id": encode_global_id("Role", uuid.uuid4())},
            "roleDelete",
            [{"field": "id", "code": "NOT_FOUND"}],
        ),
        (
            TOKEN_REVOKE,
            {"id": encode_global_id("ApiToken", uuid.uuid4())},
            "apiTokenRevoke",
            [{"field": "id", "code": "NOT_FOUND"}],
        ),
    ],
    ids=[
        "role-unknown-permission",
        "role-duplicate-name",
        "role-empty-name",
        "update-unknown-permission",
        "update-unknown-role",
        "delete-unknown-role",
        "revoke-unknown-token",
    ],
)
async def test_invalid_role_and_revoke_input_is_a_payload_error_and_writes_nothing(
    client,
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    document: str,
    variables: dict[str, Any],
    field: str,
    errors: list[dict[str, str]],
) -> None:
    a = await make_store("a")
    async with a.uow() as uow:
        existing = await create_role(uow, RoleInput(name="existing", permissions=["catalog:read"]))
        await uow.commit()
    if variables.get("id") == "EXISTING":
        variables = {**variables, "id": encode_global_id("Role", existing.id)}
    before = await snapshot(owner_engine, a.id)

    res = await gql(client, a.admin, document, variables)

    payload = res.json()["data"][field]
    assert payload["errors"] == errors
    assert all(v is None for k, v in payload.items() if k != "errors")
    assert await snapshot(owner_engine, a.id) == before


async def test_use_sets_last_used_at_at_most_once_a_minute(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    secret = await a.token(TokenKind.ADMIN, [], name="fresh")
    assert (await _token_row(owner_engine, secret[:12]))["last_used_at"] is None

    await gql(client, secret, VIEWER)
    first = (await _token_row(owner_engine, secret[:12]))["last_used_at"]
    await gql(client, secret, VIEWER)
    second = (await _token_row(owner_engine, secret[:12]))["last_used_at"]

    assert first is not None
    assert second == first


async def _setup_for_events(a: StoreFixture) -> dict[str, str]:
    async with a.uow() as uow:
        role = await create_role(uow, RoleInput(name="to-change", permissions=["orders:read"]))
        token, _ = await create_token(
            uow, TokenInput(name="to-revoke", kind=TokenKind.ADMIN), created_by="test"
        )
        await uow.commit()
    return {"Role": encode_global_id("Role", role.id), "ApiToken": encode_global_id("ApiToken", token.id)}


@pytest.mark.parametrize(
    ("document", "variables", "event"),
    [
        (
            TOKEN_CREATE,
            {"input": {"name": "new", "kind": "PARTNER", "scopes": ["orders:read"]}},
            "api_token.created",
        ),
        (TOKEN_REVOKE, {"id": "ApiToken"}, "api_token.revoked"),
        (ROLE_CREATE, {"input": {"name": "new-role", "permissions": ["catalog:read"]}}, "role.created"),
        (ROLE_UPDATE, {"id": "Role", "permissions": ["catalog:write"]}, "role.updated"),
        (ROLE_DELETE, {"id": "Role"}, "role.deleted"),
        (DOCUMENT_REGISTER, {"body": "query ShopName { shop { name } }"}, "persisted_document.registered"),
        (SHOP_UPDATE, None, "store.updated"),
    ],
    ids=[
        "apiTokenCreate",
        "apiTokenRevoke",
        "roleCreate",
        "roleUpdate",
        "roleDelete",
        "persistedDocumentRegister",
        "shopUpdate",
    ],
)
async def test_each_successful_mutation_writes_one_event_carrying_the_request_id(
    client,
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    document: str,
    variables: dict[str, Any] | None,
    event: str,
) -> None:
    # given a store, a role and a token to change, and another store beside it
    a = await make_store("a")
    b = await make_store("b")
    ids = await _setup_for_events(a)
    if variables and variables.get("id") in ids:
        variables = {**variables, "id": ids[variables["id"]]}
    events_before = await outbox(owner_engine)
    request_id = f"req-{uuid.uuid4().hex}"

    # when the mutation succeeds
    res = await gql(client, a.admin, document, variables, headers={"x-request-id": request_id})
    payload = next(iter(res.json()["data"].values()))
    assert payload["errors"] == []
    assert res.headers["x-request-id"] == request_id

    # then exactly one outbox row was written, of its type, in its store, with the request id
    events_after = await outbox(owner_engine)
    new = [e for e in events_after if e not in events_before]
    assert len(events_after) == len(events_before) + 1
    assert [(e["type"], e["correlation_id"], e["store_id"]) for e in new] == [(event, request_id, a.id)]
    assert await outbox(owner_engine, b.id) == [e for e in events_before if e["store_id"] == b.id]
    assert (
        await count(owner_engine, "outbox_events", a.id)
        == len([e for e in events_before if e["store_id"] == a.id]) + 1
    )


async def test_a_caller_cannot_grant_what_it_does_not_hold(
    client, make_store: MakeStore, owner_engine
) -> None:
    a = await make_store("a")
    manager = await a.token(TokenKind.ADMIN, ["tokens:manage"], "manager")
    before = await count(owner_engine, "api_tokens", a.id)

    escalate = await gql(
        client,
        manager,
        'mutation { apiTokenCreate(input: {name: "root", kind: ADMIN, scopes: ["refunds:write"]})'
        " { apiToken { id } errors { field code } } }",
    )
    role = await gql(
        client,
        manager,
        'mutation { roleCreate(input: {name: "root", permissions: ["refunds:write"]})'
        " { role { id } errors { field code } } }",
    )
    own = await gql(
        client,
        manager,
        'mutation { apiTokenCreate(input: {name: "peer", kind: ADMIN, scopes: ["tokens:manage"]})'
        " { apiToken { id } errors { code } } }",
    )

    assert escalate.json()["data"]["apiTokenCreate"]["errors"] == [
        {"field": "scopes", "code": "SCOPE_NOT_GRANTABLE"}
    ]
    assert role.json()["data"]["roleCreate"]["errors"] == [
        {"field": "permissions", "code": "SCOPE_NOT_GRANTABLE"}
    ]
    assert own.json()["data"]["apiTokenCreate"]["errors"] == []
    assert await count(owner_engine, "api_tokens", a.id) == before + 1
