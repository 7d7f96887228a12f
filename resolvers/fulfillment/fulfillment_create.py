from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from domain.errors import DomainError
from domain.fulfillment.courier_accounts import adapter_for
from domain.fulfillment.couriers.base import CourierError
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import CourierAccount, Shipment
from domain.fulfillment.shipments import (
    LineQuantity,
    ShipmentInput,
    book_shipment,
    courier_failure_code,
    create_shipment,
    require_shipment,
)
from domain.fulfillment.tracking import refresh_tracking
from resolvers.context import Context
from resolvers.errors import Outcome, UserError, translate
from resolvers.ids import require_id

# A courier that does not answer within this long is reported as unavailable (the shipment can be booked
# again); one client per booking: an admin action, rare enough not to need a pool.
COURIER_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Booked:
    shipment: Shipment
    courier_error: CourierError | None


def _line_id(raw: str, index: int) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise DomainError(
            FulfillmentErrorCode.NOT_FOUND, "no order line with this id", field=f"lines.{index}.orderLineId"
        ) from None


async def book(ctx: Context, shipment_id: uuid.UUID, area: dict[str, str] | None) -> Booked:
    async with httpx.AsyncClient(timeout=COURIER_TIMEOUT_SECONDS, trust_env=False) as client:

        def adapter_of(account: CourierAccount) -> Any:
            return adapter_for(account, db=ctx.db, client=client, timeout_seconds=COURIER_TIMEOUT_SECONDS)

        async with ctx.uow() as uow:
            shipment, error = await book_shipment(
                uow, shipment_id, adapter_of=adapter_of, actor=ctx.principal.actor, area=area
            )
    return Booked(shipment, error)


@translate
async def _create(ctx: Context, values: dict[str, Any]) -> Shipment:
    data = ShipmentInput(
        order_id=require_id(values["order_id"], "Order", field="orderId"),
        lines=[
            LineQuantity(_line_id(line["order_line_id"], i), int(line["quantity"]))
            for i, line in enumerate(values["lines"])
        ],
        provider=values.get("courier"),
        cod_amount=values.get("cod_amount"),
        weight_grams=values.get("weight_grams"),
        note=values.get("note") or "",
    )
    async with ctx.uow() as uow:
        shipment = await create_shipment(uow, data, actor=ctx.principal.actor)
        await uow.commit()
    return shipment


async def fulfillment_create(ctx: Context, *, values: dict[str, Any]) -> Outcome[Booked]:
    """Create the shipment (quantities taken, order moved on); with a courier, book it at once. A courier
    failure leaves the shipment BOOKING_FAILED (committed: the goods are packed) and is reported in
    `errors` with the courier's reason; `shipmentBook` tries again."""
    created = await _create(ctx, values)
    if created.result is None:
        return Outcome(errors=created.errors)
    if created.result.provider is None:
        return Outcome(result=Booked(created.result, None))
    return await _booking_outcome(ctx, created.result.id, values.get("area"))


async def _booking_outcome(
    ctx: Context, shipment_id: uuid.UUID, area: dict[str, str] | None
) -> Outcome[Booked]:
    try:
        booked = await book(ctx, shipment_id, area)
    except DomainError as exc:
        return Outcome(errors=[UserError(exc.field, exc.code, exc.message)])
    errors = []
    if booked.courier_error is not None:
        failure = booked.courier_error
        detail = "; ".join(f"{k}: {v}" for k, v in sorted(failure.fields.items()))
        message = failure.message + (f" ({detail})" if detail else "")
        errors.append(UserError("courier", courier_failure_code(failure).value, message))
    return Outcome(result=booked, errors=errors)


async def shipment_book(ctx: Context, *, id: str, area: dict[str, str] | None) -> Outcome[Booked]:
    try:
        shipment_id = require_id(id, "Shipment", field="id")
    except DomainError as exc:
        return Outcome(errors=[UserError(exc.field, exc.code, exc.message)])
    return await _booking_outcome(ctx, shipment_id, area)


async def shipment_tracking_refresh(ctx: Context, *, id: str) -> Outcome[Booked]:
    """Ask the courier for the parcel's status now and record it (deduplicated like a webhook report)."""
    try:
        shipment_id = require_id(id, "Shipment", field="id")
        async with httpx.AsyncClient(timeout=COURIER_TIMEOUT_SECONDS, trust_env=False) as client:

            def adapter_of(account: CourierAccount) -> Any:
                return adapter_for(account, db=ctx.db, client=client, timeout_seconds=COURIER_TIMEOUT_SECONDS)

            async with ctx.uow() as uow:
                shipment = await require_shipment(uow, shipment_id)
                await refresh_tracking(uow, shipment_id, adapter_of=adapter_of, currency=shipment.currency)
                shipment = await require_shipment(uow, shipment_id)
    except DomainError as exc:
        return Outcome(errors=[UserError(exc.field, exc.code, exc.message)])
    except CourierError as exc:
        return Outcome(errors=[UserError("courier", courier_failure_code(exc).value, exc.message)])
    return Outcome(result=Booked(shipment, None))
