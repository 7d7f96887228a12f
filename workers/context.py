"""A typed view of arq's job context: arq hands jobs a plain dict; we keep our state under one key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis

from domain.db import Database
from domain.payments.providers import Providers
from gateway.settings import Settings


@dataclass
class WorkerState:
    settings: Settings
    db: Database
    arq: ArqRedis
    # Payment provider adapters (the re-query sweep); set by the worker's startup.
    payments: Providers | None = None


def worker_state(ctx: dict[str, Any]) -> WorkerState:
    state = ctx.get("stormcom")
    if not isinstance(state, WorkerState):
        raise RuntimeError("worker started without its state (on_startup did not run)")
    return state
