"""Live Kubernetes objects for check tests, shaped as the collector hands them to checks.

Every builder returns a collector entry (``cluster``, ``namespace``, ``kind``, ``name``,
``locator``, ``labels``, ``object``) whose ``object`` is the manifest-shaped API object.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.checks.results import CheckResult
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import evaluate_service

REPOS = Path(__file__).resolve().parents[2] / "fixtures" / "repos"
TODAY = date(2026, 11, 25)
CLUSTER = "prod-eu"
API_VERSIONS = {
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "Service": "v1",
    "ConfigMap": "v1",
    "PersistentVolumeClaim": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "Ingress": "networking.k8s.io/v1",
}


def entry(kind: str, name: str, body: dict, namespace: str = "shop", labels=None) -> dict:
    labels = {"app.kubernetes.io/name": name, **(labels or {})}
    metadata = {"name": name, "namespace": namespace, "labels": labels}
    metadata.update(body.pop("metadata", {}))
    obj = {"apiVersion": API_VERSIONS[kind], "kind": kind, "metadata": metadata, **body}
    return {
        "cluster": CLUSTER,
        "namespace": namespace,
        "kind": kind,
        "api_version": API_VERSIONS[kind],
        "name": name,
        "locator": f"{CLUSTER}/{namespace}/{kind}/{name}",
        "labels": labels,
        "object": obj,
    }


def container(name: str = "web", image: str = "registry.example.com/shop/web:1.4.2", **extra):
    return {"name": name, "image": image, **extra}


def pod(*containers: dict, **extra) -> dict:
    return {
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,  # what the API server fills in
        "containers": list(containers) or [container()],
        **extra,
    }


def deployment(name: str = "web", *containers: dict, replicas: int = 1, pod_extra=None, **kw):
    pod_labels = {"app.kubernetes.io/name": name}
    body = {
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": pod_labels},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": pod(*containers, **(pod_extra or {})),
            },
        },
        "status": {"replicas": replicas, "readyReplicas": replicas},
    }
    if "metadata" in kw:
        body["metadata"] = kw.pop("metadata")
    return entry(kw.pop("kind", "Deployment"), name, body, **kw)


def job(name: str = "migrate", *containers: dict, cron: bool = False, **kw) -> dict:
    template = {
        "metadata": {"labels": {"app.kubernetes.io/name": name}},
        "spec": pod(*containers, restartPolicy="Never"),
    }
    if cron:
        body = {"spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}}}
        return entry("CronJob", name, body, **kw)
    return entry("Job", name, {"spec": {"backoffLimit": 2, "template": template}}, **kw)


def service(name: str = "web", selector=None, **spec) -> dict:
    body = {
        "spec": {
            "selector": selector or {"app.kubernetes.io/name": name},
            "ports": [{"port": 80, "targetPort": 8000}],
            "sessionAffinity": "None",
            **spec,
        }
    }
    return entry("Service", name, body)


def hpa(target: str = "web", kind: str = "Deployment", minimum: int = 2, maximum: int = 10):
    body = {
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
            "minReplicas": minimum,
            "maxReplicas": maximum,
        }
    }
    return entry("HorizontalPodAutoscaler", target, body)


def pvc(name: str, *modes: str) -> dict:
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": "1Gi"}}}
    return entry("PersistentVolumeClaim", name, {"spec": spec, "status": {"phase": "Bound"}})


def config_map(name: str, *keys: str) -> dict:
    return entry("ConfigMap", name, {"dataKeys": sorted(keys)})


def facts(*objects: dict) -> dict:
    return {"schema": 1, "source": "kubernetes", "objects": [copy.deepcopy(o) for o in objects]}


def context(*objects: dict, repo: str | Path | dict | None = None) -> CheckContext:
    if isinstance(repo, str | Path):
        path = Path(repo)
        repo = collect_directory(path if path.is_absolute() else REPOS / path)
    return CheckContext(repo=repo, kubernetes=facts(*objects))


def live_result(
    check_id: str, *objects: dict, repo: str | Path | dict | None = None
) -> CheckResult:
    """Score one service whose Kubernetes facts are ``objects`` (and optionally a repository)."""
    report = evaluate_service(context(*objects, repo=repo), today=TODAY)
    return next(r for r in report.results if r.id == check_id)


def repo_result(check_id: str, repo: str | Path) -> CheckResult:
    """The same repository scored without Kubernetes facts."""
    path = Path(repo)
    facts_ = collect_directory(path if path.is_absolute() else REPOS / path)
    report = evaluate_service(CheckContext(repo=facts_), today=TODAY)
    return next(r for r in report.results if r.id == check_id)


def sources(result: CheckResult) -> set[str]:
    return {e.source for e in result.evidence}


def locators(result: CheckResult) -> list[str]:
    return [e.locator for e in result.evidence]
