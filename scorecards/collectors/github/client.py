"""A small GitHub REST client on httpx: auth, pagination, retries, rate limits, counting.

Why httpx and not a full SDK (PyGithub, githubkit): the collector needs exactly three things
SDKs make awkward, and little else.

- **Streaming tarballs with a byte cap.** ``/repos/{o}/{r}/tarball/{sha}`` answers 302 to
  codeload; we follow that one hop ourselves (no ``Authorization`` sent to another origin),
  stream the body to a spool file and abort the moment it passes ``max_tarball_bytes``.
- **Conditional requests.** ``If-None-Match`` on the head commit with the
  ``application/vnd.github.sha`` media type; a 304 must come back as a 304, not be hidden by
  a cache layer or turned into an exception.
- **Exact request counting.** Every request, retry and redirect goes through ``_send``, so
  ``client.stats`` is the real cost of a scan: total, by kind, 304s (free: they do not count
  against the primary rate limit), and requests that did count. The server-side counts in the
  tests match these.

Rate limits follow GitHub's "Rate limits for the REST API": a 403/429 with ``retry-after`` is
a secondary limit (wait that long, bounded); with ``x-ratelimit-remaining: 0`` the primary
quota (wait until ``x-ratelimit-reset`` when that is soon enough, otherwise raise
``RateLimited`` so a Celery task can reschedule itself); a 403/429 whose message names a
secondary limit without either header waits at least a minute, doubling. 5xx answers and
connection errors are retried with exponential backoff and jitter, a bounded number of times.
All waiting goes through the injected ``sleep`` so tests never really wait.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import IO, Any

import httpx

from scorecards.collectors.github.auth import AppAuth, TokenAuth
from scorecards.collectors.github.config import GitHubConfig
from scorecards.collectors.github.errors import (
    AuthenticationFailed,
    GitHubError,
    NotFound,
    RateLimited,
    TooLarge,
)

API_VERSION = "2022-11-28"
JSON_MEDIA_TYPE = "application/vnd.github+json"
SHA_MEDIA_TYPE = "application/vnd.github.sha"
RETRY_STATUSES = frozenset({500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 3
MAX_PAGES = 1000
CHUNK_BYTES = 64 * 1024
SECONDARY_MIN_WAIT = 60.0  # GitHub: "wait for at least one minute before retrying"


class _HideSignedQueries(logging.Filter):
    """httpx logs every request URL at INFO; codeload redirect URLs carry ``?token=``.

    The query of any URL argument is cut before the record is formatted, so a signed
    download link never reaches the logs, whatever level the portal logs httpx at.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(arg, httpx.URL) and arg.query for arg in record.args
        ):
            record.args = tuple(
                arg.copy_with(query=None) if isinstance(arg, httpx.URL) else arg
                for arg in record.args
            )
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(item, _HideSignedQueries) for item in _httpx_log.filters):
    _httpx_log.addFilter(_HideSignedQueries())


def new_stats() -> dict[str, Any]:
    return {
        "requests": 0,  # every HTTP request sent: retries and redirect hops included
        "by_kind": {},  # the same, per kind ("repos", "commit", "tarball", "codeload"...)
        "api_requests": 0,  # requests to the API origin
        "not_modified": 0,  # 304 answers: free, they do not count against the rate limit
        "counted": 0,  # API answers that did count against the rate limit (not 304)
        "retries": 0,  # repeats after a 5xx answer or a connection error
        "rate_limit_waits": 0,  # repeats after a rate-limit answer
        "waited_seconds": 0.0,  # total asked of ``sleep``
        "bytes_downloaded": 0,  # archive bytes received
        "rate_limit": None,  # last x-ratelimit-* headers seen
    }


class _StreamBroken(Exception):
    """A connection error in the middle of a download body (the download is retried)."""


