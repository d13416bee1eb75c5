"""Exports of the latest scorecards: CSV tables for spreadsheets, SARIF for code scanning."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import Count

from scorecards.api.summaries import LEVELS, teams_with_scores
from scorecards.checks.registry import catalogue
from scorecards.checks.results import CheckResult as EngineResult
from scorecards.checks.results import Evidence, Status
from scorecards.engine import Report
from scorecards.models import FACTOR_KEYS, CheckResult, Scorecard, Service
from scorecards.reports.sarif import render_sarif
from scorecards.scoring import Score, score_service

STATUSES = ("pass", "fail", "warn", "unknown", "na", "waived")
# A spreadsheet runs a cell starting with these as a formula; names come from repositories.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def services_csv(services) -> str:
    """One row per service: team, level, score, and the score of every factor."""
    services = services.select_related("team", "latest_scorecard").order_by("slug")
    header = ["service", "name", "team", "repository", "level", "score", "coverage", "commit"]
    header += ["scanned_at"]
    header += list(FACTOR_KEYS)

    def rows():
        for s in services:
            card = s.latest_scorecard
            factors = card.factors if card else {}
            yield [
                s.slug,
                s.name,
                s.team.slug if s.team else "",
                s.repository,
                card.level if card else "",
                card.score if card else None,
                card.coverage if card else None,
                card.commit if card else "",
                card.created_at.isoformat() if card else "",
                *[factors.get(key) for key in FACTOR_KEYS],
            ]

    return to_csv(header, rows())


def teams_csv(team_slug: str | None = None) -> str:
    from scorecards.api.summaries import level_counts

    teams = teams_with_scores()
    if team_slug:
        teams = teams.filter(slug=team_slug)
    header = ["team", "name", "services", "score", "coverage", "low_coverage", *LEVELS]
    header += ["unscored"]
    rows = []
    for team in teams:
        levels = level_counts(Service.objects.filter(team=team, retired=False))
        score = None if team.mean_score is None else round(team.mean_score, 1)
        coverage = None if team.mean_coverage is None else round(team.mean_coverage, 1)
        rows.append(
            [team.slug, team.name, team.service_count, score, coverage, team.low_coverage]
            + [levels[k] for k in (*LEVELS, "unscored")]
        )
    return to_csv(header, rows)


def checks_csv(services) -> str:
    """One row per catalogue check: how many services' latest scorecards have each status."""
    latest = services.exclude(latest_scorecard=None).values("latest_scorecard")
    counted: dict[str, dict[str, int]] = {}
    for row in (
        CheckResult.objects.filter(scorecard__in=latest)
        .values("check_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counted.setdefault(row["check_id"], {})[row["status"]] = row["n"]
    header = ["check_id", "factor", "severity", "title", *STATUSES]
    rows = (
        [spec.id, spec.factor, spec.severity, spec.title]
        + [counted.get(spec.id, {}).get(s, 0) for s in STATUSES]
        for spec in catalogue().values()
    )
    return to_csv(header, rows)


def report_of(card: Scorecard) -> Report:
    """The engine ``Report`` a stored scorecard came from, for the report renderers."""
    specs = catalogue()
    results = []
    for row in card.results.all():
        spec = specs.get(row.check_id)
        if spec is None:  # retired from the catalogue since this scan
            continue
        results.append(
            EngineResult(
                id=row.check_id,
                factor=row.factor,
                severity=row.severity,
                status=Status(row.status),
                evidence=[Evidence(**e) for e in row.evidence],
                message=row.message,
                remediation=spec.remediation,
                effort=spec.effort,
                title=spec.title,
                catalogue_version=card.catalogue_version,
                fingerprint=row.fingerprint,
                waiver=row.waiver,
            )
        )
    # The stored verdict, with the cap and undecided checks graded again from the same results.
    graded = score_service(results, card.kinds)
    return Report(
        service=card.service.slug,
        kinds=card.kinds,
        score=Score(
            factors=card.factors,
            score=card.score,
            level=card.level,
            coverage=card.coverage,
            level_coverage=card.level_coverage,
            capped_from=graded.capped_from,
            undecided=graded.undecided,
        ),
        results=results,
        catalogue_version=card.catalogue_version,
        commit=card.commit or None,
    )


def sarif_of(card: Scorecard) -> dict:
    sarif = render_sarif(report_of(card))
    if card.commit:
        # Lets GitHub code scanning place the alerts on the commit that was analysed.
        sarif["runs"][0]["versionControlProvenance"] = [
            {
                "repositoryUri": f"https://github.com/{card.service.repository}",
                "revisionId": card.commit,
            }
        ]
    return sarif
