"""Couriers (accounts and their webhook URLs), shipments, fulfillments and returns.

Reads need `orders:read`; courier accounts are settings (`settings:manage`); fulfilling and returns
need `orders:write`. Credentials are never shown back, only which keys are set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.fulfillment.errors import FulfillmentErrorCode
from domain.fulfillment.models import CodReconciliation, ShipmentStatus
from domain.fulfillment.models import CourierAccount as CourierAccountRow
from domain.fulfillment.queries import ShipmentView
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.fulfillment import queries
from resolvers.fulfillment.courier_account_set import courier_account_set
from resolvers.fulfillment.fulfillment_create import (
    Booked,
    fulfillment_create,
    shipment_book,
    shipment_tracking_refresh,
)
from resolvers.fulfillment.shipment_cancel import shipment_cancel
from resolvers.ids import encode_global_id
from schema.catalog.taxonomy_types import Money
from schema.errors import FulfillmentError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
READ = "orders:read"
WRITE = "orders:write"
SETTINGS = "settings:manage"

CourierProviderEnum = strawberry.enum(
    CourierProvider, name="CourierProvider", description="Couriers the gateway speaks to."
)
TrackingStatusEnum = strawberry.enum(
    TrackingStatus,
    name="TrackingStatus",
    description="A courier's status in one vocabulary for every courier (its own word is kept as rawStatus).",
)
ShipmentStatusEnum = strawberry.enum(
    ShipmentStatus,
    name="ShipmentStatus",
    description="booking (waiting for the courier), booking_failed (book again), booked (the courier has "
    "it), shipped (sent without a courier), delivered, returned, cancelled.",
)
CodReconciliationEnum = strawberry.enum(
    CodReconciliation,
    name="CodReconciliation",
    description="Cash on delivery: none to collect, awaiting the courier, matched (captured), mismatch "
    "(flagged to staff, nothing captured).",
)


def _errors(out: Outcome[Any]) -> list[FulfillmentError]:
    return convert(out.errors, FulfillmentErrorCode, FulfillmentError)


@strawberry.type(description="The store's account with one courier.")
class CourierAccount:
    provider: CourierProvider = strawberry.field(description="Which courier.")
    base_url: str = strawberry.field(description="The courier API the account calls (live, sandbox).")
    credential_keys: list[str] = strawberry.field(
        description="Names of the credentials set (their values are never shown)."
    )
    active: bool = strawberry.field(description="Whether shipments may use it and its webhooks are taken.")
    webhook_path: str = strawberry.field(
        description="Path on this gateway to give the courier as its webhook URL (RedX: add `?token=`)."
    )
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m: CourierAccountRow) -> CourierAccount:
        return cls(
            provider=m.provider,
            base_url=m.base_url,
            credential_keys=sorted(m.credentials),
            active=m.active,
            webhook_path=f"/couriers/{m.provider}/webhook/{m.store_id}",
            updated_at=m.updated_at,
        )


@strawberry.input(description="A credential of a courier account, by the courier's own name for it.")
class CourierCredentialInput:
    key: str = strawberry.field(
        description="Pathao: client_id, client_secret, username, password, store_id. Steadfast: api_key, "
        "secret_key. RedX: access_token, optionally pickup_store_id."
    )
    value: str = strawberry.field(description="Its value.")


@strawberry.input(description="A courier account to create or replace (one per courier per store).")
class CourierAccountSetInput:
    provider: CourierProvider = strawberry.field(description="Which courier.")
    credentials: list[CourierCredentialInput] = strawberry.field(
        description="Every credential the courier needs."
    )
    base_url: str | None = strawberry.field(
        default=None, description="The courier API to call; null for the live one."
    )
    webhook_secret: str | None = strawberry.field(
        default=None,
        description="The secret the courier's webhooks must present (Pathao signature, Steadfast bearer "
        "token, RedX URL token); null to have one generated and shown once.",
    )
    active: bool = strawberry.field(default=True, description="Whether the account is in use.")


@strawberry.type(description="The result of courierAccountSet.")
class CourierAccountPayload:
    account: CourierAccount | None = strawberry.field(description="The account after the change.")
    webhook_secret: str | None = strawberry.field(
        description="The generated webhook secret, shown once (null when you gave one)."
    )
    errors: list[FulfillmentError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Units of one order line in a shipment.")
class ShipmentLineType:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (OrderLine.id).")
    quantity: int = strawberry.field(description="Units shipped.")


@strawberry.type(description="One report of the courier about the parcel.")
class CourierTrackingEvent:
    status: TrackingStatus = strawberry.field(description="The report in one vocabulary for every courier.")
    raw_status: str = strawberry.field(description="The courier's own word.")
    message: str = strawberry.field(description="The courier's message, if any.")
    occurred_at: datetime = strawberry.field(description="When it happened, by the courier's clock.")
    collected: Money | None = strawberry.field(description="Cash the courier says it collected.")


@strawberry.type(name="Shipment", description="Units of an order sent together, with the courier's parcel.")
class ShipmentType:
    id: strawberry.ID = strawberry.field(description="Global id (Shipment).")
    reference: str = strawberry.field(description="Our parcel reference at the courier: <order number>-<n>.")
    status: ShipmentStatus = strawberry.field(description="Where the shipment is.")
    courier: CourierProvider | None = strawberry.field(description="The courier; null when sent without one.")
    consignment_id: str | None = strawberry.field(description="The courier's consignment id.")
    tracking_code: str | None = strawberry.field(description="The code customers track the parcel with.")
    courier_status: TrackingStatus | None = strawberry.field(description="The courier's latest status.")
    booking_error: str | None = strawberry.field(
        description="Why the courier refused the booking, if it did."
    )
    cod_amount: Money = strawberry.field(description="Cash the courier is to collect.")
    collected: Money | None = strawberry.field(description="Cash the courier reported collecting.")
    reconciliation: CodReconciliation = strawberry.field(description="Cash on delivery against the order.")
    delivered_at: datetime | None = strawberry.field(description="When the courier delivered it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    lines: list[ShipmentLineType] = strawberry.field(description="What it holds.")
    tracking: list[CourierTrackingEvent] = strawberry.field(
        description="The courier's reports, oldest first."
    )

    @classmethod
    def from_view(cls, view: ShipmentView) -> ShipmentType:
        s = view.shipment
        return cls(
            id=strawberry.ID(encode_global_id("Shipment", s.id)),
            reference=s.reference,
            status=s.status,
            courier=s.provider,
            consignment_id=s.consignment_id,
            tracking_code=s.tracking_code,
            courier_status=s.courier_status,
            booking_error=s.booking_error,
            cod_amount=Money(amount=s.cod_amount, currency=s.currency),
            collected=Money(amount=s.collected_amount, currency=s.currency)
            if s.collected_amount is not None
            else None,
            reconciliation=s.reconciliation,
            delivered_at=s.delivered_at,
            created_at=s.created_at,
            lines=[
                ShipmentLineType(order_line_id=strawberry.ID(str(x.order_line_id)), quantity=x.quantity)
                for x in view.lines
            ],
            tracking=[
                CourierTrackingEvent(
                    status=t.status,
                    raw_status=t.raw_status,
                    message=t.message,
                    occurred_at=t.occurred_at,
                    collected=Money(amount=t.collected_amount, currency=t.currency)
                    if t.collected_amount is not None
                    else None,
                )
                for t in view.tracking
            ],
        )


@strawberry.input(description="Units of one order line to ship.")
class FulfillmentLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="The order line (OrderLine.id).")
    quantity: int = strawberry.field(description="Units to ship; at most what the line has left.")


@strawberry.input(description="A courier routing id, by the courier's own name for it.")
class CourierAreaInput:
    key: str = strawberry.field(
        description="RedX: delivery_area, delivery_area_id. "
        "Pathao: recipient_city, recipient_zone, recipient_area."
    )
    value: str = strawberry.field(description="Its value.")


@strawberry.input(description="A shipment of some units of an order.")
class FulfillmentCreateInput:
    order_id: strawberry.ID = strawberry.field(description="The Order.")
    lines: list[FulfillmentLineInput] = strawberry.field(description="What goes in the parcel.")
    courier: CourierProvider | None = strawberry.field(
        default=None, description="Book it with this courier at once; null to send it without one."
    )
    cod_amount: int | None = strawberry.field(
        default=None,
        description="Cash to collect, minor units; null for what is left to collect on a COD order.",
    )
    weight_grams: int | None = strawberry.field(
        default=None, description="Parcel weight; null: from the lines."
    )
    note: str | None = strawberry.field(default=None, description="Instructions for the courier.")
    area: list[CourierAreaInput] | None = strawberry.field(default=None, description="Courier routing ids.")


@strawberry.input(description="A shipment to cancel before the courier picks it up.")
class ShipmentCancelInput:
    shipment_id: strawberry.ID = strawberry.field(description="The Shipment.")
    reason: str = strawberry.field(description="Why (at most 500 characters); on the order's timeline.")
    cancelled_at_courier: bool = strawberry.field(
        default=False,
        description="You cancelled the consignment in the courier's own panel already: record it here "
        "without calling the courier (Pathao and Steadfast publish no cancel call).",
    )


@strawberry.type(description="The result of fulfillmentCreate, shipmentBook or shipmentCancel.")
class ShipmentPayload:
    shipment: ShipmentType | None = strawberry.field(
        description="The shipment (also when the courier failed: then BOOKING_FAILED, see errors)."
    )
    errors: list[FulfillmentError] = strawberry.field(description="Why nothing (or the booking) failed.")


def _shipment_payload(out: Outcome[Booked]) -> ShipmentPayload:
    shipment = None
    if out.result is not None:
        shipment = ShipmentType.from_view(ShipmentView(out.result.shipment, [], []))
    return ShipmentPayload(shipment=shipment, errors=_errors(out))


def _area(items: list[CourierAreaInput] | None) -> dict[str, str] | None:
    return {a.key: a.value for a in items} if items else None


@strawberry.type
class FulfillmentQuery:
    @strawberry.field(
        description="An order's shipments, oldest first, with their lines and courier reports.",
        extensions=requires(READ),
    )
    async def order_shipments(self, info: Info, order_id: strawberry.ID) -> list[ShipmentType]:
        return [ShipmentType.from_view(v) for v in await queries.order_shipments(info.context, str(order_id))]

    @strawberry.field(description="The store's courier accounts.", extensions=requires(SETTINGS))
    async def courier_accounts(self, info: Info) -> list[CourierAccount]:
        return [CourierAccount.from_model(a) for a in await queries.courier_accounts(info.context)]


@strawberry.type
class FulfillmentMutation:
    @strawberry.mutation(
        description="Create or replace the store's account with a courier.", extensions=requires(SETTINGS)
    )
    async def courier_account_set(self, info: Info, input: CourierAccountSetInput) -> CourierAccountPayload:
        values: dict[str, Any] = {
            "provider": input.provider,
            "credentials": {c.key: c.value for c in input.credentials},
            "base_url": input.base_url,
            "webhook_secret": input.webhook_secret,
            "active": input.active,
        }
        out = await courier_account_set(info.context, values=values)
        return CourierAccountPayload(
            account=CourierAccount.from_model(out.result.account) if out.result else None,
            webhook_secret=out.result.webhook_secret if out.result else None,
            errors=_errors(out),
        )

    @strawberry.mutation(
        description="Ship units of an order (partial by line and quantity); with a courier, book it at once.",
        extensions=requires(WRITE),
    )
    async def fulfillment_create(self, info: Info, input: FulfillmentCreateInput) -> ShipmentPayload:
        values: dict[str, Any] = {
            "order_id": str(input.order_id),
            "lines": [{"order_line_id": str(x.order_line_id), "quantity": x.quantity} for x in input.lines],
            "courier": input.courier,
            "cod_amount": input.cod_amount,
            "weight_grams": input.weight_grams,
            "note": input.note,
            "area": _area(input.area),
        }
        return _shipment_payload(await fulfillment_create(info.context, values=values))

    @strawberry.mutation(
        description="Book a shipment whose booking failed with its courier again.", extensions=requires(WRITE)
    )
    async def shipment_book(
        self, info: Info, id: strawberry.ID, area: list[CourierAreaInput] | None = None
    ) -> ShipmentPayload:
        return _shipment_payload(await shipment_book(info.context, id=str(id), area=_area(area)))

    @strawberry.mutation(
        description="Ask the courier for the parcel's status now (when its webhook may have been lost).",
        extensions=requires(WRITE),
    )
    async def shipment_tracking_refresh(self, info: Info, id: strawberry.ID) -> ShipmentPayload:
        return _shipment_payload(await shipment_tracking_refresh(info.context, id=str(id)))

    @strawberry.mutation(
        description="Cancel a shipment the courier has not picked up: at the courier first (RedX), or "
        "recorded after a cancel in the courier's panel (cancelledAtCourier); its units can be shipped "
        "again and the order moves back to partially fulfilled or confirmed.",
        extensions=requires(WRITE),
    )
    async def shipment_cancel(self, info: Info, input: ShipmentCancelInput) -> ShipmentPayload:
        values: dict[str, Any] = {
            "shipment_id": str(input.shipment_id),
            "reason": input.reason,
            "cancelled_at_courier": input.cancelled_at_courier,
        }
        out = await shipment_cancel(info.context, values=values)
        booked = Outcome(result=Booked(out.result, None) if out.result else None, errors=out.errors)
        return _shipment_payload(booked)
