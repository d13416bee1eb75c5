"""Scrape-time metrics (team scores, scan durations, queue depth), readyz's broker check,
and the token command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from scorecards.api.auth import digest_of
from scorecards.models import ApiToken
from tests.factories import make_team

pytestmark = pytest.mark.django_db


def test_metrics_expose_team_scores_and_scan_durations(client, org, settings):
    settings.METRICS_TOKEN = "m"
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer m").content.decode()
    payments = [
        line for line in text.splitlines() if line.startswith('portal_team_score{team="payments"}')
    ]
    assert len(payments) == 1
    assert 'portal_team_services{level="Gold",team="payments"} 1.0' in text
    assert 'portal_scan_last_duration_seconds{trigger="schedule"} 2.0' in text


def test_readyz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    from portal.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 503
    assert response.json()["reason"].startswith("broker: ")


def test_the_token_command_prints_the_token_once_and_stores_its_digest():
    out, err = io.StringIO(), io.StringIO()
    make_team("payments")
    call_command(
        "create_api_token", "ci-payments", "--write", "--team", "payments", stdout=out, stderr=err
    )
    token = out.getvalue().strip()
    row = ApiToken.objects.get()
    assert (row.name, row.can_write, row.digest) == ("ci-payments", True, digest_of(token))
    assert "cannot be shown again" in err.getvalue()
