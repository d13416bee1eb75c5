"""The live Kubernetes views, the verdict joining and the engine around them."""

from __future__ import annotations

import pytest

from scorecards.checks import live_k8s
from scorecards.checks.context import CheckContext
from scorecards.checks.kinds import detect_kinds
from scorecards.checks.results import Evidence, Outcome, Status
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import evaluate_service
from tests.checks.live.k8s_objects import (
    REPOS,
    TODAY,
    config_map,
    container,
    context,
    deployment,
    facts,
    hpa,
    live_result,
    service,
)


def test_live_workloads_have_the_shape_of_repository_workloads_plus_a_locator():
    ctx = context(deployment("web", container(ports=[{"containerPort": 8000}])))
    (workload,) = live_k8s.workloads(ctx)
    assert workload["kind"] == "Deployment" and workload["name"] == "web"
    assert workload["locator"] == workload["path"] == "prod-eu/shop/Deployment/web"
    assert workload["pod_pointer"] == "/spec/template/spec"
    assert workload["containers"][0]["pointer"] == "/spec/template/spec/containers/0"
    assert workload["live"] is True and workload["templated"] is False


def test_live_evidence_points_into_the_object_with_a_json_pointer():
    ctx = context(deployment("web"))
    view = live_k8s.view(ctx)
    workload = live_k8s.workloads(ctx)[0]
    line = view.memo("k8s_objects", lambda: None)[0]["entry"]["lines"]
    assert (
        line["/spec/template/spec/containers/0/image"] == "/spec/template/spec/containers/0/image"
    )
    evidence = live_k8s.evidence(ctx, workload, "/spec/replicas", "replicas: 1")
    assert evidence == Evidence(
        locator="prod-eu/shop/Deployment/web#/spec/replicas",
        excerpt="replicas: 1",
        source="kubernetes",
    )


def test_json_pointers_escape_slashes_in_keys():
    pointers = list(live_k8s.json_pointers({"metadata": {"annotations": {"a.io/b~c": "x"}}}))
    assert pointers == ["/metadata", "/metadata/annotations", "/metadata/annotations/a.io~1b~0c"]


def test_env_vars_classify_literals_secret_refs_and_config_map_keys():
    web = deployment(
        "web",
        container(
            env=[
                {"name": "PORT", "value": "8000"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
            ],
            envFrom=[{"configMapRef": {"name": "web-config"}, "prefix": "APP_"}],
        ),
    )
    ctx = context(web, config_map("web-config", "LOG_LEVEL", "SMTP_PASSWORD"))
    kinds = {e["name"]: e["kind"] for e in live_k8s.env_vars(ctx) if e["name"]}
    assert kinds == {
        "PORT": "literal",
        "DB_PASSWORD": "secret-store",
        "APP_LOG_LEVEL": "config-map",
        "APP_SMTP_PASSWORD": "config-map",
    }


def test_a_config_map_of_another_namespace_is_not_read():
    web = deployment("web", container(envFrom=[{"configMapRef": {"name": "cfg"}}]))
    other = config_map("cfg", "SMTP_PASSWORD")
    other["namespace"] = "elsewhere"
    assert [e["name"] for e in live_k8s.env_vars(context(web, other))] == [None]


def test_autoscalers_and_services_are_matched_to_their_workload():
    web, worker = deployment("web"), deployment("worker")
    ctx = context(web, worker, hpa("web"), service("web"))
    workloads = {w["name"]: w for w in live_k8s.workloads(ctx)}
    assert [h["name"] for h in live_k8s.autoscalers_of(ctx, workloads["web"])] == ["web"]
    assert live_k8s.autoscalers_of(ctx, workloads["worker"]) == []
    assert [s["name"] for s in live_k8s.services_of(ctx, workloads["web"])] == ["web"]
    assert live_k8s.services_of(ctx, workloads["worker"]) == []


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"app": "a"}, {"app": "a", "tier": "web"}, True),
        ({"matchLabels": {"app": "a"}}, {"app": "b"}, False),
        (
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a"]}]},
            {"app": "a"},
            True,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, {"app": "a"}, False),
        ({}, {"app": "a"}, False),
    ],
)
def test_selector_matching(selector, labels, expected):
    assert live_k8s.selector_matches(selector, labels) is expected


def test_views_are_memoised_per_service():
    ctx = context(deployment("web"))
    assert live_k8s.view(ctx) is live_k8s.view(ctx)
    assert live_k8s.env_vars(ctx) is live_k8s.env_vars(ctx)


def test_live_workloads_make_a_service_a_container_service():
    assert detect_kinds(context(deployment("web"))) == frozenset({"container"})
    assert detect_kinds(CheckContext(kubernetes=facts(service("web")))) == frozenset()


# --- combining verdicts ---

REPO_PASS = Outcome.passed("repo ok", [Evidence("deploy/app.yaml:3", "x", "local")])
REPO_FAIL = Outcome.failed("repo bad", [Evidence("deploy/app.yaml:9", "y", "local")])
REPO_UNKNOWN = Outcome.unknown("repo silent")
LIVE_PASS = Outcome.passed("live ok", [Evidence("c/ns/Deployment/w", "z", "kubernetes")])
LIVE_FAIL = Outcome.failed("live bad", [Evidence("c/ns/Deployment/w#/spec", "w", "kubernetes")])
LIVE_UNKNOWN = Outcome.unknown("live silent")


