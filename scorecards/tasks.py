"""Celery tasks: thin wrappers over ``scorecards.scanning``.

Fan-out without a result backend: every source is collected by its own task; the one that
finishes last (``collect_source`` returns True) enqueues the planning; every service is then
scored by its own task, and the last one finishes the scan. Each step is idempotent, tasks are
acknowledged late, so a worker killed mid-task hands its task to another worker, which
repeats only what was not stored.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

import portal.celery  # noqa: F401  (binds @shared_task to the configured app; see portal/__init__)
from scorecards import scanning
from scorecards.models import Scan, Service

logger = logging.getLogger(__name__)

# Network blips, throttling and database failovers are worth another try; bugs are not.
# Django's database errors are no OSError: without them a failover mid-task dropped the task
# and left its scan running until the sweeper failed it.
TRANSIENT = (ConnectionError, TimeoutError, OSError, OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


def enqueue_scan(scan: Scan) -> None:
    """Start a scan's first step on the workers (in-process with the embedded default)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        _start(scan)
        return
    # In-process, every step runs here and now: the scan is this process's until it ends, and
    # a step that raises ends it too (nothing would ever redeliver the rest).
    with scanning.running_here(scan.pk):
        try:
            _start(scan)
        except BaseException as exc:
            Scan.objects.filter(pk=scan.pk, state__in=Scan.ACTIVE_STATES).update(
                state=Scan.State.FAILED,
                finished_at=timezone.now(),
                error=f"abandoned: {type(exc).__name__}: {exc}"[:2000],
            )
            raise


def _start(scan: Scan) -> None:
    if not scan.sources:
        plan_scan.delay(scan.pk)
        return
    for source in scan.sources:
        collect_source.delay(scan.pk, source)


@shared_task(**RETRY)
def scan_organisation(trigger: str = Scan.Trigger.SCHEDULE, reason: str = "") -> int:
    """Beat's entry point: a full rescan of every source (coalesced with one already active)."""
    scan, created = scanning.request_scan(trigger, reason=reason or "scheduled full rescan")
    if created:
        enqueue_scan(scan)
    return scan.pk


@shared_task(**RETRY)
def scan_service(service_id: int, trigger: str = Scan.Trigger.MANUAL, reason: str = "") -> int:
    service = Service.objects.get(pk=service_id)
    scan, created = scanning.request_scan(trigger, service=service, reason=reason)
    if created:
        enqueue_scan(scan)
    return scan.pk


@shared_task(**RETRY)
def collect_source(scan_id: int, source: str) -> None:
    finished = scanning.collect_source(scan_id, source)
    reset = scanning.rate_limit_reset(scan_id, source)
    if reset is not None:
        schedule_follow_up(scan_id, source, reset)
    if finished:
        plan_scan.delay(scan_id)


def schedule_follow_up(scan_id: int, source: str, reset: datetime) -> None:
    """Finish a rate-limited collection once the limit resets, instead of failing the scan."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process tasks ignore ``eta``: resuming now would only hit the limit again.
        logger.warning(
            "rate limited; the next scheduled scan resumes",
            extra={"scan": scan_id, "source": source, "reset": reset.isoformat()},
        )
        return
    follow_up_scan.apply_async((scan_id, source), eta=reset + timedelta(seconds=5))


@shared_task(**RETRY)
def follow_up_scan(scan_id: int, source: str) -> int:
    scan, created = scanning.request_follow_up(scan_id, source)
    if created:
        enqueue_scan(scan)
    return scan.pk


@shared_task(**RETRY)
def plan_scan(scan_id: int) -> None:
    service_ids = scanning.plan_services(scan_id)
    if not service_ids:
        _finish(scan_id)
        return
    for service_id in service_ids:
        score_service.delay(scan_id, service_id)


@shared_task(**RETRY)
def score_service(scan_id: int, service_id: int) -> None:
    if scanning.score_service(scan_id, service_id):
        _finish(scan_id)


def _finish(scan_id: int) -> None:
    scan = scanning.finish_scan(scan_id)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process, a delivery that found this scan busy was not retried (there is no
        # queue to wait in): it runs now that the scope is free.
        from scorecards.webhooks import processing

        for delivery_id in processing.waiting_for(scan.scope):
            process_webhook_delivery.delay(delivery_id)


@shared_task
def expire_lost_scans() -> int:
    return scanning.expire_lost_scans()


# --- webhooks (scorecards/webhooks) ---------------------------------------------------------


@shared_task(bind=True, **RETRY)
def process_webhook_delivery(self, delivery_id: int) -> None:
    from django.conf import settings

    from scorecards.webhooks import processing

    try:
        processing.process(delivery_id)
    except processing.ScopeBusy as busy:
        if self.request.is_eager:
            # No broker to wait in: retrying here would raise out of the webhook's request
            # (a 500). The delivery stays queued, marked waiting, and runs when the busy
            # scan finishes (``_finish``); a dead one is failed by the next request for it.
            logger.info("webhook waits for a running scan", extra={"reason": str(busy)})
            return
        # Poll until the running scan ends; it cannot outlive SCAN_TIMEOUT_SECONDS.
        raise self.retry(exc=busy, countdown=1, max_retries=settings.SCAN_TIMEOUT_SECONDS) from None


@shared_task
def prune_webhook_deliveries() -> int:
    from scorecards.webhooks import processing

    return processing.prune_deliveries()
