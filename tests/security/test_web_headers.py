"""Security headers on every page: the Content Security Policy (no inline script or style),
Permissions-Policy, Referrer-Policy, nosniff, framing refused; HTTPS redirect and HSTS, also
behind a TLS-terminating proxy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from portal.headers import CONTENT_SECURITY_POLICY
from scorecards import roles
from scorecards.models import Waiver
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_the_policy_allows_no_inline_script_style_or_eval():
    policy = directives(CONTENT_SECURITY_POLICY)
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], directive
    assert "script-src-attr" not in policy and "style-src-attr" not in policy
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.fixture
def portal(client):
    team = make_team("payments")
    service = make_service("orders", team=team)
    record_scorecard(service, {"deps.lockfile": "fail", "logs.structured": "warn"})
    requester = make_person("rita", roles.TEAM_OWNER, teams=(team,))
    Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires="2099-01-01",
        created_by=requester,
    )
    client.force_login(make_person("lena", roles.PLATFORM_LEAD))
    return client


PAGES = [
    "/",
    "/services/",
    "/services/?q=ord",
    "/services/orders/",
    "/services/orders/changes/",
    "/dashboard/",
    "/dashboard/teams/payments/",
    "/factors/",
    "/factors/config/",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_sends_the_security_headers(portal, page):
    response = portal.get(page)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_htmx_fragments_and_the_sign_in_page_send_them_too(portal, client):
    fragment = portal.get("/services/?q=ord", headers={"HX-Request": "true"})
    assert fragment["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    portal.logout()
    assert client.get("/login/")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
HTMX_EVAL = re.compile(r"\s(hx-on[:\w-]*|hx-vars|js:)", re.I)


def offences(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("on* handler", HANDLER_ATTRIBUTE),
        ("javascript: URL", JAVASCRIPT_URL),
        ("htmx code in an attribute", HTMX_EVAL),
    ]:
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def test_the_detector_finds_what_the_policy_would_refuse():
    html = '<p style="color:red" onclick="x()"><script>alert(1)</script><a href="javascript:x">'
    assert len(offences(html)) == 4
    assert offences('<script src="/static/js/htmx.min.js" defer></script>') == []


def test_no_template_holds_inline_script_or_style():
    templates = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert templates
    # Template comments ({# … #}, {% comment %}) never reach the browser.
    comments = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)
    found = {str(t): offences(comments.sub("", t.read_text())) for t in templates}
    assert {t: o for t, o in found.items() if o} == {}


@pytest.mark.parametrize("page", PAGES)
def test_no_rendered_page_holds_inline_script_or_style(portal, page):
    """Markup made in Python (charts, evidence, markdown) included."""
    assert offences(portal.get(page).content.decode()) == []


def test_the_badge_keeps_its_stricter_policy(portal):
    response = portal.get("/badges/orders.svg")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def production_client(settings, **extra) -> Client:
    """A fresh client (its middleware is built on first use) with the production HTTPS values."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return Client(**extra)


def test_plain_http_is_redirected_to_https(settings):
    response = production_client(settings).get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_https_responses_carry_hsts(settings):
    response = production_client(settings).get("/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_a_trusted_proxy_its_forwarded_proto_counts_as_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = production_client(settings)
    response = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response
    assert client.get("/login/", headers={"X-Forwarded-Proto": "http"}).status_code == 301


def test_without_the_proxy_setting_a_forwarded_proto_is_not_believed(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    response = production_client(settings).get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301


def test_the_probes_answer_plain_http_for_the_orchestrator(settings):
    client = production_client(settings)
    assert client.get("/healthz").status_code == 200
