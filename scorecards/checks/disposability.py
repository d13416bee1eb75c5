"""IX. Disposability: signals reach the app, probes are declared, shutdown and startup are quick."""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks.concurrency import LONG_RUNNING_KINDS
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

_EXEC_PREFIX = re.compile(r"^\s*exec\s")
PROBES = ("readinessProbe", "livenessProbe", "startupProbe")
STARTUP_BUDGET_SECONDS = 120


def _signal_safe(item: dict | None) -> bool:
    """An instruction whose process receives SIGTERM: exec form, or shell form that ``exec``s."""
    return (
        item is None
        or bool(item.get("exec_form"))
        or bool(_EXEC_PREFIX.match(str(item.get("value") or "")))
    )


def _shell_form_problems(dockerfile: dict) -> list[dict]:
    """Final-stage CMD/ENTRYPOINT in shell form that leave /bin/sh as PID 1."""
    commands = d.final_stage_commands(dockerfile)
    entrypoint, cmd = commands.get("ENTRYPOINT"), commands.get("CMD")
    if entrypoint is not None:
        # With an ENTRYPOINT the CMD only supplies its arguments; the ENTRYPOINT decides.
        return [] if _signal_safe(entrypoint) else [entrypoint]
    return [] if _signal_safe(cmd) else [cmd]


@check("disposability.exec-form")
def exec_form(ctx: CheckContext) -> Outcome:
    files = d.production_dockerfiles(ctx)
    if not files:
        return Outcome.not_applicable("No Dockerfile builds this service's image.")
    parsed = [f for f in files if not f.get("error")]
    if not parsed:
        return Outcome.unknown(
            "No Dockerfile could be parsed.",
            [ctx.evidence(f["path"], None, f["error"]) for f in files][:5],
        )
    bad = [(f, item) for f in parsed for item in _shell_form_problems(f)]
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(parsed)} Dockerfile(s) start in shell form; SIGTERM goes to "
            "/bin/sh, not the app.",
            [
                ctx.evidence(f["path"], i["line"], f"{i['instruction']} {i['value']}")
                for f, i in bad
            ][:5],
        )
    return Outcome.passed(
        f"{len(parsed)} Dockerfile(s) checked; every CMD/ENTRYPOINT uses exec "
        "form or inherits the base image's."
    )


def _container_probes(workload: dict) -> list[tuple[dict, bool]]:
    """(container, has a probe) for the app containers of a long-running workload."""
    result = []
    for c in workload["containers"]:
        if c["init"]:
            continue
        container = c["container"]
        # Helm templates often fill a probe from values (`{{- toYaml .Values.livenessProbe }}`):
        # the key stays with an empty value, which still declares the probe.
        has = any(
            key in container and (workload["templated"] or isinstance(container[key], dict))
            for key in PROBES
        )
        result.append((c, has))
    return result


