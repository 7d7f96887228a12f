"""Configuration, read once from the environment (DATABASE_URL, DATABASE_READ_URL, REDIS_URL, STORMCOM_*)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.fulfillment.couriers.base import CourierProvider
from domain.promotions.limits import PromotionLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STORMCOM_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/stormcom",
        validation_alias=AliasChoices("DATABASE_URL", "STORMCOM_DATABASE_URL"),
        description="Owner connection: runs migrations and provisioning.",
    )
    database_read_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_READ_URL", "STORMCOM_DATABASE_READ_URL")
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0", validation_alias=AliasChoices("REDIS_URL", "STORMCOM_REDIS_URL")
    )
    # The gateway and workers connect as this role: it owns no table and has no BYPASSRLS.
    app_db_user: str = "stormcom_app"
    app_db_password: str = "stormcom_app"
    app_database_url: str | None = None
    db_pool_size: int = 10
    db_max_overflow: int = 10

    host: str = "127.0.0.1"
    port: int = 8000
    arq_queue: str = "stormcom:queue"
    event_channel_prefix: str = "stormcom:events"

    # Request limits (static analysis, before any resolver runs).
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_cost: int = 1000
    default_page_size: int = 20
    # Promotion guard rails (domain/promotions/limits.py).
    promotions_max_conditions: int = 20
    promotions_max_active: int = 100
    promotions_max_generate: int = 100_000
    # Per-token leaky bucket, Shopify's shape.
    cost_bucket_size: int = 2000
    cost_restore_rate: int = 100

    graphiql: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    # Outbox relay.
    relay_batch_size: int = 200
    relay_interval_seconds: float = 0.2
    relay_stale_after_seconds: int = 60

    # WebSocket subscriptions (docs/adr/0013-subscriptions.md).
    ws_init_timeout_seconds: float = 10.0
    ws_max_subscriptions: int = 20
    ws_keepalive_seconds: float = 15.0
    # Events buffered per subscription before it is ended as too slow (it resumes with `after`).
    subscription_buffer_size: int = 1000
    # Webhook delivery (docs/adr/0010-webhooks.md). Private, loopback and link-local targets are refused
    # unless allowed (tests and local development).
    webhook_allow_private_targets: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_lease_seconds: float = 60.0
    # Deliveries one worker process has in flight at once, and how often it looks for due ones when idle.
    webhook_worker_concurrency: int = 32
    webhook_poll_interval_seconds: float = 0.5
    webhook_response_excerpt_chars: int = 1000

    # Response cache of persisted storefront queries (docs/adr/0006-response-cache.md).
    response_cache: bool = True
    response_cache_ttl_seconds: int = 300
    response_cache_prefix: str = "stormcom:rc"
    response_cache_channel: str = "stormcom:cache:purge"
    # The in-process tier: a safety-net TTL, bounded by bytes and entries.
    response_cache_memory_ttl_seconds: float = 120.0
    response_cache_memory_max_bytes: int = 64 * 1024 * 1024
    response_cache_memory_max_entries: int = 10_000
    # In-process hits answered before the middleware stack (gateway/hit_path.py, docs/adr/0011-hit-path.md).
    response_cache_fast_path: bool = True
    # Redis slow or down means no cache: a short timeout, then Redis is skipped for a while. Not shorter:
    # on a saturated 2-core machine a healthy Redis round trip measured over 50 ms at 50 connections, and
    # every timeout sends a request down the uncached path (p95 886 ms instead of ~15 ms).
    response_cache_redis_timeout_ms: int = 250
    response_cache_retry_after_seconds: float = 1.0
    # Single-flight across processes: the lock a computing process holds, how long others wait for it.
    response_cache_lock_ms: int = 3000
    response_cache_wait_ms: int = 1000
    response_cache_poll_ms: int = 10
    # Principals resolved from tokens, per process; revocations purge them at once through the channel.
    principal_cache_ttl_seconds: float = 30.0
    pubsub_health_check_seconds: float = 5.0
    # Customer login and password reset requests (gateway/attempts.py, docs/adr/0014): attempts per store
    # and identity (email or phone) and per store and client address, each refilling over its window.
    # The address limit counts failed logins only; shoppers behind one carrier NAT share it.
    login_attempts_per_identifier: int = Field(5, ge=1)
    login_attempts_per_ip: int = Field(50, ge=1)
    login_attempts_window_seconds: int = Field(900, ge=1)
    password_reset_requests_per_identifier: int = Field(3, ge=1)
    password_reset_requests_per_ip: int = Field(30, ge=1)
    password_reset_requests_window_seconds: int = Field(3600, ge=1)
    # Guest order lookups (orderLookup): per store and order number (guessing its email or phone), and
    # failed ones per store and client address (guessing numbers), each refilling over the window.
    order_lookups_per_number: int = Field(10, ge=1)
    order_lookups_per_ip: int = Field(30, ge=1)
    order_lookups_window_seconds: int = Field(900, ge=1)
    # Signs customer password reset tokens: set a long random value in production.
    customer_token_secret: str = "dev-only-customer-token-secret"

    # Payments (docs/adr/0016-payments.md): our public URL, under which providers call back
    # (/payments/{provider}/{store}/{attempt}/callback and /ipn), and the timeout of every provider call.
    payments_public_url: str = "http://127.0.0.1:8000"
    payments_timeout_seconds: float = 15.0
    # Couriers' public tracking pages shown to shoppers, as JSON: {"steadfast": "https://…/{code}"}, "{code}"
    # standing for the shipment's tracking code. None are built in (PROVIDERS.md documents none).
    courier_tracking_urls: dict[CourierProvider, str] = {}

    @field_validator("courier_tracking_urls")
    @classmethod
    def _tracking_pages(cls, value: dict[CourierProvider, str]) -> dict[CourierProvider, str]:
        for provider, template in value.items():
            if not template.startswith(("https://", "http://")) or "{code}" not in template:
                raise ValueError(f"{provider}: an http(s) URL with {{code}} where the tracking code goes")
        return value

    def promotion_limits(self) -> PromotionLimits:
        return PromotionLimits(
            max_conditions=self.promotions_max_conditions,
            max_active=self.promotions_max_active,
            max_generate=self.promotions_max_generate,
        )

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def owner_url(self) -> str:
        return self.database_url

    @property
    def app_url(self) -> str:
        if self.app_database_url:
            return self.app_database_url
        return with_credentials(self.database_url, self.app_db_user, self.app_db_password)

    @property
    def app_read_url(self) -> str | None:
        if not self.database_read_url:
            return None
        return with_credentials(self.database_read_url, self.app_db_user, self.app_db_password)


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{user}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
