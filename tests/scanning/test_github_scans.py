"""Organisation scans through the GitHub source, end to end against the fake GitHub API.

What is counted here is what the issue promises: a rescan of an unchanged organisation costs
the listing and nothing else against the rate limit; a rate limit never fails a scan, loses
facts or retires services; a webhook's single-service scan does not make the next full scan
forget the other repositories.
"""

from __future__ import annotations

from datetime import date

import pytest

from scorecards import scanning, tasks
from scorecards.models import Scan, Service, Snapshot, SourceRun
from tests.collectors.github.fake_github import _json_response, load, primary_limit, repo_like

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)
FILES = {
    "Dockerfile": b'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n',
    "requirements.txt": b"gunicorn==23.0.0\n",
    "app.py": b"import os\nDATABASE_URL = os.environ['DATABASE_URL']\n",
}


@pytest.fixture(autouse=True)
def _github_only(settings, github):
    settings.GITHUB_API_URL = github.api_url
    settings.GITHUB_TOKEN = github.token
    settings.GITHUB_APP_ID = ""
    settings.GITHUB_ORGS = ["acme-corp"]
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = ""


def add_repos(github, count: int, owner_template: str = "inventory-api") -> list[str]:
    template = next(r for r in load("org_repos.json") if r["name"] == owner_template)
    names = []
    for index in range(count):
        repo = repo_like(template, f"svc-{index:03d}", 700000 + index)
        github.add_repo(repo, dict(FILES))
        names.append(repo["full_name"])
    return names


def scan(service: Service | None = None) -> Scan:
    requested, _ = scanning.request_scan(Scan.Trigger.MANUAL, service=service)
    return scanning.run_scan(requested.pk, today=TODAY)


def test_a_rescan_of_an_unchanged_organisation_costs_only_the_listing(github):
    add_repos(github, 50)
    first = scan()
    assert first.state == Scan.State.SUCCEEDED
    assert Service.objects.filter(retired=False).count() == 50
    # Cold: the listing, then per repository its branch archive; no head-commit request.
    assert len(github.hits("repos")) == 1
    assert github.hits("commit") == [] and len(github.hits("tarball")) == 50
    assert len(github.counted()) == 1 + 50
    github.reset_log()

    second = scan()
    assert second.state == Scan.State.SUCCEEDED
    assert [h.kind for h in github.counted()] == ["repos"]
    assert len([h for h in github.hits("commit") if h.status == 304]) == 50
    assert not github.hits("tarball")
    run = SourceRun.objects.get(scan=second, source="github")
    assert run.requests["counted"] == 1 and run.requests["not_modified"] == 50
    assert Snapshot.objects.filter(scan=second, stale=False).count() == 50


def test_a_single_service_scan_does_not_make_the_next_full_scan_forget_the_others(github):
    names = add_repos(github, 5)
    scan()
    one = Service.objects.get(repository=names[0])
    github.push(names[0], {**FILES, "Procfile": b"web: gunicorn app:app\n"})
    assert scan(service=one).state == Scan.State.SUCCEEDED
    github.reset_log()

    full = scan()
    assert full.state == Scan.State.SUCCEEDED
    # Every repository is asked conditionally (it still has its ETag) and none re-downloaded.
    assert all(h.if_none_match for h in github.hits("commit"))
    assert not github.hits("tarball")
    assert Service.objects.filter(retired=False).count() == 5


def test_a_rate_limit_mid_scan_defers_the_rest_and_schedules_the_follow_up(github, monkeypatch):
    names = add_repos(github, 6)
    scan()
    for name in names[3:]:
        github.push(name, {**FILES, "Procfile": b"web: gunicorn app:app\n"})
    github.reset_log()
    reset = github.clock() + 3600
    # The 4th conditional request finds the quota spent, with its reset an hour away.
    answers = iter([None, None, None, primary_limit(reset)])
    original = github._route

    def route(request, path, kind):
        if kind == "commit":
            headers = next(answers, None)
            if headers is not None:
                return _json_response(403, {"message": "API rate limit exceeded"}, headers)
        return original(request, path, kind)

    monkeypatch.setattr(github, "_route", route)
    second = scan()

    # Not failed: three repositories were refreshed, the other three keep their last facts.
    assert second.state in (Scan.State.SUCCEEDED, Scan.State.PARTIAL)
    run = SourceRun.objects.get(scan=second, source="github")
    assert run.state == SourceRun.State.DONE
    statuses = sorted(r["status"] for r in run.inventory.data["repos"])
    assert statuses.count("deferred") == 3
    assert "rate limit reached: 3 repositories" in run.error
    assert scanning.rate_limit_reset(second.pk, "github").timestamp() == int(reset)
    assert second.progress["sources"]["github"]["retry_at"]
    stale = Snapshot.objects.filter(scan=second, stale=True)
    assert stale.count() == 3 and all("rate limit" in s.error for s in stale)
    # Nothing lost: every service was scored, from its carried-over facts where deferred.
    assert second.scorecards.count() == 6
    assert Service.objects.filter(retired=False).count() == 6

    # The follow-up scan covers the same scope and source, coalescing with any active one.
    follow_up, created = scanning.request_follow_up(second.pk, "github")
    assert created and follow_up.sources == ["github"] and follow_up.service is None
    assert f"resumes scan {second.pk}" in follow_up.reason


