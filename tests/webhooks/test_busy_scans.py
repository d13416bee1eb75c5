"""Busy is never a 500 (issue 13, item 9): without a broker, a delivery that finds its scope's
scan running is accepted, waits, and runs when that scan ends; a dead scan is replaced."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from scorecards import scanning, tasks
from scorecards.models import Scan, Service, WebhookDelivery

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "rescan-token-for-tests"


@pytest.fixture
def service(settings) -> Service:
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the embedded mode
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = str(EXAMPLES)
    first, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scanning.run_scan(first.pk)
    return Service.objects.get(slug="inventory-api")


def _busy(service: Service, worker: str) -> Scan:
    now = timezone.now()
    return Scan.objects.create(
        trigger="manual",
        scope=service.slug,
        service=service,
        state=Scan.State.RUNNING,
        started_at=now - timedelta(seconds=30),
        heartbeat_at=now - timedelta(seconds=1),
        worker=worker,
        sources=["local"],
    )


def _rescan(client, slug: str):
    return client.post(
        "/webhooks/rescan",
        {"service": slug},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )


def test_a_delivery_for_a_busy_scope_is_accepted_and_runs_when_the_scan_ends(client, service):
    busy = _busy(service, "inproc:another-web-host:4242")
    response = _rescan(client, service.slug)
    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.result) == ("queued", {"waiting": service.slug})
    assert list(Scan.objects.filter(service=service)) == [busy]  # nothing new yet

    tasks._finish(busy.pk)  # the other process's scan ends
    delivery.refresh_from_db()
    assert delivery.state == "done"
    newest = Scan.objects.filter(service=service).order_by("-pk").first()
    assert newest.pk != busy.pk and newest.state == Scan.State.SUCCEEDED
    assert newest.started_at >= delivery.received_at


def test_a_delivery_for_a_dead_scope_replaces_the_dead_scan(client, service):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = _busy(service, f"inproc:{socket.gethostname()}:{child.pid}")
    response = _rescan(client, service.slug)
    assert response.status_code == 202
    dead.refresh_from_db()
    assert dead.state == Scan.State.FAILED and dead.error.startswith("abandoned")
    assert WebhookDelivery.objects.get().state == "done"
    newest = Scan.objects.filter(service=service).order_by("-pk").first()
    assert newest.state == Scan.State.SUCCEEDED


def test_in_process_work_that_gives_up_is_a_503_to_send_again_not_a_500(
    client, service, monkeypatch
):
    from django.db import OperationalError

    from scorecards.webhooks import processing

    def database_blip(delivery_id):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(processing, "process", database_blip)
    response = _rescan(client, service.slug)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert WebhookDelivery.objects.get().state == "received"  # a redelivery runs it again
