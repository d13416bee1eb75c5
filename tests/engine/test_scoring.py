"""Scoring follows ../shared/checks.md: weights, warn as half, not-measured factors, levels."""

from scorecards.checks.results import CheckResult, Status
from scorecards.scoring import coverage_of, factor_score, level_note, level_of, score_service


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


# --- coverage and levels (docs/checks-guide.md, "Coverage and levels") ----------------------


def test_coverage_is_the_weighted_share_of_applicable_checks_decided():
    results = [
        result("a.crit", "config", "critical", Status.PASS),  # 10, decided
        result("a.high", "config", "high", Status.UNKNOWN),  # 7.5, undecided
        result("a.med", "config", "medium", Status.FAIL),  # 5, decided
        result("a.low", "config", "low", Status.NA),  # not applicable: out of both sides
    ]
    assert coverage_of(results) == round(100 * 15 / 22.5, 1)
    assert coverage_of([result("a.low", "config", "low", Status.NA)]) is None


def test_a_service_whose_critical_and_high_checks_are_mostly_unknown_is_not_gold():
    # Like the demo's logging service: the few decided checks pass, most are unknown.
    results = [result("logs.ok", "logs", "high", Status.PASS)] + [
        result(f"codebase.u{i}", "codebase", "high", Status.UNKNOWN) for i in range(3)
    ]
    score = score_service(results, kinds=[])
    assert score.score == 100.0
    assert score.level_coverage == 25.0
    assert score.level == "Bronze"
    assert score.capped_from == "Gold"
    assert score.undecided == ("codebase.u0", "codebase.u1", "codebase.u2")


def test_gold_needs_ninety_percent_and_silver_seventy_five():
    def level(decided_high: int, unknown_high: int) -> str:
        results = [result(f"x.p{i}", "logs", "high", Status.PASS) for i in range(decided_high)]
        results += [result(f"x.u{i}", "logs", "high", Status.UNKNOWN) for i in range(unknown_high)]
        return score_service(results, kinds=[]).level

    assert level(9, 1) == "Gold"  # 90 %
    assert level(8, 2) == "Silver"  # 80 %
    assert level(3, 1) == "Silver"  # 75 %
    assert level(7, 3) == "Bronze"  # 70 %


def test_unknown_medium_and_low_checks_do_not_cap_the_level():
    results = [
        result("x.crit", "logs", "critical", Status.PASS),
        result("x.low", "logs", "low", Status.UNKNOWN),
        result("x.med", "logs", "medium", Status.UNKNOWN),
    ]
    score = score_service(results, kinds=[])
    assert score.level == "Gold" and score.capped_from == ""
    assert score.coverage == round(100 * 10 / 17.5, 1)


def test_a_service_with_no_score_has_no_level():
    results = [
        result("x.u", "logs", "high", Status.UNKNOWN),
        result("x.n", "logs", "low", Status.NA),
    ]
    score = score_service(results, kinds=[])
    assert score.score is None
    assert score.level == "None"
    assert "nothing to grade" in level_note(score)


def test_the_level_note_names_the_cap_and_the_sources_that_would_decide():
    results = [
        result("logs.ok", "logs", "high", Status.PASS),
        result("codebase.vcs", "codebase", "high", Status.UNKNOWN),
    ]
    note = level_note(score_service(results, kinds=[]))
    assert note.startswith("Bronze, capped: the results earn Gold, but only 50 %")
    assert "Facts from aws, github, kubernetes would decide the rest." in note


def test_the_level_note_says_a_failing_beyond_twelve_check_is_not_in_the_score():
    results = [
        result("codebase.x", "codebase", "high", Status.PASS),
        result("security.non-root", "beyond", "medium", Status.FAIL),
    ]
    note = level_note(score_service(results, kinds=[]), beyond_failing=1)
    assert "Gold" in note
    assert "every applicable check passes" not in note
    assert note.endswith("Beyond twelve: 1 failing check shown, not in the score.")


def test_the_level_note_names_the_sources_not_ingested_first():
    results = [
        result("logs.ok", "logs", "high", Status.PASS),
        result("codebase.vcs", "codebase", "high", Status.UNKNOWN),
    ]
    score = score_service(results, kinds=[])
    assert "Facts from aws, kubernetes would" in level_note(score, ingested={"github"})
    assert "Facts from aws, kubernetes would" in level_note(score, ingested={"local"})
    # Every deciding source was read: they are still the ones to look at.
    assert "Facts from aws, github, kubernetes would" in level_note(
        score, ingested={"aws", "github", "kubernetes"}
    )
