"""Validated inputs of pricing services (pydantic: resolvers pass dicts, the domain checks them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator

Code = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")


class PriceListInput(BaseModel):
    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    priority: int = Field(default=0, ge=-1000, le=1000)
    active: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    group_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    segment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class PriceListChanges(BaseModel):
    """Only the fields given change; `starts_at`/`ends_at` given as null clear the schedule end."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    active: bool | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    group_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    segment_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)


class ListPriceInput(BaseModel):
    """A variant's price in a currency on a list; `amount` null removes it (named lists only)."""

    variant_id: uuid.UUID
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    amount: int | None = Field(ge=0, le=10**15)
    compare_at_amount: int | None = Field(default=None, ge=0, le=10**15)

    @model_validator(mode="after")
    def _compare_at_above(self) -> ListPriceInput:
        if self.compare_at_amount is not None and (
            self.amount is None or self.compare_at_amount <= self.amount
        ):
            raise ValueError("compare-at amount must be greater than the amount")
        return self


class TierInput(BaseModel):
    """One quantity break: `min_quantity`..`max_quantity` units (null: and up) at `amount` each."""

    min_quantity: int = Field(ge=1, le=10**9)
    max_quantity: int | None = Field(default=None, ge=1, le=10**9)
    amount: int = Field(ge=0, le=10**15)


class RateInput(BaseModel):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    rate: Decimal = Field(gt=0, max_digits=24, decimal_places=10)


class TaxClassInput(BaseModel):
    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    is_default: bool = False


class TaxRateInput(BaseModel):
    tax_class_id: uuid.UUID
    country: str = Field(pattern=r"^[A-Z]{2}$")
    division: str | None = Field(default=None, pattern=r"^[A-Z0-9-]{1,16}$")
    percent: Decimal = Field(ge=0, lt=1000, max_digits=7, decimal_places=4)
    name: str = Field(default="", max_length=100)


class PricingSettingsInput(BaseModel):
    prices_include_tax: bool | None = None
    tax_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    tax_division: str | None = Field(default=None, pattern=r"^[A-Z0-9-]{1,16}$")
    rounding_steps: dict[str, int] | None = None

    @model_validator(mode="after")
    def _steps(self) -> PricingSettingsInput:
        for currency, step in (self.rounding_steps or {}).items():
            if len(currency) != 3 or not currency.isupper():
                raise ValueError(f"{currency!r} is not an ISO 4217 code")
            if not 1 <= step <= 10**6:
                raise ValueError("a rounding step is between 1 and 1000000 minor units")
        return self


class CustomerInput(BaseModel):
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\+[1-9][0-9]{6,14}$")
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)


class CustomerGroupInput(BaseModel):
    code: str = Code
    name: str = Field(min_length=1, max_length=200)
