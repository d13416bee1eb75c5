"""Shared, pure views over live AWS facts (``ctx.aws``, docs/aws-facts.md).

The AWS collector hands over one service's resources (Lambda functions, ECS services with their
task definitions, API Gateway stages, CloudWatch log groups) as plain dicts. The views here pick
them by type, flatten the environment variables and containers the checks reason about, and
build evidence located at the resource's ARN, optionally followed by ``#/json/pointer`` into
the resource as the collector shaped it.

:func:`with_aws` joins a check's repository verdict with its live AWS verdict. Every view is
memoised per service through ``CheckContext.memo``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scorecards.checks import live as live_join
from scorecards.checks.context import CheckContext
from scorecards.checks.results import Evidence, Outcome, short_excerpt

SOURCE = "aws"
MAX_EVIDENCE = 5
LAMBDA = "lambda.function"
ECS = "ecs.service"
REST_STAGE = "apigateway.stage"
HTTP_STAGE = "apigatewayv2.stage"
LOG_GROUP = "logs.log-group"
API_STAGES = (REST_STAGE, HTTP_STAGE)


def ingested(ctx: CheckContext) -> bool:
    """AWS was collected for this service (its resources may still be none)."""
    return ctx.aws is not None


def resources(ctx: CheckContext, *types: str) -> list[dict]:
    """The service's live AWS resources, optionally only of ``types``."""
    found = [r for r in (ctx.aws or {}).get("resources") or [] if isinstance(r, dict)]
    return [r for r in found if r.get("type") and (not types or r["type"] in types)]


def functions(ctx: CheckContext) -> list[dict]:
    return resources(ctx, LAMBDA)


def ecs_services(ctx: CheckContext) -> list[dict]:
    return resources(ctx, ECS)


def api_stages(ctx: CheckContext) -> list[dict]:
    return resources(ctx, *API_STAGES)


def log_groups(ctx: CheckContext) -> list[dict]:
    return resources(ctx, LOG_GROUP)


def unreadable(resource: dict, field: str) -> bool:
    """The collector could not read ``field`` of this resource (denied, unsupported)."""
    return field in (resource.get("unreadable") or [])


def evidence(resource: dict, pointer: str = "", excerpt: str = "") -> Evidence:
    """AWS evidence at a resource's ARN, optionally at a JSON pointer inside it."""
    locator = f"{resource.get('arn', '')}#{pointer}" if pointer else str(resource.get("arn", ""))
    return Evidence(locator=locator, excerpt=short_excerpt(excerpt), source=SOURCE)


def containers(ctx: CheckContext, essential_only: bool = False) -> list[dict]:
    """Containers of the ECS services' task definitions.

    Each: ``{"service", "container", "pointer", "name"}``; ``pointer`` leads from the service
    to the container (``/task_definition/containers/0``).
    """

    def compute() -> list[dict]:
        found = []
        for service in ecs_services(ctx):
            task = service.get("task_definition") or {}
            for i, container in enumerate(task.get("containers") or []):
                if isinstance(container, dict):
                    found.append(
                        {
                            "service": service,
                            "container": container,
                            "pointer": f"/task_definition/containers/{i}",
                            "name": f"{service.get('name')}/{container.get('name')}",
                        }
                    )
        return found

    found = ctx.memo("live_aws.containers", compute)
    return [c for c in found if not essential_only or c["container"].get("essential", True)]


def env_vars(ctx: CheckContext) -> list[dict]:
    """Deploy-time variables of Lambda functions and ECS containers, values never included.

    Each: ``{"resource", "pointer", "unit", "name", "kind", "secret_like_name",
    "secret_like_value", "flag"}``; ``kind`` is ``literal``, ``empty``, ``reference`` (a
    Secrets Manager/SSM ARN or ``{{resolve:...}}`` as the value) or ``secret-store`` (ECS
    ``secrets`` with ``valueFrom``).
    """

    def entry(resource: dict, pointer: str, unit: str, item: dict) -> dict:
        return {
            "resource": resource,
            "pointer": pointer,
            "unit": unit,
            "name": str(item.get("name") or ""),
            "kind": item.get("value_kind", "literal"),
            "secret_like_name": bool(item.get("secret_like_name")),
            "secret_like_value": bool(item.get("secret_like_value")),
            "flag": bool(item.get("flag")),
        }

    def compute() -> list[dict]:
        found = []
        for function in functions(ctx):
            for i, item in enumerate(function.get("env") or []):
                if isinstance(item, dict):
                    found.append(entry(function, f"/env/{i}", function.get("name", ""), item))
        for c in containers(ctx):
            container = c["container"]
            for i, item in enumerate(container.get("environment") or []):
                if isinstance(item, dict):
                    found.append(
                        entry(c["service"], f"{c['pointer']}/environment/{i}", c["name"], item)
                    )
            for i, secret in enumerate(container.get("secrets") or []):
                if isinstance(secret, dict):
                    item = {"name": secret.get("name"), "value_kind": "secret-store"}
                    found.append(
                        entry(c["service"], f"{c['pointer']}/secrets/{i}", c["name"], item)
                    )
        return found

    return ctx.memo("live_aws.env_vars", compute)


