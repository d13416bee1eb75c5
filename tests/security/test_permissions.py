"""Who may reach what: a decision for every URL the resolver knows, then the roles.

A URL added without a decision in ``DECISIONS`` fails ``test_every_url_has_a_decision``; each
decision is then checked against what an anonymous client really gets. The admin site's URLs
(generated per registered model) are checked as a group: each must send anonymous people and
signed-in non-staff to the admin sign-in, which is the portal's own sign-in page.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from scorecards import roles
from scorecards.api import auth as api_auth
from scorecards.models import ApiToken, Scan, Waiver
from scorecards.webhooks import signatures
from tests.factories import make_service, make_team, record_scorecard
from tests.security.web_routes import concrete, routes
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Decision:
    rule: str
    method: str = "GET"
    status: int | None = None  # for PUBLIC: what an anonymous request gets


SIGN_IN = "sign-in required"  # anonymous: 302 to /login/?next=…
API = "API bearer token"  # anonymous or a wrong token: 401 with WWW-Authenticate
SIGNED = "GitHub HMAC signature"  # no or a wrong signature: 401
BEARER = "shared bearer token"  # RESCAN_TOKEN / METRICS_TOKEN: 401 without it
BADGE = "session or API token, unless BADGES_PUBLIC"
PUBLIC = "public by design"

DECISIONS: dict[str, Decision] = {
    "": Decision(SIGN_IN),
    "services/": Decision(SIGN_IN),
    "services/<slug:slug>/": Decision(SIGN_IN),
    "services/<slug:slug>/changes/": Decision(SIGN_IN),
    "services/<slug:slug>/rescan/": Decision(SIGN_IN, "POST"),
    "services/<slug:slug>/scans/<int:scan_id>/progress/": Decision(SIGN_IN),
    "services/<slug:slug>/waivers/": Decision(SIGN_IN, "POST"),
    "services/<slug:slug>/waivers/<int:pk>/decide/": Decision(SIGN_IN, "POST"),
    "factors/": Decision(SIGN_IN),
    "factors/<slug:key>/": Decision(SIGN_IN),
    "dashboard/": Decision(SIGN_IN),
    "dashboard/export/<slug:table>.csv": Decision(SIGN_IN),
    "dashboard/teams/<slug:slug>/": Decision(SIGN_IN),
    "dashboard/teams/<slug:slug>/export/<slug:table>.csv": Decision(SIGN_IN),
    # Signing in and out must be reachable signed out.
    "login/": Decision(PUBLIC, status=200),
    "logout/": Decision(PUBLIC, "POST", status=302),
    # Single sign-on's start and callback (404 while OIDC is off, as here).
    "oidc/authenticate/": Decision(PUBLIC, status=404),
    "oidc/callback/": Decision(PUBLIC, status=404),
    # Probes reveal nothing but "ok" or the name of the backing service that is down.
    "healthz": Decision(PUBLIC, status=200),
    "readyz": Decision(PUBLIC),
    "metrics": Decision(BEARER),
    "webhooks/github": Decision(SIGNED, "POST"),
    "webhooks/rescan": Decision(BEARER, "POST"),
    # The contract describes the API, not the organisation's data.
    "api/v1/openapi.yaml": Decision(PUBLIC, status=200),
    "api/v1/services": Decision(API),
    "api/v1/services/<slug:slug>": Decision(API),
    "api/v1/services/<slug:slug>/scorecards": Decision(API),
    "api/v1/services/<slug:slug>/results": Decision(API, "POST"),
    "api/v1/services/<slug:slug>/pull-requests": Decision(API),
    "api/v1/services/<slug:slug>/sarif": Decision(API),
    "api/v1/scorecards/<int:pk>": Decision(API),
    "api/v1/scorecards/<int:pk>/results": Decision(API),
    "api/v1/teams": Decision(API),
    "api/v1/summary": Decision(API),
    "api/v1/scans": Decision(API),
    "api/v1/exports/org.csv": Decision(API),
    "api/v1/exports/teams.csv": Decision(API),
    "api/v1/exports/checks.csv": Decision(API),
    "badges/<slug:slug>.svg": Decision(BADGE),
    # Sends the admin's sign-in to the portal's (and its throttling and single sign-on).
    "admin/login/": Decision(PUBLIC, status=302),
}


def is_admin_site(route: str) -> bool:
    return route.startswith("admin/") and route != "admin/login/"


def undecided() -> list[str]:
    return [route for route, _ in routes() if not is_admin_site(route) and route not in DECISIONS]


@pytest.fixture(autouse=True)
def _every_machine_endpoint_on(settings):
    """Endpoints that are off (404) without their secret are tested with it set."""
    settings.GITHUB_WEBHOOK_SECRET = "webhook-secret-for-tests"
    settings.RESCAN_TOKEN = "rescan-token-for-tests"
    settings.METRICS_TOKEN = "metrics-token-for-tests"
    settings.BADGES_PUBLIC = False


def test_every_url_has_a_decision():
    assert undecided() == []
    assert set(DECISIONS) <= {route for route, _ in routes()}, "a decision for a removed URL"


def test_each_sample_path_reaches_its_own_route():
    for route, _ in routes():
        if route == "admin/login/" or route.startswith("admin/(?P<url>"):
            continue  # shadowed by the portal's redirect / matches anything
        # Django drops a regex's leading ^ when it joins it to its prefix.
        assert resolve(concrete(route)).route == route.replace("^", "")


def call(client, route: str, method: str, **extra):
    path = concrete(route)
    return path, (client.post if method == "POST" else client.get)(path, **extra)


@pytest.mark.parametrize("route", sorted(r for r, d in DECISIONS.items() if d.rule == SIGN_IN))
def test_pages_send_anonymous_people_to_sign_in(client, route):
    decision = DECISIONS[route]
    path, response = call(client, route, decision.method)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(path)}"


@pytest.mark.parametrize("route", sorted(r for r, d in DECISIONS.items() if d.rule == API))
@pytest.mark.parametrize("header", [None, "Bearer tfp_not-a-real-token", "Basic dXNlcjpwdw=="])
def test_the_api_refuses_a_missing_or_wrong_token(client, route, header):
    decision = DECISIONS[route]
    extra = {"headers": {"Authorization": header}} if header else {}
    _, response = call(client, route, decision.method, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_api_refuses_a_session_without_a_token(client):
    """A signed-in browser is not an API client: cookies never authenticate the API."""
    client.force_login(make_person("lead", roles.PLATFORM_LEAD))
    for route, decision in DECISIONS.items():
        if decision.rule == API:
            assert call(client, route, decision.method)[1].status_code == 401, route


def test_a_revoked_token_is_refused(client):
    row, token = api_auth.create_token("grafana")
    row.revoked_at = timezone.now()
    row.save()
    response = client.get("/api/v1/services", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_read_token_cannot_write(client):
    make_service("orders", team=make_team("payments"))
    _, token = api_auth.create_token("grafana")
    response = client.post(
        "/api/v1/services/orders/results",
        b"{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("route", "header"),
    [
        ("webhooks/github", {}),
        ("webhooks/github", {"X-Hub-Signature-256": "sha256=" + "0" * 64}),
        ("webhooks/rescan", {}),
        ("webhooks/rescan", {"Authorization": "Bearer wrong"}),
        ("metrics", {}),
        ("metrics", {"Authorization": "Bearer wrong"}),
    ],
)
def test_machine_endpoints_refuse_a_missing_or_wrong_secret(client, route, header):
    decision = DECISIONS[route]
    extra = {"data": b'{"service": "orders"}', "content_type": "application/json"}
    if decision.method == "GET":
        extra = {}
    _, response = call(client, route, decision.method, headers=header, **extra)
    assert response.status_code == 401


def test_badges_need_a_session_or_a_token_unless_public(client, settings):
    make_service("orders", team=make_team("payments"))
    assert client.get("/badges/orders.svg").status_code == 401
    _, token = api_auth.create_token("readme")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/badges/orders.svg", headers=headers).status_code == 200
    settings.BADGES_PUBLIC = True
    assert client.get("/badges/orders.svg").status_code == 200


@pytest.mark.parametrize("route", sorted(r for r, d in DECISIONS.items() if d.rule == PUBLIC))
def test_public_urls_answer_anonymous_people_as_decided(client, route):
    decision = DECISIONS[route]
    _, response = call(client, route, decision.method)
    if decision.status is not None:
        assert response.status_code == decision.status
    else:
        assert response.status_code in (200, 503)  # readyz: up, or says which service is down
    # Nothing public hands out a session.
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_signing_in_never_redirects_off_site(client, target):
    make_person("alice")
    response = client.post(
        f"{reverse('login')}?next={quote(target)}",
        {"username": "alice", "password": "pw-for-tests-only", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def admin_routes() -> list[str]:
    return sorted(route for route, _ in routes() if is_admin_site(route))


@pytest.mark.parametrize("who", ["anonymous", "viewer", "platform lead, not staff"])
def test_every_admin_url_sends_non_staff_to_sign_in(client, who):
    if who != "anonymous":
        role = roles.VIEWER if who == "viewer" else roles.PLATFORM_LEAD
        client.force_login(make_person("someone", role))
    assert len(admin_routes()) > 30
    for route in admin_routes():
        path = concrete(route)
        for method in (client.get, client.post):
            response = method(path, follow=True)
            # Through the admin's sign-in (or its index, from admin/logout/) to the portal's
            # own, throttled sign-in page; no admin page is ever shown.
            assert response.redirect_chain, route
            assert response.request["PATH_INFO"] == reverse("login"), route
            assert response.status_code == 200


# --- Roles: what a signed-in person may change -------------------------------------------


@pytest.fixture
def team():
    return make_team("payments")


@pytest.fixture
def service(team):
    service = make_service("orders", team=team)
    record_scorecard(service, {"deps.lockfile": "fail"})
    return service


def person(kind: str, team):
    """People by what they are to the ``payments`` team's ``orders`` service."""
    other = make_team("search")
    if kind == "no role":
        return make_person("nobody")
    if kind == "viewer":
        return make_person("vera", roles.VIEWER)
    if kind == "viewer in the team":
        return make_person("vito", roles.VIEWER, teams=(team,))
    if kind == "owner of another team":
        return make_person("olga", roles.TEAM_OWNER, teams=(other,))
    if kind == "owner of the team":
        return make_person("otto", roles.TEAM_OWNER, teams=(team,))
    if kind == "platform lead":
        return make_person("lena", roles.PLATFORM_LEAD)
    if kind == "admin":
        return make_person("ada", roles.ADMIN)
    if kind == "superuser":
        user = make_person("root")
        user.is_superuser = True
        user.save()
        return user
    raise AssertionError(kind)


