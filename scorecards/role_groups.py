"""The role groups and their admin permissions exist whenever the schema does.

Migrations 0002 and 0004 create them once; this ``post_migrate`` receiver makes them again
after anything that empties the tables without migrating (``manage.py flush``, the flush
between transactional tests, a restore of a schema-only dump), the way Django itself
recreates permissions and content types. It only adds what is missing.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from scorecards.roles import ADMIN, PLATFORM_LEAD, ROLES

_READ = ["view_service", "view_waiver", "view_webhookdelivery", "view_apitoken"]
_TEAMS = ["add_team", "change_team", "delete_team", "view_team", "change_service"]
# Deciding which repository a contested service is built from (ServiceClaimConflictAdmin).
_CLAIMS = ["view_serviceclaimconflict", "change_serviceclaimconflict"]
STAFF_PERMISSIONS = {
    PLATFORM_LEAD: [*_TEAMS, *_READ, *_CLAIMS],
    ADMIN: [*_TEAMS, *_READ, *_CLAIMS],
}


def ensure_role_groups(sender=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:  # migrated back to before auth exists
        return
    for role in ROLES:
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        codenames = STAFF_PERMISSIONS.get(role)
        if codenames:
            group.permissions.add(
                *permission_model.objects.using(using).filter(
                    content_type__app_label="scorecards", codename__in=codenames
                )
            )
