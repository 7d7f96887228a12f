"""Prometheus metrics of the gateway, on their own registry so tests can build many apps."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from domain.db import Database
from gateway.subscriptions.hub import EventHub

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _PoolCollector(Collector):
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "stormcom_db_pool_connections", "Database pool connections by state", labels=["pool", "state"]
        )
        pools = {"primary": self.db.primary.pool}
        if self.db.replica is not self.db.primary:
            pools["replica"] = self.db.replica.pool
        for name, pool in pools.items():
            if isinstance(pool, QueuePool):
                family.add_metric([name, "checked_out"], pool.checkedout())
                family.add_metric([name, "idle"], pool.checkedin())
                family.add_metric([name, "overflow"], max(pool.overflow(), 0))
                family.add_metric([name, "size"], pool.size())
        yield family


class _HubCollector(Collector):
    def __init__(self, hub: EventHub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        yield GaugeMetricFamily(
            "stormcom_subscriptions_active",
            "Live event subscriptions in this process",
            value=self.hub.subscribers,
        )
        yield GaugeMetricFamily(
            "stormcom_event_hub_up",
            "1 while the process's event subscription to Redis is live",
            value=1 if self.hub.up.is_set() else 0,
        )
        yield CounterMetricFamily(
            "stormcom_event_hub_received", "Events the hub received from Redis", value=self.hub.received
        )
        ended = CounterMetricFamily(
            "stormcom_subscriptions_ended", "Subscriptions ended by the hub, by reason", labels=["reason"]
        )
        for reason, n in sorted(self.hub.ended.items()):
            ended.add_metric([reason], n)
        yield ended


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "stormcom_http_requests", "HTTP requests", ["method", "path", "status"], registry=self.registry
        )
        self.graphql_requests = Counter(
            "stormcom_graphql_requests",
            "GraphQL operations by operation, client kind and outcome",
            ["operation", "client_kind", "outcome"],
            registry=self.registry,
        )
        self.graphql_latency = Histogram(
            "stormcom_graphql_request_seconds",
            "GraphQL request latency by operation and client kind",
            ["operation", "client_kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.persisted_documents = Counter(
            "stormcom_persisted_documents",
            "Persisted document look-ups by result",
            ["result"],
            registry=self.registry,
        )
        self.response_cache = Counter(
            "stormcom_response_cache",
            "Response cache look-ups by tier and result",
            ["tier", "result"],
            registry=self.registry,
        )
        for result in ("hit", "miss"):
            self.persisted_documents.labels(result)
            for tier in ("memory", "redis"):
                self.response_cache.labels(tier, result)

    def watch_pool(self, db: Database) -> None:
        self.registry.register(_PoolCollector(db))

    def watch_hub(self, hub: EventHub) -> None:
        self.registry.register(_HubCollector(hub))

    def render(self) -> bytes:
        return generate_latest(self.registry)
