"""Factor XI, logs: scored through the real collector on small fixture repositories."""

from tests.checks.helpers import result_for, result_from_facts


def status(case: str, check_id: str) -> str:
    return str(result_for(f"{check_id.replace('.', '-')}/{case}", check_id).status)


def _sam(resources: dict, globals_: dict | None = None) -> dict:
    data = {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources}
    if globals_:
        data["Globals"] = globals_
    return {
        "documents": [
            {
                "path": "template.yaml",
                "format": "yaml",
                "category": "cloudformation",
                "docs": [{"line": 1, "data": data, "lines": {}}],
            }
        ]
    }


FUNCTION = {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "app.handler"}}

# logs.stdout


def test_it_fails_a_rotating_file_handler():
    result = result_for("logs-stdout/rotating-file-handler", "logs.stdout")
    assert result.status == "fail"
    assert result.evidence[0].locator == "app/log.py:3"


def test_it_fails_a_winston_file_transport():
    assert status("winston-file", "logs.stdout") == "fail"


def test_it_fails_a_logback_file_appender():
    assert status("logback-file-appender", "logs.stdout") == "fail"


def test_it_fails_a_start_command_redirecting_output_to_a_file():
    result = result_for("logs-stdout/dockerfile-redirect", "logs.stdout")
    assert result.status == "fail"
    assert result.evidence[0].locator == "Dockerfile:5"  # the RUN ln -sf /dev/stdout is fine


def test_it_passes_stdout_logging_and_ignores_file_handlers_in_tests():
    assert status("stdout", "logs.stdout") == "pass"


def test_it_fails_a_spring_yaml_log_file_setting():
    doc = {
        "path": "src/main/resources/application.yml",
        "format": "yaml",
        "category": "app_config",
        "docs": [
            {
                "line": 1,
                "data": {"logging": {"file": {"name": "/var/log/app.log"}}},
                "lines": {"/logging/file/name": 3},
            }
        ],
    }
    result = result_from_facts({"documents": [doc]}, "logs.stdout")
    assert result.status == "fail"
    assert result.evidence[0].locator.endswith("application.yml:3")


# logs.structured


def test_it_passes_structlog():
    assert status("structlog", "logs.structured") == "pass"


def test_it_passes_a_pino_dependency():
    assert status("pino-dependency", "logs.structured") == "pass"


def test_it_passes_go_slog_json_handler():
    assert status("go-slog", "logs.structured") == "pass"


def test_it_fails_plain_text_logging_in_an_application():
    assert status("plain-logging", "logs.structured") == "fail"


def test_a_one_file_app_with_plain_logging_fails_and_names_the_file_read():
    # Decision 1: a small but complete app decides; only a repository with no code abstains.
    result = result_for("logs-structured/too-little-code", "logs.structured")
    assert result.status == "fail"
    assert result.evidence[0].locator.startswith("handler.py")


def test_it_is_unknown_with_no_application_code():
    assert result_from_facts({"paths": ["README.md"]}, "logs.structured").status == "unknown"


def test_it_passes_lambda_json_log_format():
    facts = _sam({"Fn": FUNCTION}, {"Function": {"LoggingConfig": {"LogFormat": "JSON"}}})
    assert result_from_facts(facts, "logs.structured").status == "pass"


# logs.aggregated


def test_it_passes_ecs_containers_with_a_log_configuration():
    assert status("ecs-log-configuration", "logs.aggregated") == "pass"


def test_it_fails_an_ecs_container_without_a_log_configuration():
    assert status("ecs-without-log-configuration", "logs.aggregated") == "fail"


def test_it_warns_on_an_api_stage_without_access_logs():
    assert status("api-stage-without-access-logs", "logs.aggregated") == "warn"


def test_it_passes_lambda_functions_which_log_to_cloudwatch_by_default():
    result = result_for("logs-aggregated/lambda", "logs.aggregated")
    assert result.status == "pass"
    assert "by default" in result.message


def test_it_is_unknown_for_kubernetes_only():
    assert status("kubernetes-only", "logs.aggregated") == "unknown"


# logs.retention


def test_it_passes_log_groups_with_a_retention():
    assert status("log-group-with-retention", "logs.retention") == "pass"


def test_it_fails_a_cloudformation_log_group_without_retention():
    assert status("log-group-without-retention", "logs.retention") == "fail"


def test_it_fails_a_terraform_log_group_without_retention():
    assert status("terraform-without-retention", "logs.retention") == "fail"


def test_it_warns_on_lambda_functions_with_an_implicit_log_group():
    assert status("implicit-lambda-log-group", "logs.retention") == "warn"


def test_it_passes_serverless_log_retention():
    doc = {
        "path": "serverless.yml",
        "format": "yaml",
        "category": "serverless",
        "docs": [
            {
                "line": 1,
                "data": {
                    "provider": {"runtime": "nodejs20.x", "logRetentionInDays": 14},
                    "functions": {"api": {"handler": "h.main"}},
                },
                "lines": {},
            }
        ],
    }
    assert result_from_facts({"documents": [doc]}, "logs.retention").status == "pass"
