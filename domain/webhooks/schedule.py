"""When to try a failed delivery again: the Standard Webhooks schedule, with jitter, and Retry-After.

Pure: the caller passes the number of failed attempts so far and a random source, so tests fix both.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# Delay before attempt n+1 (seconds): now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1  # ±10 %, so endpoints that failed together are not retried in lockstep
MAX_RETRY_AFTER = 86400


def next_delay(failed: int, *, retry_after: float | None = None, rng: random.Random) -> float | None:
    """Seconds until the next attempt after `failed` failed attempts, or None when the schedule ran out.

    A Retry-After (429, 503) is honoured: never retried sooner than it asks (capped at a day)."""
    if failed >= len(SCHEDULE):
        return None
    base = SCHEDULE[failed]
    delay = base * (1 + rng.uniform(-JITTER, JITTER)) if base else 0.0
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Retry-After as delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def after(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)
