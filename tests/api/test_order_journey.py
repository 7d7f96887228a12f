"""The whole journey of a Bangladeshi order over HTTP, as a Next.js storefront and a merchant's admin tool
make it: the storefront only through persisted documents with the store's storefront token (and the
customer's X-Customer-Token), the merchant only through admin GraphQL, the courier and bKash as local fakes
over real HTTP calling the gateway's own routes. Each journey ends by reading the order's timeline through
the admin API and the outbox it left."""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import encode_global_id
from tests.fixtures import couriers
from tests.fixtures.catalog import document
from tests.fixtures.catalog_admin import call
from tests.fixtures.couriers import FakeSteadfast
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fake_bkash import FakeBkash
from tests.fixtures.orders import Sellable, ledger_mismatches, sellable
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, StoreFixture, gql

fake_steadfast = couriers.fake_steadfast

ADDRESS = {
    "name": "Rahima Khatun",
    "phone": "+8801712345678",
    "line1": "House 12, Road 5",
    "upazila": "Dhanmondi",
    "district": "Dhaka",
    "division": "Dhaka",
    "postcode": "1205",
}

# The merchant's admin tool.
ZONE_CREATE = """
mutation Z($input: ShippingZoneInput!) {
  shippingZoneCreate(input: $input) { zone { id } errors { field code message } }
}"""
METHOD_CREATE = """
mutation M($input: ShippingMethodInput!) {
  shippingMethodCreate(input: $input) { method { id code name } errors { field code message } }
}"""
STOCK_RECEIVE = """
mutation S($v: ID!, $n: Int!) {
  inventoryAdjust(variantId: $v, delta: $n, reason: RECEIVED, note: "opening stock") {
    onHand errors { field code message }
  }
}"""
COURIER_SET = """
mutation C($input: CourierAccountSetInput!) {
  courierAccountSet(input: $input) {
    account { provider webhookPath } webhookSecret errors { field code message }
  }
}"""
FULFIL = """
mutation F($input: FulfillmentCreateInput!) {
  fulfillmentCreate(input: $input) {
    shipment { id reference status courier consignmentId codAmount { amount } reconciliation }
    errors { field code message }
  }
}"""
RETURN_FIELDS = "returnRequest { id status refundAmount { amount } refundId } errors { field code message }"
RETURN_CREATE = f"""
mutation R($input: ReturnRequestCreateInput!) {{
  returnRequestCreate(input: $input) {{ {RETURN_FIELDS} }}
}}"""
RETURN_APPROVE = f"mutation A($id: ID!) {{ returnApprove(id: $id) {{ {RETURN_FIELDS} }} }}"
RETURN_RECEIVE = f"mutation V($id: ID!) {{ returnReceive(id: $id) {{ {RETURN_FIELDS} }} }}"
RETURN_REFUND = f"mutation F($id: ID!) {{ returnRefund(id: $id) {{ {RETURN_FIELDS} }} }}"
PAYMENT_ACCOUNT_SET = """
mutation PaymentAccountSet($settings: [PaymentAccountSettingInput!]!) {
  paymentAccountSet(provider: BKASH, settings: $settings) {
    account { provider enabled } errors { field code }
  }
}
"""
ORDER = """
query O($n: Int!) {
  orderByNumber(number: $n) {
    id status paymentStatus total { amount currency }
    lines { id sku quantity total { amount } }
    timeline { kind actor message }
  }
}"""
PAYMENTS = """
query P($id: ID!) {
  orderPayments(orderId: $id) {
    attempts { provider status amount { amount } captured { amount } refunded { amount } }
    refunds { amount { amount } status reason }
  }
}"""
SHIPMENTS = """
query S($id: ID!) {
  orderShipments(orderId: $id) {
    reference status courier courierStatus reconciliation codAmount { amount } collected { amount }
    lines { orderLineId quantity }
  }
}"""


