"""Listing an organisation and fetching repositories: what is requested, what comes back."""

from __future__ import annotations

import pytest

from scorecards.collectors.github import (
    FetchResult,
    GitHubError,
    NotFound,
    RepoInfo,
    fetch_repository,
    list_repositories,
)
from scorecards.collectors.localdir import collect_directory
from tests.collectors.github.fake_github import EXAMPLES, files_of, load, make_tarball, repo_like

SMALL = {
    "Dockerfile": b'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n',
    "requirements.txt": b"gunicorn==23.0.0\n",
    "app.py": b"import os\nDATABASE_URL = os.environ['DATABASE_URL']\n",
}


def recorded(name: str) -> dict:
    return next(repo for repo in load("org_repos.json") if repo["name"] == name)


def add_org(github, count: int, files=SMALL) -> list[dict]:
    template = recorded("inventory-api")
    repos = [repo_like(template, f"svc-{index:03d}", 500000 + index) for index in range(count)]
    for repo in repos:
        github.add_repo(repo, dict(files))
    return repos


def test_recorded_listing_skips_archived_repositories_and_forks(github, make_client):
    for repo in load("org_repos.json"):
        github.add_repo(repo)
    repos = list_repositories(make_client(), "acme-corp")
    assert [r.name for r in repos] == ["inventory-api", "orders-lambda", "platform-docs"]
    first = repos[0]
    assert first == RepoInfo(
        full_name="acme-corp/inventory-api",
        name="inventory-api",
        owner="acme-corp",
        default_branch="main",
        archived=False,
        fork=False,
        topics=["django", "kubernetes", "service"],
        pushed_at="2024-05-21T08:47:30Z",
        html_url="https://github.com/acme-corp/inventory-api",
        size_kb=412,
        visibility="private",
    )
    assert repos[2].visibility == "internal" and repos[2].default_branch == "release/2024"
    (hit,) = github.hits("repos")
    assert hit.path == "/orgs/acme-corp/repos"
    assert "per_page=100" in hit.query and "type=all" in hit.query


def test_archived_repositories_and_forks_are_listed_when_configured(github, make_client):
    for repo in load("org_repos.json"):
        github.add_repo(repo)
    client = make_client(include_archived=True, include_forks=True)
    names = {r.name for r in list_repositories(client, "acme-corp")}
    assert {"legacy-shop", "requests"} <= names and len(names) == 5


def test_link_pagination_is_followed_across_three_pages(github, make_client):
    add_org(github, 230)
    github.repos["acme-corp/svc-150"]["archived"] = True
    github.repos["acme-corp/svc-229"]["fork"] = True
    client = make_client()
    repos = list_repositories(client, "acme-corp")
    assert len(repos) == 228
    assert repos[0].name == "svc-000" and repos[-1].name == "svc-228"
    pages = github.hits("repos")
    assert [hit.path for hit in pages] == [
        "/orgs/acme-corp/repos",
        "/organizations/98765432/repos",  # GitHub's next links use the numeric id
        "/organizations/98765432/repos",
    ]
    assert [hit.query.rsplit("page=", 1)[-1] for hit in pages[1:]] == ["2", "3"]
    assert client.stats["by_kind"] == {"repos": 3} and client.stats["counted"] == 3


def test_first_fetch_is_one_counted_request_the_branch_archive(github, make_client):
    (repo,) = add_org(github, 1, files_of(EXAMPLES / "inventory-api"))
    client = make_client()
    info = RepoInfo.from_api(repo)
    result = fetch_repository(client, info, previous=None)
    sha = github.heads["acme-corp/svc-000"]
    # The exact commit comes from the archive itself (pax header, checked against the folder).
    assert result.status == "fetched" and result.commit == sha and result.etag is None
    facts = result.facts
    assert facts["source"] == "github" and facts["commit"] == sha
    assert facts["root"] == "acme-corp/svc-000"
    assert "Dockerfile" in facts["paths"] and "deploy/base/deployment.yaml" in facts["paths"]
    assert not any(path.startswith("acme-corp-") for path in facts["paths"])  # top folder gone
    assert result.bytes_downloaded == len(github.archives[("acme-corp/svc-000", sha)])

    tarball, codeload = github.log
    assert (tarball.kind, tarball.status) == ("tarball", 302)
    assert tarball.path == "/repos/acme-corp/svc-000/tarball/main"  # no head-commit request
    assert codeload.host == "codeload" and codeload.status == 200
    assert codeload.authorization is None  # the API token never goes to another origin
    assert len(github.counted()) == 1
    stats = client.stats
    assert stats["by_kind"] == {"tarball": 1, "codeload": 1}
    assert stats["counted"] == 1 and stats["api_requests"] == 1 and stats["requests"] == 2


