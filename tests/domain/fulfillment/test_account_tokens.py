"""Pathao tokens kept on the courier account row: a second adapter (another process) reuses the login."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from domain.fulfillment.courier_accounts import adapter_for
from domain.fulfillment.couriers.base import ConsignmentRequest, CourierProvider
from domain.money import Money
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakePathao
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore


def parcel(reference: str) -> ConsignmentRequest:
    return ConsignmentRequest(
        reference=reference,
        recipient_name="Rahim Uddin",
        recipient_phone="01712345678",
        recipient_address="House 12, Road 5, Dhanmondi, Dhaka",
        cod=Money(0, "BDT"),
    )


async def test_the_token_is_shared_through_the_account_row(
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    account = await make_courier_account(
        store, CourierProvider.PATHAO, secret="s" * 20, base_url=fake_pathao.base
    )

    await adapter_for(account, db=db, client=courier_http).create_consignment(parcel("SC-1"))
    await adapter_for(account, db=db, client=courier_http).create_consignment(parcel("SC-2"))

    assert fake_pathao.grants == ["password"]
    (row,) = await fetch(
        owner_engine, "SELECT access_token, refresh_token, token_expires_at FROM courier_accounts"
    )
    assert row["access_token"] == "pathao-access-1" and row["refresh_token"] == "pathao-refresh-1"
    assert row["token_expires_at"] is not None
