"""Waiver approval workflow, team membership, and the portal's roles as groups.

Waivers stored before this migration were applied by every scan, so they become approved:
the scores they produced do not change.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Frozen here on purpose: migrations must not import application code that may change later.
ROLE_GROUPS = ("viewer", "team owner", "platform lead", "admin")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ('scorecards', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='waiver',
            options={'ordering': ['check_id', '-created_at']},
        ),
        migrations.RemoveConstraint(
            model_name='waiver',
            name='one_waiver_per_check',
        ),
        migrations.AddField(
            model_name='team',
            name='members',
            field=models.ManyToManyField(blank=True, related_name='teams', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='waiver',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='waiver',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='waiver',
            name='decision_note',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='waiver',
            name='state',
            field=models.CharField(choices=[('requested', 'Requested'), ('approved', 'Approved'), ('denied', 'Denied')], default='approved', max_length=20),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='waiver',
            name='state',
            field=models.CharField(choices=[('requested', 'Requested'), ('approved', 'Approved'), ('denied', 'Denied')], default='requested', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='waiver',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'requested')), fields=('service', 'check_id'), name='one_open_waiver_request_per_check'),
        ),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
