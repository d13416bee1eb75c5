"""Factor X, dev/prod parity: scored through the real collector on small fixture repositories."""

from tests.checks.helpers import result_for, result_from_facts


def status(case: str, check_id: str) -> str:
    return str(result_for(f"{check_id.replace('.', '-')}/{case}", check_id).status)


# parity.local-env


def test_it_passes_a_repository_with_a_compose_file():
    result = result_for("parity-local-env/compose", "parity.local-env")
    assert result.status == "pass"
    assert result.evidence[0].locator.startswith("compose.yaml")


def test_it_passes_a_dev_container():
    assert status("devcontainer", "parity.local-env") == "pass"


def test_it_fails_without_a_local_environment_even_with_a_compose_file_under_tests():
    assert status("none", "parity.local-env") == "fail"


def test_it_passes_sam_local_inputs_next_to_a_sam_template():
    template = {
        "path": "template.yaml",
        "format": "yaml",
        "category": "cloudformation",
        "docs": [
            {
                "line": 1,
                "data": {"Transform": "AWS::Serverless-2016-10-31", "Resources": {}},
                "lines": {},
            }
        ],
    }
    result = result_from_facts(
        {"documents": [template], "paths": ["template.yaml", "events/create.json"]},
        "parity.local-env",
    )
    assert result.status == "pass"


# parity.same-backing-services


def test_it_passes_when_compose_runs_the_services_production_uses():
    result = result_for("parity-same-backing-services/same-kinds", "parity.same-backing-services")
    assert result.status == "pass"
    assert "postgres" in result.message and "redis" in result.message


def test_it_fails_sqlite_in_dev_settings_when_production_uses_postgresql():
    result = result_for(
        "parity-same-backing-services/sqlite-in-dev", "parity.same-backing-services"
    )
    assert result.status == "fail"
    assert any(e.locator.startswith("shop/settings/dev.py") for e in result.evidence)


def test_it_fails_h2_in_a_spring_dev_profile_when_production_uses_postgresql():
    assert status("h2-in-dev-profile", "parity.same-backing-services") == "fail"


def test_it_does_not_count_sqlite_test_settings_as_a_parity_violation():
    assert status("sqlite-in-tests", "parity.same-backing-services") == "pass"


def test_it_is_not_applicable_without_backing_services():
    assert status("no-services", "parity.same-backing-services") == "na"


def test_it_is_unknown_when_the_local_environment_is_not_described():
    facts = {
        "manifests": [
            {
                "path": "requirements.txt",
                "ecosystem": "python",
                "role": "main",
                "dependencies": [{"name": "psycopg", "line": 1}],
            }
        ]
    }
    assert result_from_facts(facts, "parity.same-backing-services").status == "unknown"


def test_it_warns_when_compose_runs_only_some_of_the_production_services():
    compose = {
        "path": "compose.yaml",
        "format": "yaml",
        "category": "compose",
        "docs": [{"line": 1, "data": {"services": {"db": {"image": "postgres:16"}}}, "lines": {}}],
    }
    deps = [{"name": "psycopg", "line": 1}, {"name": "pymongo", "line": 2}]
    facts = {
        "documents": [compose],
        "manifests": [
            {
                "path": "requirements.txt",
                "ecosystem": "python",
                "role": "main",
                "dependencies": deps,
            }
        ],
    }
    result = result_from_facts(facts, "parity.same-backing-services")
    assert result.status == "warn"
    assert "mongodb" in result.message


def test_it_ignores_go_module_names_listed_in_python_code():
    signal = {
        "rule": "backing.client",
        "path": "app/names.py",
        "line": 3,
        "lang": "python",
        "excerpt": '"github.com/lib/pq",',
        "detail": {"client": "github.com/lib/pq", "service": "postgres"},
    }
    result = result_from_facts({"signals": [signal]}, "parity.same-backing-services")
    assert result.status == "na"


# parity.multi-env-iac


def test_it_passes_kustomize_overlays_per_environment():
    assert status("kustomize", "parity.multi-env-iac") == "pass"


def test_it_passes_a_sam_template_with_a_stage_parameter():
    result = result_for("parity-multi-env-iac/sam-stage", "parity.multi-env-iac")
    assert result.status == "pass"
    assert "Stage" in result.evidence[0].excerpt


def test_it_passes_terraform_with_tfvars_per_environment():
    assert status("terraform-tfvars", "parity.multi-env-iac") == "pass"


def test_it_fails_plain_manifests_without_overlays():
    assert status("plain-manifests", "parity.multi-env-iac") == "fail"


def test_it_warns_on_manifests_copied_per_environment():
    assert status("copies-per-env", "parity.multi-env-iac") == "warn"


def test_it_is_unknown_without_a_deployment_definition():
    assert status("no-iac", "parity.multi-env-iac") == "unknown"


def test_it_passes_serverless_stages():
    doc = {
        "path": "serverless.yml",
        "format": "yaml",
        "category": "serverless",
        "docs": [
            {
                "line": 1,
                "data": {"service": "x", "provider": {"stage": "${opt:stage, 'dev'}"}},
                "lines": {},
            }
        ],
    }
    assert result_from_facts({"documents": [doc]}, "parity.multi-env-iac").status == "pass"
