""" "Rescan now": the progress shows, ends, and the scorecard updates without a page load."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from scorecards.models import Scan
from tests.factories import make_service, make_team, record_scorecard

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_rescan_a_local_service_and_see_it_finish(page, live_server, make_user, login, settings):
    # The embedded default runs the scan in-process, on the local source.
    settings.LOCAL_REPOSITORIES = [str(EXAMPLES / "inventory-api")]
    team = make_team("warehouse")
    make_service("inventory-api", team=team, repository="inventory-api")
    owner = make_user("otto", groups=["team owner"])
    team.members.add(owner)
    login(page, "otto")
    page.goto(f"{live_server.url}/services/inventory-api/")
    expect(page.get_by_text("This service has not been scored yet")).to_be_visible()

    page.get_by_role("button", name="Rescan now").click()
    progress = page.locator(".scan-progress")
    expect(progress).to_contain_text("succeeded")
    # The scorecard region was swapped in place: scores and factors are there now.
    expect(page.locator("#factor-config")).to_be_visible()
    expect(page.locator(".headline .level")).to_have_text("Gold")
    expect(page).to_have_url(f"{live_server.url}/services/inventory-api/")


def test_progress_polls_until_the_scan_ends(page, live_server, make_user, login):
    service = make_service("orders", team=make_team("payments"))
    scan = Scan.objects.create(
        trigger=Scan.Trigger.WEBHOOK,
        scope=service.slug,
        service=service,
        state=Scan.State.RUNNING,
        sources=["github"],
        progress={
            "sources": {"github": {"state": "running", "done": 0, "total": 1}},
            "services": {"done": 0, "total": 1},
        },
    )
    make_user("vera", groups=["viewer"])
    login(page, "vera")
    page.goto(f"{live_server.url}/services/orders/")
    expect(page.locator(".scan-progress")).to_contain_text("running")

    # The worker finishes: a scorecard is stored and the scan moves on.
    record_scorecard(service, {"deps.lockfile": "fail"})
    Scan.objects.filter(pk=scan.pk).update(
        state=Scan.State.SUCCEEDED,
        progress={
            "sources": {"github": {"state": "done", "done": 1, "total": 1}},
            "services": {"done": 1, "total": 1},
        },
    )
    expect(page.locator(".scan-progress")).to_contain_text("succeeded", timeout=5000)
    expect(page.locator("#factor-dependencies")).to_be_visible()
    # Polling stopped: the fragment no longer carries a trigger.
    expect(page.locator(".scan-progress[hx-trigger]")).to_have_count(0)
