"""The demo seed: organisation, store `demo` (BDT; bn, en) and a second store (USD), staff, roles and one
token of each kind per store. Idempotent: tokens from the previous credentials are kept while they work."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from domain.access.models import Permission, Role, TokenKind
from domain.access.principal import resolve_token
from domain.access.services import RoleInput, TokenInput, create_role, create_token
from domain.db import Database, create_database, create_engine
from domain.events.grants import granted_patterns, set_event_grants
from domain.tenancy.models import MembershipRole, Store
from domain.tenancy.provisioning import ensure_organization, ensure_staff, ensure_store
from domain.uow import UnitOfWork
from gateway.db_maintenance import analyze_catalog
from gateway.demo_catalog import DemoCatalogReport, Progress, seed_demo_catalog
from gateway.settings import Settings

STORES: list[dict[str, Any]] = [
    {
        "slug": "demo",
        "name": "StormCom Demo (ঢাকা)",
        "default_currency": "BDT",
        "currencies": ["BDT", "USD"],
        "default_locale": "bn",
        "locales": ["bn", "en"],
        "timezone": "Asia/Dhaka",
    },
    {
        "slug": "demo-usd",
        "name": "StormCom Demo US",
        "default_currency": "USD",
        "currencies": ["USD"],
        "default_locale": "en",
        "locales": ["en"],
        "timezone": "America/New_York",
    },
]
PARTNER_SCOPES = ["events:subscribe", "orders:read", "catalog:read"]


async def _provision(settings: Settings) -> list[Store]:
    owner = create_engine(settings.owner_url, pool_size=1, max_overflow=0)
    try:
        sessions = async_sessionmaker(owner, expire_on_commit=False)
        async with sessions() as session, session.begin():
            org = await ensure_organization(session, slug="stormcom-demo", name="StormCom Demo Ltd")
            stores = [await ensure_store(session, organization=org, **spec) for spec in STORES]
            await ensure_staff(
                session,
                organization=org,
                email="owner@demo.stormcom.test",
                full_name="Demo Owner",
                password="demo-password",
                role=MembershipRole.OWNER,
            )
        return stores
    finally:
        await owner.dispose()


async def _token_still_works(db: Database, secret: Any, store_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the token with this secret if it still works for this store."""
    if not isinstance(secret, str):
        return None
    async with db.primary.connect() as conn:
        principal = await resolve_token(conn, secret)
        await conn.commit()
    return principal.token_id if principal is not None and principal.store_id == store_id else None


async def _ensure_tokens(db: Database, store: Store, previous: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    uow = UnitOfWork(
        db.sessions, store_id=store.id, organization_id=store.organization_id, correlation_id="seed"
    )
    async with uow:
        all_scopes = list((await uow.session.scalars(select(Permission.code))).all())
        role = await uow.session.scalar(select(Role).where(Role.name == "Administrator"))
        if role is None:
            role = await create_role(
                uow, RoleInput(name="Administrator", description="Everything", permissions=all_scopes)
            )
        for key, kind, scopes in (
            ("storefront_token", TokenKind.STOREFRONT, []),
            ("admin_token", TokenKind.ADMIN, all_scopes),
            ("partner_token", TokenKind.PARTNER, PARTNER_SCOPES),
        ):
            token_id = await _token_still_works(db, previous.get(key), store.id)
            if token_id is not None:
                out[key] = previous[key]
            else:
                token, out[key] = await create_token(
                    uow, TokenInput(name=f"demo {kind.value}", kind=kind, scopes=scopes), created_by="seed"
                )
                token_id = token.id
            # The demo partner receives every event type of its store (a token kept from before grants
            # existed gets them too).
            if kind is TokenKind.PARTNER and not await granted_patterns(uow, token_id):
                await set_event_grants(uow, token_id, ["*"])
        await uow.commit()
    return out


async def seed(settings: Settings, previous: dict[str, Any]) -> dict[str, Any]:
    """Provision the demo stores and return the credentials to write (tokens in `previous` are reused)."""
    stores = await _provision(settings)
    db = create_database(settings.app_url, pool_size=2, max_overflow=0)
    try:
        primary = stores[0]
        credentials: dict[str, Any] = {"store_slug": primary.slug}
        credentials.update(await _ensure_tokens(db, primary, previous))
        others = []
        for store in stores[1:]:
            prior: dict[str, Any] = next(
                (s for s in previous.get("other_stores", []) if s.get("store_slug") == store.slug), {}
            )
            others.append({"store_slug": store.slug, **await _ensure_tokens(db, store, prior)})
        credentials["other_stores"] = others
    finally:
        await db.dispose()
    return credentials


async def seed_catalog(
    settings: Settings, store_slug: str, products: int, progress: Progress | None = None
) -> DemoCatalogReport:
    """Seed the demo catalog into a provisioned store (idempotent; see gateway/demo_catalog.py)."""
    owner = create_engine(settings.owner_url, pool_size=1, max_overflow=0)
    try:
        async with owner.connect() as conn:
            row = (
                await conn.execute(select(Store.id, Store.organization_id).where(Store.slug == store_slug))
            ).one()
    finally:
        await owner.dispose()
    store_id, org_id = row
    db = create_database(settings.app_url, pool_size=1, max_overflow=0)
    try:
        report = await seed_demo_catalog(
            lambda: UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id, correlation_id="seed"),
            count=products,
            progress=progress or (lambda step, done, total: None),
        )
    finally:
        await db.dispose()
    if not report.skipped:
        await analyze_catalog(settings)
    return report
