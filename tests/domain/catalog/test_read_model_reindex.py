import asyncio
import os
import sys

from tests.fixtures.catalog import Catalog
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore


async def test_cli_reindex_rebuilds_every_summary_of_the_store(
    make_store: MakeStore, owner_engine, settings
) -> None:
    cat = Catalog(await make_store("a"))
    other = Catalog(await make_store("b"))
    ids = [(await cat.product(f"P{i}", refresh=False)).id for i in range(5)]
    await other.product("Elsewhere", refresh=False)

    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        "catalog",
        "reindex",
        "--store",
        "a",
        "--batch",
        "2",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()

    assert proc.returncode == 0, err.decode()
    assert "a: 5 products reindexed" in err.decode()
    rows = await fetch(owner_engine, "SELECT DISTINCT product_id FROM product_summaries")
    assert sorted(r["product_id"] for r in rows) == sorted(ids)
