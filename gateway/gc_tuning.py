"""Garbage-collector settings for a serving process.

A GraphQL answer allocates tens of thousands of short-lived objects; with CPython's default thresholds a
full collection now and then walks the whole heap (the schema, the ORM's mappers, the caches) in the middle
of a request. Measured on the demo catalog, uncached ProductListing in-process: median 54 -> 55 ms, p90
174 -> 65 ms. Freezing what startup built moves it out of every later collection; a higher first threshold
makes young collections rarer. Memory stays bounded: collections still run, only less often.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_for_serving() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
