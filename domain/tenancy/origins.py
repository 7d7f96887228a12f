"""A store's storefront origins, and the one check of a URL against them (payment return URLs).

An origin is `scheme://host[:port]`, lower case, the port only when it is not the scheme's default.
Only https counts, except http://localhost and http://127.0.0.1 where the deployment allows local
origins (development and test settings). A URL passes when its origin is one of the store's: no prefix
or suffix matching of host names, no user info, no backslashes or control characters (browsers read
`https://shop.example\\@evil.example` differently from parsers)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
MAX_ORIGINS = 20
MAX_ORIGIN = 300
MAX_URL = 2000
_DEFAULT_PORT = {"https": 443, "http": 80}
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_UNSAFE = re.compile(r"[\\\s\x00-\x1f\x7f]")


class OriginError(ValueError):
    """Why a value is not an acceptable origin or URL (the message is for people)."""


def origin_of(url: str, *, allow_local: bool) -> str:
    """The normalised origin of an absolute http(s) URL; OriginError when it has none we accept."""
    if len(url) > MAX_URL or _UNSAFE.search(url):
        raise OriginError("must be an absolute URL without spaces, backslashes or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OriginError("is not a valid URL") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise OriginError("must not carry user information")
    if not _HOST.fullmatch(host):
        raise OriginError("must name a host")
    local = host in LOCAL_HOSTS
    if scheme != "https" and not (scheme == "http" and local and allow_local):
        raise OriginError(
            "must use https (http only for localhost or 127.0.0.1 outside production)"
            if allow_local
            else "must use https"
        )
    if local and not allow_local:
        raise OriginError("localhost is not allowed in production")
    shown_port = "" if port is None or port == _DEFAULT_PORT[scheme] else f":{port}"
    return f"{scheme}://{host}{shown_port}"


def normalize_origin(value: str, *, allow_local: bool) -> str:
    """An origin as stored: `scheme://host[:port]` and nothing else (a trailing slash is tolerated)."""
    if len(value) > MAX_ORIGIN:
        raise OriginError(f"is longer than {MAX_ORIGIN} characters")
    parts = urlsplit(value.strip())
    if parts.path not in ("", "/") or parts.query or parts.fragment or value.strip().endswith(("?", "#")):
        raise OriginError("must be scheme://host[:port] without a path, query or fragment")
    return origin_of(value.strip(), allow_local=allow_local)


def allowed(url: str, origins: list[str], *, allow_local: bool) -> bool:
    """Whether `url` is an absolute URL on one of `origins` (stored, normalised origins)."""
    try:
        return origin_of(url, allow_local=allow_local) in origins
    except OriginError:
        return False
