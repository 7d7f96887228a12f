"""The `stormcom` command line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select, text

from gateway.settings import get_settings

app = typer.Typer(help="StormCom Gateway", no_args_is_help=True)
db_app = typer.Typer(help="Database", no_args_is_help=True)
pq_app = typer.Typer(help="Persisted documents", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log", no_args_is_help=True)
schema_app = typer.Typer(help="GraphQL schema", no_args_is_help=True)
catalog_app = typer.Typer(help="Catalog", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(pq_app, name="persisted-queries")
app.add_typer(audit_app, name="audit")
app.add_typer(schema_app, name="schema")
app.add_typer(catalog_app, name="catalog")
console = Console(stderr=True)
ROOT = Path(__file__).resolve().parent.parent


@db_app.command("migrate")
def migrate(revision: str = "head") -> None:
    """Apply migrations as the owner (DATABASE_URL)."""
    from gateway.migrate import upgrade

    upgrade(get_settings().owner_url, revision)
    console.print(f"[green]migrated to {revision}[/green]")


@app.command()
def seed(credentials: Path = ROOT / "var" / "demo-credentials.json") -> None:
    """Create the demo stores, staff and tokens (idempotent); write tokens to var/demo-credentials.json."""
    from gateway.seed import seed as run_seed

    previous = json.loads(credentials.read_text()) if credentials.exists() else {}
    creds = asyncio.run(run_seed(get_settings(), previous))
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text(json.dumps(creds, indent=2) + "\n")
    credentials.chmod(0o600)
    console.print(f"[green]seeded store {creds['store_slug']!r}; tokens in {credentials}[/green]")


@pq_app.command("manifest")
def manifest() -> None:
    """Print the Apollo persisted-query manifest of the storefront documents."""
    from persisted_queries.manifest import manifest as build

    typer.echo(json.dumps(build(), indent=2, ensure_ascii=False))


@schema_app.command("export")
def export_schema() -> None:
    """Print the schema in SDL (committed as schema.graphql)."""
    from schema import schema

    typer.echo(schema.as_str())


@audit_app.command("verify")
def audit_verify(store: str | None = typer.Option(None, help="Only this store slug.")) -> None:
    """Walk every store's hash chain; exit 1 and name the rows if any was altered, removed or inserted."""
    breaks = asyncio.run(_audit_verify(store))
    if breaks:
        for b in breaks:
            console.print(f"[red]store {b[0]} seq {b[1]}: {b[2]}[/red]")
        raise typer.Exit(1)
    console.print("[green]audit chains intact[/green]")


async def _audit_verify(only: str | None) -> list[tuple[str, int, str]]:
    from domain.audit.services import verify_chain
    from domain.db import create_database, create_engine
    from domain.tenancy.models import Store
    from domain.uow import UnitOfWork

    settings = get_settings()
    owner = create_engine(settings.owner_url, pool_size=1, max_overflow=0)
    async with owner.connect() as conn:
        stmt = select(Store.id, Store.organization_id, Store.slug).order_by(Store.slug)
        if only:
            stmt = stmt.where(Store.slug == only)
        stores = (await conn.execute(stmt)).all()
    await owner.dispose()
    db = create_database(settings.app_url, pool_size=1, max_overflow=0)
    found: list[tuple[str, int, str]] = []
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("verifying audit chains", total=len(stores))
            for store_id, org_id, slug in stores:
                async with UnitOfWork(
                    db.read_sessions, store_id=store_id, organization_id=org_id, readonly=True
                ) as uow:
                    checked, breaks = await verify_chain(uow.session)
                progress.console.print(f"{slug}: {checked} entries")
                found.extend((slug, b.seq, b.reason) for b in breaks)
                progress.advance(task)
    finally:
        await db.dispose()
    return found


@catalog_app.command("reindex")
def catalog_reindex(
    store: str = typer.Option(..., "--store", help="Store slug."),
    batch: int = typer.Option(500, help="Products per transaction."),
) -> None:
    """Rebuild the product read model (summaries and price ranges) of a store, in batches."""
    written = asyncio.run(_catalog_reindex(store, batch))
    console.print(f"[green]{store}: {written} products reindexed[/green]")


async def _catalog_reindex(slug: str, batch: int) -> int:
    from domain.catalog.read_model import product_ids_of_store, refresh_products
    from domain.db import create_database, create_engine
    from domain.tenancy.models import Store
    from domain.uow import UnitOfWork

    settings = get_settings()
    owner = create_engine(settings.owner_url, pool_size=1, max_overflow=0)
    async with owner.connect() as conn:
        stmt = select(Store.id, Store.organization_id).where(Store.slug == slug)
        found = (await conn.execute(stmt)).first()
    await owner.dispose()
    if found is None:
        console.print(f"[red]no store {slug!r}[/red]")
        raise typer.Exit(1)
    store_id, org_id = found
    db = create_database(settings.app_url, pool_size=1, max_overflow=0)
    written = 0
    try:
        async with UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id) as uow:
            ids = await product_ids_of_store(uow)
        with Progress(console=console) as progress:
            task = progress.add_task(f"reindexing {slug}", total=len(ids))
            for start in range(0, len(ids), max(batch, 1)):
                chunk = ids[start : start + max(batch, 1)]
                async with UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id) as uow:
                    written += await refresh_products(uow, chunk)
                    await uow.commit()
                progress.advance(task, len(chunk))
    finally:
        await db.dispose()
    return written


@app.command()
def worker() -> None:
    """Run one arq worker (outbox relay, event handlers)."""
    from arq import run_worker

    from workers.settings import WorkerSettings

    run_worker(WorkerSettings)  # type: ignore[arg-type]


@app.command()
def serve(
    host: str | None = None,
    port: int | None = None,
    with_worker: bool = typer.Option(True, "--worker/--no-worker"),
) -> None:
    """Serve the gateway with one arq worker beside it; Ctrl-C stops both."""
    import uvicorn

    settings = get_settings()
    child = None
    if with_worker:
        child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "worker"], env=os.environ.copy())
    try:
        uvicorn.run(
            "gateway.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            access_log=False,
            log_config=None,
            ws="websockets",
        )
    finally:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


@db_app.command("check")
def check() -> None:
    """Say whether PostgreSQL answers as the app role."""

    async def ping() -> None:
        from domain.db import create_engine

        engine = create_engine(get_settings().app_url, pool_size=1, max_overflow=0)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await engine.dispose()

    asyncio.run(ping())
    console.print("[green]database answers[/green]")


if __name__ == "__main__":
    app()
