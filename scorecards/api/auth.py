"""Bearer tokens of the API: made once, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from portal import bearer
from scorecards.models import API_TOKEN_DAYS, ApiToken, Service, Team

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "tfp_"
# Ten years: a longer-lived token is a forgotten one.
MAX_TOKEN_DAYS = 3650


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    name: str,
    can_write: bool = False,
    *,
    teams: Iterable[Team] = (),
    services: Iterable[Service] = (),
    all_services: bool = False,
    expires_in_days: int = API_TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """A new token row and the token itself, which is not stored and cannot be shown again.

    A write token pushes only for ``teams``' services, ``services``, or, with
    ``all_services``, every service; without any of them it cannot push at all.
    """
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise ValueError(f"a token lives between 1 and {MAX_TOKEN_DAYS} days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        row = ApiToken.objects.create(
            name=name,
            prefix=token[:12],
            digest=digest_of(token),
            can_write=can_write,
            all_services=can_write and all_services,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        if can_write:
            row.teams.set(teams)
            row.services.set(services)
    return row, token


def revoke(tokens) -> int:
    """Revoke the tokens of a queryset not yet revoked; how many were."""
    return tokens.filter(revoked_at=None).update(revoked_at=timezone.now())


def token_from(request: HttpRequest) -> ApiToken | None:
    """The live token the request carries: known, not revoked, not expired."""
    given = bearer.token_of(request)
    if not given:
        return None
    now = timezone.now()
    # Looked up by digest: comparing digests of random tokens tells an attacker nothing.
    token = ApiToken.objects.filter(
        digest=digest_of(given), revoked_at=None, expires_at__gt=now
    ).first()
    if token is not None and (
        # Written at most once a minute: a busy client must not turn reads into writes.
        token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60
    ):
        _note_use(token, now)
    return token


def _note_use(token: ApiToken, now) -> None:
    """Bookkeeping only: a database that cannot write (full disk, read-only replica) must
    not fail a read the token is entitled to."""
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError as exc:
        logger.warning(
            "API token last-use time not recorded",
            extra={"token": token.prefix, "error": type(exc).__name__},
        )


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
