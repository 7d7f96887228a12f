"""shipmentCancel: cancel at the courier (when its API can), then give the units back and reopen the order."""

from __future__ import annotations

from typing import Any

import httpx

from domain.fulfillment.cancellation import CancelInput, cancel_shipment
from domain.fulfillment.courier_accounts import adapter_for
from domain.fulfillment.models import CourierAccount, Shipment
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.fulfillment.fulfillment_create import COURIER_TIMEOUT_SECONDS
from resolvers.ids import require_id


@translate
async def shipment_cancel(ctx: Context, *, values: dict[str, Any]) -> Shipment:
    data = CancelInput(
        shipment_id=require_id(values["shipment_id"], "Shipment", field="shipmentId"),
        reason=values["reason"],
        cancelled_at_courier=bool(values.get("cancelled_at_courier")),
    )
    async with httpx.AsyncClient(timeout=COURIER_TIMEOUT_SECONDS, trust_env=False) as client:

        def adapter_of(account: CourierAccount) -> Any:
            return adapter_for(account, db=ctx.db, client=client, timeout_seconds=COURIER_TIMEOUT_SECONDS)

        async with ctx.uow() as uow:
            return await cancel_shipment(uow, data, adapter_of=adapter_of, actor=ctx.principal.actor)
