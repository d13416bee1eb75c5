"""Mapping live objects to services: labels, and the objects that belong with a workload."""

from __future__ import annotations

import json

from scorecards.collectors.kubernetes import service_facts, service_keys
from tests.collectors.kubernetes.conftest import FIXTURES, load


def manifest(labels=None, template_labels=None, annotations=None, kind="Deployment") -> dict:
    return {
        "kind": kind,
        "metadata": {"name": "x", "labels": labels or {}, "annotations": annotations or {}},
        "spec": {"template": {"metadata": {"labels": template_labels or {}}}},
    }


def test_part_of_names_the_service_and_the_team_label_its_owner():
    obj = manifest(
        {
            "app.kubernetes.io/name": "shop-web",
            "app.kubernetes.io/part-of": "shop",
            "team": "payments",
        }
    )
    assert service_keys(obj) == ("shop", "payments")


def test_the_name_label_and_the_pod_template_are_fallbacks():
    assert service_keys(manifest({"app": "billing"})) == ("billing", None)
    assert service_keys(manifest({}, {"app.kubernetes.io/name": "api"})) == ("api", None)
    assert service_keys(manifest({}, {}, {"owner": "platform"})) == (None, "platform")


def test_label_keys_are_configurable_and_collector_entries_are_accepted():
    entry = {"object": manifest({"component": "search", "squad": "discovery"})}
    keys = service_keys(entry, name_labels=("component",), team_labels=("squad",))
    assert keys == ("search", "discovery")


def test_service_facts_take_the_autoscalers_services_and_claims_of_the_service():
    items = []
    for name in (
        "deployments.page1",
        "deployments.page2",
        "services",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "persistentvolumeclaims",
        "configmaps",
        "statefulsets",
    ):
        listed = load(FIXTURES / "shop" / "prod-eu" / f"{name}.json")
        kind = listed["kind"].removesuffix("List")
        for item in listed["items"]:
            meta = item["metadata"]
            items.append(
                {
                    "cluster": "prod-eu",
                    "namespace": meta["namespace"],
                    "kind": kind,
                    "name": meta["name"],
                    "labels": meta.get("labels") or {},
                    "locator": f"prod-eu/{meta['namespace']}/{kind}/{meta['name']}",
                    "object": {"kind": kind, **item},
                }
            )
    facts = service_facts({"objects": items}, "shop")
    locators = {o["locator"] for o in facts["objects"]}
    assert {
        "prod-eu/shop/Deployment/shop-web",
        "prod-eu/shop/Deployment/shop-worker",
        "prod-eu/shop/StatefulSet/shop-postgres",
        "prod-eu/shop/HorizontalPodAutoscaler/shop-web",
        "prod-eu/shop/Service/shop-web",
        "prod-eu/shop/PodDisruptionBudget/shop-web",
        "prod-eu/shop/PersistentVolumeClaim/shop-media",
        "prod-eu/shop/PersistentVolumeClaim/data-shop-postgres-0",
        "prod-eu/shop/ConfigMap/shop-config",
    } <= locators
    assert "prod-eu/tools/Deployment/legacy-admin" not in locators
    assert "prod-eu/default/Service/kubernetes" not in locators
    assert facts["schema"] == 1 and facts["source"] == "kubernetes"
    json.dumps(facts)