class Storefront:
    """A storefront's calls: persisted documents by hash, with the shopper's session when signed in."""

    def __init__(self, client: httpx.AsyncClient, store: StoreFixture) -> None:
        self.client = client
        self.store = store
        self.session: str | None = None

    async def send(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        h = {"accept": GQL_RESPONSE, "authorization": f"Bearer {self.store.storefront}"}
        if self.session is not None:
            h["x-customer-token"] = self.session
        body = {
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document(name)}},
            "variables": variables,
        }
        res = await self.client.post("/graphql", json=body, headers=h)
        payload = res.json()
        assert res.status_code == 200 and "errors" not in payload, (name, payload)
        data: dict[str, Any] = payload["data"]
        return data

    async def mutate(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The mutation's payload, which must carry no errors."""
        (payload,) = (await self.send(name, variables)).values()
        assert payload["errors"] == [], (name, payload)
        result: dict[str, Any] = payload
        return result


async def journey_events(engine: AsyncEngine, store: StoreFixture) -> list[str]:
    """The store's outbox from the shopper's first step on, oldest first (the merchant's setup left out)."""
    types = [e["type"] for e in await outbox(engine, store.id)]
    return types[types.index("customer.registered") :]


async def admin(client: httpx.AsyncClient, store: StoreFixture, doc: str, **variables: Any) -> dict[str, Any]:
    payload = await call(client, store.admin, doc, variables)
    assert payload["errors"] == [], payload
    return payload


async def admin_read(client: httpx.AsyncClient, store: StoreFixture, doc: str, **variables: Any) -> Any:
    body = (await gql(client, store.admin, doc, variables)).json()
    assert "errors" not in body, body
    (value,) = body["data"].values()
    return value


async def merchant_sets_up(client: httpx.AsyncClient, store: StoreFixture) -> tuple[Sellable, Sellable, str]:
    """Two products (rows from the catalog fixtures), their opening stock received and the "Inside Dhaka"
    shipping method, both through the admin API; returns the method's id."""
    panjabi = await sellable(store, on_hand=0, price=150_000, title="Cotton panjabi")
    saree = await sellable(store, on_hand=0, price=80_000, title="Jamdani saree")
    for item in (panjabi, saree):
        got = await admin(
            client, store, STOCK_RECEIVE, v=encode_global_id("ProductVariant", item.variant_id), n=10
        )
        assert got["onHand"] == 10
    zone = await admin(client, store, ZONE_CREATE, input={"name": "Inside Dhaka", "districts": ["Dhaka"]})
    method = await admin(
        client,
        store,
        METHOD_CREATE,
        input={
            "zoneId": zone["zone"]["id"],
            "code": "inside_dhaka",
            "name": "Inside Dhaka",
            "kind": "FLAT",
            "currency": "BDT",
            "amount": 6_000,
        },
    )
    return panjabi, saree, method["method"]["id"]


async def shopper_checks_out(
    shop: Storefront, panjabi: Sellable, saree: Sellable, method_id: str, *, pay: str, email: str
) -> dict[str, Any]:
    """Register, sign in, save a Dhaka address, fill a cart (3 panjabis, 2 sarees), give contact, address
    and the "Inside Dhaka" method, read the totals and complete checkout with `pay` under a key (sent twice:
    the replay is the same order). Returns the order as checkout answered it, with the customer's uuid."""
    registered = await shop.mutate(
        "CustomerRegister",
        {"input": {"email": email, "phone": "01712345678", "password": "shonar bangla 71", "firstName": "R"}},
    )
    assert registered["token"] and registered["customer"]["email"] == email
    customer = base64.b64decode(registered["customer"]["id"]).decode().partition(":")[2]
    signed_in = await shop.mutate("CustomerLogin", {"identifier": email, "password": "shonar bangla 71"})
    shop.session = signed_in["token"]
    saved = await shop.mutate("CustomerAddressCreate", {"address": ADDRESS, "default": True})
    assert saved["address"]["upazila"] == "Dhanmondi" and saved["address"]["isDefault"] is True

    created = await shop.mutate(
        "CartCreate",
        {"lines": [{"variantId": encode_global_id("ProductVariant", panjabi.variant_id), "quantity": 3}]},
    )
    token = created["token"]
    await shop.mutate(
        "CartLinesAdd",
        {
            "token": token,
            "lines": [{"variantId": encode_global_id("ProductVariant", saree.variant_id), "quantity": 2}],
        },
    )
    await shop.mutate("CartContactUpdate", {"token": token, "email": email, "phone": "+8801712345678"})
    cart = (await shop.mutate("CartAddressesUpdate", {"token": token, "shippingAddress": ADDRESS}))["cart"]
    assert [(m["id"], m["name"]) for m in cart["availableShippingMethods"]] == [(method_id, "Inside Dhaka")]
    await shop.mutate("CartShippingMethodUpdate", {"token": token, "shippingMethodId": method_id})
    cart = (await shop.send("Cart", {"token": token}))["cart"]
    assert [(line["sku"], line["quantity"]) for line in cart["lines"]] == [(panjabi.sku, 3), (saree.sku, 2)]
    assert cart["problems"] == []
    assert cart["subtotal"] == {"amount": 610_000, "currency": "BDT"}
    assert cart["shippingTotal"] == {"amount": 6_000, "currency": "BDT"}
    assert cart["total"] == {"amount": 616_000, "currency": "BDT"}
    assert cart["shippingAddress"]["phone"] == "+8801712345678"

    key = f"checkout-{uuid.uuid4()}"
    done = await shop.mutate(
        "CheckoutComplete", {"input": {"cartToken": token, "paymentMethod": pay}, "idempotencyKey": key}
    )
    order: dict[str, Any] = done["order"]
    assert done["replayed"] is False
    assert (order["status"], order["paymentStatus"]) == ("PENDING", "UNPAID")
    assert order["total"] == {"amount": 616_000, "currency": "BDT"}
    again = await shop.mutate(
        "CheckoutComplete", {"input": {"cartToken": token, "paymentMethod": pay}, "idempotencyKey": key}
    )
    assert again["replayed"] is True and again["order"]["id"] == order["id"]
    return {**order, "customer": customer}


async def test_cod_order_from_cart_to_courier_cash_return_and_refund(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("dhaka")
    panjabi, saree, method_id = await merchant_sets_up(client, store)
    courier = await admin(
        client,
        store,
        COURIER_SET,
        input={
            "provider": "STEADFAST",
            "credentials": [
                {"key": "api_key", "value": FakeSteadfast.API_KEY},
                {"key": "secret_key", "value": FakeSteadfast.SECRET_KEY},
            ],
            "baseUrl": fake_steadfast.base,
        },
    )
    webhook_path, webhook_secret = courier["account"]["webhookPath"], courier["webhookSecret"]
    assert webhook_path == f"/couriers/steadfast/webhook/{store.id}"

    # The shopper, on the storefront.
    shop = Storefront(client, store)
    placed = await shopper_checks_out(shop, panjabi, saree, method_id, pay="COD", email="rahima@example.com")
    mine = await shop.send("CustomerOrders", {})
    assert [o["number"] for o in mine["me"]["orders"]] == [placed["number"]]

    # The merchant ships two panjabis and both sarees with Steadfast: the parcel carries all the cash.
    order = await admin_read(client, store, ORDER, n=placed["number"])
    order_id = order["id"]
    panjabi_line, saree_line = (line["id"] for line in order["lines"])
    first = await admin(
        client,
        store,
        FULFIL,
        input={
            "orderId": order_id,
            "courier": "STEADFAST",
            "lines": [
                {"orderLineId": panjabi_line, "quantity": 2},
                {"orderLineId": saree_line, "quantity": 2},
            ],
        },
    )
    parcel = first["shipment"]
    assert (parcel["status"], parcel["courier"], parcel["reconciliation"]) == (
        "BOOKED",
        "STEADFAST",
        "AWAITING",
    )
    assert parcel["codAmount"] == {"amount": 616_000}
    booked = fake_steadfast.orders[parcel["consignmentId"]]
    assert booked["recipient_phone"] == "01712345678" and float(booked["cod_amount"]) == 6160
    booked_code = f"SF{parcel['consignmentId']}TRK"
    assert (await admin_read(client, store, ORDER, n=placed["number"]))["status"] == "PARTIALLY_FULFILLED"

    # Steadfast delivers and reports the cash, with the merchant's bearer token.
    report = fake_steadfast.report(
        parcel["consignmentId"], "Delivered", at="2026-11-28 16:00:00", message="Delivered to Rahima"
    )
    res = await client.post(webhook_path, json=report, headers={"authorization": f"Bearer {webhook_secret}"})
    assert res.status_code == 200 and res.json()["status"] == "accepted", res.text
    again = await client.post(
        webhook_path, json=report, headers={"authorization": f"Bearer {webhook_secret}"}
    )
    assert again.json()["status"] == "duplicate"

    order = await admin_read(client, store, ORDER, n=placed["number"])
    assert (order["status"], order["paymentStatus"]) == ("PARTIALLY_FULFILLED", "PAID")
    payments = await admin_read(client, store, PAYMENTS, id=order_id)
    assert [(a["provider"], a["status"], a["captured"]["amount"]) for a in payments["attempts"]] == [
        ("COD", "CAPTURED", 616_000)
    ]

    # The shopper follows the parcel on the storefront.
    tracked = (await shop.send("CustomerOrder", {"number": placed["number"]}))["me"]["order"]
    assert (tracked["status"], tracked["paymentStatus"]) == ("partially_fulfilled", "paid")
    assert [(x["quantity"], x["quantityFulfilled"]) for x in tracked["lines"]] == [(3, 2), (2, 2)]
    (tracked_parcel,) = tracked["shipments"]
    assert (tracked_parcel["status"], tracked_parcel["courierStatus"]) == ("DELIVERED", "DELIVERED")
    assert tracked_parcel["trackingCode"] == booked_code
    assert [(t["status"], t["message"]) for t in tracked_parcel["tracking"]] == [
        ("DELIVERED", "Delivered to Rahima")
    ]
    assert [t["kind"] for t in tracked["timeline"]] == [
        "placed",
        "shipment_created",
        "status_changed",
        "shipment_booked",
        "courier_status",
        "payment_status_changed",
        "cod_collected",
    ]

    # The last panjabi goes out too (nothing left to collect).
    second = await admin(
        client,
        store,
        FULFIL,
        input={
            "orderId": order_id,
            "courier": "STEADFAST",
            "lines": [{"orderLineId": panjabi_line, "quantity": 1}],
        },
    )
    assert second["shipment"]["codAmount"] == {"amount": 0}
    assert second["shipment"]["reconciliation"] == "NONE"
    shipments = await admin_read(client, store, SHIPMENTS, id=order_id)
    assert [(s["status"], s["courierStatus"], s["reconciliation"], s["collected"]) for s in shipments] == [
        ("DELIVERED", "DELIVERED", "MATCHED", {"amount": 616_000}),
        ("BOOKED", "PENDING", "NONE", None),
    ]
    assert (await admin_read(client, store, ORDER, n=placed["number"]))["status"] == "FULFILLED"

    # One saree comes back damaged: requested, approved, received (restocked), refunded.
    requested = await admin(
        client,
        store,
        RETURN_CREATE,
        input={
            "orderId": order_id,
            "lines": [{"orderLineId": saree_line, "quantity": 1, "reason": "DAMAGED"}],
            "note": "torn border",
        },
    )
    return_id = requested["returnRequest"]["id"]
    assert requested["returnRequest"]["refundAmount"] == {"amount": 80_000}
    await admin(client, store, RETURN_APPROVE, id=return_id)
    received = await admin(client, store, RETURN_RECEIVE, id=return_id)
    assert received["returnRequest"]["status"] == "RECEIVED"
    refunded = await admin(client, store, RETURN_REFUND, id=return_id)
    assert refunded["returnRequest"]["status"] == "REFUNDED" and refunded["returnRequest"]["refundId"]

    payments = await admin_read(client, store, PAYMENTS, id=order_id)
    assert [
        (a["status"], a["captured"]["amount"], a["refunded"]["amount"]) for a in payments["attempts"]
    ] == [("CAPTURED", 616_000, 80_000)]
    assert [(r["amount"]["amount"], r["status"]) for r in payments["refunds"]] == [(80_000, "SUCCEEDED")]

    # Stock: the saree received 10, sold 2, 1 back on hand through the ledger.
    ledger = await fetch(
        owner_engine,
        "SELECT reason, delta, balance_after FROM inventory_adjustments WHERE variant_id = :v"
        " ORDER BY created_at, id",
        v=saree.variant_id,
    )
    assert [(r["reason"], r["delta"], r["balance_after"]) for r in ledger] == [
        ("received", 10, 10),
        ("sold", -2, 8),
        ("returned", 1, 9),
    ]
    assert await ledger_mismatches(owner_engine, store.id) == []

    order = await admin_read(client, store, ORDER, n=placed["number"])
    assert (order["status"], order["paymentStatus"]) == ("FULFILLED", "PARTIALLY_REFUNDED")
    staff, courier_actor = f"token:{store.admin[:12]}", "courier:steadfast"
    assert [(t["kind"], t["actor"]) for t in order["timeline"]] == [
        ("placed", f"customer:{placed['customer']}"),
        ("payment_started", "system"),
        ("shipment_created", staff),
        ("status_changed", staff),  # partially fulfilled
        ("shipment_booked", staff),
        ("courier_status", courier_actor),
        ("payment_status_changed", "payments:cod"),  # paid
        ("cod_collected", courier_actor),
        ("shipment_created", staff),
        ("status_changed", staff),  # fulfilled
        ("shipment_booked", staff),
        ("return_requested", staff),
        ("return_approved", staff),
        ("return_received", staff),
        ("payment_status_changed", staff),  # partially refunded
        ("return_refunded", staff),
    ]
    messages = [t["message"] for t in order["timeline"]]
    assert messages[3] == "Order partially_fulfilled" and messages[9] == "Order fulfilled"
    assert messages[5] == "Delivered to Rahima"
    assert messages[6] == "Paid 6160.00 BDT by cod" and messages[14] == "Refunded 800.00 BDT"

    assert await journey_events(owner_engine, store) == [
        "customer.registered",
        "order.created",
        "payment.started",
        "order.partially_fulfilled",
        "shipment.created",
        "shipment.booked",
        "shipment.delivered",
        "payment.captured",
        "order.paid",
        "shipment.tracking_updated",
        "order.fulfilled",
        "shipment.created",
        "shipment.booked",
        "return.requested",
        "return.approved",
        "inventory.adjusted",  # the saree back on hand
        "return.received",
        "refund.created",
        "order.payment_updated",
        "return.refunded",
    ]


async def test_bkash_order_from_cart_to_paid(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    fake_bkash: FakeBkash,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("bkash")
    panjabi, saree, method_id = await merchant_sets_up(client, store)
    settings = [{"key": k, "value": v} for k, v in fake_bkash.account().items()]
    account = await admin(client, store, PAYMENT_ACCOUNT_SET, settings=settings)
    assert account["errors"] == [] and account["account"]["enabled"] is True
    # The storefront's origin: where a payment may send the shopper back.
    origins = await gql(
        client,
        store.admin,
        'mutation { shopUpdate(input: {storefrontOrigins: ["https://shop.example.com"]})'
        " { errors { code } } }",
    )
    assert origins.json()["data"]["shopUpdate"]["errors"] == []

    shop = Storefront(client, store)
    placed = await shopper_checks_out(shop, panjabi, saree, method_id, pay="BKASH", email="karim@example.com")
    started = await shop.mutate(
        "PaymentStart",
        {"orderId": placed["id"], "provider": "BKASH", "returnUrl": "https://shop.example.com/orders/thanks"},
    )
    payment = started["payment"]
    assert (payment["status"], payment["amount"]) == ("PENDING", {"amount": 616_000, "currency": "BDT"})
    assert payment["redirectUrl"].startswith(f"{fake_bkash.base}/checkout?paymentId=")
    bkash_id = payment["redirectUrl"].split("=", 1)[1]

    # The shopper pays on bKash's page; bKash sends the browser back to our callback.
    fake_bkash.approve(bkash_id)
    callback = urlsplit(fake_bkash.payments[bkash_id].callback_url)
    res = await client.get(callback.path, params={"paymentID": bkash_id, "status": "success"})
    assert res.status_code == 303
    assert res.headers["location"].startswith("https://shop.example.com/orders/thanks?payment=captured")

    mine = await shop.send("CustomerOrders", {})
    assert [(o["number"], o["paymentStatus"]) for o in mine["me"]["orders"]] == [(placed["number"], "paid")]
    order = await admin_read(client, store, ORDER, n=placed["number"])
    assert (order["status"], order["paymentStatus"]) == ("CONFIRMED", "PAID")
    assert [(t["kind"], t["actor"]) for t in order["timeline"]] == [
        ("placed", f"customer:{placed['customer']}"),
        ("payment_started", f"customer:{placed['customer']}"),
        ("payment_status_changed", "payments:bkash"),
        ("status_changed", "payments:bkash"),  # paid, and so confirmed
    ]
    assert order["timeline"][2]["message"] == "Paid 6160.00 BDT by bkash"

    # The merchant ships it all in one parcel of their own: nothing to collect.
    shipped = await admin(
        client,
        store,
        FULFIL,
        input={
            "orderId": order["id"],
            "lines": [{"orderLineId": line["id"], "quantity": line["quantity"]} for line in order["lines"]],
        },
    )
    assert shipped["shipment"]["codAmount"] == {"amount": 0}
    order = await admin_read(client, store, ORDER, n=placed["number"])
    assert (order["status"], order["paymentStatus"]) == ("FULFILLED", "PAID")
    staff = f"token:{store.admin[:12]}"
    assert [(t["kind"], t["actor"]) for t in order["timeline"]][4:] == [
        ("shipment_created", staff),
        ("status_changed", staff),
    ]
    assert await journey_events(owner_engine, store) == [
        "customer.registered",
        "order.created",
        "payment.started",
        "payment.captured",
        "order.paid",
        "order.confirmed",
        "order.fulfilled",
        "shipment.created",
    ]
