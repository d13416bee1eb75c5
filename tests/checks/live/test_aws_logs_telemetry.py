"""Live AWS facts in logs.aggregated, logs.retention and telemetry.instrumented."""

from __future__ import annotations

from tests.checks.live.aws_resources import (
    ecs_container,
    ecs_service,
    env,
    http_stage,
    lambda_function,
    log_group,
    rest_stage,
    result,
)

OTEL_LAYER = "aws-otel-python-amd64-ver-1-25-0"

# --- logs.aggregated ---


def test_lambda_and_awslogs_containers_ship_their_logs():
    outcome = result("logs.aggregated", lambda_function(), ecs_service())

    assert outcome.status == "pass"


def test_a_container_without_a_log_driver_fails():
    service = ecs_service(containers=[ecs_container(log_configuration=None)])

    outcome = result("logs.aggregated", service)

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith("#/task_definition/containers/0/log_configuration")


def test_host_local_drivers_and_stages_without_access_logs_warn():
    local = ecs_service(
        containers=[
            ecs_container(
                log_configuration={"driver": "json-file", "options": {}, "secret_options": []}
            )
        ]
    )

    assert result("logs.aggregated", local).status == "warn"
    assert result("logs.aggregated", rest_stage(access_logs=False)).status == "warn"
    assert result("logs.aggregated", http_stage(access_logs=False)).status == "warn"
    assert result("logs.aggregated", rest_stage(), http_stage()).status == "pass"


def test_a_live_container_without_logs_outweighs_a_lambda_template():
    service = ecs_service(containers=[ecs_container(log_configuration=None)])

    outcome = result("logs.aggregated", service, repo="logs-aggregated/lambda")

    assert outcome.status == "fail"


# --- logs.retention ---


def test_a_live_log_group_that_never_expires_fails():
    outcome = result(
        "logs.retention", log_group("/aws/lambda/orders", retention_days=None), lambda_function()
    )

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith("log-group:/aws/lambda/orders#/retention_days")


def test_log_groups_with_retention_pass():
    outcome = result("logs.retention", log_group("/aws/lambda/orders", 14), lambda_function())

    assert outcome.status == "pass"
    assert "14 days" in outcome.evidence[0].excerpt


def test_functions_whose_groups_were_not_seen_are_unknown():
    assert result("logs.retention", lambda_function()).status == "unknown"


def test_live_retention_settles_the_implicit_group_warning_of_a_template():
    outcome = result(
        "logs.retention",
        lambda_function("HelloFunction"),
        log_group("/aws/lambda/HelloFunction", 30),
        repo="logs-retention/implicit-lambda-log-group",
    )

    assert outcome.status == "pass"


def test_a_declared_group_without_retention_still_fails_when_live_groups_are_fine():
    outcome = result(
        "logs.retention",
        log_group("/aws/lambda/other", 30),
        repo="logs-retention/log-group-without-retention",
    )

    assert outcome.status == "fail"


# --- telemetry.instrumented ---


def test_active_xray_tracing_is_telemetry():
    outcome = result("telemetry.instrumented", lambda_function(tracing="Active"))

    assert outcome.status == "pass"
    assert outcome.evidence[0].excerpt == "orders: X-Ray tracing Active"


def test_telemetry_layers_agents_and_sdk_variables_count():
    layer = lambda_function(
        layers=[
            {
                "arn": f"arn:aws:lambda:eu-west-1:901920570463:layer:{OTEL_LAYER}:1",
                "code_size": 1,
            }
        ]
    )
    agent = ecs_service(
        containers=[ecs_container(), ecs_container("dd", image="public.ecr.aws/datadog/agent:7")]
    )
    variables = lambda_function(env=[env("OTEL_EXPORTER_OTLP_ENDPOINT")])

    assert result("telemetry.instrumented", layer).status == "pass"
    assert result("telemetry.instrumented", agent).status == "pass"
    assert result("telemetry.instrumented", variables).status == "pass"
    assert result("telemetry.instrumented", rest_stage(tracing=True)).status == "pass"


def test_no_live_sign_of_telemetry_is_unknown_not_fail():
    assert result("telemetry.instrumented", lambda_function(), ecs_service()).status == "unknown"


def test_live_tracing_answers_code_without_a_telemetry_library():
    outcome = result(
        "telemetry.instrumented",
        lambda_function(tracing="Active"),
        repo="logs-structured/plain-logging",
    )

    assert outcome.status == "pass"
    assert outcome.evidence[0].source == "aws"
