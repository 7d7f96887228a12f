"""The ASGI application: /graphql (HTTP and graphql-transport-ws), /healthz, /readyz, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from redis.asyncio import Redis
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from domain.db import create_database
from domain.payments.providers import Providers
from gateway.attempts import AttemptLimiter, AttemptRule
from gateway.cache.principals import PrincipalCache
from gateway.cache.response_cache import ResponseCache
from gateway.cache.subscriber import PurgeSubscriber
from gateway.courier_webhooks import CourierWebhooks
from gateway.documents import DocumentPreparer, DocumentRegistry
from gateway.gc_tuning import tune_for_serving
from gateway.graphql_http import GraphQLHTTP
from gateway.hit_path import HitPath, HitPathMiddleware
from gateway.limits import CostBudget, LeakyBuckets
from gateway.logging import configure_logging
from gateway.metrics import Metrics
from gateway.middleware import RequestContextMiddleware
from gateway.payments import PaymentCallbacks
from gateway.settings import Settings, get_settings
from gateway.state import GatewayState
from gateway.subscriptions.hub import EventHub
from gateway.websocket import GraphQLWebSocket
from resolvers.context import LOGIN_ATTEMPTS, ORDER_LOOKUPS, PASSWORD_RESET_REQUESTS
from schema import schema


def attempt_limiter(redis: Redis, settings: Settings) -> AttemptLimiter:
    return AttemptLimiter(
        LeakyBuckets(redis),
        {
            LOGIN_ATTEMPTS: AttemptRule(
                settings.login_attempts_per_identifier,
                settings.login_attempts_per_ip,
                settings.login_attempts_window_seconds,
            ),
            PASSWORD_RESET_REQUESTS: AttemptRule(
                settings.password_reset_requests_per_identifier,
                settings.password_reset_requests_per_ip,
                settings.password_reset_requests_window_seconds,
            ),
            ORDER_LOOKUPS: AttemptRule(
                settings.order_lookups_per_number,
                settings.order_lookups_per_ip,
                settings.order_lookups_window_seconds,
            ),
        },
    )


def build_state(settings: Settings, metrics: Metrics) -> GatewayState:
    db = create_database(
        settings.app_url,
        settings.app_read_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    redis = Redis.from_url(settings.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
    preparer = DocumentPreparer(schema._schema, settings)
    metrics.watch_pool(db)
    # Its own client: the cache's timeout is far shorter than other Redis users can live with.
    timeout = settings.response_cache_redis_timeout_ms / 1000
    cache_redis = Redis.from_url(settings.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
    cache = ResponseCache(cache_redis, settings, metrics)
    principals = PrincipalCache(ttl_seconds=settings.principal_cache_ttl_seconds)
    hub = EventHub(
        settings.redis_url,
        settings.event_channel_prefix,
        buffer_size=settings.subscription_buffer_size,
        health_check_seconds=settings.pubsub_health_check_seconds,
    )
    metrics.watch_hub(hub)
    return GatewayState(
        settings=settings,
        db=db,
        redis=redis,
        schema=schema,
        preparer=preparer,
        registry=DocumentRegistry(preparer, db),
        budget=CostBudget(redis, capacity=settings.cost_bucket_size, rate=settings.cost_restore_rate),
        metrics=metrics,
        cache=cache,
        principals=principals,
        subscriber=PurgeSubscriber(
            settings.redis_url,
            settings.response_cache_channel,
            cache,
            principals,
            health_check_seconds=settings.pubsub_health_check_seconds,
        ),
        hub=hub,
        payments=Providers(
            client=httpx.AsyncClient(timeout=settings.payments_timeout_seconds, follow_redirects=False)
        ),
        attempts=attempt_limiter(redis, settings),
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    metrics = Metrics()
    state = build_state(settings, metrics)
    graphql_http = GraphQLHTTP(state)
    courier_webhooks = CourierWebhooks(state)
    payment_callbacks = PaymentCallbacks(state)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(2):
                async with state.db.primary.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            checks["postgres"] = "ok"
        except Exception as exc:  # any failure means not ready; say which
            checks["postgres"] = f"error: {type(exc).__name__}"
        try:
            async with asyncio.timeout(2):
                await state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
        )

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Without the purge subscription the in-process tiers stay off (see gateway/cache/subscriber.py).
        state.subscriber.start()
        state.hub.start()
        tune_for_serving()
        try:
            yield
        finally:
            await state.hub.stop()
            await state.subscriber.stop()
            await state.db.dispose()
            await state.redis.aclose()
            await state.cache.redis.aclose()
            await state.payments.client.aclose()

    middleware = [Middleware(RequestContextMiddleware, metrics=metrics)]
    hit_path = None
    if settings.response_cache and settings.response_cache_fast_path:
        hit_path = HitPath(state)
        middleware.insert(0, Middleware(HitPathMiddleware, hit_path=hit_path))
    app = Starlette(
        routes=[
            Route("/graphql", graphql_http.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            WebSocketRoute("/graphql", GraphQLWebSocket(state)),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/couriers/{provider}/webhook/{store_id}", courier_webhooks.handle, methods=["POST"]),
            *payment_callbacks.routes(),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.gateway = state
    app.state.hit_path = hit_path
    return app
