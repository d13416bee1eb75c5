"""The versioned API contract (openapi.yaml) and the URL configuration stay in step."""

from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = yaml.safe_load((ROOT / "openapi.yaml").read_text())
# Routes that answer machines rather than people; each must be in the contract.
MACHINE_ROUTES = {
    "healthz",
    "readyz",
    "metrics",
    "webhook-github",
    "webhook-rescan",
    "badge",
    "api-openapi",
    "api-services",
    "api-service",
    "api-service-scorecards",
    "api-service-results",
    "api-service-pull-requests",
    "api-service-sarif",
    "api-scorecard",
    "api-scorecard-results",
    "api-teams",
    "api-summary",
    "api-scans",
    "api-export-org",
    "api-export-teams",
    "api-export-checks",
}


def test_the_contract_is_a_valid_openapi_document():
    from openapi_spec_validator import validate

    validate(CONTRACT)


def test_every_api_and_webhook_route_is_documented():
    from django.urls import get_resolver

    def names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from names(pattern, prefix + str(pattern.pattern))
            elif (prefix + str(pattern.pattern)).startswith(("api/", "webhooks/", "badges/")):
                yield pattern.name

    assert set(names(get_resolver())) <= MACHINE_ROUTES


def test_the_contract_is_openapi_3_1_with_operations():
    assert CONTRACT["openapi"].startswith("3.1")
    operations = [op for item in CONTRACT["paths"].values() for op in item.values()]
    assert operations and all(op.get("operationId") and op.get("responses") for op in operations)


@pytest.mark.parametrize("path", sorted(CONTRACT["paths"]))
def test_every_documented_path_is_routed(path):
    try:
        # Path templates: a sample value in place of each {parameter}.
        match = resolve(path.replace("{slug}", "orders").replace("{id}", "1"))
    except Resolver404:
        pytest.fail(f"{path} is in openapi.yaml but no URL pattern answers it")
    assert match.url_name


def test_every_machine_route_is_documented():
    documented = {
        resolve(path.replace("{slug}", "orders").replace("{id}", "1")).url_name
        for path in CONTRACT["paths"]
    }
    assert documented >= MACHINE_ROUTES