def test_the_rescan_after_a_first_fetch_is_a_free_304(github, make_client):
    (repo,) = add_org(github, 1)
    client = make_client()
    info = RepoInfo.from_api(repo)
    first = fetch_repository(client, info)
    github.reset_log()
    again = fetch_repository(client, info, previous=first.as_previous())
    assert again.status == "unchanged" and again.commit == first.commit
    (hit,) = github.log
    assert hit.kind == "commit" and hit.status == 304
    assert hit.if_none_match == f'"{first.commit}"'


def test_an_archive_that_names_no_commit_falls_back_to_the_head_commit(github, make_client):
    (repo,) = add_org(github, 1)
    full_name = repo["full_name"]
    sha = github.heads[full_name]
    top = f"acme-corp-svc-000-{sha[:7]}"
    github.archives[(full_name, sha)] = make_tarball(top, SMALL)  # no pax comment
    result = fetch_repository(make_client(), RepoInfo.from_api(repo))
    assert result.status == "fetched" and result.commit == sha and result.facts["commit"] == sha
    assert [hit.kind for hit in github.counted()] == ["tarball", "commit", "tarball"]


def test_an_archive_whose_header_disagrees_with_its_folder_is_not_trusted(github, make_client):
    (repo,) = add_org(github, 1)
    full_name = repo["full_name"]
    sha = github.heads[full_name]
    forged = make_tarball(f"acme-corp-svc-000-{sha[:7]}", SMALL, sha="f" * 40)
    github.archives[(full_name, sha)] = forged
    result = fetch_repository(make_client(), RepoInfo.from_api(repo))
    assert result.commit == sha and result.facts["commit"] == sha


def test_tarball_facts_match_the_local_analysis_of_the_same_tree(github, make_client):
    local = collect_directory(EXAMPLES / "inventory-api")
    files = {path: (EXAMPLES / "inventory-api" / path).read_bytes() for path in local["paths"]}
    (repo,) = add_org(github, 1, files)
    remote = fetch_repository(make_client(), RepoInfo.from_api(repo)).facts
    for key in local:
        if key not in ("source", "root", "commit", "vcs"):
            assert remote[key] == local[key], key
    assert remote["vcs"]["git"] is True and ".github" in remote["vcs"]["markers"]


def test_unchanged_repository_answers_304_and_downloads_nothing(github, make_client):
    (repo,) = add_org(github, 1)
    client = make_client()
    info = RepoInfo.from_api(repo)
    first = fetch_repository(client, info, previous={"etag": None, "commit": None})
    second = fetch_repository(client, info, previous={"commit": "0" * 40})  # an old head
    github.reset_log()
    again = fetch_repository(client, info, previous=second.as_previous())
    assert again == FetchResult(status="unchanged", etag=second.etag, commit=first.commit)
    (hit,) = github.log
    assert hit.status == 304 and hit.if_none_match == second.etag
    assert client.stats["not_modified"] == 1


def test_a_stored_commit_without_etag_still_makes_a_conditional_request(github, make_client):
    (repo,) = add_org(github, 1)
    sha = github.heads["acme-corp/svc-000"]
    result = fetch_repository(make_client(), RepoInfo.from_api(repo), {"commit": sha})
    assert result.status == "unchanged" and result.commit == sha
    assert [hit.status for hit in github.log] == [304]


