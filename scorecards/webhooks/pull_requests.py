"""Score a pull request's head commit and tell GitHub: a check run, else a commit status.

The head is scored exactly like the default branch (same engine, same portal waivers) but is
stored as a ``PullRequestEvaluation``: ``Service.latest_scorecard`` and the history keep
describing the default branch only. The comparison is against that latest scorecard, and only
regressions (a check that passes on the default branch and fails at the head) fail the check
run: a pull request is not blocked for debts it did not create.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from scorecards.checks.context import CheckContext
from scorecards.checks.registry import TWELVE_FACTOR_KEYS
from scorecards.checks.results import Status
from scorecards.collectors.github import GitHubClient, GitHubError, read_tarball
from scorecards.engine import Report, evaluate_service
from scorecards.models import PullRequestEvaluation, Service
from scorecards.reports.locators import file_and_line
from scorecards.scanning import approved_waivers
from scorecards.scoring import coverage_of
from scorecards.sources import github_config
from scorecards.waivers import Waiver as EngineWaiver

logger = logging.getLogger(__name__)

CHECK_NAME = "12-factor scorecard"
# GitHub accepts at most 50 annotations per check-run request; more go in follow-up PATCHes.
ANNOTATIONS_PER_REQUEST = 50
# And keeps at most this many per check run: past it, the summary says how many were left out.
MAX_ANNOTATIONS = 1000
STATUS_DESCRIPTION_MAX = 140


def fetch_commit_facts(client: GitHubClient, repository: str, sha: str, installation_id=None):
    """Repository facts of one commit: its tarball, streamed under the size caps, analysed."""
    owner, _, name = repository.partition("/")
    config = client.config
    with tempfile.SpooledTemporaryFile(max_size=config.spool_memory_bytes) as spool:
        client.download(
            f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}/tarball/{quote(sha, safe='')}",
            spool,
            kind="tarball",
            max_bytes=config.max_tarball_bytes,
            owner=owner,
            installation_id=installation_id,
        )
        result = read_tarball(
            spool,
            root_name=repository,
            commit=sha,
            max_file_bytes=config.max_file_bytes,
            max_members=config.max_members,
            max_unpacked_bytes=config.max_unpacked_bytes,
        )
    return result.facts


def portal_waivers(service: Service, today: date) -> list[EngineWaiver]:
    """The waivers a scan would apply: approved ones only (``scanning.approved_waivers``)."""
    return approved_waivers(service, today)


def evaluate_pull_request(
    work: dict, services: list[Service], client: GitHubClient | None = None
) -> list[PullRequestEvaluation]:
    """Score the head commit once per service built from the repository; report each."""
    sha = work["head_sha"]
    todo = [
        s
        for s in services
        if not PullRequestEvaluation.objects.filter(
            service=s, head_sha=sha, feedback__has_key="kind"
        ).exists()
    ]
    done = list(
        PullRequestEvaluation.objects.filter(head_sha=sha, service__in=services).exclude(
            service__in=todo
        )
    )
    if not todo:
        return done
    owns_client = client is None
    client = client or GitHubClient(github_config())
    try:
        facts = fetch_commit_facts(
            client, work["repository"], sha, installation_id=work.get("installation_id")
        )
        today = timezone.localdate()
        for service in todo:
            report = evaluate_service(
                CheckContext(repo=facts),
                today=today,
                service=service.name,
                extra_waivers=portal_waivers(service, today),
                # A pull request may add a waiver to its own .twelve-factor.yml: a request at
                # most, never something that makes its head pass.
                apply_repository_waivers=False,
            )
            evaluation = _store(service, work, report)
            evaluation.feedback = (
                post_feedback(client, evaluation, work) if settings.PR_FEEDBACK else {"kind": "off"}
            )
            evaluation.save(update_fields=["feedback"])
            done.append(evaluation)
    finally:
        if owns_client:
            client.close()
    return done


def _store(service: Service, work: dict, report: Report) -> PullRequestEvaluation:
    base = service.latest_scorecard
    base_status = dict(base.results.values_list("check_id", "status")) if base else {}
    results = [
        {
            "check_id": r.id,
            "factor": r.factor,
            "severity": r.severity,
            "status": str(r.status),
            "message": r.message,
            "evidence": [e.as_dict() for e in r.evidence],
        }
        for r in report.results
    ]
    regressions = [
        r.id for r in report.results if r.status is Status.FAIL and base_status.get(r.id) == "pass"
    ]
    counts: dict[str, int] = {}
    for r in report.results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    evaluation, _ = PullRequestEvaluation.objects.update_or_create(
        service=service,
        head_sha=work["head_sha"],
        defaults={
            "repository": work["repository"],
            "number": work.get("number") or 0,
            "head_ref": work.get("head_ref", "")[:200],
            "base_scorecard": base,
            "score": report.score.score,
            "level": report.score.level,
            "factors": report.score.factors,
            "counts": counts,
            "results": results,
            "regressions": regressions,
        },
    )
    return evaluation


# --- feedback ---------------------------------------------------------------------------


def _coverage_text(evaluation: PullRequestEvaluation) -> str:
    """`` · 82% decided``: the score's coverage, from the stored twelve-factor results."""
    counted = [
        SimpleNamespace(status=Status(r["status"]), severity=r["severity"])
        for r in evaluation.results
        if r.get("factor") in TWELVE_FACTOR_KEYS
    ]
    coverage = coverage_of(counted)
    return "" if coverage is None else f" · {coverage:g}% decided"


