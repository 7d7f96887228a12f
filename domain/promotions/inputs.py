"""Validated inputs of promotion and discount-code writes. Shapes only; rules that need the database
(ids named by conditions, store currencies, limits) live in the services. Updates tell "not given" from
"set to null" by `model_fields_set`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, model_validator

from domain.promotions.models import DiscountClass, PromotionKind
from domain.text import Text

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")


def _strip(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _code(value: str) -> str:
    value = value.strip()
    if not CODE.fullmatch(value):
        raise ValueError("3 to 64 letters, digits, '-' or '_', starting with a letter or digit")
    return value


Name = Annotated[Text, AfterValidator(_strip)]
Code = Annotated[str, AfterValidator(_code)]


class PromotionFields(BaseModel):
    """Every promotion field, all optional: what an update may change."""

    name: Name | None = Field(default=None, max_length=200)
    description: Text | None = Field(default=None, max_length=5000)
    priority: int | None = Field(default=None, ge=0, le=100_000)
    exclusive: bool | None = None
    combines_with: list[DiscountClass] | None = Field(default=None, max_length=3)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    max_discount_amount: int | None = Field(default=None, ge=1, le=10**15)
    conditions: dict[str, Any] | None = None
    action: dict[str, Any] | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window(self) -> PromotionFields:
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValueError("endsAt must be after startsAt")
        return self


class PromotionCreateInput(PromotionFields):
    name: Name = Field(max_length=200)
    kind: PromotionKind = PromotionKind.AUTOMATIC
    action: dict[str, Any]
    priority: int = Field(default=100, ge=0, le=100_000)
    exclusive: bool = False
    combines_with: list[DiscountClass] = Field(default_factory=list, max_length=3)
    # Active at once (counts against the store's active-promotion limit); otherwise a draft.
    active: bool = False


class CodeRules(BaseModel):
    usage_limit: int | None = Field(default=None, ge=1, le=100_000_000)
    per_customer_limit: int | None = Field(default=None, ge=1, le=1_000_000)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    min_subtotal_amount: int | None = Field(default=None, ge=1, le=10**15)
    first_order_only: bool = False

    @model_validator(mode="after")
    def _window(self) -> CodeRules:
        if self.valid_from and self.valid_until and self.valid_from >= self.valid_until:
            raise ValueError("validUntil must be after validFrom")
        return self


class CodeCreateInput(CodeRules):
    code: Code


class CodesGenerateInput(CodeRules):
    count: int = Field(ge=1, le=100_000)
    prefix: str = Field(default="", max_length=20, pattern=r"^[A-Za-z0-9_-]*$")
    # Random characters after the prefix; 10 from a 31-letter alphabet is 8e14 codes.
    length: int = Field(default=10, ge=6, le=32)
    # Single use by default: what bulk codes are for (one per customer, per flyer, per SMS).
    usage_limit: int | None = Field(default=1, ge=1, le=100_000_000)
