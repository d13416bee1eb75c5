"""A team owner requests a waiver; a platform lead, in another browser, approves it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from scorecards.models import Waiver
from tests.factories import make_service, make_team, record_scorecard


def test_request_then_approve_a_waiver_as_two_people(browser, live_server, make_user, login):
    team = make_team("shop", "Shop")
    record_scorecard(make_service("legacy-shop", team=team), {"deps.lockfile": "fail"})
    owner = make_user("otto", groups=["team owner"])
    team.members.add(owner)
    make_user("lena", groups=["platform lead"])
    url = f"{live_server.url}/services/legacy-shop/"

    owner_page = browser.new_context().new_page()
    login(owner_page, "otto")
    owner_page.goto(url)
    form = owner_page.locator("form.waiver-form")
    form.get_by_label("Check").select_option("deps.lockfile")
    form.get_by_label("Reason").fill("The lock file lands with the Node 20 upgrade")
    expiry = (timezone.localdate() + timedelta(days=60)).isoformat()
    form.get_by_label("Expires on").fill(expiry)
    form.get_by_role("button", name="Request waiver").click()
    expect(owner_page.get_by_role("status")).to_contain_text("requested")
    row = owner_page.locator("#waivers tbody tr").first
    expect(row).to_contain_text("requested")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)  # not their decision

    lead_page = browser.new_context().new_page()
    login(lead_page, "lena")
    lead_page.goto(url)
    lead_row = lead_page.locator("#waivers tbody tr").first
    lead_row.get_by_label("Note on waiver of deps.lockfile").fill("One quarter, no more")
    lead_row.get_by_role("button", name="Approve").click()
    expect(lead_page.get_by_role("status")).to_contain_text("approved")
    expect(lead_page.locator("#waivers tbody tr").first).to_contain_text("approved by lena")

    owner_page.reload()
    expect(owner_page.locator("#waivers tbody tr").first).to_contain_text("approved by lena")
    waiver = Waiver.objects.get()
    assert (waiver.state, waiver.created_by.username, waiver.decided_by.username) == (
        "approved",
        "otto",
        "lena",
    )
