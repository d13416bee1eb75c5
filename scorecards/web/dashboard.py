"""The organisation dashboard for platform leads: thin views over ``org_queries``.

Each page reads a bounded number of queries whatever the number of services (pinned by
tests/dashboard/test_query_counts.py); every table has a CSV export at
``/dashboard/export/<table>.csv`` (and ``/dashboard/teams/<slug>/export/<table>.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from scorecards.checks.registry import FACTOR_BY_KEY, TWELVE_FACTOR_KEYS
from scorecards.models import Team
from scorecards.scoring import AVERAGE_COVERAGE_FLOOR, LEVELS
from scorecards.web import csv_export, history_cache, org_queries
from scorecards.web.charts import Series, line_chart, score_colour_class

FACTORS = [FACTOR_BY_KEY[key] for key in TWELVE_FACTOR_KEYS]
PAGE_ROWS = 20  # long lists show their top rows; the CSV export has them all


@dataclass(frozen=True)
class HeatCell:
    factor: str
    value: float | None
    css: str
    href: str
    label: str


def _catalogue_link(**filters: str) -> str:
    """A link into the service catalogue, whose filters use exactly these parameter names."""
    return f"{_catalogue_url()}?{urlencode(filters)}"


def _catalogue_url() -> str:
    # Resolved once per process: the heatmap links 50 teams × 12 factors to it.
    global _CATALOGUE_URL
    if _CATALOGUE_URL is None:
        _CATALOGUE_URL = reverse("services:list")
    return _CATALOGUE_URL


_CATALOGUE_URL: str | None = None


def _heat_cells(row: org_queries.TeamRow) -> list[HeatCell]:
    cells = []
    for factor in FACTORS:
        value = row.group.factors[factor.key]
        shown = "not measured" if value is None else f"average {value}"
        # Unowned services have no team filter to link to; their cells are text only.
        href = _catalogue_link(team=row.slug, factor=factor.key) if row.slug else ""
        cells.append(
            HeatCell(
                factor=factor.title,
                value=value,
                css=score_colour_class(value),
                href=href,
                label=f"{row.name}, {factor.number} {factor.title}: {shown}"
                + (". Show failing services" if href else ""),
            )
        )
    return cells


def _trend(now: datetime, version: str, team: Team | None = None) -> list[org_queries.TrendPoint]:
    """The daily trend (the organisation's, or a team's), cached per day and data version."""
    day = now.astimezone(UTC).date()
    return history_cache.cached(
        f"trend:{team.pk if team else 'org'}:{day}",
        version,
        lambda: org_queries.score_trend(now, team=team),
    )


def _period(now: datetime) -> str:
    # "7 days ago" moves with the clock: figures that compare with it are kept for five
    # minutes (computed at the first request in them), and for the data version as everything
    # else. Five minutes is nothing to a weekly comparison; recomputing each minute in every
    # web process was most of the dashboard's slowest requests (bench/README.md).
    return f"{now:%Y-%m-%dT%H}:{now.minute // 5}"


def _team_rows(now: datetime, version: str, team: Team | None = None):
    return history_cache.cached(
        f"team-rows:{team.pk if team else 'org'}:{_period(now)}",
        version,
        lambda: org_queries.team_rows(now, team=team),
    )


def _trend_chart(title: str, *series: tuple[str, list[org_queries.TrendPoint]]):
    return line_chart(
        [
            Series(
                label, [(datetime.combine(p.day, time.min, tzinfo=UTC), p.score) for p in points]
            )
            for label, points in series
            if points
        ],
        title,
    )


@login_required
@require_safe
def org(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    version = history_cache.data_version()
    teams = _team_rows(now, version)
    summary = history_cache.cached("org-summary", version, org_queries.org_summary)
    context = {
        "summary": summary,
        "summary_css": score_colour_class(summary.score),
        "levels": LEVELS,
        "factors": FACTORS,
        "teams": [(row, _heat_cells(row)) for row in teams],
        "trend_chart": _trend_chart(
            "Organisation score, daily, last 90 days",
            ("Organisation", _trend(now, version)),
        ),
        "failing_checks": [
            (check, _catalogue_link(check=check.check_id))
            for check in history_cache.cached(
                f"most-failed:{PAGE_ROWS}",
                version,
                lambda: org_queries.most_failed_checks(limit=PAGE_ROWS),
            )
        ],
        "regressions": history_cache.cached(
            f"regressions:{PAGE_ROWS}:{_period(now)}",
            version,
            lambda: org_queries.biggest_regressions(now, limit=PAGE_ROWS),
        ),
        "waivers": org_queries.waiver_inventory(now, limit=PAGE_ROWS),
        "waiver_counts": org_queries.waiver_counts(now),
        "coverage": org_queries.source_coverage(),
        "page_rows": PAGE_ROWS,
        "coverage_floor": f"{AVERAGE_COVERAGE_FLOOR:g}",
        # The team table and the heatmap (50 teams × 12 factors) are rendered once per data
        # version and five minutes, as the rows they show (templates/dashboard/org.html).
        "fragments": f"{version}:{_period(now)}",
    }
    return render(request, "dashboard/org.html", context)


@login_required
@require_safe
def team(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    team = get_object_or_404(Team, slug=slug)
    version = history_cache.data_version()
    rows = _team_rows(now, version, team)
    context = {
        "team": team,
        "row": rows[0] if rows else None,
        "cells": _heat_cells(rows[0]) if rows else [],
        "factors": FACTORS,
        "levels": LEVELS,
        "coverage_floor": f"{AVERAGE_COVERAGE_FLOOR:g}",
        "services": [
            (service, score_colour_class(service.score))
            for service in org_queries.team_services(team, now)
        ],
        "trend_chart": _trend_chart(
            f"{team.name} and the organisation, daily, last 90 days",
            (team.name, _trend(now, version, team)),
            ("Organisation", _trend(now, version)),
        ),
    }
    return render(request, "dashboard/team.html", context)


@login_required
@require_safe
def export(request: HttpRequest, table: str) -> HttpResponse:
    build = csv_export.ORG_TABLES.get(table)
    if build is None:
        raise Http404("No such table")
    now = timezone.now()
    return csv_export.csv_response(f"dashboard-{table}-{now:%Y-%m-%d}.csv", build(now))


@login_required
@require_safe
def team_export(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    build = csv_export.TEAM_TABLES.get(table)
    if build is None:
        raise Http404("No such table")
    team = get_object_or_404(Team, slug=slug)
    now = timezone.now()
    filename = f"dashboard-{team.slug}-{table}-{now:%Y-%m-%d}.csv"
    return csv_export.csv_response(filename, build(team, now))
