"""Load from a separate process: wrk (C, epoll) drives a URL with a fixed number of connections for a fixed
time and reports exact latency percentiles through its Lua `done` hook.

wrk is installed from the system packages when missing and we run as root; otherwise the run stops and
says so. A Python load generator would spend more CPU per request than the server it measures on a 2-core
machine, so there is no fallback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "STORMCOM-WRK {{\\"requests\\":%d,\\"duration_us\\":%d,\\"bytes\\":%d,"
    .. "\\"p50\\":%d,\\"p95\\":%d,\\"p99\\":%d,\\"max\\":%d,"
    .. "\\"status_errors\\":%d,\\"socket_errors\\":%d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(value: str) -> str:
    # Lua long brackets with a level no body can close by accident.
    level = "=" * 8
    return f"[{level}[{value}]{level}]"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    status_errors: int
    socket_errors: int
    bytes: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "bench: wrk is needed for the HTTP load cases: install it (Debian/Ubuntu: apt-get install wrk)"
    )


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    method: str = "POST",
    body: str = "",
    headers: dict[str, str] | None = None,
    threads: int | None = None,
    extra_lua: str = "",
) -> WrkResult:
    wrk = ensure_wrk()
    header_lines = "\n".join(
        f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in (headers or {}).items()
    )
    script = _SCRIPT.format(method=lua_string(method), body=lua_string(body), headers=header_lines)
    script += extra_lua
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.lua"
        path.write_text(script, encoding="utf-8")
        threads = threads or max(1, min(connections, 2))
        out = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "5s",
                "-s",
                str(path),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    match = re.search(r"STORMCOM-WRK (\{.*\})", out)
    if match is None:
        raise SystemExit(f"bench: wrk printed no summary:\n{out}")
    raw = json.loads(match.group(1))
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50"] / 1000,
        p95_ms=raw["p95"] / 1000,
        p99_ms=raw["p99"] / 1000,
        max_ms=raw["max"] / 1000,
        status_errors=raw["status_errors"],
        socket_errors=raw["socket_errors"],
        bytes=raw["bytes"],
    )
