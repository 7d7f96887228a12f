"""Text PostgreSQL can store: text, varchar and jsonb all refuse U+0000, so inputs reject it up front."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
