"""Pathao Courier (Aladdin API v1): OAuth password-grant tokens, orders, order info.

Tokens come from `POST /issue-token` and are refreshed with the refresh token before they expire; a 401
on a business call means the token was revoked early, so the adapter takes a new one and retries once.
Tokens are kept through a `TokenStore` (the courier account row in production) so that every process of
the gateway does not log in again. Pathao publishes no cancel call: `cancel` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

from domain.db import utcnow
from domain.fulfillment.couriers.base import (
    Consignment,
    ConsignmentRequest,
    CourierError,
    CourierProvider,
    FailureKind,
    TrackingSnapshot,
    area_id,
    body_of,
    flatten_errors,
    local_phone,
    parse_money,
    send,
)
from domain.fulfillment.couriers.statuses import pathao_status

API = "/aladdin/api/v1"
# A token this close to its expiry is refreshed first rather than sent.
EXPIRY_MARGIN = timedelta(seconds=60)
NORMAL_DELIVERY = 48
PARCEL = 2


@dataclass(frozen=True)
class PathaoConfig:
    base_url: str  # https://courier-api-sandbox.pathao.com or https://api-hermes.pathao.com
    client_id: str
    client_secret: str
    username: str
    password: str
    store_id: int  # the merchant's Pathao pickup store
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class PathaoToken:
    access_token: str
    refresh_token: str
    expires_at: datetime


class TokenStore(Protocol):
    async def load(self) -> PathaoToken | None: ...

    async def save(self, token: PathaoToken) -> None: ...


class MemoryTokens:
    """A token store for one process (scripts, and the adapter's own tests)."""

    def __init__(self, token: PathaoToken | None = None) -> None:
        self.token = token

    async def load(self) -> PathaoToken | None:
        return self.token

    async def save(self, token: PathaoToken) -> None:
        self.token = token


def _fail(response: httpx.Response, data: dict[str, Any]) -> CourierError:
    message = str(data.get("message") or f"Pathao answered {response.status_code}")
    if response.status_code == 401:
        return CourierError(FailureKind.AUTH, message, status_code=401)
    if response.status_code == 404:
        return CourierError(FailureKind.NOT_FOUND, message, status_code=404)
    return CourierError(
        FailureKind.REJECTED, message, flatten_errors(data.get("errors")), status_code=response.status_code
    )


class PathaoAdapter:
    provider = CourierProvider.PATHAO

    def __init__(
        self,
        config: PathaoConfig,
        client: httpx.AsyncClient,
        tokens: TokenStore,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.client = client
        self.tokens = tokens
        self.clock = clock

    def _url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + API + path

    async def _grant(self, extra: dict[str, str]) -> PathaoToken:
        body = {"client_id": self.config.client_id, "client_secret": self.config.client_secret, **extra}
        response = await send(
            self.client,
            "POST",
            self._url("/issue-token"),
            json=body,
            timeout_seconds=self.config.timeout_seconds,
        )
        data = body_of(response)
        if response.status_code >= 400 or not data.get("access_token"):
            # Refused credentials are not the merchant's input to fix on a form: AUTH, whatever the status.
            raise CourierError(
                FailureKind.AUTH,
                str(data.get("message") or "Pathao refused the credentials"),
                status_code=response.status_code,
            )
        token = PathaoToken(
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=self.clock() + timedelta(seconds=int(data.get("expires_in") or 3600)),
        )
        await self.tokens.save(token)
        return token

    async def issue_token(self) -> PathaoToken:
        return await self._grant(
            {"grant_type": "password", "username": self.config.username, "password": self.config.password}
        )

    async def refresh_token(self, refresh: str) -> PathaoToken:
        return await self._grant({"grant_type": "refresh_token", "refresh_token": refresh})

    async def _token(self) -> PathaoToken:
        token = await self.tokens.load()
        if token is not None and token.expires_at - EXPIRY_MARGIN > self.clock():
            return token
        if token is not None and token.refresh_token:
            try:
                return await self.refresh_token(token.refresh_token)
            except CourierError as exc:
                if exc.kind is not FailureKind.AUTH:
                    raise
        return await self.issue_token()

    async def _call(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        token = await self._token()
        for attempt in (1, 2):
            response = await send(
                self.client,
                method,
                self._url(path),
                json=json,
                headers={"Authorization": f"Bearer {token.access_token}", "Accept": "application/json"},
                timeout_seconds=self.config.timeout_seconds,
            )
            if response.status_code == 401 and attempt == 1:
                token = await self.issue_token()
                continue
            data = body_of(response)
            if response.status_code >= 400:
                raise _fail(response, data)
            return data
        raise AssertionError("unreachable")

    async def create_consignment(self, request: ConsignmentRequest) -> Consignment:
        cod = request.cod.major()
        if cod != cod.to_integral_value():
            raise CourierError(
                FailureKind.REJECTED,
                "Pathao collects whole taka only",
                {"amount_to_collect": "must be a whole number of taka"},
            )
        body: dict[str, Any] = {
            "store_id": self.config.store_id,
            "merchant_order_id": request.reference,
            "recipient_name": request.recipient_name,
            "recipient_phone": local_phone(request.recipient_phone),
            "recipient_address": request.recipient_address,
            "delivery_type": NORMAL_DELIVERY,
            "item_type": PARCEL,
            "item_quantity": request.item_count,
            "item_weight": request.weight_grams / 1000,
            "amount_to_collect": int(cod),
            "item_description": request.description,
            "special_instruction": request.note,
        }
        for key in ("recipient_city", "recipient_zone", "recipient_area"):
            value = area_id(request.area, key)
            if value is not None:
                body[key] = value
        data = (await self._call("POST", "/orders", body)).get("data")
        if not isinstance(data, dict) or not data.get("consignment_id"):
            raise CourierError(FailureKind.UNAVAILABLE, "Pathao's answer has no consignment id")
        raw = str(data.get("order_status") or "Pending")
        return Consignment(
            consignment_id=str(data["consignment_id"]),
            tracking_code=str(data["consignment_id"]),
            status=pathao_status(raw),
            raw_status=raw,
            fee=parse_money(data.get("delivery_fee"), request.cod.currency),
        )

    async def cancel(self, consignment_id: str, *, reason: str = "") -> None:
        raise CourierError(
            FailureKind.UNSUPPORTED, "Pathao's merchant API has no cancel call: cancel it in the Pathao panel"
        )

    async def track(self, consignment_id: str) -> TrackingSnapshot:
        data = (await self._call("GET", f"/orders/{consignment_id}/info")).get("data")
        if not isinstance(data, dict):
            raise CourierError(FailureKind.UNAVAILABLE, "Pathao's answer has no order data")
        raw = str(data.get("order_status_slug") or data.get("order_status") or "")
        return TrackingSnapshot(consignment_id=consignment_id, status=pathao_status(raw), raw_status=raw)
