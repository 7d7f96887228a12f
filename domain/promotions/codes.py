"""Discount codes: one by hand, or thousands of single-use codes generated in one statement. Codes are
unique per store case-insensitively (a unique index on lower(code))."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy import text

from domain.catalog.writes import flush_unique
from domain.errors import DomainError
from domain.promotions import events
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.inputs import CodeCreateInput, CodeRules, CodesGenerateInput
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import DiscountCode, PromotionKind
from domain.promotions.services import require_promotion
from domain.uow import UnitOfWork

# No 0/O, 1/I/L: codes are read off flyers and typed on phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

_INSERT = text(
    """
    INSERT INTO discount_codes (id, store_id, promotion_id, code, usage_limit, per_customer_limit, used,
        valid_from, valid_until, min_subtotal_amount, first_order_only, batch_id, created_at)
    SELECT gen_random_uuid(), :store, :promotion, c, :usage_limit, :per_customer_limit, 0,
        :valid_from, :valid_until, :min_subtotal, :first_order_only, :batch, now()
    FROM unnest(CAST(:codes AS text[])) AS c
    ON CONFLICT DO NOTHING
    RETURNING code
    """
)


async def _code_promotion(uow: UnitOfWork, promotion_id: uuid.UUID) -> None:
    promotion = await require_promotion(uow, promotion_id)
    if PromotionKind(promotion.kind) is not PromotionKind.CODE:
        raise DomainError(
            PromotionErrorCode.INVALID, "codes belong to promotions of kind CODE", field="promotionId"
        )


def _rules(data: CodeRules) -> dict[str, Any]:
    return {
        "usage_limit": data.usage_limit,
        "per_customer_limit": data.per_customer_limit,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "min_subtotal_amount": data.min_subtotal_amount,
        "first_order_only": data.first_order_only,
    }


async def create_code(uow: UnitOfWork, promotion_id: uuid.UUID, data: CodeCreateInput) -> DiscountCode:
    await _code_promotion(uow, promotion_id)
    code = DiscountCode(id=uuid.uuid4(), promotion_id=promotion_id, code=data.code, used=0, **_rules(data))
    uow.session.add(code)
    await flush_unique(
        uow, PromotionErrorCode.DUPLICATE_CODE, "the store already has this code", field="code"
    )
    uow.emit(events.DISCOUNT_CODE_CREATED, {"id": str(code.id), "promotion_id": str(promotion_id)})
    return code


def random_code(prefix: str, length: int) -> str:
    return prefix.upper() + "".join(secrets.choice(ALPHABET) for _ in range(length))


async def generate_codes(
    uow: UnitOfWork, promotion_id: uuid.UUID, data: CodesGenerateInput, *, limits: PromotionLimits
) -> tuple[uuid.UUID, int]:
    """`data.count` new random codes sharing a batch id, inserted in one statement; a code that happens
    to exist already is drawn again (a second statement, only then). Returns (batch id, count)."""
    if data.count > limits.max_generate:
        raise DomainError(
            PromotionErrorCode.INVALID, f"at most {limits.max_generate} codes at a time", field="count"
        )
    await _code_promotion(uow, promotion_id)
    batch = uuid.uuid4()
    params = {
        "store": uow.store_id,
        "promotion": promotion_id,
        "batch": batch,
        "min_subtotal": data.min_subtotal_amount,
        **{k: v for k, v in _rules(data).items() if k != "min_subtotal_amount"},
    }
    made = 0
    for _ in range(5):
        wanted = data.count - made
        if wanted == 0:
            break
        drawn = list({random_code(data.prefix, data.length).casefold(): None for _ in range(wanted)})
        codes = [c.upper() for c in drawn]
        rows = await uow.session.execute(_INSERT, {**params, "codes": codes})
        made += len(rows.all())
    if made != data.count:
        raise DomainError(
            PromotionErrorCode.INVALID,
            "could not draw enough distinct codes; use a longer length or another prefix",
            field="length",
        )
    uow.emit(
        events.DISCOUNT_CODES_GENERATED,
        {"promotion_id": str(promotion_id), "batch_id": str(batch), "count": made},
    )
    return batch, made
