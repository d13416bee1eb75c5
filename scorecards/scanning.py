"""Orchestration: which collectors, then discovery, the engine, and persistence.

Shared by the command line, the Celery tasks and the tests. A scan moves through three steps,
each idempotent so a task redelivered after a worker was killed repeats nothing twice:

1. ``collect_source(scan, source)`` per source, writing a ``SourceRun`` (its inventory and the
   facts of each repository, content-addressed);
2. ``plan_services(scan)`` once every source is done: discovery, services upserted;
3. ``score_service(scan, service)`` per service: facts per source (fresh, or the last good ones
   marked stale when the source failed), the engine, one ``Scorecard`` with its results.

The step that finishes last moves the scan on (a counter under a row lock, no result backend),
so the steps can run in parallel on several workers. ``run_scan`` runs all steps in-process.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from scorecards import carry_over
from scorecards import sources as src
from scorecards.checks.context import CheckContext
from scorecards.directory_scoring import NotADirectoryToScore, score_directory  # noqa: F401
from scorecards.discovery import (
    DiscoveryKeys,
    RepoEntry,
    resolve_services,
    scope_to_component,
    slice_aws,
    slice_kubernetes,
    slugify,
)
from scorecards.engine import evaluate_service
from scorecards.models import (
    Facts,
    Scan,
    Scorecard,
    Service,
    Snapshot,
    SourceRun,
    Team,
    Waiver,
)
from scorecards.recording import record_scorecard
from scorecards.waivers import Waiver as EngineWaiver

logger = logging.getLogger(__name__)

REPO_SOURCES = ("github", "local")


# --- requesting a scan --------------------------------------------------------------------


def request_scan(
    trigger: str,
    service: Service | None = None,
    sources: list[str] | None = None,
    reason: str = "",
    requested_by: str = "",
) -> tuple[Scan, bool]:
    """A new queued scan, or the one already queued or running for the same scope.

    Returns ``(scan, created)``. Concurrent triggers coalesce: a burst of pushes to one
    repository yields one scan, not one per push.
    """
    expire_lost_scans()
    scope = service.slug if service else "*"
    wanted = sources or configured_sources_for(service)
    try:
        with transaction.atomic():
            scan = Scan.objects.create(
                trigger=trigger,
                scope=scope,
                service=service,
                sources=wanted,
                reason=reason[:300],
                requested_by=requested_by[:200],
                progress=_initial_progress(wanted),
            )
            return scan, True
    except IntegrityError:
        active = Scan.objects.filter(scope=scope, state__in=Scan.ACTIVE_STATES).first()
        if active is None:  # finished between our insert and this read: try once more
            return request_scan(trigger, service, sources, reason, requested_by)
        return active, False


def configured_sources_for(service: Service | None) -> list[str]:
    configured = src.configured_sources()
    if service is None:
        return configured
    wanted = []
    if service.repository:
        wanted += [s for s in REPO_SOURCES if s in configured]
    if service.aws_resources and "aws" in configured:
        wanted.append("aws")
    if service.k8s_workloads and "kubernetes" in configured:
        wanted.append("kubernetes")
    return wanted or configured


def _initial_progress(sources: list[str]) -> dict:
    return {
        "sources": {s: {"state": "queued", "done": 0, "total": 0} for s in sources},
        "services": {"done": 0, "total": 0, "failed": 0},
    }


def expire_lost_scans(now=None) -> int:
    """Mark scans stuck longer than ``SCAN_TIMEOUT_SECONDS`` as failed (their worker died)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SCAN_TIMEOUT_SECONDS)
    return Scan.objects.filter(state__in=Scan.ACTIVE_STATES, created_at__lt=cutoff).update(
        state=Scan.State.FAILED,
        finished_at=now,
        error="The scan did not finish in time: its worker stopped or the queue is stalled.",
    )


# --- step 1: collect ----------------------------------------------------------------------


def _update_progress(scan_id: int, mutate: Callable[[dict], None]) -> dict:
    with transaction.atomic():
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        mutate(scan.progress)
        fields = ["progress"]
        if scan.state == Scan.State.QUEUED:
            scan.state = Scan.State.RUNNING
            scan.started_at = scan.started_at or timezone.now()
            fields += ["state", "started_at"]
        scan.attempts = scan.attempts or 1
        scan.save(update_fields=[*fields, "attempts"])
        return scan.progress


