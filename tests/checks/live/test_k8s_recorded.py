"""Live checks over recorded API answers, end to end: collector, service facts, engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scorecards.checks.context import CheckContext
from scorecards.checks.results import Status
from scorecards.collectors.kubernetes import KubeConfig, collect_kubernetes, service_facts
from scorecards.engine import evaluate_service
from tests.checks.live.k8s_objects import TODAY
from tests.collectors.kubernetes.conftest import FIXTURES, serve_recorded, write_kubeconfig


@pytest.fixture
def collected(httpserver: HTTPServer, tmp_path: Path) -> dict:
    serve_recorded(httpserver, FIXTURES / "shop" / "prod-eu", page_size=2)
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", {"prod-eu": httpserver.url_for("").rstrip("/")}, "prod-eu"
    )
    return collect_kubernetes(KubeConfig(kubeconfig=str(kubeconfig), page_size=2))


def report(collected: dict, service: str) -> dict:
    ctx = CheckContext(kubernetes=service_facts(collected, service))
    return {r.id: r for r in evaluate_service(ctx, today=TODAY).results}


def test_the_recorded_shop_service_is_judged_from_what_runs(collected):
    results = report(collected, "shop")
    expected = {
        "config.secrets-from-store": Status.FAIL,  # the worker's DB_PASSWORD literal
        "build.image-tag-immutable": Status.FAIL,  # the worker runs :latest
        "processes.stateless": Status.FAIL,  # hostPath, RWO claim on 2 pods, ClientIP
        "concurrency.autoscaling": Status.PASS,  # the HPA of shop-web
        "disposability.health-probes": Status.WARN,  # the worker has no probe
        "disposability.graceful-shutdown": Status.PASS,  # preStop + 45 s grace period
        "disposability.fast-startup": Status.PASS,  # startup probe: 60 s
        "admin.one-off": Status.PASS,  # the migrate Job and the cleanup CronJob
        "admin.same-image": Status.PASS,
        "port.from-env": Status.PASS,  # --bind 0.0.0.0:$(PORT)
        "port.declared": Status.PASS,
        "codebase.deploys-traceable": Status.PASS,  # git-commit annotation
        "build.ci-pipeline": Status.UNKNOWN,  # needs the repository: never a silent fail
    }
    assert {check: results[check].status for check in expected} == expected
    secrets = results["config.secrets-from-store"]
    assert secrets.evidence[0].locator == (
        "prod-eu/shop/Deployment/shop-worker#/spec/template/spec/containers/0/env/1"
    )
    assert "hunter2" not in json.dumps([r.as_dict() for r in results.values()])


def test_the_recorded_legacy_service_bundles_its_cache(collected):
    results = report(collected, "legacy-admin")
    assert results["backing.not-bundled"].status == Status.FAIL
    assert results["build.image-tag-immutable"].status == Status.PASS  # php:7.4-apache, redis:7.2
    assert results["security.non-root"].status == Status.UNKNOWN
    assert results["disposability.health-probes"].status == Status.FAIL
