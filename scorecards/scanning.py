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
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from scorecards import carry_over
from scorecards import sources as src
from scorecards.checks.context import CheckContext
from scorecards.directory_scoring import NotADirectoryToScore, score_directory  # noqa: F401
from scorecards.discovery import (
    ClaimConflict,
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
    ServiceClaimConflict,
    Snapshot,
    SourceRun,
    Team,
    Waiver,
)
from scorecards.recording import record_scorecard
from scorecards.waivers import PORTAL as PORTAL_WAIVER
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
    """Fail scans that will never finish, so their scope takes a new scan instead of joining.

    Any scan active longer than ``SCAN_TIMEOUT_SECONDS``; and, sooner, a scan run in-process
    (no broker: nothing redelivers its steps) whose process is gone, or whose heartbeat stopped
    for ``SCAN_HEARTBEAT_TIMEOUT_SECONDS`` -- a killed or timed-out web request. With a broker,
    a killed worker's tasks are redelivered, so only the overall timeout applies there.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SCAN_TIMEOUT_SECONDS)
    expired = Scan.objects.filter(state__in=Scan.ACTIVE_STATES, created_at__lt=cutoff).update(
        state=Scan.State.FAILED,
        finished_at=now,
        error="The scan did not finish in time: its worker stopped or the queue is stalled.",
    )
    dead = [scan.pk for scan in _in_process_scans() if _abandoned(scan, now)]
    abandoned = Scan.objects.filter(pk__in=dead, state=Scan.State.RUNNING).update(
        state=Scan.State.FAILED,
        finished_at=now,
        error="abandoned: the process running this scan stopped (killed or timed out).",
    )
    if abandoned:
        logger.warning("abandoned scans failed", extra={"scans": dead})
    return expired + abandoned


# --- who runs a scan: heartbeat and owner ---------------------------------------------------

_IN_PROCESS = "inproc"
_RUNNING_HERE: set[int] = set()
_RUNNING_LOCK = threading.Lock()


@contextmanager
def running_here(scan_id: int):
    """Marks a scan as run by this process, step after step (no broker, or ``run_scan``)."""
    with _RUNNING_LOCK:
        _RUNNING_HERE.add(scan_id)
    try:
        yield
    finally:
        with _RUNNING_LOCK:
            _RUNNING_HERE.discard(scan_id)


def _worker_label(scan_id: int) -> str:
    # os.getpid() at call time: a forked worker is another process than the one importing.
    here = f"{socket.gethostname()}:{os.getpid()}"
    return f"{_IN_PROCESS}:{here}" if scan_id in _RUNNING_HERE else here


def _in_process_scans():
    return Scan.objects.filter(state=Scan.State.RUNNING, worker__startswith=f"{_IN_PROCESS}:").only(
        "pk", "worker", "heartbeat_at"
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _abandoned(scan: Scan, now) -> bool:
    """Whether an in-process scan's runner is gone: its process ended, it is this process but
    no longer running it (the request failed), or it has not moved for too long."""
    _label, _, owner = scan.worker.partition(":")
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            with _RUNNING_LOCK:
                return scan.pk not in _RUNNING_HERE
        if not _process_alive(int(pid)):
            return True
    stale = now - timedelta(seconds=settings.SCAN_HEARTBEAT_TIMEOUT_SECONDS)
    return scan.heartbeat_at is None or scan.heartbeat_at < stale


# --- step 1: collect ----------------------------------------------------------------------


def _update_progress(scan_id: int, mutate: Callable[[dict], None]) -> dict:
    with transaction.atomic():
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        mutate(scan.progress)
        scan.heartbeat_at, scan.worker = timezone.now(), _worker_label(scan_id)[:200]
        fields = ["progress", "heartbeat_at", "worker"]
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
        # Every binding, retired services' too: a retired service keeps its history and may
        # come back, so its slug is not free for another repository to take.
        bound = dict(Service.objects.exclude(repository="").values_list("slug", "repository"))
        conflicts: list[ClaimConflict] = []
        specs = resolve_services(repos, aws, k8s, _discovery_keys(), bound, conflicts)
        ids, errors = _upsert_services(specs)
        flagged = _record_conflicts(scan, conflicts)
        _update_progress(
            scan_id,
            lambda p: p.setdefault("discovery", {}).update(conflicts=flagged, errors=errors),
        )
    _update_progress(scan_id, lambda p: p["services"].update(total=len(ids), done=0, failed=0))
    return ids


def _fit(model, field: str, value: str) -> str:
    """``value`` cut to the column's length: one long name in a repository must not stop the
    organisation's discovery (PostgreSQL refuses the row; SQLite would store it whole)."""
    return value[: model._meta.get_field(field).max_length]