# Inventories are content-addressed and never change once stored, so a worker scoring the
# hundreds of services of one scan reads and parses each of them once, not once per service.
_INVENTORIES: OrderedDict[str, dict] = OrderedDict()
_INVENTORIES_KEPT = 8


def _runs_with_digest(runs):
    """Source runs with their inventory's digest, not its (large) data."""
    return runs.select_related("inventory").defer("inventory__data")


def inventory_data(run: SourceRun) -> dict:
    """A run's inventory data, by digest (shared between callers: read it, never change it)."""
    digest = run.inventory.digest
    data = _INVENTORIES.get(digest)
    if data is None:
        data = Facts.objects.values_list("data", flat=True).get(pk=run.inventory_id)
        _INVENTORIES[digest] = data
        while len(_INVENTORIES) > _INVENTORIES_KEPT:
            _INVENTORIES.popitem(last=False)
    else:
        _INVENTORIES.move_to_end(digest)
    return data


def _repo_entries(source: str, scan: Scan | None = None) -> dict[str, dict]:
    """Per repository, the newest entry a successful run of ``source`` stored (up to ``scan``).

    The last organisation-wide run, overlaid with the single-service runs (webhook rescans)
    after it: a single-service run lists one repository, so taking the last run alone would
    forget every other repository's facts and ETag -- and retire their services.
    """
    runs = SourceRun.objects.filter(source=source, state=SourceRun.State.DONE).exclude(
        inventory=None
    )
    if scan is not None:
        runs = runs.filter(scan__created_at__lte=scan.created_at)
    base = (
        _runs_with_digest(runs.filter(scan__service=None).select_related("scan"))
        .order_by("-scan__created_at")
        .first()
    )
    newer = runs.exclude(scan__service=None)
    if base is not None:
        newer = newer.filter(scan__created_at__gt=base.scan.created_at)
    entries: dict[str, dict] = {}
    for run in [base, *_runs_with_digest(newer).order_by("scan__created_at")]:
        if run is not None:
            for repo in inventory_data(run).get("repos", []):
                entries[repo["full_name"]] = repo
    return entries


def _previous_repos(source: str) -> dict[str, dict]:
    """What successful runs of a repository source knew per repository (ETags, facts)."""
    return _repo_entries(source)


def _run_collector(scan: Scan, source: str) -> src.SourceOutput:
    only = None
    if scan.service and scan.service.repository and source in REPO_SOURCES:
        only = {scan.service.repository}

    def progress(done: int, total: int, label: str) -> None:
        def mutate(p: dict) -> None:
            entry = p.setdefault("sources", {}).setdefault(source, {})
            entry.update(state="running", done=done, total=total, current=label)

        _update_progress(scan.pk, mutate)

    if source == "local":
        return src.collect_local(_previous_repos("local"), only=only, progress=progress)
    if source == "github":
        return src.collect_github_source(_previous_repos("github"), only=only, progress=progress)
    if source == "aws":
        return src.collect_aws_source(progress=progress)
    if source == "kubernetes":
        return src.collect_kubernetes_source(progress=progress)
    raise src.SourceNotConfigured(f"unknown source {source!r}")


def collect_source(scan_id: int, source: str) -> bool:
    """Collect one source for a scan. True when this was the last source to finish."""
    scan = Scan.objects.select_related("service").get(pk=scan_id)
    if scan.state not in Scan.ACTIVE_STATES:
        return False
    run, created = SourceRun.objects.get_or_create(scan=scan, source=source)
    if not created and run.state != SourceRun.State.RUNNING:
        # Redelivered after it was stored: repeat nothing, but still say whether the scan can
        # move on, in case the worker died between storing and enqueueing the next step.
        return _sources_finished(scan)
    _update_progress(scan_id, lambda p: p["sources"][source].update(state="running"))
    started = time.monotonic()
    try:
        output = _run_collector(scan, source)
    except Exception as exc:  # a source failing must not sink the scan: the rest goes on
        logger.warning(
            "source failed", extra={"scan": scan_id, "source": source, "error": str(exc)}
        )
        run.state = SourceRun.State.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        repos = []
        for repo in output.repos:
            entry = {k: v for k, v in asdict(repo).items() if k != "facts"}
            if repo.facts is not None:
                entry["facts_digest"] = Facts.store(repo.facts).digest
            repos.append(entry)
        if source in REPO_SOURCES:
            inventory = {**output.inventory, "repos": repos}
        else:
            previous = _latest_runs(scan).get(source)
            inventory = carry_over.keep_last_good(
                source, output.inventory, previous.inventory.data if previous else None
            )
        run.inventory = Facts.store(inventory)
        run.requests = output.requests
        if output.retry_at is not None:
            run.requests = {**output.requests, "retry_at": output.retry_at}
        run.error = "\n".join(output.errors)[:2000]
        run.state = SourceRun.State.DONE
    run.finished_at = timezone.now()
    run.save()
    seconds = round(time.monotonic() - started, 3)

    def finish(p: dict) -> None:
        entry = p["sources"][source]
        entry.update(
            state="failed" if run.state == SourceRun.State.FAILED else "done",
            error=run.error,
            requests=run.requests,
            seconds=seconds,
        )
        if run.requests.get("retry_at"):
            entry["retry_at"] = _iso(run.requests["retry_at"])
        entry.pop("current", None)

    _update_progress(scan_id, finish)
    return _sources_finished(scan)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


