"""Celery routes each task to its queue; collect_source by its ``source`` argument."""

from __future__ import annotations

import pytest

from portal.celery import app
from portal.queues import QUEUES, route_task


def queue_of(name: str, *args, **kwargs) -> str:
    route = app.amqp.router.route({}, name, args, kwargs)
    return route["queue"].name


@pytest.mark.parametrize(
    ("source", "queue"),
    [("github", "github"), ("local", "github"), ("aws", "aws"), ("kubernetes", "kubernetes")],
)
def test_collect_source_goes_to_the_queue_of_its_source(source, queue):
    assert queue_of("scorecards.tasks.collect_source", 7, source) == queue
    assert queue_of("scorecards.tasks.collect_source", scan_id=7, source=source) == queue


def test_scoring_steps_and_webhook_rescans_have_their_own_queues():
    assert queue_of("scorecards.tasks.score_service", 1, 2) == "scoring"
    assert queue_of("scorecards.tasks.plan_scan", 1) == "scoring"
    assert queue_of("scorecards.tasks.scan_service", 3) == "webhooks"
    assert queue_of("scorecards.webhooks.tasks.handle_delivery") == "webhooks"


def test_every_routed_queue_is_consumed_by_a_worker_deployment():
    from tests.test_deploy_files import base_objects

    consumed = set()
    for deployment in base_objects("Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            command = container.get("command") or []
            if "worker" in command and "-Q" in command:
                consumed |= set(command[command.index("-Q") + 1].split(","))
    assert consumed == set(QUEUES)


def test_unknown_tasks_fall_back_to_the_default_queue():
    assert route_task("celery.chord_unlock", (), {}, {}) is None
    assert app.conf.task_default_queue == "scoring"


def test_a_worker_without_q_consumes_every_routed_queue():
    """Procfile and compose start one worker with no -Q: it must read every queue a task can be
    routed to, or those tasks would wait forever."""
    from portal.celery import app
    from portal.queues import QUEUES, TASK_QUEUES

    declared = {q.name for q in app.conf.task_queues}
    assert declared == set(QUEUES)
    assert set(TASK_QUEUES.values()) <= declared
    for name in app.tasks:
        if name.startswith("scorecards."):
            route = route_task(name, (1, "github"), {}, {})
            assert route is None or route["queue"] in declared, name
