"""The engineers' pages' queries: each answers one page in a fixed number of SQL statements.

Filters run on ``Service.latest_scorecard`` in SQL (one row per service), never in Python
loops over services; history reads compact value lists, not whole rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone

from scorecards.checks.registry import FACTOR_BY_KEY, FACTORS, KINDS, catalogue
from scorecards.models import (
    CheckResult,
    Scan,
    Scorecard,
    Service,
    Snapshot,
    SourceRun,
    Team,
    Waiver,
)
from scorecards.scoring import LEVELS
from scorecards.web.charts import score_colour_class

PAGE_SIZE = 25
# A scorecard older than this is shown, and filtered, as stale data.
STALE_AFTER = timedelta(days=7)
FAILING = ("fail", "warn")
PASSING = ("pass", "waived")
SORTS = {
    "score": (F("latest__score").desc(nulls_last=True), "name"),
    "-score": (F("latest__score").asc(nulls_last=True), "name"),
    "name": ("name",),
    "last-scan": (F("latest__created_at").desc(nulls_last=True), "name"),
}


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's query string, validated: unknown values are dropped, never an error."""

    q: str = ""
    team: str = ""
    kind: str = ""
    level: str = ""
    factor: str = ""
    check: str = ""
    stale: bool = False
    sort: str = "name"

    @classmethod
    def from_query(cls, query: QueryDict) -> CatalogueFilters:
        def pick(name: str, allowed) -> str:
            value = query.get(name, "").strip()
            return value if value in allowed else ""

        return cls(
            q=query.get("q", "").strip()[:100],
            team=query.get("team", "").strip()[:100],
            kind=pick("kind", KINDS),
            level=pick("level", LEVELS),
            factor=pick("factor", FACTOR_BY_KEY),
            check=pick("check", catalogue()),
            stale=query.get("stale") in ("1", "on", "true"),
            sort=pick("sort", SORTS) or "name",
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.team, self.kind, self.level, self.factor, self.check, self.stale))


def _failing_in_latest(**lookup) -> Exists:
    return Exists(
        CheckResult.objects.filter(
            scorecard_id=OuterRef("latest_scorecard_id"), status__in=FAILING, **lookup
        )
    )


def _has_kind(kind: str) -> Q:
    # PostgreSQL answers JSON containment natively; SQLite has no such operator, and since
    # kinds are a closed vocabulary a match on the quoted word in the JSON text is exact.
    if connection.features.supports_json_field_contains:
        return Q(kinds__contains=[kind])
    return Q(kinds_text__contains=f'"{kind}"')


def catalogue_services(filters: CatalogueFilters, now: datetime | None = None) -> QuerySet:
    """Active services matching the filters, with their team and latest scorecard (``latest``)
    joined."""
    now = now or timezone.now()
    services = (
        Service.objects.filter(retired=False)
        .annotate(
            # The pointer and the is_latest flag move together (scorecards/recording.py);
            # stating the flag in the join lets PostgreSQL read the 10,000 latest scorecards
            # through its index rather than hash 300,000 rows of history to sort by score.
            latest=FilteredRelation(
                "latest_scorecard", condition=Q(latest_scorecard__is_latest=True)
            )
        )
        .select_related("team", "latest")
    )
    if filters.q:
        services = services.filter(
            Q(name__icontains=filters.q)
            | Q(slug__icontains=filters.q)
            | Q(repository__icontains=filters.q)
            | Q(team__name__icontains=filters.q)
        )
    if filters.team:
        services = services.filter(team__slug=filters.team)
    if filters.kind:
        if not connection.features.supports_json_field_contains:
            services = services.annotate(kinds_text=Cast("kinds", TextField()))
        services = services.filter(_has_kind(filters.kind))
    if filters.level:
        services = services.filter(latest__level=filters.level)
    if filters.factor:
        services = services.filter(_failing_in_latest(factor=filters.factor))
    if filters.check:
        services = services.filter(_failing_in_latest(check_id=filters.check))
    if filters.stale:
        services = services.filter(
            Q(latest__isnull=True)
            | Q(latest__created_at__lt=now - STALE_AFTER)
            | ~Q(latest__stale_sources=[])
        )
    return services.order_by(*SORTS[filters.sort])


def teams_for_filter() -> list[Team]:
    return list(Team.objects.only("slug", "name"))


@dataclass(frozen=True)
class StripCell:
    key: str
    number: str
    title: str
    score: float | None
    css: str

    @property
    def label(self) -> str:
        shown = "not measured" if self.score is None else f"{self.score:g}"
        return f"{self.number}. {self.title}: {shown}"


def factor_strip(factors: dict | None) -> list[StripCell]:
    """The twelve factor scores of a scorecard, in order, each with its colour class."""
    factors = factors or {}
    return [
        StripCell(
            f.key, f.number, f.title, factors.get(f.key), score_colour_class(factors.get(f.key))
        )
        for f in FACTORS
        if f.twelve
    ]


def is_stale(scorecard: Scorecard | None, now: datetime | None = None) -> bool:
    if scorecard is None:
        return True
    now = now or timezone.now()
    return bool(scorecard.stale_sources) or scorecard.created_at < now - STALE_AFTER


# --- one service --------------------------------------------------------------------------


def service_with_latest(slug: str) -> Service:
    return Service.objects.select_related("team", "latest_scorecard__scan").get(slug=slug)


def latest_results(scorecard: Scorecard | None) -> list[CheckResult]:
    if scorecard is None:
        return []
    return list(scorecard.results.all())


