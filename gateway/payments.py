"""Payment provider callbacks over HTTP: the shopper's browser coming back (`/callback`, GET or POST) and
server-to-server notifications (`/ipn`, SSLCommerz's IPN). No token: the domain verifies every callback
with the provider (a signature or a server-side query) before anything changes.

The URL names the store and the attempt, so the callback runs in that store's unit of work and row-level
security applies as for any request."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from domain.errors import DomainError
from domain.payments.callbacks import handle_callback
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAttempt, Provider
from domain.uow import UnitOfWork
from gateway.logging import request_id_var
from gateway.state import GatewayState

MAX_BODY = 64 * 1024
E = PaymentErrorCode
STATUS_OF = {
    E.NOT_FOUND.value: 404,
    E.SIGNATURE_INVALID.value: 400,
    E.INVALID.value: 400,
    E.CALLBACK_REPLAYED.value: 409,
    E.INVALID_TRANSITION.value: 409,
    E.AMOUNT_MISMATCH.value: 422,
    E.CURRENCY_MISMATCH.value: 422,
    E.PROVIDER_NOT_CONFIGURED.value: 404,
    E.PROVIDER_UNAVAILABLE.value: 502,
    E.PROVIDER_DECLINED.value: 502,
}


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class PaymentCallbacks:
    def __init__(self, state: GatewayState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        base = "/payments/{provider}/{store_id}/{attempt_id}"
        return [
            Route(f"{base}/callback", self.browser, methods=["GET", "POST"]),
            Route(f"{base}/ipn", self.ipn, methods=["POST"]),
        ]

    async def browser(self, request: Request) -> Response:
        return await self._handle(request, browser=True)

    async def ipn(self, request: Request) -> Response:
        return await self._handle(request, browser=False)

    def _uow(self, store_id: uuid.UUID) -> UnitOfWork:
        return UnitOfWork(self.state.db.sessions, store_id=store_id, correlation_id=request_id_var.get(""))

    async def _params(self, request: Request) -> dict[str, str]:
        params = dict(request.query_params)
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_BODY:
                raise DomainError(E.INVALID, "callback body too large")
            # Providers post urlencoded forms (SSLCommerz); multipart is not used by any of them.
            if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                raise DomainError(E.INVALID, "callbacks are urlencoded forms or query strings")
            body = await request.body()
            if len(body) > MAX_BODY:
                raise DomainError(E.INVALID, "callback body too large")
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    async def _handle(self, request: Request, *, browser: bool) -> Response:
        try:
            provider = Provider(request.path_params["provider"])
            store_id = uuid.UUID(request.path_params["store_id"])
            attempt_id = uuid.UUID(request.path_params["attempt_id"])
        except ValueError:
            return _error(E.NOT_FOUND.value, "no such payment")
        error: DomainError | None = None
        attempt: PaymentAttempt | None = None
        try:
            params = await self._params(request)
            async with self._uow(store_id) as uow:
                attempt = await handle_callback(
                    uow, provider, attempt_id, params, providers=self.state.payments
                )
        except DomainError as exc:
            error = exc
        if browser:
            redirect = await self._redirect(store_id, attempt_id, attempt, error)
            if redirect is not None:
                return redirect
        if error is not None:
            return _error(str(error.code), error.message)
        assert attempt is not None
        return JSONResponse({"paymentId": str(attempt.id), "status": attempt.status.value})

    async def _redirect(
        self,
        store_id: uuid.UUID,
        attempt_id: uuid.UUID,
        attempt: PaymentAttempt | None,
        error: DomainError | None,
    ) -> Response | None:
        """Send the shopper back to the storefront with the payment's state (also after a replay)."""
        if attempt is None:
            async with self._uow(store_id) as uow:
                attempt = await uow.session.get(PaymentAttempt, attempt_id)
        if attempt is None or attempt.provider.value == "cod" or not attempt.return_url:
            return None
        params: dict[str, Any] = {"payment": attempt.status.value, "paymentAttempt": str(attempt.id)}
        if error is not None:
            params["error"] = error.code
        return RedirectResponse(_with_query(attempt.return_url, params), status_code=303)


def _error(code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=STATUS_OF.get(code, 400))
