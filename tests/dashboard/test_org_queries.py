"""Each dashboard query against small organisations whose answers are computed by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scorecards.checks.registry import TWELVE_FACTOR_KEYS
from scorecards.models import Scan, SourceRun, Waiver
from scorecards.web import org_queries
from tests.dashboard.conftest import every_check
from tests.factories import make_service, make_team, record_scorecard

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def three_services(now):
    """payments: 100 and 50; search: 0; a retired service that must never count."""
    payments, search = make_team("payments"), make_team("search")
    record_scorecard(make_service("billing", payments), when=now - DAY)
    record_scorecard(make_service("ledger", payments), every_check("warn"), when=now - DAY)
    record_scorecard(make_service("indexer", search), every_check("fail"), when=now - DAY)
    retired = make_service("old", payments, retired=True)
    record_scorecard(retired, every_check("fail"), when=now - DAY)
    return payments, search


def test_org_summary_is_the_mean_of_live_latest_scores(three_services):
    summary = org_queries.org_summary()
    assert summary.services == 3
    assert summary.score == 50.0  # (100 + 50 + 0) / 3
    assert summary.levels == {"Gold": 1, "Silver": 0, "Bronze": 0, "None": 2}
    assert summary.factors == dict.fromkeys(TWELVE_FACTOR_KEYS, 50.0)


def test_org_summary_counts_unscored_services_without_averaging_them(three_services):
    make_service("brand-new", three_services[0])
    summary = org_queries.org_summary()
    assert (summary.services, summary.scored, summary.score) == (4, 3, 50.0)


def test_team_rows_average_each_team_and_its_factors(three_services, now):
    rows = {row.slug: row for row in org_queries.team_rows(now)}
    assert rows["payments"].group.services == 2
    assert rows["payments"].group.score == 75.0
    assert rows["payments"].group.levels["Gold"] == 1
    assert rows["payments"].group.factors["config"] == 75.0
    assert rows["search"].group.score == 0.0


def test_team_trend_compares_with_the_scores_held_7_days_ago(now):
    team = make_team("payments")
    billing, ledger = make_service("billing", team), make_service("ledger", team)
    record_scorecard(billing, every_check("fail"), when=now - 10 * DAY)  # 0 a week ago
    record_scorecard(billing, when=now - 2 * DAY)  # 100 now
    record_scorecard(ledger, every_check("warn"), when=now - 8 * DAY)  # 50 then and now
    [row] = org_queries.team_rows(now)
    assert row.group.score == 75.0
    assert row.score_week_ago == 25.0
    assert row.trend == 50.0


def test_factor_not_measured_is_left_out_of_the_average(now):
    team = make_team("payments")
    record_scorecard(make_service("a", team), when=now)
    # Every check of a factor "unknown": that factor is not measured (null), not 0.
    config_unknown = {cid: "unknown" for cid in every_check("x") if cid.startswith("config.")}
    record_scorecard(make_service("b", team), {**every_check("fail"), **config_unknown}, when=now)
    [row] = org_queries.team_rows(now)
    assert row.group.factors["config"] == 100.0
    assert row.group.factors["logs"] == 50.0


def test_services_without_a_team_come_last_as_unassigned(three_services, now):
    record_scorecard(make_service("stray"), when=now)
    rows = org_queries.team_rows(now)
    assert [row.name for row in rows] == ["Payments", "Search", "Unassigned"]
    assert rows[-1].slug is None


def test_trend_is_the_daily_average_of_end_of_day_scores(now):
    a, b = make_service("a"), make_service("b")
    today = now.date()
    record_scorecard(a, every_check("fail"), when=now - 100 * DAY)  # before the window: 0
    record_scorecard(a, when=now - 3 * DAY)  # 100 from 3 days ago
    # b: 50 two days ago, then 0 and 100 the same day: the day ends at 100.
    record_scorecard(b, every_check("warn"), when=now - 2 * DAY)
    record_scorecard(b, every_check("fail"), when=now - DAY - timedelta(hours=2))
    record_scorecard(b, when=now - DAY - timedelta(hours=1))
    points = org_queries.score_trend(now)
    by_day = {p.day: (p.score, p.services) for p in points}
    first = today - timedelta(days=89)
    assert points[0].day == first
    assert by_day[first] == (0.0, 1)
    assert by_day[today - timedelta(days=4)] == (0.0, 1)
    assert by_day[today - timedelta(days=3)] == (100.0, 1)
    assert by_day[today - timedelta(days=2)] == (75.0, 2)
    assert by_day[today - DAY] == (100.0, 2)
    assert by_day[today] == (100.0, 2)
    assert len(points) == 90


def test_trend_leaves_out_days_before_any_score_and_retired_services(now):
    record_scorecard(make_service("a"), every_check("warn"), when=now - 5 * DAY)
    record_scorecard(make_service("gone", retired=True), when=now - 20 * DAY)
    points = org_queries.score_trend(now)
    assert [(p.day, p.score) for p in points][0] == (now.date() - 5 * DAY, 50.0)
    assert len(points) == 6


def test_trend_of_one_team(now):
    payments, search = make_team("payments"), make_team("search")
    record_scorecard(make_service("a", payments), every_check("warn"), when=now - DAY)
    record_scorecard(make_service("b", search), when=now - DAY)
    points = org_queries.score_trend(now, team=payments)
    assert {p.score for p in points} == {50.0}


def test_most_failed_checks_count_services_on_latest_scorecards(now):
    a, b, c = make_service("a"), make_service("b"), make_service("c")
    record_scorecard(a, {"config.env-settings": "fail", "logs.stdout": "fail"}, when=now - 2 * DAY)
    record_scorecard(a, {"logs.stdout": "fail"}, when=now - DAY)  # config fixed since
    record_scorecard(b, {"logs.stdout": "fail", "config.env-settings": "fail"}, when=now)
    record_scorecard(c, {"logs.stdout": "warn"}, when=now)
    found = org_queries.most_failed_checks()
    assert [(f.check_id, f.services) for f in found] == [
        ("logs.stdout", 2),
        ("config.env-settings", 1),
    ]
    assert found[0].factor == "Logs"


def test_regressions_name_the_checks_that_stopped_passing(now):
    a, b = make_service("a", make_team("payments")), make_service("b")
    record_scorecard(a, when=now - 9 * DAY, commit="aaa111")
    record_scorecard(a, {"admin.one-off": "fail"}, when=now - DAY, commit="bbb222")
    record_scorecard(b, every_check("warn"), when=now - 9 * DAY)
    record_scorecard(b, every_check("fail"), when=now - DAY)  # warn -> fail: no pass->fail
    record_scorecard(make_service("steady"), when=now - 9 * DAY)
    found = org_queries.biggest_regressions(now)
    assert [(r.slug, r.score_before, r.score_now) for r in found] == [
        ("b", 50.0, 0.0),
        ("a", 100.0, 95.8),  # admin factor at 50 (1 of 2 medium checks): (11*100+50)/12
    ]
    assert found[1].change == -4.2
    assert (found[1].commit_before, found[1].commit_now) == ("aaa111", "bbb222")
    assert [(c.check_id, c.status) for c in found[1].checks] == [("admin.one-off", "fail")]
    assert found[0].checks == []


def test_a_drop_older_than_a_week_is_not_a_regression_this_week(now):
    a = make_service("a")
    record_scorecard(a, when=now - 20 * DAY)
    record_scorecard(a, every_check("fail"), when=now - 10 * DAY)
    assert org_queries.biggest_regressions(now) == []


def test_waiver_inventory_flags_expired_and_expiring(now):
    svc = make_service("a", make_team("payments"))
    today = now.date()
    for check_id, days in [("logs.stdout", 30), ("config.env-settings", -1), ("admin.one-off", 14)]:
        Waiver.objects.create(
            service=svc,
            check_id=check_id,
            reason="r",
            expires=today + timedelta(days=days),
            state="approved",
        )
    # Denied requests are no waivers; pending ones are listed as such.
    Waiver.objects.create(
        service=svc, check_id="deps.lockfile", reason="r", expires=today, state="denied"
    )
    Waiver.objects.filter(check_id="logs.stdout").update(state="requested")
    rows = org_queries.waiver_inventory(now)
    assert [(w.check_id, w.state, w.days_left, w.approval) for w in rows] == [
        ("config.env-settings", "expired", -1, "approved"),
        ("admin.one-off", "expiring", 14, "approved"),
        ("logs.stdout", "active", 30, "requested"),
    ]
    assert org_queries.waiver_counts(now) == {"total": 3, "expired": 1, "expiring": 1}


def test_coverage_shows_configured_targets_and_last_runs(settings, now):
    settings.GITHUB_ORGS = ["acme"]
    settings.AWS_REGIONS = ["eu-west-1", "us-east-1"]
    settings.AWS_ROLE_ARNS = ["arn:aws:iam::123456789012:role/portal"]
    settings.KUBE_CONTEXTS = ["prod"]
    settings.LOCAL_REPOSITORIES = ["/srv/repos/a"]
    old, new = (
        Scan.objects.create(trigger="schedule", state="succeeded", scope=str(i)) for i in (1, 2)
    )
    SourceRun.objects.create(
        scan=old, source="github", state="done", finished_at=now - 2 * DAY, started_at=now - 2 * DAY
    )
    SourceRun.objects.create(
        scan=new, source="github", state="failed", error="401 Bad credentials", started_at=now
    )
    coverage = {c.source: c for c in org_queries.source_coverage()}
    assert coverage["github"].configured == ["acme"]
    assert coverage["github"].last_success == now - 2 * DAY
    assert (coverage["github"].last_error, coverage["github"].last_error_at) == (
        "401 Bad credentials",
        now,
    )
    assert coverage["aws"].configured == [
        "123456789012 / eu-west-1",
        "123456789012 / us-east-1",
    ]
    assert coverage["aws"].last_success is None
    assert coverage["kubernetes"].configured == ["prod"]
    assert coverage["local"].configured == ["/srv/repos/a"]


def test_waiver_days_are_counted_in_utc(now):
    svc = make_service("a")
    Waiver.objects.create(service=svc, check_id="x", reason="r", expires=date(2026, 3, 11))
    assert org_queries.waiver_inventory(now)[0].state == "expiring"


def test_coverage_names_the_offline_exports_the_collectors_read(settings, tmp_path):
    settings.AWS_REGIONS = []
    settings.AWS_ROLE_ARNS = []
    settings.KUBE_CONTEXTS = []
    settings.KUBECONFIG = ""
    settings.AWS_OFFLINE_DIR = str(tmp_path / "aws")
    settings.KUBE_OFFLINE_DIR = str(tmp_path / "cluster")
    coverage = {c.source: c for c in org_queries.source_coverage()}
    assert coverage["aws"].configured == [f"offline export {tmp_path / 'aws'}"]
    assert coverage["kubernetes"].configured == [f"offline export {tmp_path / 'cluster'}"]


def _barely_measured(slug, team, when):
    """100 on one decided check, every other unknown (the demo's `logging`)."""
    statuses = every_check("unknown")
    statuses["logs.stdout"] = "pass"
    return record_scorecard(make_service(slug, team), statuses, when=when)


def test_a_barely_measured_service_neither_lifts_the_org_nor_its_team(three_services, now):
    payments = three_services[0]
    card = _barely_measured("logging", payments, now - DAY)
    assert card.score == 100.0 and card.coverage < 50

    summary = org_queries.org_summary()
    assert summary.score == 50.0  # still (100 + 50 + 0) / 3
    assert summary.factors == dict.fromkeys(TWELVE_FACTOR_KEYS, 50.0)
    assert (summary.scored, summary.low_coverage, summary.averaged) == (4, 1, 3)
    assert summary.coverage == round((100.0 * 3 + card.coverage) / 4, 1)
    rows = {row.slug: row for row in org_queries.team_rows(now)}
    assert rows["payments"].group.score == 75.0  # (100 + 50) / 2
    assert rows["payments"].group.low_coverage == 1
    logging = next(s for s in org_queries.team_services(payments, now) if s.slug == "logging")
    assert logging.coverage == card.coverage and logging.level == "Bronze"


def test_the_team_trend_leaves_out_barely_measured_scores_a_week_ago(now):
    team = make_team("platform")
    record_scorecard(make_service("api", team), every_check("warn"), when=now - 10 * DAY)
    _barely_measured("logging", team, now - 10 * DAY)
    row = org_queries.team_rows(now)[0]
    assert row.score_week_ago == 50.0
    assert row.group.score == 50.0 and row.trend == 0.0


def test_the_daily_trend_leaves_out_barely_measured_scores(now):
    team = make_team("platform")
    record_scorecard(make_service("api", team), every_check("warn"), when=now - DAY)
    _barely_measured("logging", team, now - DAY)
    last = org_queries.score_trend(now, days=3)[-1]
    assert (last.score, last.services) == (50.0, 1)
