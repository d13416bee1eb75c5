"""API Gateway stages (REST and HTTP APIs) collected from a real moto server."""

from __future__ import annotations

from scorecards.collectors.aws import collect_aws
from tests.collectors.aws.builders import ACCOUNT, REGION, by_type, create_rest_api_stage

ACCESS_LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/apigateway/orders"


def test_it_reads_rest_stages_with_and_without_access_logging(moto):
    api_id = create_rest_api_stage(
        moto,
        "orders-api",
        "prod",
        access_log_group_arn=ACCESS_LOGS,
        tracing=True,
        tags={"service": "orders"},
        api_tags={"team": "checkout"},
    )
    create_rest_api_stage(moto, "legacy-api", "v1")

    stages = by_type(collect_aws(moto.config()), "apigateway.stage")

    prod = stages["orders-api/prod"]
    assert prod["arn"] == f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/prod"
    assert (prod["api_id"], prod["api_name"], prod["stage"]) == (api_id, "orders-api", "prod")
    assert prod["protocol"] == "REST"
    assert prod["access_logs"] == {"destination": ACCESS_LOGS, "format": True}
    assert prod["tracing"] is True
    assert prod["deployment_id"]
    assert prod["tags"] == {"service": "orders"}
    assert prod["api_tags"] == {"team": "checkout"}
    legacy = stages["legacy-api/v1"]
    assert legacy["access_logs"] is None
    assert legacy["tracing"] is False


def test_it_reads_http_api_stages(moto):
    v2 = moto.client("apigatewayv2")
    api_id = v2.create_api(Name="http-orders", ProtocolType="HTTP", Tags={"service": "orders"})[
        "ApiId"
    ]
    v2.create_stage(
        ApiId=api_id,
        StageName="live",
        AccessLogSettings={"DestinationArn": ACCESS_LOGS, "Format": "$context.requestId"},
    )
    v2.create_stage(ApiId=api_id, StageName="preview", Tags={"service": "orders-preview"})

    stages = by_type(collect_aws(moto.config()), "apigatewayv2.stage")

    assert set(stages) == {"http-orders/live", "http-orders/preview"}
    live = stages["http-orders/live"]
    assert live["arn"] == f"arn:aws:apigateway:{REGION}::/apis/{api_id}/stages/live"
    assert live["protocol"] == "HTTP"
    assert live["access_logs"] == {"destination": ACCESS_LOGS, "format": True}
    assert live["tracing"] is None
    assert live["api_tags"] == {"service": "orders"}
    assert stages["http-orders/preview"]["access_logs"] is None
    assert stages["http-orders/preview"]["tags"] == {"service": "orders-preview"}