def rate_limit_reset(scan_id: int, source: str) -> datetime | None:
    """When a rate limit cut this source's collection short: the moment it resets."""
    requests = (
        SourceRun.objects.filter(scan_id=scan_id, source=source)
        .values_list("requests", flat=True)
        .first()
    )
    retry_at = (requests or {}).get("retry_at")
    return datetime.fromtimestamp(retry_at, tz=UTC) if retry_at else None


def request_follow_up(scan_id: int, source: str) -> tuple[Scan, bool]:
    """A scan of ``source`` for what ``scan_id`` could not reach (coalesced like any other)."""
    reason = f"resumes scan {scan_id}: {source} rate limit reset"
    # A follow-up due in an hour outlives the broker's visibility timeout and may be
    # delivered twice: the second delivery finds the first one's scan and does nothing.
    done = Scan.objects.filter(reason=reason).first()
    if done is not None:
        return done, False
    earlier = Scan.objects.select_related("service").get(pk=scan_id)
    return request_scan(
        Scan.Trigger.SCHEDULE,
        service=earlier.service,
        sources=[source],
        reason=reason,
        requested_by=earlier.requested_by,
    )


def _sources_finished(scan: Scan) -> bool:
    """Counted from the rows, not a counter: a redelivered task must not count twice."""
    finished = SourceRun.objects.filter(scan=scan).exclude(state=SourceRun.State.RUNNING)
    return finished.count() >= len(scan.sources)


# --- step 2: discovery --------------------------------------------------------------------


def _latest_runs(scan: Scan) -> dict[str, SourceRun]:
    """Per source: this scan's successful run, else the last successful one before it."""
    runs = {}
    for source in ("github", "local", "aws", "kubernetes"):
        run = (
            _runs_with_digest(SourceRun.objects.filter(source=source, state=SourceRun.State.DONE))
            .filter(scan__created_at__lte=scan.created_at)
            .order_by("-scan__created_at")
            .first()
        )
        if run is not None:
            runs[source] = run
    return runs


def _discovery_keys() -> DiscoveryKeys:
    return DiscoveryKeys(
        aws_name_tags=tuple(settings.SERVICE_TAG_KEYS),
        aws_team_tags=tuple(settings.TEAM_TAG_KEYS),
        k8s_name_labels=tuple(settings.SERVICE_LABEL_KEYS),
        k8s_team_labels=tuple(settings.TEAM_LABEL_KEYS),
    )


def plan_services(scan_id: int) -> list[int]:
    """Discovery (for an organisation scan) and the ids of the services to score."""
    scan = Scan.objects.select_related("service").get(pk=scan_id)
    if scan.service is not None:
        ids = [scan.service.pk]
    else:
        runs = _latest_runs(scan)
        entries = [repo for source in REPO_SOURCES for repo in _repo_entries(source, scan).values()]
        # One query for every repository's facts, not one per repository.
        digests = [r["facts_digest"] for r in entries if r.get("facts_digest")]
        facts_by_digest = dict(
            Facts.objects.filter(digest__in=digests).values_list("digest", "data")
        )
        repos = [
            RepoEntry(
                full_name=repo["full_name"],
                facts=facts_by_digest.get(repo.get("facts_digest")),
                topics=repo.get("topics") or [],
                default_branch=repo.get("default_branch") or "",
            )
            for repo in entries
        ]
        aws = inventory_data(runs["aws"]).get("resources", []) if "aws" in runs else []
        k8s = inventory_data(runs["kubernetes"]).get("objects", []) if "kubernetes" in runs else []
        specs = resolve_services(repos, aws, k8s, _discovery_keys())
        ids = _upsert_services(specs)
    _update_progress(scan_id, lambda p: p["services"].update(total=len(ids), done=0, failed=0))
    return ids


