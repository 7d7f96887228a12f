"""WebSocket /graphql: the graphql-transport-ws protocol only; the token comes in connection_init."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from domain.access.models import TokenKind
from domain.access.principal import Principal
from gateway.auth import authenticate
from gateway.logging import request_id_var
from gateway.state import GatewayState
from resolvers.context import Context

_NOBODY = Principal(
    token_id=uuid.UUID(int=0),
    store_id=uuid.UUID(int=0),
    organization_id=uuid.UUID(int=0),
    kind=TokenKind.STOREFRONT,
    prefix="",
    name="",
    scopes=frozenset(),
)


class SocketContext(Context):
    """A context whose principal is set once connection_init carries a valid token."""

    connection_params: dict[str, Any] | None = None


class GraphQLWebSocket(GraphQL[Context, None]):
    def __init__(self, state: GatewayState) -> None:
        super().__init__(
            state.schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
        )
        self.state = state

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return SocketContext(
            request_id=request_id_var.get(),
            principal=_NOBODY,
            db=self.state.db,
            redis=self.state.redis,
            documents=self.state.preparer,
            default_page_size=self.state.settings.default_page_size,
            promotion_limits=self.state.settings.promotion_limits(),
            event_channel_prefix=self.state.settings.event_channel_prefix,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = getattr(context, "connection_params", None) or {}
        header = params.get("authorization") or params.get("Authorization")
        principal = await authenticate(self.state.db, header if isinstance(header, str) else None)
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = principal
        return {"store": str(principal.store_id)}
