"""What to fix to reach the next level, ranked by the score each fix would gain.

Pure: stored results in, suggestions out, through ``scorecards.scoring`` itself, so the gain
shown is exactly what the next scan would compute if that one check passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from scorecards.checks.results import CheckResult, Status
from scorecards.scoring import LEVELS, Score, level_note, score_service

# Which severities must pass for each level (see scoring.level_of).
_BLOCKING = {
    "Bronze": {"critical"},
    "Silver": {"critical", "high"},
    "Gold": {"critical", "high", "medium", "low"},
}


class StoredResult(Protocol):
    check_id: str
    factor: str
    severity: str
    status: str


@dataclass(frozen=True)
class Suggestion:
    check_id: str
    severity: str
    status: str
    gain: float  # score points the service would gain if this check passed


def next_level(level: str) -> str | None:
    """The level above ``level`` ("None" → "Bronze" … "Gold" → None)."""
    index = LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1
    return LEVELS[index - 1] if index > 0 else None


def _as_engine(results: Iterable[StoredResult]) -> list[CheckResult]:
    return [
        CheckResult(
            id=r.check_id,
            factor=r.factor,
            severity=r.severity,
            status=Status(r.status),
            evidence=[],
            message="",
            remediation="",
            effort="",
            title="",
            catalogue_version="",
            fingerprint="",
        )
        for r in results
    ]


def to_next_level(
    results: Sequence[StoredResult], kinds: Iterable[str], level: str
) -> tuple[str | None, list[Suggestion]]:
    """The next level and the failing checks that block it, largest gain first."""
    target = next_level(level)
    if target is None:
        return None, []
    kinds = list(kinds)
    engine = _as_engine(results)
    base = score_service(engine, kinds).score or 0.0
    suggestions = []
    for index, result in enumerate(engine):
        if result.status not in (Status.FAIL, Status.WARN):
            continue
        if result.severity not in _BLOCKING[target]:
            continue
        fixed = [*engine[:index], replace(result, status=Status.PASS), *engine[index + 1 :]]
        gain = (score_service(fixed, kinds).score or 0.0) - base
        suggestions.append(
            Suggestion(result.id, result.severity, str(result.status), round(gain, 1))
        )
    suggestions.sort(key=lambda s: (-s.gain, s.check_id))
    return target, suggestions


@dataclass(frozen=True)
class Grading:
    """The stored results graded again: the level's coverage, cap and note for the page."""

    score: Score
    note: str


def grading(
    results: Sequence[StoredResult], kinds: Iterable[str], ingested: Iterable[str] | None = None
) -> Grading:
    """Why the results earn their level, in words true of those results (``ingested``: the
    sources the scorecard had facts from)."""
    engine = _as_engine(results)
    score = score_service(engine, list(kinds))
    uncounted = sum(
        1
        for r in engine
        if r.factor not in score.factors and r.status in (Status.FAIL, Status.WARN)
    )
    return Grading(score, level_note(score, beyond_failing=uncounted, ingested=ingested))
