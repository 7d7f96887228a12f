"""The `stormcom` command line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from sqlalchemy import select, text

from gateway.settings import get_settings

if TYPE_CHECKING:
    from domain.catalog.importer import ImportReport
    from gateway.demo_catalog import DemoCatalogReport

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
def seed(
    credentials: Path = ROOT / "var" / "demo-credentials.json",
    products: int = typer.Option(2000, min=0, help="Demo catalog size (0: no catalog)."),
) -> None:
    """Create the demo stores, staff, tokens and catalog (idempotent); write tokens to
    var/demo-credentials.json."""
    from gateway.seed import seed as run_seed

    previous = json.loads(credentials.read_text()) if credentials.exists() else {}
    creds = asyncio.run(run_seed(get_settings(), previous))
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text(json.dumps(creds, indent=2) + "\n")
    credentials.chmod(0o600)
    console.print(f"[green]seeded store {creds['store_slug']!r}; tokens in {credentials}[/green]")
    if products:
        report = asyncio.run(_seed_catalog(creds["store_slug"], products))
        verb = "already complete" if report.skipped else "seeded"
        console.print(
            f"[green]demo catalog {verb}: {report.products} products, {report.variants} variants, "
            f"{report.categories} categories, {report.brands} brands, {report.reviews} reviews[/green]"
        )


async def _seed_catalog(slug: str, count: int) -> DemoCatalogReport:
    from gateway.seed import seed_catalog

    with Progress(console=console) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(f"demo {step}", total=total)
            progress.update(tasks[step], completed=done, total=total)

        return await seed_catalog(get_settings(), slug, count, advance)


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


@catalog_app.command("import")
def catalog_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A product CSV or JSON file."),
    store: str = typer.Option(..., help="The store's slug."),
    fmt: str | None = typer.Option(None, "--format", help="csv or json; by the file's extension if omitted."),
    batch_size: int = typer.Option(100, min=1, help="Products per transaction."),
) -> None:
    """Import products (Shopify-style CSV or JSON); good rows are imported, bad ones listed. Exit 1 if any
    row had an error, 2 if the store is unknown."""
    chosen = (fmt or file.suffix.lstrip(".")).lower()
    if chosen not in ("csv", "json"):
        console.print(f"[red]unknown format {chosen!r}: use --format csv or --format json[/red]")
        raise typer.Exit(2)
    text = file.read_text(encoding="utf-8-sig")
    report = asyncio.run(_catalog_import(file.name, text, store, chosen, batch_size))  # type: ignore[arg-type]
    if report is None:
        console.print(f"[red]no store {store!r}[/red]")
        raise typer.Exit(2)
    console.print(
        f"[green]{report.products_created} products created, {report.products_updated} updated[/green], "
        f"{report.variants_created} variants created, {report.variants_updated} updated, "
        f"{report.images} images; {report.products_failed} products skipped, from {report.rows} rows"
    )
    if report.issues:
        from rich.table import Table

        table = Table("line", "handle", "field", "problem", title="Import problems")
        for issue in report.issues[:200]:
            colour = "red" if issue.severity == "error" else "yellow"
            table.add_row(str(issue.line), issue.handle, issue.field, f"[{colour}]{issue.message}[/{colour}]")
        console.print(table)
        if len(report.issues) > 200:
            console.print(f"… and {len(report.issues) - 200} more")
    if report.errors:
        console.print(f"[red]{len(report.errors)} errors[/red]")
        raise typer.Exit(1)


@catalog_app.command("reindex")
def catalog_reindex(
    store: str = typer.Option(..., "--store", help="Store slug."),
    batch: int = typer.Option(500, min=1, help="Products per transaction."),
) -> None:
    """Rebuild the product read model (summaries and price ranges) of a store, in batches."""
    written = asyncio.run(_catalog_reindex(store, batch))
    if written is None:
        console.print(f"[red]no store {store!r}[/red]")
        raise typer.Exit(2)
    console.print(f"[green]{store}: {written} products reindexed[/green]")


async def _store_scope(slug: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The (store id, organisation id) of a store slug, looked up as the owner (no store is set yet)."""
    from domain.db import create_engine
    from domain.tenancy.models import Store

    owner = create_engine(get_settings().owner_url, pool_size=1, max_overflow=0)
    try:
        async with owner.connect() as conn:
            found = (
                await conn.execute(select(Store.id, Store.organization_id).where(Store.slug == slug))
            ).first()
    finally:
        await owner.dispose()
    return (found[0], found[1]) if found else None


async def _catalog_import(
    name: str, text: str, slug: str, fmt: Literal["csv", "json"], batch_size: int
) -> ImportReport | None:
    from domain.catalog.importer import import_catalog
    from domain.db import create_database
    from domain.uow import UnitOfWork
    from gateway.db_maintenance import analyze_catalog

    scope = await _store_scope(slug)
    if scope is None:
        return None
    store_id, org_id = scope
    db = create_database(get_settings().app_url, pool_size=1, max_overflow=0)
    try:
        with Progress(console=console) as progress:
            task = progress.add_task(f"importing {name}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = await import_catalog(
                lambda: UnitOfWork(
                    db.sessions, store_id=store_id, organization_id=org_id, correlation_id="import"
                ),
                text,
                fmt,
                batch_size=batch_size,
                progress=advance,
            )
    finally:
        await db.dispose()
    await analyze_catalog(get_settings())
    return report


async def _catalog_reindex(slug: str, batch: int) -> int | None:
    from domain.catalog.read_model import product_ids_of_store, refresh_products
    from domain.db import create_database
    from domain.uow import UnitOfWork
    from gateway.db_maintenance import analyze_catalog

    scope = await _store_scope(slug)
    if scope is None:
        return None
    store_id, org_id = scope
    db = create_database(get_settings().app_url, pool_size=1, max_overflow=0)
    written = 0
    try:
        async with UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id) as uow:
            ids = await product_ids_of_store(uow)
        with Progress(console=console) as progress:
            task = progress.add_task(f"reindexing {slug}", total=len(ids))
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                async with UnitOfWork(db.sessions, store_id=store_id, organization_id=org_id) as uow:
                    written += await refresh_products(uow, chunk)
                    await uow.commit()
                progress.advance(task, len(chunk))
    finally:
        await db.dispose()
    await analyze_catalog(get_settings())
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
