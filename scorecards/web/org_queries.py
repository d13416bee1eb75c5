"""The organisation dashboard's numbers, each computed by the database in one or two queries.

Every function takes ``now`` (no hidden clock, so tests state their expectations) and returns
plain dataclasses; none loops over services in Python. Scores read the stored scorecards only:
"latest" is the ``is_latest`` / ``Service.latest_scorecard`` pair the scanner maintains, and
"score at time T" is a service's last scorecard created at or before T. Retired services are
left out everywhere, as on every dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Lag, NullIf, TruncDate

from scorecards.checks.registry import FACTOR_BY_KEY, TWELVE_FACTOR_KEYS, catalogue
from scorecards.models import CheckResult, Scorecard, Service, SourceRun, Team, Waiver
from scorecards.scoring import AVERAGE_COVERAGE_FLOOR, LEVELS

WEEK = timedelta(days=7)
WAIVER_WARNING = timedelta(days=14)
TREND_DAYS = 90


# --- the building blocks -------------------------------------------------------------------


def live_services() -> QuerySet[Service]:
    return Service.objects.filter(retired=False)


def with_latest(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services left-joined to their latest scorecard as ``latest`` (``latest__score``...).

    The join states the ``is_latest`` flag beside the pointer (the two always move together,
    scorecards/recording.py): PostgreSQL then reads the latest scorecards, one per service,
    through the ``is_latest`` index, instead of hashing the whole history to join it
    (300,000 rows for 10,000 services × 30 scans). Unscored services stay, with nulls.
    """
    return services.annotate(
        latest=FilteredRelation("latest_scorecard", condition=Q(latest_scorecard__is_latest=True))
    )


def scorecard_as_of(when: datetime, column: str = "pk") -> Subquery:
    """``column`` of the outer service's last scorecard created at or before ``when``.

    A correlated subquery served by the (service, -created_at) index: one index probe per
    service, inside the one query that uses it. ``covered_score`` is the score where the
    coverage is enough for an average, else null.
    """
    cards = Scorecard.objects.filter(service=OuterRef("pk"), created_at__lte=when)
    if column == "covered_score":
        cards = cards.annotate(
            covered_score=Case(When(covered(""), then=F("score")), output_field=FloatField())
        )
    return Subquery(cards.order_by("-created_at", "-pk").values(column)[:1])


def covered(prefix: str) -> Q:
    """Scorecards with enough coverage to count in team and org averages: a service whose
    checks were mostly left unknown must not lift (or sink) them (docs/checks-guide.md)."""
    return Q(**{f"{prefix}coverage__gte": AVERAGE_COVERAGE_FLOOR})


def _factor_average(key: str, prefix: str) -> Avg:
    # A factor a service does not measure is a JSON null and must drop out of the average,
    # not count as 0. PostgreSQL's ->> yields SQL NULL for it, but Django's SQLite key
    # transform yields the text 'null' (which casts to 0), hence the NULLIF on both.
    text = NullIf(KeyTextTransform(key, f"{prefix}factors"), Value("null"))
    return Avg(Cast(text, FloatField()), filter=covered(prefix))


def _level_counts(prefix: str) -> dict[str, Count]:
    return {
        f"level_{level.lower()}": Count("pk", filter=Q(**{f"{prefix}level": level}))
        for level in LEVELS
    }


def _factor_averages(prefix: str) -> dict[str, Avg]:
    return {f"factor_{key}": _factor_average(key, prefix) for key in TWELVE_FACTOR_KEYS}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class Group:
    """The aggregates shared by the organisation row and each team row."""

    services: int
    scored: int
    score: float | None  # mean over the scored services with enough coverage
    levels: dict[str, int]
    factors: dict[str, float | None]
    coverage: float | None = None  # mean coverage of every scored service
    low_coverage: int = 0  # scored services left out of score and factors for low coverage

    @property
    def averaged(self) -> int:
        return self.scored - self.low_coverage

    @classmethod
    def from_row(cls, row: dict) -> Group:
        return cls(
            services=row["services"],
            scored=row["scored"],
            score=_rounded(row["score"]),
            coverage=_rounded(row["coverage"]),
            low_coverage=row["low_coverage"],
            levels={level: row[f"level_{level.lower()}"] for level in LEVELS},
            factors={key: _rounded(row[f"factor_{key}"]) for key in TWELVE_FACTOR_KEYS},
        )


