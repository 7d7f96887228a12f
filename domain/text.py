"""Text PostgreSQL can store: text, varchar and jsonb all refuse U+0000, so inputs reject it up front."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def slugify(value: str, *, max_length: int = 200) -> str:
    """A URL handle from any title: lowercase words joined by hyphens, Unicode letters kept.

    Bengali (and other scripts) stay as they are rather than being transliterated: vowel signs and the
    virama are combining marks, so marks are kept with letters and digits or the word would break apart.
    Returns "" when nothing usable is left; callers choose a fallback.
    """
    normal = unicodedata.normalize("NFKC", value).casefold()
    words: list[str] = []
    current: list[str] = []
    for char in normal:
        if unicodedata.category(char)[0] in "LMN" or char in "\u200c\u200d":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    slug = "-".join(words)[:max_length].strip("-")
    return slug.strip("\u200c\u200d")
