"""Shared, pure views over live Kubernetes facts (``ctx.kubernetes``, docs/kubernetes-facts.md).

The collector hands every live object over shaped like the manifest a repository would hold, so
the views here turn the live objects into a *live view*: a :class:`CheckContext` whose
"repository" holds one Kubernetes document per live object. The repository views of
``deployables`` (``workloads``, ``deploy_env_vars``, ``start_commands``...) and the checks' own
helpers then run unchanged over what actually runs. In the live view a document's path is the
object's locator (``context/namespace/Kind/name``) and its "line numbers" are JSON pointers, so
``view.evidence(path, line, ...)`` yields Kubernetes evidence located at
``context/namespace/Kind/name#/spec/...``.

:func:`with_kubernetes` joins a check's repository verdict with its live verdict.
Every view is memoised per service through ``CheckContext.memo``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from scorecards.checks import deployables as d
from scorecards.checks import live as live_join
from scorecards.checks.context import CheckContext
from scorecards.checks.results import Evidence, Outcome, short_excerpt

SOURCE = "kubernetes"
MAX_EVIDENCE = 5
# Workloads that run continuously (web servers, workers), as opposed to Jobs and CronJobs.
LONG_RUNNING_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
JOB_KINDS = ("Job", "CronJob")


def ingested(ctx: CheckContext) -> bool:
    """Kubernetes was collected for this service (its objects may still be none)."""
    return ctx.kubernetes is not None


def objects(ctx: CheckContext, *kinds: str) -> list[dict]:
    """The service's live objects (collector entries), optionally only of ``kinds``."""
    found = [o for o in (ctx.kubernetes or {}).get("objects") or [] if isinstance(o, dict)]
    found = [o for o in found if isinstance(o.get("object"), dict)]
    return [o for o in found if not kinds or o.get("kind") in kinds]


def unlisted(ctx: CheckContext, kind: str, near: dict) -> str | None:
    """Why ``kind`` could not be listed where ``near`` runs (None when it was listed).

    A kind the collector was refused (403) is unknown there, not absent: a check that finds
    none of it must not conclude that there is none.
    """
    for error in (ctx.kubernetes or {}).get("unlisted") or []:
        if (
            error.get("kind") == kind
            and error.get("cluster") == near.get("cluster")
            and error.get("namespace") in (None, near.get("namespace"))
        ):
            return f"{kind} could not be listed: {error.get('error') or 'not read'}"
    return None


