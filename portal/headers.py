"""Response headers Django's SecurityMiddleware does not set: Content Security Policy and
Permissions-Policy.

The policy allows scripts and styles from the portal's own origin only: no inline script, no
inline style attribute, no eval. htmx is configured for that in ``templates/base.html`` (no
injected indicator styles, no eval), so a template that slips an ``onclick=`` or a
``style=`` in is refused by the browser — and caught by the browser tests, which fail on any
policy violation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Charts and badges are inline SVG or same-origin; data: covers CSS-embedded icons.
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        # The same as X-Frame-Options: DENY, for browsers that read only the policy.
        "frame-ancestors 'none'",
    ]
)
# Powerful browser features the portal never uses, turned off for every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "accelerometer",
        "gyroscope",
        "magnetometer",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view may set a stricter policy of its own (the SVG badge does).
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
