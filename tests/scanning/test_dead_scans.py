"""Dead scans (issue 13, item 9): a scan whose in-process runner is gone is failed as
"abandoned" by the next request for its scope, which then starts a new scan instead of
joining the dead one for an hour."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from scorecards import scanning, tasks
from scorecards.models import Scan, Service
from scorecards.roles import PLATFORM_LEAD
from tests.factories import make_service
from tests.web.users import make_person

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOST = socket.gethostname()


@pytest.fixture(scope="module")
def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(service: Service | None, worker: str, beat_ago: float = 1.0) -> Scan:
    now = timezone.now()
    return Scan.objects.create(
        trigger="manual",
        scope=service.slug if service else "*",
        service=service,
        state=Scan.State.RUNNING,
        started_at=now - timedelta(seconds=beat_ago + 5),
        heartbeat_at=now - timedelta(seconds=beat_ago),
        worker=worker,
        sources=["local"],
    )


def _request(service: Service) -> tuple[Scan, bool]:
    return scanning.request_scan(Scan.Trigger.MANUAL, service=service)


def test_a_scan_whose_process_ended_is_abandoned_and_a_new_one_starts(dead_pid):
    service = make_service("orders", repository="orders")
    dead = _running(service, f"inproc:{HOST}:{dead_pid}")
    scan, created = _request(service)
    assert created and scan.pk != dead.pk
    dead.refresh_from_db()
    assert dead.state == Scan.State.FAILED
    assert dead.error.startswith("abandoned")


def test_a_scan_this_process_no_longer_runs_is_abandoned():
    # The request running it raised (or was interrupted) and the process lives on.
    service = make_service("orders", repository="orders")
    dead = _running(service, f"inproc:{HOST}:{os.getpid()}")
    assert _request(service)[1]
    dead.refresh_from_db()
    assert dead.state == Scan.State.FAILED


def test_a_scan_this_process_is_running_is_joined():
    service = make_service("orders", repository="orders")
    live = _running(service, f"inproc:{HOST}:{os.getpid()}")
    with scanning.running_here(live.pk):
        scan, created = _request(service)
    assert (scan.pk, created) == (live.pk, False)


def test_another_hosts_scan_is_abandoned_only_once_its_heartbeat_is_stale(settings):
    settings.SCAN_HEARTBEAT_TIMEOUT_SECONDS = 600
    service = make_service("orders", repository="orders")
    live = _running(service, "inproc:other-host:1234", beat_ago=30)
    assert _request(service) == (live, False)
    Scan.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=601))
    assert _request(service)[1]
    live.refresh_from_db()
    assert live.state == Scan.State.FAILED


def test_a_broker_workers_quiet_scan_is_left_to_the_overall_timeout(dead_pid):
    # Its tasks wait in the queue or are redelivered after a worker dies: not dead.
    service = make_service("orders", repository="orders")
    quiet = _running(service, f"{HOST}:{dead_pid}", beat_ago=7200)
    assert _request(service) == (quiet, False)


def test_progress_moves_the_heartbeat_and_names_the_runner():
    service = make_service("orders", repository="orders")
    scan, _ = _request(service)
    with scanning.running_here(scan.pk):
        scanning._update_progress(scan.pk, lambda p: None)
    scan.refresh_from_db()
    assert scan.worker == f"inproc:{HOST}:{os.getpid()}"
    assert timezone.now() - scan.heartbeat_at < timedelta(minutes=1)


@pytest.fixture
def examples(settings):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = str(EXAMPLES)


def test_a_step_that_raises_in_process_fails_its_scan_at_once(examples, monkeypatch):
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)

    def broken(scan_id):
        raise RuntimeError("planner bug")

    monkeypatch.setattr(scanning, "plan_services", broken)
    with pytest.raises(RuntimeError):
        tasks.enqueue_scan(scan)
    scan.refresh_from_db()
    assert (scan.state, scan.error) == (Scan.State.FAILED, "abandoned: RuntimeError: planner bug")
    assert not Scan.objects.filter(state__in=Scan.ACTIVE_STATES).exists()


def test_rescan_now_replaces_a_dead_scan_instead_of_joining_it(examples, client, dead_pid):
    first, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scanning.run_scan(first.pk)
    service = Service.objects.get(slug="inventory-api")
    dead = _running(service, f"inproc:{HOST}:{dead_pid}")
    client.force_login(make_person("lead", PLATFORM_LEAD))
    response = client.post(f"/services/{service.slug}/rescan/")
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.state == Scan.State.FAILED
    fresh = Scan.objects.exclude(pk__in=[first.pk, dead.pk]).get()
    assert fresh.state == Scan.State.SUCCEEDED
    assert f"scan={fresh.pk}" in response["Location"]
