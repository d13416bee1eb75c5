"""Results -> factor scores, service score, coverage and level, as ../shared/checks.md defines
them, with the coverage rule of docs/checks-guide.md ("Coverage and levels").

Pure: no ORM, no clock. Inconclusive results (unknown, na) never count as pass or fail, and a
factor with no conclusive check is "not measured" (None), never 0 or 100.

Coverage is the weighted share (severity weights) of the applicable checks (every status but
``na``) that were decided (not ``unknown``). A level claims that checks pass, so it needs the
checks decided: Gold needs 90 % of the applicable critical and high checks decided (by
weight), Silver 75 %; below that the level the results earn is capped (Gold -> Silver ->
Bronze). A service with no score has no level ("None").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scorecards.checks.registry import SEVERITY_WEIGHTS, TWELVE_FACTOR_KEYS, catalogue
from scorecards.checks.results import CONCLUSIVE, CheckResult, Status

CREDIT = {Status.PASS: 1.0, Status.WAIVED: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}
LEVELS = ("Gold", "Silver", "Bronze", "None")
# Share (%) of the applicable critical and high checks, by weight, a level needs decided.
LEVEL_COVERAGE = {"Gold": 90.0, "Silver": 75.0}
LEVEL_SEVERITIES = frozenset({"critical", "high"})
# Team and organisation averages leave out services with less coverage than this (%):
# a service that was barely measured must not lift, or sink, its team.
AVERAGE_COVERAGE_FLOOR = 50.0
# Serverless-only services follow the seven-and-a-half factor model.
HALF_WEIGHT_FACTORS_FOR_SERVERLESS = {"disposability": 0.5}


@dataclass(frozen=True)
class Score:
    factors: dict[str, float | None]
    score: float | None
    level: str
    # Weighted % of the applicable counted checks that were decided; None: none applicable.
    coverage: float | None = None
    # The same over the critical and high checks: what the level's coverage rule reads.
    level_coverage: float | None = None
    # The level the results alone earn, when coverage capped it below that; else "".
    capped_from: str = ""
    # Counted critical and high checks left unknown: their sources would decide the rest.
    undecided: tuple[str, ...] = ()


def factor_score(results: Iterable[CheckResult]) -> float | None:
    total = earned = 0.0
    for result in results:
        if result.status not in CONCLUSIVE:
            continue
        weight = SEVERITY_WEIGHTS[result.severity]
        total += weight
        earned += weight * CREDIT[result.status]
    if total == 0:
        return None
    return round(100.0 * earned / total, 1)


def factor_weights(kinds: Iterable[str]) -> dict[str, float]:
    weights = dict.fromkeys(TWELVE_FACTOR_KEYS, 1.0)
    if set(kinds) == {"serverless"}:
        weights.update(HALF_WEIGHT_FACTORS_FOR_SERVERLESS)
    return weights


def coverage_of(results: Iterable[CheckResult]) -> float | None:
    """Weighted % of the applicable results (not ``na``) that are decided (not ``unknown``)."""
    applicable = decided = 0.0
    for result in results:
        if result.status == Status.NA:
            continue
        weight = SEVERITY_WEIGHTS[result.severity]
        applicable += weight
        if result.status != Status.UNKNOWN:
            decided += weight
    if applicable == 0:
        return None
    return round(100.0 * decided / applicable, 1)


def capped_level(level: str, level_coverage: float | None) -> str:
    """``level`` lowered until ``level_coverage`` meets its floor (no floor below Silver)."""
    if level_coverage is None:  # no critical or high check applies: nothing left undecided
        return level
    while level in LEVEL_COVERAGE and level_coverage < LEVEL_COVERAGE[level]:
        level = LEVELS[LEVELS.index(level) + 1]
    return level


def level_of(results: Iterable[CheckResult]) -> str:
    """Gold: every conclusive check passes; Silver: critical and high pass.

    Bronze: every critical check passes.
    """
    failing = {r.severity for r in results if r.status in (Status.FAIL, Status.WARN)}
    if not failing:
        return "Gold"
    if not failing & {"critical", "high"}:
        return "Silver"
    if "critical" not in failing:
        return "Bronze"
    return "None"


def score_service(
    results: list[CheckResult], kinds: Iterable[str], include_beyond: bool = False
) -> Score:
    counted_factors = list(TWELVE_FACTOR_KEYS) + (["beyond"] if include_beyond else [])
    by_factor: dict[str, list[CheckResult]] = {key: [] for key in counted_factors}
    for result in results:
        if result.factor in by_factor:
            by_factor[result.factor].append(result)
    factors = {key: factor_score(items) for key, items in by_factor.items()}
    weights = factor_weights(kinds)
    weights.setdefault("beyond", 1.0)
    measured = [(weights[k], v) for k, v in factors.items() if v is not None]
    score = None
    if measured:
        score = round(sum(w * v for w, v in measured) / sum(w for w, _ in measured), 1)
    counted = [r for r in results if r.factor in by_factor]
    graded = [r for r in counted if r.severity in LEVEL_SEVERITIES]
    level_coverage = coverage_of(graded)
    earned = level_of(counted) if score is not None else "None"
    level = capped_level(earned, level_coverage)
    return Score(
        factors=factors,
        score=score,
        level=level,
        coverage=coverage_of(counted),
        level_coverage=level_coverage,
        capped_from=earned if level != earned else "",
        undecided=tuple(sorted(r.id for r in graded if r.status == Status.UNKNOWN)),
    )


def sources_deciding(check_ids: Iterable[str]) -> list[str]:
    """The sources whose facts decide these checks (catalogue ``sources``), sorted."""
    specs = catalogue()
    return sorted({source for cid in check_ids if cid in specs for source in specs[cid].sources})


def _percent(value: float | None) -> str:
    return "no" if value is None else f"{value:g} %"


_EARNED = {
    "Gold": "Gold: every twelve-factor check that was decided passes.",
    "Silver": "Silver: every decided critical and high check passes; a medium or low one does not.",
    "Bronze": "Bronze: every decided critical check passes; a high check does not.",
    "None": "No level: a critical check does not pass.",
}


def _capped_reason(score: Score, ingested: Iterable[str] | None) -> str:
    deciding = sources_deciding(score.undecided)
    read = set(ingested) if ingested is not None else set(deciding)
    if "local" in read:  # a repository on disk answers the checks whose source is "github"
        read.add("github")
    sources = ", ".join([s for s in deciding if s not in read] or deciding) or "more sources"
    return (
        f"{score.level}, capped: the results earn {score.capped_from}, but only "
        f"{_percent(score.level_coverage)} of the applicable critical and high checks were "
        f"decided ({score.capped_from} needs {LEVEL_COVERAGE[score.capped_from]:g} %). "
        f"Facts from {sources} would decide the rest."
    )


def level_note(score: Score, beyond_failing: int = 0, ingested: Iterable[str] | None = None) -> str:
    """Why the service has its level, in words true of the results shown under it.

    ``ingested``: the sources this scorecard had facts from, when known; the sources named
    for the undecided checks are then those not ingested, if any.
    """
    if score.score is None:
        note = "No level: no check was decided, so there is nothing to grade."
    elif score.capped_from:
        note = _capped_reason(score, ingested)
    else:
        note = _EARNED.get(score.level, _EARNED["None"])
    if score.score is not None:
        note += f" Coverage {_percent(score.coverage)} of the applicable checks decided."
    if beyond_failing:
        plural = "s" if beyond_failing != 1 else ""
        note += f" Beyond twelve: {beyond_failing} failing check{plural} shown, not in the score."
    return note
