"""Live AWS facts in deps.runtime-supported, config.secrets-from-store and the build checks."""

from __future__ import annotations

from tests.checks.live.aws_resources import (
    ecs_container,
    ecs_service,
    env,
    lambda_function,
    result,
    version,
)

# --- deps.runtime-supported ---


def test_a_live_function_on_a_deprecated_runtime_fails():
    outcome = result("deps.runtime-supported", lambda_function(runtime="python3.8"))

    assert outcome.status == "fail"
    assert outcome.evidence[0].source == "aws"
    assert outcome.evidence[0].locator.endswith(":function:orders#/runtime")
    assert "python3.8 (deprecated 2024-10-14)" in outcome.evidence[0].excerpt


def test_a_runtime_deprecated_within_six_months_warns():
    outcome = result("deps.runtime-supported", lambda_function(runtime="nodejs22.x"))

    assert outcome.status == "warn"


def test_supported_runtimes_and_container_images_pass():
    outcome = result(
        "deps.runtime-supported",
        lambda_function(runtime="python3.13"),
        lambda_function("renderer", runtime=None, package_type="Image"),
    )

    assert outcome.status == "pass"


def test_an_alias_still_pointing_at_an_old_runtime_version_fails():
    function = lambda_function(
        runtime="python3.13",
        versions=[version(1, runtime="python3.8"), version(2, runtime="python3.13")],
        aliases=[{"name": "live", "version": "1", "routing": None}],
    )

    outcome = result("deps.runtime-supported", function)

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith("#/versions/0/runtime")


def test_a_live_deprecated_runtime_outweighs_a_supported_one_in_the_template():
    outcome = result(
        "deps.runtime-supported",
        lambda_function(runtime="nodejs16.x"),
        repo="deps-runtime-supported/sam-current",
    )

    assert outcome.status == "fail"
    assert {e.source for e in outcome.evidence} == {"aws", "local"}


def test_a_deprecated_runtime_in_the_template_still_fails_when_live_is_current():
    outcome = result(
        "deps.runtime-supported",
        lambda_function(runtime="python3.13"),
        repo="deps-runtime-supported/serverless-deprecated",
    )

    assert outcome.status == "fail"


# --- config.secrets-from-store ---


def test_a_secret_like_literal_on_a_live_function_fails_without_showing_it():
    function = lambda_function(env=[env("LOG_LEVEL"), env("DB_PASSWORD", secret_like_value=True)])

    outcome = result("config.secrets-from-store", function)

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith(":function:orders#/env/1")
    assert outcome.evidence[0].excerpt == "orders: DB_PASSWORD: «redacted» (literal)"


def test_a_credential_shaped_value_under_a_plain_name_fails():
    function = lambda_function(env=[env("LEGACY", secret_like_value=True)])

    assert result("config.secrets-from-store", function).status == "fail"


def test_a_boolean_flag_with_a_secret_looking_name_is_not_a_secret():
    function = lambda_function(env=[env("DISABLE_AUTH_TOKEN", flag=True)])

    assert result("config.secrets-from-store", function).status == "pass"


def test_ecs_secrets_from_value_from_and_secret_references_pass():
    container = ecs_container(
        secrets=[{"name": "DB_PASSWORD", "value_from": "arn:aws:ssm:eu-west-1:1:parameter/db"}],
        environment=[env("PORT")],
    )
    function = lambda_function(env=[env("API_TOKEN", kind="reference")])

    outcome = result("config.secrets-from-store", ecs_service(containers=[container]), function)

    assert outcome.status == "pass"
    assert any("/secrets/0" in e.locator for e in outcome.evidence)


def test_a_literal_in_a_live_ecs_container_outweighs_a_clean_repository():
    container = ecs_container(environment=[env("STRIPE_API_KEY")])

    outcome = result(
        "config.secrets-from-store",
        ecs_service(containers=[container]),
        repo="config-secrets-from-store/from-stores",
    )

    assert outcome.status == "fail"
    assert outcome.evidence[0].locator.endswith(
        "service/main/web#/task_definition/containers/0/environment/0"
    )


# --- build.image-tag-immutable ---


def test_a_live_ecs_container_on_latest_fails():
    service = ecs_service(
        containers=[
            ecs_container(image="registry.example/web:2.0.1"),
            ecs_container("proxy", image="nginx"),
        ]
    )

    outcome = result("build.image-tag-immutable", service)

    assert outcome.status == "fail"
    assert outcome.message.startswith("1 of 2 live ECS containers")
    assert "web/proxy: image nginx" in outcome.evidence[0].excerpt


def test_pinned_or_digest_images_pass_even_with_a_registry_port():
    service = ecs_service(
        containers=[
            ecs_container(image="registry.example:5000/web:2.0.1"),
            ecs_container("sidecar", image="amazon/aws-xray-daemon@sha256:" + "a" * 64),
        ]
    )

    assert result("build.image-tag-immutable", service).status == "pass"


def test_live_latest_outweighs_pinned_manifests():
    service = ecs_service(containers=[ecs_container(image="registry.example/web:latest")])

    outcome = result(
        "build.image-tag-immutable", service, repo="build-image-tag-immutable/kustomize-pinned"
    )

    assert outcome.status == "fail"


# --- build.release-versioned ---


def test_live_functions_running_only_latest_fail():
    outcome = result("build.release-versioned", lambda_function())

    assert outcome.status == "fail"
    assert "only $LATEST" in outcome.evidence[0].excerpt


def test_an_alias_on_latest_is_not_a_published_version():
    function = lambda_function(aliases=[{"name": "live", "version": "$LATEST", "routing": None}])

    assert result("build.release-versioned", function).status == "fail"


def test_published_versions_pass_and_a_mix_warns():
    versioned = lambda_function(
        versions=[version(1), version(2)],
        aliases=[{"name": "live", "version": "2", "routing": None}],
    )

    assert result("build.release-versioned", versioned).status == "pass"
    assert result("build.release-versioned", versioned, lambda_function("cron")).status == "warn"


def test_live_latest_only_outweighs_an_auto_publish_alias_in_the_template():
    outcome = result(
        "build.release-versioned", lambda_function(), repo="build-release-versioned/sam-alias"
    )

    assert outcome.status == "fail"
    assert outcome.message.startswith("AWS:")
