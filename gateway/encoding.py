"""THE JSON encoder of GraphQL responses: orjson, compact, UTF-8 as is. (Requests are parsed by the standard
library still: they are small, and its error cases are part of the HTTP contract.)

An uncached product listing answer is about 60 KB of JSON; the standard library's encoder spent about 1.3 ms
of CPU on it, orjson about a tenth of that. The output is the same bytes as
`json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()` for everything a GraphQL answer
holds (strings, 32-bit integers, booleans, null, lists and string-keyed objects, floats between 1e-4 and 1e16
in size); a float Python writes with an exponent keeps its value but not its spelling
(`1e-5`, not `1e-05`). What orjson refuses (an integer beyond 64 bits) goes through the standard library, so
no answer fails here that did not fail before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def encode_json(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
