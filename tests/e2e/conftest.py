"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never ``playwright install``: the browser is ``/usr/bin/chromium`` (or ``CHROMIUM_PATH``).
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (creating users and data) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain http: its middleware is built once, when it starts, so the
    per-test settings fixture comes too late for the HTTPS redirect and HSTS."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def make_user(transactional_db, django_user_model):
    def make(username: str, password: str = "correct horse battery", groups=()):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(username=username, password=password)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def login(live_server):
    """Sign a page in through the real login form."""

    def sign_in(page, username: str, password: str = "correct horse battery"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in


# Reported by the page itself for each refusal by the Content Security Policy.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline code"}` +
    ` (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    """Every browser test fails on a Content Security Policy violation: a refused inline script
    or style breaks htmx or a page silently, so none may happen on any page a test visits.

    Wraps ``browser.new_context`` so contexts a test makes itself are watched too; yields the
    list, which a test that provokes a violation on purpose empties after checking it.
    """
    violations: list[str] = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.expose_binding(
            "__reportCspViolation",
            lambda source, text: violations.append(f"{source['page'].url}: {text}"),
        )
        context.add_init_script(_CSP_LISTENER)
        context.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield violations
    assert violations == [], "Content Security Policy violations:\n" + "\n".join(violations)
