"""Rows into the JSON the API documents (openapi.yaml ``components/schemas``)."""

from __future__ import annotations

from scorecards.models import CheckResult, PullRequestEvaluation, Scan, Scorecard, Service, Team


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def team_ref(team: Team | None) -> dict | None:
    return {"slug": team.slug, "name": team.name} if team else None


def scorecard_brief(scorecard: Scorecard | None) -> dict | None:
    if scorecard is None:
        return None
    return {
        "id": scorecard.pk,
        "score": scorecard.score,
        "level": scorecard.level,
        "coverage": scorecard.coverage,
        "level_coverage": scorecard.level_coverage,
        "commit": scorecard.commit,
        "created_at": _time(scorecard.created_at),
    }


def scorecard(card: Scorecard) -> dict:
    scan = card.scan
    return {
        **scorecard_brief(card),
        "service": card.service.slug,
        "factors": card.factors,
        "counts": card.counts,
        "kinds": card.kinds,
        "catalogue_version": card.catalogue_version,
        "stale_sources": card.stale_sources,
        "is_latest": card.is_latest,
        "scan": {"id": scan.pk, "trigger": scan.trigger, "reason": scan.reason},
    }


def service(item: Service) -> dict:
    return {
        "slug": item.slug,
        "name": item.name,
        "team": team_ref(item.team),
        "kinds": item.kinds,
        "lifecycle": item.lifecycle,
        "repository": item.repository,
        "default_branch": item.default_branch,
        "retired": item.retired,
        "latest_scorecard": scorecard_brief(item.latest_scorecard),
    }


def service_detail(item: Service) -> dict:
    latest = item.latest_scorecard
    return {
        **service(item),
        "description": item.description,
        "latest_scorecard": scorecard(latest) if latest else None,
        "aws_resources": item.aws_resources,
        "k8s_workloads": item.k8s_workloads,
    }


def result(row: CheckResult) -> dict:
    return {
        "check_id": row.check_id,
        "factor": row.factor,
        "severity": row.severity,
        "status": row.status,
        "message": row.message,
        "evidence": row.evidence,
        "waiver": row.waiver,
    }


def team(row: Team) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "services": row.service_count,
        "score": None if row.mean_score is None else round(row.mean_score, 1),
        "coverage": None if row.mean_coverage is None else round(row.mean_coverage, 1),
        "low_coverage": row.low_coverage,
    }


def scan(row: Scan) -> dict:
    return {
        "id": row.pk,
        "trigger": row.trigger,
        "state": row.state,
        "scope": row.scope,
        "service": row.service.slug if row.service_id else None,
        "reason": row.reason,
        "requested_by": row.requested_by,
        "created_at": _time(row.created_at),
        "started_at": _time(row.started_at),
        "finished_at": _time(row.finished_at),
        "duration_seconds": row.duration_seconds,
        "progress": row.progress,
        "error": row.error,
    }


def pull_request(row: PullRequestEvaluation) -> dict:
    return {
        "id": row.pk,
        "service": row.service.slug,
        "repository": row.repository,
        "number": row.number,
        "head_sha": row.head_sha,
        "head_ref": row.head_ref,
        "score": row.score,
        "level": row.level,
        "delta": row.delta,
        "regressions": row.regressions,
        "base_scorecard": row.base_scorecard_id,
        "feedback": row.feedback,
        "created_at": _time(row.created_at),
    }
