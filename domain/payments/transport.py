"""One way for adapters to call a provider over HTTP: timeouts, connection failures and 5xx become
PROVIDER_UNAVAILABLE (nothing is known; the caller may retry or query), other answers are returned."""

from __future__ import annotations

from typing import Any

import httpx

from domain.payments.ports import unavailable


async def send(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise unavailable(f"{method} {url}: no answer in time") from None
    except httpx.TransportError as exc:
        raise unavailable(f"{method} {url}: {type(exc).__name__}") from None
    if response.status_code >= 500:
        raise unavailable(f"{method} {url}: HTTP {response.status_code}")
    return response


def json_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise unavailable(f"{response.request.url}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise unavailable(f"{response.request.url}: HTTP {response.status_code}, not a JSON object")
    return body
