"""Terraform files: resources with small attributes, modules, variables, backend, redaction."""

import json
from pathlib import Path

from scorecards.collectors.repo_files.terraform import parse_terraform

LAMBDA = (Path(__file__).parent.parent / "fixtures" / "parsers" / "lambda.tf").read_text()


def resource(parsed: dict, rtype: str) -> dict:
    return next(r for r in parsed["resources"] if r["type"] == rtype)


def test_it_reads_a_lambda_function_with_its_scalar_attributes_and_line():
    parsed = parse_terraform("infra/lambda.tf", LAMBDA)
    function = resource(parsed, "aws_lambda_function")
    assert parsed["error"] is None
    assert function["name"] == "orders_api" and function["line"] == 20
    assert function["attrs"]["image_uri"].endswith("orders:1.4.2")
    assert function["attrs"]["publish"] is True
    assert function["attrs"]["reserved_concurrent_executions"] == 50


def test_it_redacts_literal_secret_environment_variables_but_keeps_references():
    variables = resource(parse_terraform("lambda.tf", LAMBDA), "aws_lambda_function")["attrs"][
        "environment"
    ]["variables"]
    assert variables["STRIPE_SECRET_KEY"] == "«redacted»"
    assert variables["DB_PASSWORD"] == "${var.db_password}"
    assert "aws_secretsmanager_secret_version" in variables["API_TOKEN"]
    assert variables["LOG_LEVEL"] == "INFO"
    assert "sk_live_notarealkeybutliteral1234" not in json.dumps(parse_terraform("l.tf", LAMBDA))


def test_it_lists_modules_variables_backend_and_log_retention():
    parsed = parse_terraform("lambda.tf", LAMBDA)
    assert parsed["modules"] == [
        {"name": "network", "source": "terraform-aws-modules/vpc/aws", "line": 15}
    ]
    assert parsed["variables"] == ["db_password"]
    assert parsed["backend"] == "s3"
    assert resource(parsed, "aws_cloudwatch_log_group")["attrs"]["retention_in_days"] == 14


def test_it_keeps_container_definitions_as_redacted_bounded_text():
    text = (
        'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n'
        '  container_definitions = jsonencode([{\n    name  = "app"\n    image = "acme/app:1.2.3"\n'
        '    environment = [{ name = "DB_PASSWORD", value = "pl41nt3xtPa55" },'
        ' { name = "PORT", value = "8080" }]\n  }])\n}\n'
    )
    definitions = resource(parse_terraform("ecs.tf", text), "aws_ecs_task_definition")["attrs"][
        "container_definitions"
    ]
    assert "acme/app:1.2.3" in definitions and "8080" in definitions
    assert "pl41nt3xtPa55" not in definitions and "«redacted»" in definitions


def test_it_truncates_huge_container_definitions():
    body = json.dumps([{"name": f"c{i}", "image": "nginx:1.27"} for i in range(500)])
    text = (
        f'resource "aws_ecs_task_definition" "big" {{\n'
        f"  container_definitions = <<EOT\n{body}\nEOT\n}}\n"
    )
    definitions = resource(parse_terraform("ecs.tf", text), "aws_ecs_task_definition")["attrs"][
        "container_definitions"
    ]
    assert len(definitions) <= 4096


def test_it_reads_terraform_json():
    data = {
        "terraform": {"backend": {"gcs": {"bucket": "x"}}},
        "resource": {
            "aws_db_instance": {"main": {"engine": "postgres", "password": "Sup3rS3cret!"}}
        },
        "variable": {"region": {"default": "eu-west-1"}},
    }
    parsed = parse_terraform("main.tf.json", json.dumps(data, indent=2))
    db = resource(parsed, "aws_db_instance")
    assert db["attrs"] == {"engine": "postgres", "password": "«redacted»"}
    assert parsed["backend"] == "gcs" and parsed["variables"] == ["region"]


def test_it_returns_an_error_instead_of_raising_on_malformed_hcl():
    parsed = parse_terraform("broken.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = \n')
    assert parsed["error"]
    assert parsed["resources"] == []
