"""Find, start or install the PostgreSQL and Redis that `make run` and `make test` need.

Prints shell `export` lines for DATABASE_URL and REDIS_URL on stdout (everything else goes to
stderr), so callers do `eval "$(python scripts/services.py)"`. Order of preference for each
service: the URL from the environment when it answers; the default local port when it answers;
a project-local server under var/ (started on a free port, reused on the next call); the
system package manager when we are root; otherwise stop and say what to install.

Standard library only, so it runs before anything else is installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/stormcom"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def say(msg: str) -> None:
    print(f"[services] {msg}", file=sys.stderr, flush=True)


def answers(host: str, port: int, probe: bytes | None = None, expect: bytes | None = None) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            if probe is None:
                return True
            sock.sendall(probe)
            sock.settimeout(2)
            return (expect or b"") in sock.recv(64)
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> None:
    if not is_root() or shutil.which("apt-get") is None:
        say(
            f"cannot find {', '.join(packages)} and cannot install it (need root and apt-get). "
            f"Install it yourself, e.g. `sudo apt-get install {' '.join(packages)}`, "
            "or point DATABASE_URL / REDIS_URL at running servers."
        )
        sys.exit(3)
    say(f"installing {' '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=sys.stderr)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        check=True,
        env=env,
        stdout=sys.stderr,
    )


# ---------------------------------------------------------------- PostgreSQL


def pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if found:
        return found[0]
    return shutil.which(name)


def run_as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the Debian package creates the `postgres` user.
    if is_root():
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start_local_postgres() -> tuple[str, int]:
    if pg_bin("initdb") is None:
        apt_install("postgresql")
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        say("PostgreSQL server binaries are missing after install")
        sys.exit(3)
    base = VAR / "pg"
    data, run = base / "data", base / "run"
    base.mkdir(parents=True, exist_ok=True)
    run.mkdir(exist_ok=True)
    if is_root():
        shutil.chown(base, "postgres")
        shutil.chown(run, "postgres")
    port_file = base / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if answers("127.0.0.1", port):
            return "127.0.0.1", port
    if not (data / "PG_VERSION").exists():
        say(f"initialising a project-local PostgreSQL cluster in {data}")
        subprocess.run(
            run_as_postgres([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            stdout=sys.stderr,
        )
    port = free_port()
    say(f"starting project-local PostgreSQL on 127.0.0.1:{port}")
    opts = f"-p {port} -k {run} -c listen_addresses=127.0.0.1"
    subprocess.run(
        run_as_postgres([pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"]),
        check=True,
        stdout=sys.stderr,
    )
    port_file.write_text(str(port))
    return "127.0.0.1", port


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/") or "postgres"
    plain = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            say(f"creating database {dbname}")
            conn.execute(f'CREATE DATABASE "{dbname}"')


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if answers(host, port):
        return url
    if os.environ.get("DATABASE_URL"):
        say(f"DATABASE_URL does not answer at {host}:{port}; using a project-local server instead")
    host, port = start_local_postgres()
    dbname = parts.path.lstrip("/") or "stormcom"
    return f"postgresql+asyncpg://postgres@{host}:{port}/{dbname}"


# ---------------------------------------------------------------------- Redis


def start_local_redis() -> tuple[str, int]:
    if shutil.which("redis-server") is None:
        apt_install("redis-server")
    base = VAR / "redis"
    base.mkdir(parents=True, exist_ok=True)
    port_file = base / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if answers("127.0.0.1", port, b"PING\r\n", b"PONG"):
            return "127.0.0.1", port
    port = free_port()
    say(f"starting project-local Redis on 127.0.0.1:{port}")
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(base),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(base / "redis.log"),
            "--pidfile",
            str(base / "redis.pid"),
        ],
        check=True,
        stdout=sys.stderr,
    )
    for _ in range(50):
        if answers("127.0.0.1", port, b"PING\r\n", b"PONG"):
            break
        time.sleep(0.1)
    port_file.write_text(str(port))
    return "127.0.0.1", port


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if answers(host, port, b"PING\r\n", b"PONG"):
        return url
    host, port = start_local_redis()
    return f"redis://{host}:{port}/0"


def main() -> None:
    db = postgres_url()
    ensure_database(db)
    rd = redis_url()
    say(f"PostgreSQL: {db}")
    say(f"Redis: {rd}")
    print(f"export DATABASE_URL='{db}'")
    print(f"export REDIS_URL='{rd}'")


if __name__ == "__main__":
    main()
