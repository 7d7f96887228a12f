"""GraphQL over HTTP at /graphql: content negotiation, persisted documents, limits, execution.

Follows the GraphQL over HTTP specification: with `Accept: application/graphql-response+json` a request
that fails before execution (parse, validation, limits, variables) gets 400 and no `data`; with
`application/json` such failures get 200, as the specification asks for legacy clients. Every audit of the
`graphql-http` conformance suite passes (tests/gateway/test_graphql_http_audits.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import ExecutionResult, OperationType, execute
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html

from domain.access.models import TokenKind
from domain.access.principal import Principal
from gateway.auth import authenticate
from gateway.cache.redis_tier import CachedResponse
from gateway.cache.response_cache import BYPASS, Computed, cache_key
from gateway.documents import DocumentRejected, PreparedDocument, format_errors
from gateway.encoding import encode_json
from gateway.errors import error_body, present
from gateway.logging import request_id_var
from gateway.state import GatewayState
from resolvers.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class HTTPFailure(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass
class Params:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    document_id: str | None


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The response media type, or None when the client accepts neither of ours.

    Each of our two types takes the quality of the most specific range that matches it (RFC 9110 §12.5.1).
    The higher quality wins; on a tie a type the client named beats one it only reached by a wildcard, and
    between two named ones `application/graphql-response+json` wins. A missing Accept header, or wildcards
    only, mean `application/json`, as the GraphQL over HTTP specification asks (for legacy clients).
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _accept_ranges(accept)
    best: tuple[float, int, int, str] | None = None
    for preference, media in enumerate((JSON, GRAPHQL_RESPONSE)):
        main = media.split("/")[0]
        matches = [
            (specificity, q)
            for range_, q in ranges
            for specificity, pattern in ((2, media), (1, f"{main}/*"), (0, "*/*"))
            if range_ == pattern
        ]
        if not matches:
            continue
        specificity, q = max(matches)
        if q <= 0:
            continue
        explicit = 1 if specificity == 2 else 0
        candidate = (q, explicit, preference if explicit else -preference, media)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    return best[3] if best else None


def _json_param(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise HTTPFailure(400, "BAD_REQUEST", f"`{name}` is not valid JSON") from None


async def read_params(request: Request) -> Params:
    if request.method == "GET":
        return params_from_query(request.query_params)
    content_type = request.headers.get("content-type")
    check_content_type(content_type)
    return params_from_body(await request.body())


def params_from_query(query: Mapping[str, str]) -> Params:
    """The parameters of a GET request, from its (parsed) query string."""
    return _checked(
        {
            "query": query.get("query"),
            "variables": _json_param(query.get("variables"), "variables"),
            "operationName": query.get("operationName"),
            "extensions": _json_param(query.get("extensions"), "extensions"),
            "documentId": query.get("documentId"),
        }
    )


def check_content_type(content_type: str | None) -> None:
    """A POST body must be JSON in UTF-8 (415 otherwise)."""
    if not content_type:
        raise HTTPFailure(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type is required: use application/json")
    media, *params = (p.strip() for p in content_type.split(";"))
    if media.lower() != JSON:
        raise HTTPFailure(
            415, "UNSUPPORTED_MEDIA_TYPE", f"unsupported Content-Type {media!r}: use application/json"
        )
    for p in params:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise HTTPFailure(415, "UNSUPPORTED_MEDIA_TYPE", "only the utf-8 charset is supported")


def params_from_body(body: bytes) -> Params:
    """The parameters of a POST request, from its JSON body (its Content-Type already checked)."""
    if not body:
        raise HTTPFailure(400, "BAD_REQUEST", "the request body is empty")
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HTTPFailure(400, "BAD_REQUEST", "the request body is not valid JSON") from None
    if not isinstance(raw, dict):
        raise HTTPFailure(400, "BAD_REQUEST", "the request body must be a JSON object")
    return _checked(raw)


_PARAM_KINDS = (
    ("query", str),
    ("operationName", str),
    ("variables", dict),
    ("extensions", dict),
    ("documentId", str),
)


def _checked(raw: dict[str, Any]) -> Params:
    for key, kind in _PARAM_KINDS:
        given = raw.get(key)
        if given is not None and not isinstance(given, kind):
            raise HTTPFailure(400, "BAD_REQUEST", f"`{key}` must be a {'string' if kind is str else 'map'}")
    return Params(
        query=raw.get("query"),
        variables=raw.get("variables"),
        operation_name=raw.get("operationName"),
        extensions=raw.get("extensions"),
        document_id=raw.get("documentId"),
    )


_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def persisted_id(params: Params) -> str | None:
    """The sha256 a request names, from `documentId` or Apollo's `extensions.persistedQuery`, lowercased."""
    from_document_id: str | None = None
    if params.document_id is not None:
        prefix, _, digest = params.document_id.partition(":")
        if prefix != "sha256" or not _SHA256_HEX.fullmatch(digest):
            raise HTTPFailure(400, "PERSISTED_QUERY_INVALID", "documentId must be sha256:<64 hex digits>")
        from_document_id = digest.lower()
    pq = (params.extensions or {}).get("persistedQuery")
    if pq is None:
        return from_document_id
    if not isinstance(pq, dict) or pq.get("version") != 1 or not isinstance(pq.get("sha256Hash"), str):
        raise HTTPFailure(400, "PERSISTED_QUERY_INVALID", "persistedQuery must be {version: 1, sha256Hash}")
    if not _SHA256_HEX.fullmatch(pq["sha256Hash"]):
        raise HTTPFailure(400, "PERSISTED_QUERY_INVALID", "sha256Hash must be 64 hex digits")
    from_extension = str(pq["sha256Hash"]).lower()
    if from_document_id is not None and from_document_id != from_extension:
        raise HTTPFailure(
            400, "PERSISTED_QUERY_INVALID", "documentId and persistedQuery name different documents"
        )
    return from_extension


