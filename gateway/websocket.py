"""WebSocket /graphql: the graphql-transport-ws protocol only; the token comes in connection_init.

Strawberry's handler implements the protocol's close codes (4400, 4401 subscribe before ack, 4403 bad token,
4408 init timeout, 4409 duplicate id, 4429 second init) and the per-connection cap. On top of it this module
adds what the gateway promises for every other request: persisted documents by id (the same rules as over
HTTP), the static limits on raw documents, masked unexpected errors, the token's event grants loaded once
at connection_init, and server keep-alive pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from datetime import timedelta
from typing import Any, cast

from graphql import GraphQLError
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    NextMessagePayload,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UnsetType

from domain.access.models import TokenKind
from domain.access.principal import Principal
from domain.errors import DomainError
from domain.events.grants import granted_patterns
from domain.events.patterns import TypePatterns
from domain.uow import UnitOfWork
from gateway.auth import authenticate
from gateway.documents import DocumentRejected
from gateway.errors import present
from gateway.graphql_http import HTTPFailure, Params, persisted_id
from gateway.logging import request_id_var
from gateway.state import GatewayState
from resolvers.context import Context


class _ExpectedErrorsFilter(logging.Filter):
    """Strawberry logs every error of a subscription with its trace; a DomainError (not granted, an unknown
    `after`, a subscriber ended as too slow) is an answer to the client, not a fault to investigate."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, DomainError)


logging.getLogger("strawberry.execution").addFilter(_ExpectedErrorsFilter())

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


class _DocumentFault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's protocol handler, with persisted documents, limits, masking and keep-alive pings."""

    view: GraphQLWebSocket
    _keepalive: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._keepalive is None:
            self._keepalive = asyncio.create_task(self._ping_forever())

    async def _ping_forever(self) -> None:
        # The protocol lets either side ping; the client must pong. Pings keep idle connections open
        # through proxies and make a dead peer show up as a failed send.
        interval = self.view.state.settings.ws_keepalive_seconds
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keepalive
        await super().shutdown()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # Protocol faults (before ack, duplicate id, the cap) are the base class's; only then the document.
        ready = self.connection_acknowledged and message.get("id") not in self.operations
        if ready:
            payload = cast(dict[str, Any], message.get("payload") or {})
            try:
                payload["query"] = await self._document(payload)
            except _DocumentFault as fault:
                error = GraphQLError(str(fault), extensions={"code": fault.code})
                await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
                return
            message = cast(SubscribeMessage, {**message, "payload": payload})
        await super().handle_subscribe(message)

    async def _document(self, payload: dict[str, Any]) -> str:
        """The document to run: a persisted one by id, or a raw one within the static limits."""
        state = self.view.state
        principal = self.context.principal
        query = payload.get("query")
        if query is not None and not isinstance(query, str):
            raise _DocumentFault("BAD_REQUEST", "`query` must be a string")
        extensions = payload.get("extensions")
        document_id = payload.get("documentId")
        params = Params(
            query=query,
            variables=None,
            operation_name=None,
            extensions=extensions if isinstance(extensions, dict) else None,
            document_id=document_id if isinstance(document_id, str) else None,
        )
        try:
            digest = persisted_id(params)
        except HTTPFailure as failure:
            raise _DocumentFault(failure.code, failure.message) from None
        if digest is not None:
            if query is not None and hashlib.sha256(query.encode()).hexdigest() != digest:
                raise _DocumentFault("PERSISTED_QUERY_HASH_MISMATCH", "the query does not match its hash")
            prepared = await state.registry.get(principal.store_id, principal.organization_id, digest)
            state.metrics.persisted_documents.labels("hit" if prepared else "miss").inc()
            if prepared is None:
                raise _DocumentFault("PERSISTED_QUERY_NOT_IN_LIST", "no persisted document has this id")
            return prepared.body
        if query is None:
            raise _DocumentFault("BAD_REQUEST", "send `query`, or a persisted document id")
        if principal.kind is TokenKind.STOREFRONT:
            raise _DocumentFault(
                "PERSISTED_QUERY_ID_REQUIRED", "storefront tokens may only send persisted documents"
            )
        try:
            state.preparer.prepare(query, introspection=not state.settings.production)
        except DocumentRejected as exc:
            if exc.stage == "limit":
                raise _DocumentFault(exc.code, str(exc)) from None
            # Parse and validation failures are the protocol's: the base handler reports them as usual.
        return query

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        # As the base class, but errors are presented as over HTTP: expected codes kept, the rest masked.
        first = True
        async for result in result_source:
            if first and isinstance(result, PreExecutionError):
                await self._handle_pre_execution_error(operation, result)
                return
            if not isinstance(result, ExecutionResult):
                await self._reject_incremental_delivery(operation)
                return
            payload: NextMessagePayload = {"data": result.data}
            if result.errors:
                presented = [present(e, self.context.request_id) for e in result.errors]
                payload["errors"] = cast(Any, presented)
            await operation.send_operation_message({"id": operation.id, "type": "next", "payload": payload})
            first = False


class GraphQLWebSocket(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, state: GatewayState) -> None:
        settings = state.settings
        super().__init__(
            state.schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
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
            events=self.state.hub,
            customer_secret=self.state.settings.customer_token_secret.encode(),
            attempts=self.state.attempts,
            client_ip=request.client.host if request.client else None,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = getattr(context, "connection_params", None) or {}
        header = params.get("authorization") or params.get("Authorization")
        principal = await authenticate(self.state.db, header if isinstance(header, str) else None)
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = principal
        patterns: list[str] = []
        if principal.kind is not TokenKind.STOREFRONT:
            uow = UnitOfWork(
                self.state.db.sessions,
                store_id=principal.store_id,
                organization_id=principal.organization_id,
                readonly=True,
            )
            async with uow:
                patterns = await granted_patterns(uow, principal.token_id)
        context.event_grants = TypePatterns.of(patterns)
        return {"store": str(principal.store_id), "eventTypes": patterns}
