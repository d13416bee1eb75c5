"""Record a webhook's decided work and queue it: the answer is 202 only once both happened.

The order matters. The delivery row is committed first (the worker must be able to read it),
then the task is published. If the broker refuses, the row stays ``received`` and the caller
answers 503: GitHub redelivers with the same ``X-GitHub-Delivery``, which finds that row and
queues it again instead of calling it a replay. A row ``queued`` or later is a replay.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from kombu.exceptions import KombuError

from scorecards import sources
from scorecards.models import Service, WebhookDelivery

logger = logging.getLogger(__name__)

# WebhookDelivery.delivery_id's length: longer ids are refused, never cut (cut ids collide).
MAX_DELIVERY_ID = 100
# Publishing waits at most about a second for the broker, then the sender is told to retry.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


class Unavailable(Exception):
    """The database or the broker cannot take the work now: answer 503 so it is sent again."""


@dataclass(frozen=True)
class Accepted:
    delivery: WebhookDelivery
    duplicate: bool


def new_delivery_id() -> str:
    """Ids for deliveries the portal receives without one of GitHub's (``/webhooks/rescan``)."""
    return f"rescan-{uuid.uuid4()}"


def why_not(work: dict) -> str | None:
    """Why work the payload asks for cannot be done here, or None when it can."""
    kind = work.get("kind")
    if kind in ("rescan", "pull_request"):
        try:
            tracked = Service.objects.filter(repository=work["repository"], retired=False).exists()
        except DatabaseError as exc:
            raise Unavailable(f"database: {type(exc).__name__}") from exc
        if not tracked:
            return f"no service of the catalogue is built from {work['repository']}"
    if kind == "pull_request" and "github" not in sources.configured_sources():
        return "GitHub API access is not configured (GITHUB_TOKEN or GitHub App, GITHUB_ORGS)"
    return None


def accept(delivery_id: str, event: str, action: str, repository: str, work: dict) -> Accepted:
    """Record the delivery and queue its work; raises ``Unavailable`` when either fails."""
    if len(delivery_id) > MAX_DELIVERY_ID:
        raise ValueError(f"a delivery id is at most {MAX_DELIVERY_ID} characters")
    try:
        delivery, created = WebhookDelivery.objects.get_or_create(
            delivery_id=delivery_id,
            defaults={
                "event": event[:60],
                "action": action[:60],
                "repository": repository[:300],
                "work": work,
            },
        )
    except DatabaseError as exc:
        raise Unavailable(f"database: {type(exc).__name__}") from exc
    if not created and delivery.state != WebhookDelivery.State.RECEIVED:
        return Accepted(delivery, duplicate=True)

    from scorecards.tasks import process_webhook_delivery

    try:
        process_webhook_delivery.apply_async((delivery.pk,), retry=True, retry_policy=PUBLISH_RETRY)
    except (KombuError, ConnectionError, OSError) as exc:
        logger.warning(
            "webhook work not queued", extra={"delivery": delivery_id, "error": str(exc)}
        )
        raise Unavailable(f"broker: {type(exc).__name__}") from exc
    except Exception as exc:
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        # No broker: the work ran in this request and gave up after its retries (a database
        # blip, a rate limit). The row stays ``received``: the sender's redelivery runs it again.
        logger.warning(
            "webhook work failed in-process", extra={"delivery": delivery_id, "error": str(exc)}
        )
        raise Unavailable(f"in-process work: {type(exc).__name__}") from exc
    try:
        # Only from ``received``: an eager or very fast worker may already have finished it.
        WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.RECEIVED).update(
            state=WebhookDelivery.State.QUEUED
        )
    except DatabaseError as exc:
        # Queued but not marked: a redelivery queues it once more, which is harmless because
        # every kind of work is idempotent (scans coalesce, evaluations are per head commit).
        raise Unavailable(f"database: {type(exc).__name__}") from exc
    return Accepted(delivery, duplicate=False)
