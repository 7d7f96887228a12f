"""Redis pub/sub channel names of domain events: one per store, hash-tagged by store for Redis Cluster."""

from __future__ import annotations

import uuid


def store_channel(prefix: str, store_id: uuid.UUID | str) -> str:
    return f"{prefix}:{{{store_id}}}"
