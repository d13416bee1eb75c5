from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0009_token_scope_readiness"),
    ]

    operations = [
        migrations.AddField(
            model_name="scorecard",
            name="ecosystems",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
