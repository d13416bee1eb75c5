"""``/badges/<slug>.svg``: the service's level and score as a shields-style SVG badge.

Private by default: a badge shows a service's score, which is internal information, so it
needs a signed-in session of an account with a role, or an API token, unless
``BADGES_PUBLIC=true`` (for organisations that embed badges in README files, which an
``<img>`` fetches without credentials).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.views.decorators.http import require_safe

from scorecards.api.auth import token_from
from scorecards.models import Service
from scorecards.roles import has_role

LABEL = "12-factor"
COLOURS = {"Gold": "#b08d00", "Silver": "#6e7781", "Bronze": "#a0522d", "None": "#cf222e"}
UNSCORED = "#8c959f"
CHAR_WIDTH = 6.5  # Verdana 11px, averaged: close enough for a badge's text widths
PADDING = 10


def _width(text: str) -> int:
    return int(len(text) * CHAR_WIDTH + PADDING)


def render_badge(value: str, colour: str, title: str) -> str:
    left, right = _width(LABEL), _width(value)
    total = left + right
    label, value, title = escape(LABEL), escape(value), escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" '
        f'font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text>'
        f'<text x="{left + right / 2}" y="14">{value}</text>'
        f"</g></svg>"
    )


def badge_for(service: Service) -> str:
    card = service.latest_scorecard
    if card is None or card.score is None:
        return render_badge("not scanned", UNSCORED, f"{LABEL}: {service.name} not scanned yet")
    value = f"{card.score:.0f} · {card.level}"
    if card.coverage is not None:
        # A score without its coverage reads as more than it is (a 100 on 8 decided checks).
        value += f" · {card.coverage:.0f}% decided"
    title = f"{LABEL} {value}: {service.name}, scanned {card.created_at:%Y-%m-%d %H:%M} UTC"
    return render_badge(value, COLOURS.get(card.level, UNSCORED), title)


@require_safe
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    public = settings.BADGES_PUBLIC
    if not public and not has_role(request.user) and token_from(request) is None:
        return HttpResponse("a session or an API token is required\n", status=401)
    service = get_object_or_404(Service.objects.select_related("latest_scorecard"), slug=slug)
    response = HttpResponse(badge_for(service), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=300"
    # The SVG is an image, never a document: no script may run if it is opened directly.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
