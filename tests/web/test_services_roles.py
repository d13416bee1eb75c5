"""The permission predicates behind the pages (scorecards/roles.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from scorecards import roles
from scorecards.models import Waiver
from tests.factories import make_service, make_team
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


def test_the_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.fixture
def service():
    return make_service("orders", team=make_team("payments"))


@pytest.mark.parametrize(
    ("groups", "member", "allowed"),
    [
        ((), False, False),
        ((roles.VIEWER,), True, False),  # membership alone grants nothing
        ((roles.TEAM_OWNER,), False, False),  # owner of some other team
        ((roles.TEAM_OWNER,), True, True),
        ((roles.PLATFORM_LEAD,), False, True),
        ((roles.ADMIN,), False, True),
    ],
)
def test_who_may_rescan_and_request_waivers(service, groups, member, allowed):
    user = make_person("someone", *groups, teams=(service.team,) if member else ())
    assert roles.can_rescan(user, service) is allowed
    assert roles.can_request_waiver(user, service) is allowed


def test_anonymous_users_may_do_nothing(service):
    assert not roles.can_rescan(AnonymousUser(), service)
    assert not roles.is_platform_lead(AnonymousUser())


def test_a_superuser_is_an_admin():
    user = make_person("root")
    user.is_superuser = True
    assert roles.is_admin(user) and roles.is_platform_lead(user)


def test_only_another_platform_lead_decides_an_open_waiver(service):
    requester = make_person("lena", roles.PLATFORM_LEAD)
    other_lead = make_person("lars", roles.PLATFORM_LEAD)
    owner = make_person("otto", roles.TEAM_OWNER, teams=(service.team,))
    waiver = Waiver.objects.create(
        service=service,
        check_id="deps.lockfile",
        reason="r",
        expires=timezone.localdate() + timedelta(days=3),
        created_by=requester,
    )
    assert not roles.can_decide_waiver(requester, waiver)
    assert not roles.can_decide_waiver(owner, waiver)
    assert roles.can_decide_waiver(other_lead, waiver)
    waiver.state = Waiver.State.APPROVED
    assert not roles.can_decide_waiver(other_lead, waiver)
