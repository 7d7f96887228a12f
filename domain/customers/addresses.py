"""Bangladeshi addresses and phone numbers: validation and normalisation, shared by saved addresses and
the addresses a cart carries. Divisions and districts are checked against the official list (and each
other); phones are normalised to +8801XXXXXXXXX."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from domain.checkout.draft_types import AddressSnapshot
from domain.customers import bd_geo
from domain.errors import DomainError, DomainErrors

# Mobile numbers: 01 then an operator digit 3-9, then 8 digits.
_MOBILE = re.compile(r"^01[3-9][0-9]{8}$")
_POSTCODE = re.compile(r"^[0-9]{4}$")
# Bengali digits, as many shoppers type them, read as ASCII.
_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalize_email(raw: str) -> str | None:
    """The address trimmed, when it looks like one (delivery is the only real check)."""
    value = raw.strip()
    return value if len(value) <= 320 and _EMAIL.match(value) else None


def normalize_phone(raw: str) -> str | None:
    """A Bangladeshi mobile number as +8801XXXXXXXXX, from the ways people write it
    ("01711-223344", "8801711223344", "+880 1711 223344"); None when it is not one."""
    digits = re.sub(r"[\s\-().]", "", raw.strip().translate(_DIGITS))
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("880"):
            return None
    if digits.startswith("880"):
        digits = digits[2:]
    if not _MOBILE.match(digits):
        return None
    return "+88" + digits


class AddressInput(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=30)
    line1: str = Field(min_length=1, max_length=300)
    line2: str = Field(default="", max_length=300)
    division: str = Field(min_length=1, max_length=32)
    district: str = Field(min_length=1, max_length=32)
    upazila: str = Field(default="", max_length=100)
    postcode: str = Field(default="", max_length=8)
    country: str = Field(default="BD", pattern=r"^[A-Z]{2}$")


def validate_address(data: AddressInput, *, field: str, invalid: Any, invalid_phone: Any) -> AddressSnapshot:
    """The address with official spellings and a normalised phone, or DomainErrors naming each bad field
    under `field` (e.g. "shippingAddress.district"). `invalid` / `invalid_phone` are the caller's codes."""
    errors: list[DomainError] = []
    phone = normalize_phone(data.phone)
    if phone is None:
        errors.append(
            DomainError(invalid_phone, "a Bangladeshi mobile number: 01XXXXXXXXX", field=f"{field}.phone")
        )
    if data.country != "BD":
        errors.append(DomainError(invalid, "only Bangladeshi addresses for now", field=f"{field}.country"))
    division = bd_geo.division(data.division)
    district = bd_geo.district(data.district)
    if division is None:
        errors.append(DomainError(invalid, "not one of the 8 divisions", field=f"{field}.division"))
    if district is None:
        errors.append(DomainError(invalid, "not one of the 64 districts", field=f"{field}.district"))
    elif division is not None and bd_geo.DIVISION_OF[district] != division:
        errors.append(
            DomainError(
                invalid,
                f"{district} is in {bd_geo.DIVISION_OF[district]} division",
                field=f"{field}.district",
            )
        )
    postcode = data.postcode.strip().translate(_DIGITS)
    if postcode and not _POSTCODE.match(postcode):
        errors.append(DomainError(invalid, "a postcode has 4 digits", field=f"{field}.postcode"))
    if errors:
        raise DomainErrors(errors)
    assert phone is not None and division is not None and district is not None
    return AddressSnapshot(
        name=data.name.strip(),
        phone=phone,
        line1=data.line1.strip(),
        line2=data.line2.strip(),
        district=district,
        division=division,
        upazila=data.upazila.strip(),
        postcode=postcode,
        country="BD",
    )


def snapshot_to_json(address: AddressSnapshot) -> dict[str, str]:
    return {
        "name": address.name,
        "phone": address.phone,
        "line1": address.line1,
        "line2": address.line2,
        "district": address.district,
        "division": address.division,
        "upazila": address.upazila,
        "postcode": address.postcode,
        "country": address.country,
    }


def snapshot_from_json(raw: dict[str, Any] | None) -> AddressSnapshot | None:
    return AddressSnapshot(**raw) if raw else None
