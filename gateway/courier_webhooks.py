"""`POST /couriers/{provider}/webhook/{store_id}`: the URL a merchant gives Pathao, Steadfast or RedX.

The store is in the path (couriers call without our tokens); the courier's own proof is checked by
domain/fulfillment/webhook_intake.py. RedX's secret rides in the query string, so merchants give RedX
`…/couriers/redx/webhook/<store id>?token=<secret>`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.fulfillment.couriers.webhooks import MAX_BODY_BYTES, WebhookRequest
from domain.fulfillment.webhook_intake import receive
from gateway.logging import request_id_var
from gateway.state import GatewayState


class CourierWebhooks:
    def __init__(self, state: GatewayState) -> None:
        self.state = state

    async def handle(self, request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY_BYTES:
                return JSONResponse({"status": "rejected", "message": "the body is too large"}, 413)
        reply = await receive(
            self.state.db,
            provider=request.path_params["provider"],
            store=request.path_params["store_id"],
            request=WebhookRequest(
                headers={k.lower(): v for k, v in request.headers.items()},
                query=dict(request.query_params),
                body=bytes(body),
            ),
            correlation_id=request_id_var.get(),
        )
        return JSONResponse(reply.body, reply.status, headers=reply.headers)
