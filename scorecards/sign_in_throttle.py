"""Password sign-in throttling: failed attempts counted per username and per client address.

After ``LOGIN_FAILURE_LIMIT`` failures for one username, or ``LOGIN_FAILURE_LIMIT_PER_IP`` from
one address, within ``LOGIN_FAILURE_WINDOW_SECONDS``, that username (or address) is locked for
``LOGIN_LOCKOUT_SECONDS``: the form refuses to check any password, right or wrong, so guessing
learns nothing during the lockout. Counters live in the Django cache (Redis with ``CACHE_URL``),
so every web process sees the same numbers.

A success clears the username's counter but never the address's: otherwise an attacker with
one account of their own could reset their address's count between guesses at others.

An unreachable cache does not lock everybody out: sign-in then goes unthrottled, with an error
in the log, because the portal's availability matters more than a pause in guessing limits
while Redis, which also carries the task queue, is being repaired.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)
PREFIX = "sign-in"


@dataclass(frozen=True)
class Lockout:
    retry_after: int  # seconds until the next attempt is considered

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _normalised(username: str) -> str:
    """One key per account whatever the spelling: NFKC first, as Django's sign-in form does
    before it looks the account up (so ``ｏwnerlog`` reaches ``ownerlog``), then casefold,
    NFKC again because casefolding can undo it (``ß`` becomes ``ss``, some letters decompose)."""
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return unicodedata.normalize("NFKC", folded)[:150]


def _subjects(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    """The cache key stem and limit of each thing counted: the username, the client address."""
    name = hashlib.sha256(_normalised(username).encode()).hexdigest()[:32]
    return [
        (f"{PREFIX}:user:{name}", settings.LOGIN_FAILURE_LIMIT),
        (f"{PREFIX}:ip:{client_address(request)}", settings.LOGIN_FAILURE_LIMIT_PER_IP),
    ]


def _trusted(address: str, proxies: list[str]) -> bool:
    if "*" in proxies:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or, when that is a trusted proxy, the nearest
    address in X-Forwarded-For that is not itself one of the trusted proxies (the entries
    further left are whatever the client claimed and are never believed)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.FORWARDED_ALLOW_IPS
    forwarded = request.headers.get("X-Forwarded-For", "")
    if not forwarded or not _trusted(remote, proxies):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if "*" in proxies or not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed header: count the proxy rather than a made-up key
    return remote


def _cache_unavailable(exc: Exception) -> None:
    logger.error("sign-in throttling is off: the cache is unavailable (%s)", type(exc).__name__)


def lockout(request: HttpRequest, username: str) -> Lockout | None:
    """The lockout in force for this username or this client address, if any."""
    now = time.time()
    keys = [f"{stem}:locked" for stem, _ in _subjects(request, username)]
    try:
        until = cache.get_many(keys)
    except Exception as exc:  # each cache backend raises its own connection errors
        _cache_unavailable(exc)
        return None
    latest = max(until.values(), default=0)
    if latest <= now:
        return None
    return Lockout(retry_after=int(latest - now) + 1)


def record_failure(request: HttpRequest, username: str) -> None:
    """Count one failed sign-in; lock the username or the address that reached its limit."""
    try:
        _count_failure(request, username)
    except Exception as exc:
        _cache_unavailable(exc)


def _count_failure(request: HttpRequest, username: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for stem, limit in _subjects(request, username):
        key = f"{stem}:failures"
        # add() starts the window at the first failure; incr() is atomic on Redis.
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            lock_for = settings.LOGIN_LOCKOUT_SECONDS
            cache.set(f"{stem}:locked", time.time() + lock_for, timeout=lock_for)
            cache.delete(key)
            logger.warning(
                "sign-in locked after repeated failures",
                extra={
                    "subject": stem.split(":")[1],
                    "username": _normalised(username),
                    "client": client_address(request),
                    "seconds": lock_for,
                },
            )


def record_success(request: HttpRequest, username: str) -> None:
    stem, _ = _subjects(request, username)[0]
    try:
        cache.delete(f"{stem}:failures")
    except Exception as exc:
        _cache_unavailable(exc)
