"""The shared live AWS views and how live verdicts join repository verdicts."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards.checks import live_aws
from scorecards.checks.context import CheckContext
from scorecards.checks.kinds import detect_kinds
from scorecards.checks.results import Evidence, Outcome, Status
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import evaluate_service
from tests.checks.live import k8s_objects as k8s
from tests.checks.live.aws_resources import (
    REPOS,
    TODAY,
    ecs_container,
    ecs_service,
    env,
    facts,
    lambda_function,
    log_group,
    rest_stage,
)

REPO_EVIDENCE = Evidence("template.yaml:3", "Runtime: python3.12", "local")
LIVE_EVIDENCE = Evidence("arn:aws:lambda:eu-west-1:1:function:f#/runtime", "runtime", "aws")


def _repo(status: Status) -> Outcome:
    return Outcome(status, [REPO_EVIDENCE], "repo says so.")


def _live(status: Status) -> Outcome:
    return Outcome(status, [LIVE_EVIDENCE], "live says so.")


@pytest.mark.parametrize(
    ("policy", "repo", "live", "expected"),
    [
        ("worst", Status.PASS, Status.FAIL, Status.FAIL),
        ("worst", Status.FAIL, Status.PASS, Status.FAIL),
        ("worst", Status.WARN, Status.PASS, Status.WARN),
        ("best", Status.FAIL, Status.PASS, Status.PASS),
        ("best", Status.PASS, Status.FAIL, Status.PASS),
        ("live", Status.FAIL, Status.PASS, Status.PASS),
        ("live", Status.PASS, Status.WARN, Status.WARN),
        ("settles_warn", Status.WARN, Status.PASS, Status.PASS),
        ("settles_warn", Status.FAIL, Status.PASS, Status.FAIL),
        ("settles_warn", Status.PASS, Status.FAIL, Status.FAIL),
        ("worst", Status.UNKNOWN, Status.FAIL, Status.FAIL),
        ("worst", Status.NA, Status.PASS, Status.PASS),
        ("worst", Status.PASS, Status.UNKNOWN, Status.PASS),
        ("worst", Status.NA, Status.UNKNOWN, Status.NA),
    ],
)
def test_combine_follows_its_policy(policy, repo, live, expected):
    assert live_aws.combine(_repo(repo), _live(live), policy).status == expected


def test_combined_evidence_lists_both_sides_the_deciding_one_first():
    combined = live_aws.combine(_repo(Status.PASS), _live(Status.FAIL))

    assert combined.evidence == [LIVE_EVIDENCE, REPO_EVIDENCE]
    assert combined.message == "AWS: live says so. Repository: repo says so."


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        live_aws.with_aws(lambda ctx: _live(Status.PASS), policy="sometimes")


def test_the_decorated_check_runs_unchanged_without_aws_facts():
    calls = []

    @live_aws.with_aws(lambda ctx: calls.append("live") or _live(Status.FAIL))
    def check(ctx):
        calls.append("repo")
        return _repo(Status.PASS)

    assert check(CheckContext(repo={})).status == Status.PASS
    assert calls == ["repo"]
    assert check(CheckContext(repo={}, aws=facts())).status == Status.FAIL
    assert check(CheckContext(repo=None, aws=facts())).message == "live says so."


def test_evidence_points_into_the_resource():
    found = live_aws.evidence(lambda_function(), "/env/0", "x" * 400)

    assert found.locator == "arn:aws:lambda:eu-west-1:123456789012:function:orders#/env/0"
    assert found.source == "aws"
    assert len(found.excerpt) <= 160


def test_env_vars_flatten_functions_and_containers_and_secrets():
    container = ecs_container(
        environment=[env("PORT")], secrets=[{"name": "DB_PASSWORD", "value_from": "arn:x"}]
    )
    ctx = CheckContext(
        aws=facts(
            lambda_function(env=[env("API_KEY", kind="reference")]),
            ecs_service(containers=[container]),
        )
    )

    found = [(e["unit"], e["name"], e["kind"], e["pointer"]) for e in live_aws.env_vars(ctx)]

    assert found == [
        ("orders", "API_KEY", "reference", "/env/0"),
        ("web/web", "PORT", "literal", "/task_definition/containers/0/environment/0"),
        ("web/web", "DB_PASSWORD", "secret-store", "/task_definition/containers/0/secrets/0"),
    ]


def test_a_function_finds_its_log_group_by_name_or_writer():
    function = lambda_function(logging={"format": "JSON", "log_group": "/custom/orders"})
    by_name = CheckContext(aws=facts(function, log_group("/custom/orders")))
    by_writer = CheckContext(aws=facts(function, log_group("/other", writers=[function["arn"]])))
    missing = CheckContext(aws=facts(function, log_group("/aws/lambda/orders")))

    assert live_aws.function_log_group(by_name, function)["name"] == "/custom/orders"
    assert live_aws.function_log_group(by_writer, function)["name"] == "/other"
    assert live_aws.function_log_group(missing, function) is None


def test_live_resources_give_an_aws_only_service_its_kinds():
    assert detect_kinds(CheckContext(aws=facts(ecs_service()))) == {"container"}
    assert detect_kinds(CheckContext(aws=facts(rest_stage()))) == {"serverless"}
    assert detect_kinds(CheckContext(aws=facts(log_group("/x")))) == frozenset()


def test_an_aws_only_service_is_scored_from_its_live_facts():
    ctx = CheckContext(aws=facts(lambda_function(runtime="python3.8", tracing="Active")))

    report = evaluate_service(ctx, today=TODAY, service="orders")

    statuses = {r.id: str(r.status) for r in report.results}
    assert report.kinds == ["serverless"]
    assert statuses["deps.runtime-supported"] == "fail"
    assert statuses["build.release-versioned"] == "fail"
    assert statuses["telemetry.instrumented"] == "pass"
    assert statuses["port.declared"] == "na"
    assert statuses["deps.manifest"] == "unknown"  # a github-only check


FIXTURES = sorted(p for p in REPOS.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_aws_facts_without_resources_never_change_a_repository_verdict(fixture):
    repo = collect_directory(fixture)
    alone = evaluate_service(CheckContext(repo=repo), today=date(2026, 11, 25))
    joined = evaluate_service(CheckContext(repo=repo, aws=facts()), today=date(2026, 11, 25))

    assert [(r.id, r.status) for r in joined.results] == [(r.id, r.status) for r in alone.results]


def test_aws_and_kubernetes_facts_join_without_a_repository():
    pinned_pods = k8s.facts(k8s.deployment("web", k8s.container(image="registry.example/web:1.2")))
    ecs_on_latest = facts(ecs_service(containers=[ecs_container(image="registry.example/web")]))
    ctx = CheckContext(aws=ecs_on_latest, kubernetes=pinned_pods)

    report = evaluate_service(ctx, today=TODAY)

    result = next(r for r in report.results if r.id == "build.image-tag-immutable")
    assert result.status == "fail"  # the worse of the two live verdicts
    assert {e.source for e in result.evidence} == {"aws", "kubernetes"}
