"""Checks beyond the twelve factors, scored through the real collector on fixture repositories."""

from tests.checks.helpers import result_for, result_from_facts


def status(case: str, check_id: str) -> str:
    return str(result_for(f"{check_id.replace('.', '-')}/{case}", check_id).status)


def _dockerfile(last_from: dict, instructions: list[dict]) -> dict:
    return {
        "dockerfiles": [
            {
                "path": "Dockerfile",
                "role": "prod",
                "error": None,
                "args": {},
                "stages": [{"index": 0, "name": None, "line": 1, "from": last_from}],
                "instructions": instructions,
            }
        ]
    }


# api.contract


def test_it_passes_an_openapi_document():
    assert status("openapi", "api.contract") == "pass"


def test_it_passes_fastapi_which_publishes_its_openapi_document():
    assert status("fastapi", "api.contract") == "pass"


def test_it_fails_an_express_server_without_a_contract():
    assert status("express-without-contract", "api.contract") == "fail"


def test_it_is_not_applicable_without_a_server():
    assert status("no-server", "api.contract") == "na"


def test_it_passes_protobuf_files():
    result = result_from_facts({"paths": ["proto/orders.proto"]}, "api.contract")
    assert result.status == "pass"


# telemetry.instrumented


def test_it_passes_opentelemetry():
    assert status("opentelemetry", "telemetry.instrumented") == "pass"


def test_it_passes_active_tracing_in_a_sam_template():
    assert status("sam-tracing", "telemetry.instrumented") == "pass"


def test_it_fails_an_application_without_metrics_or_tracing():
    assert status("none", "telemetry.instrumented") == "fail"


# security.non-root


def test_it_passes_a_final_stage_with_a_numeric_user():
    assert status("user", "security.non-root") == "pass"


def test_it_fails_when_only_the_build_stage_sets_a_user():
    assert status("no-user", "security.non-root") == "fail"


def test_it_fails_when_the_last_user_is_root():
    assert status("user-root-last", "security.non-root") == "fail"


def test_it_passes_a_distroless_nonroot_image():
    assert status("distroless-nonroot", "security.non-root") == "pass"


def test_it_fails_a_distroless_image_with_its_default_root_user():
    assert status("distroless-default", "security.non-root") == "fail"


def test_it_passes_a_root_image_when_kubernetes_enforces_run_as_non_root():
    assert status("root-image-kubernetes-enforces", "security.non-root") == "pass"


def test_it_fails_kubernetes_workloads_without_a_security_context():
    assert status("kubernetes-without-security-context", "security.non-root") == "fail"


def test_it_ignores_dev_dockerfiles():
    assert status("dev-dockerfile-only-root", "security.non-root") == "pass"


def test_it_passes_a_bitnami_base_image_without_user():
    base = {
        "raw": "bitnami/python:3.12",
        "image": "bitnami/python",
        "tag": "3.12",
        "digest": None,
        "platform": None,
        "stage_ref": False,
        "scratch": False,
        "unresolved": False,
    }
    result = result_from_facts(_dockerfile(base, []), "security.non-root")
    assert result.status == "pass"


# security.dependency-updates


def test_it_passes_dependabot():
    assert status("dependabot", "security.dependency-updates") == "pass"


def test_it_passes_renovate():
    assert status("renovate", "security.dependency-updates") == "pass"


def test_it_fails_without_an_update_bot_even_with_a_renovate_file_under_docs():
    assert status("none", "security.dependency-updates") == "fail"


def test_it_passes_renovate_configured_inside_package_json(tmp_path):
    from tests.checks.helpers import result_for

    (tmp_path / "package.json").write_text(
        '{"name": "web", "dependencies": {"express": "4.19.2"},\n'
        ' "renovate": {"extends": ["config:recommended"]}}\n'
    )
    result = result_for(tmp_path, "security.dependency-updates")
    assert result.status == "pass"
    assert result.evidence[0].locator == "package.json"
