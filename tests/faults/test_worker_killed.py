"""The worker killed (SIGKILL) in the middle of a scan.

GitHub holds one answer until the test lets it go, so the kill lands while ``collect_source``
is running. Tasks are acknowledged late: Redis hands the task to the next worker once the
visibility timeout (2 s here, 1 h by default) has passed. Either that worker finishes the scan,
or, when the sweeper has already failed the stuck scan, the redelivered task does nothing and
a rerun works. The previous scorecards stand throughout; no scorecard is written twice.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from scorecards import scanning
from scorecards.models import Scan, Scorecard, Service, SourceRun
from scorecards.tasks import scan_organisation
from tests.faults.conftest import (
    CHANGED,
    finished,
    misroute,
    scan_in_process,
    scan_on_worker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)
REDELIVER_AFTER = {"CELERY_VISIBILITY_TIMEOUT": "2"}


@pytest.fixture
def stuck(github, monkeypatch, workers):
    """A complete scan, then a scan whose worker is killed while GitHub holds an answer."""
    first = scan_in_process()
    assert first.state == Scan.State.SUCCEEDED, first.error
    latest = set(Service.objects.values_list("latest_scorecard_id", flat=True))
    github.push("acme-corp/svc-001", CHANGED)
    release = threading.Event()

    def hold(request, path, kind):
        if kind == "commit" and "/svc-001/" in path:
            release.wait(timeout=30)
        return None

    misroute(github, monkeypatch, hold)
    doomed = workers(**github.env, **REDELIVER_AFTER)
    scan_organisation.delay(reason="to be interrupted")
    scan = wait_for(lambda: Scan.objects.filter(reason="to be interrupted").first())
    wait_for(lambda: SourceRun.objects.filter(scan=scan, state=SourceRun.State.RUNNING).exists())
    doomed.kill()
    release.set()
    # Killed mid-task: nothing of the interrupted scan replaced anything.
    assert set(Service.objects.values_list("latest_scorecard_id", flat=True)) == latest
    assert not Scorecard.objects.filter(scan=scan).exists()
    return first, scan, latest


def test_the_task_is_redelivered_and_the_scan_completes_once(github, stuck, workers):
    first, scan, latest = stuck
    workers(**github.env, **REDELIVER_AFTER)
    scan = wait_for(lambda: finished(scan.pk), timeout=30)

    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert SourceRun.objects.filter(scan=scan).count() == 1
    # One scorecard per service for each scan: the earlier ones kept, none written twice.
    assert Scorecard.objects.filter(scan=scan).count() == 3
    assert Scorecard.objects.filter(pk__in=latest).count() == 3
    assert set(Service.objects.values_list("latest_scorecard__scan", flat=True)) == {scan.pk}
    changed = Service.objects.get(repository="acme-corp/svc-001").latest_scorecard
    assert changed.commit == github.heads["acme-corp/svc-001"]


def test_a_stuck_scan_is_failed_by_the_sweeper_and_a_rerun_works(
    github, stuck, workers, celery_app
):
    first, scan, latest = stuck
    later = timezone.now() + timedelta(seconds=settings.SCAN_TIMEOUT_SECONDS + 1)
    assert scanning.expire_lost_scans(now=later) == 1
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED
    assert "its worker stopped" in scan.error

    workers(**github.env, **REDELIVER_AFTER)
    # The redelivered collection meets a failed scan and adds nothing to it.
    with celery_app.connection_for_read() as conn:
        redis = conn.default_channel.client
        wait_for(lambda: redis.hlen("unacked") == 0 and redis.llen("github") == 0, timeout=30)
    assert Scan.objects.get(pk=scan.pk).state == Scan.State.FAILED
    assert not Scorecard.objects.filter(scan=scan).exists()
    assert set(Service.objects.values_list("latest_scorecard_id", flat=True)) == latest

    rerun = scan_on_worker("rerun after the failure")
    assert rerun.state == Scan.State.SUCCEEDED, rerun.error
    assert Scorecard.objects.filter(scan=rerun).count() == 3
    assert Scorecard.objects.count() == 6  # the first scan's three and the rerun's three
