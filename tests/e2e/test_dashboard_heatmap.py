"""A platform lead opens the dashboard, follows a heatmap cell and exports a table, in Chromium."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_service, make_team, record_scorecard


def build_org():
    now = timezone.now()
    payments, search = make_team("payments"), make_team("search")
    record_scorecard(make_service("billing", payments), {"logs.stdout": "fail"}, when=now)
    record_scorecard(make_service("ledger", payments), when=now - timedelta(days=2))
    record_scorecard(make_service("indexer", search), when=now)


def test_heatmap_cell_leads_to_the_failing_services(page, live_server, make_user, login):
    build_org()
    make_user("lead", groups=["platform lead"])
    login(page, "lead")
    page.goto(f"{live_server.url}/dashboard/")
    heatmap = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="XI"))
    expect(heatmap).to_be_visible()
    # billing's logs factor is 62.5 (its high-severity logs.stdout fails), ledger's 100:
    # (62.5 + 100) / 2 = 81.25, labelled to one decimal (round half to even) and shown as 81.
    cell = page.get_by_role("link", name="Payments, XI Logs: average 81.2. Show failing services")
    expect(cell).to_have_text("81")
    # Keyboard first: the cell takes focus and Enter follows it.
    cell.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/services/?team=payments&factor=logs")


def test_team_table_exports_as_csv(page, live_server, make_user, login):
    build_org()
    make_user("lead", groups=["platform lead"])
    login(page, "lead")
    page.goto(f"{live_server.url}/dashboard/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV of the team table").click()
    download = info.value
    assert download.suggested_filename.startswith("dashboard-teams-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["team", "services", "scored", "average score"]
    assert [row[0] for row in rows[1:]] == ["Payments", "Search"]
