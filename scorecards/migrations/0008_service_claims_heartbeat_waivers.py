"""Issue 13: scan heartbeats (dead in-process scans), repository waivers as requests, and
service claim conflicts, which platform leads and admins decide in the admin."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Frozen here on purpose, like 0004: migrations must not import application code.
CLAIMS = ["view_serviceclaimconflict", "change_serviceclaimconflict"]
ROLE_PERMISSIONS = {"platform lead": CLAIMS, "admin": CLAIMS}


def grant(apps, schema_editor):
    config = apps.get_app_config("scorecards")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="scorecards", codename__in=codenames)
        )


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
        ("scorecards", "0007_sso_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="scan",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scan",
            name="worker",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="waiver",
            name="declared_in",
            field=models.CharField(blank=True, max_length=600),
        ),
        migrations.AddField(
            model_name="waiver",
            name="origin",
            field=models.CharField(
                choices=[
                    ("portal", "requested in the portal"),
                    ("repository", "requested by the repository"),
                ],
                default="portal",
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="ServiceClaimConflict",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("repository", models.CharField(max_length=300)),
                ("declared_in", models.CharField(blank=True, max_length=300)),
                ("claimed_name", models.CharField(max_length=200)),
                ("bound_repository", models.CharField(max_length=300)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("transferred", "Transferred"),
                            ("dismissed", "Dismissed"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                ("first_seen_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_seen_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "last_scan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="scorecards.scan",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claim_conflicts",
                        to="scorecards.service",
                    ),
                ),
            ],
            options={
                "ordering": ["-last_seen_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "open")),
                        fields=("service", "repository"),
                        name="one_open_claim_conflict_per_repository",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
