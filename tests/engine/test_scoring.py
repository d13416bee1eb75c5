"""Scoring follows ../shared/checks.md: weights, warn as half, not-measured factors, levels."""

from scorecards.checks.results import CheckResult, Status
from scorecards.scoring import factor_score, level_of, score_service


def result(check_id: str, factor: str, severity: str, status: Status) -> CheckResult:
    return CheckResult(
        id=check_id,
        factor=factor,
        severity=severity,
        status=status,
        evidence=[],
        message="",
        remediation="",
        effort="low",
        title=check_id,
        catalogue_version="t",
        fingerprint="f",
    )


def test_a_factor_score_is_the_weighted_share_of_passing_checks():
    results = [
        result("a.one", "config", "critical", Status.PASS),  # 10
        result("a.two", "config", "medium", Status.FAIL),  # 5
    ]
    assert factor_score(results) == round(100 * 10 / 15, 1)


def test_warn_counts_half_and_waived_counts_as_pass():
    results = [
        result("a.one", "logs", "high", Status.WARN),
        result("a.two", "logs", "high", Status.WAIVED),
    ]
    assert factor_score(results) == 75.0


def test_unknown_and_na_are_not_measured():
    results = [
        result("a.one", "logs", "high", Status.UNKNOWN),
        result("a.two", "logs", "low", Status.NA),
    ]
    assert factor_score(results) is None


def test_service_score_is_the_mean_of_measured_factors_only():
    results = [
        result("codebase.x", "codebase", "high", Status.PASS),
        result("deps.x", "dependencies", "high", Status.FAIL),
        result("logs.x", "logs", "high", Status.UNKNOWN),
    ]
    score = score_service(results, kinds=["container"])
    assert score.factors["codebase"] == 100.0
    assert score.factors["dependencies"] == 0.0
    assert score.factors["logs"] is None
    assert score.score == 50.0


def test_disposability_counts_half_for_serverless_only_services():
    results = [
        result("codebase.x", "codebase", "high", Status.PASS),
        result("disposability.x", "disposability", "high", Status.FAIL),
    ]
    assert score_service(results, kinds=["serverless"]).score == round(100 / 1.5, 1)
    assert score_service(results, kinds=["serverless", "container"]).score == 50.0


def test_beyond_twelve_checks_stay_out_of_the_score_unless_enabled():
    results = [
        result("codebase.x", "codebase", "high", Status.PASS),
        result("security.non-root", "beyond", "medium", Status.FAIL),
    ]
    assert score_service(results, kinds=[]).score == 100.0
    assert score_service(results, kinds=[]).level == "Gold"
    assert score_service(results, kinds=[], include_beyond=True).score == 50.0


def test_levels_follow_the_severity_of_what_fails():
    def level(*failing):
        return level_of(
            [result(f"x.{s}", "logs", s, Status.FAIL) for s in failing]
            + [result("x.ok", "logs", "critical", Status.PASS)]
        )

    assert level() == "Gold"
    assert level("low", "medium") == "Silver"
    assert level("high") == "Bronze"
    assert level("critical") == "None"


def test_a_warning_keeps_a_service_below_gold():
    assert level_of([result("x.a", "logs", "low", Status.WARN)]) == "Silver"
