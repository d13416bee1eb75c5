"""Scorecard coverage, backfilled from each scorecard's stored results, and levels re-graded.

Everything runs as a few set-based UPDATEs (no row is loaded into Python), so it stays cheap
on a long history. The rule is scorecards/scoring.py's: coverage is the weighted share of the
applicable twelve-factor results (not ``na``) that are decided (not ``unknown``); Gold needs 90 %
of the critical and high ones decided, Silver 75 %; a scorecard with no score has no level.
"""

from django.db import migrations, models
from django.db.models import Case, FloatField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Round

WEIGHTS = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.5}


def _coverage(results, scorecard_filter: Q) -> Subquery:
    weight = Case(
        *(When(severity=severity, then=Value(w)) for severity, w in WEIGHTS.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    share = 100.0 * Coalesce(Sum(weight, filter=~Q(status="unknown")), Value(0.0)) / Sum(weight)
    rounded = Cast(
        Round(Cast(share, models.DecimalField(max_digits=9, decimal_places=4)), 1), FloatField()
    )
    rows = (
        results.filter(scorecard=OuterRef("pk"))
        .filter(scorecard_filter)
        .exclude(status="na")
        .exclude(factor="beyond")
        .values("scorecard")
        .annotate(share=rounded)
        .values("share")
    )
    return Subquery(rows[:1], output_field=FloatField())


def backfill(apps, schema_editor):
    Scorecard = apps.get_model("scorecards", "Scorecard")
    CheckResult = apps.get_model("scorecards", "CheckResult")
    Scorecard.objects.update(
        coverage=_coverage(CheckResult.objects.all(), Q()),
        level_coverage=_coverage(CheckResult.objects.all(), Q(severity__in=("critical", "high"))),
    )
    Scorecard.objects.filter(score__isnull=True).exclude(level="None").update(level="None")
    Scorecard.objects.filter(level__in=("Gold", "Silver"), level_coverage__lt=75.0).update(
        level="Bronze"
    )
    Scorecard.objects.filter(level="Gold", level_coverage__lt=90.0).update(level="Silver")


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0010_scorecard_ecosystems"),
    ]

    operations = [
        migrations.AddField(
            model_name="scorecard",
            name="coverage",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scorecard",
            name="level_coverage",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
