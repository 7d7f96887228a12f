"""Who may act on an order from a storefront: its signed-in customer, or whoever holds its access token.

The token is what a guest gets back from checkoutComplete (a storefront token is public, so an order id
alone proves nothing). It is derived, not drawn: HMAC-SHA256 of the store and order ids under the
server's secret, so a replay of the checkout's idempotency key answers the same token without the
plaintext being kept anywhere. Only its sha256 is stored on the order; a check compares hashes in
constant time. An order placed before tokens existed has no hash: only its customer can prove it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from domain.checkout.draft_types import OrderDraft
from domain.orders.checkout import FollowUp
from domain.orders.models import Order
from domain.uow import UnitOfWork

PREFIX = "soa_"
MAX_TOKEN = 200


def access_token(secret: bytes, store_id: uuid.UUID, order_id: uuid.UUID) -> str:
    """The order's access token (256 bits, unguessable without the secret)."""
    digest = hmac.new(secret, f"order-access.{store_id}.{order_id}".encode(), hashlib.sha256).digest()
    return PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_access_token(secret: bytes) -> FollowUp:
    """A checkout follow-up: store the hash of the order's token in the placing transaction."""

    async def issue(uow: UnitOfWork, order: Order, draft: OrderDraft) -> None:
        order.access_token_hash = token_hash(access_token(secret, uow.store_id, order.id))
        await uow.session.flush()

    return issue


def token_of(secret: bytes, order: Order) -> str | None:
    """The token to hand back for a placed order (also to a replay of its checkout), or None when the
    order has none (placed before tokens existed, or the secret changed since)."""
    token = access_token(secret, order.store_id, order.id)
    if order.access_token_hash is None or not hmac.compare_digest(token_hash(token), order.access_token_hash):
        return None
    return token


@dataclass(frozen=True, slots=True)
class OrderProof:
    """What a storefront caller shows to act on an order: its customer session and/or the order's token."""

    customer_id: uuid.UUID | None = None
    access_token: str | None = None

    def allows(self, order: Order) -> bool:
        if self.customer_id is not None and order.customer_id == self.customer_id:
            return True
        token = self.access_token
        if not token or len(token) > MAX_TOKEN or order.access_token_hash is None:
            return False
        return hmac.compare_digest(token_hash(token), order.access_token_hash)