class GraphQLHTTP:
    def __init__(self, state: GatewayState) -> None:
        self.state = state

    def respond(
        self, media: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            encode_json(body),
            status_code=status,
            media_type=f"{media}; charset=utf-8",
            headers=headers,
        )

    async def handle(self, request: Request) -> Response:
        state = self.state
        started = time.perf_counter()
        if request.method not in ("GET", "POST"):
            return Response(status_code=405, headers={"Allow": "GET, POST"})
        if self._wants_ide(request):
            return HTMLResponse(get_graphql_ide_html())
        media = negotiate(request.headers.get("accept"))
        if media is None:
            return self.respond(
                JSON, 406, error_body("NOT_ACCEPTABLE", f"accept {GRAPHQL_RESPONSE} or {JSON}")
            )
        operation, kind, outcome = "unknown", "anonymous", "rejected"
        try:
            params = await read_params(request)
            principal = await authenticate(state.db, request.headers.get("authorization"), state.principals)
            if principal is None:
                raise HTTPFailure(
                    401,
                    "UNAUTHENTICATED",
                    "a valid API token is required",
                    {"WWW-Authenticate": 'Bearer realm="stormcom"'},
                )
            kind = principal.kind.value
            prepared, operation, digest = await self.document(params, principal, media)
            response, outcome = await self.run(request, params, principal, prepared, media, digest)
            return response
        except HTTPFailure as failure:
            return self.respond(
                media, failure.status, error_body(failure.code, failure.message), failure.headers
            )
        except _Rejected as rejected:
            return rejected.response
        finally:
            state.metrics.graphql_requests.labels(operation, kind, outcome).inc()
            state.metrics.graphql_latency.labels(operation, kind).observe(time.perf_counter() - started)

    def _wants_ide(self, request: Request) -> bool:
        s = self.state.settings
        return (
            request.method == "GET"
            and s.graphiql
            and not s.production
            and "text/html" in request.headers.get("accept", "")
            and not request.query_params
        )

    async def document(
        self, params: Params, principal: Principal, media: str
    ) -> tuple[PreparedDocument, str, str | None]:
        """The prepared document, its operation label and, for a persisted one, its sha256."""
        state = self.state
        digest = persisted_id(params)
        if digest is not None:
            # A query sent beside its id must hash to it; it is checked, never registered.
            if params.query is not None and hashlib.sha256(params.query.encode()).hexdigest() != digest:
                raise HTTPFailure(400, "PERSISTED_QUERY_HASH_MISMATCH", "the query does not match its hash")
            prepared = await state.registry.get(principal.store_id, principal.organization_id, digest)
            state.metrics.persisted_documents.labels("hit" if prepared else "miss").inc()
            if prepared is None:
                raise HTTPFailure(404, "PERSISTED_QUERY_NOT_IN_LIST", "no persisted document has this id")
            return prepared, _operation_label(prepared, params.operation_name), digest
        if params.query is None:
            raise HTTPFailure(400, "BAD_REQUEST", "send `query`, or a persisted document id")
        if principal.kind is TokenKind.STOREFRONT:
            raise HTTPFailure(
                400, "PERSISTED_QUERY_ID_REQUIRED", "storefront tokens may only send persisted documents"
            )
        introspection = not state.settings.production
        try:
            return state.preparer.prepare(params.query, introspection=introspection), "raw", None
        except DocumentRejected as exc:
            status = 400 if media == GRAPHQL_RESPONSE else 200
            raise _Rejected(
                self.respond(media, status, {"errors": format_errors(exc.errors, exc.code)})
            ) from None

    async def run(
        self,
        request: Request,
        params: Params,
        principal: Principal,
        prepared: PreparedDocument,
        media: str,
        digest: str | None,
    ) -> tuple[Response, str]:
        state = self.state
        pre_execution_status = 400 if media == GRAPHQL_RESPONSE else 200
        op = prepared.operation(params.operation_name)
        if op is None:
            message = (
                f"unknown operation {params.operation_name!r}"
                if params.operation_name
                else "the document has several operations: name one with operationName"
            )
            return self.respond(media, pre_execution_status, error_body("BAD_REQUEST", message)), "rejected"
        if op.operation is OperationType.MUTATION and request.method == "GET":
            return self.respond(
                media, 405, error_body("METHOD_NOT_ALLOWED", "mutations need POST"), {"Allow": "POST"}
            ), "rejected"
        if op.operation is OperationType.SUBSCRIPTION:
            return self.respond(
                media,
                pre_execution_status,
                error_body("BAD_REQUEST", "subscriptions use the WebSocket endpoint"),
            ), "rejected"
        analysis = prepared.analysis[op.name.value if op.name else None]
        throttle = None
        if principal.kind is not TokenKind.STOREFRONT:
            throttle = await state.budget.spend(
                str(principal.store_id), str(principal.token_id), analysis.cost
            )
            if not throttle.allowed:
                throttled = error_body("THROTTLED", "the token's cost budget is spent; retry shortly")
                throttled["extensions"] = {"cost": state.budget.extension(analysis.cost, throttle)}
                retry = max(1, int(analysis.cost / max(state.settings.cost_restore_rate, 1)))
                return self.respond(media, 429, throttled, {"Retry-After": str(retry)}), "throttled"
        locale = requested_locale(request.headers.get("accept-language"))
        currency = requested_currency(request.headers.get("x-currency"))
        operation_name = op.name.value if op.name else None
        outcome = "ok"
        # Only storefront requests act for a shopper; admin and partner tokens never do.
        customer_token = (
            request.headers.get("x-customer-token") if principal.kind is TokenKind.STOREFRONT else None
        ) or None

        async def execute_now() -> Computed:
            nonlocal outcome
            request_id = request_id_var.get()
            ctx = Context(
                request_id=request_id,
                principal=principal,
                db=state.db,
                redis=state.redis,
                documents=state.preparer,
                default_page_size=state.settings.default_page_size,
                promotion_limits=state.settings.promotion_limits(),
                locale=locale,
                currency=currency,
                customer_token=customer_token,
                customer_secret=state.settings.customer_token_secret.encode(),
                idempotency_key=request.headers.get("idempotency-key"),
                payments=state.payments,
                payments_public_url=state.settings.payments_public_url,
                courier_tracking_urls={str(k): v for k, v in state.settings.courier_tracking_urls.items()},
                attempts=state.attempts,
                client_ip=request.client.host if request.client else None,
            )
            result = execute(
                state.schema._schema,
                prepared.ast,
                context_value=ctx,
                variable_values=params.variables,
                operation_name=operation_name,
                executor_class=state.schema.execution_context_class,
                hide_suggestions=state.settings.production or principal.kind is TokenKind.STOREFRONT,
            )
            if isawaitable(result):
                result = await result
            assert isinstance(result, ExecutionResult)
            body: dict[str, Any] = {}
            status = 200
            if result.errors:
                body["errors"] = [present(e, request_id) for e in result.errors]
            if result.data is None and result.errors and not _execution_started(result):
                status, outcome = pre_execution_status, "rejected"
            else:
                body["data"] = result.data
                body["extensions"] = {"cost": state.budget.extension(analysis.cost, throttle)}
                outcome = "error" if result.errors else "ok"
                if ctx.http_status is not None:
                    status = ctx.http_status
            encoded = encode_json(body)
            answer = CachedResponse(encoded, status, f"{media}; charset=utf-8", frozenset(ctx.cache_tags))
            return Computed(answer, cacheable=outcome == "ok" and ctx.cacheable)

        # Only queries of persisted documents sent with a storefront token are cached: what such a token may
        # read is public to every visitor of the store, while admin and partner answers may hold private data
        # and raw documents have no stable identity worth caching. Mutations are never cached. A signed-in
        # shopper's request neither reads nor fills the shared cache: its answers may be theirs alone (cart,
        # account, their group's prices), and a visitor's cached answer may not be theirs.
        if (
            state.settings.response_cache
            and digest is not None
            and principal.kind is TokenKind.STOREFRONT
            and op.operation is OperationType.QUERY
            and customer_token is None
        ):
            key = cache_key(
                store_id=principal.store_id,
                document=digest,
                operation=operation_name,
                variables=params.variables,
                locale=locale,
                currency=currency,
                media=media,
                vary=[vary(request, principal) for vary in state.cache.vary],
            )
            answer, source = await state.cache.get_or_compute(key, execute_now)
        else:
            answer, source = (await execute_now()).response, BYPASS
        response = Response(answer.body, status_code=answer.status, media_type=answer.content_type)
        response.headers["X-Cache"] = source
        return response, outcome


def requested_locale(header: str | None) -> str | None:
    """The first language of an Accept-Language header as a lower-case tag ("bn", "en-us"), or None."""
    if not header:
        return None
    first = header.split(",", 1)[0].split(";", 1)[0].strip().lower()
    if not first or first == "*" or len(first) > 16:
        return None
    return first if all(c.isalnum() or c == "-" for c in first) else None


def requested_currency(header: str | None) -> str | None:
    code = (header or "").strip().upper()
    return code if len(code) == 3 and code.isalpha() else None


def _execution_started(result: ExecutionResult) -> bool:
    # Variable coercion failures have no path; field errors always do.
    return any(e.path for e in result.errors or ())


def _operation_label(prepared: PreparedDocument, name: str | None) -> str:
    op = prepared.operation(name)
    return op.name.value if op is not None and op.name is not None else "anonymous"


class _Rejected(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("rejected")
        self.response = response
