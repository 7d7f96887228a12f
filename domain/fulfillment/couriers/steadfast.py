"""Steadfast Courier (portal.packzy.com API v1): `Api-Key` / `Secret-Key` headers, create order, status.

Steadfast answers a business outcome in the body's `status` as well as in HTTP: a 200 with
`{"status": 400, "errors": …}` is a refusal. Its API publishes no cancel call: `cancel` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from domain.fulfillment.couriers.base import (
    Consignment,
    ConsignmentRequest,
    CourierError,
    CourierProvider,
    FailureKind,
    TrackingSnapshot,
    body_of,
    flatten_errors,
    local_phone,
    major_units,
    parse_money,
    send,
)
from domain.fulfillment.couriers.statuses import steadfast_status

HOME_DELIVERY = 0


@dataclass(frozen=True)
class SteadfastConfig:
    base_url: str  # https://portal.packzy.com/api/v1
    api_key: str
    secret_key: str
    timeout_seconds: float = 10.0


class SteadfastAdapter:
    provider = CourierProvider.STEADFAST

    def __init__(self, config: SteadfastConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    async def _call(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        response = await send(
            self.client,
            method,
            self.config.base_url.rstrip("/") + path,
            json=json,
            headers={
                "Api-Key": self.config.api_key,
                "Secret-Key": self.config.secret_key,
                "Accept": "application/json",
            },
            timeout_seconds=self.config.timeout_seconds,
        )
        data = body_of(response)
        status = data.get("status", response.status_code)
        code = status if isinstance(status, int) else response.status_code
        if response.status_code >= 400 or code >= 400:
            message = str(data.get("message") or f"Steadfast answered {code}")
            if 401 in (code, response.status_code) or 403 in (code, response.status_code):
                raise CourierError(FailureKind.AUTH, message, status_code=response.status_code)
            if 404 in (code, response.status_code):
                raise CourierError(FailureKind.NOT_FOUND, message, status_code=response.status_code)
            raise CourierError(
                FailureKind.REJECTED, message, flatten_errors(data.get("errors")), status_code=code
            )
        return data

    async def create_consignment(self, request: ConsignmentRequest) -> Consignment:
        body = {
            "invoice": request.reference,
            "recipient_name": request.recipient_name,
            "recipient_phone": local_phone(request.recipient_phone),
            "recipient_address": request.recipient_address,
            "cod_amount": major_units(request.cod),
            "note": request.note,
            "item_description": request.description,
            "delivery_type": HOME_DELIVERY,
        }
        consignment = (await self._call("POST", "/create_order", body)).get("consignment")
        if not isinstance(consignment, dict) or not consignment.get("consignment_id"):
            raise CourierError(FailureKind.UNAVAILABLE, "Steadfast's answer has no consignment")
        raw = str(consignment.get("status") or "in_review")
        return Consignment(
            consignment_id=str(consignment["consignment_id"]),
            tracking_code=str(consignment.get("tracking_code") or consignment["consignment_id"]),
            status=steadfast_status(raw),
            raw_status=raw,
            fee=parse_money(consignment.get("delivery_charge"), request.cod.currency),
        )

    async def cancel(self, consignment_id: str, *, reason: str = "") -> None:
        raise CourierError(
            FailureKind.UNSUPPORTED, "Steadfast's API has no cancel call: cancel it in the Steadfast panel"
        )

    async def track(self, consignment_id: str) -> TrackingSnapshot:
        data = await self._call("GET", f"/status_by_cid/{consignment_id}")
        raw = str(data.get("delivery_status") or "")
        return TrackingSnapshot(consignment_id=consignment_id, status=steadfast_status(raw), raw_status=raw)