def _group_aggregates() -> dict:
    """Over services annotated by ``with_latest``."""
    prefix = "latest__"
    return {
        "services": Count("pk"),
        "scored": Count(f"{prefix}score"),
        "score": Avg(f"{prefix}score", filter=covered(prefix)),
        "coverage": Avg(f"{prefix}coverage", filter=Q(**{f"{prefix}score__isnull": False})),
        "low_coverage": Count(
            "pk", filter=Q(**{f"{prefix}score__isnull": False}) & ~covered(prefix)
        ),
        **_level_counts(prefix),
        **_factor_averages(prefix),
    }


# --- organisation, teams and the heatmap ----------------------------------------------------


def org_summary() -> Group:
    """Org score (mean of the latest scores), level distribution and factor averages: 1 query."""
    return Group.from_row(with_latest(live_services()).aggregate(**_group_aggregates()))


@dataclass(frozen=True)
class TeamRow:
    slug: str | None  # None: services nobody owns yet
    name: str
    group: Group
    score_week_ago: float | None

    @property
    def trend(self) -> float | None:
        if self.group.score is None or self.score_week_ago is None:
            return None
        return round(self.group.score - self.score_week_ago, 1)


def team_groups(team: Team | None = None) -> list[tuple[str | None, str, Group]]:
    """(slug, name, aggregates) of each team with live services, by name: 1 query."""
    services = live_services()
    if team is not None:
        services = services.filter(team=team)
    rows = (
        with_latest(services)
        .values("team__slug", "team__name")
        .annotate(**_group_aggregates())
        .order_by("team__name")
    )
    return [(row["team__slug"], row["team__name"], Group.from_row(row)) for row in rows]


def team_scores_as_of(when: datetime, team: Team | None = None) -> dict[str | None, float]:
    """Per team slug, the average of the scores its live services had at ``when`` (services
    scored then; a service's current team counts for its past too): 1 query, one index-only
    probe per service (scorecard_history_idx) inside the GROUP BY."""
    services = live_services()
    if team is not None:
        services = services.filter(team=team)
    rows = (
        services.values("team__slug")
        .annotate(score=Avg(scorecard_as_of(when, "covered_score")))
        .order_by()
    )
    return {row["team__slug"]: row["score"] for row in rows}


def team_rows(now: datetime, team: Team | None = None) -> list[TeamRow]:
    """One row per team with live services (the heatmap reads the same rows): 2 queries.

    The trend compares the team's average now with the average its services had 7 days ago.
    """
    groups = team_groups(team)
    past = team_scores_as_of(now - WEEK, team)
    rows = [
        TeamRow(
            slug=slug,
            name=name or "Unassigned",
            group=group,
            score_week_ago=_rounded(past.get(slug)),
        )
        for slug, name, group in groups
    ]
    # Unowned services last: they are a to-do, not a team.
    return sorted(rows, key=lambda r: (r.slug is None, r.name.lower()))


# --- trend over time ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    day: date
    score: float
    services: int


