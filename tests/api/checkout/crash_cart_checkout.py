"""A storefront checkout of a cart, run in its own process, that SIGKILLs itself right after one step
(claimed / reserved), keyed exactly as checkoutComplete keys it: what a gateway crash mid-checkout
leaves. Its clock runs an hour behind, so the lease and the reservation have run out when the test
retries over HTTP (no sleeping)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from datetime import UTC, datetime, timedelta

from domain.db import create_database
from domain.orders.cart_checkout import cart_checkout_request, cart_draft
from domain.orders.checkout import complete_checkout
from domain.orders.follow_ups import CHECKOUT_FOLLOW_UPS
from domain.uow import UnitOfWork


async def main(raw: str) -> None:
    args = json.loads(raw)
    db = create_database(args["url"], pool_size=1, max_overflow=0)
    past = datetime.now(UTC) - timedelta(hours=1)

    def new_uow() -> UnitOfWork:
        return UnitOfWork(db.sessions, store_id=uuid.UUID(args["store_id"]), clock=lambda: past)

    async def step(name: str) -> None:
        if name == args["kill_after"]:
            os.kill(os.getpid(), signal.SIGKILL)

    request = cart_checkout_request(
        token_id=uuid.UUID(args["token_id"]),
        customer_id=None,
        key=args["key"],
        cart_token=args["cart_token"],
        payment_method="cod",
        note=None,
    )
    build = cart_draft(cart_token=args["cart_token"], customer_id=None, note=None)
    await complete_checkout(new_uow, request, build, follow_ups=CHECKOUT_FOLLOW_UPS, on_step=step)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
