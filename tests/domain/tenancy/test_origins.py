"""Storefront origins and the return URL check (pure functions: no database)."""

from __future__ import annotations

import pytest

from domain.tenancy.origins import OriginError, allowed, normalize_origin

ORIGINS = ["https://shop.example.com", "https://m.shop.example.com:8443", "http://localhost:3000"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://Shop.Example.com", "https://shop.example.com"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("https://shop.example.com:443", "https://shop.example.com"),
        ("https://shop.example.com:8443", "https://shop.example.com:8443"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1", "http://127.0.0.1"),
    ],
)
def test_origins_are_normalised(value: str, expected: str) -> None:
    assert normalize_origin(value, allow_local=True) == expected


@pytest.mark.parametrize(
    "value",
    [
        "http://shop.example.com",  # http only for localhost
        "https://shop.example.com/path",
        "https://shop.example.com?x=1",
        "https://shop.example.com#top",
        "https://user@shop.example.com",
        "ftp://shop.example.com",
        "javascript:alert(1)",
        "shop.example.com",
        "https://",
        "https://shop..example.com",
        "https://shop.example.com:99999",
        "https://exa mple.com",
        "https://" + "a" * 300 + ".com",
    ],
)
def test_bad_origins_are_refused(value: str) -> None:
    with pytest.raises(OriginError):
        normalize_origin(value, allow_local=True)


def test_local_origins_only_outside_production() -> None:
    with pytest.raises(OriginError):
        normalize_origin("http://localhost:3000", allow_local=False)
    with pytest.raises(OriginError):
        normalize_origin("https://localhost", allow_local=False)
    assert not allowed("http://localhost:3000/done", ORIGINS, allow_local=False)
    assert allowed("http://localhost:3000/done", ORIGINS, allow_local=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/thanks?order=7",
        "https://SHOP.example.com:443/thanks",
        "https://m.shop.example.com:8443/done#x",
        "https://shop.example.com",
    ],
)
def test_urls_on_the_origins_pass(url: str) -> None:
    assert allowed(url, ORIGINS, allow_local=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/thanks",
        "https://shop.example.com.evil.example/",
        "https://evilshop.example.com/",
        "https://m.shop.example.com/done",  # the port is part of the origin
        "http://shop.example.com/thanks",  # the scheme too
        "https://shop.example.com@evil.example/",
        "https://shop.example.com\\@evil.example/",
        "https://shop.example.com/\nLocation: https://evil.example",
        "//evil.example/",
        "/relative/path",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://shop.example.com/" + "a" * 2000,
        "",
    ],
)
def test_other_urls_do_not(url: str) -> None:
    assert not allowed(url, ORIGINS, allow_local=True)
