"""Validated inputs of shipping zone and method mutations."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field, model_validator

from domain.shipping.models import RateKind


class ZoneInput(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    divisions: list[str] = Field(default_factory=list, max_length=8)
    districts: list[str] = Field(default_factory=list, max_length=64)


class Bracket(BaseModel):
    from_: int = Field(alias="from", ge=0, le=10**12)
    amount: int = Field(ge=0, le=10**12)

    model_config = {"populate_by_name": True}


class MethodInput(BaseModel):
    zone_id: uuid.UUID
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: RateKind
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    amount: int = Field(default=0, ge=0, le=10**12)
    brackets: list[Bracket] = Field(default_factory=list, max_length=50)
    free_over: int | None = Field(default=None, ge=0, le=10**15)
    active: bool = True
    position: int = Field(default=0, ge=0, le=10_000)

    @model_validator(mode="after")
    def _brackets_fit_kind(self) -> MethodInput:
        if self.kind is RateKind.FLAT and self.brackets:
            raise ValueError("a flat rate has no brackets")
        if self.kind is not RateKind.FLAT and not self.brackets:
            raise ValueError("a weight- or price-based rate needs at least one bracket")
        starts = [b.from_ for b in self.brackets]
        if len(set(starts)) != len(starts):
            raise ValueError("two brackets start at the same value")
        return self
