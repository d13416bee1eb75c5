"""The broker (Redis) stopped and started again, between scans and during one.

Redis runs here without persistence, as the test services do: a restart empties it. While it
is down the webhook receiver answers 503 (GitHub redelivers) and the readiness probe says why;
once it is back the worker reconnects by itself and later work runs.
"""

from __future__ import annotations

import threading

import pytest

from scorecards.models import Scan, Scorecard, Service, SourceRun, WebhookDelivery
from scorecards.tasks import scan_organisation
from tests.faults.conftest import CHANGED, finished, misroute, scan_in_process, wait_for
from tests.integration.conftest import Worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_on_own_redis(own_redis, github, settings):
    settings.CELERY_BROKER_URL = own_redis.url  # what the readiness probe checks
    worker = Worker(own_redis.url, github.env).start()
    yield worker
    worker.stop()


def test_webhooks_answer_503_while_the_broker_is_down_and_work_resumes_after(
    github, own_redis, worker_on_own_redis, push, client
):
    scan_in_process()
    service = Service.objects.get(repository="acme-corp/svc-000")
    previous = service.latest_scorecard
    github.push("acme-corp/svc-000", CHANGED)

    own_redis.stop()
    refused = push("acme-corp/svc-000", "delivery-during-outage")
    assert refused.status_code == 503
    assert refused.json()["reason"].startswith("broker: ")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["reason"].startswith("broker: ")
    # Recorded as received only, so GitHub's redelivery queues it; no scan was started.
    assert WebhookDelivery.objects.get(delivery_id="delivery-during-outage").state == "received"
    assert Scan.objects.count() == 1

    own_redis.start()
    assert client.get("/readyz").status_code == 200
    accepted = push("acme-corp/svc-000", "delivery-during-outage")  # GitHub's redelivery
    assert accepted.status_code == 202
    card = wait_for(
        lambda: Scorecard.objects.filter(
            service=service, commit=github.heads["acme-corp/svc-000"]
        ).first(),
        timeout=30,
    )
    assert card.scan.trigger == Scan.Trigger.WEBHOOK
    assert Scorecard.objects.filter(pk=previous.pk).exists()
    service.refresh_from_db()
    assert service.latest_scorecard == card


def test_a_scan_running_while_the_broker_restarts_completes(
    github, own_redis, worker_on_own_redis, monkeypatch
):
    first = scan_in_process()
    github.push("acme-corp/svc-001", CHANGED)
    release = threading.Event()

    def hold(request, path, kind):
        if kind == "commit" and "/svc-001/" in path:
            release.wait(timeout=30)
        return None

    misroute(github, monkeypatch, hold)
    scan_organisation.delay(reason="across a broker restart")
    scan = wait_for(lambda: Scan.objects.filter(reason="across a broker restart").first())
    wait_for(lambda: SourceRun.objects.filter(scan=scan, state=SourceRun.State.RUNNING).exists())

    own_redis.stop()
    own_redis.start()
    release.set()
    # The collection finishes in the worker; it queues the next step on the restarted broker.
    scan = wait_for(lambda: finished(scan.pk), timeout=30)
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert Scorecard.objects.filter(scan=scan).count() == 3
    assert Scorecard.objects.filter(scan=first).count() == 3
    changed = Service.objects.get(repository="acme-corp/svc-001").latest_scorecard
    assert changed.scan_id == scan.pk and changed.commit == github.heads["acme-corp/svc-001"]