def may_create_teams() -> bool:
    """Whether discovery may create the teams repositories and resources name.

    Off by default: a repository naming ``owner: anything`` would otherwise add teams to the
    portal. The bundled demo (no source configured) has no other way to get its teams.
    """
    return settings.DISCOVERY_CREATE_TEAMS or src.demo_mode()


def _team_for(spec, teams: dict[str, Team], create: bool) -> tuple[Team | None, str]:
    """The team a spec names, and how discovery found it (for the "why" panel)."""
    if not spec.team:
        return None, spec.team_source
    slug = _fit(Team, "slug", slugify(spec.team)).strip("-")
    team = teams.get(slug)
    if team is None and create:
        team = teams[slug] = Team.objects.create(slug=slug, name=_fit(Team, "name", spec.team))
    if team is None:
        return None, f"{spec.team_source} names {spec.team!r}, which is no team of the portal"
    return team, spec.team_source


def _service_fields(spec, team: Team | None, team_source: str, now) -> dict:
    fields = {
        "name": _fit(Service, "name", spec.name),
        "description": spec.description,
        "lifecycle": _fit(Service, "lifecycle", spec.lifecycle),
        "aws_resources": spec.aws_arns,
        "k8s_workloads": spec.k8s_locators,
        "discovered_from": {**spec.discovered_from, "team": team_source},
        "last_seen_at": now,
        "retired": False,
    }
    if team is not None:
        # Naming no team (or one the portal does not have) keeps the team a person set.
        fields["team"] = team
    if spec.repository:
        # A service no repository claimed this time keeps its binding: an empty one would let
        # the next repository naming it take it over.
        fields.update(
            repository=_fit(Service, "repository", spec.repository),
            repository_path=_fit(Service, "repository_path", spec.repository_path),
            default_branch=_fit(Service, "default_branch", spec.default_branch),
        )
    return fields


def _upsert_services(specs) -> tuple[list[int], list[str]]:
    """Services created or updated from discovery, and one sentence per spec that failed.

    Each service is written on its own savepoint: a row the database refuses skips that
    service (reported), never the scan.
    """
    now = timezone.now()
    ids: list[int] = []
    errors: list[str] = []
    not_stored: list[str] = []
    create = may_create_teams()
    with transaction.atomic():
        teams = {t.slug: t for t in Team.objects.all()}
        for spec in specs:
            try:
                with transaction.atomic():
                    team, team_source = _team_for(spec, teams, create)
                    service, _ = Service.objects.update_or_create(
                        slug=spec.slug, defaults=_service_fields(spec, team, team_source, now)
                    )
            except DatabaseError as exc:
                logger.warning(
                    "service not stored", extra={"service": spec.slug, "error": str(exc)}
                )
                errors.append(f"{spec.slug[:100]}: {type(exc).__name__}: {exc}"[:300])
                not_stored.append(spec.slug)
                teams = {t.slug: t for t in Team.objects.all()}
                continue
            ids.append(service.pk)
        # Seen, only not updated: a service that failed to store is not retired for it.
        Service.objects.exclude(pk__in=ids).exclude(slug__in=not_stored).update(retired=True)
    return ids, errors


