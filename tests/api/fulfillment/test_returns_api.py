"""Returns over admin GraphQL: the whole way to a refund, errors that change nothing, permissions."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.fulfillment.shipments import LineQuantity, ShipmentInput, create_shipment
from domain.money import Money
from domain.payments.services import capture_cod
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import PlacedOrder, placed_order
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

FIELDS = (
    "returnRequest { id reference status refundAmount { amount } refundId lines { quantity reason restock } }"
)
FIELDS += " errors { field code message }"
CREATE = (
    f"mutation($input: ReturnRequestCreateInput!) {{ returnRequestCreate(input: $input) {{ {FIELDS} }} }}"
)
APPROVE = f"mutation($id: ID!) {{ returnApprove(id: $id) {{ {FIELDS} }} }}"
RECEIVE = f"mutation($id: ID!) {{ returnReceive(id: $id) {{ {FIELDS} }} }}"
REFUND = f"mutation($id: ID!) {{ returnRefund(id: $id) {{ {FIELDS} }} }}"
LIST = "query($orderId: ID!) { orderReturns(orderId: $orderId) { reference status lines { quantity } } }"


async def shipped_and_paid(store: StoreFixture) -> PlacedOrder:
    placed = await placed_order(store, (2,))
    async with store.uow() as uow:
        await create_shipment(
            uow,
            ShipmentInput(order_id=placed.order.id, lines=[LineQuantity(placed.lines[0].id, 2)]),
            actor="staff:test",
        )
        await capture_cod(uow, placed.order.id, Money(placed.order.total, "BDT"))
        await uow.commit()
    return placed


async def test_request_to_refund(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store)
    order_id = encode_global_id("Order", placed.order.id)
    line = str(placed.lines[0].id)

    created = await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "orderId": order_id,
                "lines": [{"orderLineId": line, "quantity": 1, "reason": "DEFECTIVE"}],
            }
        },
    )
    ret_id = created["returnRequest"]["id"]
    approved = await call(client, store.admin, APPROVE, {"id": ret_id})
    received = await call(client, store.admin, RECEIVE, {"id": ret_id})
    refunded = await call(client, store.admin, REFUND, {"id": ret_id})
    again = await call(client, store.admin, REFUND, {"id": ret_id})

    assert created["errors"] == [] and created["returnRequest"]["status"] == "REQUESTED"
    assert created["returnRequest"]["refundAmount"]["amount"] == placed.lines[0].total // 2
    assert approved["returnRequest"]["status"] == "APPROVED"
    assert received["returnRequest"]["status"] == "RECEIVED"
    assert refunded["returnRequest"]["status"] == "REFUNDED" and refunded["returnRequest"]["refundId"]
    assert again["returnRequest"]["refundId"] == refunded["returnRequest"]["refundId"]
    assert len(await fetch(owner_engine, "SELECT id FROM refunds")) == 1
    listed = (await gql(client, store.admin, LIST, {"orderId": order_id})).json()["data"]["orderReturns"]
    assert listed == [
        {"reference": f"R{placed.order.number}-1", "status": "REFUNDED", "lines": [{"quantity": 1}]}
    ]


async def test_bad_requests_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    placed = await shipped_and_paid(store)
    order_id = encode_global_id("Order", placed.order.id)
    line = str(placed.lines[0].id)
    before = len(await outbox(owner_engine, store.id))
    cases = [
        (
            {"orderId": order_id, "lines": [{"orderLineId": line, "quantity": 3, "reason": "OTHER"}]},
            [("lines.0.quantity", "QUANTITY_EXCEEDED")],
        ),
        ({"orderId": order_id, "lines": []}, [("lines", "REQUIRED")]),
        (
            {"orderId": "nope", "lines": [{"orderLineId": line, "quantity": 1, "reason": "OTHER"}]},
            [("orderId", "NOT_FOUND")],
        ),
    ]
    for input_, expected in cases:
        payload = await call(client, store.admin, CREATE, {"input": input_})
        assert codes(payload) == expected, payload

    assert codes(await call(client, store.admin, RECEIVE, {"id": "bad"})) == [("id", "NOT_FOUND")]
    assert await fetch(owner_engine, "SELECT id FROM return_requests") == []
    assert len(await outbox(owner_engine, store.id)) == before


async def test_refunds_need_the_refund_permission(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store("a")
    writer = await store.token(TokenKind.ADMIN, ["orders:write", "orders:read"], "writer")

    denied = (await gql(client, writer, REFUND, {"id": "x"})).json()

    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
