"""Aggregates over the whole history or all services, kept until the data they read changes.

The score trend (every scorecard of the last 90 days: 300,000 rows at 10,000 services × 30
scans), the pass rate of each check and the most failed checks (the 440,000 results of the
latest scorecards), the team aggregates and the week's regressions (10,000 services each)
cost 50-250 ms each at that size, however they are indexed; the pages
that show them aim at well under 200 ms (bench/README.md). They change only when a scorecard
is recorded or a service joins, leaves, retires or changes team, so each is cached under a
*data version* read in one cheap query on every request:

- the newest scorecard id: ids only grow, so any scorecard recorded since (for any date,
  including history replayed into the past) changes it;
- the number of live services, the sum of their ids, and the sum of id × team id: a service
  created, deleted, retired, revived or moved to another team changes at least one of them.

Figures that compare with "7 days ago" (team trends, regressions of the week) also move with
the clock: the dashboard keys them by five minutes as well (scorecards/web/dashboard.py).

A team renamed changes none of these: the cached team names follow within
``TIMEOUT_SECONDS``.

Scorecards are never deleted on their own (history is append-only, see scorecards/models.py);
a service's deletion takes them with it and changes the version. The cache is the "history"
alias of ``CACHES``, in each process's memory (portal/settings.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db.models import Count, F, Max, Subquery, Sum
from django.db.models.functions import Coalesce

from scorecards.models import Scorecard, Service

T = TypeVar("T")
# What the version does not see — a team renamed (names are shown, not counted) — shows after
# at most this long; it also bounds the memory a process keeps for versions no longer read.
TIMEOUT_SECONDS = 300


def data_version() -> str:
    """One query: what the cached aggregates depend on, as a short string."""
    newest = Scorecard.objects.order_by("-pk").values("pk")[:1]
    row = Service.objects.filter(retired=False).aggregate(
        services=Count("pk"),
        ids=Coalesce(Sum("pk"), 0),
        teams=Coalesce(Sum(F("pk") * Coalesce("team_id", 0)), 0),
        newest=Max(Subquery(newest)),
    )
    return f"{row['newest'] or 0}.{row['services']}.{row['ids']}.{row['teams']}"


def cached(name: str, version: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for the same ``name`` at the same data version."""
    cache = caches["history"]
    key = f"{name}:{version}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT_SECONDS)
    return found
