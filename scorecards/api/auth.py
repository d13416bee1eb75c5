"""Bearer tokens of the API: made once, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from scorecards.models import ApiToken

TOKEN_PREFIX = "tfp_"


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, can_write: bool = False) -> tuple[ApiToken, str]:
    """A new token row and the token itself, which is not stored and cannot be shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        name=name, prefix=token[:12], digest=digest_of(token), can_write=can_write
    )
    return row, token


def token_from(request: HttpRequest) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    # Looked up by digest: comparing digests of random tokens tells an attacker nothing.
    token = ApiToken.objects.filter(digest=digest_of(given.strip()), revoked_at=None).first()
    if token is not None:
        now = timezone.now()
        # Written at most once a minute: a busy client must not turn reads into writes.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def api_view(methods: tuple[str, ...] = ("GET",), write: bool = False):
    """Token authentication for an API view; ``write`` views need a token made ``--write``.

    CSRF does not apply: API clients send a bearer token, never the session cookie.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            if request.method not in allowed:
                response = error(405, f"{request.method} is not allowed here")
                response["Allow"] = ", ".join(allowed)
                return response
            token = token_from(request)
            if token is None:
                response = error(401, "an API token is required: Authorization: Bearer <token>")
                response["WWW-Authenticate"] = 'Bearer realm="api"'
                return response
            if write and not token.can_write:
                return error(403, "this token may read but not write")
            request.api_token = token
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
