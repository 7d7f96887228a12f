"""The admin audit log: one hash-chained row per mutation, whatever its outcome; `stormcom audit verify`."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import uuid
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.audit.services import verify_chain
from domain.db import Database
from domain.uow import UnitOfWork
from gateway import cli
from gateway.settings import Settings
from schema.audit_extension import summarize
from tests.fixtures.database import audit, fetch
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

TOKEN_CREATE = """
mutation Create($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) { token apiToken { id } errors { field code } }
}"""
ROLE_CREATE = """
mutation RoleCreate($input: RoleCreateInput!) {
  roleCreate(input: $input) { role { id } errors { field code } }
}"""
AUDIT_LOG = """{
  auditLog(first: 50) { entries { seq actor operation inputSummary result resultDetail requestId hash } }
}"""


async def _post(client, token: str, query: str, variables: dict[str, Any] | None = None) -> tuple[str, Any]:
    request_id = f"req-{uuid.uuid4().hex[:12]}"
    res = await gql(client, token, query, variables, headers={"x-request-id": request_id})
    return request_id, res.json()


async def _verify(db: Database, store: StoreFixture) -> tuple[int, list[tuple[int, str]]]:
    async with UnitOfWork(
        db.read_sessions, store_id=store.id, organization_id=store.organization_id, readonly=True
    ) as uow:
        checked, breaks = await verify_chain(uow.session)
    return checked, [(b.seq, b.reason) for b in breaks]


@pytest.fixture
def audit_verify(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Callable[..., Any]:
    """`stormcom audit verify` without the process: the coroutine, reading the test database."""
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    return cli._audit_verify


async def test_each_mutation_outcome_writes_one_audit_row(
    client, make_store: MakeStore, owner_engine: AsyncEngine, db: Database
) -> None:
    # given an admin, and an admin token lacking tokens:manage
    a = await make_store("a")
    weak = await a.token(TokenKind.ADMIN, ["orders:read"], name="weak")
    admin_actor, weak_actor = f"token:{a.admin[:12]}", f"token:{weak[:12]}"

    # when one mutation succeeds, one is rejected with payload errors and one is forbidden
    ok_id, ok = await _post(
        client, a.admin, TOKEN_CREATE, {"input": {"name": "ci", "kind": "ADMIN", "scopes": ["orders:read"]}}
    )
    rejected_id, rejected = await _post(
        client, a.admin, TOKEN_CREATE, {"input": {"name": "ci", "kind": "ADMIN", "scopes": ["nope"]}}
    )
    forbidden_id, forbidden = await _post(client, weak, ROLE_CREATE, {"input": {"name": "root"}})
    # and a query, which records nothing
    await _post(client, a.admin, "{ viewer { name } }")

    # then the chain holds exactly one row for each mutation, in order
    secret = ok["data"]["apiTokenCreate"]["token"]
    assert rejected["data"]["apiTokenCreate"]["errors"] == [{"field": "scopes", "code": "UNKNOWN_PERMISSION"}]
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    rows = [dict(r) for r in await audit(owner_engine, a.id)]
    assert rows == [
        {
            "seq": 1,
            "actor": admin_actor,
            "operation": "apiTokenCreate",
            "input_summary": {"input": {"name": "ci", "kind": "admin", "scopes": ["orders:read"]}},
            "result": "ok",
            "result_detail": {},
            "request_id": ok_id,
        },
        {
            "seq": 2,
            "actor": admin_actor,
            "operation": "apiTokenCreate",
            "input_summary": {"input": {"name": "ci", "kind": "admin", "scopes": ["nope"]}},
            "result": "rejected",
            "result_detail": {"codes": ["UNKNOWN_PERMISSION"]},
            "request_id": rejected_id,
        },
        {
            "seq": 3,
            "actor": weak_actor,
            "operation": "roleCreate",
            "input_summary": {"input": {"name": "root", "description": "", "permissions": []}},
            "result": "denied",
            "result_detail": {"codes": ["FORBIDDEN"]},
            "request_id": forbidden_id,
        },
    ]
    # the secret the successful mutation returned is nowhere in the log
    raw = await fetch(owner_engine, "SELECT row_to_json(l)::text AS j FROM audit_log l")
    assert [r["j"] for r in raw if secret in r["j"]] == []
    assert await _verify(db, a) == (3, [])


async def test_audit_log_reads_back_through_graphql(client, make_store: MakeStore) -> None:
    a = await make_store("a")
    request_id, _ = await _post(client, a.admin, ROLE_CREATE, {"input": {"name": "support"}})

    res = (await gql(client, a.admin, AUDIT_LOG)).json()

    (entry,) = res["data"]["auditLog"]["entries"]
    assert {k: v for k, v in entry.items() if k != "hash"} == {
        "seq": 1,
        "actor": f"token:{a.admin[:12]}",
        "operation": "roleCreate",
        "inputSummary": {"input": {"name": "support", "description": "", "permissions": []}},
        "result": "ok",
        "resultDetail": {},
        "requestId": request_id,
    }
    assert len(entry["hash"]) == 64


async def test_storefront_mutation_attempts_are_denied_without_an_audit_row(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # storefront tokens are public: their denied attempts are not the store staff's actions
    a = await make_store("a")
    body = 'mutation StorefrontRole { roleCreate(input: {name: "x"}) { role { id } } }'
    await gql(
        client,
        a.admin,
        "mutation R($b: String!) { persistedDocumentRegister(body: $b) { errors { code } } }",
        {"b": body},
    )
    res = await client.post(
        "/graphql",
        json={
            "extensions": {
                "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(body.encode()).hexdigest()}
            }
        },
        headers={"authorization": f"Bearer {a.storefront}", "accept": "application/json"},
    )

    assert res.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [r["operation"] for r in await audit(owner_engine, a.id)] == ["persistedDocumentRegister"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"password": "hunter2", "name": "ok"}, {"password": "[redacted]", "name": "ok"}),
        (
            {"input": {"webhookSecret": "whsec_x", "url": "https://x"}},
            {"input": {"webhookSecret": "[redacted]", "url": "https://x"}},
        ),
        ({"accessToken": "stc_ad_abc", "first": 10}, {"accessToken": "[redacted]", "first": 10}),
        ({"note": "x" * 500}, {"note": "x" * 200}),
        ({"n": 3, "flag": True, "nothing": None}, {"n": 3, "flag": True, "nothing": None}),
    ],
)
def test_summaries_redact_secrets_and_bound_sizes(value: dict[str, Any], expected: dict[str, Any]) -> None:
    assert summarize(value) == expected


async def _three_entries(client, a: StoreFixture) -> None:
    for name in ("one", "two", "three"):
        _, res = await _post(client, a.admin, ROLE_CREATE, {"input": {"name": name}})
        assert res["data"]["roleCreate"]["errors"] == []


async def test_verify_reports_nothing_for_intact_chains(client, make_store: MakeStore, audit_verify) -> None:
    a = await make_store("a")
    b = await make_store("b")
    await _three_entries(client, a)
    await _three_entries(client, b)

    assert await audit_verify(None) == []


async def test_verify_names_a_tampered_row(
    client, make_store: MakeStore, owner_engine: AsyncEngine, audit_verify
) -> None:
    # given two stores with intact chains
    a = await make_store("a")
    b = await make_store("b")
    await _three_entries(client, a)
    await _three_entries(client, b)

    # when someone with the owner connection rewrites what store A's second entry says
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE audit_log SET input_summary = :s WHERE store_id = :a AND seq = 2"),
            {"s": '{"input": {"name": "forged"}}', "a": a.id},
        )

    # then verify names that row, and only it
    assert await audit_verify(None) == [("a", 2, "row content does not match its hash")]
    assert await audit_verify("b") == []


async def test_verify_names_a_tampered_row_even_when_its_hash_is_recomputed_naively(
    client, make_store: MakeStore, owner_engine: AsyncEngine, audit_verify
) -> None:
    a = await make_store("a")
    await _three_entries(client, a)

    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE audit_log SET result = 'rejected', hash = sha256(hash)"
                " WHERE store_id = :a AND seq = 2"
            ),
            {"a": a.id},
        )

    assert await audit_verify("a") == [
        ("a", 2, "row content does not match its hash"),
        ("a", 3, "prev_hash does not match the previous row"),
    ]


async def test_verify_names_the_row_after_a_deleted_one(
    client, make_store: MakeStore, owner_engine: AsyncEngine, audit_verify
) -> None:
    a = await make_store("a")
    await _three_entries(client, a)

    async with owner_engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_log WHERE store_id = :a AND seq = 2"), {"a": a.id})

    assert await audit_verify(None) == [
        ("a", 3, "gap: expected seq 2"),
        ("a", 3, "prev_hash does not match the previous row"),
    ]


async def test_verify_command_exits_non_zero_on_a_break(
    client, make_store: MakeStore, owner_engine: AsyncEngine, settings: Settings
) -> None:
    a = await make_store("a")
    await _three_entries(client, a)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "STORMCOM_ENVIRONMENT": "test",
        "COLUMNS": "200",
    }

    async def run() -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "gateway.cli",
            "audit",
            "verify",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()

    intact = await run()
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE audit_log SET actor = 'token:someone' WHERE store_id = :a AND seq = 3"), {"a": a.id}
        )
    broken = await run()

    assert intact[0] == 0, intact[1]
    assert "audit chains intact" in intact[1]
    assert broken[0] == 1, broken[1]
    assert "store a seq 3: row content does not match its hash" in broken[1]


async def test_concurrent_mutations_leave_a_gap_free_chain(
    client, make_store: MakeStore, owner_engine: AsyncEngine, db: Database, audit_verify
) -> None:
    # given a store, and a mutation already in its chain
    a = await make_store("a")
    await _three_entries(client, a)

    # when ten mutations (some rejected) arrive at once
    results = await asyncio.gather(
        *(_post(client, a.admin, ROLE_CREATE, {"input": {"name": f"role-{i % 7}"}}) for i in range(10))
    )

    # then each got its own entry, numbered without gaps or forks, and the chain verifies
    rows = await audit(owner_engine, a.id)
    assert [r["seq"] for r in rows] == list(range(1, 14))
    assert sorted(r["request_id"] for r in rows[3:]) == sorted(request_id for request_id, _ in results)
    assert sorted(r["result"] for r in rows[3:]) == ["ok"] * 7 + ["rejected"] * 3
    hashes = await fetch(
        owner_engine, "SELECT seq, prev_hash, hash FROM audit_log WHERE store_id = :a ORDER BY seq", a=a.id
    )
    assert all(cur["prev_hash"] == prev["hash"] for prev, cur in pairwise(hashes))
    assert await _verify(db, a) == (13, [])
    assert await audit_verify("a") == []
