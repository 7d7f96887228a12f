"""X-Request-ID: taken from the request (when well-formed) or made, returned, and in every log line."""

from __future__ import annotations

import json
import logging

import pytest

from domain.db import create_database
from gateway.logging import JsonFormatter
from gateway.settings import Settings
from tests.fixtures.tenancy import MakeStore, gql


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)


async def test_request_id_is_echoed_and_logged(client, make_store: MakeStore, log_lines) -> None:
    a = await make_store("a")

    res = await gql(client, a.admin, "{ shop { name } }", headers={"x-request-id": "abc-123"})

    assert res.headers["x-request-id"] == "abc-123"
    access = [line for line in log_lines if line["logger"] == "stormcom.access"]
    assert access and all(line["request_id"] == "abc-123" for line in access)


async def test_request_id_is_made_when_absent_or_malformed(client, make_store: MakeStore) -> None:
    a = await make_store("a")

    made = await gql(client, a.admin, "{ shop { name } }")
    bad = await gql(client, a.admin, "{ shop { name } }", headers={"x-request-id": "no spaces\tor tabs"})

    assert len(made.headers["x-request-id"]) == 32
    assert bad.headers["x-request-id"] != "no spaces\tor tabs"
    assert made.headers["x-request-id"] != bad.headers["x-request-id"]


async def test_health_endpoints_carry_request_id(client) -> None:
    res = await client.get("/healthz", headers={"x-request-id": "h-1"})

    assert res.status_code == 200
    assert res.headers["x-request-id"] == "h-1"


async def test_read_replica_url_gets_its_own_engine(settings: Settings) -> None:
    with_replica = settings.model_copy(update={"database_read_url": settings.database_url})

    db = create_database(with_replica.app_url, with_replica.app_read_url)
    plain = create_database(settings.app_url, settings.app_read_url)

    assert with_replica.app_read_url is not None and "stormcom_app" in with_replica.app_read_url
    assert db.replica is not db.primary
    assert plain.replica is plain.primary
    await db.dispose()
    await plain.dispose()
