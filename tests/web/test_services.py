"""The service catalogue and a service's scorecard page, through the test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards import roles
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

COMMIT = "3f2c1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e"


@pytest.fixture
def viewer(client):
    user = make_person("vera", roles.VIEWER)
    client.force_login(user)
    return user


def test_pages_require_sign_in(client):
    service = make_service("orders")
    for url in (
        reverse("services:list"),
        reverse("services:detail", args=[service.slug]),
        reverse("services:changes", args=[service.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_catalogue_lists_services_with_score_level_and_strip(client, viewer):
    team = make_team("payments")
    record_scorecard(make_service("orders", team=team), {"deps.lockfile": "fail"})
    response = client.get(reverse("services:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "orders" in body and "Payments" in body
    assert 'aria-label="Twelve factor scores"' in body
    assert "II. Dependencies:" in body  # each strip cell carries an accessible label
    assert "Bronze" in body or "Silver" in body


def test_search_matches_name_and_returns_only_results_to_htmx(client, viewer):
    record_scorecard(make_service("orders-api"))
    record_scorecard(make_service("billing"))
    response = client.get(
        reverse("services:list"), {"q": "order"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()
    assert "orders-api" in body and "billing" not in body
    assert "<form" not in body  # the partial only, the search box keeps its focus


def test_filters_by_team_level_failing_check_and_factor(client, viewer):
    payments, search = make_team("payments"), make_team("search")
    record_scorecard(make_service("orders", team=payments), {"config.no-hardcoded-secrets": "fail"})
    record_scorecard(make_service("indexer", team=search))
    url = reverse("services:list")

    def names(**params):
        page = client.get(url, params).context["page"]
        return sorted(s.slug for s in page)

    assert names(team="payments") == ["orders"]
    assert names(level="Gold") == ["indexer"]
    assert names(level="None") == ["orders"]
    assert names(check="config.no-hardcoded-secrets") == ["orders"]
    assert names(factor="config") == ["orders"]
    assert names(factor="logs") == []
    assert names(level="Platinum") == ["indexer", "orders"]  # unknown values are ignored


def test_filters_by_kind_and_stale_data(client, viewer):
    record_scorecard(make_service("fn", kinds=["serverless"]))
    record_scorecard(make_service("web", kinds=["container", "paas"]), stale_sources=["github"])
    record_scorecard(
        make_service("old", kinds=["container"]), when=timezone.now() - timedelta(days=30)
    )
    url = reverse("services:list")

    def names(**params):
        return sorted(s.slug for s in client.get(url, params).context["page"])

    assert names(kind="serverless") == ["fn"]
    assert names(kind="paas") == ["web"]
    assert names(stale="1") == ["old", "web"]


def test_sorts_by_score_and_last_scan(client, viewer):
    record_scorecard(make_service("low"), {"deps.manifest": "fail", "deps.lockfile": "fail"})
    record_scorecard(make_service("high"), when=timezone.now() - timedelta(days=1))
    url = reverse("services:list")
    assert [s.slug for s in client.get(url, {"sort": "score"}).context["page"]] == ["high", "low"]
    assert [s.slug for s in client.get(url, {"sort": "last-scan"}).context["page"]] == [
        "low",
        "high",
    ]


def test_catalogue_paginates_and_keeps_filters_in_links(client, viewer):
    team = make_team("payments")
    for n in range(30):
        make_service(f"svc-{n:02}", team=team)
    response = client.get(reverse("services:list"), {"team": "payments"})
    assert response.context["page"].paginator.num_pages == 2
    assert "?team=payments&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("count", [10, 500])
def test_catalogue_query_count_does_not_grow_with_services(
    client, viewer, django_assert_max_num_queries, count
):
    team = make_team("payments")
    for n in range(count):
        record_scorecard(make_service(f"svc-{n:03}", team=team), {"logs.structured": "warn"})
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("services:list"), {"factor": "logs", "kind": "container", "sort": "score"}
        )
    assert response.status_code == 200


def _scorecard_page(client, service):
    return client.get(reverse("services:detail", args=[service.slug]))


def test_scorecard_shows_factors_checks_evidence_links_and_remediation(client, viewer):
    service = make_service("orders", repository="acme/orders")
    record_scorecard(
        service,
        {"deps.base-image-pinned": "fail"},
        commit=COMMIT,
        evidence={
            "deps.base-image-pinned": [
                {"source": "github", "locator": "docker/Dockerfile:3", "excerpt": "FROM python"},
                {"source": "aws", "locator": "arn:aws:lambda:eu-west-1:1:function:orders"},
            ]
        },
    )
    body = _scorecard_page(client, service).content.decode()
    assert f"https://github.com/acme/orders/blob/{COMMIT}/docker/Dockerfile#L3" in body
    assert "<code>arn:aws:lambda:eu-west-1:1:function:orders</code>" in body  # text, no link
    assert 'id="factor-dependencies"' in body
    assert "How to fix it" in body
    assert "<script" not in body.split("</main>")[0]  # remediation markdown is sanitised


def test_local_repositories_are_not_linked(client, viewer):
    service = make_service("inventory", repository="/srv/repos/inventory")
    record_scorecard(service, {"deps.lockfile": "fail"}, commit=COMMIT)
    assert "https://github.com" not in _scorecard_page(client, service).content.decode()


def test_scorecard_ranks_what_blocks_the_next_level_by_gain(client, viewer):
    service = make_service("orders")
    record_scorecard(
        service, {"deps.lockfile": "fail", "logs.stdout": "fail", "logs.structured": "fail"}
    )
    response = _scorecard_page(client, service)
    assert response.context["next_level"] == "Silver"  # high checks fail: Bronze now
    suggestions = [s for s, _title in response.context["suggestions"]]
    assert {s.check_id for s in suggestions} == {"deps.lockfile", "logs.stdout"}
    assert [s.gain for s in suggestions] == sorted((s.gain for s in suggestions), reverse=True)
    assert all(s.gain > 0 for s in suggestions)


def test_na_and_unknown_are_explained(client, viewer):
    service = make_service("fn", kinds=["serverless"])
    record_scorecard(service, {"port.binding": "na", "logs.retention": "unknown"})
    body = _scorecard_page(client, service).content.decode()
    assert "Not applicable: this check applies to container and paas services" in body
    assert "Unknown: no facts from aws were ingested" in body


def test_scorecard_shows_history_chart_and_stale_sources(client, viewer):
    service = make_service("orders")
    record_scorecard(service, when=timezone.now() - timedelta(days=2))
    record_scorecard(service, {"deps.lockfile": "fail"}, stale_sources=["kubernetes"])
    body = _scorecard_page(client, service).content.decode()
    assert '<svg class="chart"' in body
    assert "Some facts are stale: kubernetes" in body


@pytest.mark.parametrize("scans", [2, 30])
def test_scorecard_query_count_is_bounded(client, viewer, django_assert_max_num_queries, scans):
    service = make_service("orders", team=make_team("payments"))
    for n in range(scans):
        record_scorecard(service, when=timezone.now() - timedelta(hours=scans - n))
    with django_assert_max_num_queries(14):
        assert _scorecard_page(client, service).status_code == 200


def test_unknown_service_is_404(client, viewer):
    assert client.get(reverse("services:detail", args=["nope"])).status_code == 404


def test_changes_between_two_scans_lists_regressions_with_commits(client, viewer):
    service = make_service("orders")
    before = record_scorecard(
        service, {"logs.stdout": "fail"}, when=timezone.now() - timedelta(days=1), commit="a" * 40
    )
    after = record_scorecard(service, {"deps.lockfile": "fail"}, commit="b" * 40)
    response = client.get(
        reverse("services:changes", args=[service.slug]),
        {"from": before.scan_id, "to": after.scan_id},
    )
    comparison = response.context["comparison"]
    assert [c.check_id for c in comparison.regressed] == ["deps.lockfile"]
    assert [c.check_id for c in comparison.improved] == ["logs.stdout"]
    body = response.content.decode()
    assert "a" * 12 in body and "b" * 12 in body


def test_changes_default_to_the_last_two_scans(client, viewer):
    service = make_service("orders")
    record_scorecard(service, when=timezone.now() - timedelta(days=1))
    record_scorecard(service, {"deps.lockfile": "fail"})
    response = client.get(reverse("services:changes", args=[service.slug]))
    assert [c.check_id for c in response.context["comparison"].regressed] == ["deps.lockfile"]


def _sparse(slug="logging", team=None):
    """One decided check passes, every other is unknown: 100, but not Gold."""
    from scorecards.checks.registry import catalogue

    statuses = {check_id: "unknown" for check_id in catalogue()}
    statuses["logs.stdout"] = "pass"
    service = make_service(slug, team)
    return service, record_scorecard(service, statuses)


def test_catalogue_and_scorecard_show_coverage_and_why_the_level_is_capped(client, viewer):
    service, card = _sparse()
    listing = client.get(reverse("services:list")).content.decode()
    assert f"{card.coverage:.0f} %" in listing
    assert card.score == 100 and card.level == "Bronze"

    page = client.get(reverse("services:detail", args=[service.slug])).content.decode()
    assert f"{card.coverage:.0f} % decided" in page
    assert "Bronze, capped: the results earn Gold, but only" in page
    assert "would decide the rest" in page
    assert "Every applicable check passes" not in page


def test_a_failing_beyond_twelve_check_is_named_under_a_gold_level(client, viewer):
    service = make_service("admin-portal")
    card = record_scorecard(service, {"security.non-root": "fail"})
    assert card.level == "Gold"
    page = client.get(reverse("services:detail", args=[service.slug])).content.decode()
    assert "Every applicable check passes" not in page
    assert "Beyond twelve: 1 failing check shown, not in the score." in page
    beyond = page[page.index('id="factor-beyond"') :]
    heading = beyond[: beyond.index("</h2>")]
    assert "not measured" not in heading
    assert "Beyond twelve: shown, not in the score." in beyond
