"""The Celery broker as a backing service: is it reachable, and how much work waits in it."""

from __future__ import annotations

from django.conf import settings

DEFAULT_QUEUE = "celery"


def broker_problem(timeout: float = 2.0) -> str | None:
    """None when the broker answers (or tasks run in-process); otherwise the reason."""
    if not settings.CELERY_BROKER_URL:
        return None
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # kombu raises transport-specific errors; all mean "not ready"
        return f"broker: {type(exc).__name__}"
    return None


def queue_names() -> list[str]:
    from portal.celery import app

    queues = app.conf.task_queues
    names = [q.name for q in queues] if queues else []
    return names or [app.conf.task_default_queue or DEFAULT_QUEUE]


def queue_depths() -> dict[str, int]:
    """Tasks waiting per queue (Redis ``LLEN``); empty with another broker or none."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {}
    from portal.celery import app

    try:
        with app.connection_for_read() as conn:
            client = conn.default_channel.client
            return {name: int(client.llen(name)) for name in queue_names()}
    except Exception:  # a scrape must not fail because the broker is down; readyz says so
        return {}
