"""Row-level security as the last line of tenant isolation: what the app role sees and may write with raw SQL,
whatever the ORM layer does or forgets."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine

from domain.access.models import Role
from domain.access.services import RoleInput, create_role
from domain.db import create_database
from domain.uow import AuditDraft, CrossTenantWrite, UnitOfWork
from gateway.settings import Settings
from tests.fixtures.tenancy import MakeStore, StoreFixture

# Tables every store has rows in once it has a role and one audited mutation.
STORE_TABLES = ["api_tokens", "roles", "role_permissions", "stores", "audit_log", "outbox_events"]
# Global tables on purpose: the permission catalogue and Alembic's bookkeeping.
UNSCOPED = ("alembic_version", "permissions")

TABLES_WITHOUT_RLS = text(
    """
    SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
           (SELECT count(*) FROM pg_policies p
            WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL(:unscoped)
    ORDER BY c.relname
    """
)


async def rls_report(conn: AsyncConnection) -> tuple[list[str], list[str]]:
    """(every checked table, those lacking enabled + forced RLS or a policy); partitions count as tables."""
    rows = (await conn.execute(TABLES_WITHOUT_RLS, {"unscoped": list(UNSCOPED)})).all()
    bad = [r.name for r in rows if not (r.enabled and r.forced and r.policies > 0)]
    return [r.name for r in rows], bad


@pytest.fixture
async def app_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(settings.app_url, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def _count(conn: AsyncConnection, table: str, store_id: uuid.UUID | None = None) -> int:
    column = "id" if table == "stores" else "store_id"
    if store_id is None:
        return int(await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
    return int(
        await conn.scalar(text(f"SELECT count(*) FROM {table} WHERE {column} = :s"), {"s": store_id}) or 0
    )


async def _store_with_history(make_store: MakeStore, slug: str) -> StoreFixture:
    store = await make_store(slug)
    draft = AuditDraft(actor="test", operation="roleCreate", input_summary={}, request_id="req-rls")
    async with store.uow(audit=draft, correlation_id="req-rls") as uow:
        await create_role(uow, RoleInput(name="staff", permissions=["orders:read"]))
        await uow.commit()
    return store


async def test_app_role_without_a_store_sees_no_rows(
    make_store: MakeStore, owner_engine: AsyncEngine, app_engine: AsyncEngine
) -> None:
    # given two stores with tokens, roles, audit entries and outbox events
    await _store_with_history(make_store, "a")
    await _store_with_history(make_store, "b")
    async with owner_engine.connect() as owner:
        existing = {t: await _count(owner, t) for t in STORE_TABLES}
    assert all(n > 0 for n in existing.values()), existing

    # when the app role reads them with raw SQL and no store set
    async with app_engine.connect() as conn:
        assert await conn.scalar(text("SELECT current_setting('app.store_id', true)")) in (None, "")
        seen = {t: await _count(conn, t) for t in STORE_TABLES}

    # then nothing is visible
    assert seen == dict.fromkeys(STORE_TABLES, 0)


async def test_app_role_with_a_store_sees_only_that_store(
    make_store: MakeStore, app_engine: AsyncEngine
) -> None:
    a = await _store_with_history(make_store, "a")
    b = await _store_with_history(make_store, "b")

    async with app_engine.begin() as conn:
        await conn.execute(text("SELECT set_config('app.store_id', :s, true)"), {"s": str(a.id)})
        own = {t: await _count(conn, t, a.id) for t in STORE_TABLES}
        other = {t: await _count(conn, t, b.id) for t in STORE_TABLES}
        total = {t: await _count(conn, t) for t in STORE_TABLES}

    assert all(n > 0 for n in own.values()), own
    assert other == dict.fromkeys(STORE_TABLES, 0)
    assert total == own


@pytest.mark.parametrize("ending", ["commit", "rollback", "exception"])
async def test_pooled_connection_keeps_nothing_of_the_previous_store(
    make_store: MakeStore, settings: Settings, ending: str
) -> None:
    # given an app database whose pool holds exactly one connection
    a = await _store_with_history(make_store, "a")
    db = create_database(settings.app_url, pool_size=1, max_overflow=0)
    try:
        # when a unit of work for store A uses it and ends
        uow = UnitOfWork(db.sessions, store_id=a.id, organization_id=a.organization_id)
        with pytest.raises(RuntimeError) if ending == "exception" else contextlib.nullcontext():
            async with uow:
                pid_in_uow = await uow.session.scalar(text("SELECT pg_backend_pid()"))
                scope_in_uow = await uow.session.scalar(text("SELECT current_setting('app.store_id', true)"))
                roles_in_uow = await uow.session.scalar(text("SELECT count(*) FROM roles"))
                if ending == "commit":
                    await uow.commit()
                elif ending == "rollback":
                    await uow.rollback()
                else:
                    raise RuntimeError("resolver failed")
        assert (scope_in_uow, roles_in_uow) == (str(a.id), 1)

        # then the same pooled connection, used raw, has no store and sees no rows
        async with db.primary.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
            scope = await conn.scalar(text("SELECT current_setting('app.store_id', true)"))
            org = await conn.scalar(text("SELECT current_setting('app.organization_id', true)"))
            seen = {t: await _count(conn, t) for t in STORE_TABLES}
    finally:
        await db.dispose()

    assert pid == pid_in_uow
    assert scope in (None, "")
    assert org in (None, "")
    assert seen == dict.fromkeys(STORE_TABLES, 0)


async def test_every_public_table_has_forced_rls_and_a_policy(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        checked, bad = await rls_report(conn)
        partitions = list(
            (
                await conn.scalars(
                    text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        " WHERE c.relkind IN ('r', 'p') ORDER BY 1"
                    )
                )
            ).all()
        )

    assert bad == []
    # the check is not vacuous: it covers the store tables, the staff tables and every outbox partition
    assert {*STORE_TABLES, "memberships", "organizations", "users", "persisted_documents"} <= set(checked)
    assert "outbox_events_default" in partitions
    assert set(partitions) <= set(checked)


async def test_rls_check_reports_tables_lacking_it(owner_engine: AsyncEngine) -> None:
    # given, in a transaction rolled back afterwards, tables missing each part of the protection
    async with owner_engine.connect() as conn:
        trans = await conn.begin()
        try:
            await conn.execute(text("CREATE TABLE rls_probe_plain (store_id uuid)"))
            await conn.execute(text("CREATE TABLE rls_probe_unforced (store_id uuid)"))
            await conn.execute(text("ALTER TABLE rls_probe_unforced ENABLE ROW LEVEL SECURITY"))
            await conn.execute(text("CREATE POLICY p ON rls_probe_unforced USING (true)"))
            await conn.execute(text("CREATE TABLE rls_probe_no_policy (store_id uuid)"))
            await conn.execute(text("ALTER TABLE rls_probe_no_policy ENABLE ROW LEVEL SECURITY"))
            await conn.execute(text("ALTER TABLE rls_probe_no_policy FORCE ROW LEVEL SECURITY"))
            await conn.execute(
                text(
                    "CREATE TABLE outbox_events_209901 PARTITION OF outbox_events"
                    " FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')"
                )
            )

            # when the check runs
            _, bad = await rls_report(conn)
        finally:
            await trans.rollback()

    # then it names each of them, and only them
    assert bad == ["outbox_events_209901", "rls_probe_no_policy", "rls_probe_plain", "rls_probe_unforced"]


async def test_app_role_is_not_privileged_and_owns_nothing(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    async with app_engine.connect() as conn:
        role = (
            await conn.execute(
                text(
                    "SELECT current_user AS name, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb"
                    " FROM pg_roles WHERE rolname = current_user"
                )
            )
        ).one()
        owned = list(
            (
                await conn.scalars(
                    text(
                        "SELECT relname FROM pg_class"
                        " WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = :r)"
                    ),
                    {"r": settings.app_db_user},
                )
            ).all()
        )

    assert tuple(role) == (settings.app_db_user, False, False, False, False)
    assert owned == []


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("ALTER TABLE roles DISABLE ROW LEVEL SECURITY", "must be owner of table roles"),
        ("ALTER TABLE roles NO FORCE ROW LEVEL SECURITY", "must be owner of table roles"),
        ("DROP POLICY tenant_isolation ON roles", "must be owner of relation roles"),
        ("CREATE TABLE public.unguarded (store_id uuid)", "permission denied for schema public"),
    ],
)
async def test_app_role_cannot_lift_the_protection(
    app_engine: AsyncEngine, statement: str, message: str
) -> None:
    with pytest.raises(DBAPIError, match=message):
        async with app_engine.begin() as conn:
            await conn.execute(text(statement))


async def test_app_role_cannot_turn_row_security_off(make_store: MakeStore, app_engine: AsyncEngine) -> None:
    await _store_with_history(make_store, "a")

    with pytest.raises(DBAPIError, match="query would be affected by row-level security policy"):
        async with app_engine.begin() as conn:
            await conn.execute(text("SET LOCAL row_security = off"))
            await conn.execute(text("SELECT count(*) FROM roles"))


async def test_uow_stamps_the_store_on_new_rows(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")

    async with a.uow() as uow:
        role = Role(id=uuid.uuid4(), name="support")
        uow.session.add(role)
        await uow.session.flush()
        stamped = role.store_id
        await uow.commit()

    assert stamped == a.id
    async with owner_engine.connect() as conn:
        stored = await conn.scalar(text("SELECT store_id FROM roles WHERE id = :id"), {"id": role.id})
    assert stored == a.id


async def test_uow_refuses_a_new_row_of_another_store(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")

    async with a.uow() as uow:
        uow.session.add(Role(id=uuid.uuid4(), name="intruder", store_id=b.id))
        with pytest.raises(CrossTenantWrite):
            await uow.session.flush()

    async with owner_engine.connect() as conn:
        assert await _count(conn, "roles") == 0


async def test_uow_refuses_moving_a_row_to_another_store(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    async with a.uow() as uow:
        role = await create_role(uow, RoleInput(name="support"))
        await uow.commit()

    async with a.uow() as uow:
        loaded = await uow.session.get(Role, role.id)
        assert loaded is not None
        loaded.store_id = b.id
        with pytest.raises(CrossTenantWrite):
            await uow.session.flush()

    async with owner_engine.connect() as conn:
        assert await _count(conn, "roles", a.id) == 1
        assert await _count(conn, "roles", b.id) == 0


async def test_uow_filters_by_store_even_where_rls_does_not_apply(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given roles in two stores, and a unit of work on the owner connection (a superuser: RLS does not apply)
    a = await make_store("a")
    b = await make_store("b")
    for store, name in ((a, "in-a"), (b, "in-b")):
        async with store.uow() as uow:
            await create_role(uow, RoleInput(name=name))
            await uow.commit()
    owner_sessions = async_sessionmaker(owner_engine, expire_on_commit=False)

    # when it lists roles
    async with UnitOfWork(
        owner_sessions, store_id=a.id, organization_id=a.organization_id, readonly=True
    ) as uow:
        names = list((await uow.session.scalars(select(Role.name))).all())

    # then the ORM criteria alone keep store B out
    assert names == ["in-a"]


async def _insert_role(conn: AsyncConnection, store_id: uuid.UUID) -> None:
    await conn.execute(
        text("INSERT INTO roles (id, name, description, store_id) VALUES (:id, :name, '', :s)"),
        {"id": uuid.uuid4(), "name": f"raw-{uuid.uuid4().hex[:6]}", "s": store_id},
    )


async def _insert_event(conn: AsyncConnection, store_id: uuid.UUID) -> None:
    await conn.execute(
        text(
            "INSERT INTO outbox_events"
            " (id, occurred_at, type, version, data, correlation_id, attempts, store_id)"
            " VALUES (:id, now(), 'probe', 1, '{}', '', 0, :s)"
        ),
        {"id": uuid.uuid4(), "s": store_id},
    )


@pytest.mark.parametrize(("table", "insert"), [("roles", _insert_role), ("outbox_events", _insert_event)])
async def test_with_check_refuses_raw_inserts_for_another_store(
    make_store: MakeStore, app_engine: AsyncEngine, owner_engine: AsyncEngine, table: str, insert: object
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    async with owner_engine.connect() as conn:
        before_a, before_b = await _count(conn, table, a.id), await _count(conn, table, b.id)

    # the same raw insert for store A works in store A's transaction (so the refusal below is the policy's)
    async with app_engine.begin() as conn:
        await conn.execute(text("SELECT set_config('app.store_id', :s, true)"), {"s": str(a.id)})
        await insert(conn, a.id)  # type: ignore[operator]

    with pytest.raises(DBAPIError, match="new row violates row-level security policy"):
        async with app_engine.begin() as conn:
            await conn.execute(text("SELECT set_config('app.store_id', :s, true)"), {"s": str(a.id)})
            await insert(conn, b.id)  # type: ignore[operator]

    async with owner_engine.connect() as conn:
        assert await _count(conn, table, a.id) == before_a + 1
        assert await _count(conn, table, b.id) == before_b


async def test_with_check_refuses_raw_insert_through_the_uow_session(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")

    async with a.uow() as uow:
        with pytest.raises(DBAPIError, match="new row violates row-level security policy"):
            await _insert_role(await uow.session.connection(), b.id)

    async with owner_engine.connect() as conn:
        assert await _count(conn, "roles") == 0


async def test_with_check_refuses_moving_a_row_to_another_store_with_raw_sql(
    make_store: MakeStore, app_engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    async with a.uow() as uow:
        role = await create_role(uow, RoleInput(name="support"))
        await uow.commit()

    with pytest.raises(DBAPIError, match="new row violates row-level security policy"):
        async with app_engine.begin() as conn:
            await conn.execute(text("SELECT set_config('app.store_id', :s, true)"), {"s": str(a.id)})
            await conn.execute(
                text("UPDATE roles SET store_id = :b WHERE id = :id"), {"b": b.id, "id": role.id}
            )

    async with owner_engine.connect() as conn:
        assert await conn.scalar(text("SELECT store_id FROM roles WHERE id = :id"), {"id": role.id}) == a.id
