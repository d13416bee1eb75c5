"""The sources a scan can read, configured from settings, each behind one function.

Every collector is pure (it receives its configuration); this module is where the
environment-derived settings become that configuration. A source function returns a
``SourceOutput``: the inventory to store, repository facts per repository when it has any, and
the requests it made.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from scorecards.collectors.localdir import collect_directory

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class SourceNotConfigured(RuntimeError):
    """The source has no configuration in this deployment."""


@dataclass
class RepoResult:
    full_name: str
    status: str  # "fetched" | "unchanged" | "failed"
    facts: dict | None = None
    facts_digest: str = ""
    etag: str = ""
    commit: str = ""
    topics: list[str] = field(default_factory=list)
    default_branch: str = ""
    error: str = ""


@dataclass
class SourceOutput:
    inventory: dict
    repos: list[RepoResult] = field(default_factory=list)
    requests: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # When a rate limit cut the collection short: the epoch second it resets, so a follow-up
    # scan can finish the work then.
    retry_at: float | None = None


def configured_sources() -> list[str]:
    """Sources with configuration; with none, the bundled demo's repositories and exports."""
    found = []
    if settings.GITHUB_ORGS and (settings.GITHUB_TOKEN or settings.GITHUB_APP_ID):
        found.append("github")
    if settings.AWS_REGIONS or aws_offline_dir():
        found.append("aws")
    if settings.KUBECONFIG or settings.KUBE_CONTEXTS or kube_offline_dir():
        found.append("kubernetes")
    if local_repositories():
        found.append("local")
    return found


def demo_mode() -> bool:
    """True when no source is configured: the bundled demo organisation is scanned."""
    return not (
        settings.GITHUB_ORGS
        or settings.AWS_REGIONS
        or settings.AWS_OFFLINE_DIR
        or settings.KUBECONFIG
        or settings.KUBE_CONTEXTS
        or settings.KUBE_OFFLINE_DIR
        or settings.LOCAL_REPOSITORIES
    )


def _demo_folder(name: str) -> Path | None:
    if not (demo_mode() and settings.DEMO_ORGANISATION):
        return None
    folder = Path(settings.DEMO_ORGANISATION) / name
    return folder if folder.is_dir() else None


def aws_offline_dir() -> str | None:
    """``AWS_OFFLINE_DIR``, else the demo's AWS export in demo mode."""
    folder = settings.AWS_OFFLINE_DIR or _demo_folder("aws")
    return str(folder) if folder else None


def kube_offline_dir() -> str | None:
    """``KUBE_OFFLINE_DIR``, else the demo's cluster export in demo mode."""
    folder = settings.KUBE_OFFLINE_DIR or _demo_folder("kubernetes")
    return str(folder) if folder else None


def local_repositories() -> list[Path]:
    """Directories scored by the local source: ``LOCAL_REPOSITORIES`` or the bundled demo
    (``DEMO_ORGANISATION/repos/*``, or every folder of ``DEMO_ORGANISATION`` without one)."""
    roots = [Path(p) for p in settings.LOCAL_REPOSITORIES]
    if roots or not demo_mode() or not settings.DEMO_ORGANISATION:
        return roots
    demo = Path(settings.DEMO_ORGANISATION)
    demo = demo / "repos" if (demo / "repos").is_dir() else demo
    return sorted(p for p in demo.iterdir() if p.is_dir()) if demo.is_dir() else []


def collect_local(
    previous: dict[str, dict], only: set[str] | None = None, progress: Progress | None = None
) -> SourceOutput:
    roots = local_repositories()
    if only is not None:
        roots = [r for r in roots if r.name in only or str(r) in only]
    output = SourceOutput(inventory={"repos": []})
    for index, root in enumerate(roots, start=1):
        name = root.name
        try:
            facts = collect_directory(root)
        except Exception as exc:  # noqa: BLE001 - one repository never loses the others' facts
            if isinstance(exc, OSError):
                error = str(exc)
            else:
                log.exception("local repository %s could not be collected", name)
                error = f"{type(exc).__name__}: {exc}"[:300]
            output.repos.append(RepoResult(full_name=name, status="failed", error=error))
            output.errors.append(f"{name}: {error}")
        else:
            output.repos.append(
                RepoResult(
                    full_name=name, status="fetched", facts=facts, commit=facts.get("commit") or ""
                )
            )
        if progress:
            progress(index, len(roots), name)
    return output


