"""The hash chain itself: appended in the unit of work's transaction, per store; every kind of edit found."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.services import RoleInput, create_role
from domain.audit.services import GENESIS, verify_chain
from domain.uow import AuditDraft
from tests.fixtures.database import count, fetch
from tests.fixtures.tenancy import MakeStore, StoreFixture


def _draft(n: int) -> AuditDraft:
    return AuditDraft(
        actor="token:stc_ad_test",
        operation="roleCreate",
        input_summary={"n": n, "name": f"r{n}"},
        request_id=f"req-{n}",
    )


async def _append(store: StoreFixture, n: int) -> None:
    async with store.uow(audit=_draft(n)) as uow:
        await create_role(uow, RoleInput(name=f"role-{n}"))
        await uow.commit()


async def _breaks(store: StoreFixture, batch: int = 1000) -> tuple[int, list[tuple[int, str]]]:
    async with store.uow(readonly=True) as uow:
        checked, breaks = await verify_chain(uow.session, batch=batch)
    return checked, [(b.seq, b.reason) for b in breaks]


async def test_commit_appends_one_entry_in_the_same_transaction(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    draft = _draft(1)

    async with a.uow(audit=draft) as uow:
        await create_role(uow, RoleInput(name="kept"))
        await uow.commit()
    async with a.uow(audit=_draft(2)) as uow:
        await create_role(uow, RoleInput(name="dropped"))
        await uow.rollback()

    rows = await fetch(owner_engine, "SELECT seq, operation, request_id, result, prev_hash FROM audit_log")
    assert [(r["seq"], r["request_id"], r["result"], r["prev_hash"]) for r in rows] == [
        (1, "req-1", "ok", GENESIS)
    ]
    assert draft.written is True
    assert await count(owner_engine, "roles") == 1


async def test_chains_are_per_store(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    b = await make_store("b")

    for n in range(3):
        await _append(a, n)
    await _append(b, 9)

    rows = await fetch(owner_engine, "SELECT store_id, seq, prev_hash FROM audit_log ORDER BY store_id, seq")
    by_store = {(r["store_id"], r["seq"]): r["prev_hash"] for r in rows}
    assert sorted(seq for store, seq in by_store if store == a.id) == [1, 2, 3]
    assert by_store[(b.id, 1)] == GENESIS
    assert await _breaks(a) == (3, [])
    assert await _breaks(b) == (1, [])


async def test_empty_chain_verifies(make_store: MakeStore) -> None:
    a = await make_store("a")

    assert await _breaks(a) == (0, [])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "'token:someone-else'"),
        ("operation", "'roleDelete'"),
        ("input_summary", """'{"n": 1, "name": "forged"}'::jsonb"""),
        ("result", "'rejected'"),
        ("result_detail", """'{"codes": ["X"]}'::jsonb"""),
        ("request_id", "'req-forged'"),
        ("occurred_at", "occurred_at - interval '1 hour'"),
        ("id", "gen_random_uuid()"),
    ],
)
async def test_an_edit_of_any_hashed_column_is_found(
    make_store: MakeStore, owner_engine: AsyncEngine, column: str, value: str
) -> None:
    a = await make_store("a")
    for n in range(4):
        await _append(a, n)

    async with owner_engine.begin() as conn:
        await conn.execute(text(f"UPDATE audit_log SET {column} = {value} WHERE seq = 2"))

    # a small batch makes the walk cross pages around the edited row
    assert await _breaks(a, batch=2) == (4, [(2, "row content does not match its hash")])


async def test_an_appended_forgery_is_found(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    for n in range(2):
        await _append(a, n)

    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO audit_log (id, seq, occurred_at, actor, operation, input_summary, result,"
                " result_detail, request_id, prev_hash, hash, store_id)"
                " SELECT gen_random_uuid(), 3, now(), 'token:x', 'roleDelete', '{}', 'ok', '{}', 'r', :zero,"
                " :zero, store_id FROM audit_log WHERE seq = 1"
            ),
            {"zero": bytes(32)},
        )

    assert await _breaks(a) == (
        3,
        [(3, "prev_hash does not match the previous row"), (3, "row content does not match its hash")],
    )


async def test_a_renumbered_row_is_found(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    for n in range(3):
        await _append(a, n)

    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE audit_log SET seq = 7 WHERE seq = 3"))

    assert await _breaks(a) == (3, [(7, "gap: expected seq 3"), (7, "row content does not match its hash")])


async def test_the_app_role_cannot_edit_or_delete_the_log(make_store: MakeStore) -> None:
    a = await make_store("a")
    await _append(a, 1)

    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        async with a.uow() as uow:
            with pytest.raises(DBAPIError, match="permission denied"):
                await uow.session.execute(text(statement))

    assert await _breaks(a) == (1, [])
