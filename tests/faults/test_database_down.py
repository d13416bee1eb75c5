"""The database unreachable: from the web process while a GitHub webhook arrives, and from the
worker in the middle of a task.

The receiver's connection is pointed at a loopback port where nothing listens, so psycopg
really fails to connect (the worker keeps its own connection). The answer is 503, so GitHub
delivers again; nothing is recorded half-way: either the delivery is recorded and queued, or a
redelivery finds it and does not queue the work twice. A worker that loses its connection
mid-task retries the task once the database is back.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from scorecards.models import Scan, Scorecard, Service, SourceRun, WebhookDelivery
from scorecards.tasks import process_webhook_delivery, scan_organisation
from tests.faults.conftest import (
    CHANGED,
    finished,
    free_port,
    misroute,
    scan_in_process,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)
HEAD = "acme-corp/svc-000"


@contextmanager
def database_unreachable():
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.fixture
def scanned(github, workers):
    scan_in_process()
    github.push(HEAD, CHANGED)
    workers(**github.env)
    return Service.objects.get(repository=HEAD)


def _webhook_card(service: Service):
    return Scorecard.objects.filter(scan__trigger=Scan.Trigger.WEBHOOK, service=service).first()


def test_a_webhook_while_the_database_is_down_is_503_and_leaves_nothing(
    scanned, push, client, github
):
    with database_unreachable():
        refused = push(HEAD, "delivery-db-down")
        ready = client.get("/readyz")
    assert refused.status_code == 503
    assert refused.json()["reason"] == "database: OperationalError"
    assert ready.status_code == 503 and ready.json()["reason"] == "database: OperationalError"
    assert not WebhookDelivery.objects.exists()
    assert Scan.objects.count() == 1

    # GitHub's redelivery, with the database back: recorded, queued, scanned.
    assert push(HEAD, "delivery-db-down").status_code == 202
    card = wait_for(lambda: _webhook_card(scanned), timeout=30)
    assert card.commit == github.heads[HEAD]
    assert WebhookDelivery.objects.get(delivery_id="delivery-db-down").state == "done"


def test_the_database_lost_after_queueing_is_503_and_the_redelivery_queues_nothing_twice(
    scanned, push, monkeypatch, github
):
    real = process_webhook_delivery.apply_async
    outage = database_unreachable()

    def publish_then_lose_the_database(*args, **kwargs):
        result = real(*args, **kwargs)
        outage.__enter__()  # the delivery is recorded and queued; marking it queued fails
        return result

    monkeypatch.setattr(process_webhook_delivery, "apply_async", publish_then_lose_the_database)
    try:
        refused = push(HEAD, "delivery-lost-midway")
    finally:
        outage.__exit__(None, None, None)
    assert refused.status_code == 503
    assert refused.json()["reason"] == "database: OperationalError"

    # The worker did the queued work once; the redelivery finds it and queues nothing.
    monkeypatch.undo()
    card = wait_for(lambda: _webhook_card(scanned), timeout=30)
    assert card.commit == github.heads[HEAD]
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(delivery_id="delivery-lost-midway", state="done")
    )
    again = push(HEAD, "delivery-lost-midway")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert delivery.count() == 1
    assert Scan.objects.filter(trigger=Scan.Trigger.WEBHOOK).count() == 1


def test_a_worker_losing_the_database_mid_task_retries_and_the_scan_completes(
    github, database_proxy, workers, monkeypatch
):
    proxy, url = database_proxy
    first = scan_in_process()
    github.push("acme-corp/svc-001", CHANGED)
    release = threading.Event()

    def hold(request, path, kind):
        if kind == "commit" and "/svc-001/" in path:
            release.wait(timeout=30)
        return None

    misroute(github, monkeypatch, hold)
    workers(**github.env, DATABASE_URL=url)
    scan_organisation.delay(reason="database failover")
    scan = wait_for(lambda: Scan.objects.filter(reason="database failover").first())
    wait_for(lambda: SourceRun.objects.filter(scan=scan, state=SourceRun.State.RUNNING).exists())

    proxy.cut()  # a failover: every connection of the worker dropped, new ones refused
    release.set()
    wait_for(lambda: proxy.refused > 0, timeout=10)  # the worker met the outage
    proxy.restore()

    scan = wait_for(lambda: finished(scan.pk), timeout=30)
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert Scorecard.objects.filter(scan=scan).count() == 3
    assert Scorecard.objects.filter(scan=first).count() == 3
    changed = Service.objects.get(repository="acme-corp/svc-001").latest_scorecard
    assert changed.commit == github.heads["acme-corp/svc-001"]
