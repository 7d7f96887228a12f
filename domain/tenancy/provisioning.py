"""Platform operations that come before any store exists: run on the owner connection, like migrations."""

from __future__ import annotations

import uuid

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.tenancy.models import Membership, MembershipRole, Organization, Store, User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except Exception:  # argon2 raises several types for a mismatch or a malformed hash
        return False


async def ensure_organization(session: AsyncSession, *, slug: str, name: str) -> Organization:
    org = await session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        org = Organization(id=uuid.uuid4(), slug=slug, name=name)
        session.add(org)
        await session.flush()
    return org


async def ensure_store(
    session: AsyncSession,
    *,
    organization: Organization,
    slug: str,
    name: str,
    default_currency: str,
    currencies: list[str],
    default_locale: str,
    locales: list[str],
    timezone: str = "Asia/Dhaka",
) -> Store:
    store = await session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        store = Store(
            id=uuid.uuid4(),
            organization_id=organization.id,
            slug=slug,
            name=name,
            default_currency=default_currency,
            currencies=currencies,
            default_locale=default_locale,
            locales=locales,
            timezone=timezone,
        )
        session.add(store)
        await session.flush()
    return store


async def ensure_staff(
    session: AsyncSession,
    *,
    organization: Organization,
    email: str,
    full_name: str,
    password: str,
    role: MembershipRole,
) -> User:
    user = await session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        user = User(
            id=uuid.uuid4(), email=email.lower(), full_name=full_name, password_hash=hash_password(password)
        )
        session.add(user)
        await session.flush()
    membership = await session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
    )
    if membership is None:
        session.add(Membership(id=uuid.uuid4(), organization_id=organization.id, user_id=user.id, role=role))
        await session.flush()
    return user
