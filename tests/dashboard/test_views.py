"""The dashboard pages through the test client: login, content, links, CSV exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from scorecards import roles
from scorecards.models import Waiver
from tests.dashboard.conftest import every_check
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    now = timezone.now()
    payments = make_team("payments")
    billing = make_service("billing", payments)
    record_scorecard(billing, when=now - timedelta(days=9), commit="aaa111")
    record_scorecard(billing, {"logs.stdout": "fail"}, when=now - timedelta(hours=1), commit="b2")
    record_scorecard(make_service("search", make_team("search")), every_check("warn"), when=now)
    Waiver.objects.create(
        service=billing,
        check_id="logs.stdout",
        reason='=HYPERLINK("http://evil")',
        expires=now.date() + timedelta(days=3),
    )
    return payments


@pytest.fixture
def signed_in(client):
    client.force_login(make_person("lead", roles.PLATFORM_LEAD))
    return client


def parse(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/teams/payments/",
        "/dashboard/export/teams.csv",
        "/dashboard/teams/payments/export/services.csv",
    ],
)
def test_every_page_asks_to_sign_in(client, org, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_dashboard_shows_teams_heatmap_links_and_sections(signed_in, org):
    response = signed_in.get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/dashboard/teams/payments/"' in page
    assert 'href="/services/?team=payments&amp;factor=logs"' in page
    # logs.stdout (high, 7.5) fails among logs checks weighing 20: 100 * 12.5 / 20 = 62.5.
    assert 'aria-label="Payments, XI Logs: average 62.5. Show failing services"' in page
    assert 'href="/services/?check=logs.stdout"' in page
    for heading in [
        "Factor heatmap",
        "Biggest regressions this week",
        "Waivers",
        "Data coverage per source",
        "Most failed checks",
        "Trend",
    ]:
        assert heading in page
    assert "Expires in 3 days" in page
    assert "<svg" in page  # the trend chart
    # Strict CSP: scripts only from files, never inline.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_team_page_lists_its_services_and_trend(signed_in, org):
    page = signed_in.get("/dashboard/teams/payments/").content.decode()
    assert 'href="/services/billing/"' in page
    assert 'href="/services/search/"' not in page  # another team's service
    assert "Payments and the organisation" in page


def test_unknown_team_and_table_are_404(signed_in, org):
    assert signed_in.get("/dashboard/teams/nobody/").status_code == 404
    assert signed_in.get("/dashboard/export/passwords.csv").status_code == 404
    assert signed_in.get("/dashboard/teams/payments/export/nope.csv").status_code == 404


def test_dashboard_renders_for_an_empty_organisation(signed_in):
    response = signed_in.get("/dashboard/")
    assert response.status_code == 200
    assert "No services yet" in response.content.decode()


def test_teams_csv_is_an_attachment_with_a_header_row(signed_in, org):
    response = signed_in.get("/dashboard/export/teams.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-teams-')
    rows = parse(response)
    assert rows[0][:6] == [
        "team",
        "services",
        "scored",
        "average score",
        "score 7 days ago",
        "trend",
    ]
    by_team = {row[0]: row for row in rows[1:]}
    assert set(by_team) == {"Payments", "Search"}
    assert float(by_team["Search"][3]) == 50.0


def test_waivers_csv_quotes_formula_cells(signed_in, org):
    rows = parse(signed_in.get("/dashboard/export/waivers.csv"))
    assert rows[0] == [
        "service",
        "team",
        "check",
        "expires",
        "days left",
        "state",
        "approval",
        "reason",
    ]
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == "expiring"


@pytest.mark.parametrize("table", ["heatmap", "trend", "failing-checks", "regressions", "coverage"])
def test_every_org_table_exports(signed_in, org, table):
    response = signed_in.get(f"/dashboard/export/{table}.csv")
    assert response.status_code == 200
    rows = parse(response)
    assert rows[0]
    assert all(len(row) == len(rows[0]) for row in rows)


def test_regressions_csv_names_the_commit_and_check(signed_in, org):
    rows = parse(signed_in.get("/dashboard/export/regressions.csv"))
    [billing] = rows[1:]
    assert billing[0] == "billing"
    assert billing[5:] == ["aaa111", "b2", "logs.stdout:fail"]
    assert float(billing[4]) < 0  # a number, not a quoted text


def test_team_services_csv(signed_in, org):
    rows = parse(signed_in.get("/dashboard/teams/payments/export/services.csv"))
    assert rows[0][:3] == ["service", "score", "level"]
    assert [row[0] for row in rows[1:]] == ["billing"]


def test_dashboard_and_team_page_show_coverage_and_count_low_coverage_apart(signed_in, org):
    statuses = every_check("unknown")
    statuses["logs.stdout"] = "pass"
    card = record_scorecard(make_service("logging", org), statuses)

    page = signed_in.get("/dashboard/").content.decode()
    assert "1 service under 50 % coverage not averaged" in page
    assert "(1 not averaged)" in page

    team = signed_in.get("/dashboard/teams/payments/").content.decode()
    assert "1 service under 50 % coverage not averaged" in team
    assert f"{card.coverage:.0f} %" in team


def test_team_csv_exports_carry_coverage(signed_in, org):
    rows = parse(signed_in.get("/dashboard/export/teams.csv"))
    assert rows[0][-2:] == ["coverage", "not averaged (low coverage)"]
    assert {row[0]: row[-2:] for row in rows[1:]}["Search"] == ["100.0", "0"]
    services = parse(signed_in.get("/dashboard/teams/payments/export/services.csv"))
    assert services[0][-1] == "coverage" and services[1][-1] == "100.0"
