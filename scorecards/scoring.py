"""Results -> factor scores, service score and level, exactly as ../shared/checks.md defines them.

Pure: no ORM, no clock. Inconclusive results (unknown, na) never count as pass or fail, and a
factor with no conclusive check is "not measured" (None), never 0 or 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scorecards.checks.registry import SEVERITY_WEIGHTS, TWELVE_FACTOR_KEYS
from scorecards.checks.results import CONCLUSIVE, CheckResult, Status

CREDIT = {Status.PASS: 1.0, Status.WAIVED: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}
LEVELS = ("Gold", "Silver", "Bronze", "None")
# Serverless-only services follow the seven-and-a-half factor model.
HALF_WEIGHT_FACTORS_FOR_SERVERLESS = {"disposability": 0.5}


@dataclass(frozen=True)
class Score:
    factors: dict[str, float | None]
    score: float | None
    level: str


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
    return Score(factors=factors, score=score, level=level_of(counted))
