"""Workloads created through the official client's models in many namespaces, listed with
``limit``/``continue`` from the paging emulator, surviving a ``410 Gone`` mid-list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from kubernetes import client as k8s

from scorecards.collectors.kubernetes import KubeConfig, collect_kubernetes
from tests.collectors.kubernetes.emulator import emulated_cluster

NAMESPACES = 20
WORKLOADS = 60  # kmock spends ~0.1 s per create; the 5,000-workload run is bench-sized


def deployment(namespace: str, name: str) -> k8s.V1Deployment:
    labels = {"app.kubernetes.io/name": name}
    secret = k8s.V1SecretKeySelector(name="db", key="url")
    container = k8s.V1Container(
        name="app",
        image=f"registry.example/{name}:1.0",
        env=[
            k8s.V1EnvVar(name="DATABASE_URL", value_from=k8s.V1EnvVarSource(secret_key_ref=secret))
        ],
    )
    return k8s.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=k8s.V1ObjectMeta(name=name, namespace=namespace, labels=labels),
        spec=k8s.V1DeploymentSpec(
            replicas=2,
            selector=k8s.V1LabelSelector(match_labels=labels),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=labels),
                spec=k8s.V1PodSpec(containers=[container]),
            ),
        ),
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with emulated_cluster(tmp_path_factory.mktemp("kube-paging")) as emulated:
        api = emulated.client()
        apps = k8s.AppsV1Api(api)

        def create(index: int) -> None:
            namespace = f"team-{index % NAMESPACES:03d}"
            apps.create_namespaced_deployment(namespace, deployment(namespace, f"svc-{index:04d}"))

        try:
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(create, range(WORKLOADS)))
        finally:
            api.close()
        yield emulated


def deployments(result: dict) -> list[str]:
    return [o["locator"] for o in result["objects"] if o["kind"] == "Deployment"]


def test_every_workload_is_listed_once_in_pages(cluster):
    pages_before = cluster.emulator.pages
    result = collect_kubernetes(KubeConfig(kubeconfig=str(cluster.kubeconfig), page_size=25))
    found = deployments(result)
    assert len(found) == WORKLOADS and len(set(found)) == WORKLOADS
    assert {o["namespace"] for o in result["objects"]} == {
        f"team-{n:03d}" for n in range(NAMESPACES)
    }
    assert cluster.emulator.pages - pages_before >= 3  # 60 deployments at 25 a page
    assert result["errors"] == []


def test_an_expired_continue_token_lists_again_without_duplicates(cluster):
    gone_before = cluster.emulator.gone_answers
    cluster.expire_continue_tokens()
    result = collect_kubernetes(KubeConfig(kubeconfig=str(cluster.kubeconfig), page_size=25))
    assert cluster.emulator.gone_answers == gone_before + 1
    found = deployments(result)
    assert len(found) == WORKLOADS and len(set(found)) == WORKLOADS
    assert result["errors"] == []