def _score_text(evaluation: PullRequestEvaluation) -> str:
    score = "n/a" if evaluation.score is None else f"{evaluation.score:g}"
    delta = evaluation.delta
    change = "" if delta is None else f" ({delta:+g} vs. default branch)"
    level = evaluation.level or "None"
    return f"12-factor {score} · {level}{_coverage_text(evaluation)}{change}"


def annotations(evaluation: PullRequestEvaluation) -> list[dict]:
    """One annotation per file location of a failing check; regressions first, as failures."""
    regressions = set(evaluation.regressions)
    found = []
    for result in sorted(evaluation.results, key=lambda r: (r["check_id"] not in regressions,)):
        if result["status"] != "fail":
            continue
        for evidence in result["evidence"]:
            place = file_and_line(evidence.get("source", ""), evidence.get("locator", ""))
            if place is None:
                continue
            path, line = place
            regression = result["check_id"] in regressions
            found.append(
                {
                    "path": path,
                    "start_line": line or 1,
                    "end_line": line or 1,
                    "annotation_level": "failure" if regression else "warning",
                    "title": result["check_id"] + (" (regression)" if regression else ""),
                    "message": result["message"] or result["check_id"],
                }
            )
    return found


def check_run_output(evaluation: PullRequestEvaluation, notes: list[dict]) -> dict:
    lines = [f"**{_score_text(evaluation)}** for `{evaluation.service.name}`."]
    if evaluation.regressions:
        lines.append("")
        lines.append("Checks that pass on the default branch and fail here:")
        lines += [f"- `{check_id}`" for check_id in evaluation.regressions]
    elif evaluation.base_scorecard is None:
        lines.append("No default-branch scorecard yet to compare with.")
    else:
        lines.append("No regressions against the default branch.")
    failing = evaluation.counts.get("fail", 0)
    if failing:
        lines.append(f"\n{failing} check(s) fail in total; only regressions fail this check run.")
    if len(notes) > MAX_ANNOTATIONS:
        lines.append(f"\n{len(notes) - MAX_ANNOTATIONS} further annotation(s) left out.")
    return {"title": _score_text(evaluation), "summary": "\n".join(lines)}


def post_feedback(client: GitHubClient, evaluation: PullRequestEvaluation, work: dict) -> dict:
    """A completed check run with annotations (50 per request); a commit status when the
    credentials may not create check runs (GitHub answers 403 to tokens that are not an App's)."""
    owner, _, name = work["repository"].partition("/")
    base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    auth = {"owner": owner, "installation_id": work.get("installation_id")}
    notes = annotations(evaluation)
    output = check_run_output(evaluation, notes)
    notes = notes[:MAX_ANNOTATIONS]
    conclusion = "failure" if evaluation.regressions else "success"
    body = {
        "name": f"{CHECK_NAME}: {evaluation.service.name}",
        "head_sha": evaluation.head_sha,
        "status": "completed",
        "conclusion": conclusion,
        "completed_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "output": {**output, "annotations": notes[:ANNOTATIONS_PER_REQUEST]},
    }
    try:
        response = client.request(
            "POST", f"{base}/check-runs", kind="check_run", json=body, ok=(201,), **auth
        )
    except GitHubError as exc:
        if exc.status != 403:
            logger.warning("check run refused", extra={"error": str(exc)})
            return {"kind": "error", "error": str(exc)[:500]}
        return _post_status(client, base, evaluation, conclusion, auth)
    run_id = response.json().get("id")
    for start in range(ANNOTATIONS_PER_REQUEST, len(notes), ANNOTATIONS_PER_REQUEST):
        client.request(
            "PATCH",
            f"{base}/check-runs/{run_id}",
            kind="check_run",
            json={"output": {**output, "annotations": notes[start : start + 50]}},
            **auth,
        )
    return {"kind": "check_run", "id": run_id, "conclusion": conclusion}


def _post_status(client, base, evaluation, conclusion, auth) -> dict:
    regressions = len(evaluation.regressions)
    description = _score_text(evaluation)
    if regressions:
        description += f"; {regressions} regression(s)"
    body = {
        "state": conclusion,
        "description": description[:STATUS_DESCRIPTION_MAX],
        "context": f"12-factor/{evaluation.service.slug}",
    }
    try:
        client.request(
            "POST",
            f"{base}/statuses/{evaluation.head_sha}",
            kind="status",
            json=body,
            ok=(201,),
            **auth,
        )
    except GitHubError as exc:
        logger.warning("commit status refused", extra={"error": str(exc)})
        return {"kind": "error", "error": str(exc)[:500]}
    return {"kind": "status", "state": conclusion}