@pytest.mark.parametrize(
    ("repo", "live", "policy", "expected"),
    [
        (REPO_PASS, LIVE_FAIL, "worst", Status.FAIL),
        (REPO_FAIL, LIVE_PASS, "worst", Status.FAIL),
        (REPO_FAIL, LIVE_PASS, "best", Status.PASS),
        (REPO_PASS, LIVE_FAIL, "best", Status.PASS),
        (REPO_FAIL, LIVE_PASS, "live", Status.PASS),
        (REPO_PASS, LIVE_FAIL, "live", Status.FAIL),
        (REPO_UNKNOWN, LIVE_FAIL, "best", Status.FAIL),
        (REPO_PASS, LIVE_UNKNOWN, "live", Status.PASS),
        (REPO_FAIL, LIVE_UNKNOWN, "worst", Status.FAIL),
        (REPO_UNKNOWN, LIVE_UNKNOWN, "worst", Status.UNKNOWN),
        (Outcome.not_applicable("no server"), LIVE_UNKNOWN, "worst", Status.NA),
    ],
)
def test_combine(repo, live, policy, expected):
    assert live_k8s.combine(repo, live, policy).status == expected


def test_combined_evidence_lists_both_sources_the_deciding_one_first():
    combined = live_k8s.combine(REPO_PASS, LIVE_FAIL, "worst")
    assert [e.source for e in combined.evidence] == ["kubernetes", "local"]
    assert combined.message == "Kubernetes: live bad Repository: repo ok"
    repo_first = live_k8s.combine(REPO_FAIL, LIVE_PASS, "worst")
    assert [e.source for e in repo_first.evidence] == ["local", "kubernetes"]


def test_combine_rejects_an_unknown_policy():
    with pytest.raises(ValueError):
        live_k8s.combine(REPO_PASS, LIVE_PASS, "sometimes")


def test_the_decorator_leaves_checks_alone_without_kubernetes_facts():
    calls = []

    def live(ctx):
        calls.append(ctx)
        return LIVE_FAIL

    @live_k8s.with_kubernetes(live, policy="worst")
    def check(ctx):
        return REPO_PASS

    assert check(CheckContext(repo={})) is REPO_PASS
    assert calls == []
    assert check(CheckContext(repo={}, kubernetes=facts())).status == Status.FAIL
    assert check(CheckContext(kubernetes=facts())) is LIVE_FAIL  # no repository: live alone


def test_without_a_repository_only_an_aws_joined_verdict_counts_beside_the_live_one():
    @live_k8s.with_kubernetes(lambda ctx: LIVE_UNKNOWN)
    def repository_only(ctx):
        return REPO_PASS  # what a repository rule says about an empty repository

    assert repository_only(CheckContext(kubernetes=facts(), aws={})) is LIVE_UNKNOWN

    def aws_joined(ctx):
        return REPO_FAIL

    aws_joined.live_aws = lambda ctx: REPO_FAIL  # as live_aws.with_aws marks its checks
    joined = live_k8s.with_kubernetes(lambda ctx: LIVE_PASS, "worst")(aws_joined)
    outcome = joined(CheckContext(kubernetes=facts(), aws={}))
    assert outcome.status == Status.FAIL and "Other sources: repo bad" in outcome.message


# --- the engine without a repository ---


def test_without_a_repository_github_only_checks_are_unknown_not_failed():
    result = live_result("build.ci-pipeline", deployment("web"))
    assert result.status == Status.UNKNOWN
    assert "github" in result.message


def test_without_a_repository_a_kubernetes_check_decides_from_live_facts():
    result = live_result("disposability.health-probes", deployment("web"))
    assert result.status == Status.FAIL
    assert {e.source for e in result.evidence} == {"kubernetes"}


CHANGED_CHECKS = (
    "config.secrets-from-store", "backing.attached-by-url", "backing.not-bundled",
    "build.image-tag-immutable", "build.no-build-at-runtime", "processes.stateless",
    "port.from-env", "port.declared", "concurrency.process-types", "concurrency.autoscaling",
    "disposability.health-probes", "disposability.graceful-shutdown",
    "disposability.fast-startup", "admin.one-off", "admin.same-image", "security.non-root",
    "codebase.vcs", "codebase.one-repo-per-app", "codebase.deploys-traceable",
)  # fmt: skip


@pytest.mark.parametrize("check_id", CHANGED_CHECKS)
def test_an_empty_cluster_never_changes_a_repository_verdict(check_id):
    folder = REPOS / check_id.replace(".", "-")
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        facts_ = collect_directory(case)
        alone = evaluate_service(CheckContext(repo=facts_), today=TODAY)
        joined = evaluate_service(CheckContext(repo=facts_, kubernetes=facts()), today=TODAY)
        before = {r.id: (r.status, r.evidence) for r in alone.results}
        after = {r.id: (r.status, r.evidence) for r in joined.results}
        assert after == before, case.name
