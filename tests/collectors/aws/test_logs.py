"""CloudWatch log groups collected from a real moto server."""

from __future__ import annotations

from scorecards.collectors.aws import collect_aws
from tests.collectors.aws.builders import (
    ACCOUNT,
    REGION,
    by_type,
    container,
    create_ecs_service,
    create_function,
    requests_for,
)


def test_it_reads_retention_and_tags(moto):
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/orders", tags={"service": "orders"})
    logs.put_retention_policy(logGroupName="/aws/lambda/orders", retentionInDays=30)
    logs.create_log_group(logGroupName="/ecs/forever")

    groups = by_type(collect_aws(moto.config()), "logs.log-group")

    orders = groups["/aws/lambda/orders"]
    assert orders["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders"
    assert orders["retention_days"] == 30
    assert orders["tags"] == {"service": "orders"}
    assert orders["kms"] is False
    assert groups["/ecs/forever"]["retention_days"] is None
    assert groups["/ecs/forever"]["tags"] == {}


def test_it_follows_pages_of_log_groups(moto):
    logs = moto.client("logs")
    for i in range(120):
        logs.create_log_group(logGroupName=f"/app/group-{i:03}")

    inventory = collect_aws(moto.config(services=("logs",), log_group_tags=False))

    assert len(by_type(inventory, "logs.log-group")) == 120
    assert requests_for(inventory, "logs") == 3  # 50 + 50 + 20, no tag calls


def test_tags_cost_one_call_per_group(moto):
    logs = moto.client("logs")
    for i in range(55):
        logs.create_log_group(logGroupName=f"/app/group-{i:03}", tags={"service": "app"})

    inventory = collect_aws(moto.config(services=("logs",)))

    groups = by_type(inventory, "logs.log-group")
    assert all(g["tags"] == {"service": "app"} for g in groups.values())
    assert requests_for(inventory, "logs") == 2 + 55


def test_it_links_log_groups_to_the_resources_writing_to_them(moto):
    role = moto.lambda_role()
    create_function(moto, "orders", role)
    create_ecs_service(
        moto,
        "web",
        [
            container(
                logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}
            )
        ],
    )
    logs = moto.client("logs")
    for name in ("/aws/lambda/orders", "/ecs/web", "/unrelated"):
        logs.create_log_group(logGroupName=name)

    inventory = collect_aws(moto.config())

    groups = by_type(inventory, "logs.log-group")
    assert groups["/aws/lambda/orders"]["writers"] == [
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"
    ]
    assert groups["/ecs/web"]["writers"] == [f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/main/web"]
    assert groups["/unrelated"]["writers"] == []
