"""Portal waivers: requested by a team owner, decided by another person who leads the platform."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards import roles, scanning
from scorecards.models import Scan, Service, Waiver
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def service():
    service = make_service("orders", team=make_team("payments"))
    record_scorecard(service, {"deps.lockfile": "fail"})
    return service


def _request(client, service, check="deps.lockfile", days=30, reason="Lock file lands in Q1"):
    return client.post(
        reverse("services:request-waiver", args=[service.slug]),
        {
            "check_id": check,
            "reason": reason,
            "expires": (timezone.localdate() + timedelta(days=days)).isoformat(),
        },
    )


def _decide(client, waiver, decision):
    return client.post(
        reverse("services:decide-waiver", args=[waiver.service.slug, waiver.pk]),
        {"decision": decision, "note": "ok for a quarter"},
    )


def test_team_owner_requests_a_waiver(client, service):
    owner = make_person("otto", roles.TEAM_OWNER, teams=(service.team,))
    client.force_login(owner)
    response = _request(client, service)
    assert response.status_code == 302
    waiver = Waiver.objects.get()
    assert (waiver.state, waiver.created_by, waiver.check_id) == (
        Waiver.State.REQUESTED,
        owner,
        "deps.lockfile",
    )


def test_a_viewer_cannot_request_a_waiver(client, service):
    client.force_login(make_person("vera", roles.VIEWER))
    assert _request(client, service).status_code == 403
    assert not Waiver.objects.exists()


def test_a_team_owner_cannot_request_for_another_teams_service(client, service):
    client.force_login(make_person("olga", roles.TEAM_OWNER, teams=(make_team("search"),)))
    assert _request(client, service).status_code == 403


@pytest.mark.parametrize(
    ("days", "reason"), [(-1, "late"), (400, "forever"), (30, "   ")], ids=["past", "long", "blank"]
)
def test_invalid_requests_are_refused_with_a_message(client, service, days, reason):
    client.force_login(make_person("otto", roles.TEAM_OWNER, teams=(service.team,)))
    response = _request(client, service, days=days, reason=reason)
    assert not Waiver.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "The waiver was not requested" in page


def test_one_open_request_per_check(client, service):
    client.force_login(make_person("otto", roles.TEAM_OWNER, teams=(service.team,)))
    _request(client, service)
    response = _request(client, service)
    assert Waiver.objects.count() == 1
    assert "already waiting for a decision" in client.get(response["Location"]).content.decode()


def test_the_requester_cannot_approve_their_own_waiver(client, service):
    lead = make_person("lena", roles.PLATFORM_LEAD)
    client.force_login(lead)
    _request(client, service)
    waiver = Waiver.objects.get()
    assert _decide(client, waiver, "approve").status_code == 403
    waiver.refresh_from_db()
    assert waiver.state == Waiver.State.REQUESTED
    page = client.get(reverse("services:detail", args=[service.slug])).content.decode()
    assert 'value="approve"' not in page


def test_a_team_owner_cannot_approve(client, service):
    requester = make_person("otto", roles.TEAM_OWNER, teams=(service.team,))
    waiver = Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires=timezone.localdate() + timedelta(days=5),
        created_by=requester,
    )
    client.force_login(make_person("tom", roles.TEAM_OWNER, teams=(service.team,)))
    assert _decide(client, waiver, "approve").status_code == 403


@pytest.mark.parametrize(("decision", "state"), [("approve", "approved"), ("deny", "denied")])
def test_another_platform_lead_decides(client, service, decision, state):
    requester = make_person("otto", roles.TEAM_OWNER, teams=(service.team,))
    client.force_login(requester)
    _request(client, service)
    lead = make_person("lena", roles.PLATFORM_LEAD)
    client.force_login(lead)
    waiver = Waiver.objects.get()
    assert (
        'value="approve"'
        in client.get(reverse("services:detail", args=[service.slug])).content.decode()
    )
    assert _decide(client, waiver, decision).status_code == 302
    waiver.refresh_from_db()
    assert (waiver.state, waiver.decided_by, waiver.decision_note) == (
        state,
        lead,
        "ok for a quarter",
    )
    assert _decide(client, waiver, "approve").status_code == 403  # decided once, for good


def test_expired_waivers_are_flagged(client, service):
    Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="was fine",
        expires=timezone.localdate() - timedelta(days=1),
        state=Waiver.State.APPROVED,
    )
    client.force_login(make_person("vera", roles.VIEWER))
    page = client.get(reverse("services:detail", args=[service.slug])).content.decode()
    assert 'class="flag flag-expired"' in page


def test_an_approved_waiver_changes_the_next_score(client, settings):
    settings.LOCAL_REPOSITORIES = [str(EXAMPLES / "legacy-shop")]
    team = make_team("shop")
    service = make_service("legacy-shop", team=team, repository="legacy-shop")

    def scan() -> Service:
        run, _ = scanning.request_scan(Scan.Trigger.MANUAL, service=service)
        scanning.run_scan(run.pk)
        return Service.objects.select_related("latest_scorecard").get(pk=service.pk)

    before = scan().latest_scorecard
    assert before.results.get(check_id="deps.lockfile").status == "fail"

    client.force_login(make_person("otto", roles.TEAM_OWNER, teams=(team,)))
    _request(client, service)
    assert scan().latest_scorecard.score == before.score  # requested is not approved

    client.force_login(make_person("lena", roles.PLATFORM_LEAD))
    _decide(client, Waiver.objects.get(), "approve")
    after = scan().latest_scorecard
    assert after.results.get(check_id="deps.lockfile").status == "waived"
    assert after.score > before.score
