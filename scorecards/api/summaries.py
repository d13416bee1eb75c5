"""Aggregates over the latest scorecards, computed in SQL: org summary, teams, metrics."""

from __future__ import annotations

from django.db.models import Avg, Count, Q

from scorecards.broker import queue_depths  # noqa: F401  (re-exported for portal.metrics)
from scorecards.models import Scan, Service, Team
from scorecards.scoring import AVERAGE_COVERAGE_FLOOR

LEVELS = ("Gold", "Silver", "Bronze", "None")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def active_services():
    return Service.objects.filter(retired=False)


def covered(prefix: str = "latest_scorecard__") -> Q:
    """Scorecards with enough coverage to count in an average (docs/checks-guide.md)."""
    return Q(**{f"{prefix}coverage__gte": AVERAGE_COVERAGE_FLOOR})


def under_floor(prefix: str = "latest_scorecard__") -> Q:
    """Scored, but with too little coverage to count in an average: counted apart."""
    return Q(**{f"{prefix}score__isnull": False}) & ~covered(prefix)


def teams_with_scores():
    live = Q(services__retired=False)
    prefix = "services__latest_scorecard__"
    return Team.objects.annotate(
        service_count=Count("services", filter=live),
        mean_score=Avg(f"{prefix}score", filter=live & covered(prefix)),
        mean_coverage=Avg(f"{prefix}coverage", filter=live),
        low_coverage=Count("services", filter=live & under_floor(prefix)),
    ).order_by("name")


def level_counts(services) -> dict[str, int]:
    counted = dict(
        services.exclude(latest_scorecard=None)
        .values_list("latest_scorecard__level")
        .annotate(n=Count("pk"))
        .values_list("latest_scorecard__level", "n")
    )
    levels = {level: counted.get(level, 0) for level in LEVELS}
    levels["unscored"] = services.filter(latest_scorecard=None).count()
    return levels


def team_scores() -> list[dict]:
    """Per team (and "none" for services without one): mean score and services per level."""
    rows = []
    services = active_services()
    by_team = (
        services.values("team__slug", "latest_scorecard__level")
        .annotate(
            n=Count("pk"),
            averaged=Count("pk", filter=covered()),
            score=Avg("latest_scorecard__score", filter=covered()),
        )
        .order_by()
    )
    grouped: dict[str, dict] = {}
    for row in by_team:
        slug = row["team__slug"] or "none"
        entry = grouped.setdefault(slug, {"team": slug, "levels": {}, "total": 0.0, "scored": 0})
        level = row["latest_scorecard__level"] or "unscored"
        entry["levels"][level] = entry["levels"].get(level, 0) + row["n"]
        if row["score"] is not None:
            entry["total"] += row["score"] * row["averaged"]
            entry["scored"] += row["averaged"]
    for entry in grouped.values():
        score = round(entry["total"] / entry["scored"], 1) if entry["scored"] else None
        rows.append({"team": entry["team"], "score": score, "levels": entry["levels"]})
    return sorted(rows, key=lambda r: r["team"])


def scan_durations() -> dict[str, float]:
    """Seconds the last finished scan of each trigger took."""
    found = {}
    for trigger in Scan.Trigger.values:
        scan = (
            Scan.objects.filter(trigger=trigger)
            .exclude(started_at=None)
            .exclude(finished_at=None)
            .order_by("-finished_at")
            .first()
        )
        if scan is not None:
            found[trigger] = scan.duration_seconds
    return found


def org_summary() -> dict:
    services = active_services()
    means = services.aggregate(
        score=Avg("latest_scorecard__score", filter=covered()),
        coverage=Avg("latest_scorecard__coverage"),
        low_coverage=Count("pk", filter=under_floor()),
    )
    factor_totals: dict[str, list[float]] = {}
    for factors in services.filter(covered()).values_list("latest_scorecard__factors", flat=True):
        for key, value in (factors or {}).items():
            if value is not None:
                factor_totals.setdefault(key, []).append(value)
    last_scan = Scan.objects.exclude(finished_at=None).order_by("-finished_at").first()
    return {
        "services": services.count(),
        "teams": Team.objects.count(),
        "score": _rounded(means["score"]),
        "coverage": _rounded(means["coverage"]),
        "low_coverage": means["low_coverage"],
        "levels": level_counts(services),
        "factors": {
            key: round(sum(values) / len(values), 1) for key, values in factor_totals.items()
        },
        "active_scans": Scan.objects.filter(state__in=Scan.ACTIVE_STATES).count(),
        "last_scan_finished_at": (
            last_scan.finished_at.isoformat().replace("+00:00", "Z") if last_scan else None
        ),
    }