PEOPLE = [
    "no role",
    "viewer",
    "viewer in the team",
    "owner of another team",
    "owner of the team",
    "platform lead",
    "admin",
    "superuser",
]
MAY_CHANGE_THE_SERVICE = {"owner of the team", "platform lead", "admin", "superuser"}
MAY_DECIDE = {"platform lead", "admin", "superuser"}


@pytest.mark.parametrize("kind", PEOPLE)
def test_who_may_rescan_a_service(client, service, team, kind, monkeypatch):
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", lambda scan: None)
    client.force_login(person(kind, team))
    response = client.post(reverse("services:rescan", args=[service.slug]))
    allowed = kind in MAY_CHANGE_THE_SERVICE
    assert response.status_code == (302 if allowed else 403)
    assert Scan.objects.filter(trigger=Scan.Trigger.MANUAL).exists() is allowed


@pytest.mark.parametrize("kind", PEOPLE)
def test_who_may_request_a_waiver(client, service, team, kind):
    client.force_login(person(kind, team))
    response = client.post(
        reverse("services:request-waiver", args=[service.slug]),
        {
            "check_id": "deps.lockfile",
            "reason": "Lock file lands next quarter",
            "expires": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    allowed = kind in MAY_CHANGE_THE_SERVICE
    assert response.status_code == (302 if allowed else 403)
    assert Waiver.objects.exists() is allowed


def open_waiver(service, requester) -> Waiver:
    return Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="Lock file lands next quarter",
        expires=timezone.localdate() + timedelta(days=30),
        created_by=requester,
    )


@pytest.mark.parametrize("decision", ["approve", "deny"])
@pytest.mark.parametrize("kind", PEOPLE)
def test_who_may_decide_a_waiver(client, service, team, kind, decision):
    requester = make_person("rita", roles.TEAM_OWNER, teams=(team,))
    waiver = open_waiver(service, requester)
    client.force_login(person(kind, team))
    response = client.post(
        reverse("services:decide-waiver", args=[service.slug, waiver.pk]), {"decision": decision}
    )
    allowed = kind in MAY_DECIDE
    assert response.status_code == (302 if allowed else 403)
    waiver.refresh_from_db()
    assert (waiver.state != Waiver.State.REQUESTED) is allowed


@pytest.mark.parametrize("kind", sorted(MAY_DECIDE))
@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_nobody_decides_a_waiver_they_requested(client, service, team, kind, decision):
    requester = person(kind, team)
    client.force_login(requester)
    waiver = open_waiver(service, requester)
    response = client.post(
        reverse("services:decide-waiver", args=[service.slug, waiver.pk]), {"decision": decision}
    )
    assert response.status_code == 403
    waiver.refresh_from_db()
    assert waiver.state == Waiver.State.REQUESTED


def test_a_decided_waiver_cannot_be_decided_again(client, service, team):
    waiver = open_waiver(service, make_person("rita", roles.TEAM_OWNER, teams=(team,)))
    waiver.state = Waiver.State.DENIED
    waiver.save()
    client.force_login(person("platform lead", team))
    response = client.post(
        reverse("services:decide-waiver", args=[service.slug, waiver.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403


def test_a_waiver_is_decided_only_under_its_own_service(client, service, team):
    """The URL's service must be the waiver's: no deciding one service's waiver via another."""
    other = make_service("search-api", team=make_team("search"))
    waiver = open_waiver(service, make_person("rita", roles.TEAM_OWNER, teams=(team,)))
    client.force_login(person("platform lead", team))
    response = client.post(
        reverse("services:decide-waiver", args=[other.slug, waiver.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404


def test_anonymous_people_hold_no_role(service):
    assert not roles.can_request_waiver(AnonymousUser(), service)
    assert not roles.is_admin(AnonymousUser())


# --- Secrets compared in constant time ----------------------------------------------------


@pytest.fixture
def compare_digest_calls(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_the_rescan_token_is_compared_in_constant_time(client, compare_digest_calls):
    client.post(
        "/webhooks/rescan", b"{}", "application/json", headers={"Authorization": "Bearer guess"}
    )
    assert (b"guess", b"rescan-token-for-tests") in compare_digest_calls


def test_the_metrics_token_is_compared_in_constant_time(client, compare_digest_calls):
    client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert (b"guess", b"metrics-token-for-tests") in compare_digest_calls


def test_the_webhook_signature_is_compared_in_constant_time(client, compare_digest_calls):
    body = b'{"zen": "hi"}'
    forged = "sha256=" + "0" * 64
    client.post(
        "/webhooks/github",
        body,
        "application/json",
        headers={"X-Hub-Signature-256": forged, "X-GitHub-Event": "ping"},
    )
    expected = signatures.sign("webhook-secret-for-tests", body)
    assert (expected.encode(), forged.encode()) in compare_digest_calls


def test_api_tokens_are_found_by_their_digest_never_by_their_value(client):
    """The database compares SHA-256 digests of random tokens: how long a comparison takes
    says nothing about the token, and the token itself is neither stored nor sent to SQL."""
    row, token = api_auth.create_token("grafana")
    assert ApiToken.objects.filter(digest=hashlib.sha256(token.encode()).hexdigest()).exists()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/teams", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert api_auth.digest_of(token) in sql
    assert token not in sql and token[len(api_auth.TOKEN_PREFIX) :] not in sql
    stored = [str(v) for v in ApiToken.objects.values().get(pk=row.pk).values()]
    assert not any(token in value for value in stored)
