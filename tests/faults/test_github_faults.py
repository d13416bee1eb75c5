"""GitHub misbehaving under a real worker: 5xx, a slow answer, secondary and primary rate limits.

Each test first scans the organisation completely (the earlier result), then changes the
repositories and makes GitHub misbehave for the worker's scan: what was fetched is fresh, what
could not be keeps its last facts, marked stale with the reason and when it is tried again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from scorecards import scanning, tasks
from scorecards.models import Scan, Scorecard, Service, Snapshot, SourceRun
from tests.collectors.github.fake_github import _json_response, primary_limit
from tests.faults.conftest import (
    CHANGED,
    finished,
    misroute,
    scan_in_process,
    scan_on_worker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)
REPOS = ["acme-corp/svc-000", "acme-corp/svc-001", "acme-corp/svc-002"]


@pytest.fixture
def scanned(github):
    """A complete first scan, then a new head commit on every repository."""
    first = scan_in_process()
    assert first.state == Scan.State.SUCCEEDED, first.error
    latest = dict(Service.objects.values_list("repository", "latest_scorecard_id"))
    for name in REPOS:
        github.push(name, CHANGED)
    github.reset_log()
    return first, latest


def _snapshot(scan: Scan, repository: str) -> Snapshot:
    return Snapshot.objects.get(scan=scan, service__repository=repository, source="github")


def _facts_of(scan_id: int, repository: str) -> dict:
    return Snapshot.objects.get(scan_id=scan_id, service__repository=repository).facts.data


def test_a_brief_5xx_is_retried_and_the_scan_is_complete(github, scanned, workers, monkeypatch):
    answers = iter([502, 503])

    def flaky(request, path, kind):
        status = next(answers, None) if kind == "commit" else None
        return _json_response(status, {"message": "Server Error"}) if status else None

    misroute(github, monkeypatch, flaky)
    workers(**github.env)
    scan = scan_on_worker("5xx blip")

    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert [h.status for h in github.hits("commit")][:3] == [502, 503, 200]
    assert SourceRun.objects.get(scan=scan).requests["retries"] == 2
    assert not Snapshot.objects.filter(scan=scan, stale=True).exists()
    assert Scorecard.objects.filter(scan=scan).count() == 3


def test_a_repository_answering_5xx_keeps_its_last_facts_marked_stale(
    github, scanned, workers, monkeypatch, scorecard_page
):
    first, latest = scanned

    def broken(request, path, kind):
        if kind == "tarball" and "/svc-001/" in path:
            return _json_response(500, {"message": "Server Error"})
        return None

    misroute(github, monkeypatch, broken)
    workers(**github.env)
    scan = scan_on_worker("5xx on one repository")

    # Partial, not succeeded: one repository's facts are carried over.
    assert scan.state == Scan.State.PARTIAL
    assert "answered 500 4 times in a row" in scan.error
    stale = _snapshot(scan, "acme-corp/svc-001")
    assert stale.stale and "500" in stale.error
    assert _facts_of(scan.pk, "acme-corp/svc-001") == _facts_of(first.pk, "acme-corp/svc-001")
    assert not _snapshot(scan, "acme-corp/svc-000").stale
    # Every service still has exactly one scorecard per scan; the earlier ones stay.
    assert Scorecard.objects.filter(scan=scan).count() == 3
    assert Scorecard.objects.filter(pk__in=latest.values()).count() == 3
    html = scorecard_page(Service.objects.get(repository="acme-corp/svc-001"))
    assert "Some facts are stale: github" in html
    assert "GitHub answered 500" in html and "Next try:" in html


def test_a_slow_answer_beyond_the_client_timeout_is_a_stale_repository(
    github, scanned, workers, monkeypatch
):
    first, _ = scanned

    def slow(request, path, kind):
        if kind == "commit" and "/svc-002/" in path:
            time.sleep(2.5)
        return None

    misroute(github, monkeypatch, slow)
    workers(**github.env, GITHUB_TIMEOUT_SECONDS="1")
    scan = scan_on_worker("GitHub too slow")

    assert scan.state == Scan.State.PARTIAL
    stale = _snapshot(scan, "acme-corp/svc-002")
    assert stale.stale and "ReadTimeout" in stale.error
    assert _facts_of(scan.pk, "acme-corp/svc-002") == _facts_of(first.pk, "acme-corp/svc-002")
    fresh = _snapshot(scan, "acme-corp/svc-000")
    assert not fresh.stale and fresh.revision == github.heads["acme-corp/svc-000"]


def test_a_secondary_rate_limit_is_waited_out_and_the_scan_is_complete(
    github, scanned, workers, monkeypatch
):
    limited = iter([True])

    def secondary(request, path, kind):
        if kind == "repos" and next(limited, False):
            return _json_response(
                403,
                {"message": "You have exceeded a secondary rate limit. Please wait."},
                {"Retry-After": "1"},
            )
        return None

    misroute(github, monkeypatch, secondary)
    workers(**github.env)
    scan = scan_on_worker("secondary limit")

    assert scan.state == Scan.State.SUCCEEDED, scan.error
    assert [h.status for h in github.hits("repos")] == [403, 200]
    assert not Snapshot.objects.filter(scan=scan, stale=True).exists()
    assert set(Snapshot.objects.filter(scan=scan).values_list("revision", flat=True)) == {
        github.heads[name] for name in REPOS
    }


def test_a_primary_limit_resetting_in_an_hour_defers_the_rest_and_queues_a_follow_up(
    github, scanned, workers, monkeypatch, scorecard_page, celery_app
):
    first, latest = scanned
    reset = int(time.time()) + 3600
    spent = iter([False, True])

    def quota(request, path, kind):
        if kind == "commit" and next(spent, True):
            return _json_response(403, {"message": "API rate limit exceeded"}, primary_limit(reset))
        return None

    misroute(github, monkeypatch, quota)
    workers(**github.env)
    started = time.monotonic()
    scan = scan_on_worker("primary limit")

    # Finished now, not in an hour: one repository refreshed, two deferred with their facts.
    assert time.monotonic() - started < 30
    assert scan.state == Scan.State.PARTIAL
    assert "rate limit reached: 2 repositories" in scan.error
    assert not _snapshot(scan, "acme-corp/svc-000").stale
    for name in REPOS[1:]:
        deferred = _snapshot(scan, name)
        assert deferred.stale and "rate limit" in deferred.error
        assert _facts_of(scan.pk, name) == _facts_of(first.pk, name)
    html = scorecard_page(Service.objects.get(repository="acme-corp/svc-001"))
    when = datetime.fromtimestamp(reset, tz=UTC).strftime("%Y-%m-%d %H:%M")
    assert "Next try: <time datetime=" in html and when in html

    # The worker holds the follow-up until the reset (five seconds after it).
    scheduled = wait_for(lambda: _scheduled(celery_app), timeout=10)
    assert [s["request"]["args"] for s in scheduled] == [[scan.pk, "github"]]
    eta = datetime.fromisoformat(scheduled[0]["eta"])
    assert abs(eta.timestamp() - (reset + 5)) < 1

    # When it runs (here: now, the limit lifted), the deferred repositories are fetched.
    monkeypatch.undo()
    github.reset_log()
    follow_up_id = tasks.follow_up_scan.apply(args=(scan.pk, "github")).get()
    follow_up = wait_for(lambda: finished(follow_up_id), timeout=30)
    assert follow_up.state == Scan.State.SUCCEEDED, follow_up.error
    assert follow_up.reason == f"resumes scan {scan.pk}: github rate limit reset"
    for name in REPOS:
        assert _snapshot(follow_up, name).revision == github.heads[name]
    # A second delivery of the same follow-up (its ETA outlives the visibility timeout)
    # finds the scan already made and starts nothing.
    assert tasks.follow_up_scan.apply(args=(scan.pk, "github")).get() == follow_up_id
    assert Scan.objects.count() == 3


def _scheduled(app) -> list[dict]:
    answers = app.control.inspect(timeout=1).scheduled() or {}
    return [task for tasks_ in answers.values() for task in tasks_]


def test_a_follow_up_is_made_once_however_often_it_is_delivered(github):
    scan = scan_in_process()
    first, created = scanning.request_follow_up(scan.pk, "github")
    assert created
    scanning.run_scan(first.pk)
    again, created_again = scanning.request_follow_up(scan.pk, "github")
    assert (again.pk, created_again) == (first.pk, False)
    assert Scan.objects.filter(created_at__lte=timezone.now()).count() == 2