def score_trend(
    now: datetime, days: int = TREND_DAYS, team: Team | None = None
) -> list[TrendPoint]:
    """Per day, the average of the score each live service had at the end of that day (scores
    with enough coverage only, as every average here): 1 query.

    Rather than probing every (service, day) pair, each scorecard carries the *change* it made
    to its service's score (score minus the previous scorecard's, via LAG). Summed per day, the
    changes of one service telescope to "last score that day minus last score before", so a
    running total over the days is the sum of the scores held at each day's end; a second
    running total counts the services that had a score. The database returns one row per day
    that changed anything (at most ``days``); the running totals are that many additions here.
    Only each service's last scorecard before the window is read as the starting point.
    """
    today = now.astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    services = live_services()
    if team is not None:
        services = services.filter(team=team)
    baseline = services.annotate(sc=scorecard_as_of(start - timedelta(microseconds=1))).values("sc")
    # Only scores with enough coverage count, as in the team and org averages.
    averaged = covered("") & Q(score__isnull=False)
    present = Case(When(averaged, then=Value(1)), default=Value(0))
    previous = {"partition_by": [F("service_id")], "order_by": [F("created_at"), F("pk")]}
    changes = (
        Scorecard.objects.filter(service__in=services, created_at__lte=now)
        .filter(Q(created_at__gte=start) | Q(pk__in=baseline))
        .annotate(
            # The starting points count on the first day of the window.
            day=Case(
                When(created_at__lt=start, then=Value(first_day)),
                default=TruncDate("created_at", tzinfo=UTC),
                output_field=DateField(),
            ),
            value=Case(When(averaged, then=F("score")), default=Value(0.0)),
            present=present,
        )
        .annotate(
            value_change=F("value")
            - Coalesce(Window(Lag("value"), **previous), Value(0.0), output_field=FloatField()),
            present_change=F("present")
            - Coalesce(Window(Lag(present), **previous), Value(0), output_field=IntegerField()),
        )
        .values("day", "value_change", "present_change")
        # Without the model's default ordering: the sum per day needs no order, and sorting
        # the whole history by date was most of this query's time.
        .order_by()
    )
    # Django cannot aggregate over window functions, so the per-day sum wraps the compiled
    # ORM query (its parameters stay bound) in one GROUP BY.
    inner, params = changes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT day, SUM(value_change), SUM(present_change) "
            f"FROM ({inner}) AS changes GROUP BY day ORDER BY day",
            params,
        )
        per_day = {_as_date(day): (total, count) for day, total, count in cursor.fetchall()}
    points, total, count = [], 0.0, 0
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        day_total, day_count = per_day.get(day, (0.0, 0))
        total += day_total
        count += day_count
        if count:
            points.append(TrendPoint(day=day, score=round(total / count, 1), services=count))
    return points


def _as_date(value: date | str) -> date:
    # PostgreSQL returns a date; SQLite the ISO text Django wrote.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailingCheck:
    check_id: str
    title: str
    factor: str
    severity: str
    services: int


def most_failed_checks(limit: int | None = 20) -> list[FailingCheck]:
    """Checks failing on the most live services' latest scorecards: 1 query."""
    rows = (
        CheckResult.objects.filter(
            scorecard__is_latest=True, scorecard__service__retired=False, status="fail"
        )
        .values("check_id")
        .annotate(services=Count("scorecard__service_id", distinct=True))
        .order_by("-services", "check_id")
    )
    if limit is not None:
        rows = rows[:limit]
    specs = catalogue()
    found = []
    for row in rows:
        spec = specs.get(row["check_id"])
        found.append(
            FailingCheck(
                check_id=row["check_id"],
                # A check retired from the catalogue still shows under its id.
                title=spec.title if spec else row["check_id"],
                factor=FACTOR_BY_KEY[spec.factor].title if spec else "",
                severity=spec.severity if spec else "",
                services=row["services"],
            )
        )
    return found


# --- regressions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegressedCheck:
    check_id: str
    title: str
    status: str  # "fail" or "warn": what it is now; it passed 7 days ago


@dataclass
class Regression:
    slug: str
    name: str
    team: str
    score_now: float
    score_before: float
    commit_now: str
    commit_before: str
    checks: list[RegressedCheck] = field(default_factory=list)

    @property
    def change(self) -> float:
        return round(self.score_now - self.score_before, 1)


