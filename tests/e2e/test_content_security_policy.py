"""The portal's pages work under its Content Security Policy in a real browser: htmx search,
scorecards, waivers, dashboard, factor guide and admin raise no violation (the ``csp_violations``
fixture of conftest.py fails any browser test that sees one)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.headers import CONTENT_SECURITY_POLICY
from tests.factories import make_service, make_team, record_scorecard


def test_the_watch_catches_an_inline_script_and_style(page, live_server, csp_violations):
    """The control: a page breaking the policy is reported, so silence below means something."""
    page.route(
        f"{live_server.url}/csp-probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body='<p style="color: red">x</p><script>document.title = "ran"</script>',
        ),
    )
    page.goto(f"{live_server.url}/csp-probe")
    expect(page).not_to_have_title("ran")
    page.wait_for_function("() => true")
    assert any("script-src" in v for v in csp_violations), csp_violations
    assert any("style-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()


def test_the_main_pages_work_without_a_violation(page, live_server, make_user, login):
    team = make_team("payments", "Payments")
    orders = make_service("orders-api", team=team, repository="acme/orders-api")
    record_scorecard(orders, {"deps.lockfile": "fail", "logs.structured": "warn"})
    record_scorecard(make_service("billing", team=team))
    lead = make_user("lena", groups=["platform lead"])
    lead.is_staff = lead.is_superuser = True
    lead.save()
    # htmx reports what it cannot parse or may not evaluate (no eval under this policy).
    htmx_errors: list[str] = []
    page.on("console", lambda m: htmx_errors.append(m.text) if "htmx:" in m.text else None)
    login(page, "lena")

    page.goto(f"{live_server.url}/services/")
    page.get_by_label("Team").select_option("payments")  # htmx swaps the table
    expect(page).to_have_url(re.compile(r"team=payments"))
    page.get_by_label("Search").press_sequentially("orders", delay=20)
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=orders"))

    page.get_by_role("link", name="orders-api").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("orders-api")

    for path in ("/dashboard/", "/dashboard/teams/payments/", "/factors/", "/factors/config/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).not_to_be_empty()

    # The admin, as a superuser: Django's own templates and scripts under the same policy.
    page.goto(f"{live_server.url}/admin/scorecards/service/")
    expect(page.get_by_role("link", name="orders-api")).to_be_visible()
    page.goto(f"{live_server.url}/admin/scorecards/team/{team.pk}/change/")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    assert htmx_errors == []
