"""Credentials: a bearer token, or a GitHub App (JWT -> installation tokens).

GitHub App flow (docs: "Generating a JSON Web Token (JWT) for a GitHub App", "Generating an
installation access token"):

1. sign a JWT with the App's private key: RS256, ``iat`` 60 s in the past (clock drift),
   ``exp`` at most 10 minutes ahead (we use 9), ``iss`` the App id;
2. ``GET /app/installations`` with that JWT: which organisations installed the App;
3. ``POST /app/installations/{id}/access_tokens`` with the JWT: a one-hour installation
   token, asked for with read-only ``contents`` and ``metadata`` permissions only. Tokens are
   cached per installation until ``expires_at`` minus a margin, then minted again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from scorecards.collectors.github.errors import GitHubError, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from scorecards.collectors.github.client import GitHubClient

JWT_LIFETIME = 540  # seconds after "now"; GitHub refuses more than 600
JWT_BACKDATE = 60  # seconds before "now", against clock drift
JWT_REUSE = 300  # sign a fresh JWT once the cached one is this old
TOKEN_PERMISSIONS = {"contents": "read", "metadata": "read"}


class TokenAuth:
    """A personal access token (classic or fine-grained) or any other bearer token."""

    mode = "token"

    def __init__(self, token: str) -> None:
        self._token = token

    def headers(
        self, client: GitHubClient, *, owner: str | None = None, installation_id: int | None = None
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self, installation_id: int | None) -> bool:
        return False  # nothing to renew: a refused token stays refused


class AppAuth:
    """GitHub App credentials: JWTs for the App endpoints, installation tokens for the rest."""

    mode = "app"

    def __init__(
        self,
        app_id: str,
        private_key_pem: str,
        *,
        clock: Callable[[], float],
        refresh_margin: float,
    ) -> None:
        try:
            self._key = load_pem_private_key(private_key_pem.encode("utf-8"), password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                "GitHub app_private_key could not be loaded as an unencrypted PEM private key"
            ) from exc
        self.app_id = str(app_id)
        self._clock = clock
        self._margin = refresh_margin
        self._jwt: tuple[str, float] | None = None
        self._tokens: dict[int, tuple[str, float]] = {}
        self._installations: dict[str, int] | None = None

    # -- the App itself -----------------------------------------------------------------
    def app_jwt(self) -> str:
        now = self._clock()
        if self._jwt and now - self._jwt[1] < JWT_REUSE:
            return self._jwt[0]
        issued = int(now)
        claims = {"iat": issued - JWT_BACKDATE, "exp": issued + JWT_LIFETIME, "iss": self.app_id}
        token = jwt.encode(claims, self._key, algorithm="RS256")
        self._jwt = (token, now)
        return token

    def app_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.app_jwt()}"}

    def installations(self, client: GitHubClient) -> dict[str, int]:
        """Account login (lower case) -> installation id, listed once per client."""
        if self._installations is None:
            found: dict[str, int] = {}
            for item in client.paginate("/app/installations", kind="installations", app=True):
                account = item.get("account") or {}
                login = str(account.get("login") or account.get("slug") or "").lower()
                if login and item.get("id") is not None and not item.get("suspended_at"):
                    found[login] = int(item["id"])
            self._installations = found
        return self._installations

    def installation_id(self, client: GitHubClient, owner: str | None) -> int:
        if not owner:
            raise GitHubError("GitHub App requests need the repository owner to pick a token")
        installation = self.installations(client).get(owner.lower())
        if installation is None:
            raise NotFound(f"the GitHub App is not installed on {owner!r} (or it is suspended)")
        return installation

    # -- installation tokens ------------------------------------------------------------
    def installation_token(self, client: GitHubClient, installation_id: int) -> str:
        cached = self._tokens.get(installation_id)
        if cached and self._clock() < cached[1] - self._margin:
            return cached[0]
        response = client.request(
            "POST",
            f"/app/installations/{int(installation_id)}/access_tokens",
            kind="installation_token",
            app=True,
            json={"permissions": TOKEN_PERMISSIONS},
            ok=(200, 201),
        )
        data = response.json()
        token = data.get("token") if isinstance(data, dict) else None
        if not token:
            raise GitHubError("GitHub answered the installation token request without a token")
        self._tokens[installation_id] = (str(token), _expiry(data.get("expires_at"), self._clock()))
        return str(token)

    def headers(
        self, client: GitHubClient, *, owner: str | None = None, installation_id: int | None = None
    ) -> dict[str, str]:
        if installation_id is None:
            installation_id = self.installation_id(client, owner)
        return {"Authorization": f"Bearer {self.installation_token(client, installation_id)}"}

    def invalidate(self, installation_id: int | None) -> bool:
        """Forget a token GitHub refused (revoked early); True when there was one to forget."""
        if installation_id is None:
            return False
        return self._tokens.pop(installation_id, None) is not None


def _expiry(value: object, now: float) -> float:
    """``expires_at`` as epoch seconds; one hour from now when GitHub left it out."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return now + 3600
