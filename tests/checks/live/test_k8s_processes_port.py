"""processes.stateless, port.from-env and port.declared with live facts."""

from __future__ import annotations

from scorecards.checks.results import Status
from tests.checks.live.k8s_objects import (
    container,
    deployment,
    entry,
    hpa,
    live_result,
    pvc,
    service,
    sources,
)


def with_volumes(name: str, replicas: int, *volumes: dict, kind: str = "Deployment") -> dict:
    return deployment(
        name, container(), replicas=replicas, pod_extra={"volumes": list(volumes)}, kind=kind
    )


CLAIM = {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}}


def test_a_live_host_path_fails_even_when_the_repository_is_stateless():
    live = with_volumes("web", 1, {"name": "up", "hostPath": {"path": "/data/uploads"}})
    result = live_result("processes.stateless", live, repo="processes-stateless/stateless")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "prod-eu/shop/Deployment/web#/spec/template/spec/volumes/0"
    assert sources(result) == {"kubernetes"}  # the repository's pass carries no evidence


def test_system_host_paths_are_fine():
    live = with_volumes("web", 3, {"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}})
    assert live_result("processes.stateless", live).status == Status.PASS


def test_a_read_write_once_claim_fails_only_when_more_than_one_pod_may_mount_it():
    single = with_volumes("web", 1, CLAIM)
    assert (
        live_result("processes.stateless", single, pvc("web-data", "ReadWriteOnce")).status
        == Status.PASS
    )
    scaled = with_volumes("web", 3, CLAIM)
    result = live_result("processes.stateless", scaled, pvc("web-data", "ReadWriteOnce"))
    assert result.status == Status.FAIL and "(3 pods)" in result.evidence[0].excerpt
    autoscaled = live_result(
        "processes.stateless", single, pvc("web-data", "ReadWriteOnce"), hpa("web")
    )
    assert autoscaled.status == Status.FAIL and "(10 pods)" in autoscaled.evidence[0].excerpt
    shared = live_result("processes.stateless", scaled, pvc("web-data", "ReadWriteMany"))
    assert shared.status == Status.PASS


def test_stateful_sets_own_their_claims():
    live = with_volumes("db", 3, CLAIM, kind="StatefulSet")
    assert (
        live_result("processes.stateless", live, pvc("web-data", "ReadWriteOnce")).status
        == Status.PASS
    )


def test_client_ip_affinity_fails():
    sticky = service("web", sessionAffinity="ClientIP")
    result = live_result("processes.stateless", deployment("web"), sticky)
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "prod-eu/shop/Service/web#/spec/sessionAffinity"


def test_a_sticky_live_ingress_warns():
    annotations = {"nginx.ingress.kubernetes.io/affinity": "cookie"}
    ingress = entry("Ingress", "web", {"metadata": {"annotations": annotations}, "spec": {}})
    result = live_result("processes.stateless", deployment("web"), ingress)
    assert result.status == Status.WARN
    assert result.evidence[0].locator == (
        "prod-eu/shop/Ingress/web#/metadata/annotations/nginx.ingress.kubernetes.io~1affinity"
    )


def test_port_from_a_kubernetes_variable_in_the_command_passes():
    live = deployment(
        "web",
        container(
            command=["gunicorn"],
            args=["app:app", "--bind", "0.0.0.0:$(PORT)"],
            ports=[{"containerPort": 8000}],
        ),
    )
    result = live_result("port.from-env", live, repo="port-from-env/go-hardcoded")
    assert result.status == Status.PASS  # a pass from either source is enough
    assert result.evidence[0].locator.endswith("#/spec/template/spec/containers/0/args")


def test_a_literal_port_in_the_live_command_fails_without_a_port_variable():
    live = deployment(
        "web",
        container(args=["--bind", "0.0.0.0:8000"], ports=[{"containerPort": 8000}]),
    )
    assert live_result("port.from-env", live).status == Status.FAIL
    with_env = deployment(
        "web",
        container(
            args=["--bind", "0.0.0.0:8000"],
            env=[{"name": "PORT", "value": "8000"}],
            ports=[{"containerPort": 8000}],
        ),
    )
    assert live_result("port.from-env", with_env).status == Status.PASS


def test_workers_without_ports_or_services_leave_the_port_unknown():
    worker = deployment("worker", container(args=["celery", "worker"]))
    assert live_result("port.from-env", worker).status == Status.UNKNOWN
    assert live_result("port.declared", worker).status == Status.UNKNOWN


def test_a_live_container_port_declares_the_port_over_an_undeclared_repository():
    live = deployment("web", container(ports=[{"containerPort": 8000, "protocol": "TCP"}]))
    result = live_result("port.declared", live, repo="port-declared/undeclared")
    assert result.status == Status.PASS
    assert result.evidence[0].source == "kubernetes"


def test_a_service_in_front_of_pods_that_declare_no_port_fails():
    result = live_result("port.declared", deployment("web"), service("web"))
    assert result.status == Status.FAIL
    assert (
        result.evidence[0].locator == "prod-eu/shop/Deployment/web#/spec/template/spec/containers"
    )
