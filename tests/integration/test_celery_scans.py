"""Scans through real Celery workers on Redis and PostgreSQL, including a worker killed mid-scan."""

import shutil
from datetime import date
from pathlib import Path

import django
import pytest

from scorecards import scanning
from scorecards.models import Scan, Scorecard, Service, SourceRun
from scorecards.tasks import scan_organisation
from tests.integration.conftest import wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _finished(scan_id):
    scan = Scan.objects.get(pk=scan_id)
    return scan if scan.state not in Scan.ACTIVE_STATES else None


def test_a_scheduled_scan_fans_out_over_a_real_worker(workers, settings):
    settings.DEMO_ORGANISATION = str(EXAMPLES)
    workers(DEMO_ORGANISATION=str(EXAMPLES))
    # No result backend: the scan's progress lives in the database, so poll that.
    scan_organisation.delay(reason="integration test")
    scan = wait_for(lambda: Scan.objects.filter(reason="integration test").first())
    scan = wait_for(lambda: _finished(scan.pk))
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert scan.trigger == Scan.Trigger.SCHEDULE
    assert Scorecard.objects.filter(scan=scan).count() == 3
    assert Service.objects.get(slug="inventory-api").latest_scorecard.level == "Gold"
    assert scan.progress["services"]["done"] == 3


@pytest.fixture
def big_repository(tmp_path):
    """A real tree big enough that collecting it takes a few seconds (Django's own source)."""
    target = tmp_path / "big-monolith"
    shutil.copytree(
        Path(django.__file__).parent,
        target / "src" / "django",
        ignore=shutil.ignore_patterns("__pycache__", "locale"),
    )
    (target / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["gunicorn", "app"]\n')
    return target


def test_killing_the_worker_mid_scan_loses_nothing(workers, settings, big_repository):
    settings.LOCAL_REPOSITORIES = [str(big_repository)]
    env = {"LOCAL_REPOSITORIES": str(big_repository), "CELERY_VISIBILITY_TIMEOUT": "3"}
    # A first, complete scan: its scorecard is what must survive.
    first, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scanning.run_scan(first.pk, today=date(2026, 11, 25))
    service = Service.objects.get(slug="big-monolith")
    previous = service.latest_scorecard_id
    assert previous is not None

    doomed = workers(**env)
    scan_organisation.delay(reason="to be interrupted")
    scan = wait_for(lambda: Scan.objects.filter(reason="to be interrupted").first())
    wait_for(lambda: SourceRun.objects.filter(scan=scan, state=SourceRun.State.RUNNING).exists())
    doomed.kill()

    service.refresh_from_db()
    assert service.latest_scorecard_id == previous  # the old scorecard still stands
    assert Scan.objects.get(pk=scan.pk).state == Scan.State.RUNNING

    # Another worker picks the unacknowledged task up again and finishes the scan.
    workers(**env)
    scan = wait_for(lambda: _finished(scan.pk), timeout=120)
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    service.refresh_from_db()
    assert service.latest_scorecard_id != previous
    assert service.latest_scorecard.scan_id == scan.pk
    assert SourceRun.objects.filter(scan=scan).count() == 1
