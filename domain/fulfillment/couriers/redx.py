"""RedX (openapi v1.0.0-beta): `API-ACCESS-TOKEN: Bearer <jwt>`, create parcel, info and track, cancel.

The cancel body (`PATCH /parcels` with an entity and the status to set) follows RedX's published example;
its exact answer is unconfirmed, so only the HTTP status is relied on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from domain.fulfillment.couriers.base import (
    Consignment,
    ConsignmentRequest,
    CourierError,
    CourierProvider,
    FailureKind,
    TrackingEntry,
    TrackingSnapshot,
    area_id,
    body_of,
    flatten_errors,
    local_phone,
    major_units,
    send,
)
from domain.fulfillment.couriers.statuses import TrackingStatus, redx_status


@dataclass(frozen=True)
class RedxConfig:
    base_url: str  # https://openapi.redx.com.bd/v1.0.0-beta
    access_token: str
    pickup_store_id: str = ""
    timeout_seconds: float = 10.0


def _time(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


class RedxAdapter:
    provider = CourierProvider.REDX

    def __init__(self, config: RedxConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    async def _call(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        response = await send(
            self.client,
            method,
            self.config.base_url.rstrip("/") + path,
            json=json,
            headers={"API-ACCESS-TOKEN": f"Bearer {self.config.access_token}", "Accept": "application/json"},
            timeout_seconds=self.config.timeout_seconds,
        )
        data = body_of(response)
        if response.status_code >= 400:
            message = str(data.get("message") or f"RedX answered {response.status_code}")
            if response.status_code in (401, 403):
                raise CourierError(FailureKind.AUTH, message, status_code=response.status_code)
            if response.status_code == 404:
                raise CourierError(FailureKind.NOT_FOUND, message, status_code=404)
            fields = flatten_errors(data.get("errors") or data.get("validation_errors"))
            raise CourierError(FailureKind.REJECTED, message, fields, status_code=response.status_code)
        return data

    async def create_consignment(self, request: ConsignmentRequest) -> Consignment:
        body: dict[str, Any] = {
            "customer_name": request.recipient_name,
            "customer_phone": local_phone(request.recipient_phone),
            "customer_address": request.recipient_address,
            "delivery_area": request.area.get("delivery_area", ""),
            "delivery_area_id": area_id(request.area, "delivery_area_id") or 0,
            "merchant_invoice_id": request.reference,
            "cash_collection_amount": major_units(request.cod),
            "parcel_weight": request.weight_grams,
            "value": major_units(request.cod),
            "instruction": request.note,
        }
        if self.config.pickup_store_id:
            body["pickup_store_id"] = int(self.config.pickup_store_id)
        data = await self._call("POST", "/parcel", body)
        tracking_id = data.get("tracking_id")
        if not tracking_id:
            raise CourierError(FailureKind.UNAVAILABLE, "RedX's answer has no tracking id")
        return Consignment(
            consignment_id=str(tracking_id),
            tracking_code=str(tracking_id),
            status=TrackingStatus.PENDING,
            raw_status="pickup-pending",
        )

    async def cancel(self, consignment_id: str, *, reason: str = "") -> None:
        await self._call(
            "PATCH",
            "/parcels",
            {
                "entity_type": "parcel-tracking-id",
                "entity_id": consignment_id,
                "update_details": {"property_name": "status", "new_value": "cancelled", "reason": reason},
            },
        )

    async def track(self, consignment_id: str) -> TrackingSnapshot:
        parcel = (await self._call("GET", f"/parcel/info/{consignment_id}")).get("parcel")
        raw = str(parcel.get("status") or "") if isinstance(parcel, dict) else ""
        trail = (await self._call("GET", f"/parcel/track/{consignment_id}")).get("tracking")
        history = [
            TrackingEntry(at=_time(item.get("time")), message=str(item.get("message_en") or ""))
            for item in (trail if isinstance(trail, list) else [])
            if isinstance(item, dict)
        ]
        return TrackingSnapshot(
            consignment_id=consignment_id, status=redx_status(raw), raw_status=raw, history=history
        )
