"""SVG badges: private by default, public with BADGES_PUBLIC=true."""

from __future__ import annotations

import pytest

from scorecards import roles
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


def test_a_badge_shows_score_level_and_scan_date(api, org):
    response = api("/badges/orders.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    card = org["orders"].latest_scorecard
    assert f"{card.score:.0f} · Gold" in svg
    assert (
        f"<title>12-factor {card.score:.0f} · Gold · 100% decided: orders, scanned "
        f"{card.created_at:%Y-%m-%d}" in svg
    )
    assert response["Cache-Control"] == "private, max-age=300"


def test_badges_need_credentials_unless_public(client, org, settings):
    assert client.get("/badges/orders.svg").status_code == 401
    settings.BADGES_PUBLIC = True
    response = client.get("/badges/orders.svg")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"


def test_a_signed_in_user_sees_badges(client, org):
    client.force_login(make_person("ada", roles.VIEWER))
    assert client.get("/badges/orders.svg").status_code == 200


def test_a_signed_in_account_without_a_role_sees_no_badge(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get("/badges/orders.svg").status_code == 401


def test_a_service_never_scanned_says_so(api, org):
    assert "not scanned" in api("/badges/indexer.svg").content.decode()


def test_names_are_escaped_in_the_svg(api, org):
    from tests.factories import make_service, record_scorecard

    record_scorecard(make_service("xss", name="<script>alert(1)</script>"))
    svg = api("/badges/xss.svg").content.decode()
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_an_unknown_service_is_a_404(api, org):
    assert api("/badges/nope.svg").status_code == 404


def test_a_badge_shows_coverage_beside_the_score(api, org):
    card = org["orders"].latest_scorecard
    card.coverage = 62.4
    card.save(update_fields=["coverage"])
    svg = api("/badges/orders.svg").content.decode()
    assert f"{card.score:.0f} · Gold · 62% decided" in svg
