""" "Rescan now": who may press it, the scan it runs, and the progress fragment htmx polls."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from scorecards import roles
from scorecards.models import Scan
from tests.factories import make_service, make_team
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def local_service(settings):
    """A service the local source can scan in-process (the embedded default runs eagerly)."""
    settings.LOCAL_REPOSITORIES = [str(EXAMPLES / "inventory-api")]
    team = make_team("warehouse")
    return make_service("inventory-api", team=team, repository="inventory-api")


def test_a_viewer_cannot_rescan(client, local_service):
    client.force_login(make_person("vera", roles.VIEWER))
    response = client.post(reverse("services:rescan", args=[local_service.slug]))
    assert response.status_code == 403
    assert not Scan.objects.exists()


def test_a_team_owner_of_another_team_cannot_rescan(client, local_service):
    other = make_team("payments")
    client.force_login(make_person("olga", roles.TEAM_OWNER, teams=(other,)))
    response = client.post(reverse("services:rescan", args=[local_service.slug]))
    assert response.status_code == 403


def test_rescan_is_post_only(client, local_service):
    client.force_login(make_person("lead", roles.PLATFORM_LEAD))
    assert client.get(reverse("services:rescan", args=[local_service.slug])).status_code == 405


def test_team_owner_rescans_and_the_scorecard_is_updated(client, local_service):
    owner = make_person("otto", roles.TEAM_OWNER, teams=(local_service.team,))
    client.force_login(owner)
    response = client.post(reverse("services:rescan", args=[local_service.slug]))
    scan = Scan.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/services/inventory-api/?scan={scan.pk}")
    assert scan.trigger == Scan.Trigger.MANUAL
    assert scan.requested_by == "otto"
    assert scan.state == Scan.State.SUCCEEDED
    local_service.refresh_from_db()
    assert local_service.latest_scorecard.scan == scan
    page = client.get(response["Location"]).content.decode()
    assert f"Scan #{scan.pk}" in page and "succeeded" in page


def test_rescan_by_htmx_answers_the_progress_fragment_which_reloads_the_scorecard(
    client, local_service
):
    client.force_login(make_person("lead", roles.PLATFORM_LEAD))
    response = client.post(
        reverse("services:rescan", args=[local_service.slug]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' not in body  # finished: no more polling
    assert 'hx-trigger="load"' in body and 'hx-select="#scorecard"' in body


def _scan(service, state, progress=None):
    return Scan.objects.create(
        trigger=Scan.Trigger.MANUAL,
        scope=service.slug,
        service=service,
        state=state,
        sources=["local"],
        progress=progress or {},
    )


def test_progress_of_a_running_scan_keeps_polling(client, local_service):
    client.force_login(make_person("vera", roles.VIEWER))
    scan = _scan(
        local_service,
        Scan.State.RUNNING,
        {
            "sources": {"local": {"state": "running", "done": 1, "total": 3}},
            "services": {"done": 0, "total": 0},
        },
    )
    url = reverse("services:progress", args=[local_service.slug, scan.pk])
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "local: running (1/3)" in body
    assert 'hx-trigger="load"' not in body


def test_progress_of_a_finished_scan_stops_polling(client, local_service):
    client.force_login(make_person("vera", roles.VIEWER))
    scan = _scan(local_service, Scan.State.PARTIAL)
    scan.error = "github: rate limited"
    scan.save()
    url = reverse("services:progress", args=[local_service.slug, scan.pk])
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in body
    assert "partial" in body and "github: rate limited" in body


def test_the_scorecard_page_shows_a_scan_in_progress(client, local_service):
    client.force_login(make_person("vera", roles.VIEWER))
    scan = _scan(local_service, Scan.State.QUEUED)
    body = client.get(reverse("services:detail", args=[local_service.slug])).content.decode()
    assert f"Scan #{scan.pk}" in body and 'hx-trigger="every 1s"' in body
    assert "Rescan now" not in body  # a viewer gets no button


def test_progress_of_another_services_scan_is_404(client, local_service):
    client.force_login(make_person("vera", roles.VIEWER))
    scan = _scan(make_service("other"), Scan.State.RUNNING)
    url = reverse("services:progress", args=[local_service.slug, scan.pk])
    assert client.get(url).status_code == 404
