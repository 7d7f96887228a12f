"""Cash on delivery: nothing to open and no callback; the courier's collection report captures it
(services.capture_cod). A refund of cash is paid back by hand, so it is only recorded."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from domain.money import Money
from domain.payments.ports import (
    AttemptRef,
    Confirmation,
    RefundDone,
    RefundLookup,
    RefundRef,
    RefundState,
    Started,
    StartRequest,
    not_supported,
    rejected,
)


class CodProvider:
    refunds = True

    async def start(self, request: StartRequest) -> Started:
        return Started(reference=None, redirect_url=None)

    def callback_key(self, attempt: AttemptRef, params: Mapping[str, str]) -> str:
        raise rejected("cash on delivery has no callbacks")

    async def confirm(self, attempt: AttemptRef, params: Mapping[str, str]) -> Confirmation:
        raise rejected("cash on delivery has no callbacks")

    async def refund(
        self, attempt: AttemptRef, amount: Money, refund_id: uuid.UUID, reason: str
    ) -> RefundDone:
        return RefundDone(provider_refund_id=None)

    async def refund_status(self, attempt: AttemptRef, refund: RefundRef) -> RefundLookup:
        return RefundLookup(RefundState.NOT_FOUND)  # cash is paid back by hand: recording it is the refund

    async def query(self, attempt: AttemptRef) -> Confirmation | None:
        return None  # the courier's collection report captures cash on delivery

    async def capture(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("Cash on delivery has no capture of an authorization")

    async def void(self, attempt: AttemptRef) -> Confirmation:
        raise not_supported("Cash on delivery has no void of an authorization")
