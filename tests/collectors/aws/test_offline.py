"""Offline mode: AWS CLI JSON exports give exactly the facts the live APIs give.

The export below makes the calls docs/aws-offline.md lists as AWS CLI commands, through boto3
against the same moto server, and writes each answer as the CLI prints it (all pages merged,
datetimes as ISO text, no ResponseMetadata).
"""

from __future__ import annotations

import json
from pathlib import Path

from botocore.exceptions import ClientError

from scorecards.collectors.aws import AwsConfig, collect_aws, offline_path
from tests.collectors.aws.builders import (
    ACCOUNT,
    REGION,
    container,
    create_ecs_service,
    create_function,
    create_rest_api_stage,
    register_autoscaling,
)


def _merged(client, operation: str, key: str, **params) -> dict:
    items = []
    for page in client.get_paginator(operation).paginate(**params):
        items += page.get(key) or []
    return {key: items}


def _write(folder: Path, operation: str, params: dict, answer: dict) -> None:
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    path = offline_path(folder, operation, params)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(answer, default=str))


def export_like_the_cli(moto, root: Path, region: str = REGION) -> None:
    base = root / ACCOUNT / region
    lam = moto.client("lambda", region)
    functions = _merged(lam, "list_functions", "Functions", FunctionVersion="ALL")
    _write(base / "lambda", "list_functions", {}, functions)
    for fn in functions["Functions"]:
        if fn.get("Version") != "$LATEST":
            continue
        name = {"FunctionName": fn["FunctionName"]}
        _write(base / "lambda", "get_function", name, lam.get_function(**name))
        _write(
            base / "lambda", "list_aliases", name, _merged(lam, "list_aliases", "Aliases", **name)
        )
        try:
            configs = _merged(
                lam, "list_provisioned_concurrency_configs", "ProvisionedConcurrencyConfigs", **name
            )
        except ClientError as exc:  # moto lacks this API: export the failure, as documented
            configs = {"Error": exc.response["Error"]}
        _write(base / "lambda", "list_provisioned_concurrency_configs", name, configs)

    ecs = moto.client("ecs", region)
    clusters = _merged(ecs, "list_clusters", "clusterArns")
    _write(base / "ecs", "list_clusters", {}, clusters)
    for cluster in clusters["clusterArns"]:
        arns = _merged(ecs, "list_services", "serviceArns", cluster=cluster)
        _write(base / "ecs", "list_services", {"cluster": cluster}, arns)
        services = ecs.describe_services(
            cluster=cluster, services=arns["serviceArns"], include=["TAGS"]
        )
        _write(base / "ecs", "describe_services", {"cluster": cluster}, services)
        for service in services["services"]:
            td = {"taskDefinition": service["taskDefinition"]}
            answer = ecs.describe_task_definition(**td, include=["TAGS"])
            _write(base / "ecs", "describe_task_definition", td, answer)
    scaling = moto.client("application-autoscaling", region)
    for operation, key in (
        ("describe_scalable_targets", "ScalableTargets"),
        ("describe_scaling_policies", "ScalingPolicies"),
    ):
        answer = _merged(scaling, operation, key, ServiceNamespace="ecs")
        _write(base / "application-autoscaling", operation, {}, answer)

    apigw = moto.client("apigateway", region)
    apis = _merged(apigw, "get_rest_apis", "items")
    _write(base / "apigateway", "get_rest_apis", {}, apis)
    for api in apis["items"]:
        params = {"restApiId": api["id"]}
        _write(base / "apigateway", "get_stages", params, apigw.get_stages(**params))

    logs = moto.client("logs", region)
    groups = _merged(logs, "describe_log_groups", "logGroups")
    _write(base / "logs", "describe_log_groups", {}, groups)
    for group in groups["logGroups"]:
        arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
        params = {"resourceArn": arn}
        _write(
            base / "logs", "list_tags_for_resource", params, logs.list_tags_for_resource(**params)
        )


def comparable(inventory: dict) -> dict:
    """The facts; request counts differ by nature (no STS call, no HTTP offline)."""
    data = json.loads(json.dumps(inventory))
    return {"resources": data["resources"], "errors": data["errors"]}


def build_account(moto) -> None:
    role = moto.lambda_role()
    create_function(
        moto,
        "orders",
        role,
        env={"DATABASE_URL": "postgres://app:s3cr3t-pw-value@db:5432/orders", "MODE": "live"},
        tags={"service": "orders", "team": "payments"},
        publish=True,
        tracing="Active",
    )
    create_function(moto, "legacy-report", role, runtime="python3.8")
    lam = moto.client("lambda")
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    create_ecs_service(
        moto,
        "checkout",
        [
            container(
                "web",
                "registry.example/checkout:2.0.1",
                portMappings=[{"containerPort": 8080}],
                logConfiguration={
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/checkout", "awslogs-region": REGION},
                },
                secrets=[
                    {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/x"}
                ],
            )
        ],
        tags={"service": "checkout", "team": "shop"},
    )
    register_autoscaling(moto, "main", "checkout", 2, 10)
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="/ecs/checkout", tags={"team": "shop"})
    logs.put_retention_policy(logGroupName="/ecs/checkout", retentionInDays=30)
    logs.create_log_group(logGroupName="/aws/lambda/orders")
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigw/orders"
    logs.create_log_group(logGroupName="/aws/apigw/orders")
    create_rest_api_stage(
        moto,
        "orders-api",
        "prod",
        access_log_group_arn=group_arn,
        tracing=True,
        api_tags={"service": "orders"},
    )


def test_an_export_gives_exactly_the_live_facts(moto, tmp_path):
    build_account(moto)
    services = ("lambda", "ecs", "apigateway", "logs")
    live = collect_aws(moto.config(services=services))
    export_like_the_cli(moto, tmp_path)

    offline = collect_aws(AwsConfig(offline_dir=str(tmp_path), services=services))

    assert {r["type"] for r in live["resources"]} == {
        "lambda.function",
        "ecs.service",
        "apigateway.stage",
        "logs.log-group",
    }
    assert comparable(offline) == comparable(live)
    assert offline["accounts"] == [
        {"account": ACCOUNT, "role_arn": None, "regions": [REGION], "error": None}
    ]
    assert "s3cr3t" not in json.dumps(offline)


def test_a_missing_per_resource_answer_leaves_those_fields_unreadable(moto, tmp_path):
    create_function(moto, "orders", moto.lambda_role())
    export_like_the_cli(moto, tmp_path)
    (tmp_path / ACCOUNT / REGION / "lambda" / "get-function" / "orders.json").unlink()

    offline = collect_aws(AwsConfig(offline_dir=str(tmp_path), services=("lambda",)))

    (function,) = offline["resources"]
    assert {"tags", "reserved_concurrency"} <= set(function["unreadable"])
    assert "no export at" in offline["errors"][0]["error"]


def test_an_exported_error_replays_as_the_failed_call(tmp_path):
    folder = tmp_path / ACCOUNT / REGION / "logs"
    folder.mkdir(parents=True)
    denied = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}
    (folder / "describe-log-groups.json").write_text(json.dumps(denied))

    offline = collect_aws(AwsConfig(offline_dir=str(tmp_path), services=("logs", "lambda")))

    assert offline["resources"] == []
    assert [e["service"] for e in offline["errors"]] == ["logs"]
    assert "AccessDeniedException" in offline["errors"][0]["error"]


def test_a_missing_export_folder_is_an_error_not_a_crash(tmp_path):
    offline = collect_aws(AwsConfig(offline_dir=str(tmp_path / "nowhere")))

    assert offline["resources"] == []
    assert "not a directory" in offline["errors"][0]["error"]
