"""What one gateway process holds for its lifetime, built in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from redis.asyncio import Redis

from domain.db import Database
from domain.payments.providers import Providers
from gateway.attempts import AttemptLimiter
from gateway.cache.principals import PrincipalCache
from gateway.cache.response_cache import ResponseCache
from gateway.cache.subscriber import PurgeSubscriber
from gateway.documents import DocumentPreparer, DocumentRegistry
from gateway.limits import CostBudget
from gateway.metrics import Metrics
from gateway.settings import Settings
from gateway.subscriptions.hub import EventHub


@dataclass
class GatewayState:
    settings: Settings
    db: Database
    redis: Redis
    schema: strawberry.Schema
    preparer: DocumentPreparer
    registry: DocumentRegistry
    budget: CostBudget
    metrics: Metrics
    cache: ResponseCache
    principals: PrincipalCache
    subscriber: PurgeSubscriber
    hub: EventHub
    # Payment provider adapters with their HTTP client (one per process).
    payments: Providers
    # Customer login and password reset request throttles.
    attempts: AttemptLimiter
