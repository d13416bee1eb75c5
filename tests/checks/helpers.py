"""Score fixture repositories through the real collector and engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.checks.results import CheckResult
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import Report, evaluate_service

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
TODAY = date(2026, 11, 25)


def report_for(fixture: str | Path, today: date = TODAY) -> Report:
    path = Path(fixture)
    if not path.is_absolute():
        path = FIXTURES / path
    facts = collect_directory(path)
    return evaluate_service(CheckContext(repo=facts), today=today)


def result_for(fixture: str | Path, check_id: str, today: date = TODAY) -> CheckResult:
    for result in report_for(fixture, today).results:
        if result.id == check_id:
            return result
    raise KeyError(check_id)


def result_from_facts(facts: dict, check_id: str, today: date = TODAY) -> CheckResult:
    """Score hand-written facts (for shapes that are awkward as fixture trees)."""
    base = {
        "schema": 1,
        "source": "local",
        "root": "t",
        "paths": [],
        "documents": [],
        "dockerfiles": [],
        "manifests": [],
        "lockfiles": [],
        "signals": [],
        "procfiles": [],
        "env_files": [],
        "codeowners": [],
        "scripts": [],
        "terraform": [],
        "errors": [],
    }
    report = evaluate_service(CheckContext(repo={**base, **facts}), today=today)
    return next(r for r in report.results if r.id == check_id)
