"""Over real HTTP: uvicorn in a subprocess on a free 127.0.0.1 port, driven by an httpx AsyncClient with
a fixed number of requests in flight. Client and server share the machine, and so its cores."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.inprocess import GRAPHQL_RESPONSE, check, request_cases
from bench.stats import Measurement


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(
    env: dict[str, str],
    *,
    app: str = "gateway.app:create_app",
    factory: bool = True,
    workers: int = 1,
    production: bool = False,
) -> Iterator[tuple[str, int]]:
    """Run an ASGI app under uvicorn until the block ends; yield its URL and the (master) pid. `production`
    is how it is deployed: uvloop and httptools, `workers` processes sharing the socket."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--no-access-log", "--log-level", "warning"]
    if factory:
        cmd.append("--factory")
    if production:
        cmd += ["--loop", "uvloop", "--http", "httptools", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"bench: uvicorn exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("bench: uvicorn did not become ready in 30 s")
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _drive(
    client: httpx.AsyncClient, payload: dict[str, Any], headers: dict[str, str], *, n: int, concurrency: int
) -> tuple[list[float], float]:
    remaining = n
    samples: list[float] = []

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            t0 = time.perf_counter()
            response = await client.post("/graphql", json=payload, headers=headers)
            samples.append(time.perf_counter() - t0)
            check(response)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples, time.perf_counter() - started


async def requests(
    base: str,
    pid: int,
    *,
    shop_id: str,
    shop_body: str,
    storefront: str,
    admin: str,
    n: int,
    warmup: int,
    concurrency: int,
) -> list[Measurement]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    out = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        cases = request_cases(shop_id=shop_id, shop_body=shop_body, storefront=storefront, admin=admin)
        for case, token, payload, _ in cases:
            headers = {"authorization": f"Bearer {token}", "accept": GRAPHQL_RESPONSE}
            await _drive(client, payload, headers, n=warmup, concurrency=concurrency)
            cpu_before = cpu_seconds(pid)
            samples, wall = await _drive(client, payload, headers, n=n, concurrency=concurrency)
            cpu_after = cpu_seconds(pid)
            note = ""
            if cpu_before is not None and cpu_after is not None:
                note = f"server CPU {(cpu_after - cpu_before) / n * 1000:.2f} ms/req"
            out.append(Measurement("HTTP (uvicorn)", case, concurrency, samples, wall, note))
    return out
