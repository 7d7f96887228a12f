"""Signing, the retry schedule, event type patterns and the address check: pure functions."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from domain.errors import DomainError
from domain.webhooks import schedule, signing
from domain.webhooks.inputs import check_event_types, check_headers, matches
from domain.webhooks.targets import TargetRefused, is_public, resolve_target


def test_signature_verifies_with_the_standard_webhooks_library() -> None:
    secret = signing.new_secret()
    body = b'{"id":"e1","type":"order.created"}'
    now = int(datetime.now(UTC).timestamp())

    headers = signing.headers([secret], "msg_1", now, body)

    assert secret.startswith("whsec_")
    assert Webhook(secret).verify(body, headers) == {"id": "e1", "type": "order.created"}
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)


def test_during_a_rotation_both_secrets_verify() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    body = b"{}"
    headers = signing.headers([new, old], "msg_2", int(datetime.now(UTC).timestamp()), body)

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)


def test_schedule_follows_the_standard_with_jitter_and_ends() -> None:
    rng = random.Random(1)
    for failed, base in enumerate(schedule.SCHEDULE[1:], start=1):
        delay = schedule.next_delay(failed, rng=rng)
        assert delay is not None
        assert base * 0.9 <= delay <= base * 1.1
    assert schedule.next_delay(len(schedule.SCHEDULE), rng=rng) is None
    # jitter: the same step gives different delays
    assert len({schedule.next_delay(3, rng=rng) for _ in range(5)}) == 5


def test_retry_after_is_never_retried_sooner() -> None:
    rng = random.Random(1)
    assert schedule.next_delay(1, retry_after=120, rng=rng) == 120
    # a Retry-After shorter than the schedule keeps the schedule
    delay = schedule.next_delay(2, retry_after=1, rng=rng)
    assert delay is not None and delay >= 270
    assert schedule.next_delay(1, retry_after=10**9, rng=rng) == schedule.MAX_RETRY_AFTER
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert schedule.parse_retry_after("30", now=now) == 30
    assert schedule.parse_retry_after("Sat, 28 Nov 2026 12:10:00 GMT", now=now) == 600
    assert schedule.parse_retry_after("soon", now=now) is None
    assert schedule.parse_retry_after(None, now=now) is None


def test_event_type_patterns() -> None:
    assert matches(["order.*"], "order.created")
    assert matches(["order.*"], "order.line.updated")
    assert not matches(["order.*"], "orders.created")
    assert not matches(["order.*"], "order")
    assert matches(["*"], "anything.at_all")
    assert matches(["product.updated", "order.created"], "order.created")
    assert not matches(["order.created"], "order.created_late")
    assert check_event_types(["order.*", "order.*", "*"]) == ["*", "order.*"]
    for bad in ["Order.created", "order.", "order.*.x", "", "order created", "*.created"]:
        with pytest.raises(DomainError) as info:
            check_event_types([bad])
        assert info.value.code == "INVALID_EVENT_TYPE"


def test_custom_headers_cannot_replace_the_senders() -> None:
    assert check_headers({"X-Api-Key": "k"}) == {"x-api-key": "k"}
    for bad in [{"webhook-id": "x"}, {"Content-Type": "x"}, {"bad name": "x"}, {"x-a": "line\nbreak"}]:
        with pytest.raises(DomainError) as info:
            check_headers(bad)
        assert info.value.code == "INVALID_HEADER"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_private_loopback_and_link_local_addresses_are_not_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


async def test_a_private_target_is_refused_unless_allowed() -> None:
    with pytest.raises(TargetRefused):
        await resolve_target("http://127.0.0.1:8080/hook", allow_private=False)
    with pytest.raises(TargetRefused):
        await resolve_target("http://localhost/hook", allow_private=False)
    with pytest.raises(TargetRefused):
        await resolve_target("http://[::1]/hook", allow_private=False)

    target = await resolve_target("http://localhost:8080/hook?a=1", allow_private=True)

    assert target.url in ("http://127.0.0.1:8080/hook?a=1", "http://[::1]:8080/hook?a=1")
    assert target.host_header == "localhost:8080"
    assert target.server_name is None


async def test_https_keeps_the_name_for_tls_while_connecting_to_the_checked_address() -> None:
    target = await resolve_target("https://127.0.0.1/x", allow_private=True)
    assert target.url == "https://127.0.0.1/x"
    assert target.server_name == "127.0.0.1"
