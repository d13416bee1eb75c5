"""CSV exports: org (services), teams and checks, filterable by team."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import make_service, record_scorecard

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_org_export_has_one_row_per_active_service(api, org):
    rows = _rows(api("/api/v1/exports/org.csv"))
    assert [r["service"] for r in rows] == ["billing", "indexer", "orders"]
    orders = rows[2]
    assert (orders["team"], orders["level"], orders["commit"]) == ("payments", "Gold", "b" * 40)
    assert orders["config"] == "100.0"
    assert rows[1]["score"] == ""  # never scanned: empty, not zero


def test_the_org_export_filters_by_team(api, org):
    assert [r["service"] for r in _rows(api("/api/v1/exports/org.csv", team="search"))] == [
        "indexer"
    ]
    assert api("/api/v1/exports/org.csv", team="nope").status_code == 404


def test_the_teams_export_counts_levels(api, org):
    rows = {r["team"]: r for r in _rows(api("/api/v1/exports/teams.csv"))}
    assert rows["payments"]["services"] == "2"
    assert rows["payments"]["Gold"] == "1"
    assert rows["search"]["unscored"] == "1"


def test_the_checks_export_counts_statuses_over_latest_scorecards(api, org):
    rows = {r["check_id"]: r for r in _rows(api("/api/v1/exports/checks.csv"))}
    secrets = rows["config.no-hardcoded-secrets"]
    assert (secrets["fail"], secrets["pass"]) == ("1", "1")
    # orders' older scorecard failed logs.stdout; only the latest counts.
    assert rows["logs.stdout"]["fail"] == "0"


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(api, org):
    evil = make_service("evil", name='=HYPERLINK("http://x")')
    record_scorecard(evil)
    rows = {r["service"]: r for r in _rows(api("/api/v1/exports/org.csv"))}
    assert rows["evil"]["name"] == '\'=HYPERLINK("http://x")'


def test_the_csv_exports_carry_coverage(api, org):
    services = {r["service"]: r for r in _rows(api("/api/v1/exports/org.csv"))}
    assert services["orders"]["coverage"] == str(org["orders"].latest_scorecard.coverage)
    assert services["indexer"]["coverage"] == ""
    teams = {r["team"]: r for r in _rows(api("/api/v1/exports/teams.csv"))}
    assert teams["payments"]["coverage"] == "100.0"
    assert teams["payments"]["low_coverage"] == "0"
