"""Monorepo components: each is judged on its own folder and the repository's shared files."""

from datetime import date

import pytest

from scorecards import scanning
from scorecards.discovery import scope_to_component
from scorecards.models import Scan, Service

FACTS = {
    "paths": [
        ".github/workflows/ci.yml",
        "services/orders/Dockerfile",
        "services/payments/Dockerfile",
        "services/payments/package-lock.json",
    ],
    "dockerfiles": [
        {"path": "services/orders/Dockerfile"},
        {"path": "services/payments/Dockerfile"},
    ],
    "documents": [{"path": ".github/workflows/ci.yml", "category": "ci"}],
    "lockfiles": [{"path": "services/payments/package-lock.json"}],
}


def test_a_component_keeps_its_folder_and_the_shared_files_but_not_its_siblings():
    scoped = scope_to_component(FACTS, "services/orders", ["services/payments"])
    assert [d["path"] for d in scoped["dockerfiles"]] == ["services/orders/Dockerfile"]
    assert [d["path"] for d in scoped["documents"]] == [".github/workflows/ci.yml"]
    assert scoped["lockfiles"] == []
    assert scoped["paths"] == [".github/workflows/ci.yml", "services/orders/Dockerfile"]
    # The root component of a monorepo gets what is in no other component's folder.
    root = scope_to_component(FACTS, "", ["services/orders", "services/payments"])
    assert root["dockerfiles"] == [] and root["documents"] == FACTS["documents"]


def test_a_single_component_repository_is_judged_whole():
    assert scope_to_component(FACTS, "", []) is FACTS


CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: service
  owner: group:default/{team}
  lifecycle: production
"""


@pytest.mark.django_db
def test_components_of_one_repository_are_scored_on_their_own_files(tmp_path, settings):
    repo = tmp_path / "shop"
    for name, base in (("orders", "python:3.12.7-slim"), ("payments", "python")):
        folder = repo / "services" / name
        folder.mkdir(parents=True)
        (folder / "catalog-info.yaml").write_text(CATALOG.format(name=name, team="retail"))
        (folder / "Dockerfile").write_text(f'FROM {base}\nCMD ["python", "-m", "{name}"]\n')
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.DEMO_ORGANISATION = ""
    settings.LOCAL_REPOSITORIES = [str(repo)]
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    assert scanning.run_scan(scan.pk, today=date(2026, 11, 25)).state == Scan.State.SUCCEEDED

    status = {}
    for service in Service.objects.filter(repository="shop"):
        result = service.latest_scorecard.results.get(check_id="deps.base-image-pinned")
        status[(service.slug, service.repository_path)] = result.status
        assert all("services/" + service.slug in e["locator"] for e in result.evidence)
    assert status == {
        ("orders", "services/orders"): "pass",
        ("payments", "services/payments"): "fail",
    }
