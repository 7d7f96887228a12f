"""The response encoder gives the bytes the standard library gave, for everything an answer holds."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.encoding import encode_json

_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**31), max_value=2**31 - 1)
    # Floats Python writes without an exponent (ratings, averages); see the test of the others below.
    | st.floats(min_value=1e-4, max_value=1e15)
    | st.floats(min_value=-1e15, max_value=-1e-4)
    | st.just(0.0)
    | st.text()
)
_VALUES = st.recursive(
    _LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
)


def _stdlib(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@given(_VALUES)
def test_same_bytes_as_the_standard_library(value: Any) -> None:
    assert encode_json(value) == _stdlib(value)


def test_bengali_escapes_and_an_integer_beyond_64_bits() -> None:
    value = {"title": "ওয়ালটন ফ্রিজ", "quote": 'a "b" \\ c\n\t\u2028\x01', "average": 4.5, "big": 2**70}
    assert encode_json(value) == _stdlib(value)


def test_exponent_floats_keep_their_value() -> None:
    # The one difference: orjson writes 1e-05 as 1e-5 (and 1e+16 as 1e16). The same number in JSON.
    value = [1e-05, 1.5e16, -2.5e-7]
    assert json.loads(encode_json(value)) == value
