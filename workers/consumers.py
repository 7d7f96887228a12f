"""Loads every event consumer, in the order they run for one event.

`Registry.for_type` keeps registration order, and `dispatch` runs consumers one after another, each in its
own committed transaction. The read model must be rebuilt before the response cache is purged, or a request
arriving between the two would cache stale summaries again: so catalog comes first, cache after it.
"""

from __future__ import annotations

import workers.catalog  # noqa: F401  (registers catalog.read_model; must stay first)
from workers.handlers import consumers

__all__ = ["consumers"]
