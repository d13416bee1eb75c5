"""Manifests in the shapes public projects ship, loaded into a stateful Kubernetes API
(kmock's emulator) through the official client, then collected, discovered and scored as a
real cluster would be: no phantom services, no merge across namespaces, and a kind the scanner
may not list is unknown, never absent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scorecards import scanning
from scorecards.carry_over import stale_reason
from scorecards.checks.context import CheckContext
from scorecards.checks.results import Status
from scorecards.collectors.kubernetes import KubeConfig, collect_kubernetes
from scorecards.discovery import resolve_services, slice_kubernetes
from scorecards.engine import evaluate_service
from scorecards.models import Scan, Service
from tests.collectors.kubernetes.emulator import emulated_cluster

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "kubernetes" / "emulator"
NAMESPACES = ("boutique", "blog", "monitoring", "team-a", "team-b", "payments")
TODAY = date(2026, 12, 8)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with emulated_cluster(tmp_path_factory.mktemp("kube")) as emulated:
        for namespace in NAMESPACES:
            assert emulated.load(MANIFESTS / f"{namespace}.yaml", namespace) > 0
        yield emulated


@pytest.fixture
def collect(cluster):
    def run(*forbidden: str) -> dict:
        cluster.forbid(*forbidden)
        try:
            return collect_kubernetes(KubeConfig(kubeconfig=str(cluster.kubeconfig)))
        finally:
            cluster.forbid()

    return run


def services(inventory: dict) -> dict:
    return {spec.slug: spec for spec in resolve_services(k8s_objects=inventory["objects"])}


def kinds_and_names(spec) -> set[str]:
    return {"/".join(locator.split("/")[2:]) for locator in spec.k8s_locators}


def test_every_manifest_reached_the_emulator_and_the_collector_lists_them(collect):
    inventory = collect()
    assert inventory["errors"] == []
    assert {o["namespace"] for o in inventory["objects"]} == set(NAMESPACES)
    assert len([o for o in inventory["objects"] if o["kind"] == "Deployment"]) == 11


def test_only_workloads_found_services_so_labelled_config_maps_make_no_phantoms(collect):
    found = services(collect())
    assert set(found) == {
        "frontend",
        "cartservice",
        "redis-cart",
        "loadgenerator",
        "blog",
        "grafana",
        "api-team-a",
        "api-team-b",
        "mailer",
        "ledger",
    }


def test_a_config_map_read_through_env_from_joins_the_workload_that_reads_it(collect):
    blog = services(collect())["blog"]
    assert kinds_and_names(blog) == {
        "Deployment/blog-web",
        "CronJob/blog-sitemap",
        "Job/blog-migrate-5",  # unlabelled hook: joins through the image it runs
        "ConfigMap/blog-settings",  # labelled app: blog-settings, read through envFrom
        "HorizontalPodAutoscaler/blog-web",
        "PodDisruptionBudget/blog-web",
    }


def test_a_job_a_cron_job_created_joins_its_owner_not_a_service_of_its_own(collect):
    ledger = services(collect())["ledger"]
    assert "Job/ledger-report-29012345" in kinds_and_names(ledger)
    assert ledger.team == "payments"


def test_two_unrelated_apps_of_one_name_in_two_namespaces_stay_apart(collect):
    found = services(collect())
    assert found["api-team-a"].k8s_locators == ["emulated/team-a/Deployment/api"]
    assert found["api-team-b"].k8s_locators == ["emulated/team-b/Deployment/api"]
    assert "api" not in found


def test_one_team_s_app_in_two_namespaces_is_one_service(collect):
    mailer = services(collect())["mailer"]
    assert sorted(mailer.k8s_locators) == [
        "emulated/team-a/Deployment/mailer",
        "emulated/team-b/Deployment/mailer",
    ]


def _verdicts(inventory: dict, slug: str) -> tuple[dict, dict]:
    facts = slice_kubernetes(inventory, services(inventory)[slug].k8s_locators)
    report = evaluate_service(CheckContext(kubernetes=facts), today=TODAY, service=slug)
    return {r.id: r for r in report.results}, facts


def test_autoscaling_is_judged_from_the_hpas_when_they_can_be_listed(collect):
    inventory = collect()
    blog, _facts = _verdicts(inventory, "blog")
    assert blog["concurrency.autoscaling"].status == Status.PASS
    frontend, _facts = _verdicts(inventory, "frontend")
    assert frontend["concurrency.autoscaling"].status == Status.FAIL  # one replica, no HPA


def test_hpas_the_scanner_may_not_list_make_autoscaling_unknown_and_the_source_stale(collect):
    inventory = collect("horizontalpodautoscalers")
    assert {e["kind"] for e in inventory["errors"]} == {"HorizontalPodAutoscaler"}
    assert "403" in inventory["errors"][0]["error"]
    for slug in ("blog", "frontend", "ledger"):
        results, facts = _verdicts(inventory, slug)
        autoscaling = results["concurrency.autoscaling"]
        assert autoscaling.status == Status.UNKNOWN, (slug, autoscaling.message)
        assert "could not be listed" in autoscaling.message
        assert "HorizontalPodAutoscaler could not be listed" in stale_reason(facts)
    # Replicas alone still decide where they say more than one.
    mailer, _facts = _verdicts(inventory, "mailer")
    assert mailer["concurrency.autoscaling"].status == Status.PASS


@pytest.mark.django_db
def test_a_first_scan_refused_hpas_names_kubernetes_stale_and_fails_nothing_for_it(
    collect, cluster, settings
):
    settings.GITHUB_ORGS, settings.AWS_REGIONS, settings.LOCAL_REPOSITORIES = [], [], []
    settings.DEMO_ORGANISATION, settings.KUBE_OFFLINE_DIR = "", ""
    settings.KUBECONFIG, settings.KUBE_CONTEXTS = str(cluster.kubeconfig), ["emulated"]
    settings.KUBE_NAMESPACES = []
    cluster.forbid("horizontalpodautoscalers")
    try:
        scan, _created = scanning.request_scan(Scan.Trigger.MANUAL, sources=["kubernetes"])
        scan = scanning.run_scan(scan.pk, today=TODAY)
    finally:
        cluster.forbid()
    assert set(Service.objects.values_list("slug", flat=True)) == set(services(collect()))
    blog = Service.objects.get(slug="blog").latest_scorecard
    assert blog.stale_sources == ["kubernetes"]
    result = blog.results.get(check_id="concurrency.autoscaling")
    assert result.status == Status.UNKNOWN
    snapshot = Service.objects.get(slug="blog").snapshots.get(scan=scan, source="kubernetes")
    assert snapshot.stale and "HorizontalPodAutoscaler" in snapshot.error
