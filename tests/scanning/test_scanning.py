"""Scans end to end in-process: discovery, scoring, history, failures, coalescing."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from scorecards import scanning, sources
from scorecards.models import CheckResult, Facts, Scan, Scorecard, Service, Snapshot, SourceRun

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _demo_organisation(settings):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = str(EXAMPLES)


def _scan(**kwargs) -> Scan:
    scan, created = scanning.request_scan(Scan.Trigger.MANUAL, **kwargs)
    assert created
    return scanning.run_scan(scan.pk, today=TODAY)


def test_a_full_scan_discovers_scores_and_stores_every_demo_service():
    scan = _scan()
    assert scan.state == Scan.State.SUCCEEDED
    assert scan.sources == ["local"]
    names = set(Service.objects.values_list("slug", flat=True))
    assert names == {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    inventory = Service.objects.get(slug="inventory-api")
    assert inventory.latest_scorecard.score == 100.0
    assert inventory.latest_scorecard.level == "Gold"
    legacy = Service.objects.get(slug="legacy-shop").latest_scorecard
    failing = set(legacy.results.filter(status="fail").values_list("check_id", flat=True))
    assert {"deps.base-image-pinned", "config.no-committed-env-file"} <= failing
    assert scan.progress["services"] == {"done": 3, "total": 3, "failed": 0}
    assert scan.progress["sources"]["local"]["state"] == "done"
    assert Snapshot.objects.filter(scan=scan).count() == 3


def test_a_rescan_keeps_history_moves_the_latest_pointer_and_stores_unchanged_facts_once():
    first = _scan()
    facts_after_first = Facts.objects.count()
    second = _scan()
    service = Service.objects.get(slug="inventory-api")
    cards = list(service.scorecards.order_by("created_at"))
    assert [c.scan_id for c in cards] == [first.pk, second.pk]
    assert [c.is_latest for c in cards] == [False, True]
    assert service.latest_scorecard_id == cards[-1].pk
    # Same content, same digest: the second scan adds snapshot rows, not facts.
    assert Facts.objects.count() == facts_after_first
    assert CheckResult.objects.filter(scorecard=cards[0]).count() == 44


def test_a_failing_source_keeps_the_last_good_facts_marked_stale(monkeypatch):
    _scan()
    before = Service.objects.get(slug="legacy-shop").latest_scorecard.score

    def broken(*args, **kwargs):
        raise ConnectionError("disk unplugged")

    monkeypatch.setattr(sources, "collect_local", broken)
    scan = _scan()
    assert scan.state == Scan.State.FAILED  # its only source failed
    assert "disk unplugged" in scan.error
    card = Service.objects.get(slug="legacy-shop").latest_scorecard
    assert card.scan_id == scan.pk
    assert card.stale_sources == ["local"]
    assert card.score == before
    snapshot = Snapshot.objects.get(scan=scan, service__slug="legacy-shop")
    assert snapshot.stale and "disk unplugged" in snapshot.error


def test_concurrent_triggers_for_one_scope_coalesce_into_one_scan():
    first, created = scanning.request_scan(Scan.Trigger.WEBHOOK, reason="push 1")
    again, created_again = scanning.request_scan(Scan.Trigger.WEBHOOK, reason="push 2")
    assert created and not created_again
    assert again.pk == first.pk
    scanning.run_scan(first.pk, today=TODAY)
    third, created_third = scanning.request_scan(Scan.Trigger.WEBHOOK, reason="push 3")
    assert created_third and third.pk != first.pk


def test_redelivered_steps_repeat_nothing():
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    assert scanning.collect_source(scan.pk, "local") is True
    assert scanning.collect_source(scan.pk, "local") is True  # redelivery: still "move on"
    assert SourceRun.objects.filter(scan=scan).count() == 1
    ids = scanning.plan_services(scan.pk)
    for service_id in ids:
        scanning.score_service(scan.pk, service_id, today=TODAY)
    scanning.score_service(scan.pk, ids[0], today=TODAY)  # redelivered
    assert Scorecard.objects.filter(scan=scan).count() == len(ids)
    scan.refresh_from_db()
    assert scan.progress["services"]["done"] == len(ids)
    assert scanning.finish_scan(scan.pk).state == Scan.State.SUCCEEDED


def test_a_single_service_scan_scores_only_that_service():
    _scan()
    service = Service.objects.get(slug="orders-lambda")
    scan = _scan(service=service)
    assert list(Scorecard.objects.filter(scan=scan).values_list("service__slug", flat=True)) == [
        "orders-lambda"
    ]
    assert scan.scope == "orders-lambda"


def test_scans_lost_with_their_worker_are_failed_with_a_reason(settings):
    settings.SCAN_TIMEOUT_SECONDS = 60
    scan, _ = scanning.request_scan(Scan.Trigger.SCHEDULE)
    Scan.objects.filter(pk=scan.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert scanning.expire_lost_scans() == 1
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED
    assert "did not finish" in scan.error


def test_portal_waivers_apply_to_the_next_scan():
    _scan()
    service = Service.objects.get(slug="legacy-shop")
    service.waivers.create(
        check_id="deps.base-image-pinned",
        reason="base image retired in Q1",
        expires=TODAY + timedelta(days=30),
        state="approved",
    )
    _scan()
    result = Service.objects.get(slug="legacy-shop").latest_scorecard.results.get(
        check_id="deps.base-image-pinned"
    )
    assert result.status == "waived"
    assert result.waiver["reason"] == "base image retired in Q1"


@pytest.mark.parametrize("state", ["requested", "denied"])
def test_portal_waivers_not_approved_do_not_apply(state):
    _scan()
    service = Service.objects.get(slug="legacy-shop")
    service.waivers.create(
        check_id="deps.base-image-pinned",
        reason="base image retired in Q1",
        expires=TODAY + timedelta(days=30),
        state=state,
    )
    _scan()
    result = Service.objects.get(slug="legacy-shop").latest_scorecard.results.get(
        check_id="deps.base-image-pinned"
    )
    assert result.status != "waived"


def test_each_inventory_is_read_once_per_worker_not_once_per_service():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scanning._INVENTORIES.clear()
    with CaptureQueriesContext(connection) as queries:
        scan = _scan()
    assert scan.progress["services"]["done"] == 3
    inventory = SourceRun.objects.get(scan=scan, source="local").inventory_id
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and '"scorecards_facts"."data"' in q["sql"]
        and (
            f'"scorecards_facts"."id" = {inventory} ' in q["sql"]
            or "scorecards_sourcerun" in q["sql"]
        )
    ]
    # Discovery and three services need the local inventory: one read serves them all.
    assert len(reads) == 1, reads
