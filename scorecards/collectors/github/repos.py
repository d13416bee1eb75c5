"""List an organisation's repositories and fetch one repository's facts.

Budget per repository (see docs/github-collector.md):

- first scan (nothing stored yet): ``GET /repos/{o}/{r}/tarball/{branch}`` (302, counted) +
  the codeload download (another host, not an API request). The archive names its commit (the
  pax global header's comment, which the top folder's short sha must agree with), so the
  commit scored stays exact at one counted request;
- rescan: ``GET /repos/{o}/{r}/commits/{branch}`` with ``If-None-Match``, answered 304 (free)
  when the branch did not move; otherwise that answer's sha and its tarball (two counted).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from scorecards.collectors.github.client import SHA_MEDIA_TYPE, GitHubClient
from scorecards.collectors.github.errors import GitHubError, NotFound
from scorecards.collectors.github.tarball import read_tarball

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass
class RepoInfo:
    """The fields of GitHub's repository object the portal uses."""

    full_name: str
    name: str
    owner: str
    default_branch: str
    archived: bool = False
    fork: bool = False
    topics: list[str] = field(default_factory=list)
    pushed_at: str | None = None
    html_url: str = ""
    size_kb: int = 0
    visibility: str = "private"
    disabled: bool = False
    installation_id: int | None = None  # GitHub App auth: whose token reads this repository

    @classmethod
    def from_api(cls, data: dict[str, Any], installation_id: int | None = None) -> RepoInfo:
        owner = data.get("owner") or {}
        full_name = str(data.get("full_name") or "")
        owner_login = str(owner.get("login") or full_name.partition("/")[0])
        private = bool(data.get("private"))
        return cls(
            full_name=full_name,
            name=str(data.get("name") or full_name.partition("/")[2]),
            owner=owner_login,
            default_branch=str(data.get("default_branch") or "main"),
            archived=bool(data.get("archived")),
            fork=bool(data.get("fork")),
            topics=[str(topic) for topic in data.get("topics") or []],
            pushed_at=data.get("pushed_at"),
            html_url=str(data.get("html_url") or ""),
            size_kb=int(data.get("size") or 0),
            visibility=str(data.get("visibility") or ("private" if private else "public")),
            disabled=bool(data.get("disabled")),
            installation_id=installation_id,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FetchResult:
    """``status``: ``fetched`` (facts new), ``unchanged`` (304: keep the last snapshot) or
    ``empty`` (a repository without any commit)."""

    status: str
    etag: str | None
    commit: str | None
    facts: dict | None = None
    bytes_downloaded: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)

    def as_previous(self) -> dict[str, str | None]:
        """What to store and pass back as ``previous`` on the next scan."""
        return {"etag": self.etag, "commit": self.commit}


def list_repositories(client: GitHubClient, org: str) -> list[RepoInfo]:
    """The organisation's repositories, without archived ones and forks unless configured.

    Token auth: ``GET /orgs/{org}/repos?per_page=100&type=all``. GitHub App auth: the
    repositories the App's installation on ``org`` may read (``GET /installation/repositories``
    with that installation's token). Disabled repositories are always left out: GitHub
    refuses to serve their contents.
    """
    config = client.config
    installation_id: int | None = None
    if client.auth_mode == "app":
        installation_id = client.installation_for(org)
        items = client.paginate(
            "/installation/repositories",
            kind="installation_repos",
            params={"per_page": 100},
            items_key="repositories",
            installation_id=installation_id,
        )
    else:
        items = client.paginate(
            f"/orgs/{quote(org, safe='')}/repos",
            kind="repos",
            params={"per_page": 100, "type": "all"},
        )
    found = []
    for item in items:
        repo = RepoInfo.from_api(item, installation_id)
        if not repo.full_name or repo.disabled:
            continue
        if installation_id is not None and repo.owner.lower() != org.lower():
            continue  # an installation token only sees its own account; be sure anyway
        if repo.archived and not config.include_archived:
            continue
        if repo.fork and not config.include_forks:
            continue
        found.append(repo)
    return found


