"""CSV exports of the dashboard's tables: streamed, and safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read as a
formula by Excel, LibreOffice and Google Sheets; service names, check messages and waiver
reasons come from repositories anyone can push to, so such text cells get a leading quote
(OWASP "CSV injection"). Numbers are written as numbers: a negative trend is data, not a
formula, and quoting it would turn it into text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from django.http import StreamingHttpResponse

from scorecards.checks.registry import FACTOR_BY_KEY, TWELVE_FACTOR_KEYS
from scorecards.models import Team
from scorecards.scoring import LEVELS
from scorecards.web import org_queries

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
Table = tuple[list[str], Iterable[Iterable[object]]]


def safe_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds the stream."""

    def write(self, value: str) -> str:
        return value


def _lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    header, rows = table
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the tables, one function per table on the pages ----------------------------------------

FACTOR_COLUMNS = [FACTOR_BY_KEY[key].title for key in TWELVE_FACTOR_KEYS]


def teams_table(now: datetime) -> Table:
    header = ["team", "services", "scored", "average score", "score 7 days ago", "trend"]
    header += [f"{level} services" for level in LEVELS]
    header += ["coverage", "not averaged (low coverage)"]
    rows = (
        [r.name, r.group.services, r.group.scored, r.group.score, r.score_week_ago, r.trend]
        + [r.group.levels[level] for level in LEVELS]
        + [r.group.coverage, r.group.low_coverage]
        for r in org_queries.team_rows(now)
    )
    return header, rows


def heatmap_table(now: datetime) -> Table:
    rows = (
        [r.name] + [r.group.factors[key] for key in TWELVE_FACTOR_KEYS]
        for r in org_queries.team_rows(now)
    )
    return ["team", *FACTOR_COLUMNS], rows


def trend_table(now: datetime, team: Team | None = None) -> Table:
    rows = ([p.day, p.score, p.services] for p in org_queries.score_trend(now, team=team))
    return ["day", "average score", "services scored"], rows


def failing_checks_table(now: datetime) -> Table:
    rows = (
        [c.check_id, c.title, c.factor, c.severity, c.services]
        for c in org_queries.most_failed_checks(limit=None)
    )
    return ["check", "title", "factor", "severity", "failing services"], rows


def regressions_table(now: datetime) -> Table:
    header = ["service", "team", "score 7 days ago", "score now", "change"]
    header += ["commit 7 days ago", "commit now", "checks now failing or warning"]
    rows = (
        [r.name, r.team, r.score_before, r.score_now, r.change, r.commit_before, r.commit_now]
        + [" ".join(f"{c.check_id}:{c.status}" for c in r.checks)]
        for r in org_queries.biggest_regressions(now, limit=None)
    )
    return header, rows


def waivers_table(now: datetime) -> Table:
    rows = (
        [w.service_name, w.team, w.check_id, w.expires, w.days_left, w.state, w.approval, w.reason]
        for w in org_queries.waiver_inventory(now)
    )
    header = ["service", "team", "check", "expires", "days left", "state", "approval", "reason"]
    return header, rows


def coverage_table(now: datetime) -> Table:
    rows = (
        [c.label, "; ".join(c.configured), c.last_success, c.last_error_at, c.last_error]
        for c in org_queries.source_coverage()
    )
    header = ["source", "configured", "last successful ingestion", "last error at", "last error"]
    return header, rows


ORG_TABLES: dict[str, Callable[[datetime], Table]] = {
    "teams": teams_table,
    "heatmap": heatmap_table,
    "trend": trend_table,
    "failing-checks": failing_checks_table,
    "regressions": regressions_table,
    "waivers": waivers_table,
    "coverage": coverage_table,
}


def team_services_table(team: Team, now: datetime) -> Table:
    header = ["service", "score", "level", "score 7 days ago", "trend", "last scan"]
    rows = (
        [s.name, s.score, s.level, s.score_week_ago, s.trend, s.scanned_at]
        + [s.factors[key] for key in TWELVE_FACTOR_KEYS]
        + [s.coverage]
        for s in org_queries.team_services(team, now)
    )
    return header + FACTOR_COLUMNS + ["coverage"], rows


TEAM_TABLES: dict[str, Callable[[Team, datetime], Table]] = {
    "services": team_services_table,
    "trend": lambda team, now: trend_table(now, team=team),
}
