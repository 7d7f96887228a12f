"""Which of a store's locales answers a requested one."""

from __future__ import annotations

from collections.abc import Sequence


def pick_locale(requested: str | None, supported: Sequence[str], default: str) -> str:
    """The store locale for a request: exact match (any case), then the same language ("en-us" asks,
    "en" answers; "en" asks, "en-GB" answers), else the store's default."""
    if requested:
        wanted = requested.strip().lower().replace("_", "-")
        by_lower = {s.lower(): s for s in supported}
        if wanted in by_lower:
            return by_lower[wanted]
        language = wanted.split("-", 1)[0]
        if language in by_lower:
            return by_lower[language]
        for s in supported:
            if s.lower().split("-", 1)[0] == language:
                return s
    return default


def pick_currency(requested: str | None, supported: Sequence[str], default: str) -> str:
    code = (requested or "").strip().upper()
    return code if code in supported else default
