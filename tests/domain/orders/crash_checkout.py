"""A checkout run in its own process that SIGKILLs itself right after one step (claimed / reserved):
what a crash between two steps of checkout leaves behind. Its clock runs an hour behind, so the lease
and the reservation it leaves have run out by the time the test looks (no sleeping)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from datetime import UTC, datetime, timedelta

from domain.checkout.draft_types import OrderDraft
from domain.db import create_database
from domain.orders.checkout import CheckoutRequest, complete_checkout
from domain.uow import UnitOfWork
from tests.fixtures.orders import Sellable, draft


async def main(raw: str) -> None:
    args = json.loads(raw)
    db = create_database(args["url"], pool_size=1, max_overflow=0)
    past = datetime.now(UTC) - timedelta(hours=1)
    item = Sellable(
        uuid.UUID(args["variant_id"]), uuid.UUID(args["product_id"]), args["sku"], "Jamdani saree", 50_000
    )

    def new_uow() -> UnitOfWork:
        return UnitOfWork(db.sessions, store_id=uuid.UUID(args["store_id"]), clock=lambda: past)

    async def build(uow: UnitOfWork) -> OrderDraft:
        return draft([(item, args["quantity"])])

    async def step(name: str) -> None:
        if name == args["kill_after"]:
            os.kill(os.getpid(), signal.SIGKILL)

    request = CheckoutRequest(key=args["key"], scope=args["scope"], payload=args["payload"], actor="guest")
    await complete_checkout(new_uow, request, build, on_step=step)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
