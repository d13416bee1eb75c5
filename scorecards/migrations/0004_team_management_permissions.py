"""Platform leads and admins manage teams in the Django admin.

Permissions go to the role groups (not to people), so they follow whoever holds the role,
whichever way they sign in, and leave with it. ``is_staff`` is per person: single sign-on
sets it from the mapped roles at every sign-in (scorecards/sso/accounts.py); here, people who
already hold the role when this runs get it once.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here on purpose: migrations must not import application code that may change later.
READ = ["view_service", "view_waiver", "view_webhookdelivery", "view_apitoken"]
ROLE_PERMISSIONS = {
    "platform lead": ["add_team", "change_team", "delete_team", "view_team", "change_service", *READ],
    "admin": ["add_team", "change_team", "delete_team", "view_team", "change_service", *READ],
}
STAFF_ROLES = list(ROLE_PERMISSIONS)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): make them now.
    config = apps.get_app_config("scorecards")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("auth", "User")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="scorecards", codename__in=codenames)
        )
    User.objects.filter(groups__name__in=STAFF_ROLES).update(is_staff=True)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="scorecards", codename__in=codenames
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ("scorecards", "0003_webhooks_api"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
