"""The typed per-request context: built by the gateway, read by resolvers through `info.context`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from domain.access.principal import Principal
from domain.customers.sessions import resolve_session
from domain.db import Database
from domain.documents.services import AnalysedDocument
from domain.events.patterns import TypePatterns
from domain.payments.providers import Providers
from domain.promotions.cache import PROCESS_CACHE, PromotionCache
from domain.promotions.limits import PromotionLimits
from domain.uow import AuditDraft, UnitOfWork

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from resolvers.events.live import EventSource
    from resolvers.loaders import Loaders


class DocumentAnalyser(Protocol):
    """Parses, validates and cost-analyses a document against the live schema (the gateway knows it)."""

    def analyse(self, body: str) -> AnalysedDocument | list[str]: ...


# Actions whose guesses are counted (the gateway sets a limit for each; docs/adr/0014).
LOGIN_ATTEMPTS = "login"
PASSWORD_RESET_REQUESTS = "password_reset"
# Guest order lookups (orderLookup): per store and order number, and failed ones per client address.
ORDER_LOOKUPS = "order_lookup"


class AttemptGuard(Protocol):
    """Counts attempts at guessable operations per store and identity and per store and client address
    (the gateway keeps the counters in Redis)."""

    async def take(self, action: str, store_id: uuid.UUID, identity: str, ip: str | None) -> bool:
        """Count one attempt; False (and nothing counted) when the identity or the address is over its
        limit."""
        ...

    async def succeeded(self, action: str, store_id: uuid.UUID, identity: str, ip: str | None) -> None:
        """The attempt proved the caller right: the identity starts afresh and the address gets it back."""
        ...


@dataclass
class Context:
    request_id: str
    principal: Principal
    db: Database
    redis: Redis
    documents: DocumentAnalyser
    default_page_size: int = 20
    # What the request asked for by header (`Accept-Language`, `X-Currency`); resolvers fall back to the
    # store's defaults, and an operation's `@inContext` overrides both.
    locale: str | None = None
    currency: str | None = None
    event_channel_prefix: str = "stormcom:events"
    promotion_limits: PromotionLimits = field(default_factory=PromotionLimits)
    # Compiled promotions per store, shared by the process's requests (domain/promotions/cache.py).
    promotion_cache: PromotionCache = field(default_factory=lambda: PROCESS_CACHE)
    # Subscriptions (WebSocket only): the process's live event hub, and the event types the token is granted.
    events: EventSource | None = None
    event_grants: TypePatterns | None = None
    audit: AuditDraft | None = None
    # Tags of what the answer read, for the response cache's purges (domain/catalog/events.py cache_tags()).
    cache_tags: set[str] = field(default_factory=set)
    # A resolver sets this to False when the answer is not the same for every visitor (anything
    # customer-specific): the response cache then keeps nothing.
    cacheable: bool = True
    # The shopper's session (header X-Customer-Token, storefront tokens only); see `customer_id`.
    customer_token: str | None = None
    # Signs password reset tokens (settings.customer_token_secret).
    customer_secret: bytes = b""
    # The request's `Idempotency-Key` header (money-moving mutations also take an `idempotencyKey` argument).
    idempotency_key: str | None = None
    # A resolver sets this when the contract asks for another HTTP status than 200 (an idempotency key
    # in progress: 409, reused: 422); the body still carries the payload.
    http_status: int | None = None
    # Payment provider adapters (one per process) and our public URL, under which providers call back.
    payments: Providers | None = None
    payments_public_url: str = ""
    # Couriers' public tracking pages ("{code}" for the tracking code), from settings; empty: none shown.
    courier_tracking_urls: dict[str, str] = field(default_factory=dict)
    # Throttles customer login and password reset requests; the client's address as the server saw it.
    attempts: AttemptGuard | None = None
    client_ip: str | None = None
    _loaders: Loaders | None = None
    _customer: uuid.UUID | None = None
    _customer_resolved: bool = False

    async def customer_id(self) -> uuid.UUID | None:
        """The signed-in customer, resolved once per request on the primary (a session opened a moment
        ago may not be on a replica yet). An answer that asked is the caller's own: never cached."""
        self.cacheable = False
        if self.customer_token is None:
            return None
        if not self._customer_resolved:
            async with self.uow() as uow:
                self._customer = await resolve_session(uow, self.customer_token)
            self._customer_resolved = True
        return self._customer

    def uow(self) -> UnitOfWork:
        """A unit of work for writes on the primary, scoped to the caller's store."""
        return UnitOfWork(
            self.db.sessions,
            store_id=self.principal.store_id,
            organization_id=self.principal.organization_id,
            correlation_id=self.request_id,
            audit=self.audit,
        )

    def read_uow(self) -> UnitOfWork:
        """A read-only unit of work on the replica (the primary when none is configured)."""
        return UnitOfWork(
            self.db.read_sessions,
            store_id=self.principal.store_id,
            organization_id=self.principal.organization_id,
            correlation_id=self.request_id,
            readonly=True,
        )

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            from resolvers.loaders import Loaders

            self._loaders = Loaders(self)
        return self._loaders