def _upsert_services(specs) -> list[int]:
    now = timezone.now()
    ids = []
    with transaction.atomic():
        teams = {t.slug: t for t in Team.objects.all()}
        for spec in specs:
            team = None
            if spec.team:
                team_slug = slugify(spec.team)
                team = teams.get(team_slug)
                if team is None:
                    team = teams[team_slug] = Team.objects.create(slug=team_slug, name=spec.team)
            service, _ = Service.objects.update_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "team": team,
                    "description": spec.description,
                    "lifecycle": spec.lifecycle,
                    "repository": spec.repository,
                    "repository_path": spec.repository_path,
                    "default_branch": spec.default_branch,
                    "aws_resources": spec.aws_arns,
                    "k8s_workloads": spec.k8s_locators,
                    "discovered_from": {**spec.discovered_from, "team": spec.team_source},
                    "last_seen_at": now,
                    "retired": False,
                },
            )
            ids.append(service.pk)
        Service.objects.exclude(pk__in=ids).update(retired=True)
    return ids


# --- step 3: score ------------------------------------------------------------------------


def _repo_facts(service: Service, entries: dict[str, dict]) -> tuple[dict | None, dict]:
    """The repository facts of a service, and the repo entry they came from."""
    repo = entries.get(service.repository) if service.repository else None
    if not repo or not repo.get("facts_digest"):
        return None, {}
    facts = Facts.objects.get(digest=repo["facts_digest"])
    return facts.data, {**repo, "facts_pk": facts.pk}


def score_service(scan_id: int, service_id: int, today: date | None = None) -> bool:
    """Score one service for a scan. True when this was the last service of the scan."""
    scan = Scan.objects.get(pk=scan_id)
    service = Service.objects.get(pk=service_id)
    if scan.state not in Scan.ACTIVE_STATES:
        return False
    failed = False
    if not Scorecard.objects.filter(scan=scan, service=service).exists():
        try:
            _score_and_store(scan, service, today or timezone.localdate())
        except Exception as exc:
            logger.exception("scoring failed", extra={"scan": scan_id, "service": service.slug})
            failed = f"{service.slug}: {type(exc).__name__}: {exc}"[:300]

    def count(p: dict) -> None:
        services = p["services"]
        if failed and failed not in services.setdefault("errors", []):
            services["errors"].append(failed)
        services["failed"] = len(services.get("errors", []))
        # Counted from the rows, not incremented: a redelivered task must not count twice.
        services["done"] = Scorecard.objects.filter(scan_id=scan_id).count() + services["failed"]

    progress = _update_progress(scan_id, count)
    return progress["services"]["done"] >= progress["services"]["total"]


