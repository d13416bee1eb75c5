"""CSRF: every form carries a token, every URL refuses a cross-site POST, and the only URLs
exempt are the machine endpoints that authenticate each request themselves."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from scorecards import roles
from scorecards.models import Waiver
from tests.factories import make_service, make_team, record_scorecard
from tests.security.web_routes import concrete, routes
from tests.web.users import make_person

# Exempt by design: signed by GitHub (HMAC), or a bearer token no browser holds.
EXEMPT = {
    "webhooks/github",
    "webhooks/rescan",
    *(
        route
        for route, _ in routes()
        if route.startswith("api/v1/") and route != "api/v1/openapi.yaml"
    ),
}
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post\b.*?</form>", re.S | re.I)


def post_forms_in_templates() -> list[tuple[Path, str]]:
    found = []
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.rglob("*.html")):
            found += [(template, form) for form in POST_FORM.findall(template.read_text())]
    return found


def test_every_post_form_in_the_templates_has_a_csrf_token():
    forms = post_forms_in_templates()
    assert len(forms) >= 4  # sign in, sign out, rescan, request and decide waivers
    missing = [str(path) for path, form in forms if "{% csrf_token %}" not in form]
    assert missing == []


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "token": None})
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["token"] = attrs.get("value")


@pytest.mark.django_db
def test_every_post_form_on_the_rendered_pages_carries_a_token(client):
    team = make_team("payments")
    service = make_service("orders", team=team)
    record_scorecard(service, {"deps.lockfile": "fail"})
    requester = make_person("rita", roles.TEAM_OWNER, teams=(team,))
    Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires="2099-01-01",
        created_by=requester,
    )
    client.force_login(make_person("lena", roles.PLATFORM_LEAD))
    pages = ["/", "/services/", "/services/orders/", "/dashboard/", "/factors/", "/factors/config/"]
    posts = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form["method"] == "post":
                posts += 1
                assert form["token"], page
    # Sign out on each page, plus rescan, request and decide on the scorecard.
    assert posts >= len(pages) + 3
    client.logout()
    parser = _Forms()
    parser.feed(client.get(reverse("login")).content.decode())
    assert [f["method"] for f in parser.forms] == ["post"] and parser.forms[0]["token"]


def test_the_exempt_urls_are_exactly_the_machine_endpoints():
    exempt = {
        route for route, pattern in routes() if getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt == EXEMPT


@pytest.fixture
def csrf_client(db):
    """A browser's session on another site's form: signed in, but without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    lead = make_person("lena", roles.PLATFORM_LEAD)
    lead.is_staff = lead.is_superuser = True
    lead.save()
    client.force_login(lead)
    return client


@pytest.mark.parametrize("route", sorted(route for route, _ in routes() if route not in EXEMPT))
def test_every_other_url_refuses_a_post_without_the_token(csrf_client, route):
    response = csrf_client.post(concrete(route), {"decision": "approve"})
    assert response.status_code == 403
    assert b"CSRF verification failed" in response.content


@pytest.mark.django_db
def test_a_refused_post_changes_nothing(csrf_client):
    team = make_team("payments")
    service = make_service("orders", team=team)
    requester = make_person("rita", roles.TEAM_OWNER, teams=(team,))
    waiver = Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires="2099-01-01",
        created_by=requester,
    )
    url = reverse("services:decide-waiver", args=[service.slug, waiver.pk])
    assert csrf_client.post(url, {"decision": "approve"}).status_code == 403
    waiver.refresh_from_db()
    assert waiver.state == Waiver.State.REQUESTED


@pytest.mark.django_db
def test_the_same_post_with_the_token_goes_through(csrf_client):
    """The control: with the page's token the check passes, so the 403s above are CSRF's."""
    team = make_team("payments")
    service = make_service("orders", team=team)
    record_scorecard(service, {"deps.lockfile": "fail"})
    requester = make_person("rita", roles.TEAM_OWNER, teams=(team,))
    waiver = Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires="2099-01-01",
        created_by=requester,
    )
    page = csrf_client.get(reverse("services:detail", args=[service.slug]))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[1].decode()
    url = reverse("services:decide-waiver", args=[service.slug, waiver.pk])
    response = csrf_client.post(url, {"decision": "approve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    waiver.refresh_from_db()
    assert waiver.state == Waiver.State.APPROVED


@pytest.mark.django_db
def test_the_exempt_endpoints_still_refuse_an_unauthenticated_post(settings):
    settings.GITHUB_WEBHOOK_SECRET = "webhook-secret-for-tests"
    settings.RESCAN_TOKEN = "rescan-token-for-tests"
    client = Client(enforce_csrf_checks=True)
    for route in sorted(EXEMPT):
        response = client.post(concrete(route), b"{}", content_type="application/json")
        # 401: no signature or token; 405: a read-only API endpoint refuses POST first.
        assert response.status_code in (401, 405), route
        assert b"CSRF" not in response.content
