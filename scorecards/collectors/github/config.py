"""``GitHubConfig``: everything the GitHub collector needs, passed in as arguments.

The collector never reads the environment or Django settings itself; the caller (settings,
a Celery task, a management command) builds this object. Incomplete or contradictory
credentials fail here, at construction, with a message that says what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MIB = 1024 * 1024
DEFAULT_API_URL = "https://api.github.com"
# GitHub logins: letters, digits and single hyphens, at most 39 characters.
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$")


@dataclass
class GitHubConfig:
    """Where GitHub is, how to authenticate, which organisations, and the safety limits.

    Authentication is either ``token`` (a PAT or any bearer token) or a GitHub App:
    ``app_id`` plus ``app_private_key`` (the PEM the App settings page downloads).
    GitHub Enterprise Server: ``api_url="https://ghe.example.com/api/v3"``.
    """

    api_url: str = DEFAULT_API_URL
    token: str | None = field(default=None, repr=False)
    app_id: str | int | None = None
    app_private_key: str | None = field(default=None, repr=False)
    orgs: list[str] = field(default_factory=list)
    include_archived: bool = False
    include_forks: bool = False
    max_tarball_bytes: int = 200 * MIB  # compressed bytes on the wire
    max_file_bytes: int = 1_000_000  # bigger archive members are counted, never read
    max_members: int = 200_000  # entries per archive
    # Bytes an archive may unpack to (declared and inflated); a gzip bomb stops here.
    max_unpacked_bytes: int = 1024 * MIB
    timeout: float = 30.0  # seconds, per network operation
    user_agent: str = "twelve-factor-portal"
    max_rate_limit_wait: float = 60.0  # wait for a primary reset at most this long, else raise
    max_retry_after: float = 120.0  # honour a secondary Retry-After up to this, else raise
    max_rate_limit_retries: int = 3  # rate-limit answers tolerated for one request
    max_attempts: int = 4  # tries per request on 5xx answers and connection errors
    backoff_base: float = 0.5  # seconds; doubles per attempt, with jitter
    backoff_max: float = 30.0
    token_refresh_margin: float = 300.0  # renew an installation token this long before expiry
    spool_memory_bytes: int = 8 * MIB  # tarball kept in memory up to this, then on disk

    def __post_init__(self) -> None:
        self.api_url = (self.api_url or "").strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", self.api_url):
            raise ValueError(
                f"GitHub api_url must be an http(s) URL such as {DEFAULT_API_URL} "
                "or https://ghe.example.com/api/v3"
            )
        self.token = (self.token or "").strip() or None
        self.app_private_key = (self.app_private_key or "").strip() or None
        app_id = str(self.app_id).strip() if self.app_id is not None else ""
        self.app_id = app_id or None
        if self.token and (self.app_id or self.app_private_key):
            raise ValueError(
                "GitHub credentials are ambiguous: set either a token or a GitHub App "
                "(app_id + app_private_key), not both"
            )
        if self.app_id and not self.app_private_key:
            raise ValueError(
                "GitHub App authentication needs app_private_key (the App's PEM private key) "
                "as well as app_id"
            )
        if self.app_private_key and not self.app_id:
            raise ValueError("GitHub App authentication needs app_id as well as app_private_key")
        if not self.token and not self.app_id:
            raise ValueError(
                "GitHub collector needs credentials: a token, or a GitHub App "
                "(app_id + app_private_key)"
            )
        if self.app_id and not self.app_id.isdigit() and not self.app_id.startswith("Iv"):
            raise ValueError("GitHub app_id must be the App's numeric id (or its client id)")
        if self.app_private_key and "PRIVATE KEY-----" not in self.app_private_key:
            raise ValueError(
                "GitHub app_private_key must be a PEM private key "
                "('-----BEGIN RSA PRIVATE KEY-----' ...), not a path or a fingerprint"
            )
        orgs = self.orgs.split(",") if isinstance(self.orgs, str) else list(self.orgs or [])
        self.orgs = [org.strip() for org in orgs if org and org.strip()]
        for org in self.orgs:
            if not _LOGIN.match(org):
                raise ValueError(f"GitHub organisation name {org!r} is not a valid login")
        for name in (
            "max_tarball_bytes",
            "max_file_bytes",
            "max_members",
            "max_unpacked_bytes",
            "max_attempts",
            "spool_memory_bytes",
        ):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"GitHubConfig.{name} must be a positive number")
        for name in ("timeout", "max_rate_limit_wait", "max_retry_after", "backoff_base"):
            if float(getattr(self, name)) < 0:
                raise ValueError(f"GitHubConfig.{name} must not be negative")

    @property
    def auth_mode(self) -> str:
        """``"token"`` or ``"app"``."""
        return "app" if self.app_id else "token"