def _record_conflicts(scan: Scan, conflicts: list[ClaimConflict]) -> list[str]:
    """Store refused claims for a platform lead; one line each for the scan's progress."""
    now = timezone.now()
    services = {s.slug: s for s in Service.objects.filter(slug__in={c.slug for c in conflicts})}
    lines = []
    for conflict in conflicts:
        service = services.get(conflict.slug)
        if service is None:
            continue
        lines.append(
            f"{conflict.repository} claims {service.slug}, "
            f"built from {conflict.bound_repository}: refused"[:300]
        )
        repository = _fit(ServiceClaimConflict, "repository", conflict.repository)
        known = (
            ServiceClaimConflict.objects.filter(service=service, repository=repository)
            .exclude(state=ServiceClaimConflict.State.TRANSFERRED)
            .order_by("-pk")
            .first()
        )
        if known is not None:
            known.last_seen_at, known.last_scan = now, scan
            known.save(update_fields=["last_seen_at", "last_scan"])
            continue
        ServiceClaimConflict.objects.create(
            service=service,
            repository=repository,
            declared_in=_fit(ServiceClaimConflict, "declared_in", conflict.declared_in),
            claimed_name=_fit(ServiceClaimConflict, "claimed_name", conflict.name),
            bound_repository=_fit(
                ServiceClaimConflict, "bound_repository", conflict.bound_repository
            ),
            last_scan=scan,
            first_seen_at=now,
            last_seen_at=now,
        )
    if lines:
        logger.warning("service claims refused", extra={"scan": scan.pk, "claims": lines[:20]})
    return lines


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
    report = evaluate_service(
        ctx,
        today=today,
        service=service.name,
        extra_waivers=approved_waivers(service, today),
        apply_repository_waivers=False,
    )
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
        request_repository_waivers(service, report.repository_waivers, today)
        scorecard = record_scorecard(
            service,
            scan,
            report.results,
            report.score,
            report.kinds,
            commit=report.commit or "",
            stale_sources=stale_sources,
            catalogue_version=report.catalogue_version,
            ecosystems=report.ecosystems,
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


# --- waivers ------------------------------------------------------------------------------


def approved_waivers(service: Service, today: date) -> list[EngineWaiver]:
    """The waivers that count: approved by a platform lead and not expired. Requests (from the
    portal or the repository) and denials are history."""
    return [
        EngineWaiver(
            check=w.check_id,
            reason=w.reason,
            expires=w.expires,
            author=_waiver_author(w),
            locator=(
                f"repository waiver #{w.pk} ({w.declared_in}), approved by "
                f"{w.decided_by.get_username() if w.decided_by else 'a platform lead'}"
                if w.origin == Waiver.Origin.REPOSITORY
                else f"portal waiver #{w.pk}"
            ),
            origin=PORTAL_WAIVER,
        )
        for w in service.waivers.filter(
            state=Waiver.State.APPROVED, expires__gte=today
        ).select_related("created_by", "decided_by")
    ]


def _waiver_author(waiver: Waiver) -> str:
    if waiver.created_by:
        return waiver.created_by.get_username()
    return "the repository" if waiver.origin == Waiver.Origin.REPOSITORY else ""


def request_repository_waivers(service: Service, declared: list[EngineWaiver], today: date) -> int:
    """Turn the repository's waivers into requests for a platform lead; how many were made.

    Nothing is asked twice: not a check already waived, not one with an open request, not a
    waiver that was denied as declared (a changed reason or date asks again).
    """
    made = 0
    for waiver in declared:
        existing = service.waivers.filter(check_id=waiver.check)
        if existing.filter(state=Waiver.State.APPROVED, expires__gte=today).exists():
            continue
        if existing.filter(state=Waiver.State.REQUESTED).exists():
            continue
        if existing.filter(
            state=Waiver.State.DENIED,
            origin=Waiver.Origin.REPOSITORY,
            reason=waiver.reason[:2000],
            expires=waiver.expires,
        ).exists():
            continue
        try:
            with transaction.atomic():
                Waiver.objects.create(
                    service=service,
                    check_id=waiver.check,
                    reason=waiver.reason[:2000],
                    expires=waiver.expires,
                    origin=Waiver.Origin.REPOSITORY,
                    declared_in=_fit(
                        Waiver, "declared_in", f"{service.repository}/{waiver.locator}"
                    ),
                )
        except IntegrityError:  # another scan of the service asked first
            continue
        made += 1
    return made


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
        not_stored = scan.progress.get("discovery", {}).get("errors") or []
        if not_stored and scan.state == Scan.State.SUCCEEDED:
            scan.state = Scan.State.PARTIAL
        errors += [f"not stored: {line}" for line in not_stored]
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
    with running_here(scan_id):
        for source in scan.sources:
            collect_source(scan_id, source)
        for service_id in plan_services(scan_id):
            score_service(scan_id, service_id, today=today)
        return finish_scan(scan_id)
