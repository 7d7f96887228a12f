"""Shipping zones and methods as admins manage them. Reads need `shipping:read`, changes
`shipping:manage`; expected failures come back in `errors`."""

from __future__ import annotations

import uuid
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from domain.shipping.errors import ShippingErrorCode
from domain.shipping.models import RateKind, ShippingMethod, ShippingZone
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from resolvers.shipping.method_create import shipping_method_create
from resolvers.shipping.method_delete import shipping_method_delete
from resolvers.shipping.method_update import shipping_method_update
from resolvers.shipping.queries import shipping_setup
from resolvers.shipping.zone_create import shipping_zone_create
from resolvers.shipping.zone_delete import shipping_zone_delete
from resolvers.shipping.zone_update import shipping_zone_update
from schema.catalog.taxonomy_types import Money
from schema.errors import ShippingError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
READ = "shipping:read"
MANAGE = "shipping:manage"

ShippingRateKind = strawberry.enum(
    RateKind,
    name="ShippingRateKind",
    description="flat (one price), weight (brackets on grams), price (brackets on the cart subtotal).",
)


@strawberry.type(name="ShippingMethod", description="A way to deliver to a zone, and its price rule.")
class ShippingMethodType:
    id: strawberry.ID = strawberry.field(description="Global id.")
    code: str = strawberry.field(description="Unique code in the store.")
    name: str = strawberry.field(description="Name shown to shoppers.")
    kind: RateKind = strawberry.field(description="How the price is worked out.")
    amount: Money = strawberry.field(description="Flat price, or the price below the first bracket.")
    brackets: JSON = strawberry.field(description='[{"from": n, "amount": minor units}] ascending.')
    free_over: Money | None = strawberry.field(description="Free from this cart subtotal, if set.")
    active: bool = strawberry.field(description="Offered to shoppers.")
    position: int = strawberry.field(description="Display order within the zone.")

    @classmethod
    def build(cls, m: ShippingMethod) -> ShippingMethodType:
        return cls(
            id=strawberry.ID(encode_global_id("ShippingMethod", m.id)),
            code=m.code,
            name=m.name,
            kind=m.kind,
            amount=Money(amount=m.amount, currency=m.currency),
            brackets=cast(JSON, list(m.brackets)),
            free_over=Money(amount=m.free_over, currency=m.currency) if m.free_over is not None else None,
            active=m.active,
            position=m.position,
        )


@strawberry.type(
    name="ShippingZone", description="Where methods deliver: districts, divisions, or everywhere else."
)
class ShippingZoneType:
    id: strawberry.ID = strawberry.field(description="Global id.")
    name: str = strawberry.field(description="Unique name in the store, e.g. Inside Dhaka.")
    divisions: list[str] = strawberry.field(description="Divisions it covers.")
    districts: list[str] = strawberry.field(description="Districts it covers (more specific than divisions).")
    methods: list[ShippingMethodType] = strawberry.field(description="Its methods in display order.")

    @classmethod
    def build(cls, z: ShippingZone, methods: list[ShippingMethod]) -> ShippingZoneType:
        return cls(
            id=strawberry.ID(encode_global_id("ShippingZone", z.id)),
            name=z.name,
            divisions=list(z.divisions),
            districts=list(z.districts),
            methods=[ShippingMethodType.build(m) for m in methods if m.zone_id == z.id],
        )


@strawberry.input(description="A shipping zone; with neither divisions nor districts it is everywhere else.")
class ShippingZoneInput:
    name: str = strawberry.field(description="Unique name in the store.")
    divisions: list[str] = strawberry.field(default_factory=list, description="Division names.")
    districts: list[str] = strawberry.field(default_factory=list, description="District names.")


@strawberry.input(description="A bracket of a weight- or price-based rate.")
class ShippingBracketInput:
    from_: int = strawberry.field(name="from", description="Grams (weight) or minor units (price).")
    amount: int = strawberry.field(description="Price in minor units from this value up.")