def test_follow_ups_are_queued_for_when_the_limit_resets(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(
        tasks.follow_up_scan, "apply_async", lambda args, eta: queued.append((args, eta))
    )
    from datetime import UTC, datetime

    reset = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    tasks.schedule_follow_up(41, "github", reset)
    assert queued == [((41, "github"), datetime(2026, 11, 25, 12, 0, 5, tzinfo=UTC))]


def test_an_organisation_that_cannot_be_listed_keeps_its_services(github, settings):
    names = add_repos(github, 3)
    scan()
    github.reset_log()
    github.inject("repos", 502, {"message": "Server Error"}, times=10)
    second = scan()
    # One organisation and nothing listed: the source fails and its last inventory stands.
    run = SourceRun.objects.get(scan=second, source="github")
    assert run.state == SourceRun.State.FAILED
    assert Service.objects.filter(retired=False, repository__in=names).count() == 3
    assert Snapshot.objects.filter(scan=second, stale=True).count() == 3


def test_one_failing_organisation_of_two_does_not_retire_its_services(
    github, settings, monkeypatch
):
    names = add_repos(github, 3)
    settings.GITHUB_ORGS = ["acme-corp", "other-org"]
    other = repo_like(
        next(r for r in load("org_repos.json") if r["name"] == "inventory-api"),
        "elsewhere",
        800001,
    )
    other = {**other, "full_name": "other-org/elsewhere", "owner": {"login": "other-org"}}
    github.add_repo(other, dict(FILES))
    first = scan()
    assert first.state == Scan.State.SUCCEEDED, first.progress
    github.reset_log()
    original = github._route

    def route(request, path, kind):
        if kind == "repos" and path.startswith("/orgs/acme-corp/"):
            return _json_response(502, {"message": "Server Error"})
        return original(request, path, kind)

    monkeypatch.setattr(github, "_route", route)
    second = scan()
    run = SourceRun.objects.get(scan=second, source="github")
    assert run.state == SourceRun.State.DONE
    assert "listing acme-corp" in run.error
    assert Service.objects.filter(retired=False, repository__in=names).count() == 3
    kept = Snapshot.objects.filter(scan=second, service__repository__in=names)
    assert kept.count() == 3 and all(s.stale for s in kept)


def test_a_stale_repository_shows_its_own_error_not_the_others(github, monkeypatch):
    names = add_repos(github, 3)
    scan()
    for name in names:
        github.push(name, {**FILES, "Procfile": b"web: gunicorn app:app\n"})
    original = github._route
    broken = {f"/{names[0]}/": 404, f"/{names[1]}/": 451}

    def route(request, path, kind):
        for fragment, status in broken.items():
            if kind == "commit" and fragment in path:
                return _json_response(status, {"message": f"answer {status}"}, {})
        return original(request, path, kind)

    monkeypatch.setattr(github, "_route", route)
    second = scan()
    errors = {
        s.service.repository: s.error
        for s in Snapshot.objects.filter(scan=second, stale=True).select_related("service")
    }
    assert set(errors) == {names[0], names[1]}
    assert "404" in errors[names[0]] and "451" not in errors[names[0]]
    assert "451" in errors[names[1]] and "404" not in errors[names[1]]
    run = SourceRun.objects.get(scan=second, source="github")
    assert "404" in run.error and "451" in run.error  # the source keeps the whole list


def test_scan_command_summarises_a_first_scan_where_some_repositories_fail(github, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    names = add_repos(github, 3)
    original = github._route

    def route(request, path, kind):
        if kind in ("commit", "tarball") and f"/{names[0]}/" in path:
            return _json_response(500, {"message": "answer 500"}, {})
        return original(request, path, kind)

    monkeypatch.setattr(github, "_route", route)
    out = StringIO()
    call_command("scan", "--sync", stdout=out)
    text = out.getvalue()
    scan_row = Scan.objects.get()
    assert f"Scan {scan_row.pk} {scan_row.state}" in text
    unscored = Service.objects.get(repository=names[0])
    assert unscored.name in text and "no score" in text
    assert "500" in text  # the problem is said, not swallowed
    for name in names[1:]:
        assert Service.objects.get(repository=name).name in text
