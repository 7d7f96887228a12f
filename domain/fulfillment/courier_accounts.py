"""A store's courier accounts: set (create or replace), read, and the adapter each one drives."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy import select, update

from domain.db import Database, utcnow
from domain.errors import DomainError
from domain.fulfillment import events
from domain.fulfillment.couriers.base import CourierAdapter, CourierProvider
from domain.fulfillment.couriers.pathao import PathaoAdapter, PathaoConfig, PathaoToken
from domain.fulfillment.couriers.redx import RedxAdapter, RedxConfig
from domain.fulfillment.couriers.steadfast import SteadfastAdapter, SteadfastConfig
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.inputs import (
    DEFAULT_BASE_URLS,
    CourierAccountInput,
    check_base_url,
    check_credentials,
)
from domain.fulfillment.models import CourierAccount
from domain.uow import UnitOfWork


async def set_courier_account(
    uow: UnitOfWork, data: CourierAccountInput
) -> tuple[CourierAccount, str | None]:
    """Create or replace the store's account with a courier. Returns the webhook secret when one was
    generated (shown once). New credentials drop any cached token."""
    credentials = check_credentials(data.provider, data.credentials)
    base_url = check_base_url(data.base_url) if data.base_url else DEFAULT_BASE_URLS[data.provider]
    generated = None if data.webhook_secret else secrets.token_urlsafe(32)
    secret = data.webhook_secret or generated or ""
    account = await uow.session.scalar(
        select(CourierAccount).where(CourierAccount.provider == data.provider).with_for_update()
    )
    now = uow.clock()
    if account is None:
        account = CourierAccount(id=uuid.uuid4(), provider=data.provider, created_at=now)
        uow.session.add(account)
    account.base_url = base_url
    account.credentials = credentials
    account.webhook_secret = secret
    account.active = data.active
    account.access_token = None
    account.refresh_token = None
    account.token_expires_at = None
    account.updated_at = now
    await uow.session.flush()
    uow.emit(
        events.COURIER_ACCOUNT_UPDATED,
        {"id": str(account.id), "provider": str(data.provider), "active": data.active},
    )
    return account, generated


async def list_accounts(uow: UnitOfWork) -> list[CourierAccount]:
    return list((await uow.session.scalars(select(CourierAccount).order_by(CourierAccount.provider))).all())


async def require_account(
    uow: UnitOfWork, provider: CourierProvider, *, field: str = "courier"
) -> CourierAccount:
    account = await uow.session.scalar(
        select(CourierAccount).where(CourierAccount.provider == provider, CourierAccount.active)
    )
    if account is None:
        raise DomainError(
            FulfillmentErrorCode.COURIER_NOT_CONFIGURED,
            f"the store has no active {provider} account",
            field=field,
        )
    return account


class AccountTokens:
    """Pathao tokens kept on the courier account row, each read and write in its own short transaction
    (never inside the caller's: the HTTP call around it must not hold a transaction open)."""

    def __init__(self, db: Database, store_id: uuid.UUID, account_id: uuid.UUID) -> None:
        self.db = db
        self.store_id = store_id
        self.account_id = account_id

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.db.sessions, store_id=self.store_id)

    async def load(self) -> PathaoToken | None:
        async with self._uow() as uow:
            row = (
                await uow.session.execute(
                    select(
                        CourierAccount.access_token,
                        CourierAccount.refresh_token,
                        CourierAccount.token_expires_at,
                    ).where(CourierAccount.id == self.account_id)
                )
            ).first()
        if row is None or not row.access_token or row.token_expires_at is None:
            return None
        return PathaoToken(row.access_token, row.refresh_token or "", row.token_expires_at)

    async def save(self, token: PathaoToken) -> None:
        async with self._uow() as uow:
            await uow.session.execute(
                update(CourierAccount)
                .where(CourierAccount.id == self.account_id)
                .values(
                    access_token=token.access_token,
                    refresh_token=token.refresh_token,
                    token_expires_at=token.expires_at,
                )
            )
            await uow.commit()


def adapter_for(
    account: CourierAccount,
    *,
    db: Database,
    client: httpx.AsyncClient,
    timeout_seconds: float = 10.0,
    clock: Callable[[], datetime] = utcnow,
) -> CourierAdapter:
    """The adapter that speaks this account's courier, with its credentials."""
    c = account.credentials
    if account.provider is CourierProvider.PATHAO:
        config = PathaoConfig(
            base_url=account.base_url,
            client_id=c["client_id"],
            client_secret=c["client_secret"],
            username=c["username"],
            password=c["password"],
            store_id=int(c["store_id"]),
            timeout_seconds=timeout_seconds,
        )
        return PathaoAdapter(config, client, AccountTokens(db, account.store_id, account.id), clock=clock)
    if account.provider is CourierProvider.STEADFAST:
        return SteadfastAdapter(
            SteadfastConfig(account.base_url, c["api_key"], c["secret_key"], timeout_seconds), client
        )
    return RedxAdapter(
        RedxConfig(account.base_url, c["access_token"], c.get("pickup_store_id", ""), timeout_seconds), client
    )