def biggest_regressions(now: datetime, limit: int | None = 10) -> list[Regression]:
    """Services whose score dropped since 7 days ago, worst first, with the checks that went
    from pass to fail or warn: 3 queries whatever the number of services."""
    cutoff = now - WEEK
    services = (
        live_services()
        .filter(latest_scorecard__isnull=False)
        .annotate(
            before_id=scorecard_as_of(cutoff),
            score_before=scorecard_as_of(cutoff, "score"),
            commit_before=scorecard_as_of(cutoff, "commit"),
            change=F("latest_scorecard__score") - F("score_before"),
        )
        .filter(change__lt=0)
        # A scorecard created after the cutoff is the only thing that can change a score.
        .filter(latest_scorecard__created_at__gt=cutoff)
        .order_by("change", "name")
        .values(
            "slug",
            "name",
            "team__name",
            "latest_scorecard_id",
            "latest_scorecard__score",
            "latest_scorecard__commit",
            "before_id",
            "score_before",
            "commit_before",
        )
    )
    if limit is not None:
        services = services[:limit]
    found = {
        row["latest_scorecard_id"]: (
            row["before_id"],
            Regression(
                slug=row["slug"],
                name=row["name"],
                team=row["team__name"] or "",
                score_now=row["latest_scorecard__score"],
                score_before=row["score_before"],
                commit_now=row["latest_scorecard__commit"],
                commit_before=row["commit_before"] or "",
            ),
        )
        for row in services
    }
    if not found:
        return []
    failing_now = CheckResult.objects.filter(
        scorecard_id__in=found, status__in=("fail", "warn")
    ).values_list("scorecard_id", "check_id", "status")
    failing_now = list(failing_now)
    passed_before = set(
        CheckResult.objects.filter(
            scorecard_id__in=[before for before, _ in found.values()],
            check_id__in={check_id for _, check_id, _ in failing_now},
            status="pass",
        ).values_list("scorecard_id", "check_id")
    )
    specs = catalogue()
    for scorecard_id, check_id, status in sorted(failing_now, key=lambda r: r[1]):
        before_id, regression = found[scorecard_id]
        if (before_id, check_id) in passed_before:
            spec = specs.get(check_id)
            regression.checks.append(
                RegressedCheck(check_id, spec.title if spec else check_id, status)
            )
    return [regression for _, regression in found.values()]


# --- waivers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaiverRow:
    service_slug: str
    service_name: str
    team: str
    check_id: str
    reason: str
    expires: date
    days_left: int
    # "approved", or "requested" while a platform lead has not decided yet.
    approval: str = "approved"

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def state(self) -> str:
        if self.days_left < 0:
            return "expired"
        if self.days_left <= WAIVER_WARNING.days:
            return "expiring"
        return "active"


def waiver_inventory(now: datetime, limit: int | None = None) -> list[WaiverRow]:
    """Waivers of live services, soonest expiry first (expired ones lead): 1 query."""
    today = now.astimezone(UTC).date()
    waivers = (
        Waiver.objects.filter(service__retired=False)
        .exclude(state=Waiver.State.DENIED)
        .order_by("expires", "service__name", "check_id")
        .values(
            "service__slug",
            "service__name",
            "service__team__name",
            "check_id",
            "reason",
            "expires",
            "state",
        )
    )
    if limit is not None:
        waivers = waivers[:limit]
    return [
        WaiverRow(
            service_slug=w["service__slug"],
            service_name=w["service__name"],
            team=w["service__team__name"] or "",
            check_id=w["check_id"],
            reason=w["reason"],
            expires=w["expires"],
            days_left=(w["expires"] - today).days,
            approval=w["state"],
        )
        for w in waivers
    ]


def waiver_counts(now: datetime) -> dict[str, int]:
    """How many waivers are expired and expiring within 14 days: 1 query."""
    today = now.astimezone(UTC).date()
    return (
        Waiver.objects.filter(service__retired=False)
        .exclude(state=Waiver.State.DENIED)
        .aggregate(
            total=Count("pk"),
            expired=Count("pk", filter=Q(expires__lt=today)),
            expiring=Count("pk", filter=Q(expires__gte=today, expires__lte=today + WAIVER_WARNING)),
        )
    )


