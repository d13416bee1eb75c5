"""Aggregates cached per data version are recomputed as soon as the data they read changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards import roles
from scorecards.models import Scorecard, Service
from scorecards.web import history_cache
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    client.force_login(make_person("lena", roles.PLATFORM_LEAD))
    return client


def test_the_version_changes_when_a_scorecard_is_recorded_even_in_the_past():
    service = make_service("orders")
    record_scorecard(service)
    before = history_cache.data_version()
    record_scorecard(service, when=timezone.now() - timedelta(days=40))
    assert history_cache.data_version() != before


def test_the_version_changes_when_a_service_retires_moves_team_or_is_deleted():
    payments, search = make_team("payments"), make_team("search")
    make_service("orders", payments)
    make_service("billing", search)
    seen = {history_cache.data_version()}
    Service.objects.filter(slug="orders").update(team=search)
    seen.add(history_cache.data_version())
    Service.objects.filter(slug="orders").update(retired=True)
    seen.add(history_cache.data_version())
    Service.objects.filter(slug="billing").delete()
    seen.add(history_cache.data_version())
    assert len(seen) == 4


def test_the_version_is_the_same_while_nothing_changes():
    record_scorecard(make_service("orders", make_team("payments")))
    assert history_cache.data_version() == history_cache.data_version()


def test_cached_returns_the_first_value_until_the_version_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert history_cache.cached("sum", "v1", compute) == 1
    assert history_cache.cached("sum", "v1", compute) == 1
    assert history_cache.cached("sum", "v2", compute) == 2


def test_the_dashboard_shows_a_new_scorecard_at_once(lead):
    service = make_service("orders", make_team("payments"))
    record_scorecard(service, when=timezone.now() - timedelta(hours=2))
    first = lead.get(reverse("dashboard:org")).context
    assert first["summary"].score == 100.0
    assert first["failing_checks"] == []
    check_id = Scorecard.objects.get().results.order_by("check_id").first().check_id
    record_scorecard(service, {check_id: "fail"})
    second = lead.get(reverse("dashboard:org")).context
    assert second["summary"].score < 100.0
    assert [check.check_id for check, _ in second["failing_checks"]] == [check_id]


def test_the_factor_guide_shows_a_new_failure_at_once(lead):
    service = make_service("orders")
    record_scorecard(service)
    url = reverse("factors:detail", args=["config"])
    [first, *_] = lead.get(url).context["checks"]
    assert first["rate"].failed == 0
    record_scorecard(service, {first["spec"].id: "fail"})
    [again, *_] = lead.get(url).context["checks"]
    assert again["rate"].failed == 1
