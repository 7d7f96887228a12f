"""The storefront read path under load, as production runs it: uvicorn with uvloop and httptools, one
process per core, on the demo catalog; wrk in a separate process at several concurrencies.

Cases (issue 3): (1) product listing of 20 with variants, prices and images, response cache on; (2) the
same with the cache off; (3) product page by slug; (4) search; (5) a bare Starlette route answering the
bytes of (1) from memory: the floor this machine allows. Product pages and searches rotate over many
slugs and terms, so the cached rows measure a warm cache of a realistic working set, not one key.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import over_http, wrk
from bench.inprocess import GRAPHQL_RESPONSE
from bench.stats import Reported
from persisted_queries.manifest import load_documents

CONCURRENCY = (1, 10, 50)
CACHED = "listing of 20, cache on"
BARE = "bare Starlette route, bytes of the listing"


@dataclass
class Case:
    key: str
    label: str
    document: str
    variables: list[dict[str, Any]]

    def bodies(self, ids: dict[str, str]) -> list[str]:
        ext = {"persistedQuery": {"version": 1, "sha256Hash": ids[self.document]}}
        return [
            json.dumps({"variables": v, "extensions": ext}, separators=(",", ":")) for v in self.variables
        ]


def _lua_rotation(bodies: list[str]) -> str:
    items = ",".join(wrk.lua_string(b) for b in bodies)
    return (
        f"local bodies = {{{items}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #bodies + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[i])\nend\n"
    )


def headers(token: str, locale: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Accept": GRAPHQL_RESPONSE,
        "Authorization": f"Bearer {token}",
        "Accept-Language": locale,
    }


def check(base: str, body: str, hdrs: dict[str, str]) -> bytes:
    response = httpx.post(f"{base}/graphql", content=body, headers=hdrs, timeout=30)
    payload = response.json()
    if response.status_code != 200 or payload.get("errors") or not payload.get("data"):
        raise SystemExit(f"bench: unexpected response {response.status_code}: {response.text[:500]}")
    return response.content


def load(
    base: str,
    scenario: str,
    label: str,
    bodies: list[str],
    hdrs: dict[str, str],
    *,
    seconds: float,
    note: str,
) -> list[Reported]:
    rows = []
    for conc in CONCURRENCY:
        # Warm every key (and every worker process's first tier) before measuring.
        wrk.run(
            f"{base}/graphql",
            connections=conc,
            seconds=2,
            body=bodies[0],
            headers=hdrs,
            extra_lua=_lua_rotation(bodies) if len(bodies) > 1 else "",
        )
        result = wrk.run(
            f"{base}/graphql",
            connections=conc,
            seconds=seconds,
            body=bodies[0],
            headers=hdrs,
            extra_lua=_lua_rotation(bodies) if len(bodies) > 1 else "",
        )
        if result.status_errors or result.socket_errors:
            note_here = f"{note}; {result.status_errors} non-2xx, {result.socket_errors} socket errors"
        else:
            note_here = note
        rows.append(
            Reported(
                scenario,
                label,
                conc,
                result.requests,
                result.p50_ms,
                result.p95_ms,
                result.p99_ms,
                result.throughput,
                note_here,
            )
        )
        print(
            f"bench: {scenario} / {label} c={conc}: {result.throughput:,.0f} req/s, "
            f"p50 {result.p50_ms:.2f} p95 {result.p95_ms:.2f} p99 {result.p99_ms:.2f} ms",
            file=sys.stderr,
        )
    return rows


def run(
    env: dict[str, str],
    credentials: dict[str, Any],
    cases: list[Case],
    *,
    seconds: float,
    workers: int,
) -> list[Reported]:
    ids = {d.name: d.id for d in load_documents()}
    hdrs = headers(credentials["storefront_token"], "bn")
    listing, *others = cases
    rows: list[Reported] = []
    recorded = b""
    for cache_on in (True, False):
        server_env = {**env, "STORMCOM_RESPONSE_CACHE": "true" if cache_on else "false"}
        label = "cache on" if cache_on else "cache off"
        with over_http.server(server_env, workers=workers, production=True) as (base, _):
            time.sleep(1.0)  # every worker process has bound and started
            for case in (listing, *others):
                bodies = case.bodies(ids)
                first = check(base, bodies[0], hdrs)
                if case is listing and cache_on:
                    recorded = first
                rows += load(
                    base,
                    f"HTTP, {workers} uvicorn processes",
                    f"{case.label}, {label}",
                    bodies,
                    hdrs,
                    seconds=seconds,
                    note=f"{len(first):,} B response; {len(bodies)} distinct requests",
                )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "listing.json"
        path.write_bytes(recorded)
        bare_env = {**os.environ, "BENCH_BARE_BODY": str(path)}
        with over_http.server(
            bare_env, app="bench.bare_app:app", factory=False, workers=workers, production=True
        ) as (base, _):
            time.sleep(1.0)
            body = listing.bodies(ids)[0]
            rows += load(
                base,
                f"HTTP, {workers} uvicorn processes",
                BARE,
                [body],
                hdrs,
                seconds=seconds,
                note=f"{len(recorded):,} B from memory: the floor",
            )
    return rows


def pairs(
    env: dict[str, str],
    credentials: dict[str, Any],
    listing: Case,
    *,
    seconds: float,
    workers: int,
    rounds: int,
) -> list[Reported]:
    """Only (1) and (5), back to back: both servers up at once and, per round and concurrency, the cached
    listing then the bare route, so a ratio compares two runs seconds apart on a machine whose load moves."""
    ids = {d.name: d.id for d in load_documents()}
    hdrs = headers(credentials["storefront_token"], "bn")
    body = listing.bodies(ids)[0]
    scenario = f"HTTP, {workers} uvicorn processes"
    server_env = {**env, "STORMCOM_RESPONSE_CACHE": "true"}
    rows: list[Reported] = []
    with over_http.server(server_env, workers=workers, production=True) as (base, _):
        time.sleep(1.0)
        recorded = check(base, body, hdrs)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "listing.json"
            path.write_bytes(recorded)
            bare_env = {**os.environ, "BENCH_BARE_BODY": str(path)}
            with over_http.server(
                bare_env, app="bench.bare_app:app", factory=False, workers=workers, production=True
            ) as (bare, _):
                time.sleep(1.0)
                for round_ in range(1, rounds + 1):
                    for conc in CONCURRENCY:
                        for url, label, note in (
                            (base, CACHED, f"{len(recorded):,} B response"),
                            (bare, BARE, f"{len(recorded):,} B from memory: the floor"),
                        ):
                            note = f"{note}; round {round_}"
                            rows.append(_measure(url, scenario, label, body, hdrs, conc, seconds, note))
    return rows


def _measure(
    base: str,
    scenario: str,
    label: str,
    body: str,
    hdrs: dict[str, str],
    conc: int,
    seconds: float,
    note: str,
) -> Reported:
    wrk.run(f"{base}/graphql", connections=conc, seconds=2, body=body, headers=hdrs)
    result = wrk.run(f"{base}/graphql", connections=conc, seconds=seconds, body=body, headers=hdrs)
    if result.status_errors or result.socket_errors:
        note = f"{note}; {result.status_errors} non-2xx, {result.socket_errors} socket errors"
    print(
        f"bench: {scenario} / {label} c={conc}: {result.throughput:,.0f} req/s, "
        f"p50 {result.p50_ms:.2f} p95 {result.p95_ms:.2f} p99 {result.p99_ms:.2f} ms",
        file=sys.stderr,
    )
    return Reported(
        scenario,
        label,
        conc,
        result.requests,
        result.p50_ms,
        result.p95_ms,
        result.p99_ms,
        result.throughput,
        note,
    )


SEARCH_TERMS = [
    "panjabi",
    "saree",
    "shirt",
    "cotton",
    "silk",
    "jamdani",
    "sneakers",
    "wallet",
    "maroon",
    "eid",
    "hoodie",
    "kurti",
    "panjabee",
    "sarre",
    "lether",  # typos the trigram side must catch
    "পাঞ্জাবি",
    "শাড়ি",
    "শার্ট",
    "সুতি",
    "রেশমি",
    "জামদানি",
    "লাল",
    "ব্যাগ",
    "ঘড়ি",
]


def cases() -> list[Case]:
    return [
        Case("listing", "listing of 20", "ProductListing", [{}]),
        Case(
            "page", "product page by slug", "ProductPage", [{"slug": f"demo-{n:05d}"} for n in range(1, 201)]
        ),
        Case("search", "search", "Search", [{"query": term} for term in SEARCH_TERMS]),
    ]


def targets(rows: list[Reported]) -> str:
    """The issue's targets, checked against this run's rows. With several rounds (`--pairs`) each round's
    ratio is its cached row over the bare row measured right after it; the table gives every ratio."""

    def found(case: str, conc: int) -> list[Reported]:
        return [r for r in rows if r.case == case and r.concurrency == conc]

    lines = ["| target (issue 3) | measured | met |", "|---|---|---|"]
    for conc in CONCURRENCY:
        pairs = list(zip(found(CACHED, conc), found(BARE, conc), strict=False))
        if not pairs:
            continue
        ratios = [c.throughput / b.throughput if b.throughput else 0.0 for c, b in pairs]
        if len(pairs) == 1:
            (cached, bare), ratio = pairs[0], ratios[0]
            measured = f"{cached.throughput:,.0f} / {bare.throughput:,.0f} = {ratio:.2f}"
        else:
            each = ", ".join(f"{r:.2f}" for r in ratios)
            measured = f"ratios {each} (min {min(ratios):.2f}, median {statistics.median(ratios):.2f})"
        met = "yes" if min(ratios) >= 0.5 else "no"
        lines.append(f"| (1) cached listing ≥ ½ of the bare route's req/s, c={conc} | {measured} | {met} |")
    uncached = found("listing of 20, cache off", 10)
    if uncached:
        lines.append(
            f"| (2) uncached listing p95 < 25 ms at c=10 | {uncached[0].p95_ms:.1f} ms | "
            f"{'yes' if uncached[0].p95_ms < 25 else 'no'} |"
        )
    return "\n".join(lines)