# --- data coverage --------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    source: str
    label: str
    configured: list[str]
    last_success: datetime | None
    last_error: str
    last_error_at: datetime | None


def _configured_targets() -> dict[str, list[str]]:
    """What each source is configured to read, in the words an operator set them."""
    from scorecards.sources import aws_offline_dir, kube_offline_dir, local_repositories

    accounts = [arn.split(":")[4] for arn in settings.AWS_ROLE_ARNS if arn.count(":") >= 5]
    aws = [
        f"{account} / {region}"
        for account in (accounts or ["default credentials"])
        for region in settings.AWS_REGIONS
    ]
    kubernetes = list(settings.KUBE_CONTEXTS) or (
        [f"current context of {settings.KUBECONFIG}"] if settings.KUBECONFIG else []
    )
    # Offline exports (air-gapped installs, the demo) are what the collectors read then.
    if not aws and aws_offline_dir():
        aws = [f"offline export {aws_offline_dir()}"]
    if not kubernetes and kube_offline_dir():
        kubernetes = [f"offline export {kube_offline_dir()}"]
    return {
        "github": list(settings.GITHUB_ORGS),
        "aws": aws,
        "kubernetes": kubernetes,
        "local": [str(path) for path in local_repositories()],
    }


def source_coverage() -> list[Coverage]:
    """Each source: its configured targets, last successful ingestion and last error: 1 query."""
    last_error = SourceRun.objects.filter(source=OuterRef("source")).exclude(error="")
    runs = {
        row["source"]: row
        for row in SourceRun.objects.values("source")
        .annotate(
            last_success=Max("finished_at", filter=Q(state=SourceRun.State.DONE)),
            last_error=Subquery(last_error.order_by("-started_at", "-pk").values("error")[:1]),
            last_error_at=Subquery(
                last_error.order_by("-started_at", "-pk").values("started_at")[:1]
            ),
        )
        .order_by()
    }
    targets = _configured_targets()
    labels = dict(SourceRun._meta.get_field("source").choices)
    return [
        Coverage(
            source=source,
            label=labels[source],
            configured=targets[source],
            last_success=runs.get(source, {}).get("last_success"),
            last_error=runs.get(source, {}).get("last_error") or "",
            last_error_at=runs.get(source, {}).get("last_error_at"),
        )
        for source in ("github", "aws", "kubernetes", "local")
    ]


# --- one team -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamService:
    slug: str
    name: str
    score: float | None
    level: str
    score_week_ago: float | None
    scanned_at: datetime | None
    factors: dict[str, float | None]
    coverage: float | None = None

    @property
    def trend(self) -> float | None:
        if self.score is None or self.score_week_ago is None:
            return None
        return round(self.score - self.score_week_ago, 1)


def team_services(team: Team, now: datetime) -> list[TeamService]:
    """A team's live services with their latest score and the one 7 days ago: 1 query."""
    rows = (
        live_services()
        .filter(team=team)
        .annotate(score_week_ago=scorecard_as_of(now - WEEK, "score"))
        .order_by("name")
        .values(
            "slug",
            "name",
            "latest_scorecard__score",
            "latest_scorecard__level",
            "latest_scorecard__coverage",
            "latest_scorecard__created_at",
            "latest_scorecard__factors",
            "score_week_ago",
        )
    )
    return [
        TeamService(
            slug=row["slug"],
            name=row["name"],
            score=row["latest_scorecard__score"],
            level=row["latest_scorecard__level"] or "",
            coverage=row["latest_scorecard__coverage"],
            score_week_ago=row["score_week_ago"],
            scanned_at=row["latest_scorecard__created_at"],
            factors={
                key: (row["latest_scorecard__factors"] or {}).get(key) for key in TWELVE_FACTOR_KEYS
            },
        )
        for row in rows
    ]
