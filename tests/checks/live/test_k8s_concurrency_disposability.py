"""concurrency.* and disposability.* with live facts."""

from __future__ import annotations

from scorecards.checks.results import Status
from tests.checks.live.k8s_objects import (
    container,
    deployment,
    hpa,
    job,
    live_result,
    sources,
)

READY = {"httpGet": {"path": "/ready", "port": 8000}, "periodSeconds": 10}


def test_live_workloads_are_process_types():
    result = live_result(
        "concurrency.process-types",
        deployment("web"),
        deployment("worker"),
        job("migrate"),
        repo="concurrency-process-types/nothing-declared",
    )
    assert result.status == Status.PASS
    assert "Deployment web, Deployment worker, Job migrate" in result.message


def test_a_live_autoscaler_outweighs_a_single_replica_manifest():
    result = live_result(
        "concurrency.autoscaling",
        deployment("web"),
        hpa("web", minimum=2, maximum=8),
        repo="concurrency-autoscaling/single-replica",
    )
    assert result.status == Status.PASS
    assert result.evidence[0].locator == (
        "prod-eu/shop/HorizontalPodAutoscaler/web#/spec/scaleTargetRef"
    )
    assert "autoscaled 2-8" in result.evidence[0].excerpt


def test_a_single_live_replica_fails_even_when_the_repository_declares_an_hpa():
    result = live_result(
        "concurrency.autoscaling", deployment("web"), repo="concurrency-autoscaling/hpa"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].source == "kubernetes"
    assert "Kubernetes:" in result.message and "Repository:" in result.message


def test_replicas_above_one_scale_and_an_hpa_for_another_workload_does_not():
    assert (
        live_result("concurrency.autoscaling", deployment("web", replicas=3)).status == Status.PASS
    )
    other = hpa("other")
    assert live_result("concurrency.autoscaling", deployment("web"), other).status == Status.FAIL


def test_a_single_replica_database_stateful_set_alone_is_not_a_verdict():
    database = deployment("db", container("pg", "postgres:16.2"), kind="StatefulSet")
    assert live_result("concurrency.autoscaling", database).status == Status.UNKNOWN


def test_live_probes_decide_health_probes():
    probed = deployment("web", container(readinessProbe=READY))
    result = live_result(
        "disposability.health-probes", probed, repo="disposability-health-probes/no-probes"
    )
    assert result.status == Status.PASS
    assert result.evidence[0].excerpt == "Deployment/web web: readinessProbe"
    bare = live_result(
        "disposability.health-probes", deployment("web"), repo="disposability-health-probes/probes"
    )
    assert bare.status == Status.FAIL
    assert sources(bare) == {"kubernetes", "local"}


def test_some_containers_without_probes_warn_and_jobs_are_ignored():
    result = live_result(
        "disposability.health-probes",
        deployment(
            "web", container(readinessProbe=READY), container("sidecar", "envoyproxy/envoy:v1.31")
        ),
        job("migrate"),
    )
    assert result.status == Status.WARN
    assert result.message == "1 of 2 running containers have no probe."


def test_pre_stop_and_a_deliberate_grace_period_shut_down_gracefully():
    live = deployment(
        "web",
        container(lifecycle={"preStop": {"exec": {"command": ["sleep", "5"]}}}),
        pod_extra={"terminationGracePeriodSeconds": 45},
    )
    result = live_result("disposability.graceful-shutdown", live)
    assert result.status == Status.PASS
    assert [e.excerpt for e in result.evidence] == [
        "terminationGracePeriodSeconds: 45",
        "Deployment/web preStop hook",
    ]


def test_the_default_grace_period_alone_says_nothing_and_zero_fails():
    assert (
        live_result("disposability.graceful-shutdown", deployment("web")).status == Status.UNKNOWN
    )
    killed = deployment("web", pod_extra={"terminationGracePeriodSeconds": 0})
    result = live_result(
        "disposability.graceful-shutdown",
        killed,
        repo="disposability-graceful-shutdown/node-handler",
    )
    assert result.status == Status.FAIL  # a live fail outweighs the handler in the code


def test_a_draining_server_in_the_live_command_counts():
    live = deployment("web", container(command=["gunicorn", "app:app"]))
    assert live_result("disposability.graceful-shutdown", live).status == Status.PASS


def test_live_probe_budgets_decide_fast_startup():
    slow = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10, "failureThreshold": 30}
    result = live_result(
        "disposability.fast-startup",
        deployment("web", container(startupProbe=slow)),
        repo="disposability-fast-startup/quick-probes",
    )
    assert result.status == Status.FAIL and "longest 300s" in result.message
    quick = live_result(
        "disposability.fast-startup",
        deployment("web", container(readinessProbe={**READY, "initialDelaySeconds": 5})),
        repo="disposability-fast-startup/slow-probe",
    )
    assert quick.status == Status.PASS
    assert "at most 5s" in quick.message