def test_rescan_of_fifty_unchanged_repositories_costs_only_the_listing(github, make_client):
    add_org(github, 50)
    client = make_client()
    stored = {}
    for info in list_repositories(client, "acme-corp"):
        stored[info.full_name] = fetch_repository(client, info).as_previous()
    assert len(github.counted()) == 1 + 50  # the listing, then one archive per repository
    assert len(github.hits("codeload")) == 50 and github.hits("commit") == []

    github.reset_log()
    rescan = make_client()  # a new worker process: nothing cached but what was stored
    results = [
        fetch_repository(rescan, info, stored[info.full_name])
        for info in list_repositories(rescan, "acme-corp")
    ]
    assert {result.status for result in results} == {"unchanged"}
    counted = github.counted()
    assert [hit.kind for hit in counted] == ["repos"]  # zero beyond the listing
    assert len(github.hits("commit")) == 50
    assert all(hit.status == 304 for hit in github.hits("commit"))
    assert github.hits("tarball") == [] and github.hits("codeload") == []
    assert rescan.stats["counted"] == 1 and rescan.stats["not_modified"] == 50
    assert rescan.stats["requests"] == 51


def test_a_new_head_commit_triggers_a_new_tarball(github, make_client):
    repos = add_org(github, 3)
    client = make_client()
    infos = [RepoInfo.from_api(repo) for repo in repos]
    stored = {info.full_name: fetch_repository(client, info).as_previous() for info in infos}
    new_sha = github.push("acme-corp/svc-001", {**SMALL, "Procfile": b"web: gunicorn app:app\n"})
    github.reset_log()
    results = {info.name: fetch_repository(client, info, stored[info.full_name]) for info in infos}
    assert results["svc-000"].status == results["svc-002"].status == "unchanged"
    changed = results["svc-001"]
    assert changed.status == "fetched" and changed.commit == new_sha
    assert changed.etag == f'"{new_sha}"'
    assert changed.facts["procfiles"][0]["processes"][0]["type"] == "web"
    assert [hit.path for hit in github.hits("tarball")] == [
        f"/repos/acme-corp/svc-001/tarball/{new_sha}"
    ]


def test_branch_names_with_a_slash_reach_the_commits_endpoint(github, make_client):
    repo = github.add_repo(recorded("platform-docs"), {"README.md": b"# Docs\n"})
    client = make_client()
    result = fetch_repository(client, RepoInfo.from_api(repo))
    assert result.status == "fetched"
    assert github.hits("tarball")[0].path == "/repos/acme-corp/platform-docs/tarball/release/2024"
    github.push(repo["full_name"], {"README.md": b"# Docs v2\n"})
    fetch_repository(client, RepoInfo.from_api(repo), result.as_previous())
    assert github.hits("commit")[0].path == "/repos/acme-corp/platform-docs/commits/release/2024"


def test_an_empty_repository_is_reported_not_raised(github, make_client):
    repo = github.add_repo(recorded("orders-lambda"))  # no commit at all
    result = fetch_repository(make_client(), RepoInfo.from_api(repo))
    assert result.status == "empty" and result.facts is None and result.commit is None
    # No archive to fetch (404); the commits endpoint tells empty (409) from gone (404).
    assert [(hit.kind, hit.status) for hit in github.log] == [("tarball", 404), ("commit", 409)]


def test_unknown_repository_raises_not_found(github, make_client):
    ghost = RepoInfo.from_api(repo_like(recorded("inventory-api"), "ghost", 1))
    with pytest.raises(NotFound) as caught:
        fetch_repository(make_client(), ghost)
    assert caught.value.status == 404 and "Not Found" in str(caught.value)
    assert "/repos/acme-corp/ghost/commits/main" in str(caught.value)


def test_unknown_organisation_raises_not_found(github, make_client):
    with pytest.raises(NotFound):
        list_repositories(make_client(), "no-such-org")


def test_a_body_that_is_no_gzip_tar_is_a_github_error(github, make_client):
    (repo,) = add_org(github, 1)
    sha = github.heads["acme-corp/svc-000"]
    github.archives[("acme-corp/svc-000", sha)] = b"<html>Something went wrong</html>"
    with pytest.raises(GitHubError, match="not a readable .tar.gz"):
        fetch_repository(make_client(), RepoInfo.from_api(repo))
