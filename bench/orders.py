"""The orders suite: order creation over HTTP, `checkoutComplete` at concurrency 1, 10 and 50.

Setup (not measured): the demo store gets a pool of stocked variants (stock entered through the ledger),
an "Inside Dhaka" flat shipping method, and one ready guest cart per order to place (two lines from the
pool, contact, Dhaka address, method chosen). Measured: one persisted `CheckoutComplete` POST per cart,
each with its own Idempotency-Key, against one gateway process; every response must be an order.
Each checkout is the whole path: key claim, cart draft (pricing and promotions), stock reservation, then
the placing transaction (stock taken with its ledger rows, order number, order + lines + allocations +
timeline, COD payment attempt, cart converted, outbox events, stored idempotent answer).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from bench.over_http import cpu_seconds
from bench.stats import Measurement
from domain.cart.details import set_addresses, set_contact, set_shipping_method
from domain.cart.services import LineChange, add_lines, changeable_cart, create_cart
from domain.catalog.models import Product, ProductStatus, ProductVariant, VariantPrice
from domain.customers.addresses import AddressInput
from domain.db import Database, create_engine
from domain.inventory.ledger import adjust
from domain.inventory.models import AdjustmentReason
from domain.shipping import services as shipping
from domain.shipping.inputs import MethodInput, ZoneInput
from domain.shipping.models import RateKind
from domain.tenancy.models import Store
from domain.uow import UnitOfWork
from persisted_queries.manifest import load_documents

CONCURRENCY = (1, 10, 50)
GRAPHQL_RESPONSE = "application/graphql-response+json"
DHAKA = AddressInput(
    name="Rahim Uddin",
    phone="+8801711223344",
    line1="House 12, Road 5",
    division="Dhaka",
    district="Dhaka",
    upazila="Dhanmondi",
    postcode="1205",
)


async def setup(db: Database, store: tuple[uuid.UUID, uuid.UUID], *, variants: int, carts: int) -> list[str]:
    """Stock `variants` variants and fill `carts` ready carts; return the cart tokens."""

    def uow() -> UnitOfWork:
        return UnitOfWork(db.sessions, store_id=store[0], organization_id=store[1])

    ids: list[uuid.UUID] = []
    async with uow() as u:
        for n in range(variants):
            pid, vid = uuid.uuid4(), uuid.uuid4()
            u.session.add(
                Product(
                    id=pid, title=f"Bench item {n}", slug=f"bench-{pid.hex[:10]}", status=ProductStatus.ACTIVE
                )
            )
            await u.session.flush()
            u.session.add(
                ProductVariant(id=vid, product_id=pid, sku=f"BENCH-{pid.hex[:10]}", weight_grams=300)
            )
            await u.session.flush()
            u.session.add(VariantPrice(variant_id=vid, currency="BDT", amount=50_000 + n * 100))
            await u.session.flush()
            await adjust(u, vid, carts * 2, reason=AdjustmentReason.RECEIVED, actor="bench")
            ids.append(vid)
        zone = await shipping.create_zone(u, ZoneInput(name="Bench Dhaka", districts=["Dhaka"]))
        method = await shipping.create_method(
            u,
            MethodInput(
                zone_id=zone.id,
                code="bench-dhaka",
                name="Inside Dhaka",
                kind=RateKind.FLAT,
                currency="BDT",
                amount=6000,
            ),
        )
        await u.commit()
    rng = random.Random(5)
    tokens: list[str] = []
    for _ in range(carts):
        async with uow() as u:
            cart, token = await create_cart(u)
            await add_lines(u, cart, [LineChange(v, rng.randint(1, 2)) for v in rng.sample(ids, 2)])
            await u.commit()
        async with uow() as u:
            cart = await changeable_cart(u, token=token, customer_id=None)
            await set_contact(u, cart, email="bench@example.com", phone=None)
            await set_addresses(u, cart, shipping=DHAKA, billing=None)
            await set_shipping_method(u, cart, method.id)
            await u.commit()
        tokens.append(token)
    return tokens


def _body(document_id: str, cart_token: str) -> dict[str, Any]:
    return {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id}},
        "variables": {"input": {"cartToken": cart_token, "paymentMethod": "COD"}},
    }


async def _drive(
    client: httpx.AsyncClient, storefront: str, document_id: str, tokens: list[str], concurrency: int
) -> tuple[list[float], float]:
    queue = list(tokens)
    samples: list[float] = []

    async def worker() -> None:
        while queue:
            cart_token = queue.pop()
            headers = {
                "authorization": f"Bearer {storefront}",
                "accept": GRAPHQL_RESPONSE,
                "idempotency-key": f"bench-{uuid.uuid4().hex}",
            }
            t0 = time.perf_counter()
            res = await client.post("/graphql", json=_body(document_id, cart_token), headers=headers)
            samples.append(time.perf_counter() - t0)
            payload = res.json()
            placed = (payload.get("data") or {}).get("checkoutComplete") or {}
            if res.status_code != 200 or placed.get("errors") or not placed.get("order"):
                raise SystemExit(f"bench: checkout failed: {res.status_code} {payload}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples, time.perf_counter() - started


async def run(
    base: str,
    pid: int,
    db: Database,
    store: tuple[uuid.UUID, uuid.UUID],
    storefront: str,
    *,
    orders: int,
    warmup: int,
    variants: int,
) -> list[Measurement]:
    document_id = next(d.id for d in load_documents() if d.name == "CheckoutComplete")
    total = warmup + orders * len(CONCURRENCY)
    tokens = await setup(db, store, variants=variants, carts=total)
    limits = httpx.Limits(max_connections=max(CONCURRENCY), max_keepalive_connections=max(CONCURRENCY))
    out: list[Measurement] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await _drive(client, storefront, document_id, tokens[:warmup], 4)
        rest = tokens[warmup:]
        for i, concurrency in enumerate(CONCURRENCY):
            batch = rest[i * orders : (i + 1) * orders]
            cpu_before = cpu_seconds(pid)
            samples, wall = await _drive(client, storefront, document_id, batch, concurrency)
            cpu_after = cpu_seconds(pid)
            note = f"2 lines from {variants} variants"
            if cpu_before is not None and cpu_after is not None:
                note += f"; server CPU {(cpu_after - cpu_before) / len(batch) * 1000:.1f} ms/order"
            out.append(
                Measurement("HTTP (uvicorn)", "checkoutComplete (COD)", concurrency, samples, wall, note)
            )
    return out


async def store_of(owner_url: str, slug: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(store id, organization id) of the seeded store, read as the owner (stores are row-level secured)."""
    owner = create_engine(owner_url, pool_size=1, max_overflow=0)
    try:
        async with owner.connect() as conn:
            row = (
                await conn.execute(select(Store.id, Store.organization_id).where(Store.slug == slug))
            ).first()
    finally:
        await owner.dispose()
    if row is None:
        raise SystemExit(f"bench: no store {slug}")
    return row[0], row[1]
