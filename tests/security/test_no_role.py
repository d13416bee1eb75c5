"""No role, no access: a signed-in account in no role group sees no page, only one saying so
(issue 13, item 14; ``scorecards/no_role.py``, docs/security.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from scorecards import roles
from scorecards.management.commands.load_demo import DEMO_USERNAME
from scorecards.management.commands.load_demo import Command as LoadDemo
from tests.factories import make_service, make_team, record_scorecard
from tests.security.test_permissions import DECISIONS, SIGN_IN, call
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

PAGES = sorted(route for route, decision in DECISIONS.items() if decision.rule == SIGN_IN)


@pytest.fixture(autouse=True)
def orders():
    service = make_service("orders", make_team("payments"))
    record_scorecard(service, {"logs.stdout": "fail"})
    return service


@pytest.fixture
def nobody(client):
    user = make_person("nobody")
    client.force_login(user)
    return user


@pytest.mark.parametrize("route", PAGES)
def test_an_account_without_a_role_sees_no_page(client, nobody, route):
    _, response = call(client, route, DECISIONS[route].method)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your account has no role" in body
    assert "ask a platform lead" in body.lower()
    assert "orders" not in body  # nothing of the organisation


def test_the_no_role_page_lets_the_person_sign_out(client, nobody):
    assert 'action="/logout/"' in client.get("/").content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_account_without_a_role_cannot_use_the_admin(client):
    user = make_person("staff-nobody")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("role", roles.ROLES)
def test_every_role_sees_the_pages(client, role):
    client.force_login(make_person("someone", role))
    for path in ("/", "/services/", "/services/orders/", "/dashboard/", "/factors/"):
        assert client.get(path).status_code == 200, path


def test_a_superuser_needs_no_group(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-x-pw-x"))
    assert client.get("/services/").status_code == 200


def test_a_role_given_later_opens_the_pages(client, nobody):
    assert client.get("/services/").status_code == 403
    nobody.groups.add(nobody.groups.model.objects.get_or_create(name=roles.VIEWER)[0])
    assert client.get("/services/").status_code == 200


def test_the_demo_account_is_a_viewer(tmp_path: Path):
    LoadDemo(stdout=io.StringIO()).demo_account(tmp_path / "credentials")
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert roles.has_role(user)
    assert set(user.groups.values_list("name", flat=True)) == {roles.VIEWER}


def test_a_demo_account_made_before_the_rule_becomes_a_viewer(tmp_path: Path):
    """``scripts/demo`` run again on an existing var/ keeps the account and its password."""
    stored = tmp_path / "credentials"
    get_user_model().objects.create_user(DEMO_USERNAME, password="kept-password")
    stored.write_text(f"{DEMO_USERNAME}\nkept-password\n", encoding="utf-8")
    assert LoadDemo(stdout=io.StringIO()).demo_account(stored) == (DEMO_USERNAME, "kept-password")
    assert roles.has_role(get_user_model().objects.get(username=DEMO_USERNAME))
