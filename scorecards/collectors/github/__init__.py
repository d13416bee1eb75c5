"""The GitHub collector: list an organisation's repositories, fetch each one's facts.

Pure: no Django, no Celery; the caller passes a ``GitHubConfig`` and stores the results.

    config = GitHubConfig(token=..., orgs=["acme"])
    with GitHubClient(config) as client:
        for repo in list_repositories(client, "acme"):
            result = fetch_repository(client, repo, previous=stored.get(repo.full_name))
            ...  # result.status: "fetched" (result.facts) | "unchanged" | "empty"
        client.stats  # requests made, 304s, rate limit seen

See docs/github-collector.md for the request budget and the failure modes.
"""

from scorecards.collectors.github.client import GitHubClient
from scorecards.collectors.github.config import GitHubConfig
from scorecards.collectors.github.errors import (
    AuthenticationFailed,
    GitHubError,
    NotFound,
    RateLimited,
    TooLarge,
)
from scorecards.collectors.github.repos import (
    FetchResult,
    RepoInfo,
    fetch_repository,
    list_repositories,
)
from scorecards.collectors.github.tarball import read_tarball

__all__ = [
    "AuthenticationFailed",
    "FetchResult",
    "GitHubClient",
    "GitHubConfig",
    "GitHubError",
    "NotFound",
    "RateLimited",
    "RepoInfo",
    "TooLarge",
    "fetch_repository",
    "list_repositories",
    "read_tarball",
]