def _other_health_checks(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for dockerfile in d.production_dockerfiles(ctx):
        for item in dockerfile.get("instructions", []):
            if item["instruction"] == "HEALTHCHECK" and not str(
                item["value"]
            ).strip().upper().startswith("NONE"):
                evidence.append(
                    ctx.evidence(dockerfile["path"], item["line"], f"HEALTHCHECK {item['value']}")
                )
    for service in d.compose_services(ctx):
        health = service["service"].get("healthcheck")
        if (
            service["service"].get("build")
            and isinstance(health, dict)
            and not health.get("disable")
        ):
            evidence.append(
                ctx.evidence(
                    service["path"],
                    d.line_of(service["entry"], f"{service['pointer']}/healthcheck"),
                    f"{service['name']} healthcheck",
                )
            )
    for task in d.ecs_task_definitions(ctx):
        for container in task["containers"]:
            if isinstance(container, dict) and (
                container.get("healthCheck") or container.get("HealthCheck")
            ):
                evidence.append(ctx.evidence(task["path"], task.get("line"), "healthCheck"))
    for res in d.cfn_resources(ctx):
        if res["type"] == "AWS::ElasticLoadBalancingV2::TargetGroup" and res["properties"].get(
            "HealthCheckPath"
        ):
            evidence.append(
                ctx.evidence(
                    res["path"],
                    d.line_of(res["entry"], res["pointer"]),
                    f"HealthCheckPath {res['properties']['HealthCheckPath']}",
                )
            )
    for res in d.terraform_resources(ctx, "aws_lb_target_group"):
        if (res.get("attrs") or {}).get("health_check"):
            evidence.append(ctx.evidence(res["path"], res.get("line"), "health_check"))
    return evidence


def _has_deploy_manifests(ctx: CheckContext) -> bool:
    compose_deploy = any(s["service"].get("deploy") for s in d.compose_services(ctx))
    long_running = any(w["kind"] in LONG_RUNNING_KINDS for w in d.workloads(ctx))
    return long_running or bool(d.ecs_task_definitions(ctx)) or compose_deploy


@check("disposability.health-probes")
def health_probes(ctx: CheckContext) -> Outcome:
    workloads = [w for w in d.workloads(ctx) if w["kind"] in LONG_RUNNING_KINDS]
    probed, unprobed = [], []
    for workload in workloads:
        for c, has in _container_probes(workload):
            target = probed if has else unprobed
            target.append(
                ctx.evidence(
                    workload["path"],
                    d.line_of(workload["entry"], c["pointer"]),
                    f"{workload['kind']}/{workload['name']} {c['container'].get('name', '')}",
                )
            )
    others = _other_health_checks(ctx)
    if probed and unprobed:
        return Outcome.warned(
            f"{len(unprobed)} of {len(probed) + len(unprobed)} containers of "
            "long-running workloads have no probe.",
            unprobed[:5],
        )
    if probed or others:
        return Outcome.passed("Health probes or health checks are declared.", (probed + others)[:5])
    if _has_deploy_manifests(ctx):
        return Outcome.failed(
            "Deployment manifests declare no readiness/liveness probe or health check.",
            unprobed[:5],
        )
    if d.production_dockerfiles(ctx):
        return Outcome.warned(
            "The Dockerfile has no HEALTHCHECK; probes may be defined where it is deployed."
        )
    return Outcome.unknown("Nothing in the repository declares how the service is deployed.")


# Servers that stop accepting work and drain in-flight requests on SIGTERM by themselves.
_DRAINING_COMMANDS = re.compile(
    r"\b(?:gunicorn|uvicorn|hypercorn|granian|puma|celery|sidekiq|nginx)\b"
)
_DRAINING_DEPENDENCIES = frozenset(
    {"gunicorn", "uvicorn", "hypercorn", "granian", "puma", "celery", "sidekiq"}
)
_TRAP_TERM = re.compile(r"^\s*trap\s+.*\b(?:SIG)?(?:TERM|15)\b")


def _shutdown_evidence(ctx: CheckContext) -> list[Evidence]:
    evidence = [
        ctx.evidence(s["path"], s["line"], s["excerpt"]) for s in d.signals(ctx, "shutdown.")
    ]
    for command in d.start_commands(ctx):
        text = command["command"]
        if _DRAINING_COMMANDS.search(text) or (
            command["origin"] == "script" and (_TRAP_TERM.search(text) or _EXEC_PREFIX.match(text))
        ):
            evidence.append(ctx.evidence(command["path"], command["line"], text))
    for manifest, dep in d.dependency_hits(ctx, _DRAINING_DEPENDENCIES):
        evidence.append(ctx.evidence(manifest["path"], dep.get("line"), dep["name"]))
    for workload in d.workloads(ctx):
        pod = workload["pod_spec"]
        if "terminationGracePeriodSeconds" in pod:
            evidence.append(
                ctx.evidence(
                    workload["path"],
                    d.line_of(
                        workload["entry"],
                        f"{workload['pod_pointer']}/terminationGracePeriodSeconds",
                    ),
                    f"terminationGracePeriodSeconds: {pod['terminationGracePeriodSeconds']}",
                )
            )
        for c in workload["containers"]:
            if ((c["container"].get("lifecycle") or {}).get("preStop")) is not None:
                evidence.append(
                    ctx.evidence(
                        workload["path"],
                        d.line_of(workload["entry"], f"{c['pointer']}/lifecycle/preStop"),
                        "lifecycle.preStop",
                    )
                )
    for dockerfile in d.production_dockerfiles(ctx):
        for item in dockerfile.get("instructions", []):
            if item["instruction"] == "STOPSIGNAL":
                evidence.append(
                    ctx.evidence(dockerfile["path"], item["line"], f"STOPSIGNAL {item['value']}")
                )
    return evidence


@check("disposability.graceful-shutdown")
def graceful_shutdown(ctx: CheckContext) -> Outcome:
    evidence = _shutdown_evidence(ctx)
    if evidence:
        return Outcome.passed(
            "SIGTERM is handled (signal handlers, draining servers, preStop or grace period).",
            list(dict.fromkeys(evidence))[:5],
        )
    unreachable = [
        (f, item) for f in d.production_dockerfiles(ctx) for item in _shell_form_problems(f)
    ]
    if unreachable:
        return Outcome.failed(
            "The image starts the app through /bin/sh (shell-form CMD/ENTRYPOINT without exec), "
            "so SIGTERM never reaches it, and nothing else handles shutdown.",
            [
                ctx.evidence(f["path"], i["line"], f"{i['instruction']} {i['value']}")
                for f, i in unreachable
            ][:5],
        )
    return Outcome.unknown("No signal handling or graceful-shutdown setting was found.")


def _seconds(value: object, default: int) -> int | None:
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None  # a template placeholder the repository does not resolve


def startup_allowance(probe_name: str, probe: dict) -> int | None:
    """Seconds a probe lets the app take to start (None when not computable)."""
    delay = _seconds(probe.get("initialDelaySeconds"), 0)
    if probe_name != "startupProbe":
        return delay
    period = _seconds(probe.get("periodSeconds"), 10)
    failures = _seconds(probe.get("failureThreshold"), 3)
    if delay is None or period is None or failures is None:
        return None
    return delay + period * failures


def _probe_allowances(ctx: CheckContext) -> list[tuple[int, Evidence]]:
    found = []
    for workload in d.workloads(ctx):
        for c in workload["containers"]:
            for name in PROBES:
                probe = c["container"].get(name)
                seconds = startup_allowance(name, probe) if isinstance(probe, dict) else None
                if seconds is not None:
                    line = d.line_of(workload["entry"], f"{c['pointer']}/{name}")
                    found.append(
                        (
                            seconds,
                            ctx.evidence(workload["path"], line, f"{name}: {seconds}s to start"),
                        )
                    )
    for document in d.documents(ctx, "helm_values"):
        for entry, data in d.iter_docs(document):
            for pointer, name, probe in _values_probes(data, ""):
                seconds = startup_allowance(name, probe)
                if seconds is not None:
                    found.append(
                        (
                            seconds,
                            ctx.evidence(
                                document["path"],
                                d.line_of(entry, pointer),
                                f"{name}: {seconds}s to start",
                            ),
                        )
                    )
    return found


def _values_probes(data: object, pointer: str) -> list[tuple[str, str, dict]]:
    """Probe mappings anywhere in a Helm values document: (pointer, probe name, probe)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{pointer}/{key}"
            if key in PROBES and isinstance(value, dict):
                found.append((child, key, value))
            else:
                found.extend(_values_probes(value, child))
    return found


def _provisioned_concurrency(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for res in d.cfn_resources(ctx):
        if res["properties"].get("ProvisionedConcurrencyConfig"):
            evidence.append(
                ctx.evidence(
                    res["path"],
                    d.line_of(res["entry"], res["pointer"]),
                    "ProvisionedConcurrencyConfig",
                )
            )
    for fn in d.serverless_functions(ctx):
        if fn["function"].get("provisionedConcurrency"):
            evidence.append(
                ctx.evidence(
                    fn["path"], d.line_of(fn["entry"], fn["pointer"]), "provisionedConcurrency"
                )
            )
    for res in d.terraform_resources(ctx, "aws_lambda_provisioned_concurrency_config"):
        evidence.append(ctx.evidence(res["path"], res.get("line"), res["type"]))
    return evidence


@check("disposability.fast-startup")
def fast_startup(ctx: CheckContext) -> Outcome:
    allowances = _probe_allowances(ctx)
    slow = sorted((a for a in allowances if a[0] > STARTUP_BUDGET_SECONDS), key=lambda a: -a[0])
    if slow:
        return Outcome.failed(
            f"{len(slow)} probe(s) allow more than {STARTUP_BUDGET_SECONDS}s to start "
            f"(longest {slow[0][0]}s).",
            [e for _, e in slow][:5],
        )
    provisioned = _provisioned_concurrency(ctx)
    if allowances or provisioned:
        return Outcome.passed(
            f"Startup allowances stay within {STARTUP_BUDGET_SECONDS}s"
            + (" and functions use provisioned concurrency." if provisioned else "."),
            ([e for _, e in allowances] + provisioned)[:5],
        )
    return Outcome.unknown(
        "No probe timings or provisioned concurrency in the repository; startup time is live data."
    )
