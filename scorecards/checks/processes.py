"""Checks of factor VI, Processes (see catalogue/processes.yaml for metadata and remediation)."""

from __future__ import annotations

from scorecards.checks import deployables as d
from scorecards.checks import live_aws, live_k8s, platforms
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


def _live_max_pods(ctx: CheckContext, workload: dict) -> int:
    """Most pods a live workload may run at once: its replicas, or its autoscalers' maximum."""
    counts = [live_k8s.replicas(workload) or 1]
    for hpa in live_k8s.autoscalers_of(ctx, workload):
        spec = hpa["object"].get("spec") or {}
        value = spec.get("maxReplicas", spec.get("maxReplicaCount"))
        if isinstance(value, int) and not isinstance(value, bool):
            counts.append(value)
    return max(counts)


def _live_volume_findings(ctx: CheckContext) -> list[Evidence]:
    claims = live_k8s.objects(ctx, "PersistentVolumeClaim")
    evidence = []
    for workload in live_k8s.workloads(ctx, *REPLICATED_KINDS):
        unit = f"{workload['kind']}/{workload['name']}"
        pods = _live_max_pods(ctx, workload)
        for i, volume in enumerate(workload["pod_spec"].get("volumes") or []):
            if not isinstance(volume, dict):
                continue
            pointer = f"{workload['pod_pointer']}/volumes/{i}"
            host = volume.get("hostPath")
            if isinstance(host, dict) and not _is_system_host_path(str(host.get("path", ""))):
                evidence.append(
                    live_k8s.evidence(
                        ctx, workload, pointer, f"{unit} mounts hostPath {host.get('path')}"
                    )
                )
            claim = volume.get("persistentVolumeClaim")
            if not isinstance(claim, dict) or pods <= 1:
                continue
            pvc = next(
                (
                    c
                    for c in claims
                    if c["name"] == claim.get("claimName") and live_k8s.same_namespace(c, workload)
                ),
                None,
            )
            spec = (pvc or {}).get("object", {}).get("spec") or {}
            modes = set(spec.get("accessModes") or [])
            if modes and modes <= _SINGLE_NODE_MODES:
                evidence.append(
                    live_k8s.evidence(
                        ctx,
                        workload,
                        pointer,
                        f"{unit} ({pods} pods) mounts ReadWriteOnce claim {claim.get('claimName')}",
                    )
                )
    return evidence


def _live_stateless(ctx: CheckContext) -> Outcome:
    """Running workloads: node-bound volumes, client affinity, sticky sessions."""
    workloads = live_k8s.workloads(ctx)
    if not workloads and not live_k8s.objects(ctx, "Service", "Ingress"):
        return live_k8s.not_found("workload")
    view = live_k8s.view(ctx)
    broken = [*_live_volume_findings(ctx), *_affinity_findings(view)]
    if broken:
        return Outcome.failed(
            "Running workloads keep state locally: node-bound volumes or client affinity.",
            broken[:MAX_EVIDENCE],
        )
    sticky = _sticky_findings(view)
    if sticky:
        return Outcome.warned(
            "A live Ingress pins clients to one instance (sticky sessions).", sticky[:MAX_EVIDENCE]
        )
    return Outcome.passed(
        f"{len(workloads)} running workloads checked; no node-bound volume, client affinity or "
        "sticky session."
    )


def _aws_host_volumes(service: dict) -> list[Evidence]:
    """Volumes of a live ECS task that keep data on the instance: host paths, shared docker
    volumes of the local driver (EFS and FSx are shared storage, task scratch space is not
    kept)."""
    task = service.get("task_definition") or {}
    mounted = {
        m.get("source_volume")
        for c in task.get("containers") or []
        if isinstance(c, dict)
        for m in c.get("mount_points") or []
    }
    found = []
    for i, volume in enumerate(task.get("volumes") or []):
        if not isinstance(volume, dict) or volume.get("name") not in mounted:
            continue
        host_path = volume.get("host_path")
        local_shared = volume.get("docker_scope") == "shared" and volume.get("docker_driver") in (
            None,
            "local",
        )
        if host_path and not _is_system_host_path(str(host_path)):
            excerpt = f"{service['name']}: volume {volume['name']} on host path {host_path}"
        elif local_shared:
            excerpt = f"{service['name']}: shared local docker volume {volume['name']}"
        else:
            continue
        found.append(live_aws.evidence(service, f"/task_definition/volumes/{i}", excerpt))
    return found


def _aws_stateless(ctx: CheckContext) -> Outcome:
    """Volumes of the live ECS services' tasks."""
    services = live_aws.ecs_services(ctx)
    if not services:
        return live_aws.not_found("ECS service")
    broken = [e for s in services for e in _aws_host_volumes(s)]
    if broken:
        return Outcome.failed(
            "Live ECS tasks keep state on their instance (host-path or shared local volumes).",
            broken[:MAX_EVIDENCE],
        )
    unread = [s for s in services if live_aws.unreadable(s, "task_definition")]
    if len(unread) == len(services):
        return Outcome.unknown("The task definitions of the live ECS services could not be read.")
    return Outcome.passed(
        f"{live_aws.plural(len(services) - len(unread), 'live ECS service')} checked; no task "
        "keeps state on its instance.",
        [live_aws.evidence(s, "/task_definition/volumes", s["name"]) for s in services][:3],
    )


@check("processes.stateless")
@live_k8s.with_kubernetes(_live_stateless, policy="worst")
@live_aws.with_aws(_aws_stateless, policy="worst")
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
        + len(platforms.platform_services(ctx))
    )
    if not units:  # code only (judged as paas): the code and its settings are what decides
        return Outcome.passed(
            "No local session store or state kept on the instance in the code and its settings."
        )
    return Outcome.passed(
        f"{units} deployable units checked; no local volume, affinity or local session store."
    )
