"""The read API: services, history, results, teams, summary, scans; filters and pages."""

from __future__ import annotations

import pytest

from scorecards.checks.registry import catalogue
from scorecards.models import ApiToken
from tests.factories import make_service, record_scorecard

pytestmark = pytest.mark.django_db


def test_it_requires_a_token(client, org):
    response = client.get("/api/v1/services")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unknown_or_revoked_token_is_refused(client, org, token):
    assert client.get("/api/v1/services", HTTP_AUTHORIZATION="Bearer tfp_guess").status_code == 401
    ApiToken.objects.update(revoked_at="2026-01-01T00:00Z")
    assert client.get("/api/v1/services", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_only_a_digest_of_the_token_is_stored(token):
    row = ApiToken.objects.get()
    assert token not in (row.digest, row.prefix) and token.startswith(row.prefix)


def test_services_lists_active_services_with_their_latest_score(api, org):
    body = api("/api/v1/services").json()
    assert body["count"] == 3 and body["next"] is None
    orders = next(s for s in body["results"] if s["slug"] == "orders")
    assert orders["team"] == {"slug": "payments", "name": "Payments"}
    assert orders["latest_scorecard"]["commit"] == "b" * 40


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ({"team": "payments"}, ["billing", "orders"]),
        ({"level": "Gold"}, ["orders"]),
        ({"level": "unscored"}, ["indexer"]),
        ({"q": "bill"}, ["billing"]),
        ({"retired": "true", "team": "payments"}, ["billing", "old-shop", "orders"]),
    ],
)
def test_services_filter(api, org, query, slugs):
    assert [s["slug"] for s in api("/api/v1/services", **query).json()["results"]] == slugs


def test_a_bad_filter_is_a_400(api, org):
    assert api("/api/v1/services", level="Platinum").status_code == 400
    assert api("/api/v1/services", limit="ten").status_code == 400


def test_pages_link_to_the_next_and_previous(api, org):
    first = api("/api/v1/services", limit=2).json()
    assert [s["slug"] for s in first["results"]] == ["billing", "indexer"]
    assert first["next"] == "http://testserver/api/v1/services?limit=2&offset=2"
    second = api("/api/v1/services", limit=2, offset=2).json()
    assert [s["slug"] for s in second["results"]] == ["orders"]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/services?limit=2&offset=0"


def test_a_service_comes_with_its_latest_scorecard(api, org):
    body = api("/api/v1/services/billing").json()
    card = body["latest_scorecard"]
    assert card["level"] == "None"  # a critical check fails
    assert card["counts"]["fail"] == 1
    assert card["scan"]["trigger"] == "schedule"
    assert api("/api/v1/services/nope").status_code == 404


def test_the_history_is_newest_first(api, org):
    history = api("/api/v1/services/orders/scorecards").json()["results"]
    assert [c["commit"][0] for c in history] == ["b", "a"]
    assert [c["is_latest"] for c in history] == [True, False]


def test_results_of_a_scorecard_filter_by_status(api, org):
    card_id = org["billing"].latest_scorecard_id
    failing = api(f"/api/v1/scorecards/{card_id}/results", status="fail").json()["results"]
    assert failing == [
        {
            "check_id": "config.no-hardcoded-secrets",
            "factor": "config",
            "severity": "critical",
            "status": "fail",
            "message": failing[0]["message"],  # the factory's wording, not under test
            "evidence": [
                {"source": "github", "locator": "app/settings.py:12", "excerpt": "KEY='…'"}
            ],
            "waiver": None,
        }
    ]
    latest = api("/api/v1/services/billing/results", status="fail").json()["results"]
    assert latest == failing


def test_results_of_a_service_never_scanned_are_a_404(api, org):
    assert api("/api/v1/services/indexer/results").status_code == 404


def test_teams_have_their_active_services_and_mean_score(api, org):
    teams = api("/api/v1/teams").json()["results"]
    payments = next(t for t in teams if t["slug"] == "payments")
    assert payments["services"] == 2
    scores = [org["orders"].latest_scorecard.score, org["billing"].latest_scorecard.score]
    assert payments["score"] == round(sum(scores) / 2, 1)


def test_the_summary_counts_levels_over_active_services(api, org):
    body = api("/api/v1/summary").json()
    assert body["services"] == 3 and body["teams"] == 2
    assert body["levels"]["Gold"] == 1 and body["levels"]["unscored"] == 1
    assert set(body["factors"]) >= {"config", "logs"}


def test_scans_filter_by_service(api, org):
    scans = api("/api/v1/scans", service="orders").json()
    assert scans["count"] == 2
    assert {s["service"] for s in scans["results"]} == {"orders"}


def test_the_service_list_costs_a_fixed_number_of_queries(api, org, django_assert_max_num_queries):
    for i in range(10):
        make_service(f"extra-{i}")
    # The token, its last-use time (and, inside the test's transaction only, the savepoint
    # around that write and its release), the count and the page.
    with django_assert_max_num_queries(6):
        api("/api/v1/services")


def _barely_measured(slug, team):
    """100 / no Gold: one check passes, every other is unknown (the demo's `logging`)."""
    service = make_service(slug, team)
    statuses = {check_id: "unknown" for check_id in catalogue()}
    statuses["logs.stdout"] = "pass"
    return record_scorecard(service, statuses)


def test_a_scorecard_shows_its_coverage_and_a_sparse_one_gets_no_gold(api, org):
    card = _barely_measured("sparse", org["orders"].team)
    body = api("/api/v1/services/sparse").json()["latest_scorecard"]
    assert body["score"] == 100.0
    assert body["coverage"] == card.coverage and body["coverage"] < 10
    assert body["level"] == "Bronze"
    listed = api("/api/v1/services", team="payments").json()["results"]
    assert {s["slug"]: s["latest_scorecard"]["coverage"] for s in listed}["orders"] == 100.0


def test_a_barely_measured_service_does_not_lift_its_team_or_the_org(api, org):
    before = api("/api/v1/teams").json()["results"]
    summary_before = api("/api/v1/summary").json()
    _barely_measured("sparse", org["orders"].team)

    payments = next(t for t in api("/api/v1/teams").json()["results"] if t["slug"] == "payments")
    assert payments["score"] == next(t for t in before if t["slug"] == "payments")["score"]
    assert payments["low_coverage"] == 1
    assert payments["coverage"] < 100
    summary = api("/api/v1/summary").json()
    assert summary["score"] == summary_before["score"]
    assert summary["factors"] == summary_before["factors"]
    assert (summary_before["low_coverage"], summary["low_coverage"]) == (0, 1)
