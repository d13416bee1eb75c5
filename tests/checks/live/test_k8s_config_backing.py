"""config.secrets-from-store, backing.attached-by-url and backing.not-bundled with live facts."""

from __future__ import annotations

from scorecards.checks.results import REDACTED, Status
from tests.checks.live.k8s_objects import (
    config_map,
    container,
    deployment,
    live_result,
    locators,
    repo_result,
    sources,
)

SECRET_REF = {"secretKeyRef": {"name": "shop-db", "key": "password"}}


def web_with_env(*env: dict, **extra) -> dict:
    return deployment("web", container(env=list(env), **extra))


def test_a_live_literal_password_fails_even_when_the_repository_passes():
    assert (
        repo_result("config.secrets-from-store", "config-secrets-from-store/from-stores").status
        == "pass"
    )
    live = web_with_env({"name": "DB_PASSWORD", "value": REDACTED})
    result = live_result(
        "config.secrets-from-store", live, repo="config-secrets-from-store/from-stores"
    )
    assert result.status == Status.FAIL
    assert sources(result) == {"kubernetes", "local"}
    assert (
        result.evidence[0].locator
        == "prod-eu/shop/Deployment/web#/spec/template/spec/containers/0/env/0"
    )
    assert result.evidence[0].excerpt == f"DB_PASSWORD: {REDACTED} (literal)"


def test_a_url_whose_password_the_collector_redacted_is_a_literal_credential():
    live = web_with_env({"name": "BROKER_URL", "value": f"amqp://app:{REDACTED}@mq:5672/"})
    assert live_result("config.secrets-from-store", live).status == Status.FAIL


def test_secrets_from_secret_key_refs_pass_and_keep_the_repository_fail():
    live = web_with_env({"name": "DB_PASSWORD", "valueFrom": SECRET_REF})
    alone = live_result("config.secrets-from-store", live)
    assert alone.status == Status.PASS and "Secrets" in alone.message
    joined = live_result(
        "config.secrets-from-store", live, repo="config-secrets-from-store/k8s-literal"
    )
    assert joined.status == Status.FAIL  # the committed literal is still a leak
    assert sources(joined) == {"local", "kubernetes"}


def test_a_secret_like_key_of_a_config_map_in_env_from_warns():
    live = deployment("web", container(envFrom=[{"configMapRef": {"name": "web-config"}}]))
    result = live_result(
        "config.secrets-from-store", live, config_map("web-config", "SMTP_PASSWORD")
    )
    assert result.status == Status.WARN
    assert result.evidence[0].excerpt == "SMTP_PASSWORD from a ConfigMap"
    assert locators(result) == [
        "prod-eu/shop/Deployment/web#/spec/template/spec/containers/0/envFrom/0"
    ]


def test_without_live_workloads_the_repository_verdict_stands():
    result = live_result("config.secrets-from-store", repo="config-secrets-from-store/helm-values")
    assert result.status == Status.WARN
    assert sources(result) == {"local"}


def test_live_location_variables_attach_backing_services():
    live = web_with_env(
        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}},
        {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://collector:4318"},
    )
    result = live_result("backing.attached-by-url", live, repo="backing-attached-by-url/unclear")
    assert result.status == Status.PASS
    assert result.evidence[0].excerpt == "DATABASE_URL set for web (secret-store)"
    assert not any("OTEL" in e.excerpt for e in result.evidence)


def test_backing_stays_not_applicable_when_the_code_has_no_client():
    live = web_with_env({"name": "DATABASE_URL", "value": "postgres://db/app"})
    result = live_result("backing.attached-by-url", live, repo="backing-attached-by-url/no-backing")
    assert result.status == Status.NA


def test_live_telemetry_endpoints_alone_do_not_pass_backing():
    live = web_with_env({"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://collector:4318"})
    assert live_result("backing.attached-by-url", live).status == Status.UNKNOWN


def test_a_live_redis_container_beside_the_app_is_bundled():
    live = deployment("web", container(), container("cache", "redis:7.2"))
    result = live_result("backing.not-bundled", live, repo="backing-not-bundled/separate-services")
    assert result.status == Status.FAIL
    assert (
        result.evidence[0].locator == "prod-eu/shop/Deployment/web#/spec/template/spec/containers/1"
    )
    assert "redis:7.2 beside web" in result.evidence[0].excerpt


def test_a_database_in_its_own_workload_is_not_bundled():
    database = deployment("db", container("postgres", "postgres:16.2"), kind="StatefulSet")
    result = live_result("backing.not-bundled", deployment("web"), database)
    assert result.status == Status.PASS
