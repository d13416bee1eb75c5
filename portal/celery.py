"""The Celery app for the worker and beat processes: ``celery -A portal worker`` / ``beat``.

Configuration comes from Django settings (``CELERY_*``), which come from the environment.
With no ``CELERY_BROKER_URL`` tasks run in-process (``CELERY_TASK_ALWAYS_EAGER``).
"""

import os
from datetime import datetime

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

from portal.queues import QUEUES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # Django's LOGGING already sends every logger to stdout as JSON; keep it.
    worker_hijack_root_logger=False,
    # A task is acknowledged when done, so a worker stopped mid-task (SIGTERM, node drain)
    # hands it back to the broker instead of losing it; one task reserved at a time.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # Beat answers `celery inspect ping` (celerybeat@<hostname>) while it ticks: its liveness probe.
    beat_enable_remote_control=True,
    # Declared, so a worker started without -Q (Procfile, compose, tests) consumes every queue;
    # the Kubernetes worker Deployments narrow it with -Q (portal/queues.py, docs/scaling.md).
    task_queues=[Queue(name) for name in QUEUES],
)
app.autodiscover_tasks()


def beat_schedule(scan_schedule: str) -> dict:
    """Periodic tasks for ``celery beat``: the full rescan on ``SCAN_SCHEDULE`` (five cron
    fields: minute hour day-of-month month day-of-week) and a sweep for scans whose worker
    died, every five minutes; old webhook delivery records pruned daily."""
    minute, hour, day_of_month, month, day_of_week = scan_schedule.split()
    return {
        "full-rescan": {
            "task": "scorecards.tasks.scan_organisation",
            "schedule": crontab(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month,
                day_of_week=day_of_week,
            ),
            "kwargs": {"trigger": "schedule", "reason": f"schedule {scan_schedule}"},
        },
        "expire-lost-scans": {
            "task": "scorecards.tasks.expire_lost_scans",
            "schedule": crontab(minute="*/5"),
        },
        "prune-webhook-deliveries": {
            "task": "scorecards.tasks.prune_webhook_deliveries",
            "schedule": crontab(minute=17, hour=4),
        },
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings.SCAN_SCHEDULE)


def next_full_rescan(scan_schedule: str, now: datetime) -> datetime:
    """When beat will next start the full rescan: what a stale source waits for at the latest."""
    schedule = beat_schedule(scan_schedule)["full-rescan"]["schedule"]
    schedule.app = app
    schedule.nowfun = lambda: now
    return now + schedule.remaining_estimate(now)
