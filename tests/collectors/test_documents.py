"""YAML/JSON/TOML/properties documents: parsing, line maps, classification, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.documents import (
    category_by_path,
    chart_dirs_of,
    detemplate,
    parse_document,
    parse_yaml,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "collectors" / "documents"
CHARTS = frozenset({"chart"})


def load(name: str, chart_dirs: frozenset[str] = frozenset()) -> dict:
    document, _ = parse_document(name, (FIXTURES / name).read_text(), chart_dirs)
    assert document is not None, name
    return document


def test_sam_short_tags_become_their_long_form():
    data = load("sam-template.yaml")["docs"][0]["data"]
    function = data["Resources"]["OrdersFunction"]["Properties"]
    assert function["Role"] == {"Fn::GetAtt": ["OrdersRole", "Arn"]}
    table_name = data["Resources"]["OrdersTable"]["Properties"]["TableName"]
    assert table_name == {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "orders"]]}
    assert data["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Env"}, "prod"]}


def test_sam_template_is_classified_as_cloudformation():
    assert load("sam-template.yaml")["category"] == "cloudformation"


def test_sam_globals_redact_literal_secrets_and_keep_references():
    variables = load("sam-template.yaml")["docs"][0]["data"]["Globals"]["Function"]["Environment"][
        "Variables"
    ]
    assert variables["STRIPE_API_KEY"] == REDACTED
    assert variables["DB_PASSWORD"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${DbSecret}:SecretString:password}}"
    }
    assert variables["SECRET_ARN"] == {"Ref": "DbSecret"}
    assert variables["TABLE_NAME"] == {"Ref": "OrdersTable"}


def test_lines_point_at_keys_and_sequence_items():
    entry = load("sam-template.yaml")["docs"][0]
    assert entry["lines"]["/Resources/OrdersFunction"] == 17
    assert entry["lines"]["/Resources/OrdersFunction/Properties/Role"] == 22
    assert entry["lines"]["/Globals/Function/Environment/Variables/STRIPE_API_KEY"] == 12
    assert entry["lines"]["/Conditions/IsProd/Fn::Equals/0"] == 40


def test_compose_merge_keys_are_applied():
    services = load("docker-compose.yml")["docs"][0]["data"]["services"]
    assert services["web"]["restart"] == "unless-stopped"
    assert services["web"]["environment"]["LOG_LEVEL"] == "info"
    assert services["web"]["ports"] == ["8000:8000"]


def test_compose_environment_is_redacted_in_map_and_list_forms():
    services = load("docker-compose.yml")["docs"][0]["data"]["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == REDACTED
    assert services["web"]["environment"]["API_TOKEN"] == "${API_TOKEN}"
    assert "SECRET_KEY=" + REDACTED in services["worker"]["environment"]
    assert "SECRET_KEY_FILE=/run/secrets/key" in services["worker"]["environment"]


def test_yaml_words_like_on_stay_strings():
    compose = load("docker-compose.yml")["docs"][0]["data"]
    assert compose["services"]["web"]["environment"]["DEBUG"] == "on"
    workflow, _ = parse_document(
        ".github/workflows/ci.yml", (FIXTURES / "workflow.yml").read_text()
    )
    assert "on" in workflow["docs"][0]["data"]
    assert workflow["category"] == "ci"


def test_workflow_env_keeps_secret_expressions_and_redacts_literals():
    workflow, _ = parse_document(
        ".github/workflows/ci.yml", (FIXTURES / "workflow.yml").read_text()
    )
    data = workflow["docs"][0]["data"]
    assert data["env"]["REGISTRY_TOKEN"] == "${{ secrets.REGISTRY_TOKEN }}"
    assert data["env"]["NPM_TOKEN"] == REDACTED
    assert data["jobs"]["test"]["services"]["postgres"]["env"]["POSTGRES_PASSWORD"] == REDACTED


def test_multi_document_k8s_skips_empty_documents_and_keeps_first_lines():
    docs = load("k8s.yaml")["docs"]
    assert [d["data"]["kind"] for d in docs] == ["Service", "Deployment", "Secret"]
    assert [d["line"] for d in docs] == [4, 14, 33]
    assert docs[1]["lines"]["/spec/template/spec/containers/0/image"] == 23


def test_k8s_env_values_and_secret_data_are_redacted():
    docs = load("k8s.yaml")["docs"]
    env = docs[1]["data"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0] == {"name": "DATABASE_PASSWORD", "value": REDACTED}
    assert env[1] == {"name": "DATABASE_HOST", "value": "db"}
    assert "valueFrom" in env[2]
    assert docs[2]["data"]["stringData"] == {"key": REDACTED}


def test_malformed_yaml_keeps_the_good_documents_and_records_the_line():
    document, problem = parse_document("deploy/broken.yaml", (FIXTURES / "broken.yaml").read_text())
    assert document["category"] == "k8s"
    assert [d["data"]["metadata"]["name"] for d in document["docs"]] == ["ok"]
    assert problem.line == 10
    assert document["error"].startswith("line 10:")


def test_helm_template_actions_are_replaced_and_lines_kept():
    document = load("chart/templates/deployment.yaml", CHARTS)
    assert document["category"] == "helm_template"
    assert document["templated"] is True
    entry = document["docs"][0]
    container = entry["data"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == (
        "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
    )
    assert entry["data"]["spec"]["replicas"] == "{{ .Values.replicaCount }}"
    assert container["args"] == ["{{ .Values.mode | quote }}"]
    assert container["resources"] is None
    assert entry["lines"]["/spec/template/spec/containers/0/image"] == 17
    assert entry["line"] == 5


def test_helm_template_values_references_are_not_redacted():
    document = load("chart/templates/deployment.yaml", CHARTS)
    env = document["docs"][0]["data"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "DB_PASSWORD", "value": "{{ .Values.db.password | quote }}"}]


def test_helm_keys_made_by_actions_are_dropped():
    text = "metadata:\n  annotations:\n    {{ $k }}: {{ $v | quote }}\n  name: web\n"
    assert detemplate(text) == "metadata:\n  annotations:\n\n  name: web\n"


def test_detemplate_keeps_the_line_count():
    text = (FIXTURES / "chart/templates/deployment.yaml").read_text()
    assert detemplate(text).count("\n") == text.count("\n")


def test_helm_values_and_chart_are_classified_by_folder():
    assert load("chart/Chart.yaml", CHARTS)["category"] == "helm_chart"
    values = load("chart/values.yaml", CHARTS)
    assert values["category"] == "helm_values"
    auth = values["docs"][0]["data"]["postgresql"]["auth"]
    assert auth == {"password": REDACTED, "existingSecret": "db-credentials"}


def test_helm_helpers_are_not_documents():
    assert parse_document("chart/templates/_helpers.tpl", "{{- define }}", CHARTS) == (None, None)


def test_chart_dirs_are_found_from_paths():
    assert chart_dirs_of(["a/Chart.yaml", "Chart.yaml", "b/values.yaml"]) == {"a", ""}


def test_devcontainer_json_with_comments_and_trailing_commas_parses():
    document, problem = parse_document(
        ".devcontainer/devcontainer.json", (FIXTURES / "devcontainer.json").read_text()
    )
    assert problem is None
    assert document["category"] == "devcontainer"
    data = document["docs"][0]["data"]
    assert data["forwardPorts"] == [8000]
    assert data["containerEnv"] == {"API_TOKEN": REDACTED}
    assert document["docs"][0]["lines"]["/image"] == 4


def test_ecs_task_definition_environment_is_redacted():
    document = load("task-definition.json")
    assert document["category"] == "ecs_task_definition"
    container = document["docs"][0]["data"]["containerDefinitions"][0]
    assert container["environment"][0] == {"name": "API_KEY", "value": REDACTED}
    assert container["environment"][1] == {"name": "PORT", "value": "8080"}
    assert container["secrets"][0]["valueFrom"].startswith("arn:aws:ssm")
    assert document["docs"][0]["lines"]["/containerDefinitions/0/image"] == 6


def test_fly_toml_is_a_platform_document_with_lines():
    document = load("fly.toml")
    assert document["category"] == "platform"
    entry = document["docs"][0]
    assert entry["data"]["http_service"]["internal_port"] == 8080
    assert entry["lines"]["/http_service/internal_port"] == 8
    assert entry["lines"]["/services/1/protocol"] == 15


def test_malformed_toml_records_the_error_line():
    document, problem = parse_document("fly.toml", (FIXTURES / "broken.toml").read_text())
    assert document["error"] and document["docs"] == []
    assert problem.line == 2


def test_malformed_json_of_a_known_kind_keeps_an_entry_with_the_error():
    text = (FIXTURES.parent / "misc" / "broken-openapi.json").read_text()
    document, problem = parse_document("api/openapi.json", text)
    assert document["category"] == "openapi"
    assert document["error"] is not None
    assert problem.line == 2


def test_spring_properties_are_app_config_with_secrets_redacted():
    document = load("application-prod.properties")
    assert document["category"] == "app_config"
    assert document["format"] == "properties"
    entry = document["docs"][0]
    assert entry["data"]["server.port"] == "8080"
    assert entry["data"]["spring.datasource.password"] == REDACTED
    assert entry["data"]["spring.datasource.username"] == "app"
    assert entry["data"]["app.description"] == "a long value"
    assert entry["data"]["management.endpoints.web.exposure.include"] == "health,info"
    assert entry["lines"]["/spring.datasource.url"] == 3


def test_serverless_environment_keeps_variables_and_redacts_literals():
    data = load("serverless.yml")["docs"][0]["data"]
    assert data["provider"]["environment"]["DB_PASSWORD"] == "${ssm:/orders/db-password}"
    assert data["provider"]["environment"]["SLACK_TOKEN"] == REDACTED
    assert data["functions"]["create"]["environment"]["API_SECRET"] == REDACTED


def test_yaml_of_no_interest_and_lockfiles_are_not_stored():
    assert parse_document("config/random.yaml", "just: some\nconfig: file\n") == (None, None)
    assert parse_document("package.json", '{"name": "x"}') == (None, None)
    assert parse_document("pnpm-lock.yaml", "lockfileVersion: '9.0'\n") == (None, None)


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("compose.yaml", "compose"),
        ("deploy/docker-compose.prod.yml", "compose"),
        ("compose.override.yaml", "compose"),
        (".gitlab-ci.yml", "ci"),
        (".circleci/config.yml", "ci"),
        ("kustomize/base/kustomization.yaml", "kustomization"),
        ("catalog-info.yaml", "catalog"),
        (".github/dependabot.yml", "dependabot"),
        (".github/renovate.json", "renovate"),
        ("skaffold.yaml", "skaffold"),
        ("copilot/api/manifest.yml", "platform"),
        ("src/main/resources/application.yml", "app_config"),
        ("deploy/helm/values-prod.yaml", "helm_values"),
        ("src/app/settings.yaml", None),
    ],
)
def test_paths_decide_categories(path: str, category: str | None):
    assert category_by_path(path) == category


def test_app_yaml_is_platform_only_with_a_runtime():
    assert parse_document("app.yaml", "runtime: python312\n")[0]["category"] == "platform"
    assert parse_document("app.yaml", "name: not-app-engine\n") == (None, None)


def test_unknown_tags_are_tolerated():
    parsed = parse_yaml("job:\n  script: !reference [.setup, script]\n  when: !custom manual\n")
    assert parsed.error is None
    assert parsed.docs[0]["data"]["job"] == {"script": [".setup", "script"], "when": "manual"}


def test_dates_stay_text_so_facts_serialise():
    parsed = parse_yaml("released: 2024-05-01\n")
    assert parsed.docs[0]["data"] == {"released": "2024-05-01"}


def test_alias_bombs_become_an_error_not_a_hang():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for index in range(1, 9):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 10)}]")
    parsed = parse_yaml("\n".join(lines))
    assert parsed.docs == []
    assert "too large" in parsed.error.message


def test_a_kubernetes_manifest_named_app_yaml_is_kubernetes_not_app_engine():
    from scorecards.collectors.repo_files.documents import parse_document

    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        "spec:\n  template:\n    spec:\n      containers:\n"
        "      - name: web\n        image: web:1.2\n"
    )
    document, error = parse_document("deploy/app.yaml", text)
    assert error is None
    assert document["category"] == "k8s"


def test_an_app_engine_app_yaml_is_still_a_platform_file():
    from scorecards.collectors.repo_files.documents import parse_document

    document, _ = parse_document("app.yaml", "runtime: python311\nentrypoint: gunicorn main:app\n")
    assert document["category"] == "platform"
