"""No role, no access: a signed-in account in none of the role groups sees no page.

Accounts reach the portal without a role in two ways: made by hand (``createsuperuser`` makes
superusers, which have every role; ``createuser`` or the admin do not), or by a single sign-on
whose groups map to nothing — those become viewers (``scorecards/sso/claims.py``), so the rule
only stops accounts nobody decided anything about. They get one page saying so, and may sign
out. Machine endpoints (API, webhooks, probes, metrics) have their own tokens and are not
concerned (badges check roles themselves, being public when configured so); the sign-in pages
must stay reachable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scorecards.roles import has_role

# Paths answered whatever the account's roles: signing in and out, and machine endpoints.
OPEN_PREFIXES = (
    "/login/",
    "/logout/",
    "/oidc/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/webhooks/",
    "/api/",
    "/badges/",  # public, or checked by the view itself (scorecards/api/badges.py)
    "/static/",
    "/favicon.ico",
)


class NoRoleNoAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        # In process_view, not __call__: the route is resolved, so metrics name the view.
        if request.path_info.startswith(OPEN_PREFIXES) or has_role(request.user):
            return None
        if not request.user.is_authenticated:
            return None  # the view sends anonymous people to sign in
        return render(request, "no_role.html", status=403)
