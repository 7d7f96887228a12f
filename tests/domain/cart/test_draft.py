"""build_order_draft: every reason a cart cannot be ordered at once, and a draft whose sums hold."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from domain.cart import details
from domain.cart.errors import CartErrorCode
from domain.cart.services import changeable_cart
from domain.catalog.models import StockLevel
from domain.checkout.draft import build_order_draft
from domain.customers.models import Customer
from domain.errors import DomainErrors
from domain.promotions.cache import PromotionCache
from tests.domain.cart.test_totals import _percent_code
from tests.fixtures.cart import DHAKA, cart_with, seed_shop
from tests.fixtures.tenancy import MakeStore


async def test_an_empty_cart_is_refused(make_store: MakeStore) -> None:
    store = await make_store()
    cart, _ = await cart_with(store, {})
    with pytest.raises(DomainErrors) as caught:
        async with store.uow() as uow:
            await build_order_draft(uow, cart, cache=PromotionCache())
    assert [e.code for e in caught.value.errors] == [CartErrorCode.EMPTY_CART]


async def test_every_missing_piece_is_reported_at_once(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    cart, _ = await cart_with(store, {shop.tee: 2})
    async with store.uow() as uow:
        await uow.session.execute(
            update(StockLevel).where(StockLevel.variant_id == shop.tee).values(on_hand=1)
        )
        await uow.commit()
    with pytest.raises(DomainErrors) as caught:
        async with store.uow() as uow:
            await build_order_draft(uow, cart, cache=PromotionCache())
    assert [(e.code, e.field) for e in caught.value.errors] == [
        (CartErrorCode.LINE_PROBLEMS, "lines.0"),
        (CartErrorCode.CONTACT_REQUIRED, "email"),
        (CartErrorCode.SHIPPING_ADDRESS_REQUIRED, "shippingAddress"),
    ]


async def test_a_method_is_required_once_there_is_an_address(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.tee: 1})
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        await details.set_contact(uow, cart, email=None, phone="01711223344")
        await details.set_addresses(uow, cart, shipping=DHAKA, billing=None)
        await uow.commit()
    with pytest.raises(DomainErrors) as caught:
        async with store.uow() as uow:
            await build_order_draft(uow, cart, cache=PromotionCache())
    assert [e.code for e in caught.value.errors] == [CartErrorCode.SHIPPING_METHOD_REQUIRED]


async def test_a_guest_draft_snapshots_lines_addresses_shipping_and_discounts(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    await _percent_code(store, "EID10", 10)
    _, token = await cart_with(store, {shop.tee: 2, shop.ebook: 1})
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        await details.set_contact(uow, cart, email="rahim@example.com", phone=None)
        await details.set_addresses(uow, cart, shipping=DHAKA, billing=None)
        await details.set_shipping_method(uow, cart, shop.dhaka_flat)
        await details.apply_code(uow, cart, "EID10")
        await details.set_note(uow, cart, "call before delivery")
        await uow.commit()
    async with store.uow() as uow:
        draft = await build_order_draft(uow, cart, cache=PromotionCache())
    assert draft.currency == "BDT" and draft.cart_id == cart.id and draft.email == "rahim@example.com"
    assert [
        (line.sku, line.quantity, line.unit_price, line.subtotal, line.discount) for line in draft.lines
    ] == [
        ("TEE", 2, 80000, 160000, 16000),
        ("EBOOK", 1, 15000, 15000, 1500),
    ]
    assert draft.lines[0].title == "Tee" and draft.lines[0].weight_grams == 300
    assert draft.shipping is not None and (draft.shipping.code, draft.shipping.amount) == ("dhaka", 6000)
    assert draft.shipping_address is not None and draft.shipping_address.phone == "+8801711223344"
    assert draft.billing_address == draft.shipping_address
    assert draft.codes == ("EID10",) and draft.note == "call before delivery"
    assert draft.subtotal == 175000 and draft.discount_total == 17500
    # OrderDraft's documented sum: line totals + shipping - shipping discount (+ shipping tax if excluded).
    assert (
        draft.total
        == sum(line.total for line in draft.lines) + draft.shipping.amount - draft.shipping.discount
    )
    assert draft.total == 175000 - 17500 + 6000
    assert draft.shipping_total == draft.shipping.amount  # the orders side checks this sum too
    assert draft.promotion is not None
    assert {d.line_id for a in draft.promotion.applied for d in a.lines} == {"0", "1"}


async def test_a_signed_in_customer_needs_no_separate_contact(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    customer = uuid.uuid4()
    async with store.uow() as uow:
        uow.session.add(Customer(id=customer, phone="+8801911000000"))
        await uow.commit()
    _, token = await cart_with(store, {shop.tee: 1}, customer_id=customer)
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=customer)
        await details.set_addresses(uow, cart, shipping=DHAKA, billing=None)
        await details.set_shipping_method(uow, cart, shop.dhaka_flat)
        await uow.commit()
    async with store.uow() as uow:
        draft = await build_order_draft(uow, cart, cache=PromotionCache())
    assert draft.customer_id == customer and draft.phone == "+8801911000000"


async def test_free_shipping_is_an_order_discount_and_the_sums_still_hold(make_store: MakeStore) -> None:
    from domain.promotions.inputs import PromotionCreateInput
    from domain.promotions.limits import PromotionLimits
    from domain.promotions.models import PromotionKind
    from domain.promotions.services import create_promotion

    store = await make_store()
    shop = await seed_shop(store)
    async with store.uow() as uow:
        await create_promotion(
            uow,
            PromotionCreateInput(
                name="Free delivery",
                kind=PromotionKind.AUTOMATIC,
                action={"type": "free_shipping"},
                active=True,
            ),
            limits=PromotionLimits(),
        )
        await uow.commit()
    _, token = await cart_with(store, {shop.tee: 1})
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        await details.set_contact(uow, cart, email="a@example.com", phone=None)
        await details.set_addresses(uow, cart, shipping=DHAKA, billing=None)
        await details.set_shipping_method(uow, cart, shop.dhaka_flat)
        await uow.commit()
    async with store.uow() as uow:
        draft = await build_order_draft(uow, cart, cache=PromotionCache())
    assert draft.shipping is not None and (draft.shipping.amount, draft.shipping.discount) == (6000, 6000)
    assert draft.shipping_total == 6000 and draft.discount_total == 6000
    assert [d.title for d in draft.discounts] == ["Free delivery"] and draft.discounts[0].amount == 6000
    assert draft.total == 80000 == sum(line.total for line in draft.lines) + 6000 - 6000
