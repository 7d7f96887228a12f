"""Loads every event consumer, in the order they run for one event.

`dispatch` runs consumers one after another, each in its own committed transaction, ordered by stage and
then by registration. The read model must be rebuilt before the response cache is purged, or a request
arriving between the two would cache stale summaries again: the purge registers at `PURGE_STAGE`, after
every consumer of the default stage, whatever the import order.
"""

from __future__ import annotations

# Each module registers its consumers on import.
import workers.cache_purge
import workers.catalog
import workers.pricing
import workers.webhooks  # noqa: F401
from workers.handlers import consumers

__all__ = ["consumers"]