def _score_and_store(scan: Scan, service: Service, today: date) -> Scorecard:
    started = time.monotonic()
    this_scan = {r.source: r for r in scan.source_runs.all()}
    latest = _latest_runs(scan)
    facts_by_source: dict[str, tuple[dict | None, dict, bool, str]] = {}
    siblings = None
    for source in REPO_SOURCES:
        facts, entry = _repo_facts(service, _repo_entries(source, scan))
        if facts is not None:
            if siblings is None:
                siblings = list(
                    Service.objects.filter(repository=service.repository, retired=False)
                    .exclude(pk=service.pk)
                    .values_list("repository_path", flat=True)
                )
            if service.repository_path or any(siblings):
                # A monorepo component: judged on its folder and the shared files only.
                facts = scope_to_component(facts, service.repository_path, siblings)
                entry = {k: v for k, v in entry.items() if k != "facts_pk"}
            run = this_scan.get(source)
            failed_now = run is not None and run.state == SourceRun.State.FAILED
            # "deferred": a rate limit stopped the scan before this repository was fetched.
            not_refreshed = entry.get("status") in ("failed", "deferred")
            stale = failed_now or not_refreshed
            # The repository's own reason, not every other repository's error of the run.
            own = "" if failed_now else entry.get("error", "")
            error = own or (run.error if run is not None else "")
            facts_by_source[source] = (facts, entry, stale, error)
    for source, slicer, links in (
        ("aws", slice_aws, service.aws_resources),
        ("kubernetes", slice_kubernetes, service.k8s_workloads),
    ):
        run = latest.get(source)
        if run is not None and links:
            facts = slicer(inventory_data(run), links)
            failed_now = source in this_scan and this_scan[source].state == SourceRun.State.FAILED
            # A part of the source that failed (a namespace, an account) carried its last
            # good objects over: stale too, with that part's error.
            carried = carry_over.stale_reason(facts)
            error = this_scan[source].error if failed_now else carried
            facts_by_source[source] = (facts, {}, failed_now or bool(carried), error)

    repo = (facts_by_source.get("github") or facts_by_source.get("local") or (None,))[0]
    ctx = CheckContext(
        repo=repo,
        aws=(facts_by_source.get("aws") or (None,))[0],
        kubernetes=(facts_by_source.get("kubernetes") or (None,))[0],
    )
    extra = [
        EngineWaiver(
            check=w.check_id,
            reason=w.reason,
            expires=w.expires,
            author=w.created_by.get_username() if w.created_by else "",
            locator=f"portal waiver #{w.pk}",
        )
        # Only waivers a platform lead approved count; requests and denials are history.
        for w in service.waivers.filter(
            state=Waiver.State.APPROVED, expires__gte=today
        ).select_related("created_by")
    ]
    report = evaluate_service(ctx, today=today, service=service.name, extra_waivers=extra)
    stale_sources = sorted(s for s, (_f, _e, stale, _err) in facts_by_source.items() if stale)

    with transaction.atomic():
        for source, (facts, entry, stale, error) in facts_by_source.items():
            if facts is None:
                continue
            stored = (
                Facts.objects.get(pk=entry["facts_pk"])
                if "facts_pk" in entry
                else (Facts.store(facts))
            )
            Snapshot.objects.get_or_create(
                service=service,
                scan=scan,
                source=source,
                defaults={
                    "facts": stored,
                    "revision": entry.get("commit") or "",
                    "etag": entry.get("etag") or "",
                    "stale": stale,
                    "error": error if stale else "",
                },
            )
        scorecard = record_scorecard(
            service,
            scan,
            report.results,
            report.score,
            report.kinds,
            commit=report.commit or "",
            stale_sources=stale_sources,
            catalogue_version=report.catalogue_version,
        )
    logger.info(
        "service scored",
        extra={
            "scan": scan.pk,
            "service": service.slug,
            "score": report.score.score,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return scorecard


# --- finishing ----------------------------------------------------------------------------


def finish_scan(scan_id: int) -> Scan:
    with transaction.atomic():
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        if scan.state not in Scan.ACTIVE_STATES:
            return scan
        sources = scan.progress.get("sources", {})
        services = scan.progress.get("services", {})
        failed_sources = [s for s, p in sources.items() if p.get("state") == "failed"]
        # Collected, but a part of the source failed (a namespace, an account, a rate limit):
        # what the scan shows for that part is carried over, so the scan is not complete.
        incomplete = [s for s, p in sources.items() if p.get("state") == "done" and p.get("error")]
        if sources and len(failed_sources) == len(sources):
            scan.state = Scan.State.FAILED
        elif failed_sources or incomplete or services.get("failed"):
            scan.state = Scan.State.PARTIAL
        else:
            scan.state = Scan.State.SUCCEEDED
        errors = [f"{s}: {sources[s].get('error')}" for s in failed_sources + incomplete]
        if services.get("failed"):
            errors.append(f"{services['failed']} service(s) could not be scored")
        scan.error = "\n".join(errors)
        scan.finished_at = timezone.now()
        scan.save(update_fields=["state", "error", "finished_at"])
    from portal.metrics import SCANS

    SCANS.labels(scan.trigger, scan.state).inc()
    return scan


def run_scan(scan_id: int, today: date | None = None) -> Scan:
    """Every step of a scan in this process, one after the other."""
    scan = Scan.objects.get(pk=scan_id)
    for source in scan.sources:
        collect_source(scan_id, source)
    for service_id in plan_services(scan_id):
        score_service(scan_id, service_id, today=today)
    return finish_scan(scan_id)
