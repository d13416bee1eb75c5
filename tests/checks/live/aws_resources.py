"""Live AWS resources for check tests, shaped as the AWS collector hands them to checks.

Each builder returns one resource of ``collect_aws``'s inventory (docs/aws-facts.md) with
plain defaults; keyword arguments replace fields. :func:`result` scores one check with
these facts, optionally next to a fixture repository.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.checks.results import CheckResult
from scorecards.collectors.localdir import collect_directory
from scorecards.collectors.repo_files.redaction import is_secret_name
from scorecards.engine import evaluate_service

REPOS = Path(__file__).resolve().parents[2] / "fixtures" / "repos"
TODAY = date(2026, 11, 25)
ACCOUNT = "123456789012"
REGION = "eu-west-1"


def env(
    name: str, kind: str = "literal", secret_like_value: bool = False, flag: bool = False
) -> dict:
    return {
        "name": name,
        "value_kind": kind,
        "secret_like_name": is_secret_name(name),
        "secret_like_value": secret_like_value,
        "flag": flag,
    }


def _base(rtype: str, arn: str, name: str, tags: dict | None) -> dict:
    return {
        "type": rtype,
        "arn": arn,
        "account": ACCOUNT,
        "region": REGION,
        "name": name,
        "tags": tags or {},
        "unreadable": [],
    }


def lambda_function(name: str = "orders", **fields) -> dict:
    resource = _base(
        "lambda.function", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}", name, None
    )
    resource.update(
        {
            "runtime": "python3.12",
            "package_type": "Zip",
            "handler": "app.handler",
            "description": "",
            "memory": 256,
            "timeout": 10,
            "architectures": ["arm64"],
            "code_size": 2 * 1024 * 1024,
            "code_sha256": "c2hhMjU2",
            "last_modified": "2026-11-01T10:00:00.000+0000",
            "state": "Active",
            "image_uri": None,
            "resolved_image_uri": None,
            "tracing": "PassThrough",
            "logging": {
                "format": "Text",
                "log_group": f"/aws/lambda/{name}",
                "application_level": None,
                "system_level": None,
            },
            "layers": [],
            "env": [],
            "versions": [],
            "aliases": [],
            "reserved_concurrency": None,
            "provisioned_concurrency": [],
            "snap_start": "None",
            "ephemeral_storage": 512,
            "kms_key": False,
            "vpc": False,
            "dead_letter": False,
        }
    )
    resource.update(fields)
    return resource


def version(number: int, description: str = "", runtime: str = "python3.12") -> dict:
    return {
        "version": str(number),
        "description": description,
        "runtime": runtime,
        "last_modified": "2026-11-01T10:00:00.000+0000",
    }


def ecs_container(name: str = "web", image: str = "registry.example/web:1.4.2", **fields) -> dict:
    container = {
        "name": name,
        "image": image,
        "essential": True,
        "environment": [],
        "environment_files": [],
        "secrets": [],
        "log_configuration": {
            "driver": "awslogs",
            "options": {"awslogs-group": f"/ecs/{name}", "awslogs-region": REGION},
            "secret_options": [],
        },
        "firelens": None,
        "health_check": None,
        "port_mappings": [],
        "mount_points": [],
        "stop_timeout": None,
        "start_timeout": None,
        "user": None,
        "readonly_root_filesystem": None,
        "command": None,
        "entry_point": None,
        "docker_labels": {},
        "depends_on": [],
    }
    container.update(fields)
    return container


def health_check(start_period: int | None = None) -> dict:
    return {
        "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "start_period": start_period,
    }


def ecs_service(
    name: str = "web",
    containers: list[dict] | None = None,
    *,
    volumes: list[dict] | None = None,
    task_tags: dict | None = None,
    **fields,
) -> dict:
    cluster = "main"
    resource = _base(
        "ecs.service", f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{cluster}/{name}", name, None
    )
    task_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{name}:7"
    resource.update(
        {
            "cluster": cluster,
            "cluster_arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}",
            "status": "ACTIVE",
            "desired_count": 2,
            "running_count": 2,
            "launch_type": "FARGATE",
            "capacity_providers": [],
            "scheduling_strategy": "REPLICA",
            "deployment": {
                "maximum_percent": 200,
                "minimum_healthy_percent": 100,
                "circuit_breaker": {"enable": True, "rollback": True},
                "controller": "ECS",
            },
            "load_balancers": [],
            "health_check_grace_period": None,
            "task_definition_arn": task_arn,
            "autoscaling": None,
            "task_definition": {
                "arn": task_arn,
                "family": name,
                "revision": 7,
                "cpu": "512",
                "memory": "1024",
                "network_mode": "awsvpc",
                "requires_compatibilities": ["FARGATE"],
                "task_role": True,
                "volumes": volumes or [],
                "tags": task_tags or {},
                "containers": containers if containers is not None else [ecs_container(name)],
            },
        }
    )
    resource.update(fields)
    return resource


def autoscaling(minimum: int = 2, maximum: int = 10) -> dict:
    return {
        "min": minimum,
        "max": maximum,
        "suspended": False,
        "policies": [{"name": "cpu", "type": "TargetTrackingScaling"}],
    }


def load_balancer(container: str = "web", port: int = 8080) -> dict:
    return {
        "target_group_arn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web/1",
        "load_balancer_name": None,
        "container_name": container,
        "container_port": port,
    }


def rest_stage(
    api: str = "orders-api", stage: str = "prod", access_logs: bool = True, **fields
) -> dict:
    resource = _base(
        "apigateway.stage",
        f"arn:aws:apigateway:{REGION}::/restapis/a1b2c3/stages/{stage}",
        f"{api}/{stage}",
        None,
    )
    resource.update(
        {
            "api_id": "a1b2c3",
            "api_name": api,
            "api_tags": {},
            "stage": stage,
            "protocol": "REST",
            "deployment_id": "d1",
            "access_logs": (
                {"destination": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/api", "format": True}
                if access_logs
                else None
            ),
            "tracing": False,
            "execution_logging": None,
        }
    )
    resource.update(fields)
    return resource


def http_stage(api: str = "orders-http", stage: str = "$default", access_logs: bool = True):
    resource = rest_stage(api, stage, access_logs)
    resource.update(
        {
            "type": "apigatewayv2.stage",
            "arn": f"arn:aws:apigateway:{REGION}::/apis/x9y8/stages/{stage}",
            "protocol": "HTTP",
            "tracing": None,
            "auto_deploy": True,
        }
    )
    resource.pop("execution_logging")
    return resource


def log_group(name: str, retention_days: int | None = 30, writers: list[str] | None = None):
    resource = _base(
        "logs.log-group", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}", name, None
    )
    resource.update(
        {
            "retention_days": retention_days,
            "stored_bytes": 1024,
            "kms": False,
            "log_group_class": "STANDARD",
            "created": 1790000000000,
            "writers": writers or [],
        }
    )
    return resource


def facts(*resources: dict) -> dict:
    return {"schema": 1, "source": "aws", "resources": list(resources)}


def result(
    check_id: str,
    *resources: dict,
    repo: str | Path | dict | None = None,
    aws: dict | None = None,
    today: date = TODAY,
) -> CheckResult:
    """One check scored with these live resources (and a fixture repository when given)."""
    if isinstance(repo, str | Path):
        path = Path(repo)
        repo = collect_directory(path if path.is_absolute() else REPOS / path)
    ctx = CheckContext(repo=repo, aws=aws if aws is not None else facts(*resources))
    report = evaluate_service(ctx, today=today)
    return next(r for r in report.results if r.id == check_id)
