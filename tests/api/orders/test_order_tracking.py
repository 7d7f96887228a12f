"""Storefront order tracking through persisted documents only: a signed-in customer reads one of their
orders by number (`CustomerOrder`), a guest finds theirs by number and checkout email or phone
(`OrderLookup`); nobody reads anybody else's, a wrong contact answers like an unknown number, staff-only
detail stays out, and the statements do not grow with lines or shipments."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from domain.customers.sessions import resolve_session
from domain.fulfillment.couriers.base import CourierProvider
from domain.orders.models import Order
from domain.orders.placement import place_order
from domain.orders.services import add_note
from gateway.app import create_app
from gateway.settings import Settings
from persisted_queries.manifest import load_documents
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakeRedx
from tests.fixtures.database import statements
from tests.fixtures.orders import draft, sellable
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, StoreFixture

SECRET = "whk-secret-0123456789abcdef"
TRACKING_PAGE = "https://track.example.com/redx/{code}"
AREA = [{"key": "delivery_area", "value": "Dhanmondi"}, {"key": "delivery_area_id", "value": "7"}]
CREATE = """
mutation Create($input: FulfillmentCreateInput!) {
  fulfillmentCreate(input: $input) { shipment { id consignmentId trackingCode } errors { field code } }
}
"""


@pytest.fixture
def app(settings: Settings) -> object:
    """The gateway configured with a public tracking page for RedX."""
    return create_app(
        settings.model_copy(update={"courier_tracking_urls": {CourierProvider.REDX: TRACKING_PAGE}})
    )


async def persisted(
    client: httpx.AsyncClient,
    store: StoreFixture,
    name: str,
    variables: dict[str, Any],
    customer: str | None = None,
) -> httpx.Response:
    (doc,) = [d for d in load_documents() if d.name == name]
    headers = {"accept": GQL_RESPONSE, "authorization": f"Bearer {store.storefront}"}
    if customer:
        headers["x-customer-token"] = customer
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": doc.id}}, "variables": variables}
    return await client.post("/graphql", json=body, headers=headers)


async def register(client: httpx.AsyncClient, store: StoreFixture, email: str) -> tuple[str, uuid.UUID]:
    res = await persisted(
        client, store, "CustomerRegister", {"input": {"email": email, "password": "correct horse 1"}}
    )
    token = res.json()["data"]["customerRegister"]["token"]
    async with store.uow() as uow:
        customer_id = await resolve_session(uow, token)
    assert customer_id is not None
    return token, customer_id


async def order_of(
    store: StoreFixture,
    quantities: tuple[int, ...],
    *,
    customer_id: uuid.UUID | None = None,
    email: str = "buyer@example.com",
) -> tuple[Order, list[str]]:
    items = [await sellable(store, on_hand=20, title=f"Item {i}") for i in range(len(quantities))]
    async with store.uow() as uow:
        order = await place_order(
            uow,
            draft(list(zip(items, quantities, strict=True)), customer_id=customer_id, email=email),
            actor="guest",
            payment_method="cod",
        )
        await uow.commit()
    async with store.uow() as uow:
        from domain.orders.queries import lines_by_order

        (lines,) = await lines_by_order(uow.session, [order.id])
    return order, [str(line.id) for line in lines]


async def fulfil(
    client: httpx.AsyncClient,
    store: StoreFixture,
    order: Order,
    lines: list[tuple[str, int]],
    courier: str | None = None,
) -> dict[str, Any]:
    input_: dict[str, Any] = {
        "orderId": encode_global_id("Order", order.id),
        "lines": [{"orderLineId": line, "quantity": q} for line, q in lines],
    }
    if courier:
        input_ |= {"courier": courier, "area": AREA}
    payload = await call(client, store.admin, CREATE, {"input": input_})
    assert payload["errors"] == [], payload
    return dict(payload["shipment"])


async def redx_report(
    client: httpx.AsyncClient, store: StoreFixture, tracking: str, status: str, at: str
) -> None:
    body = {
        "tracking_number": tracking,
        "timestamp": at,
        "status": status,
        "message_en": f"Parcel is {status}",
        "message_bn": "",
        "invoice_number": "x",
    }
    response = await client.post(
        f"/couriers/redx/webhook/{store.id}?token={SECRET}",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text


async def test_a_customer_reads_their_order_with_shipments_and_tracking(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    mine, my_id = await register(client, store, "a@example.com")
    theirs, _ = await register(client, store, "b@example.com")
    order, (a, b) = await order_of(store, (3, 1), customer_id=my_id, email="a@example.com")
    parcel = await fulfil(client, store, order, [(a, 2)], "REDX")
    await fulfil(client, store, order, [(b, 1)])
    await redx_report(
        client, store, parcel["consignmentId"], "delivery-in-progress", "2026-11-28T10:00:00.000Z"
    )
    async with store.uow() as uow:
        await add_note(uow, order.id, "customer is rude, check twice", actor="staff:1")
        await uow.commit()

    res = await persisted(client, store, "CustomerOrder", {"number": order.number}, customer=mine)

    assert res.status_code == 200 and res.headers["x-cache"] == "BYPASS"
    got = res.json()["data"]["me"]["order"]
    assert got["number"] == order.number and got["status"] == "partially_fulfilled"
    assert got["paymentStatus"] == "unpaid" and got["paymentMethod"] == "cod"
    assert [(x["id"], x["quantity"], x["quantityFulfilled"]) for x in got["lines"]] == [(a, 3, 2), (b, 1, 1)]
    redx, own = got["shipments"]
    assert redx["courier"] == "REDX" and redx["status"] == "BOOKED"
    assert redx["trackingCode"] == parcel["trackingCode"]
    assert redx["trackingUrl"] == TRACKING_PAGE.replace("{code}", parcel["trackingCode"])
    assert redx["courierStatus"] == "OUT_FOR_DELIVERY"
    assert redx["lines"] == [{"orderLineId": a, "quantity": 2}]
    assert [(t["status"], t["message"]) for t in redx["tracking"]] == [
        ("OUT_FOR_DELIVERY", "Parcel is delivery-in-progress")
    ]
    assert own["courier"] is None and own["status"] == "SHIPPED" and own["trackingUrl"] is None
    kinds = [e["kind"] for e in got["timeline"]]
    assert kinds[0] == "placed" and "courier_status" in kinds and "shipment_booked" in kinds
    assert "note" not in kinds
    assert "rude" not in res.text and "token:" not in res.text and "staff:" not in res.text
    courier_entry = next(e for e in got["timeline"] if e["kind"] == "courier_status")
    assert courier_entry["shipmentId"] == redx["id"] and courier_entry["courierStatus"] == "OUT_FOR_DELIVERY"

    # another customer, an unknown number, nobody signed in: null, and the same for each
    other = await persisted(client, store, "CustomerOrder", {"number": order.number}, customer=theirs)
    unknown = await persisted(client, store, "CustomerOrder", {"number": order.number + 100}, customer=mine)
    signed_out = await persisted(client, store, "CustomerOrder", {"number": order.number})
    assert other.json()["data"]["me"]["order"] is None
    assert unknown.json()["data"]["me"]["order"] is None
    assert signed_out.json()["data"]["me"] is None


async def test_a_guest_finds_an_order_by_number_and_contact_only(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a")
    other_store = await make_store("b")
    order, (line,) = await order_of(store, (2,), email="Guest@Example.com")  # store a's #1
    _, customer_id = await register(client, store, "c@example.com")
    members, _ = await order_of(store, (1,), customer_id=customer_id, email="c@example.com")  # a's #2
    await order_of(other_store, (1,), email="someone@example.com")  # b's #1
    foreign, _ = await order_of(other_store, (1,), email="guest@example.com")  # b's #2
    assert members.number == foreign.number == 2

    found = [
        await persisted(client, store, "OrderLookup", {"number": order.number, "contact": contact})
        for contact in ("guest@example.com", " GUEST@example.com ", "01712-345678", "+880 1712 345678")
    ]
    misses = [
        await persisted(client, store, "OrderLookup", {"number": n, "contact": c})
        for n, c in (
            (order.number, "someone@example.com"),  # wrong contact
            (order.number + 100, "guest@example.com"),  # unknown number
            (order.number, "01812345678"),  # wrong phone
            (order.number, "not a contact"),
            (order.number, ""),
            (order.number, "guest\u0000@example.com"),
            (-1, "guest@example.com"),
            # store b's #2 was placed with this email: store a's #2 is another shopper's
            (foreign.number, "guest@example.com"),
        )
    ]

    for res in found:
        got = res.json()["data"]["orderLookup"]
        assert got["number"] == order.number and got["lines"][0]["id"] == line
    # every miss is the same answer, byte for byte: nothing tells a wrong contact from an unknown number
    assert len({(res.status_code, res.text) for res in misses}) == 1
    assert misses[0].json()["data"] == {"orderLookup": None}


async def test_a_lookup_is_never_served_from_the_shared_cache(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store("a")
    order, (line,) = await order_of(store, (2,))
    variables = {"number": order.number, "contact": "buyer@example.com"}

    before = await persisted(client, store, "OrderLookup", variables)
    again = await persisted(client, store, "OrderLookup", variables)
    await fulfil(client, store, order, [(line, 1)])
    after = await persisted(client, store, "OrderLookup", variables)

    assert before.json()["data"]["orderLookup"]["shipments"] == []
    assert again.headers["x-cache"] == "MISS"
    assert len(after.json()["data"]["orderLookup"]["shipments"]) == 1
    assert after.json()["data"]["orderLookup"]["lines"][0]["quantityFulfilled"] == 1


async def test_tracking_takes_the_same_statements_for_one_line_or_many_shipments(
    client: httpx.AsyncClient,
    app: Any,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    session, customer_id = await register(client, store, "a@example.com")
    small, small_lines = await order_of(store, (1,), customer_id=customer_id, email="a@example.com")
    big, big_lines = await order_of(store, (2, 2, 1, 1, 3), customer_id=customer_id, email="a@example.com")
    await fulfil(client, store, small, [(small_lines[0], 1)], "REDX")
    for i, line in enumerate(big_lines):
        shipment = await fulfil(client, store, big, [(line, 1)], "REDX" if i % 2 == 0 else None)
        if shipment["consignmentId"]:
            for n, status in enumerate(("picked-up", "ready-for-delivery", "delivery-in-progress")):
                await redx_report(client, store, shipment["consignmentId"], status, f"2026-11-28T0{n}:00:00Z")
    engine = app.state.gateway.db.primary

    counts: dict[str, list[int]] = {"OrderLookup": [], "CustomerOrder": []}
    for order, size in ((small, 1), (big, 5)):
        for name, variables, customer in (
            ("OrderLookup", {"number": order.number, "contact": "a@example.com"}, None),
            ("CustomerOrder", {"number": order.number}, session),
        ):
            await persisted(client, store, name, variables, customer)  # warms the token cache
            with statements(engine) as seen:
                res = await persisted(client, store, name, variables, customer)
            data = res.json()["data"]
            got = data["orderLookup"] if name == "OrderLookup" else data["me"]["order"]
            assert len(got["lines"]) == len(got["shipments"]) == size
            counts[name].append(len(seen))

    assert counts["OrderLookup"][0] == counts["OrderLookup"][1], counts
    assert counts["CustomerOrder"][0] == counts["CustomerOrder"][1], counts
    # token, scope, order, then lines, shipments, their lines, courier reports, timeline; a signed-in
    # customer adds their session and `me` (customer, addresses), each in its own scoped transaction
    assert counts == {"OrderLookup": [8, 8], "CustomerOrder": [13, 13]}, counts


def test_tracking_pages_must_be_urls_with_the_code() -> None:
    from pydantic import ValidationError

    ok = Settings(courier_tracking_urls={"redx": TRACKING_PAGE})
    assert ok.courier_tracking_urls == {CourierProvider.REDX: TRACKING_PAGE}
    for bad in ({"redx": "https://track.example.com/"}, {"redx": "ftp://x/{code}"}, {"dhl": TRACKING_PAGE}):
        with pytest.raises(ValidationError):
            Settings(courier_tracking_urls=bad)


async def test_guessing_is_throttled_per_number_and_per_address(
    settings: Settings, make_store: MakeStore
) -> None:
    app: Any = create_app(
        settings.model_copy(update={"order_lookups_per_number": 3, "order_lookups_per_ip": 5})
    )
    transport = httpx.ASGITransport(app=app)
    store = await make_store("a")
    order, _ = await order_of(store, (1,))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

            async def lookup(number: int, contact: str) -> dict[str, Any]:
                res = await persisted(client, store, "OrderLookup", {"number": number, "contact": contact})
                return dict(res.json())

            first = await lookup(order.number, "buyer@example.com")  # found: the number starts afresh
            wrong = [await lookup(order.number, f"x{i}@example.com") for i in range(3)]
            by_number = await lookup(order.number, "buyer@example.com")  # right, but the number is spent
            misses = [await lookup(order.number + n, "buyer@example.com") for n in (1, 2)]
            by_address = await lookup(order.number + 3, "buyer@example.com")
    finally:
        await app.state.gateway.db.dispose()
        await app.state.gateway.redis.aclose()
        await app.state.gateway.cache.redis.aclose()

    assert first["data"]["orderLookup"]["number"] == order.number
    assert all(w["data"]["orderLookup"] is None and "errors" not in w for w in wrong + misses)
    for refused in (by_number, by_address):
        assert refused["data"]["orderLookup"] is None
        assert refused["errors"][0]["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
