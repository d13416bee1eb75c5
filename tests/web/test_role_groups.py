"""Role groups survive anything that empties the tables without migrating."""

import importlib
import pkgutil

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from scorecards import migrations, roles
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


def test_the_receiver_grants_what_the_migrations_granted():
    granted: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(migrations.__path__):
        migration = importlib.import_module(f"{migrations.__name__}.{module.name}")
        for role, codenames in getattr(migration, "ROLE_PERMISSIONS", {}).items():
            granted.setdefault(role, set()).update(codenames)
    assert granted == {role: set(c) for role, c in STAFF_PERMISSIONS.items()}
