"""The sources a scan can read, configured from settings, each behind one function.

Every collector is pure (it receives its configuration); this module is where the
environment-derived settings become that configuration. A source function returns a
``SourceOutput``: the inventory to store, repository facts per repository when it has any, and
the requests it made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from scorecards.collectors.localdir import collect_directory

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


def configured_sources() -> list[str]:
    """Sources with configuration; the local source serves the demo when nothing else is set."""
    found = []
    if settings.GITHUB_ORGS and (settings.GITHUB_TOKEN or settings.GITHUB_APP_ID):
        found.append("github")
    if settings.AWS_REGIONS:
        found.append("aws")
    if settings.KUBECONFIG or settings.KUBE_CONTEXTS:
        found.append("kubernetes")
    if local_repositories():
        found.append("local")
    return found


def local_repositories() -> list[Path]:
    """Directories scored by the local source: ``LOCAL_REPOSITORIES`` or the bundled demo."""
    roots = [Path(p) for p in settings.LOCAL_REPOSITORIES]
    others = settings.GITHUB_ORGS or settings.AWS_REGIONS or settings.KUBECONFIG
    if not roots and not others and settings.DEMO_ORGANISATION:
        demo = Path(settings.DEMO_ORGANISATION)
        roots = sorted(p for p in demo.iterdir() if p.is_dir()) if demo.is_dir() else []
    return roots


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
        except OSError as exc:
            output.repos.append(RepoResult(full_name=name, status="failed", error=str(exc)))
            output.errors.append(f"{name}: {exc}")
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

    if not settings.AWS_REGIONS:
        raise SourceNotConfigured("AWS_REGIONS is not set")
    config = AwsConfig(
        regions=list(settings.AWS_REGIONS),
        role_arns=list(settings.AWS_ROLE_ARNS),
        endpoint_url=settings.AWS_ENDPOINT_URL or None,
    )

    def report(done: int, total: int, label: str) -> None:
        if progress:
            progress(done, total, label)

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

    if not (settings.KUBECONFIG or settings.KUBE_CONTEXTS):
        raise SourceNotConfigured("KUBECONFIG / KUBE_CONTEXTS are not set")
    config = KubeConfig(
        kubeconfig=settings.KUBECONFIG or None,
        contexts=list(settings.KUBE_CONTEXTS),
        namespaces=list(settings.KUBE_NAMESPACES) or None,
    )
    inventory = collect_kubernetes(config)
    return SourceOutput(
        inventory=inventory,
        requests={"total": inventory.get("requests", 0)},
        errors=[
            f"{e.get('cluster')}/{e.get('kind') or '*'}: {e.get('error')}"
            for e in inventory.get("errors", [])
        ],
    )
