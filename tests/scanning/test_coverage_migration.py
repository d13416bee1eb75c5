"""Migration 0008 backfills scorecard coverage from stored results and re-grades old levels."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("scorecards", "0010_scorecard_ecosystems")]
AFTER = [("scorecards", "0011_scorecard_coverage")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_scorecards_get_their_coverage_and_lose_a_gold_they_cannot_back():
    apps = _migrate(BEFORE)
    Service = apps.get_model("scorecards", "Service")
    Scan = apps.get_model("scorecards", "Scan")
    Scorecard = apps.get_model("scorecards", "Scorecard")
    CheckResult = apps.get_model("scorecards", "CheckResult")
    scan = Scan.objects.create(trigger="manual")

    def card(slug, score, level, results):
        service = Service.objects.create(slug=slug, name=slug)
        sc = Scorecard.objects.create(
            service=service, scan=scan, score=score, level=level, catalogue_version="t"
        )
        for i, (factor, severity, status) in enumerate(results):
            CheckResult.objects.create(
                scorecard=sc,
                check_id=f"{factor}.c{i}",
                factor=factor,
                severity=severity,
                status=status,
                fingerprint="f",
            )
        return sc.pk

    sparse = card(
        "sparse",
        100.0,
        "Gold",
        [("logs", "high", "pass")]
        + [("codebase", "high", "unknown")] * 3
        + [("logs", "low", "na")],
    )
    full = card(
        "full",
        100.0,
        "Gold",
        [
            ("logs", "critical", "pass"),
            ("logs", "medium", "unknown"),
            ("beyond", "high", "unknown"),
        ],
    )
    empty = card("empty", None, "Gold", [("logs", "high", "unknown")])

    apps = _migrate(AFTER)
    Scorecard = apps.get_model("scorecards", "Scorecard")
    rows = {r.pk: r for r in Scorecard.objects.all()}
    assert (rows[sparse].coverage, rows[sparse].level_coverage) == (25.0, 25.0)
    assert rows[sparse].level == "Bronze"
    # Beyond twelve is not counted; the unknown medium check lowers coverage, not the level.
    assert (rows[full].coverage, rows[full].level_coverage) == (66.7, 100.0)
    assert rows[full].level == "Gold"
    assert rows[empty].level == "None"
    assert rows[empty].coverage == 0.0
