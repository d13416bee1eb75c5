"""The worker side: coalescing with active scans, failures, pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scorecards import scanning
from scorecards.models import Scan, WebhookDelivery
from scorecards.webhooks import processing
from tests.factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    scans: list[Scan] = []
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", scans.append)
    return scans


def _delivery(delivery_id="d", received_at=None, **work) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        delivery_id=delivery_id,
        event="push",
        state=WebhookDelivery.State.QUEUED,
        received_at=received_at or timezone.now(),
        work={"kind": "rescan", "repository": "acme-corp/orders", "reason": "push", **work},
    )


def test_a_push_coalesces_into_a_scan_still_queued(enqueued):
    service = make_service("orders", repository="acme-corp/orders")
    queued = Scan.objects.create(trigger="webhook", scope="orders", service=service)
    delivery = processing.process(_delivery().pk)
    assert delivery.result == {"scans": {"orders": {"scan": queued.pk, "coalesced": True}}}
    assert enqueued == []


def test_a_push_coalesces_into_a_scan_started_after_it_arrived(enqueued):
    service = make_service("orders", repository="acme-corp/orders")
    arrived = timezone.now() - timedelta(seconds=5)
    Scan.objects.create(
        trigger="webhook", scope="orders", service=service, state="running", started_at=arrived
    )
    delivery = processing.process(_delivery(received_at=arrived - timedelta(seconds=1)).pk)
    assert delivery.state == "done"


def test_a_push_waits_for_a_scan_that_started_before_it(enqueued):
    # That scan fetched the old head: coalescing into it would lose the pushed commit.
    service = make_service("orders", repository="acme-corp/orders")
    started = timezone.now() - timedelta(seconds=30)
    Scan.objects.create(
        trigger="webhook", scope="orders", service=service, state="running", started_at=started
    )
    delivery = _delivery()
    with pytest.raises(processing.ScopeBusy):
        processing.process(delivery.pk)
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == "queued"


def test_a_scan_that_cannot_be_queued_does_not_block_later_pushes(monkeypatch):
    make_service("orders", repository="acme-corp/orders")

    def down(scan):
        raise ConnectionError("broker gone")

    monkeypatch.setattr("scorecards.tasks.enqueue_scan", down)
    with pytest.raises(ConnectionError):
        processing.process(_delivery().pk)
    assert Scan.objects.get().state == "failed"


def test_a_bug_in_the_work_marks_the_delivery_failed(monkeypatch):
    make_service("orders", repository="acme-corp/orders")

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(processing.scanning, "request_scan", broken)
    delivery = processing.process(_delivery().pk)
    assert delivery.state == "failed"
    assert delivery.error == "KeyError: 'surprise'"


def test_a_finished_delivery_is_not_done_again(enqueued):
    make_service("orders", repository="acme-corp/orders")
    delivery = _delivery()
    processing.process(delivery.pk)
    Scan.objects.update(state="succeeded")
    processing.process(delivery.pk)
    assert Scan.objects.count() == 1


def test_old_deliveries_are_pruned(settings):
    settings.WEBHOOK_RETENTION_DAYS = 14
    old = _delivery("old", received_at=timezone.now() - timedelta(days=15))
    recent = _delivery("recent", received_at=timezone.now() - timedelta(days=13))
    assert processing.prune_deliveries() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()


def test_while_one_push_waits_for_a_running_scan_the_others_ride_on_it(enqueued):
    service = make_service("orders", repository="acme-corp/orders")
    started = timezone.now() - timedelta(seconds=30)
    Scan.objects.create(
        trigger="webhook", scope="orders", service=service, state="running", started_at=started
    )
    first, second = _delivery("first"), _delivery("second")
    with pytest.raises(processing.ScopeBusy):
        processing.process(first.pk)
    assert WebhookDelivery.objects.get(pk=first.pk).result == {"waiting": "orders"}
    done = processing.process(second.pk)
    assert done.state == "done"
    assert done.result["scans"]["orders"]["after"] == "first"


def test_a_push_already_fetched_by_a_finished_scan_starts_no_other(enqueued):
    # Queued behind a burst, the delivery is processed after a scan that started after it
    # arrived has already finished: that scan fetched the pushed commit.
    service = make_service("orders", repository="acme-corp/orders")
    arrived = timezone.now() - timedelta(seconds=10)
    finished = Scan.objects.create(
        trigger="webhook",
        scope="orders",
        service=service,
        state="succeeded",
        sources=scanning.configured_sources_for(service),
        started_at=arrived + timedelta(seconds=2),
        finished_at=arrived + timedelta(seconds=4),
    )
    delivery = processing.process(_delivery(received_at=arrived).pk)
    assert delivery.result == {"scans": {"orders": {"scan": finished.pk, "coalesced": True}}}
    assert enqueued == []


@pytest.mark.parametrize(
    ("state", "started_after_arrival"),
    [("succeeded", False), ("failed", True), ("partial", True)],
)
def test_a_finished_scan_that_may_have_missed_the_push_does_not_cover_it(
    enqueued, state, started_after_arrival
):
    service = make_service("orders", repository="acme-corp/orders")
    arrived = timezone.now() - timedelta(seconds=10)
    started = arrived + timedelta(seconds=2 if started_after_arrival else -2)
    Scan.objects.create(
        trigger="webhook",
        scope="orders",
        service=service,
        state=state,
        sources=scanning.configured_sources_for(service),
        started_at=started,
        finished_at=started + timedelta(seconds=2),
    )
    processing.process(_delivery(received_at=arrived).pk)
    assert len(enqueued) == 1


def test_a_finished_scan_of_fewer_sources_does_not_cover_a_push(enqueued):
    service = make_service("orders", repository="acme-corp/orders")
    arrived = timezone.now() - timedelta(seconds=10)
    Scan.objects.create(
        trigger="webhook",
        scope="orders",
        service=service,
        state="succeeded",
        sources=[],
        started_at=arrived + timedelta(seconds=2),
        finished_at=arrived + timedelta(seconds=4),
    )
    processing.process(_delivery(received_at=arrived).pk)
    assert len(enqueued) == 1