def sources_of(scorecard: Scorecard | None, now: datetime | None = None) -> list[Snapshot]:
    """The snapshots the scorecard's scan used, with their age, staleness and error; a stale
    one also with ``retry_at``, when the portal reads that source again."""
    if scorecard is None:
        return []
    snapshots = list(
        Snapshot.objects.filter(service_id=scorecard.service_id, scan_id=scorecard.scan_id)
        .defer("etag")
        .order_by("source")
    )
    stale = [s for s in snapshots if s.stale]
    if stale:
        _add_retry_times(scorecard.scan_id, stale, now or timezone.now())
    return snapshots


def _add_retry_times(scan_id: int, stale: list[Snapshot], now: datetime) -> None:
    """A rate limit's reset when one cut the source short (a follow-up scan is queued for
    it), else the next scheduled full rescan."""
    from portal.celery import next_full_rescan

    requests = dict(
        SourceRun.objects.filter(scan_id=scan_id, source__in=[s.source for s in stale]).values_list(
            "source", "requests"
        )
    )
    scheduled = next_full_rescan(settings.SCAN_SCHEDULE, now)
    for snapshot in stale:
        reset = (requests.get(snapshot.source) or {}).get("retry_at")
        reset_at = datetime.fromtimestamp(reset, tz=UTC) if reset else None
        snapshot.retry_at = reset_at if reset_at and reset_at > now else scheduled


@dataclass(frozen=True)
class HistoryPoint:
    scan_id: int
    created_at: datetime
    score: float | None
    level: str
    commit: str


def history(service: Service, limit: int = 200) -> list[HistoryPoint]:
    """The service's scorecards, oldest first, the most recent ``limit`` of them."""
    rows = (
        Scorecard.objects.filter(service=service)
        .order_by("-created_at", "-pk")
        .values_list("scan_id", "created_at", "score", "level", "commit")[:limit]
    )
    return [HistoryPoint(*row) for row in reversed(rows)]


def active_scan(service: Service) -> Scan | None:
    return Scan.objects.filter(service=service, state__in=Scan.ACTIVE_STATES).first()


def waivers_of(service: Service) -> list[Waiver]:
    return list(
        service.waivers.select_related("created_by", "decided_by").order_by(
            "-created_at", "check_id"
        )
    )


# --- changes between two scans ------------------------------------------------------------

# Higher is better; inconclusive statuses are not ranked: moving to or from them is a change
# of what the portal could see, listed apart from regressions and improvements.
_RANK = {"pass": 3, "waived": 3, "warn": 2, "fail": 1}


@dataclass(frozen=True)
class Change:
    check_id: str
    title: str
    factor: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    before: Scorecard
    after: Scorecard
    regressed: list[Change]
    improved: list[Change]
    other: list[Change]


def compare(service: Service, before_scan: int, after_scan: int) -> Comparison | None:
    """What changed between two scans of a service: two queries (scorecards, results)."""
    scorecards = {
        s.scan_id: s
        for s in Scorecard.objects.filter(service=service, scan_id__in=[before_scan, after_scan])
    }
    if before_scan not in scorecards or after_scan not in scorecards:
        return None
    before, after = scorecards[before_scan], scorecards[after_scan]
    statuses: dict[str, dict[int, str]] = {}
    for scorecard_id, check_id, status in CheckResult.objects.filter(
        scorecard__in=[before, after]
    ).values_list("scorecard_id", "check_id", "status"):
        statuses.setdefault(check_id, {})[scorecard_id] = status
    specs = catalogue()
    regressed, improved, other = [], [], []
    for check_id, by_card in sorted(statuses.items()):
        old, new = by_card.get(before.pk, "absent"), by_card.get(after.pk, "absent")
        if old == new:
            continue
        spec = specs.get(check_id)
        change = Change(
            check_id, spec.title if spec else check_id, spec.factor if spec else "", old, new
        )
        if old in _RANK and new in _RANK:
            (regressed if _RANK[new] < _RANK[old] else improved).append(change)
        else:
            other.append(change)
    return Comparison(before, after, regressed, improved, other)


# --- the factor guide ---------------------------------------------------------------------


@dataclass(frozen=True)
class PassRate:
    passed: int = 0
    failed: int = 0
    inconclusive: int = 0

    @property
    def conclusive(self) -> int:
        return self.passed + self.failed

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.passed / self.conclusive, 1) if self.conclusive else None


def pass_rates(factor: str | None = None) -> dict[str, PassRate]:
    """Per check: how many active services pass it now. One aggregate query over the results
    of the latest scorecards, which reads the (scorecard, check_id) index including status
    alone: hence counting statuses, not ids, and a factor's checks named from the catalogue
    (the result rows' own ``factor`` column is not in that index)."""
    results = CheckResult.objects.filter(
        scorecard__is_latest=True, scorecard__service__retired=False
    )
    if factor:
        results = results.filter(
            check_id__in=[spec.id for spec in catalogue().values() if spec.factor == factor]
        )
    rows = (
        results.values("check_id")
        .annotate(
            passed=Count("status", filter=Q(status__in=PASSING)),
            failed=Count("status", filter=Q(status__in=FAILING)),
            inconclusive=Count("status", filter=Q(status__in=("unknown", "na"))),
        )
        .order_by()
    )
    return {
        row["check_id"]: PassRate(row["passed"], row["failed"], row["inconclusive"]) for row in rows
    }
