"""What a check function receives: the facts of one service and what is known about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from scorecards.checks.results import Evidence, short_excerpt

T = TypeVar("T")


@dataclass
class CheckContext:
    """Facts per source (None when that source was not ingested), the service's kinds, today.

    ``today`` is given, never read from a clock, so checks stay pure and repeatable.
    """

    repo: dict | None = None
    aws: dict | None = None
    kubernetes: dict | None = None
    kinds: frozenset[str] = frozenset()
    today: date = date(2026, 11, 1)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def repo_source(self) -> str:
        return (self.repo or {}).get("source", "local")

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Derived views (workloads, services...) are computed once per service, not per check."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def evidence(self, path: str, line: int | None = None, excerpt: str = "") -> Evidence:
        """Evidence seen in the repository at ``path`` (and ``line``)."""
        locator = f"{path}:{line}" if line else path
        return Evidence(locator=locator, excerpt=short_excerpt(excerpt), source=self.repo_source)

    def live_evidence(self, source: str, locator: str, excerpt: str = "") -> Evidence:
        """Evidence seen in a running system: ``source`` is "aws" or "kubernetes", ``locator``
        an ARN or ``context/namespace/Kind/name``, optionally followed by ``#/json/pointer``."""
        return Evidence(locator=locator, excerpt=short_excerpt(excerpt), source=source)
