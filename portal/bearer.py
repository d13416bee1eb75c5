"""``Authorization: Bearer <token>``, the one way the portal's machine endpoints take a token.

The scheme is required: a header holding the bare token is refused like a wrong token, so a
client misconfigured to send it (and every proxy log that records such headers) is noticed.
"""

from __future__ import annotations

import hmac

from django.http import HttpRequest


def token_of(request: HttpRequest) -> str:
    """The token after ``Bearer `` (the scheme in any case), or "" without that scheme."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def matches(request: HttpRequest, expected: str) -> bool:
    """The request carries ``expected`` as its bearer token; compared in constant time."""
    given = token_of(request)
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())
