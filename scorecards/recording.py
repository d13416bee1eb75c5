"""Writing a scorecard: its results, its counts, and the service's latest pointer.

One place for what every producer of scorecards (scans, results pushed through the API, test
data) must write the same way: dashboards read ``Service.latest_scorecard`` and the
``is_latest`` flag, so both move together, in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from scorecards.checks.registry import CATALOGUE_VERSION
from scorecards.checks.results import CheckResult as EngineResult
from scorecards.models import CheckResult, Scan, Scorecard, Service
from scorecards.scoring import Score


def status_counts(results: Iterable[EngineResult]) -> dict[str, int]:
    return dict(Counter(str(r.status) for r in results))


def record_scorecard(
    service: Service,
    scan: Scan,
    results: list[EngineResult],
    score: Score,
    kinds: list[str],
    commit: str = "",
    stale_sources: Iterable[str] = (),
    created_at: datetime | None = None,
    catalogue_version: str = CATALOGUE_VERSION,
    ecosystems: Iterable[str] = (),
) -> Scorecard:
    """Store a scorecard and its results and make it the service's latest."""
    extra = {"created_at": created_at} if created_at is not None else {}
    scorecard = Scorecard.objects.create(
        service=service,
        scan=scan,
        score=score.score,
        level=score.level,
        coverage=score.coverage,
        level_coverage=score.level_coverage,
        factors=score.factors,
        counts=status_counts(results),
        kinds=list(kinds),
        catalogue_version=catalogue_version,
        commit=commit or "",
        stale_sources=sorted(stale_sources),
        ecosystems=list(ecosystems),
        **extra,
    )
    CheckResult.objects.bulk_create(
        CheckResult(
            scorecard=scorecard,
            check_id=r.id,
            factor=r.factor,
            severity=r.severity,
            status=str(r.status),
            message=r.message,
            evidence=[e.as_dict() for e in r.evidence],
            fingerprint=r.fingerprint,
            waiver=r.waiver,
        )
        for r in results
    )
    Scorecard.objects.filter(service=service, is_latest=True).exclude(pk=scorecard.pk).update(
        is_latest=False
    )
    service.latest_scorecard = scorecard
    service.kinds = list(kinds)
    service.save(update_fields=["latest_scorecard", "kinds"])
    return scorecard
