"""Role groups survive anything that empties the tables without migrating."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from scorecards import roles
from scorecards.role_groups import STAFF_PERMISSIONS


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_role_groups_and_their_permissions():
    Group.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLES)
    lead = Group.objects.get(name=roles.PLATFORM_LEAD)
    assert set(lead.permissions.values_list("codename", flat=True)) == set(
        STAFF_PERMISSIONS[roles.PLATFORM_LEAD]
    )
    assert not Group.objects.get(name=roles.VIEWER).permissions.exists()


def test_the_receiver_grants_what_the_migration_granted():
    migration = importlib.import_module("scorecards.migrations.0004_team_management_permissions")
    assert {role: set(c) for role, c in migration.ROLE_PERMISSIONS.items()} == {
        role: set(c) for role, c in STAFF_PERMISSIONS.items()
    }