def fetch_repository(
    client: GitHubClient, repo: RepoInfo, previous: dict | None = None
) -> FetchResult:
    """Facts of the head commit of ``repo``'s default branch, or ``unchanged``.

    ``previous`` is ``FetchResult.as_previous()`` of the last scan (``{"etag", "commit"}``).
    Unchanged head: one conditional request answered 304, nothing downloaded. Otherwise the
    tarball of exactly that commit, streamed to a spool file under ``max_tarball_bytes`` and
    analysed without extracting anything.
    """
    previous = previous or {}
    if not previous.get("commit") and not previous.get("etag"):
        first = _fetch_branch_archive(client, repo)
        if first is not None:
            return first
    owner, name = quote(repo.owner, safe=""), quote(repo.name, safe="")
    headers = {"Accept": SHA_MEDIA_TYPE}
    old_commit = previous.get("commit")
    validator = previous.get("etag") or (f'"{old_commit}"' if old_commit else None)
    if validator:
        headers["If-None-Match"] = str(validator)
    response = client.request(
        "GET",
        f"/repos/{owner}/{name}/commits/{quote(repo.default_branch, safe='/')}",
        kind="commit",
        owner=repo.owner,
        installation_id=repo.installation_id,
        headers=headers,
        ok=(200, 304, 409),
    )
    etag = response.headers.get("etag") or previous.get("etag")
    if response.status_code == 304:
        return FetchResult(status="unchanged", etag=etag, commit=old_commit)
    if response.status_code == 409:  # "Git Repository is empty."
        return FetchResult(status="empty", etag=None, commit=None)
    sha = _sha_of(response)
    if sha is None:
        raise GitHubError(f"commit: no commit sha in GitHub's answer for {repo.full_name}")
    if sha == old_commit:
        return FetchResult(status="unchanged", etag=etag, commit=sha)

    size, result = _download_and_read(client, repo, sha, commit=sha)
    return FetchResult(
        status="fetched",
        etag=etag,
        commit=sha,
        facts=result.facts,
        bytes_downloaded=size,
        rejected=result.rejected,
    )


def _fetch_branch_archive(client: GitHubClient, repo: RepoInfo) -> FetchResult | None:
    """The first fetch: the default branch's archive straight away, one counted request.

    ``None`` when the archive cannot tell what it is: no archive (404: an empty repository, or
    one that is gone; the commits endpoint tells which) or no commit named in it. The caller
    then asks for the head commit first, as on a rescan.
    """
    try:
        size, result = _download_and_read(client, repo, repo.default_branch, commit=None)
    except NotFound:
        return None
    if result.commit is None:
        return None
    # No ETag from this route; the next scan's conditional request uses the quoted sha.
    return FetchResult(
        status="fetched",
        etag=None,
        commit=result.commit,
        facts=result.facts,
        bytes_downloaded=size,
        rejected=result.rejected,
    )


def _download_and_read(client: GitHubClient, repo: RepoInfo, ref: str, *, commit: str | None):
    config = client.config
    owner, name = quote(repo.owner, safe=""), quote(repo.name, safe="")
    with tempfile.SpooledTemporaryFile(max_size=config.spool_memory_bytes) as spool:
        size = client.download(
            f"/repos/{owner}/{name}/tarball/{quote(ref, safe='/')}",
            spool,
            kind="tarball",
            max_bytes=config.max_tarball_bytes,
            owner=repo.owner,
            installation_id=repo.installation_id,
        )
        result = read_tarball(
            spool,
            root_name=repo.full_name,
            commit=commit,
            max_file_bytes=config.max_file_bytes,
            max_members=config.max_members,
            max_unpacked_bytes=config.max_unpacked_bytes,
        )
    return size, result


def _sha_of(response) -> str | None:
    """The sha of a commits answer: the bare body with the sha media type, or JSON ``sha``."""
    text = response.text.strip()
    if _SHA.match(text):
        return text
    try:
        data = response.json()
    except ValueError:
        return None
    sha = data.get("sha") if isinstance(data, dict) else None
    return sha if isinstance(sha, str) and _SHA.match(sha) else None
