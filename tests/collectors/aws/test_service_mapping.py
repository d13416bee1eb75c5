"""Which service and team an AWS resource belongs to, and the facts of one service."""

from __future__ import annotations

from scorecards.collectors.aws import collect_aws, service_facts, service_keys
from tests.collectors.aws.builders import container, create_ecs_service, create_function


def _resource(rtype: str, name: str, tags: dict | None = None, **extra) -> dict:
    return {"type": rtype, "arn": f"arn:{name}", "name": name, "tags": tags or {}, **extra}


def test_a_service_tag_names_the_service_and_a_team_tag_the_team():
    function = _resource("lambda.function", "orders-fn", {"Service": "orders", "owner": "pay"})

    assert service_keys(function) == ("orders", "pay")


def test_configured_keys_win_in_their_order():
    function = _resource("lambda.function", "fn", {"app": "a", "component": "c", "squad": "s"})

    assert service_keys(function, tag_keys=("component", "app"), team_keys=("squad",)) == (
        "c",
        "s",
    )


def test_untagged_functions_services_and_apis_fall_back_to_their_own_names():
    assert service_keys(_resource("lambda.function", "thumbnailer")) == ("thumbnailer", None)
    assert service_keys(_resource("ecs.service", "web", task_definition=None)) == ("web", None)
    stage = _resource("apigateway.stage", "shop/prod", api_name="shop", api_tags={})
    assert service_keys(stage) == ("shop", None)


def test_an_ecs_service_inherits_its_task_definition_tags():
    service = _resource(
        "ecs.service", "web-blue", task_definition={"tags": {"service": "web", "team": "shop"}}
    )

    assert service_keys(service) == ("web", "shop")


def test_an_untagged_log_group_says_nothing_by_itself():
    assert service_keys(_resource("logs.log-group", "/aws/lambda/x")) == (None, None)


def test_service_facts_bring_the_log_groups_a_service_writes_to(moto):
    create_function(moto, "orders-api", moto.lambda_role(), tags={"service": "orders"})
    create_ecs_service(
        moto,
        "orders-worker",
        [
            container(
                logConfiguration={
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/orders-worker"},
                }
            )
        ],
        tags={"service": "orders"},
    )
    create_function(
        moto, "billing", moto.client("iam").get_role(RoleName="lambda-exec")["Role"]["Arn"]
    )
    logs = moto.client("logs")
    for name in ("/aws/lambda/orders-api", "/ecs/orders-worker", "/aws/lambda/billing"):
        logs.create_log_group(logGroupName=name)

    facts = service_facts(collect_aws(moto.config()), "orders")

    assert facts["schema"] == 1 and facts["source"] == "aws"
    assert sorted((r["type"], r["name"]) for r in facts["resources"]) == [
        ("ecs.service", "orders-worker"),
        ("lambda.function", "orders-api"),
        ("logs.log-group", "/aws/lambda/orders-api"),
        ("logs.log-group", "/ecs/orders-worker"),
    ]
