"""The OpenID provider's endpoints: set explicitly, or discovered from ``OIDC_ISSUER``.

The discovery document (``<issuer>/.well-known/openid-configuration``) is fetched on the first
sign-in that needs it, never at import time, and kept for an hour so key and endpoint changes
at the provider are picked up without a restart. A failed fetch is not cached.
"""

from __future__ import annotations

import threading
import time

import httpx
from django.conf import settings

from portal.sso import ENDPOINTS

CACHE_SECONDS = 3600
_DISCOVERY_KEYS = {setting: key for _variable, setting, key in ENDPOINTS}
_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's configuration could not be read; sign-in with it cannot start."""


def discovery_document(issuer: str) -> dict:
    """The issuer's OpenID configuration, from the cache or the network."""
    with _lock:
        cached = _cache.get(issuer)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = httpx.get(url, timeout=settings.OIDC_TIMEOUT, follow_redirects=True)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"cannot read {url}: {exc}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a JSON object")
    # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(
            f"{url} names issuer {document.get('issuer')!r}, not {issuer!r} (check OIDC_ISSUER)"
        )
    with _lock:
        _cache[issuer] = (time.monotonic(), document)
    return document


def endpoint(setting: str) -> str:
    """``OIDC_OP_TOKEN_ENDPOINT`` and friends: the explicit setting wins over discovery."""
    explicit = getattr(settings, setting, "")
    if explicit or not settings.OIDC_ISSUER:
        return explicit
    key = _DISCOVERY_KEYS[setting]
    value = discovery_document(settings.OIDC_ISSUER).get(key)
    if not value:
        raise ProviderUnavailable(f"the discovery document of {settings.OIDC_ISSUER} has no {key}")
    return value


def forget_discovery() -> None:
    """Drop cached documents (tests, and a provider that moved)."""
    with _lock:
        _cache.clear()