@strawberry.input(description="A shipping method of a zone.")
class ShippingMethodInput:
    zone_id: strawberry.ID = strawberry.field(description="Global id of its zone.")
    code: str = strawberry.field(description="Unique code: lower-case letters, digits, - and _.")
    name: str = strawberry.field(description="Name shown to shoppers.")
    kind: RateKind = strawberry.field(description="How the price is worked out.")
    currency: str = strawberry.field(description="ISO 4217 code; carts in other currencies do not see it.")
    amount: int = strawberry.field(default=0, description="Flat price, or below the first bracket.")
    brackets: list[ShippingBracketInput] = strawberry.field(default_factory=list, description="Brackets.")
    free_over: int | None = strawberry.field(default=None, description="Free from this subtotal.")
    active: bool = strawberry.field(default=True, description="Offered to shoppers.")
    position: int = strawberry.field(default=0, description="Display order.")

    def to_dict(self) -> dict[str, Any]:
        data = dict(vars(self))
        data["zone_id"] = str(self.zone_id)
        data["brackets"] = [{"from": b.from_, "amount": b.amount} for b in self.brackets]
        return data


@strawberry.type(description="The result of a shipping zone mutation.")
class ShippingZonePayload:
    zone: ShippingZoneType | None = strawberry.field(description="The zone after the change.")
    errors: list[ShippingError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of a shipping method mutation.")
class ShippingMethodPayload:
    method: ShippingMethodType | None = strawberry.field(description="The method after the change.")
    errors: list[ShippingError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of a shipping delete.")
class ShippingDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Global id of what was deleted.")
    errors: list[ShippingError] = strawberry.field(description="Why nothing changed, if so.")


def _errors(out: Outcome[Any]) -> list[ShippingError]:
    return convert(out.errors, ShippingErrorCode, ShippingError)


def _zone(out: Outcome[ShippingZone]) -> ShippingZonePayload:
    return ShippingZonePayload(
        zone=ShippingZoneType.build(out.result, []) if out.result else None, errors=_errors(out)
    )


def _method(out: Outcome[ShippingMethod]) -> ShippingMethodPayload:
    return ShippingMethodPayload(
        method=ShippingMethodType.build(out.result) if out.result else None, errors=_errors(out)
    )


def _deleted(kind: str, out: Outcome[uuid.UUID]) -> ShippingDeletePayload:
    gid = strawberry.ID(encode_global_id(kind, out.result)) if out.result else None
    return ShippingDeletePayload(deleted_id=gid, errors=_errors(out))


@strawberry.type
class ShippingQuery:
    @strawberry.field(description="Every shipping zone with its methods.", extensions=requires(READ))
    async def shipping_zones(self, info: Info) -> list[ShippingZoneType]:
        setup = await shipping_setup(info.context)
        return [ShippingZoneType.build(z, setup.methods) for z in setup.zones]


@strawberry.type
class ShippingMutation:
    @strawberry.mutation(description="Create a shipping zone.", extensions=requires(MANAGE))
    async def shipping_zone_create(self, info: Info, input: ShippingZoneInput) -> ShippingZonePayload:
        return _zone(await shipping_zone_create(info.context, fields=dict(vars(input))))

    @strawberry.mutation(description="Change a shipping zone.", extensions=requires(MANAGE))
    async def shipping_zone_update(
        self, info: Info, id: strawberry.ID, input: ShippingZoneInput
    ) -> ShippingZonePayload:
        return _zone(await shipping_zone_update(info.context, id=str(id), fields=dict(vars(input))))

    @strawberry.mutation(description="Delete a shipping zone and its methods.", extensions=requires(MANAGE))
    async def shipping_zone_delete(self, info: Info, id: strawberry.ID) -> ShippingDeletePayload:
        return _deleted("ShippingZone", await shipping_zone_delete(info.context, id=str(id)))

    @strawberry.mutation(description="Create a shipping method.", extensions=requires(MANAGE))
    async def shipping_method_create(self, info: Info, input: ShippingMethodInput) -> ShippingMethodPayload:
        return _method(await shipping_method_create(info.context, fields=input.to_dict()))

    @strawberry.mutation(description="Change a shipping method.", extensions=requires(MANAGE))
    async def shipping_method_update(
        self, info: Info, id: strawberry.ID, input: ShippingMethodInput
    ) -> ShippingMethodPayload:
        return _method(await shipping_method_update(info.context, id=str(id), fields=input.to_dict()))

    @strawberry.mutation(description="Delete a shipping method.", extensions=requires(MANAGE))
    async def shipping_method_delete(self, info: Info, id: strawberry.ID) -> ShippingDeletePayload:
        return _deleted("ShippingMethod", await shipping_method_delete(info.context, id=str(id)))
