"""Checks of factor VI, Processes (see catalogue/processes.yaml for metadata and remediation)."""

from __future__ import annotations

from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

MAX_EVIDENCE = 5

# Workloads that replicate one pod template and so must not keep state on a node or a disk.
REPLICATED_KINDS = frozenset({"Deployment", "DeploymentConfig", "Rollout", "ReplicaSet"})
# Host paths that expose the node to the pod (sockets, clocks, logs), not application state.
_SYSTEM_HOST_PATHS = ("/var/run", "/run", "/var/log", "/proc", "/sys", "/dev", "/etc/localtime",
                      "/etc/ssl", "/etc/pki", "/usr/share/zoneinfo", "/lib/modules")  # fmt: skip
_SINGLE_NODE_MODES = frozenset({"ReadWriteOnce", "ReadWriteOncePod"})
# Load-balancer settings that pin a client to one instance.
_STICKY_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/affinity": ("cookie",),
    "traefik.ingress.kubernetes.io/affinity": ("true",),
    "ingress.kubernetes.io/affinity": ("cookie",),
}  # fmt: skip


def _is_system_host_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in _SYSTEM_HOST_PATHS)


def _claims(ctx: CheckContext) -> dict[str, dict]:
    """PersistentVolumeClaims declared in the repository, by name."""
    claims = {}
    for item in d.k8s_objects(ctx):
        obj = item["object"]
        if obj.get("kind") == "PersistentVolumeClaim":
            name = (obj.get("metadata") or {}).get("name")
            if name:
                claims[str(name)] = obj
    return claims


def _volume_findings(ctx: CheckContext) -> list[Evidence]:
    claims = _claims(ctx)
    evidence = []
    for workload in d.workloads(ctx):
        if workload["kind"] not in REPLICATED_KINDS:
            continue
        unit = f"{workload['kind']}/{workload['name']}"
        for i, volume in enumerate(workload["pod_spec"].get("volumes") or []):
            if not isinstance(volume, dict):
                continue
            line = d.line_of(workload["entry"], f"{workload['pod_pointer']}/volumes/{i}")
            host = volume.get("hostPath")
            if isinstance(host, dict) and not _is_system_host_path(str(host.get("path", ""))):
                evidence.append(
                    ctx.evidence(
                        workload["path"], line, f"{unit} mounts hostPath {host.get('path')}"
                    )
                )
            claim = volume.get("persistentVolumeClaim")
            if isinstance(claim, dict):
                pvc = claims.get(str(claim.get("claimName")))
                modes = set(((pvc or {}).get("spec") or {}).get("accessModes") or [])
                if modes and modes <= _SINGLE_NODE_MODES:
                    evidence.append(
                        ctx.evidence(
                            workload["path"],
                            line,
                            f"{unit} mounts ReadWriteOnce claim {claim.get('claimName')}",
                        )
                    )
    return evidence


def _affinity_findings(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for item in d.k8s_objects(ctx):
        obj = item["object"]
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        if obj.get("kind") == "Service" and spec.get("sessionAffinity") == "ClientIP":
            name = (obj.get("metadata") or {}).get("name", "")
            evidence.append(
                ctx.evidence(
                    item["path"],
                    d.line_of(item["entry"], "/spec/sessionAffinity"),
                    f"Service/{name} sessionAffinity: ClientIP",
                )
            )
    return evidence


def _session_findings(ctx: CheckContext) -> list[Evidence]:
    return [
        ctx.evidence(s["path"], s["line"], f"{s['detail'].get('store')}: {s.get('excerpt', '')}")
        for s in d.signals(ctx, "session.local-store")
        if not d.is_dev_config_path(s["path"])
    ]


def _sticky_findings(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for item in d.k8s_objects(ctx):
        obj = item["object"]
        if obj.get("kind") != "Ingress":
            continue
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        for key, sticky in _STICKY_ANNOTATIONS.items():
            if str(annotations.get(key, "")).lower() in sticky:
                evidence.append(
                    ctx.evidence(
                        item["path"],
                        d.line_of(item["entry"], f"/metadata/annotations/{key.replace('/', '~1')}"),
                        f"{key}: {annotations[key]}",
                    )
                )
    for res in d.cfn_resources(ctx):
        if res["type"] != "AWS::ElasticLoadBalancingV2::TargetGroup":
            continue
        for attribute in res["properties"].get("TargetGroupAttributes") or []:
            if (
                isinstance(attribute, dict)
                and attribute.get("Key") == "stickiness.enabled"
                and str(attribute.get("Value")).lower() == "true"
            ):
                evidence.append(
                    ctx.evidence(
                        res["path"],
                        d.line_of(res["entry"], res["pointer"]),
                        f"{res['name']}: stickiness.enabled true",
                    )
                )
    return evidence


@check("processes.stateless")
def stateless(ctx: CheckContext) -> Outcome:
    broken = [*_volume_findings(ctx), *_affinity_findings(ctx), *_session_findings(ctx)]
    if broken:
        return Outcome.failed(
            "Processes keep state locally: node-bound volumes, client affinity or local "
            "session stores.",
            broken[:MAX_EVIDENCE],
        )
    sticky = _sticky_findings(ctx)
    if sticky:
        return Outcome.warned(
            "The load balancer pins clients to one instance (sticky sessions).",
            sticky[:MAX_EVIDENCE],
        )
    units = (
        len(d.workloads(ctx))
        + len(d.production_dockerfiles(ctx))
        + len(d.procfile_processes(ctx))
        + len(d.ecs_task_definitions(ctx))
    )
    return Outcome.passed(
        f"{units} deployable units checked; no local volume, affinity or local session store."
    )
