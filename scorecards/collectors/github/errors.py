"""Typed failures of the GitHub collector: a scan reports one of these, never a raw traceback.

Messages carry the API path and GitHub's own ``message`` field, never a token, a JWT, a
query string (codeload redirect URLs carry a token there) or a private key.
"""

from __future__ import annotations

from datetime import UTC, datetime


class GitHubError(Exception):
    """Anything that stopped a GitHub request or the analysis of its answer."""

    def __init__(self, message: str, *, status: int | None = None, path: str | None = None):
        super().__init__(message)
        self.status = status
        self.path = path


class NotFound(GitHubError):
    """404: the organisation, repository, branch or App installation does not exist (or is
    invisible to these credentials, which GitHub reports the same way)."""


class AuthenticationFailed(GitHubError):
    """401: bad token, expired or revoked installation token, or a JWT GitHub refused."""


class TooLarge(GitHubError):
    """An archive over ``max_tarball_bytes`` (or with more than ``max_members`` entries)."""

    def __init__(self, message: str, *, limit: int, path: str | None = None):
        super().__init__(message, path=path)
        self.limit = limit


class RateLimited(GitHubError):
    """A rate limit that would need a longer wait than allowed: reschedule at ``reset_at``.

    ``secondary`` tells a secondary (abuse) limit from the primary hourly quota; ``resource``
    is the ``x-ratelimit-resource`` GitHub named (``core``, ``search``...), when it did.
    """

    def __init__(
        self,
        message: str,
        *,
        reset_at: float,
        secondary: bool = False,
        resource: str | None = None,
        status: int | None = None,
        path: str | None = None,
    ):
        super().__init__(message, status=status, path=path)
        self.reset_epoch = float(reset_at)
        self.secondary = secondary
        self.resource = resource

    @property
    def reset_at(self) -> datetime:
        """When to try again, as an aware UTC datetime (what ``task.retry(eta=...)`` wants)."""
        return datetime.fromtimestamp(self.reset_epoch, tz=UTC)

    def retry_in(self, now: float) -> float:
        """Seconds from ``now`` (epoch seconds) until the limit resets, never negative."""
        return max(0.0, self.reset_epoch - now)
