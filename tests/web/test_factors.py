"""The factor guide: a page per factor, its checks, and the organisation's pass rates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scorecards import roles
from scorecards.checks.registry import FACTORS, catalogue
from tests.factories import make_service, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signed_in(client):
    client.force_login(make_person("vera", roles.VIEWER))


def test_guide_index_links_every_factor(client):
    body = client.get(reverse("factors:list")).content.decode()
    for factor in FACTORS:
        assert reverse("factors:detail", args=[factor.key]) in body


def test_factor_page_explains_and_lists_its_checks_with_how_they_are_decided(client):
    body = client.get(reverse("factors:detail", args=["config"])).content.decode()
    config_checks = [s for s in catalogue().values() if s.factor == "config"]
    assert config_checks
    for spec in config_checks:
        assert spec.id in body
    assert "What it means" in body and "Why it matters" in body
    assert "How the portal decides" in body
    assert "<code>os.environ</code>" in body  # the catalogue's markdown, rendered


def test_serverless_notes_mention_the_half_weight_of_disposability(client):
    body = client.get(reverse("factors:detail", args=["disposability"])).content.decode()
    assert "half weight" in body
    assert "Weight in the score of a serverless-only service: 0.5" in body


def test_pass_rate_per_check_counts_latest_scorecards_only(client):
    old_then_fixed = make_service("a")
    record_scorecard(old_then_fixed, {"config.env-settings": "fail"})
    record_scorecard(old_then_fixed)
    record_scorecard(make_service("b"), {"config.env-settings": "fail"})
    record_scorecard(make_service("c"), {"config.env-settings": "unknown"})
    retired = make_service("d", retired=True)
    record_scorecard(retired, {"config.env-settings": "fail"})
    response = client.get(reverse("factors:detail", args=["config"]))
    rate = next(
        c["rate"] for c in response.context["checks"] if c["spec"].id == "config.env-settings"
    )
    assert (rate.passed, rate.failed, rate.inconclusive, rate.percent) == (1, 1, 1, 50.0)


@pytest.mark.parametrize("count", [10, 500])
def test_factor_pages_query_count_is_constant(client, django_assert_max_num_queries, count):
    for n in range(count):
        record_scorecard(make_service(f"s{n}"), {"logs.structured": "fail"})
    # Session, user, the user's roles (no role, no page), and the page's own query.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("factors:detail", args=["logs"])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("factors:list")).status_code == 200


def test_unknown_factor_is_404(client):
    assert client.get(reverse("factors:detail", args=["nope"])).status_code == 404
