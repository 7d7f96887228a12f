"""The courier port: what fulfillment asks of any courier, and the failures it can expect.

Adapters speak one provider's HTTP protocol (see /work/shared/PROVIDERS.md sections 4-6) through an
`httpx.AsyncClient` they are given, and turn every way a call can fail into a `CourierError` with a kind:
the caller decides what to retry (UNAVAILABLE, TIMEOUT) and what to show (REJECTED, with field errors).
Adapters never touch the database; a token cache (Pathao) is a port of its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from domain.fulfillment.couriers.statuses import TrackingStatus
from domain.money import Money, to_minor


class CourierProvider(enum.StrEnum):
    PATHAO = "pathao"
    STEADFAST = "steadfast"
    REDX = "redx"


class FailureKind(enum.StrEnum):
    REJECTED = "rejected"  # the courier refused the request: fix the input
    NOT_FOUND = "not_found"  # unknown consignment
    AUTH = "auth"  # credentials refused (after a token refresh, for Pathao)
    UNAVAILABLE = "unavailable"  # 5xx, connection refused, an answer that is not the protocol's
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"  # the provider's API has no such operation


@dataclass(frozen=True)
class CourierError(Exception):
    kind: FailureKind
    message: str
    # Field errors the courier reported, by its own field names.
    fields: dict[str, str] = field(default_factory=dict)
    status_code: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"

    @property
    def retryable(self) -> bool:
        return self.kind in (FailureKind.UNAVAILABLE, FailureKind.TIMEOUT)


@dataclass(frozen=True)
class ConsignmentRequest:
    """One parcel to hand to a courier. `reference` is our unique id for it (the courier's merchant order
    id / invoice): the same reference twice is refused by couriers that check it, so a retry after a lost
    answer cannot book two parcels there."""

    reference: str
    recipient_name: str
    recipient_phone: str  # 01XXXXXXXXX (couriers want the 11 local digits)
    recipient_address: str
    cod: Money  # zero when prepaid
    weight_grams: int = 500
    item_count: int = 1
    description: str = ""
    note: str = ""
    # Provider-specific routing (Pathao city/zone/area ids, RedX delivery area) when the merchant knows it.
    area: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Consignment:
    consignment_id: str
    tracking_code: str
    status: TrackingStatus
    raw_status: str
    fee: Money | None = None


@dataclass(frozen=True)
class TrackingEntry:
    at: datetime | None
    message: str


@dataclass(frozen=True)
class TrackingSnapshot:
    consignment_id: str
    status: TrackingStatus
    raw_status: str
    history: list[TrackingEntry] = field(default_factory=list)


class CourierAdapter(Protocol):
    provider: CourierProvider

    async def create_consignment(self, request: ConsignmentRequest) -> Consignment: ...

    async def cancel(self, consignment_id: str, *, reason: str = "") -> None: ...

    async def track(self, consignment_id: str) -> TrackingSnapshot: ...


def major_units(amount: Money) -> str:
    """An amount as couriers write it: taka with up to two decimals, no trailing zeros ("1250", "99.5")."""
    text = format(amount.major(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def local_phone(phone: str) -> str:
    """+8801XXXXXXXXX or 8801XXXXXXXXX or 01XXXXXXXXX -> 01XXXXXXXXX (what the couriers accept)."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("880"):
        digits = digits[2:]
    return digits


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    timeout_seconds: float,
    headers: dict[str, str] | None = None,
    json: Any = None,
) -> httpx.Response:
    """One HTTP call with transport failures turned into CourierErrors (answers are the caller's to read)."""
    try:
        return await client.request(method, url, headers=headers, json=json, timeout=timeout_seconds)
    except httpx.TimeoutException as exc:
        raise CourierError(FailureKind.TIMEOUT, f"no answer within {timeout_seconds:g} s") from exc
    except httpx.TransportError as exc:
        raise CourierError(
            FailureKind.UNAVAILABLE, f"could not reach the courier: {type(exc).__name__}"
        ) from exc


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an answer; a 5xx or anything not a JSON object is UNAVAILABLE."""
    if response.status_code >= 500:
        raise CourierError(
            FailureKind.UNAVAILABLE,
            f"the courier answered {response.status_code}",
            status_code=response.status_code,
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise CourierError(
            FailureKind.UNAVAILABLE, "the courier's answer is not JSON", status_code=response.status_code
        ) from exc
    if not isinstance(data, dict):
        raise CourierError(
            FailureKind.UNAVAILABLE,
            "the courier's answer is not a JSON object",
            status_code=response.status_code,
        )
    return data


def flatten_errors(errors: Any) -> dict[str, str]:
    """`{"field": ["msg", ...]}` or `{"field": "msg"}` (Laravel-style validation) -> field: message."""
    out: dict[str, str] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(value, list):
                out[str(key)] = "; ".join(str(v) for v in value)
            else:
                out[str(key)] = str(value)
    return out


def parse_money(raw: Any, currency: str) -> Money | None:
    """A courier's amount ("60", 60, "60.50") as Money; None when absent or not an amount."""
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        return Money(to_minor(str(raw), currency), currency)
    except ValueError:
        return None


def area_id(area: dict[str, str], key: str) -> int | None:
    """A courier routing id given by the merchant; REJECTED (before any call) when it is not a number."""
    raw = area.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise CourierError(FailureKind.REJECTED, f"{key} is a number", {key: "must be a number"})
    return int(raw)