def provisioned_concurrency(function: dict) -> int:
    """Provisioned concurrent executions requested over a function's versions and aliases."""
    configs = function.get("provisioned_concurrency") or []
    return sum(c.get("requested") or 0 for c in configs if isinstance(c, dict))


def function_log_group(ctx: CheckContext, function: dict) -> dict | None:
    """The log group a Lambda function writes to, when it is among the service's resources."""
    name = (function.get("logging") or {}).get("log_group") or f"/aws/lambda/{function.get('name')}"
    for group in log_groups(ctx):
        if group.get("name") == name or function.get("arn") in (group.get("writers") or []):
            return group
    return None


_SOURCE_KEY = re.compile(r"(?i)(repo|source|vcs|scm|git)")
_REPOSITORY_URL = re.compile(
    r"(?i)^(?:url:)?(?:git\+)?(?:https?://|ssh://|git://|git@)?(?:[\w.-]+@)?"
    r"(?P<host>[\w.-]+\.[a-z]{2,})[/:](?P<path>[\w.-]+/[\w.-]+?)(?:\.git)?(?:/.*)?$"
)


def _labelled(resource: dict) -> list[tuple[str, dict]]:
    """(pointer, mapping) of every tag set and docker-label set of a resource."""
    found = [("/tags", resource.get("tags") or {})]
    if resource.get("type") in API_STAGES:
        found.append(("/api_tags", resource.get("api_tags") or {}))
    if resource.get("type") == ECS:
        task = resource.get("task_definition") or {}
        found.append(("/task_definition/tags", task.get("tags") or {}))
        for i, container in enumerate(task.get("containers") or []):
            labels = container.get("docker_labels") if isinstance(container, dict) else None
            found.append((f"/task_definition/containers/{i}/docker_labels", labels or {}))
    return [(p, m) for p, m in found if isinstance(m, dict)]


def labels(ctx: CheckContext) -> list[dict]:
    """Every tag and docker label of the service's resources:
    ``{"resource", "pointer", "key", "value"}``."""

    def compute() -> list[dict]:
        found = []
        for resource in resources(ctx):
            for pointer, mapping in _labelled(resource):
                for key, value in mapping.items():
                    token = str(key).replace("~", "~0").replace("/", "~1")
                    found.append(
                        {
                            "resource": resource,
                            "pointer": f"{pointer}/{token}",
                            "key": str(key),
                            "value": str(value),
                        }
                    )
        return found

    return ctx.memo("live_aws.labels", compute)


def source_repositories(ctx: CheckContext) -> list[dict]:
    """Repositories named by tags or docker labels (``repository``, ``git_repo``,
    ``org.opencontainers.image.source``...): ``{"resource", "pointer", "key", "repository"}``
    with ``repository`` as ``host/owner/name``. Only values that parse as a repository URL."""
    found = []
    for label in labels(ctx):
        match = _REPOSITORY_URL.match(label["value"].strip())
        if _SOURCE_KEY.search(label["key"]) and match:
            found.append({**label, "repository": f"{match['host']}/{match['path']}".lower()})
    return found


def service_kinds(ctx: CheckContext) -> frozenset[str]:
    """Kinds the live resources show: ECS runs containers; Lambda and API Gateway are serverless."""
    kinds = set()
    if ecs_services(ctx):
        kinds.add("container")
    if functions(ctx) or api_stages(ctx):
        kinds.add("serverless")
    return frozenset(kinds)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def not_found(what: str) -> Outcome:
    """The live AWS resources say nothing about ``what``."""
    return Outcome.unknown(f"The live AWS resources of this service include no {what}.")


# --- joining live and repository verdicts ---------------------------------------------------

POLICIES = live_join.POLICIES


def combine(
    other: Outcome, live_outcome: Outcome, policy: str = "worst", label: str = "Repository"
) -> Outcome:
    """One verdict from the repository's (or other sources') verdict and the live AWS one.

    A live verdict that is not conclusive (unknown, na) leaves the other verdict as it is.
    Between two conclusive verdicts ``policy`` decides: ``worst`` (a live fail outweighs a
    repository pass and the reverse), ``best`` (for "it is declared somewhere" rules: a port
    mapping or a tracing setting found live settles what the repository could not show),
    ``live`` (what runs decides) or ``settles_warn`` (``worst``, except that the live verdict
    replaces a repository warning that only says "AWS decides this"). Evidence lists both,
    the deciding side first.
    """
    return live_join.combine(other, live_outcome, policy, label, "AWS")


LiveCheck = live_join.LiveCheck


def with_aws(live_check: LiveCheck, policy: str = "worst") -> Callable[[Callable], Callable]:
    """Decorate a check so live AWS facts join its verdict (see :func:`combine`).

    Without AWS facts (``ctx.aws is None``) the check runs exactly as before. Without a
    repository the live verdict stands alone, unless the decorated function itself reads
    another live source that was ingested (a check already joined with Kubernetes facts).
    Place it directly above the check function, under any other live decorator.
    """
    return live_join.joined(
        live_check,
        policy,
        facts="aws",
        marker="live_aws",
        other_facts="kubernetes",
        other_marker="live_kubernetes",
        combine_with=combine,
        policies=POLICIES,
    )
