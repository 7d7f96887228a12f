"""The event envelope of the public contract.

Fields: id, type, store_id, occurred_at, version, data, correlation_id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class EventEnvelope:
    id: uuid.UUID
    type: str
    store_id: uuid.UUID
    occurred_at: datetime
    version: int
    data: dict[str, Any]
    correlation_id: str
    # Commit order, known once the relay has handed the event over; not part of the envelope's JSON
    # (`to_json`), the relay sends it beside it on the subscription channel.
    position: int | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "store_id": str(self.store_id),
            "occurred_at": self.occurred_at.isoformat(),
            "version": self.version,
            "data": self.data,
            "correlation_id": self.correlation_id,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> EventEnvelope:
        return cls(
            id=uuid.UUID(raw["id"]),
            type=raw["type"],
            store_id=uuid.UUID(raw["store_id"]),
            occurred_at=datetime.fromisoformat(raw["occurred_at"]),
            version=int(raw["version"]),
            data=raw["data"],
            correlation_id=raw.get("correlation_id", ""),
            position=int(raw["position"]) if raw.get("position") is not None else None,
        )
