"""Bangladeshi addresses and phone numbers (pure)."""

from __future__ import annotations

import pytest

from domain.cart.errors import CartErrorCode
from domain.customers import bd_geo
from domain.customers.addresses import AddressInput, normalize_phone, validate_address
from domain.errors import DomainErrors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01711223344", "+8801711223344"),
        ("01711-223344", "+8801711223344"),
        ("+880 1711 223344", "+8801711223344"),
        ("8801711223344", "+8801711223344"),
        ("০১৭১১২২৩৩৪৪", "+8801711223344"),  # Bengali digits
        ("০১৭১১২২৩৩৪", None),
        ("01211223344", None),  # no operator 2
        ("0171122334", None),
        ("+911711223344", None),
        ("not a phone", None),
    ],
)
def test_phones_are_normalised_to_the_plus_880_form(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_the_official_lists_and_old_spellings() -> None:
    assert len(bd_geo.DISTRICTS_BY_DIVISION) == 8 and len(bd_geo.DIVISION_OF) == 64
    assert bd_geo.division("chittagong") == "Chattogram"
    assert bd_geo.district("Coxs Bazar") == "Cox's Bazar"
    assert bd_geo.district("Jessore") == "Jashore"
    assert bd_geo.division("Narnia") is None


def _address(**fields: str) -> AddressInput:
    base = {"name": "R", "phone": "01711223344", "line1": "x", "division": "Dhaka", "district": "Gazipur"}
    return AddressInput.model_validate({**base, **fields})


def test_an_address_is_normalised() -> None:
    snap = validate_address(
        _address(division="dhaka", district="gazipur", postcode="1700"),
        field="a",
        invalid=CartErrorCode.INVALID_ADDRESS,
        invalid_phone=CartErrorCode.INVALID_PHONE,
    )
    assert (snap.division, snap.district, snap.phone, snap.postcode) == (
        "Dhaka",
        "Gazipur",
        "+8801711223344",
        "1700",
    )


def test_every_bad_field_is_named() -> None:
    with pytest.raises(DomainErrors) as caught:
        validate_address(
            _address(division="Sylhet", district="Gazipur", phone="12345", postcode="17"),
            field="shippingAddress",
            invalid=CartErrorCode.INVALID_ADDRESS,
            invalid_phone=CartErrorCode.INVALID_PHONE,
        )
    assert [(e.code, e.field) for e in caught.value.errors] == [
        (CartErrorCode.INVALID_PHONE, "shippingAddress.phone"),
        (CartErrorCode.INVALID_ADDRESS, "shippingAddress.district"),
        (CartErrorCode.INVALID_ADDRESS, "shippingAddress.postcode"),
    ]
