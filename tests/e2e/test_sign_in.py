"""A new user signs in through the real form and lands on the portal, in a real browser."""

from playwright.sync_api import expect


def test_sign_in_then_out(page, live_server, make_user, login):
    make_user("ada", groups=["viewer"])
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    login(page, "ada")
    expect(page.get_by_text("Signed in as ada")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_label("Username")).to_be_visible()


def test_wrong_password_is_refused(page, live_server, make_user, login):
    make_user("grace")
    login(page, "grace", "not the password")
    expect(page.get_by_text("Signed in as grace")).to_have_count(0)
    expect(page.get_by_role("alert")).to_be_visible()
