"""The newcomer's tour of the demo organisation, in a real browser (issue #6 acceptance).

The demo is loaded through ``manage.py load_demo`` -- the real collectors and pipeline, as the
README's first command does -- and every main page must show meaningful data, not an empty
state: services in the catalogue, a scorecard with evidence and history, the dashboard's teams
and heatmap, the factor guide's pass rates.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import expect

from scorecards.models import Scorecard, Service, Team


@pytest.fixture
def demo_loaded(transactional_db, tmp_path):
    with override_settings(
        DEMO_ORGANISATION=str(settings.BASE_DIR / "demo"),
        DEMO_CREDENTIALS_FILE=str(tmp_path / "demo-credentials"),
        LOCAL_REPOSITORIES=[],
        GITHUB_ORGS=[],
        AWS_REGIONS=[],
        AWS_OFFLINE_DIR="",
        KUBECONFIG="",
        KUBE_CONTEXTS=[],
        KUBE_OFFLINE_DIR="",
    ):
        out = StringIO()
        call_command("load_demo", stdout=out)
    password = (tmp_path / "demo-credentials").read_text().split()[-1]
    return "demo", password


def test_every_page_of_the_demo_shows_data(page, live_server, login, demo_loaded):
    username, password = demo_loaded
    assert Service.objects.filter(retired=False).count() >= 15
    assert Team.objects.count() >= 4
    login(page, username, password)

    page.goto(f"{live_server.url}/services/")
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 15

    # The scorecard of a service with history and failing checks.
    legacy = Service.objects.get(slug="legacy-shop")
    assert Scorecard.objects.filter(service=legacy).count() >= 2
    page.goto(f"{live_server.url}/services/legacy-shop/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("legacy-shop")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.get_by_text("fail", exact=False).first).to_be_visible()

    page.goto(f"{live_server.url}/dashboard/")
    heatmap_links = page.locator("table a[href*='factor=']")
    assert heatmap_links.count() >= 4 * 6
    expect(page.locator("svg.chart").first).to_be_visible()

    page.goto(f"{live_server.url}/factors/logs/")
    expect(page.get_by_text("%").first).to_be_visible()
