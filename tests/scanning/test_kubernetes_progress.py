"""A scan through the Kubernetes source shows its progress (it showed 0/0 until it finished)."""

from __future__ import annotations

import pytest

from scorecards import scanning
from scorecards.collectors.kubernetes import KIND_NAMES
from scorecards.models import Scan
from tests.collectors.kubernetes.conftest import (  # noqa: F401 (fixtures shared by import)
    second_server,
    shop_clusters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kubernetes_only(settings, shop_clusters):  # noqa: F811
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = ""
    settings.KUBECONFIG = str(shop_clusters["kubeconfig"])
    settings.KUBE_CONTEXTS = ["prod-eu", "staging"]
    settings.KUBE_NAMESPACES = []
    return shop_clusters


def test_a_kubernetes_scan_reports_steps_while_it_lists(kubernetes_only, monkeypatch):
    seen: list[tuple[int, int]] = []
    original = scanning._update_progress

    def spy(scan_id, mutate):
        progress = original(scan_id, mutate)
        entry = progress["sources"]["kubernetes"]
        if entry.get("state") == "running" and entry.get("total"):
            seen.append((entry["done"], entry["total"]))
        return progress

    monkeypatch.setattr(scanning, "_update_progress", spy)
    requested, _ = scanning.request_scan(Scan.Trigger.MANUAL, sources=["kubernetes"])
    scan = scanning.run_scan(requested.pk)
    total = 2 * len(KIND_NAMES)
    assert seen and seen[-1] == (total, total)  # the last step is always written
    assert all(0 < done <= total for done, _ in seen)
    entry = scan.progress["sources"]["kubernetes"]
    assert (entry["done"], entry["total"]) == (total, total)


def test_namespaces_make_one_step_per_kind_and_namespace(kubernetes_only, settings):
    settings.KUBE_CONTEXTS = ["prod-eu"]
    settings.KUBE_NAMESPACES = ["shop", "payments", "ops"]
    requested, _ = scanning.request_scan(Scan.Trigger.MANUAL, sources=["kubernetes"])
    scan = scanning.run_scan(requested.pk)
    entry = scan.progress["sources"]["kubernetes"]
    assert (entry["done"], entry["total"]) == (3 * len(KIND_NAMES), 3 * len(KIND_NAMES))