def pointer_token(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def json_pointers(value: object, pointer: str = "") -> Iterator[str]:
    """Every JSON pointer inside a value (RFC 6901 escaping), parents before children."""
    if pointer:
        yield pointer
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_pointers(item, f"{pointer}/{pointer_token(key)}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_pointers(item, f"{pointer}/{i}")


class LiveView(CheckContext):
    """A context whose repository is the live objects; evidence points into the cluster."""

    def evidence(self, path: str, line: int | str | None = None, excerpt: str = "") -> Evidence:
        locator = f"{path}#{line}" if isinstance(line, str) and line else path
        return Evidence(locator=locator, excerpt=short_excerpt(excerpt), source=SOURCE)


def _empty_repo() -> dict:
    keys = ("paths", "documents", "dockerfiles", "manifests", "lockfiles", "signals",
            "procfiles", "env_files", "codeowners", "scripts", "terraform", "errors")  # fmt: skip
    return {"schema": 1, "source": SOURCE, "root": "kubernetes", **{k: [] for k in keys}}


def view(ctx: CheckContext) -> LiveView:
    """The live objects as a repository of manifests (see the module docstring)."""

    def compute() -> LiveView:
        live = LiveView(repo=_empty_repo(), kinds=ctx.kinds, today=ctx.today)
        items = []
        for entry in objects(ctx):
            manifest = entry["object"]
            lines = {pointer: pointer for pointer in json_pointers(manifest)}
            items.append(
                {
                    "path": entry.get("locator") or "",
                    "line": None,
                    "entry": {"line": None, "lines": lines},
                    "object": manifest,
                    "templated": False,
                    "live": True,
                    "locator": entry.get("locator") or "",
                    "cluster": entry.get("cluster"),
                    "namespace": entry.get("namespace"),
                }
            )
        live._memo["k8s_objects"] = items  # the live objects, no path filter applies
        return live

    return ctx.memo("live_k8s.view", compute)


def workloads(ctx: CheckContext, *kinds: str) -> list[dict]:
    """Live workloads, shaped as :func:`deployables.workloads` yields them, plus ``locator``."""
    found = d.workloads(view(ctx))
    return [w for w in found if not kinds or w["kind"] in kinds]


def env_vars(ctx: CheckContext) -> list[dict]:
    """Environment of live containers, shaped as :func:`deployables.deploy_env_vars` entries.

    ``kind`` is ``literal`` (secret literals arrive as ``«redacted»``), ``secret-store``
    (``secretKeyRef``/``secretRef``), ``config-map``, ``reference`` or ``empty``. A container's
    ``envFrom: configMapRef`` also yields one ``config-map`` entry per key of that ConfigMap
    (the collector keeps ConfigMap key names, never their values).
    """

    def compute() -> list[dict]:
        found = list(d.deploy_env_vars(view(ctx)))
        for workload in workloads(ctx):
            for item in workload["containers"]:
                for i, source in enumerate(item["container"].get("envFrom") or []):
                    ref = source.get("configMapRef") if isinstance(source, dict) else None
                    config_map = _config_map(ctx, workload, (ref or {}).get("name"))
                    if config_map is None:
                        continue
                    prefix = str(source.get("prefix") or "")
                    for key in config_map["object"].get("dataKeys") or []:
                        found.append(
                            {
                                "path": workload["locator"],
                                "line": f"{item['pointer']}/envFrom/{i}",
                                "name": f"{prefix}{key}",
                                "kind": "config-map",
                                "value": None,
                                "tool": "kubernetes",
                                "unit": workload["name"],
                            }
                        )
        return found

    return ctx.memo("live_k8s.env_vars", compute)


def _config_map(ctx: CheckContext, workload: dict, name: object) -> dict | None:
    for item in objects(ctx, "ConfigMap"):
        if item.get("name") == name and same_namespace(item, workload):
            return item
    return None


def same_namespace(a: dict, b: dict) -> bool:
    """Two live objects (or workloads) of the same cluster and namespace."""
    return (a.get("cluster"), a.get("namespace")) == (b.get("cluster"), b.get("namespace"))


def selector_matches(selector: object, labels: object) -> bool:
    """A label selector (``matchLabels``/``matchExpressions``, or a Service's plain mapping)
    selects these labels; an empty or missing selector selects nothing here."""
    if not isinstance(selector, dict) or not selector or not isinstance(labels, dict):
        return False
    structured = "matchLabels" in selector or "matchExpressions" in selector
    match_labels = selector.get("matchLabels") if structured else selector
    for key, value in (match_labels or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or [] if structured else []:
        if not isinstance(expression, dict):
            return False
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels.get(key) in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


def pod_labels(workload: dict) -> dict:
    """Labels of the pods a workload creates (its pod template's)."""
    obj = workload["object"]
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if obj.get("kind") == "Pod":
        return (obj.get("metadata") or {}).get("labels") or {}
    return ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}


def services_of(ctx: CheckContext, workload: dict) -> list[dict]:
    """Live Services whose selector picks this workload's pods."""
    labels = pod_labels(workload)
    return [
        s
        for s in objects(ctx, "Service")
        if same_namespace(s, workload)
        and selector_matches((s["object"].get("spec") or {}).get("selector"), labels)
    ]


def start_commands(ctx: CheckContext) -> list[dict]:
    """Container ``command`` + ``args`` of live workloads (origin ``k8s``)."""
    return d.start_commands(view(ctx))


def container_command(container: dict) -> str:
    """A container's ``command`` and ``args`` as one line ("" when it runs the image's own)."""
    parts = [*(container.get("command") or []), *(container.get("args") or [])]
    return " ".join(str(p) for p in parts)


def evidence(
    ctx: CheckContext, item: dict, pointer: str | None = None, excerpt: str = ""
) -> Evidence:
    """Kubernetes evidence for a live object or workload, optionally at a JSON pointer."""
    locator = item.get("locator") or item.get("path") or ""
    return view(ctx).evidence(locator, pointer, excerpt)


def replicas(workload: dict) -> int | None:
    """Declared replicas of a Deployment/StatefulSet (1 when unset), None for other kinds."""
    if workload["kind"] not in ("Deployment", "StatefulSet"):
        return None
    value = (workload["object"].get("spec") or {}).get("replicas", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def autoscalers_of(ctx: CheckContext, workload: dict) -> list[dict]:
    """HorizontalPodAutoscalers (and KEDA ScaledObjects) whose target is this workload."""
    found = []
    for item in objects(ctx, "HorizontalPodAutoscaler", "ScaledObject"):
        if not same_namespace(item, workload):
            continue
        spec = item["object"].get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        kind = target.get("kind") or "Deployment"  # KEDA's default target kind
        if target.get("name") == workload["name"] and kind == workload["kind"]:
            found.append(item)
    return found


_SOURCE_KEY = re.compile(r"(?i)(repo|source|vcs|scm|git)")
_REPOSITORY_URL = re.compile(
    r"(?i)^(?:url:)?(?:git\+)?(?:https?://|ssh://|git://|git@)?(?:[\w.-]+@)?"
    r"(?P<host>[\w.-]+\.[a-z]{2,})[/:](?P<path>[\w.-]+/[\w.-]+?)(?:\.git)?(?:/.*)?$"
)


def source_repositories(ctx: CheckContext) -> list[dict]:
    """Source repositories named by annotations/labels of live workloads and their pods.

    ``{"workload", "pointer", "key", "repository"}``; ``repository`` is ``host/owner/name``
    (``backstage.io/source-location: url:https://github.com/acme/shop/`` gives
    ``github.com/acme/shop``). Only values that parse as a repository URL count.
    """

    def compute() -> list[dict]:
        found = []
        for workload in workloads(ctx):
            obj = workload["object"]
            template = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
            for pointer, meta in (
                ("/metadata", obj.get("metadata") or {}),
                ("/spec/template/metadata", template),
            ):
                for field in ("annotations", "labels"):
                    for key, value in (meta.get(field) or {}).items():
                        match = _REPOSITORY_URL.match(str(value).strip())
                        if not _SOURCE_KEY.search(str(key)) or not match:
                            continue
                        repository = f"{match['host']}/{match['path']}".lower()
                        found.append(
                            {
                                "workload": workload,
                                "pointer": f"{pointer}/{field}/{pointer_token(key)}",
                                "key": str(key),
                                "repository": repository,
                            }
                        )
        return found

    return ctx.memo("live_k8s.source_repositories", compute)


def image_name(image: object) -> str:
    """An image reference's repository, lower-cased, tag and digest dropped."""
    name, _tag, _digest = d.split_image_ref(str(image or ""))
    return name.lower()


# --- joining live and repository verdicts ---------------------------------------------------

POLICIES = ("worst", "best", "live")


def combine(
    repo: Outcome | None, live: Outcome, policy: str = "worst", label: str = "Repository"
) -> Outcome:
    """One verdict from a repository (or other sources') verdict and a live Kubernetes one.

    A live verdict that is not conclusive (unknown, na) leaves the other verdict as it is.
    Between two conclusive verdicts ``policy`` decides: ``worst`` (a live fail outweighs a
    repository pass and the reverse), ``best`` (for "something exists somewhere" rules), or
    ``live`` (what runs decides). Evidence lists both, the deciding side first.
    """
    return live_join.combine(repo, live, policy, label, "Kubernetes", POLICIES)


LiveCheck = live_join.LiveCheck


def with_kubernetes(live_check: LiveCheck, policy: str = "worst") -> Callable[[Callable], Callable]:
    """Decorate a check so live Kubernetes facts join its verdict (see :func:`combine`).

    Without Kubernetes facts (``ctx.kubernetes is None``) the check runs exactly as before.
    Place it under ``@check(...)``, above any other live decorator. Without a repository the
    live verdict stands alone, unless the wrapped function reads AWS facts that were ingested
    (``live_aws.with_aws``): its verdict then joins as "Other sources".
    """
    return live_join.joined(
        live_check,
        policy,
        facts="kubernetes",
        marker="live_kubernetes",
        other_facts="aws",
        other_marker="live_aws",
        combine_with=combine,
        policies=POLICIES,
    )


def not_found(what: str) -> Outcome:
    """The live objects say nothing about ``what``."""
    return Outcome.unknown(f"The live Kubernetes objects of this service show no {what}.")