def collect_aws_source(progress: Progress | None = None) -> SourceOutput:
    from scorecards.collectors.aws import AwsConfig, collect_aws

    offline = aws_offline_dir()
    if not (settings.AWS_REGIONS or offline):
        raise SourceNotConfigured("AWS_REGIONS / AWS_OFFLINE_DIR are not set")
    config = AwsConfig(
        regions=list(settings.AWS_REGIONS),
        role_arns=list(settings.AWS_ROLE_ARNS),
        endpoint_url=settings.AWS_ENDPOINT_URL or None,
        max_attempts=settings.AWS_MAX_ATTEMPTS,
        offline_dir=offline,
    )

    def report(done: int, total: int, label: str) -> None:
        if progress:
            progress(done, total, label)
            if threading.current_thread() is not threading.main_thread():
                # The collector reports from its pool threads: each would otherwise keep a
                # database connection of its own open after the thread is gone.
                connection.close()

    inventory = collect_aws(config, progress=report)
    return SourceOutput(
        inventory=inventory,
        requests={"total": inventory.get("requests", 0)},
        errors=[
            f"{e.get('account')}/{e.get('region')}/{e.get('service')}: {e.get('error')}"
            for e in inventory.get("errors", [])
        ],
    )


def collect_kubernetes_source(progress: Progress | None = None) -> SourceOutput:
    from scorecards.collectors.kubernetes import KubeConfig, collect_kubernetes

    offline = kube_offline_dir()
    if not (settings.KUBECONFIG or settings.KUBE_CONTEXTS or offline):
        raise SourceNotConfigured("KUBECONFIG / KUBE_CONTEXTS / KUBE_OFFLINE_DIR are not set")
    config = KubeConfig(
        kubeconfig=settings.KUBECONFIG or None,
        contexts=list(settings.KUBE_CONTEXTS),
        namespaces=list(settings.KUBE_NAMESPACES) or None,
        offline_dir=offline,
    )
    inventory = collect_kubernetes(config, progress=_throttled(progress))
    return SourceOutput(
        inventory=inventory,
        requests={"total": inventory.get("requests", 0)},
        errors=[
            f"{e.get('cluster')}/{e.get('kind') or '*'}: {e.get('error')}"
            for e in inventory.get("errors", [])
        ],
    )


