"""From a real moto server to verdicts: collector, per-service facts, engine."""

from __future__ import annotations

import json

from scorecards.checks.context import CheckContext
from scorecards.collectors.aws import collect_aws, service_facts
from scorecards.engine import evaluate_service
from tests.checks.live.aws_resources import TODAY
from tests.collectors.aws.builders import (
    container,
    create_ecs_service,
    create_function,
    register_autoscaling,
)
from tests.collectors.aws.conftest import moto, moto_endpoint  # noqa: F401  (fixtures)


def _statuses(report) -> dict[str, str]:
    return {r.id: str(r.status) for r in report.results}


def test_a_lambda_service_is_judged_from_what_runs(moto):  # noqa: F811
    role = moto.lambda_role()
    create_function(
        moto,
        "orders-api",
        role,
        runtime="python3.8",
        env={"DB_PASSWORD": "hunter2hunter2", "DATABASE_URL": "postgres://db/orders"},
        tags={"service": "orders"},
        tracing="Active",
        publish=True,
    )
    create_function(moto, "billing", role, tags={"service": "billing"})
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/orders-api")

    inventory = collect_aws(moto.config())
    report = evaluate_service(
        CheckContext(aws=service_facts(inventory, "orders")), today=TODAY, service="orders"
    )

    statuses = _statuses(report)
    assert report.kinds == ["serverless"]
    assert statuses["deps.runtime-supported"] == "fail"
    assert statuses["config.secrets-from-store"] == "fail"
    assert statuses["build.release-versioned"] == "pass"
    assert statuses["telemetry.instrumented"] == "pass"
    assert statuses["logs.retention"] == "fail"  # the group has no retention
    assert statuses["backing.attached-by-url"] == "pass"
    assert "hunter2hunter2" not in json.dumps(report.as_dict())


def test_an_ecs_service_is_judged_from_its_task_definition_and_scaling(moto):  # noqa: F811
    create_ecs_service(
        moto,
        "web",
        [
            container(
                "web",
                "registry.example/web:latest",
                portMappings=[{"containerPort": 8080}],
                healthCheck={
                    "command": ["CMD-SHELL", "curl -f localhost:8080/up"],
                    "startPeriod": 15,
                },
                logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}},
                secrets=[
                    {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/db"}
                ],
            )
        ],
        tags={"service": "web"},
    )
    register_autoscaling(moto, "main", "web", 2, 8)

    inventory = collect_aws(moto.config(services=("ecs",)))
    report = evaluate_service(CheckContext(aws=service_facts(inventory, "web")), today=TODAY)

    statuses = _statuses(report)
    assert report.kinds == ["container"]
    assert statuses["build.image-tag-immutable"] == "fail"
    assert statuses["concurrency.autoscaling"] == "pass"
    assert statuses["disposability.health-probes"] == "pass"
    assert statuses["disposability.fast-startup"] == "pass"
    assert statuses["port.declared"] == "pass"
    assert statuses["logs.aggregated"] == "pass"
    assert statuses["config.secrets-from-store"] == "pass"
    assert statuses["processes.stateless"] == "pass"
