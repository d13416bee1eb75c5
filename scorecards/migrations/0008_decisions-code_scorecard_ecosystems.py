from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0007_sso_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="scorecard",
            name="ecosystems",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
