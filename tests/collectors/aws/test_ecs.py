"""ECS services, their task definitions and autoscaling, collected from a real moto server."""

from __future__ import annotations

import json

from scorecards.collectors.aws import collect_aws
from tests.collectors.aws.builders import (
    ACCOUNT,
    REGION,
    by_type,
    container,
    create_ecs_service,
    register_autoscaling,
    requests_for,
)

SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:web/db-XyZ123"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/web/splunk-token"


def _web_container() -> dict:
    return container(
        "web",
        "registry.example/web:latest",
        environment=[
            {"name": "DB_PASSWORD", "value": "hunter2hunter2"},
            {"name": "PORT", "value": "8080"},
            {"name": "DATABASE_URL", "value": "postgres://web:s3cr3t-pass@db.internal/web"},
        ],
        secrets=[{"name": "API_KEY", "valueFrom": SECRET_ARN}],
        logConfiguration={
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "/ecs/web",
                "awslogs-region": REGION,
                "awslogs-stream-prefix": "web",
            },
            "secretOptions": [{"name": "splunk-token", "valueFrom": PARAMETER_ARN}],
        },
        healthCheck={
            "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 20,
        },
        portMappings=[{"containerPort": 8080, "protocol": "tcp"}],
        stopTimeout=25,
        user="1000:1000",
        readonlyRootFilesystem=True,
        command=["gunicorn", "app:wsgi", "--api-token", "tok_live_abcdefghijk123"],
        dockerLabels={
            "org.opencontainers.image.revision": "3f2a9c1",
            "datadog.api_key": "0123456789abcdef0123456789abcdef",
        },
    )


def test_it_embeds_the_task_definition_without_secret_values(moto):
    create_ecs_service(
        moto,
        "web",
        [_web_container(), container("sidecar", "amazon/aws-xray-daemon:3.3.7", essential=False)],
        tags={"service": "web", "team": "storefront"},
        cpu="512",
        memory="1024",
        networkMode="awsvpc",
    )

    inventory = collect_aws(moto.config())

    dumped = json.dumps(inventory)
    for secret in (
        "hunter2hunter2",
        "s3cr3t-pass",
        "tok_live_abcdefghijk123",
        "0123456789abcdef0123456789abcdef",
    ):
        assert secret not in dumped
    service = by_type(inventory, "ecs.service")["web"]
    assert service["arn"] == f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/main/web"
    assert service["cluster"] == "main"
    assert service["desired_count"] == 2
    assert service["launch_type"] == "FARGATE"
    assert service["tags"] == {"service": "web", "team": "storefront"}
    task = service["task_definition"]
    assert (task["family"], task["revision"], task["cpu"], task["memory"]) == (
        "web",
        1,
        "512",
        "1024",
    )
    assert task["network_mode"] == "awsvpc"
    assert task["tags"] == {"service": "web", "team": "storefront"}
    web, sidecar = task["containers"]
    assert web["image"] == "registry.example/web:latest"
    assert sidecar["essential"] is False
    env = {e["name"]: e for e in web["environment"]}
    assert env["DB_PASSWORD"]["value_kind"] == "literal"
    assert env["DB_PASSWORD"]["secret_like_name"] and env["DB_PASSWORD"]["secret_like_value"]
    assert env["DATABASE_URL"]["secret_like_value"] is True  # a password inside the URL
    assert env["PORT"]["secret_like_value"] is False
    assert web["secrets"] == [{"name": "API_KEY", "value_from": SECRET_ARN}]
    assert web["log_configuration"] == {
        "driver": "awslogs",
        "options": {
            "awslogs-group": "/ecs/web",
            "awslogs-region": REGION,
            "awslogs-stream-prefix": "web",
        },
        "secret_options": ["splunk-token"],
    }
    assert web["health_check"]["command"][0] == "CMD-SHELL"
    assert (web["health_check"]["interval"], web["health_check"]["start_period"]) == (15, 20)
    assert web["port_mappings"][0]["container_port"] == 8080
    assert (web["stop_timeout"], web["user"], web["readonly_root_filesystem"]) == (
        25,
        "1000:1000",
        True,
    )
    assert web["command"] == ["gunicorn", "app:wsgi", "--api-token", "«redacted»"]
    assert web["docker_labels"]["org.opencontainers.image.revision"] == "3f2a9c1"
    assert web["docker_labels"]["datadog.api_key"] == "«redacted»"


def test_it_joins_scalable_targets_and_policies_to_their_service(moto):
    create_ecs_service(moto, "api", [container()], desired=2)
    create_ecs_service(moto, "worker", [container("worker")], desired=1)
    register_autoscaling(moto, "main", "api", 2, 12)

    services = by_type(collect_aws(moto.config()), "ecs.service")

    assert services["api"]["autoscaling"] == {
        "min": 2,
        "max": 12,
        "suspended": False,
        "policies": [{"name": "api-cpu", "type": "TargetTrackingScaling"}],
    }
    assert services["worker"]["autoscaling"] is None
    assert "autoscaling" not in services["worker"]["unreadable"]


def test_it_describes_services_in_batches_and_each_task_definition_once(moto):
    ecs = moto.client("ecs")
    ecs.create_cluster(clusterName="big")
    task = ecs.register_task_definition(family="shared", containerDefinitions=[container()])
    for i in range(12):
        ecs.create_service(
            cluster="big",
            serviceName=f"svc-{i:02}",
            taskDefinition=task["taskDefinition"]["taskDefinitionArn"],
            desiredCount=1,
        )

    inventory = collect_aws(moto.config(services=("ecs",)))

    assert len(by_type(inventory, "ecs.service")) == 12
    # ListClusters, ListServices, DescribeServices x2 (10 + 2), one DescribeTaskDefinition
    assert requests_for(inventory, "ecs") == 5
    assert requests_for(inventory, "application-autoscaling") == 2


def test_a_region_without_services_asks_nothing_more_than_the_cluster_list(moto):
    inventory = collect_aws(moto.config(services=("ecs",)))

    assert inventory["resources"] == []
    assert requests_for(inventory, "ecs") == 1
    assert requests_for(inventory, "application-autoscaling") == 0