def _throttled(progress: Progress | None, every: float = 0.5) -> Progress | None:
    """``progress`` at most every ``every`` seconds, and always the last step: one list per
    kind and namespace would otherwise be one write to the scan row each (1,800 at 200
    namespaces)."""
    if progress is None:
        return None
    last = [float("-inf")]

    def report(done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            progress(done, total, label)

    return report


def github_config():
    from scorecards.collectors.github import GitHubConfig

    return GitHubConfig(
        api_url=settings.GITHUB_API_URL,
        token=settings.GITHUB_TOKEN or None,
        app_id=settings.GITHUB_APP_ID or None,
        app_private_key=settings.GITHUB_APP_PRIVATE_KEY or None,
        orgs=list(settings.GITHUB_ORGS),
        include_archived=settings.GITHUB_INCLUDE_ARCHIVED,
        include_forks=settings.GITHUB_INCLUDE_FORKS,
        timeout=float(settings.GITHUB_TIMEOUT_SECONDS),
    )


def collect_github_source(
    previous: dict[str, dict], only: set[str] | None = None, progress: Progress | None = None
) -> SourceOutput:
    """List the organisations' repositories and fetch each one that changed.

    An unchanged repository (the conditional request on its head commit answered 304) keeps
    the facts of its last scan. When the rate limit runs out mid-way, the repositories not
    reached yet keep theirs too, and the output says so: a scan is never failed for it.
    """
    from scorecards.collectors.github import (
        GitHubClient,
        GitHubError,
        RateLimited,
        fetch_repository,
        list_repositories,
    )

    config = github_config()
    output = SourceOutput(inventory={"repos": []})
    with GitHubClient(config) as client:
        repos = []
        limited = None
        unlisted: list[str] = []
        for org in config.orgs:
            if limited is not None:
                unlisted.append(org)
                continue
            try:
                repos += list_repositories(client, org)
            except RateLimited as exc:
                limited = exc
                unlisted.append(org)
            except GitHubError as exc:
                output.errors.append(f"listing {org}: {exc}")
                unlisted.append(org)
        if unlisted and len(unlisted) == len(config.orgs):
            # Nothing listed: fail the source, so the scan keeps the last good inventory.
            raise limited or GitHubError("; ".join(output.errors))
        if only is not None:
            repos = [r for r in repos if r.full_name in only]
        # Repositories of an organisation that could not be listed keep their last facts,
        # marked, rather than disappearing (and their services being retired) for a blip.
        lowered = {org.lower() for org in unlisted}
        for full_name, before in previous.items():
            if full_name.split("/", 1)[0].lower() in lowered and (
                only is None or full_name in only
            ):
                output.repos.append(
                    RepoResult(
                        full_name=full_name,
                        status="deferred" if limited is not None else "failed",
                        facts_digest=before.get("facts_digest", ""),
                        etag=before.get("etag", ""),
                        commit=before.get("commit", ""),
                        topics=before.get("topics") or [],
                        default_branch=before.get("default_branch", ""),
                        error="" if limited is not None else "organisation listing failed",
                    )
                )
        for index, repo in enumerate(repos, start=1):
            before = previous.get(repo.full_name) or {}
            carried = RepoResult(
                full_name=repo.full_name,
                status="unchanged",
                facts_digest=before.get("facts_digest", ""),
                etag=before.get("etag", ""),
                commit=before.get("commit", ""),
                topics=repo.topics,
                default_branch=repo.default_branch,
            )
            if limited is not None:
                carried.status = "deferred"
                output.repos.append(carried)
                continue
            try:
                result = fetch_repository(client, repo, previous=before or None)
            except RateLimited as exc:
                limited = exc
                carried.status = "deferred"
                output.repos.append(carried)
                continue
            except GitHubError as exc:
                carried.status = "failed"
                carried.error = str(exc)
                output.errors.append(f"{repo.full_name}: {exc}")
                output.repos.append(carried)
                continue
            if result.status == "unchanged" and carried.facts_digest:
                output.repos.append(carried)
            else:
                output.repos.append(
                    RepoResult(
                        full_name=repo.full_name,
                        status=result.status,
                        facts=result.facts,
                        etag=result.etag or "",
                        commit=result.commit or "",
                        topics=repo.topics,
                        default_branch=repo.default_branch,
                    )
                )
            if progress:
                progress(index, len(repos), repo.full_name)
        if limited is not None:
            deferred = sum(1 for r in output.repos if r.status == "deferred")
            output.errors.append(
                f"rate limit reached: {deferred} repositories keep their last facts "
                f"until the follow-up scan when it resets ({limited})"
            )
            output.retry_at = limited.reset_epoch
            for result in output.repos:
                if result.status == "deferred" and not result.error:
                    result.error = f"rate limit reached: kept until it resets ({limited})"
        stats = client.stats
        output.requests = {
            "total": stats["requests"],
            "counted": stats["counted"],
            "not_modified": stats["not_modified"],
            "retries": stats["retries"],
            "bytes_downloaded": stats["bytes_downloaded"],
        }
    return output
