"""Who reaches the Django admin, and what platform leads may do there: manage teams."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group

from scorecards.models import ApiToken, Waiver, WebhookDelivery
from scorecards.roles import ADMIN, PLATFORM_LEAD, TEAM_OWNER, VIEWER
from tests.factories import make_service, make_team
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

TEAMS = "/admin/scorecards/team/"


def staff(username: str, *roles: str):
    person = make_person(username, *roles)
    person.is_staff = True
    person.save()
    return person


def test_the_role_groups_hold_the_team_management_permissions():
    lead = set(Group.objects.get(name=PLATFORM_LEAD).permissions.values_list("codename", flat=True))
    assert {"add_team", "change_team", "delete_team", "view_team", "change_service"} <= lead
    assert {"view_waiver", "view_webhookdelivery", "view_apitoken"} <= lead
    assert not lead & {"add_service", "change_waiver", "change_apitoken", "delete_service"}
    assert Group.objects.get(name=VIEWER).permissions.count() == 0
    assert Group.objects.get(name=TEAM_OWNER).permissions.count() == 0


def test_people_who_are_not_staff_are_sent_to_sign_in(client):
    assert client.get(TEAMS)["Location"].startswith("/admin/login/")
    client.force_login(make_person("vera", VIEWER))
    assert client.get(TEAMS)["Location"].startswith("/admin/login/")
    client.force_login(make_person("otto", TEAM_OWNER))
    assert client.get(TEAMS)["Location"].startswith("/admin/login/")


def test_staff_without_a_managing_role_see_nothing(client):
    client.force_login(staff("sam", TEAM_OWNER))
    assert client.get("/admin/").status_code == 200
    assert client.get(TEAMS).status_code == 403


@pytest.mark.parametrize("role", [PLATFORM_LEAD, ADMIN])
def test_platform_leads_and_admins_manage_team_members(client, role):
    team = make_team("payments")
    alice, bob = make_person("alice"), make_person("bob")
    team.members.add(alice)
    client.force_login(staff("lead", role))

    assert client.get(TEAMS).status_code == 200
    page = client.get(f"{TEAMS}{team.pk}/change/").content.decode()
    assert "selectfilter" in page  # filter_horizontal
    response = client.post(
        f"{TEAMS}{team.pk}/change/",
        {"name": "Payments", "slug": "payments", "members": [bob.pk]},
    )
    assert response.status_code == 302
    assert list(team.members.all()) == [bob]
    response = client.post(f"{TEAMS}add/", {"name": "Checkout", "slug": "checkout"})
    assert response.status_code == 302


def test_services_are_listed_and_only_their_team_is_edited(client):
    payments, checkout = make_team("payments"), make_team("checkout")
    service = make_service("billing-api", team=payments, repository="acme/billing")
    make_service("old-thing", team=payments, retired=True)
    client.force_login(staff("lead", PLATFORM_LEAD))

    listing = client.get("/admin/scorecards/service/", {"q": "billing"}).content.decode()
    assert "billing-api" in listing and "old-thing" not in listing
    retired = client.get("/admin/scorecards/service/", {"retired__exact": "1"}).content.decode()
    assert "old-thing" in retired and "billing-api" not in retired
    assert client.get("/admin/scorecards/service/add/").status_code == 403

    response = client.post(
        f"/admin/scorecards/service/{service.pk}/change/",
        {"team": checkout.pk, "name": "renamed", "retired": "on"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.team, service.name, service.retired) == (checkout, "billing-api", False)


def test_waivers_deliveries_and_tokens_are_read_only(client):
    service = make_service("billing-api")
    waiver = Waiver.objects.create(
        service=service, check_id="config.env", reason="r", expires=datetime.date(2030, 1, 1)
    )
    delivery = WebhookDelivery.objects.create(delivery_id="d-1", event="push")
    token = ApiToken.objects.create(name="ci", prefix="tfp_abcd", digest="f" * 64)
    client.force_login(staff("lead", PLATFORM_LEAD))

    listing = client.get("/admin/scorecards/waiver/", {"state__exact": "requested"})
    assert "config.env" in listing.content.decode()
    for path in (
        f"/admin/scorecards/waiver/{waiver.pk}/change/",
        f"/admin/scorecards/webhookdelivery/{delivery.pk}/change/",
        f"/admin/scorecards/apitoken/{token.pk}/change/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    token_pages = client.get("/admin/scorecards/apitoken/").content.decode()
    token_pages += client.get(f"/admin/scorecards/apitoken/{token.pk}/change/").content.decode()
    assert "tfp_abcd" in token_pages
    assert "f" * 64 not in token_pages and "digest" not in token_pages.lower()
    assert client.post(f"/admin/scorecards/waiver/{waiver.pk}/delete/").status_code == 403
    assert client.post(f"/admin/scorecards/apitoken/{token.pk}/delete/").status_code == 403
