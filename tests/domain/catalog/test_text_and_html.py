"""Slugs from any title, and the description allow-list."""

from __future__ import annotations

import pytest

from domain.catalog.html import sanitize_html
from domain.catalog.inputs import normalise_tags
from domain.text import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("আমার সোনার বাংলা", "আমার-সোনার-বাংলা"),
        # vowel signs and the virama are combining marks: dropping them would spell other words
        ("জামদানি শাড়ি (লাল)", "জামদানি-শাড়ি-লাল"),
        ("ক্ষীর ২০২৬", "ক্ষীর-২০২৬"),
        ("Café Déjà-vu", "café-déjà-vu"),
        ("T-Shirt  XL/Blue", "t-shirt-xl-blue"),
        ("  --- !!! ", ""),
    ],
)
def test_slugify_keeps_letters_of_any_script(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_at_the_limit_without_a_trailing_hyphen() -> None:
    assert slugify("ab cd", max_length=3) == "ab"


def test_sanitize_keeps_formatting_and_drops_scripts_handlers_and_bad_urls() -> None:
    dirty = (
        '<h2 style="color:red">শিরোনাম</h2><p onclick="steal()">Text <a href="javascript:alert(1)">x</a>'
        '<a href="https://example.com">ok</a><img src="https://cdn.example.com/a.jpg" onerror="x()" alt="a">'
        '<script>alert(1)</script><iframe src="https://evil"></iframe></p><!-- note -->'
    )

    assert sanitize_html(dirty) == (
        '<h2>শিরোনাম</h2><p>Text <a rel="noopener noreferrer nofollow">x</a>'
        '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>'
        '<img src="https://cdn.example.com/a.jpg" alt="a"></p>'
    )
    assert sanitize_html("   ") == ""


def test_tags_are_trimmed_lowercased_and_deduplicated_in_order() -> None:
    assert normalise_tags([" Eid ", "eid", "Gift   Ideas", "", "ঈদ", "EID"]) == ["eid", "gift ideas", "ঈদ"]
