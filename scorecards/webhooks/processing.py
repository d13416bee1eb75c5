"""The worker side of a webhook delivery: do the work ``github_events.decide`` wrote down.

Every kind of work is idempotent, so a task redelivered after a worker died repeats nothing
that matters: rescans coalesce into the active scan, evaluations are one per head commit,
catalogue changes are plain updates.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scorecards import scanning, sources
from scorecards.models import Scan, Service, WebhookDelivery

logger = logging.getLogger(__name__)


class ScopeBusy(Exception):
    """A scan of the same scope is already running with what it fetched before this delivery
    arrived; the work must wait for it to end (coalescing into it would miss the new commit)."""


def process(delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    if delivery.state in (WebhookDelivery.State.DONE, WebhookDelivery.State.FAILED):
        return delivery
    handler = HANDLERS[delivery.work.get("kind", "")]
    try:
        result = handler(delivery)
    except ScopeBusy:
        raise
    except Exception as exc:
        if isinstance(exc, scanning_transient()):
            raise  # the task retries it
        logger.exception("webhook work failed", extra={"delivery": delivery.delivery_id})
        delivery.state = WebhookDelivery.State.FAILED
        delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        delivery.state = WebhookDelivery.State.DONE
        delivery.result = result
    delivery.finished_at = timezone.now()
    delivery.save(update_fields=["state", "result", "error", "finished_at"])
    prune_deliveries()
    return delivery


def scanning_transient() -> tuple[type[BaseException], ...]:
    from scorecards.collectors.github import RateLimited
    from scorecards.tasks import TRANSIENT

    return (*TRANSIENT, RateLimited)


def prune_deliveries(now=None) -> int:
    """Forget deliveries older than ``WEBHOOK_RETENTION_DAYS``: GitHub redelivers for days,
    not weeks, so older ids can no longer come back as replays."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def _covers(scan: Scan, since) -> bool:
    """Whether an active scan will still see a change made at ``since``: it has not started
    collecting yet, or it started after the change arrived."""
    return scan.state == Scan.State.QUEUED or (
        scan.started_at is not None and scan.started_at >= since
    )


def _finished_scan_covering(service: Service | None, since, sources_: list[str] | None):
    """A scan of the scope that started collecting after ``since`` and succeeded: it already
    fetched what was pushed by then, so the delivery needs no scan of its own.

    In a burst, deliveries wait in the queue behind the scans of earlier ones; many are
    processed after such a scan has finished, and would otherwise each start one more.
    """
    wanted = set(sources_ or scanning.configured_sources_for(service))
    candidates = Scan.objects.filter(
        scope=service.slug if service else "*",
        state=Scan.State.SUCCEEDED,
        started_at__gte=since,
    ).order_by("-started_at")[:5]
    return next((scan for scan in candidates if wanted <= set(scan.sources)), None)


def request_rescan(
    service: Service | None,
    reason: str,
    since,
    requested_by: str,
    sources_: list[str] | None = None,
    delivery_id: str = "",
) -> dict:
    done = _finished_scan_covering(service, since, sources_)
    if done is not None:
        return {"scan": done.pk, "coalesced": True}
    scan, created = scanning.request_scan(
        Scan.Trigger.WEBHOOK,
        service=service,
        sources=sources_,
        reason=reason,
        requested_by=requested_by,
    )
    if created:
        from scorecards.tasks import enqueue_scan

        try:
            enqueue_scan(scan)
        except Exception:
            # Not queued: a queued scan nobody runs would swallow every later push of its
            # scope until it times out, so it is failed now and the task is retried.
            Scan.objects.filter(pk=scan.pk, state=Scan.State.QUEUED).update(
                state=Scan.State.FAILED, error="could not be queued", finished_at=timezone.now()
            )
            raise
        return {"scan": scan.pk, "coalesced": False}
    if not _covers(scan, since):
        # One delivery per scope waits for the running scan to end and then requests the next
        # one, which starts after every delivery already received: the others ride on it
        # instead of all polling (a burst of 100 pushes would otherwise poll 100 times a second).
        waiter = (
            WebhookDelivery.objects.filter(
                state=WebhookDelivery.State.QUEUED, result__waiting=scan.scope
            )
            .exclude(delivery_id=delivery_id)
            .first()
        )
        if waiter is not None:
            return {"scan": scan.pk, "coalesced": True, "after": waiter.delivery_id}
        WebhookDelivery.objects.filter(delivery_id=delivery_id).update(
            result={"waiting": scan.scope}
        )
        raise ScopeBusy(f"scan {scan.pk} of {scan.scope} started before this delivery")
    return {"scan": scan.pk, "coalesced": True}


def waiting_for(scope: str) -> list[int]:
    """Deliveries queued behind a busy scan of ``scope`` (see ``request_rescan``)."""
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.QUEUED, result__waiting=scope
        ).values_list("pk", flat=True)
    )


def _services_of(repository: str):
    return list(Service.objects.filter(repository=repository, retired=False).order_by("slug"))


def _rescan(delivery: WebhookDelivery) -> dict:
    work = delivery.work
    if work.get("service"):
        services = list(Service.objects.filter(slug=work["service"]))
    else:
        services = _services_of(work["repository"])
    scans = {
        service.slug: request_rescan(
            service,
            work["reason"],
            delivery.received_at,
            delivery.event,
            delivery_id=delivery.delivery_id,
        )
        for service in services
    }
    return {"scans": scans}


def _pull_request(delivery: WebhookDelivery) -> dict:
    from scorecards.webhooks.pull_requests import evaluate_pull_request

    evaluations = evaluate_pull_request(delivery.work, _services_of(delivery.work["repository"]))
    return {
        "evaluations": {
            e.service.slug: {"id": e.pk, "score": e.score, "regressions": e.regressions}
            for e in evaluations
        }
    }


def _catalogue(delivery: WebhookDelivery) -> dict:
    work = delivery.work
    change = work["change"]
    if change == "rename":
        with transaction.atomic():
            renamed = Service.objects.filter(repository=work["old_repository"]).update(
                repository=work["repository"]
            )
        return {"renamed": renamed}
    if change == "retire":
        return {
            "retired": Service.objects.filter(repository=work["repository"]).update(retired=True)
        }
    restored = Service.objects.filter(repository=work["repository"]).update(retired=False)
    scans = {
        s.slug: request_rescan(
            s,
            f"{work['repository']} unarchived",
            delivery.received_at,
            "",
            delivery_id=delivery.delivery_id,
        )
        for s in _services_of(work["repository"])
    }
    return {"restored": restored, "scans": scans}


def _discover(delivery: WebhookDelivery) -> dict:
    work = delivery.work
    retired = 0
    if work.get("retire"):
        retired = Service.objects.filter(repository__in=work["retire"]).update(retired=True)
    wanted = ["github"] if "github" in sources.configured_sources() else None
    scan = request_rescan(
        None,
        work["reason"],
        delivery.received_at,
        delivery.event,
        sources_=wanted,
        delivery_id=delivery.delivery_id,
    )
    return {"retired": retired, "scans": {"*": scan}}


HANDLERS = {
    "rescan": _rescan,
    "pull_request": _pull_request,
    "catalogue": _catalogue,
    "discover": _discover,
}
