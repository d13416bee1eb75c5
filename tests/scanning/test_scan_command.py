"""``manage.py scan``: synchronous runs with a summary, queueing, and clear errors."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from scorecards.models import Scan, Scorecard

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def _demo_organisation(settings):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = str(EXAMPLES)


def test_sync_scan_prints_a_summary_per_source_and_service():
    out = StringIO()
    call_command("scan", "--sync", stdout=out)
    text = out.getvalue()
    assert "succeeded: 3 services, 132 check results" in text
    assert "local: done, 0 requests" in text
    assert "inventory-api" in text and "Gold" in text
    inventory = Scorecard.objects.get(service__slug="inventory-api")
    assert f"Gold  {inventory.coverage:g}% decided" in text
    assert Scorecard.objects.count() == 3


def test_one_service_can_be_rescanned_by_name():
    call_command("scan", "--sync", stdout=StringIO())
    out = StringIO()
    call_command("scan", "--sync", "--service", "Legacy-Shop", stdout=out)
    assert "1 services" in out.getvalue()
    assert Scan.objects.first().scope == "legacy-shop"


def test_an_unknown_service_or_unconfigured_source_is_a_clear_error():
    with pytest.raises(CommandError, match="no service named 'nope'"):
        call_command("scan", "--service", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="not configured: aws"):
        call_command("scan", "--source", "aws", stdout=StringIO())


def test_without_sync_the_scan_is_queued_for_the_workers():
    out = StringIO()
    call_command("scan", stdout=out)
    # The embedded default runs tasks in-process, so the queued scan has already finished.
    scan = Scan.objects.get()
    assert f"Scan {scan.pk} queued (local)" in out.getvalue()
    assert scan.state == Scan.State.SUCCEEDED


def test_beat_runs_the_full_rescan_on_scan_schedule_and_sweeps_lost_scans():
    from portal.celery import app, beat_schedule

    schedule = beat_schedule("30 2 * * 1-5")
    rescan = schedule["full-rescan"]
    assert rescan["task"] == "scorecards.tasks.scan_organisation"
    assert rescan["task"] in app.tasks
    assert schedule["expire-lost-scans"]["task"] in app.tasks
    assert schedule["prune-webhook-deliveries"]["task"] in app.tasks
    cron = rescan["schedule"]
    assert cron.hour == {2} and cron.minute == {30} and cron.day_of_week == {1, 2, 3, 4, 5}
