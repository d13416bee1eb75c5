"""A stale source on the scorecard page: its reason and when the portal reads it again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.celery import next_full_rescan
from scorecards import roles
from scorecards.models import Snapshot, SourceRun
from scorecards.web import queries
from tests.factories import make_service, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 14, 10, tzinfo=UTC)


def _stale(source: str, retry_at: float | None = None):
    service = make_service("orders")
    card = record_scorecard(service, stale_sources=[source])
    Snapshot.objects.create(
        service=service, scan=card.scan, source=source, stale=True, error="rate limit reached"
    )
    requests = {"retry_at": retry_at} if retry_at else {}
    SourceRun.objects.create(scan=card.scan, source=source, state="done", requests=requests)
    return card


def test_the_next_full_rescan_follows_the_schedule():
    assert next_full_rescan("0 3 * * *", NOW) == datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


def test_a_rate_limited_source_is_tried_again_when_the_limit_resets():
    reset = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    card = _stale("github", retry_at=reset.timestamp())
    (snapshot,) = queries.sources_of(card, now=NOW)
    assert snapshot.retry_at == reset


def test_another_failure_is_tried_again_by_the_next_scheduled_scan(settings):
    settings.SCAN_SCHEDULE = "30 2 * * *"
    card = _stale("kubernetes")
    (snapshot,) = queries.sources_of(card, now=NOW)
    assert snapshot.retry_at == datetime(2026, 12, 3, 2, 30, tzinfo=UTC)


def test_the_page_shows_the_reason_and_the_next_try(client):
    client.force_login(make_person("vera", roles.VIEWER))
    card = _stale("github", retry_at=datetime(2099, 1, 1, 9, 30, tzinfo=UTC).timestamp())
    html = client.get(f"/services/{card.service.slug}/").content.decode()
    assert "rate limit reached" in html
    assert "Next try: <time" in html and "2099-01-01 09:30" in html
