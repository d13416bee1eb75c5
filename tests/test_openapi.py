"""The versioned API contract (openapi.yaml) and the URL configuration stay in step."""

from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = yaml.safe_load((ROOT / "openapi.yaml").read_text())
# Routes that answer machines rather than people; each must be in the contract.
MACHINE_ROUTES = {"healthz", "readyz", "metrics"}


def test_the_contract_is_openapi_3_1_with_operations():
    assert CONTRACT["openapi"].startswith("3.1")
    operations = [op for item in CONTRACT["paths"].values() for op in item.values()]
    assert operations and all(op.get("operationId") and op.get("responses") for op in operations)


@pytest.mark.parametrize("path", sorted(CONTRACT["paths"]))
def test_every_documented_path_is_routed(path):
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"{path} is in openapi.yaml but no URL pattern answers it")
    assert match.url_name


def test_every_machine_route_is_documented():
    documented = {resolve(path).url_name for path in CONTRACT["paths"]}
    assert documented >= MACHINE_ROUTES
