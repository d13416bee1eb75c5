"""Test data through the real scoring code: teams, services and scorecards with history.

``record_scorecard`` writes what ``scanning._score_and_store`` writes (results of every
catalogue check, factor scores, level) for statuses a test chooses, so page and API tests get
realistic rows without collecting a repository. Checks not named pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from scorecards.checks.registry import CATALOGUE_VERSION, catalogue
from scorecards.checks.results import CheckResult as EngineResult
from scorecards.checks.results import Evidence, Status, fingerprint
from scorecards.models import Scan, Scorecard, Service, Team
from scorecards.recording import record_scorecard as store
from scorecards.scoring import score_service


def make_team(slug: str, name: str | None = None) -> Team:
    return Team.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})[0]


def make_service(
    slug: str, team: Team | None = None, kinds: list[str] | None = None, **fields
) -> Service:
    defaults = {"name": slug, "team": team, "kinds": kinds or ["container"], **fields}
    return Service.objects.update_or_create(slug=slug, defaults=defaults)[0]


def record_scorecard(
    service: Service,
    statuses: dict[str, str] | None = None,
    when: datetime | None = None,
    commit: str = "",
    evidence: dict[str, list[dict]] | None = None,
    stale_sources: list[str] | None = None,
) -> Scorecard:
    """A finished scan of one service whose checks have ``statuses`` (others pass)."""
    when = when or timezone.now()
    statuses = statuses or {}
    evidence = evidence or {}
    results = []
    for spec in catalogue().values():
        found = [
            Evidence(e["locator"], e.get("excerpt", ""), e.get("source", "github"))
            for e in evidence.get(spec.id, [{"locator": "Dockerfile:1", "excerpt": "FROM x"}])
        ]
        results.append(
            EngineResult(
                id=spec.id,
                factor=spec.factor,
                severity=spec.severity,
                status=Status(statuses.get(spec.id, "pass")),
                evidence=found,
                message=f"{spec.title}: {statuses.get(spec.id, 'pass')}",
                remediation=spec.remediation,
                effort=spec.effort,
                title=spec.title,
                catalogue_version=CATALOGUE_VERSION,
                fingerprint=fingerprint(spec.id, found),
            )
        )
    score = score_service(results, service.kinds)
    scan = Scan.objects.create(
        trigger=Scan.Trigger.SCHEDULE,
        state=Scan.State.SUCCEEDED,
        scope=service.slug,
        service=service,
        created_at=when,
        started_at=when,
        finished_at=when + timedelta(seconds=2),
    )
    scorecard = store(
        service,
        scan,
        results,
        score,
        service.kinds,
        commit=commit,
        stale_sources=stale_sources or [],
        created_at=when,
    )
    # Tests may record history out of order: the latest is the newest by date, as in a scan.
    latest = Scorecard.objects.filter(service=service).order_by("-created_at", "-pk").first()
    Scorecard.objects.filter(service=service).exclude(pk=latest.pk).update(is_latest=False)
    Scorecard.objects.filter(pk=latest.pk).update(is_latest=True)
    Service.objects.filter(pk=service.pk).update(latest_scorecard=latest)
    service.refresh_from_db()
    return scorecard
