"""Conformance with the GraphQL over HTTP specification, checked by the real `graphql-http` audit suite.

The gateway runs under uvicorn on a free local port; a node script (graphql_http_audit.mjs beside this file)
runs `serverAudits` from the npm package `graphql-http` against it with an admin token, and every audit
(MUST, SHOULD and MAY) has to pass. Node and npm are required: without them the test fails, it never skips.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from gateway.app import create_app
from gateway.settings import Settings
from tests.fixtures.tenancy import MakeStore

GRAPHQL_HTTP_VERSION = "1.23.1"
ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = ROOT / "var" / "node"
PACKAGE_DIR = NODE_PREFIX / "node_modules" / "graphql-http"
SCRIPT = Path(__file__).resolve().parent / "graphql_http_audit.mjs"


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The gateway served by uvicorn in a background thread, on a free 127.0.0.1 port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="uvicorn-audit", daemon=True
    )
    thread.start()
    try:
        for _ in range(200):
            if server.started or not thread.is_alive():
                break
            thread.join(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"`{tool}` is not on PATH: the GraphQL over HTTP audits need node and npm "
            "(install Node.js 18 or newer; CI machines have it)",
            pytrace=False,
        )
    return path


def _installed_version() -> str | None:
    try:
        return str(json.loads((PACKAGE_DIR / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def _ensure_graphql_http() -> None:
    if _installed_version() == GRAPHQL_HTTP_VERSION:
        return
    npm = _require("npm")
    proc = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(NODE_PREFIX),
            "--no-audit",
            "--no-fund",
            "--save-exact",
            f"graphql-http@{GRAPHQL_HTTP_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0 or _installed_version() != GRAPHQL_HTTP_VERSION:
        pytest.fail(
            f"npm install graphql-http@{GRAPHQL_HTTP_VERSION} into {NODE_PREFIX} failed "
            f"(exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}",
            pytrace=False,
        )


def _run_audits(url: str, token: str) -> dict[str, Any]:
    node = _require("node")
    _ensure_graphql_http()
    proc = subprocess.run(
        [node, str(SCRIPT), str(NODE_PREFIX), url, token],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"the audit script failed (exit {proc.returncode}):\n{proc.stderr}\n{proc.stdout}", pytrace=False
        )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


async def test_every_graphql_http_audit_passes(live_url: str, make_store: MakeStore) -> None:
    store = await make_store("audit")

    report = await asyncio.to_thread(_run_audits, live_url, store.admin)

    results = report["results"]
    assert report["version"] == GRAPHQL_HTTP_VERSION
    assert len(results) > 50, f"suspiciously few audits: {len(results)}"
    failures = [r for r in results if r["status"] != "ok"]
    levels = Counter(r["name"].split(" ", 1)[0] for r in results)
    passed = len(results) - len(failures)
    print(f"graphql-http {report['version']}: {passed}/{len(results)} audits ok {dict(levels)}")
    listing = "\n".join(
        f"  [{r['status']}] {r['id']} {r['name']}: {r.get('reason')} "
        f"(HTTP {r.get('responseStatus')}, {r.get('responseContentType')}) {r.get('responseBody')}"
        for r in failures
    )
    assert not failures, f"{len(failures)} of {len(results)} graphql-http audits failed:\n{listing}"
