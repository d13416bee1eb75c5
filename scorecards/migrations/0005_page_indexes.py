"""Indexes for the pages at 10,000 services × 30 scans (measured by bench/pages.py).

- ``scorecard_history_idx`` (service, created_at, id) including score replaces (service,
  -created_at): "a service's scorecard as of T" becomes one index-only probe with no sort
  for ties, and the score trend reads history in the order its running changes need.
- ``one_result_per_check`` includes ``status``, so pass rates and most failed checks read the
  index alone; the separate index on ``scorecard_id`` it makes redundant is dropped.
- ``service_name_idx``: the catalogue's default order, so its first page reads 25 services.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0004_team_management_permissions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="checkresult",
            name="one_result_per_check",
        ),
        migrations.RemoveIndex(
            model_name="scorecard",
            name="scorecards__service_c048fd_idx",
        ),
        migrations.AlterField(
            model_name="checkresult",
            name="scorecard",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="scorecards.scorecard",
            ),
        ),
        migrations.AddIndex(
            model_name="scorecard",
            index=models.Index(
                fields=["service", "created_at", "id"],
                include=("score",),
                name="scorecard_history_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["name"], name="service_name_idx"),
        ),
        migrations.AddConstraint(
            model_name="checkresult",
            constraint=models.UniqueConstraint(
                fields=("scorecard", "check_id"), include=("status",), name="one_result_per_check"
            ),
        ),
    ]
