"""The HTTP layer: rate limits, retries, typed errors, Enterprise URLs, nothing leaked."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime

import pytest

from scorecards.collectors.github import (
    AuthenticationFailed,
    GitHubError,
    RateLimited,
    RepoInfo,
    fetch_repository,
    list_repositories,
)
from tests.collectors.github.fake_github import (
    CODELOAD_TOKEN,
    FakeGitHub,
    load,
    primary_limit,
)

ERRORS = load("errors.json")


@pytest.fixture
def org(github):
    for repo in load("org_repos.json"):
        github.add_repo(repo, {"Procfile": b"web: gunicorn app:app\n"})
    return github


def statuses(github, kind):
    return [hit.status for hit in github.hits(kind)]


# -- primary rate limit ----------------------------------------------------------------------
@pytest.mark.parametrize("status", [403, 429])
def test_primary_limit_with_a_near_reset_waits_then_succeeds(org, make_client, fake_time, status):
    reset = fake_time.now + 30
    org.inject("repos", status, ERRORS["primary_rate_limit"], primary_limit(reset))
    client = make_client(max_rate_limit_wait=60)
    repos = list_repositories(client, "acme-corp")
    assert len(repos) == 3
    assert fake_time.sleeps == [31.0]  # until the reset, plus a second of slack
    assert statuses(org, "repos") == [status, 200]
    assert client.stats["rate_limit_waits"] == 1 and client.stats["waited_seconds"] == 31.0


def test_primary_limit_beyond_the_max_wait_raises_with_the_reset_time(org, make_client, fake_time):
    reset = int(fake_time.now) + 3000
    org.inject("repos", 403, ERRORS["primary_rate_limit"], primary_limit(reset))
    with pytest.raises(RateLimited) as caught:
        list_repositories(make_client(max_rate_limit_wait=60), "acme-corp")
    limited = caught.value
    assert limited.reset_at == datetime.fromtimestamp(reset, tz=UTC)
    assert limited.secondary is False and limited.resource == "core" and limited.status == 403
    assert limited.retry_in(fake_time.now) == 3000
    assert fake_time.sleeps == [] and statuses(org, "repos") == [403]


# -- secondary rate limits -------------------------------------------------------------------
@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_retry_after_is_honoured(org, make_client, fake_time, status):
    headers = {"retry-after": "7", "x-ratelimit-remaining": "4211", "x-ratelimit-reset": "1"}
    org.inject("tarball", status, ERRORS["secondary_rate_limit"], headers)
    repo = RepoInfo.from_api(org.repos["acme-corp/inventory-api"])
    result = fetch_repository(make_client(), repo)
    assert result.status == "fetched"
    assert fake_time.sleeps == [7.0]
    assert statuses(org, "tarball") == [status, 302]


def test_secondary_limit_with_a_long_retry_after_raises(org, make_client, fake_time):
    org.inject("repos", 403, ERRORS["secondary_rate_limit"], {"retry-after": "600"})
    with pytest.raises(RateLimited) as caught:
        list_repositories(make_client(max_retry_after=120), "acme-corp")
    assert caught.value.secondary is True
    assert caught.value.reset_epoch == fake_time.now + 600
    assert fake_time.sleeps == []


def test_secondary_limit_without_headers_waits_a_minute(org, make_client, fake_time):
    org.inject("repos", 403, ERRORS["secondary_rate_limit"])
    assert len(list_repositories(make_client(), "acme-corp")) == 3
    assert fake_time.sleeps == [60.0]


def test_a_request_limited_again_and_again_gives_up(org, make_client, fake_time):
    org.inject("repos", 429, ERRORS["secondary_rate_limit"], {"retry-after": "2"}, times=10)
    with pytest.raises(RateLimited):
        list_repositories(make_client(max_rate_limit_retries=3), "acme-corp")
    assert fake_time.sleeps == [2.0, 2.0, 2.0]
    assert statuses(org, "repos") == [429] * 4


def test_a_forbidden_answer_that_is_no_rate_limit_fails_at_once(org, make_client, fake_time):
    body = {"message": "Resource not accessible by integration", "status": "403"}
    org.inject("repos", 403, body)
    with pytest.raises(GitHubError) as caught:
        list_repositories(make_client(), "acme-corp")
    assert not isinstance(caught.value, RateLimited)
    assert caught.value.status == 403 and "not accessible by integration" in str(caught.value)
    assert fake_time.sleeps == []


# -- server errors and connection errors -----------------------------------------------------
def test_a_502_is_retried_with_backoff(org, make_client, fake_time):
    org.inject("tarball", 502, ERRORS["server_error"])
    client = make_client(backoff_base=0.5)
    repo = RepoInfo.from_api(org.repos["acme-corp/inventory-api"])
    assert fetch_repository(client, repo).status == "fetched"
    assert statuses(org, "tarball") == [502, 302]
    assert fake_time.sleeps == [0.375]  # half the delay plus jitter (0.5) of the other half
    assert client.stats["retries"] == 1 and client.stats["by_kind"]["tarball"] == 2


def test_persistent_5xx_fails_after_bounded_attempts_with_growing_waits(
    org, make_client, fake_time
):
    org.inject("repos", 503, None, times=10)
    with pytest.raises(GitHubError, match="503 4 times"):
        list_repositories(make_client(max_attempts=4, backoff_base=0.5), "acme-corp")
    assert fake_time.sleeps == [0.375, 0.75, 1.5]
    assert statuses(org, "repos") == [503] * 4


def test_an_unreachable_host_is_a_github_error_not_a_traceback(make_client, fake_time):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(api_url=f"http://127.0.0.1:{port}", max_attempts=3, timeout=2)
    with pytest.raises(GitHubError, match="cannot reach 127.0.0.1") as caught:
        list_repositories(client, "acme-corp")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert len(fake_time.sleeps) == 2 and client.stats["requests"] == 3


def test_bad_credentials_raise_authentication_failed_without_the_token(org, make_client):
    client = make_client(token="ghp_wrongwrongwrong")
    with pytest.raises(AuthenticationFailed) as caught:
        list_repositories(client, "acme-corp")
    assert "Bad credentials" in str(caught.value) and "ghp_" not in str(caught.value)


# -- what the client sends and records -------------------------------------------------------
def test_every_api_request_carries_the_token_version_and_user_agent(org, make_client, httpserver):
    client = make_client(user_agent="portal-test/1.0")
    list_repositories(client, "acme-corp")
    request, _ = httpserver.log[-1]
    assert request.headers["Authorization"] == f"Bearer {org.token}"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert request.headers["User-Agent"] == "portal-test/1.0"
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert client.stats["rate_limit"] == {
        "limit": 5000,
        "remaining": org.remaining,
        "used": 5000 - org.remaining,
        "reset": int(org.clock()) + 3600,
        "resource": "core",
    }


def test_a_next_link_to_another_host_is_refused(org, make_client):
    evil = {"Link": '<https://evil.example/orgs/acme-corp/repos?page=2>; rel="next"'}
    org.inject("repos", 200, [load("org_repos.json")[0]], evil)
    with pytest.raises(GitHubError, match="refusing to send GitHub credentials"):
        list_repositories(make_client(), "acme-corp")


def test_signed_codeload_urls_and_tokens_stay_out_of_the_logs(org, make_client, caplog):
    repo = RepoInfo.from_api(org.repos["acme-corp/inventory-api"])
    with caplog.at_level(logging.INFO):
        assert fetch_repository(make_client(), repo).status == "fetched"
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "legacy.tar.gz" in ours  # httpx did log the download...
    assert CODELOAD_TOKEN not in ours  # ...without its signed query
    assert org.token not in ours


def test_enterprise_server_base_url_with_api_v3_prefix(
    httpserver, codeload_server, fake_time, make_client
):
    httpserver.clear()  # the default github.com fake registered itself; serve GHES instead
    codeload_server.clear()
    ghes = FakeGitHub(httpserver, codeload_server, prefix="/api/v3", clock=fake_time.clock)
    ghes.page_size = 2  # force a Link to follow
    for repo in load("org_repos.json"):
        ghes.add_repo(repo, {"Dockerfile": b"FROM python:3.12\n"})
    client = make_client(ghes, api_url=ghes.api_url + "/")
    assert client.config.api_url.endswith("/api/v3")
    repos = list_repositories(client, "acme-corp")
    assert [r.name for r in repos] == ["inventory-api", "orders-lambda", "platform-docs"]
    result = fetch_repository(client, repos[0])
    assert result.status == "fetched" and result.facts["dockerfiles"]
    api_hits = ghes.hits(host="api")
    assert api_hits and all(hit.raw_path.startswith("/api/v3/") for hit in api_hits)
    assert all(hit.status < 400 for hit in ghes.log)
    assert [hit.raw_path for hit in ghes.hits("repos")] == [
        "/api/v3/orgs/acme-corp/repos",
        "/api/v3/organizations/98765432/repos",
        "/api/v3/organizations/98765432/repos",
    ]
