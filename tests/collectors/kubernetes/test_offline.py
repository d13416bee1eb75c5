"""Offline mode: ``kubectl get -o json`` exports give the facts a live list gives."""

from __future__ import annotations

import json

from scorecards.collectors.kubernetes import KINDS, KubeConfig, collect_kubernetes
from tests.collectors.kubernetes.conftest import FIXTURES, RESOURCE_PATHS, load

RECORDED = FIXTURES / "shop" / "prod-eu"
# RESOURCE_PATHS follows KINDS' order: the resource file of each kind.
RESOURCE_OF_KIND = dict(zip((spec.kind for spec in KINDS), RESOURCE_PATHS, strict=True))


def recorded_items(resource: str) -> list[dict]:
    single = RECORDED / f"{resource}.json"
    if single.exists():
        return load(single)["items"]
    return (
        load(RECORDED / f"{resource}.page1.json")["items"]
        + load(RECORDED / f"{resource}.page2.json")["items"]
    )


def kubectl_export(path) -> None:
    """What ``kubectl get deploy,sts,...,ing -A -o json`` prints for the recorded cluster: one
    ``List`` whose items carry their kind and apiVersion (the typed API lists leave them out)."""
    items = [
        {"apiVersion": spec.api_version, "kind": spec.kind, **item}
        for spec in KINDS
        for item in recorded_items(RESOURCE_OF_KIND[spec.kind])
    ]
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))


def test_an_export_gives_the_objects_the_live_cluster_gives(shop_clusters, tmp_path):
    live = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    kubectl_export(tmp_path / "prod-eu.json")

    offline = collect_kubernetes(KubeConfig(offline_dir=str(tmp_path)))

    assert live["objects"], "the recorded cluster has objects to compare"
    assert offline["objects"] == live["objects"]
    assert offline["errors"] == live["errors"] == []
    assert [c["context"] for c in offline["clusters"]] == ["prod-eu"]
    assert offline["requests"] == 0


def test_typed_list_answers_and_folders_per_context_work_too(tmp_path):
    """``kubectl get deploy -o json`` in a folder named after the context; a raw API answer
    (``DeploymentList``, items without kind) is read with the list's kind."""
    folder = tmp_path / "prod-eu"
    folder.mkdir()
    (folder / "deployments.json").write_text(
        json.dumps({"kind": "DeploymentList", "items": recorded_items("deployments")})
    )

    offline = collect_kubernetes(KubeConfig(offline_dir=str(tmp_path)))

    kinds = {o["kind"] for o in offline["objects"]}
    assert kinds == {"Deployment"}
    assert len(offline["objects"]) == len(recorded_items("deployments"))
    assert offline["objects"][0]["locator"].startswith("prod-eu/")


def test_namespaces_filter_and_unknown_contexts_are_reported(tmp_path):
    kubectl_export(tmp_path / "prod-eu.json")
    namespaces = {
        o["namespace"] for o in collect_kubernetes(KubeConfig(offline_dir=str(tmp_path)))["objects"]
    }
    one = sorted(namespaces)[0]

    filtered = collect_kubernetes(
        KubeConfig(offline_dir=str(tmp_path), namespaces=[one], contexts=["prod-eu", "nope"])
    )

    assert {o["namespace"] for o in filtered["objects"]} == {one}
    assert [e["cluster"] for e in filtered["errors"]] == ["nope"]


def test_secret_values_in_an_export_are_redacted_like_live_ones(tmp_path):
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "shop"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "api", "env": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]}
                    ]
                }
            }
        },
    }
    (tmp_path / "c.json").write_text(json.dumps({"kind": "List", "items": [deployment]}))

    text = json.dumps(collect_kubernetes(KubeConfig(offline_dir=str(tmp_path))))

    assert "hunter2" not in text
