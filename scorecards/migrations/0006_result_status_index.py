"""Result statuses indexed as a key column, the unique constraint back to plain.

0005 made ``one_result_per_check`` include ``status`` for index-only pass rates; SQLite (the
embedded default) cannot create a unique constraint with non-key columns and silently went
without it (models.W039). ``result_status_idx`` (scorecard, check_id, status) serves the same
index-only scans on every database, and the uniqueness is enforced everywhere again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0005_page_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="checkresult",
            name="one_result_per_check",
        ),
        migrations.AddIndex(
            model_name="checkresult",
            index=models.Index(
                fields=["scorecard", "check_id", "status"], name="result_status_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="checkresult",
            constraint=models.UniqueConstraint(
                fields=("scorecard", "check_id"), name="one_result_per_check"
            ),
        ),
    ]
