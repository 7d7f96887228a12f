"""Latency samples, their percentiles, and the results table (printed, and written as Markdown and JSON)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    if not sorted_samples:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_samples)))
    return sorted_samples[rank - 1]


@dataclass
class Measurement:
    """One measured case: `samples` are seconds per operation, `wall` the elapsed time of the whole run."""

    scenario: str
    case: str
    concurrency: int
    samples: list[float] = field(repr=False)
    wall: float
    note: str = ""

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.samples)
        return {
            "scenario": self.scenario,
            "case": self.case,
            "n": len(ordered),
            "concurrency": self.concurrency,
            "p50_ms": round(percentile(ordered, 50) * 1000, 3),
            "p95_ms": round(percentile(ordered, 95) * 1000, 3),
            "p99_ms": round(percentile(ordered, 99) * 1000, 3),
            "mean_ms": round(sum(ordered) / len(ordered) * 1000, 3) if ordered else math.nan,
            "throughput_per_s": round(len(ordered) / self.wall, 1) if self.wall > 0 else math.nan,
            "note": self.note,
        }


COLUMNS = [
    ("scenario", "scenario"),
    ("case", "case"),
    ("n", "n"),
    ("concurrency", "conc."),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("throughput_per_s", "req/s (ops/s)"),
    ("note", "note"),
]


def markdown_table(rows: list[dict[str, Any]]) -> str:
    header = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = (
        "|" + "|".join("---" if key in ("scenario", "case", "note") else "---:" for key, _ in COLUMNS) + "|"
    )
    lines = [header, rule]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[key]) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.1f}"
    return str(value)


def as_json(measurements: list[Measurement] | list[Measurement | Reported]) -> list[dict[str, Any]]:
    return [m.summary() for m in measurements]


def environment_table(env: dict[str, Any]) -> str:
    lines = ["| | |", "|---|---|"]
    lines.extend(f"| {key} | {value} |" for key, value in env.items())
    return "\n".join(lines)


@dataclass
class Reported:
    """A case measured by an external load generator that reports percentiles itself (wrk)."""

    scenario: str
    case: str
    concurrency: int
    n: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    throughput: float
    note: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "case": self.case,
            "n": self.n,
            "concurrency": self.concurrency,
            "p50_ms": round(self.p50_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "mean_ms": math.nan,
            "throughput_per_s": round(self.throughput, 1),
            "note": self.note,
        }
