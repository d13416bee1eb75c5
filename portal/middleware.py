"""Middleware that answers the load-balancer probes before anything else runs.

Kubernetes and Docker probe the pod by its IP over plain http, so ``/healthz`` and ``/readyz``
must not depend on ``ALLOWED_HOSTS`` or the HTTPS redirect, which would turn a healthy pod into
a 400 or a 301.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from scorecards import views


class ProbeMiddleware:
    probes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
        "/healthz": views.healthz,
        "/readyz": views.readyz,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.probes.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
