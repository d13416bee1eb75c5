"""Pull requests: the head commit scored beside the default branch, and GitHub told."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.models import PullRequestEvaluation, Scorecard
from scorecards.reports.locators import file_and_line
from scorecards.webhooks.pull_requests import ANNOTATIONS_PER_REQUEST, post_feedback
from tests.collectors.github.fake_github import files_of, make_tarball
from tests.factories import make_service, record_scorecard
from tests.webhooks.conftest import payload

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEAD = "b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6"


@pytest.fixture
def orders(github, settings):
    settings.PR_FEEDBACK = True
    github.add_repo(
        {"full_name": "acme-corp/orders", "default_branch": "main", "owner": {"login": "acme-corp"}}
    )
    top = f"acme-corp-orders-{HEAD[:7]}"
    github.archives[("acme-corp/orders", HEAD)] = make_tarball(
        top, files_of(EXAMPLES / "legacy-shop"), sha=HEAD
    )
    service = make_service("orders", repository="acme-corp/orders", default_branch="main")
    # The default branch fails only the lockfile check: everything else failing is new.
    base = record_scorecard(service, statuses={"deps.lockfile": "fail"}, commit="3f2c1d0")
    service.refresh_from_db()
    return service, base


def _expected_annotations(evaluation):
    notes = []
    ordered = sorted(evaluation.results, key=lambda r: r["check_id"] not in evaluation.regressions)
    for result in ordered:
        if result["status"] != "fail":
            continue
        regression = result["check_id"] in evaluation.regressions
        for e in result["evidence"]:
            place = file_and_line(e["source"], e["locator"])
            if place:
                notes.append(
                    {
                        "path": place[0],
                        "start_line": place[1] or 1,
                        "end_line": place[1] or 1,
                        "annotation_level": "failure" if regression else "warning",
                        "title": result["check_id"] + (" (regression)" if regression else ""),
                        "message": result["message"] or result["check_id"],
                    }
                )
    return notes


def test_an_opened_pull_request_is_scored_and_reported_as_a_check_run(deliver, github, orders):
    service, base = orders
    response = deliver("pull_request", payload("pull_request_opened.json"))
    assert response.status_code == 202

    evaluation = PullRequestEvaluation.objects.get()
    assert (evaluation.number, evaluation.head_sha, evaluation.head_ref) == (
        42,
        HEAD,
        "price-cache",
    )
    assert evaluation.base_scorecard == base
    assert evaluation.score == 21.8 and evaluation.level == "None"
    assert evaluation.delta == round(21.8 - base.score, 1)
    assert "deps.lockfile" not in evaluation.regressions  # failed before this PR too
    assert "config.no-hardcoded-secrets" in evaluation.regressions
    # The default branch's history is untouched.
    service.refresh_from_db()
    assert service.latest_scorecard == base
    assert Scorecard.objects.count() == 1

    notes = _expected_annotations(evaluation)
    assert len(notes) < ANNOTATIONS_PER_REQUEST  # one request is enough here
    ((method, path, body),) = github.posted
    assert (method, path) == ("POST", "/repos/acme-corp/orders/check-runs")
    title = f"12-factor 21.8 · None · 81.9% decided ({evaluation.delta:+g} vs. default branch)"
    assert body == {
        "name": "12-factor scorecard: orders",
        "head_sha": HEAD,
        "status": "completed",
        "conclusion": "failure",
        "completed_at": body["completed_at"],
        "output": {
            "title": title,
            "summary": body["output"]["summary"],
            "annotations": notes,
        },
    }
    summary = body["output"]["summary"]
    assert summary.startswith(f"**{title}** for `orders`.")
    assert "- `config.no-hardcoded-secrets`" in summary
    assert notes[0]["annotation_level"] == "failure"
    assert any(n["path"] == "src/server.js" and n["start_line"] == 11 for n in notes)
    assert evaluation.feedback == {"kind": "check_run", "id": 4242, "conclusion": "failure"}


def test_without_regressions_the_check_run_succeeds(deliver, github, orders):
    service, _ = orders
    statuses = {r["check_id"]: r["status"] for r in _head_results(deliver, github)}
    # A default branch as bad as the head: nothing regresses.
    record_scorecard(service, statuses={k: v for k, v in statuses.items() if v != "waived"})
    PullRequestEvaluation.objects.all().delete()
    github.posted.clear()
    body = {**payload("pull_request_opened.json"), "action": "synchronize"}
    assert deliver("pull_request", body).status_code == 202
    ((_, _, posted),) = github.posted
    assert posted["conclusion"] == "success"
    assert "No regressions against the default branch." in posted["output"]["summary"]


def _head_results(deliver, github):
    deliver("pull_request", payload("pull_request_opened.json"))
    return PullRequestEvaluation.objects.get().results


def test_a_token_that_may_not_create_check_runs_gets_a_commit_status(deliver, github, orders):
    github.checks_allowed = False
    assert deliver("pull_request", payload("pull_request_opened.json")).status_code == 202
    evaluation = PullRequestEvaluation.objects.get()
    assert [(m, p) for m, p, _ in github.posted] == [
        ("POST", "/repos/acme-corp/orders/check-runs"),
        ("POST", f"/repos/acme-corp/orders/statuses/{HEAD}"),
    ]
    regressions = len(evaluation.regressions)
    assert github.posted[1][2] == {
        "state": "failure",
        "description": (
            f"12-factor 21.8 · None · 81.9% decided ({evaluation.delta:+g} vs. default branch); "
            f"{regressions} regression(s)"
        ),
        "context": "12-factor/orders",
    }
    assert evaluation.feedback == {"kind": "status", "state": "failure"}


def test_feedback_off_scores_without_writing_to_github(deliver, github, orders, settings):
    settings.PR_FEEDBACK = False
    assert deliver("pull_request", payload("pull_request_opened.json")).status_code == 202
    assert PullRequestEvaluation.objects.get().feedback == {"kind": "off"}
    assert github.posted == []


def test_a_redelivered_pull_request_is_not_scored_twice(deliver, github, orders):
    deliver("pull_request", payload("pull_request_opened.json"), delivery="pr-1")
    deliver("pull_request", payload("pull_request_opened.json"), delivery="pr-2")
    assert PullRequestEvaluation.objects.count() == 1
    assert len(github.posted) == 1
    assert len(github.hits("tarball")) == 1


def test_a_closed_pull_request_is_ignored(deliver, github, orders):
    body = {**payload("pull_request_opened.json"), "action": "closed"}
    response = deliver("pull_request", body)
    assert response.status_code == 204
    assert response["X-Webhook-Reason"] == "pull_request 'closed' changes no code"


def test_more_than_fifty_annotations_go_in_batches_of_fifty(github, orders):
    service, base = orders
    evidence = [
        {"source": "github", "locator": f"app/f{i}.py:{i + 1}", "excerpt": ""} for i in range(120)
    ]
    evaluation = PullRequestEvaluation.objects.create(
        service=service,
        repository="acme-corp/orders",
        number=7,
        head_sha=HEAD,
        base_scorecard=base,
        score=50.0,
        level="Bronze",
        results=[
            {"check_id": "logs.stdout", "status": "fail", "message": "m", "evidence": evidence}
        ],
        regressions=["logs.stdout"],
    )
    from scorecards.collectors.github import GitHubClient
    from scorecards.sources import github_config

    with GitHubClient(github_config()) as client:
        feedback = post_feedback(client, evaluation, {"repository": "acme-corp/orders"})
    assert feedback["kind"] == "check_run"
    sizes = [(m, p, len(b["output"]["annotations"])) for m, p, b in github.posted]
    assert sizes == [
        ("POST", "/repos/acme-corp/orders/check-runs", 50),
        ("PATCH", "/repos/acme-corp/orders/check-runs/4242", 50),
        ("PATCH", "/repos/acme-corp/orders/check-runs/4242", 20),
    ]
    assert github.posted[2][2]["output"]["annotations"][-1]["path"] == "app/f119.py"


def test_without_github_access_pull_requests_are_ignored(deliver, settings):
    make_service("orders", repository="acme-corp/orders")
    settings.GITHUB_TOKEN = ""
    settings.GITHUB_ORGS = []
    response = deliver("pull_request", payload("pull_request_opened.json"))
    assert response.status_code == 204
    assert "GitHub API access is not configured" in response["X-Webhook-Reason"]
