"""Webhook administration over GraphQL: endpoints, secrets shown once, rotation, deliveries and their
attempts with filters, replays, settings and staff notifications; bad input and missing permissions
change nothing; another store's ids are not found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from domain.access.models import TokenKind
from gateway.settings import Settings
from resolvers.ids import encode_global_id
from tests.fixtures.apps import app_client
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import fetch, snapshot, statements
from tests.fixtures.tenancy import MakeStore, gql
from tests.fixtures.webhooks import Emit, MakeDeliverer, ManualClock, Receiver, Reply

CREATE = """
mutation C($input: WebhookSubscriptionCreateInput!) {
  webhookSubscriptionCreate(input: $input) {
    subscription { id name url eventTypes active headerNames rateLimitPerSecond maxConcurrency }
    secret
    errors { field code message }
  }
}"""
UPDATE = """
mutation U($id: ID!, $input: WebhookSubscriptionUpdateInput!) {
  webhookSubscriptionUpdate(id: $id, input: $input) {
    subscription { id url eventTypes active disabledReason failingSince headerNames }
    errors { field code }
  }
}"""
DELETE = "mutation D($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedId errors { field code } } }"
ROTATE = """
mutation R($id: ID!) {
  webhookSubscriptionRotateSecret(id: $id) {
    subscription { id previousSecretExpiresAt } secret errors { field code }
  }
}"""
REPLAY = """
mutation R($id: ID!) {
  webhookDeliveryReplay(id: $id) { delivery { id status webhookId } errors { field code } }
}"""
REPLAY_SINCE = """
mutation R($since: DateTime!, $sub: ID, $failedOnly: Boolean!) {
  webhookDeliveriesReplay(since: $since, subscriptionId: $sub, failedOnly: $failedOnly) {
    queued errors { field code }
  }
}"""
SETTINGS = """
mutation S($s: Int!) {
  webhookSettingsUpdate(disableAfterSeconds: $s) { settings { disableAfterSeconds } errors { field code } }
}"""
DELIVERIES = """
query D($first: Int, $after: String, $filter: WebhookDeliveryFilter) {
  webhookDeliveries(first: $first, after: $after, filter: $filter) {
    edges { cursor node {
      id webhookId eventId eventType status attemptCount lastStatusCode nextAttemptAt payload
      subscription { id name }
      attempts { number outcome statusCode durationMs responseExcerpt nextAttemptAt }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
SUBSCRIPTIONS = (
    "{ webhookSubscriptions { edges { node { id name active } } } webhookSettings { disableAfterSeconds } }"
)
NOTIFICATIONS = "{ staffNotifications { edges { node { id kind title body data } } } }"


async def create(client: Any, token: str, url: str, **fields: Any) -> dict[str, Any]:
    payload = await call(
        client, token, CREATE, {"input": {"name": "partner", "url": url, "eventTypes": ["order.*"], **fields}}
    )
    assert payload["errors"] == [], payload
    return payload


async def test_create_shows_the_secret_once_and_lists_without_it(
    client, make_store: MakeStore, owner_engine: AsyncEngine, receiver: Receiver
) -> None:
    a = await make_store("a")

    created = await create(client, a.admin, receiver.url(), headers={"X-Api-Key": "k"}, maxConcurrency=2)

    assert created["secret"].startswith("whsec_")
    sub = created["subscription"]
    assert (
        sub["eventTypes"] == ["order.*"]
        and sub["headerNames"] == ["x-api-key"]
        and sub["maxConcurrency"] == 2
    )
    listed = (await gql(client, a.admin, SUBSCRIPTIONS)).json()["data"]
    assert [e["node"]["id"] for e in listed["webhookSubscriptions"]["edges"]] == [sub["id"]]
    assert listed["webhookSettings"]["disableAfterSeconds"] == 5 * 24 * 3600
    assert "secret" not in str(listed) and created["secret"] not in str(listed)
    rows = await fetch(owner_engine, "SELECT type, data FROM outbox_events WHERE type LIKE 'webhook%'")
    assert [r["type"] for r in rows] == ["webhook_subscription.created"]
    assert created["secret"] not in str(rows[0]["data"])
    # the custom header's value is a credential: the audit log does not keep it
    audit = await fetch(owner_engine, "SELECT input_summary FROM audit_log WHERE operation LIKE 'webhook%'")
    assert '"k"' not in str(audit) and "redacted" in str(audit)


async def test_bad_input_changes_nothing_and_writes_no_event(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)
    cases = [
        ({"url": "ftp://example.com/x"}, [("url", "INVALID_URL")]),
        ({"url": "https://user:pw@example.com/x"}, [("url", "INVALID_URL")]),
        ({"eventTypes": ["Order.Created"]}, [("eventTypes.0", "INVALID_EVENT_TYPE")]),
        ({"eventTypes": []}, [("eventTypes", "INVALID")]),
        ({"headers": {"webhook-signature": "x"}}, [("headers", "INVALID_HEADER")]),
        ({"maxConcurrency": 0}, [("maxConcurrency", "INVALID")]),
        ({"rateLimitPerSecond": 100000}, [("rateLimitPerSecond", "INVALID")]),
        ({"name": ""}, [("name", "INVALID")]),
        ({"appTokenId": "nope"}, [("appTokenId", "NOT_FOUND")]),
    ]
    for fields, expected in cases:
        variables = {"input": {"name": "n", "url": "https://example.com/h", "eventTypes": ["*"], **fields}}
        payload = await call(client, a.admin, CREATE, variables)
        assert codes(payload) == expected, (fields, payload)
        assert payload["subscription"] is None and payload["secret"] is None
    assert (await call(client, a.admin, SETTINGS, {"s": 10}))["errors"][0]["field"] == "disableAfterSeconds"

    after = await snapshot(owner_engine, a.id)
    assert after["outbox_events"] == before["outbox_events"]
    assert await fetch(owner_engine, "SELECT id FROM webhook_subscriptions") == []


async def test_update_rotate_and_delete(client, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")
    sub_id = (await create(client, a.admin, "https://example.com/h"))["subscription"]["id"]

    updated = await call(
        client,
        a.admin,
        UPDATE,
        {"id": sub_id, "input": {"eventTypes": ["*"], "active": False, "headers": None}},
    )
    assert updated["errors"] == []
    assert updated["subscription"]["eventTypes"] == ["*"] and updated["subscription"]["active"] is False
    assert updated["subscription"]["disabledReason"] == "disabled by staff"
    bad = await call(client, a.admin, UPDATE, {"id": sub_id, "input": {"url": None}})
    assert codes(bad) == [("url", "INVALID")]

    rotated = await call(client, a.admin, ROTATE, {"id": sub_id})
    assert rotated["secret"].startswith("whsec_") and rotated["subscription"]["previousSecretExpiresAt"]
    [row] = await fetch(owner_engine, "SELECT secret, previous_secret FROM webhook_subscriptions")
    assert row["secret"] == rotated["secret"] and row["previous_secret"]

    deleted = await call(client, a.admin, DELETE, {"id": sub_id})
    assert deleted == {"deletedId": sub_id, "errors": []}
    again = await call(client, a.admin, DELETE, {"id": sub_id})
    assert codes(again) == [("id", "NOT_FOUND")]
    types = [
        r["type"] for r in await fetch(owner_engine, "SELECT type FROM outbox_events ORDER BY occurred_at")
    ]
    assert [t for t in types if t.startswith("webhook")] == [
        "webhook_subscription.created",
        "webhook_subscription.updated",
        "webhook_subscription.secret_rotated",
        "webhook_subscription.deleted",
    ]


async def test_permissions_and_store_isolation(
    client, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    sub_id = (await create(client, a.admin, "https://example.com/h"))["subscription"]["id"]
    reader = await a.token(TokenKind.ADMIN, ["webhooks:read"])
    no_read = await a.token(TokenKind.ADMIN, ["catalog:write"])
    before = await snapshot(owner_engine, a.id)

    denied = (await gql(client, reader, DELETE, {"id": sub_id})).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(client, reader, DELIVERIES)).json()["data"]["webhookDeliveries"]["edges"] == []
    assert (await gql(client, no_read, DELIVERIES)).json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    forbidden = (await gql(client, a.storefront, SUBSCRIPTIONS)).json()
    assert "errors" in forbidden
    # store B's admin finds nothing of store A's
    assert codes(await call(client, b.admin, DELETE, {"id": sub_id})) == [("id", "NOT_FOUND")]
    assert codes(await call(client, b.admin, ROTATE, {"id": sub_id})) == [("id", "NOT_FOUND")]
    node = (await gql(client, b.admin, "query N($id: ID!) { node(id: $id) { id } }", {"id": sub_id})).json()
    assert node["data"]["node"] is None

    assert (await snapshot(owner_engine, a.id))["outbox_events"] == before["outbox_events"]


@pytest.fixture
async def roomy(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    # Many listing queries in one test: a bucket that does not empty.
    async with app_client(settings, cost_bucket_size=1_000_000, cost_restore_rate=1_000_000) as pair:
        yield pair


async def test_deliveries_list_filter_replay_and_notifications(
    roomy: tuple[httpx.AsyncClient, Starlette],
    make_store: MakeStore,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    emit: Emit,
    owner_engine: AsyncEngine,
    clock: ManualClock,
) -> None:
    client, app = roomy
    a, b = await make_store("a"), await make_store("b")
    created = await create(client, a.admin, receiver.url("/a"), eventTypes=["*"])
    receiver.expect("/a", created["secret"])
    sub_id = created["subscription"]["id"]
    other = await create(client, b.admin, receiver.url("/b"), eventTypes=["*"])
    receiver.script("/a", Reply(status=500, body="down"), Reply(), Reply())
    await emit(a, "order.created", {"id": "o1"})
    await emit(a, "order.paid", {"id": "o1"})
    await emit(a, "product.updated", {"id": "p1"})
    await emit(b, "order.created", {"id": "b1"})
    deliverer = make_deliverer()
    await deliverer.run_once()

    data = (await gql(client, a.admin, DELIVERIES, {"first": 10})).json()["data"]["webhookDeliveries"]
    nodes = [e["node"] for e in data["edges"]]
    assert len(nodes) == 3 and all(n["subscription"]["id"] == sub_id for n in nodes)
    statuses = sorted(n["status"] for n in nodes)
    assert statuses == ["PENDING", "SUCCEEDED", "SUCCEEDED"]
    failed = next(n for n in nodes if n["status"] == "PENDING")
    assert failed["attempts"][0]["outcome"] == "HTTP_ERROR" and failed["attempts"][0]["statusCode"] == 500
    assert failed["attempts"][0]["responseExcerpt"] == "down" and failed["lastStatusCode"] == 500
    assert failed["payload"]["type"] == failed["eventType"] and failed["payload"]["id"] == failed["eventId"]

    async def ids(filter_: dict[str, Any]) -> list[str]:
        res = (await gql(client, a.admin, DELIVERIES, {"filter": filter_})).json()
        assert "errors" not in res, res
        return [e["node"]["eventType"] for e in res["data"]["webhookDeliveries"]["edges"]]

    assert sorted(await ids({"eventType": "order.*"})) == ["order.created", "order.paid"]
    assert await ids({"eventType": "product.updated"}) == ["product.updated"]
    assert len(await ids({"status": ["SUCCEEDED"]})) == 2
    assert len(await ids({"subscriptionId": sub_id})) == 3
    assert await ids({"subscriptionId": other["subscription"]["id"]}) == []  # another store's endpoint
    assert await ids({"since": "2999-01-01T00:00:00+00:00"}) == []
    page = (await gql(client, a.admin, DELIVERIES, {"first": 2})).json()["data"]["webhookDeliveries"]
    rest = (
        await gql(client, a.admin, DELIVERIES, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    ).json()["data"]["webhookDeliveries"]
    assert page["pageInfo"]["hasNextPage"] and len(rest["edges"]) == 1
    assert {e["node"]["id"] for e in page["edges"] + rest["edges"]} == {n["id"] for n in nodes}

    # no N+1: deliveries with their endpoint and attempts cost the same for 1 and 3 rows
    engine = app.state.gateway.db.primary
    counts = []
    for first in (1, 3):
        await gql(client, a.admin, "{ shop { name } }")
        with statements(engine) as seen:
            await gql(client, a.admin, DELIVERIES, {"first": first})
        counts.append(len(seen))
    assert counts[0] == counts[1], counts

    # replay one: same webhook id, delivered again
    succeeded = next(n for n in nodes if n["status"] == "SUCCEEDED")
    replayed = await call(client, a.admin, REPLAY, {"id": succeeded["id"]})
    assert replayed["errors"] == [] and replayed["delivery"]["status"] == "PENDING"
    assert codes(await call(client, b.admin, REPLAY, {"id": succeeded["id"]})) == [("id", "NOT_FOUND")]
    bad_id = encode_global_id("WebhookSubscription", a.id)
    assert codes(await call(client, a.admin, REPLAY, {"id": bad_id})) == [("id", "NOT_FOUND")]
    clock.advance(60)  # the replay is due at once (the request's time); the failed one's retry too
    assert await deliverer.run_once() == 2
    sent = [r for r in receiver.at("/a") if r.msg_id == succeeded["webhookId"]]
    assert len(sent) == 2 and all(r.verified for r in sent)

    # the endpoint answers 410 Gone: it is turned off and the staff see a notice
    receiver.script("/a", Reply(status=410))
    await emit(a, "order.cancelled", {"id": "o1"})
    clock.advance(60)
    await deliverer.run_once()

    notes = (await gql(client, a.admin, NOTIFICATIONS)).json()["data"]["staffNotifications"]["edges"]
    assert [n["node"]["kind"] for n in notes] == ["webhook_subscription.disabled"]
    assert notes[0]["node"]["data"]["url"] == receiver.url("/a") and "410" in notes[0]["node"]["body"]
    assert (await gql(client, b.admin, NOTIFICATIONS)).json()["data"]["staffNotifications"]["edges"] == []

    # replay since: every event of the store since the start, for this endpoint (off now: they wait)
    queued = await call(
        client, a.admin, REPLAY_SINCE, {"since": "2000-01-01T00:00:00Z", "sub": sub_id, "failedOnly": False}
    )
    # (all of them: the store's token and endpoint events too, as the endpoint takes `*`)
    in_outbox = await fetch(
        owner_engine, "SELECT count(*) AS n FROM outbox_events WHERE store_id = :s", s=a.id
    )
    assert queued == {"queued": in_outbox[0]["n"], "errors": []}
    assert codes(
        await call(
            client, a.admin, REPLAY_SINCE, {"since": "2000-01-01T00:00:00", "sub": None, "failedOnly": False}
        )
    ) == [("since", "INVALID")]
    settings = await call(client, a.admin, SETTINGS, {"s": 7200})
    assert settings == {"settings": {"disableAfterSeconds": 7200}, "errors": []}
