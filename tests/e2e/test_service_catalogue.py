"""A new engineer finds their service by typing, opens its scorecard and follows evidence."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import make_service, make_team, record_scorecard

COMMIT = "9c1e5b7d3a2f4e6c8b0a1d3f5e7c9b2a4d6f8e0c"


def _services():
    team = make_team("warehouse", "Warehouse")
    inventory = make_service("inventory-api", team=team, repository="acme/inventory-api")
    record_scorecard(
        inventory,
        {"deps.lockfile": "fail"},
        commit=COMMIT,
        evidence={
            "deps.lockfile": [
                {"source": "github", "locator": "requirements.txt:4", "excerpt": "flask>=3"}
            ]
        },
    )
    for name in ("billing", "orders-lambda", "search"):
        record_scorecard(make_service(name, team=team))


def test_find_a_service_by_typing_and_follow_its_evidence(page, live_server, make_user, login):
    _services()
    make_user("ada", groups=["viewer"])
    login(page, "ada")
    page.goto(f"{live_server.url}/services/")
    expect(page.get_by_role("row")).to_have_count(5)  # header + four services

    # Typing alone filters: no Enter, no button; the URL keeps the search (shareable).
    page.get_by_label("Search").press_sequentially("invent", delay=30)
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/services/\?.*q=invent"))
    expect(page.get_by_label("Search")).to_be_focused()

    page.get_by_role("link", name="inventory-api").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("inventory-api")
    expect(page.get_by_role("heading", name="To reach Silver")).to_be_visible()

    evidence = page.locator("#check-deps\\.lockfile").get_by_role("link", name="requirements.txt:4")
    expected = f"https://github.com/acme/inventory-api/blob/{COMMIT}/requirements.txt#L4"
    expect(evidence).to_have_attribute("href", expected)
    # No internet here: answer GitHub's page locally and check the browser went there.
    page.route("https://github.com/**", lambda route: route.fulfill(body="blob", status=200))
    evidence.click()
    expect(page).to_have_url(expected)


def test_catalogue_works_at_360_px_without_horizontal_scroll(page, live_server, make_user, login):
    _services()
    make_user("ada", groups=["viewer"])
    page.set_viewport_size({"width": 360, "height": 800})
    login(page, "ada")
    for path in ("/services/", "/services/inventory-api/", "/factors/", "/factors/config/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
