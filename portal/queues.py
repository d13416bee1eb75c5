"""Celery queue routing: one queue per source, so a slow AWS account cannot starve webhooks.

``collect_source`` is routed by its ``source`` argument (``github``, ``aws``, ``kubernetes``;
the ``local`` source goes with ``github``: both analyse repositories). Scoring and planning go
to ``scoring``; webhook-triggered rescans (``scan_service``, and tasks of the webhooks app) to
``webhooks``. Worker Deployments consume different queues (deploy/kubernetes/base/worker*.yaml,
docs/scaling.md), so each can be sized and scaled on its own.
"""

from __future__ import annotations

from typing import Any

QUEUES = ("github", "aws", "kubernetes", "scoring", "webhooks")
SOURCE_QUEUES = {"github": "github", "local": "github", "aws": "aws", "kubernetes": "kubernetes"}
TASK_QUEUES = {
    "scorecards.tasks.plan_scan": "scoring",
    "scorecards.tasks.score_service": "scoring",
    "scorecards.tasks.scan_organisation": "scoring",
    "scorecards.tasks.expire_lost_scans": "scoring",
    "scorecards.tasks.scan_service": "webhooks",
    # Cheap and latency-bound: a push's rescan waits on it.
    "scorecards.tasks.process_webhook_delivery": "webhooks",
    "scorecards.tasks.prune_webhook_deliveries": "scoring",
    "scorecards.tasks.follow_up_scan": "scoring",
}


def route_task(name: str, args: Any, kwargs: Any, options: Any, task=None, **kw) -> dict | None:
    """Celery router (``CELERY_TASK_ROUTES``): the queue of one task call."""
    if name == "scorecards.tasks.collect_source":
        source = (kwargs or {}).get("source")
        if source is None and args and len(args) > 1:
            source = args[1]
        return {"queue": SOURCE_QUEUES.get(str(source), "scoring")}
    if name in TASK_QUEUES:
        return {"queue": TASK_QUEUES[name]}
    if name.startswith(("scorecards.webhooks", "scorecards.api")):
        return {"queue": "webhooks"}
    return None  # anything else: Celery's default queue, which the scoring workers also read