class GitHubClient:
    """One GitHub API endpoint with one set of credentials. Not thread-safe; cheap to make."""

    def __init__(
        self,
        config: GitHubConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._http = httpx.Client(
            base_url=config.api_url,
            timeout=httpx.Timeout(config.timeout),
            headers={
                "User-Agent": config.user_agent,
                "Accept": JSON_MEDIA_TYPE,
                "X-GitHub-Api-Version": API_VERSION,
            },
            follow_redirects=False,
            transport=transport,
        )
        self._api_origin = _origin(httpx.URL(config.api_url))
        self.auth: TokenAuth | AppAuth
        if config.auth_mode == "app":
            self.auth = AppAuth(
                str(config.app_id),
                str(config.app_private_key),
                clock=clock,
                refresh_margin=config.token_refresh_margin,
            )
        else:
            self.auth = TokenAuth(str(config.token))
        self.stats: dict[str, Any] = new_stats()

    # -- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def auth_mode(self) -> str:
        return self.auth.mode

    def installation_for(self, owner: str) -> int:
        """The App installation id for an organisation (GitHub App auth only)."""
        if not isinstance(self.auth, AppAuth):
            raise GitHubError("installations exist only with GitHub App authentication")
        return self.auth.installation_id(self, owner)

    # -- requests -----------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        owner: str | None = None,
        installation_id: int | None = None,
        app: bool = False,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        ok: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        """Send one API request (with retries and rate-limit waits); typed error if not ``ok``.

        ``app=True`` authenticates as the App (JWT); otherwise with the token, or the
        installation token for ``installation_id`` / the installation on ``owner``.
        """
        self._check_origin(url)
        refreshed = False
        while True:
            auth = self._auth_headers(app=app, owner=owner, installation_id=installation_id)
            merged = {**auth, **(headers or {})}
            response = self._send(method, url, kind=kind, headers=merged, params=params, json=json)
            if response.status_code in ok:
                return response
            if response.status_code == 401 and not app and not refreshed:
                refreshed = True
                if self._forget_token(owner, installation_id):
                    continue  # an installation token revoked early: mint a new one, once
            self._raise_for(response, kind)

    def paginate(
        self,
        url: str,
        *,
        kind: str,
        params: Mapping[str, Any] | None = None,
        items_key: str | None = None,
        owner: str | None = None,
        installation_id: int | None = None,
        app: bool = False,
    ) -> Iterator[dict]:
        """Every item of a listing, following ``Link: <...>; rel="next"`` headers."""
        next_url: str | None = url
        seen: set[str] = set()
        pages = 0
        while next_url:
            if next_url in seen or pages >= MAX_PAGES:
                raise GitHubError(f"{kind}: pagination does not end ({pages} pages)")
            seen.add(next_url)
            pages += 1
            response = self.request(
                "GET",
                next_url,
                kind=kind,
                owner=owner,
                installation_id=installation_id,
                app=app,
                params=params if pages == 1 else None,
            )
            data = _json(response)
            items = data.get(items_key) if items_key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise GitHubError(f"{kind}: GitHub answered something that is not a list")
            yield from (item for item in items if isinstance(item, dict))
            link = response.links.get("next") or {}
            next_url = link.get("url")

    def download(
        self,
        url: str,
        sink: IO[bytes],
        *,
        kind: str,
        max_bytes: int,
        owner: str | None = None,
        installation_id: int | None = None,
    ) -> int:
        """Stream ``url`` (following redirects) into ``sink``; the number of bytes written.

        Raises ``TooLarge`` as soon as the body (or its announced ``Content-Length``) passes
        ``max_bytes``; the rest is never read. A connection lost mid-body restarts the
        download, a bounded number of times.
        """
        self._check_origin(url)
        attempt = 0
        refreshed = False
        while True:
            sink.seek(0)
            sink.truncate()
            try:
                return self._download_once(
                    url,
                    sink,
                    kind=kind,
                    max_bytes=max_bytes,
                    owner=owner,
                    installation_id=installation_id,
                )
            except AuthenticationFailed:
                # The first fetch of a repository starts with the archive: an installation
                # token revoked early is minted again here too, once.
                if refreshed or not self._forget_token(owner, installation_id):
                    raise
                refreshed = True
            except _StreamBroken as exc:
                attempt += 1
                if attempt >= self.config.max_attempts:
                    raise GitHubError(
                        f"{kind}: download kept failing ({exc}) after {attempt} attempts",
                        path=_path(url),
                    ) from None
                self.stats["retries"] += 1
                self._wait(self._backoff(attempt))

    def _download_once(
        self,
        url: str,
        sink: IO[bytes],
        *,
        kind: str,
        max_bytes: int,
        owner: str | None,
        installation_id: int | None,
    ) -> int:
        auth = self._auth_headers(app=False, owner=owner, installation_id=installation_id)
        # Identity: count and cap the bytes on the wire; the archive is gzip already.
        plain = {"Accept-Encoding": "identity"}
        response = self._send("GET", url, kind=kind, headers={**auth, **plain}, stream=True)
        hops = 0
        while response.status_code in REDIRECT_STATUSES:
            location = response.headers.get("location")
            response.close()
            if not location or hops >= MAX_REDIRECTS:
                raise GitHubError(f"{kind}: redirect without an end", path=_path(url))
            hops += 1
            target = response.url.join(location)
            same_origin = _origin(target) == self._api_origin
            # Never hand the API credentials to another origin (codeload gets a signed URL).
            headers = {**auth, **plain} if same_origin else plain
            hop_kind = kind if same_origin else "codeload"
            response = self._send("GET", str(target), kind=hop_kind, headers=headers, stream=True)
        try:
            if response.status_code != 200:
                response.read()
                self._raise_for(response, kind)
            declared = _int(response.headers.get("content-length"))
            if declared is not None and declared > max_bytes:
                raise TooLarge(
                    f"{kind}: archive of {declared} bytes is over the {max_bytes}-byte limit",
                    limit=max_bytes,
                    path=_path(url),
                )
            total = 0
            try:
                for chunk in response.iter_raw(CHUNK_BYTES):
                    total += len(chunk)
                    self.stats["bytes_downloaded"] += len(chunk)
                    if total > max_bytes:
                        raise TooLarge(
                            f"{kind}: archive passed the {max_bytes}-byte limit; download stopped",
                            limit=max_bytes,
                            path=_path(url),
                        )
                    sink.write(chunk)
            except httpx.TransportError as exc:
                raise _StreamBroken(type(exc).__name__) from exc
        finally:
            response.close()
        sink.flush()
        return total

    # -- internals ----------------------------------------------------------------------
    def _auth_headers(
        self, *, app: bool, owner: str | None, installation_id: int | None
    ) -> dict[str, str]:
        if app:
            if not isinstance(self.auth, AppAuth):
                raise GitHubError("App endpoints need GitHub App authentication")
            return self.auth.app_headers()
        return self.auth.headers(self, owner=owner, installation_id=installation_id)

    def _forget_token(self, owner: str | None, installation_id: int | None) -> bool:
        if not isinstance(self.auth, AppAuth):
            return False
        if installation_id is None and owner:
            installation_id = self.auth.installations(self).get(owner.lower())
        return self.auth.invalidate(installation_id)

    def _check_origin(self, url: str) -> None:
        target = self._http.build_request("GET", url).url
        if _origin(target) != self._api_origin:
            raise GitHubError(f"refusing to send GitHub credentials to {target.host!r}")

    def _send(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        stream: bool = False,
    ) -> httpx.Response:
        """One logical request: retried on 5xx/connection errors, waiting out rate limits."""
        attempt = 0
        limited = 0
        while True:
            request = self._http.build_request(
                method, url, headers=dict(headers), params=params, json=json
            )
            on_api = _origin(request.url) == self._api_origin
            self._count(kind, on_api)
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                attempt += 1
                if attempt >= self.config.max_attempts:
                    raise GitHubError(
                        f"{kind}: cannot reach {request.url.host} ({type(exc).__name__}) "
                        f"after {attempt} attempts",
                        path=request.url.path,
                    ) from None
                self.stats["retries"] += 1
                self._wait(self._backoff(attempt))
                continue
            except httpx.HTTPError as exc:
                raise GitHubError(
                    f"{kind}: request failed ({type(exc).__name__})", path=request.url.path
                ) from None
            if on_api:
                self._observe(response)
            status = response.status_code
            if status in RETRY_STATUSES:
                response.close()
                attempt += 1
                if attempt >= self.config.max_attempts:
                    raise GitHubError(
                        f"{kind}: GitHub answered {status} {attempt} times in a row",
                        status=status,
                        path=request.url.path,
                    )
                self.stats["retries"] += 1
                self._wait(self._backoff(attempt))
                continue
            if status in (403, 429):
                if stream:
                    response.read()
                wait = self._rate_limit_wait(response, kind, limited)
                if wait is not None:
                    response.close()
                    limited += 1
                    self.stats["rate_limit_waits"] += 1
                    self._wait(wait)
                    continue
            return response

    def _count(self, kind: str, on_api: bool) -> None:
        stats = self.stats
        stats["requests"] += 1
        stats["by_kind"][kind] = stats["by_kind"].get(kind, 0) + 1
        if on_api:
            stats["api_requests"] += 1

    def _observe(self, response: httpx.Response) -> None:
        if response.status_code == 304:
            self.stats["not_modified"] += 1
        else:
            self.stats["counted"] += 1
        headers = response.headers
        if "x-ratelimit-remaining" in headers:
            self.stats["rate_limit"] = {
                "limit": _int(headers.get("x-ratelimit-limit")),
                "remaining": _int(headers.get("x-ratelimit-remaining")),
                "used": _int(headers.get("x-ratelimit-used")),
                "reset": _int(headers.get("x-ratelimit-reset")),
                "resource": headers.get("x-ratelimit-resource"),
            }

    def _rate_limit_wait(self, response: httpx.Response, kind: str, limited: int) -> float | None:
        """Seconds to wait before repeating, None when this 403/429 is no rate limit.

        Raises ``RateLimited`` when the wait would be longer than allowed or the request
        has already been limited ``max_rate_limit_retries`` times.
        """
        config = self.config
        headers = response.headers
        now = self._clock()
        path = response.request.url.path
        resource = headers.get("x-ratelimit-resource")
        retry_after = _retry_after(headers.get("retry-after"), now)
        message = _message(response).lower()
        if retry_after is not None:
            wait, limit, secondary = retry_after, config.max_retry_after, True
            resume_at = now + wait
        elif headers.get("x-ratelimit-remaining") == "0" and _int(headers.get("x-ratelimit-reset")):
            resume_at = float(_int(headers.get("x-ratelimit-reset")) or 0)
            # One second of slack: the reset is whole seconds and clocks differ a little.
            wait, limit, secondary = (
                max(0.0, resume_at - now) + 1.0,
                config.max_rate_limit_wait,
                False,
            )
        elif "secondary rate limit" in message or "abuse" in message:
            wait = SECONDARY_MIN_WAIT * 2**limited
            limit, secondary = config.max_retry_after, True
            resume_at = now + wait
        else:
            return None
        if wait > limit or limited >= config.max_rate_limit_retries:
            what = "secondary rate limit" if secondary else "rate limit"
            raise RateLimited(
                f"{kind}: GitHub {what} ({resource or 'unknown resource'}); "
                f"try again in {max(0.0, resume_at - now):.0f} s",
                reset_at=resume_at,
                secondary=secondary,
                resource=resource,
                status=response.status_code,
                path=path,
            )
        return wait

    def _backoff(self, attempt: int) -> float:
        delay = min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))
        return delay / 2 + self._jitter() * delay / 2

    def _wait(self, seconds: float) -> None:
        self.stats["waited_seconds"] += seconds
        self._sleep(seconds)

    def _raise_for(self, response: httpx.Response, kind: str) -> None:
        status = response.status_code
        path = response.request.url.path
        message = _message(response) or response.reason_phrase
        text = f"{kind}: GitHub answered {status} for {path}: {message}"
        if status == 404:
            raise NotFound(text, status=status, path=path)
        if status == 401:
            raise AuthenticationFailed(text, status=status, path=path)
        raise GitHubError(text, status=status, path=path)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _path(url: str) -> str:
    return httpx.URL(url).path


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` in seconds: GitHub sends a number; an HTTP date is accepted too."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise GitHubError(
            "GitHub answered with something that is not JSON", path=response.request.url.path
        ) from None


def _message(response: httpx.Response) -> str:
    """GitHub's ``message`` field, on one line and short; empty when there is none."""
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return " ".join(str(message).split())[:200] if message else ""
