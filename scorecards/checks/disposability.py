"""IX. Disposability: signals reach the app, probes are declared, shutdown and startup are quick."""

from __future__ import annotations

import re

from scorecards.checks import charts, frameworks, live_aws, live_k8s
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
        container = c["container"]
        # A container with no image is a Kustomize patch fragment, not something that runs.
        if c["init"] or "image" not in container:
            continue
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
    # A development compose file's healthchecks say nothing of how the service is deployed
    # when k8s or a stack is the deploy definition (decision 3).
    for service in d.deploy_compose_services(ctx):
        if _compose_app_service(service) and _compose_healthcheck(service):
            evidence.append(
                ctx.evidence(
                    service["path"],
                    d.line_of(service["entry"], f"{service['pointer']}/healthcheck"),
                    f"{service['name']} healthcheck",
                )
            )
    evidence += [e for e, checked in _platform_health(ctx) if checked]
    for task in d.terraform_ecs_tasks(ctx):
        evidence += [
            ctx.evidence(task["path"], c.get("line"), f"{c.get('image')}: healthCheck")
            for c in task["containers"]
            if c.get("healthCheck")
        ]
    evidence += [
        ctx.evidence(s["path"], s["line"], s.get("excerpt") or "health check")
        for s in d.code_deploy_signals(ctx, "health")
    ]
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


_PLATFORM_HEALTH_KEYS = {"render": "healthCheckPath", "digitalocean": "health_check"}


def _platform_health(ctx: CheckContext) -> list[tuple[Evidence, bool]]:
    """(evidence, checked?) per web service of a Render blueprint, a DigitalOcean app spec or a
    fly.toml: each platform checks a service's health only when its spec says where."""
    from scorecards.collectors.repo_files.documents import is_app_platform_spec

    found = []
    for document in d.documents(ctx, "platform"):
        name = document["path"].rsplit("/", 1)[-1].lower()
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            if name == "fly.toml":
                found.append(_fly_health(ctx, document["path"], entry, data))
                continue
            platform = "render" if name in ("render.yaml", "render.yml") else None
            if platform is None and is_app_platform_spec(data):
                platform = "digitalocean"
                data = data["spec"] if isinstance(data.get("spec"), dict) else data
            if platform is None:
                continue
            key = _PLATFORM_HEALTH_KEYS[platform]
            for i, service in enumerate(data.get("services") or []):
                if not isinstance(service, dict) or service.get("type") not in (None, "web"):
                    continue
                label = service.get("name") or f"service {i}"
                checked = bool(service.get(key))
                pointer = f"/services/{i}/{key}" if checked else f"/services/{i}"
                excerpt = f"{label}: {key}" if checked else f"{label}: no {key}"
                line = d.line_of(entry, pointer)
                found.append((ctx.evidence(document["path"], line, excerpt), checked))
    return found


def _fly_health(ctx: CheckContext, path: str, entry: dict, data: dict) -> tuple[Evidence, bool]:
    sections = [data, data.get("http_service")] + list(data.get("services") or [])
    checked = any(
        isinstance(section, dict)
        and any(section.get(k) for k in ("checks", "http_checks", "tcp_checks"))
        for section in sections
    )
    excerpt = "fly.toml health checks" if checked else "fly.toml: no checks"
    return ctx.evidence(path, entry.get("line"), excerpt), checked


def _compose_healthcheck(service: dict) -> bool:
    health = service["service"].get("healthcheck")
    return isinstance(health, dict) and not health.get("disable")


def _compose_app_service(service: dict) -> bool:
    """A service the repository builds or deploys as the app: not a load generator and not an
    off-the-shelf database, cache or broker (decision 8)."""
    body = service["service"]
    if charts.LOAD_GENERATORS.search(service["name"]):
        return False
    if body.get("build"):
        return True
    image = body.get("image")
    if not isinstance(image, str) or charts.LOAD_GENERATORS.search(image):
        return False
    name, _tag, _digest = d.split_image_ref(image)
    return name.rsplit("/", 1)[-1].lower() not in charts.THIRD_PARTY_SERVERS


def _unprobed_elsewhere(ctx: CheckContext) -> list[Evidence]:
    """App units of compose deploy manifests, Terraform ECS tasks and CDK/Bicep services that
    declare no health check (where the deploy definition lacks it)."""
    evidence = []
    for service in d.deploy_compose_services(ctx):
        if _compose_app_service(service) and not _compose_healthcheck(service):
            line = d.line_of(service["entry"], service["pointer"])
            evidence.append(
                ctx.evidence(service["path"], line, f"{service['name']}: no healthcheck")
            )
    for task in d.terraform_ecs_tasks(ctx):
        evidence += [
            ctx.evidence(task["path"], c.get("line"), f"{c.get('image')}: no healthCheck")
            for c in task["containers"]
            if not c.get("healthCheck")
        ]
    evidence += [
        ctx.evidence(s["path"], s["line"], f"{s.get('excerpt') or 'service'}: no health check")
        for s in d.code_deploy_signals(ctx, "service")
    ]
    evidence += [e for e, checked in _platform_health(ctx) if not checked]
    return evidence


def _app_workloads(ctx: CheckContext) -> list[dict]:
    """Long-running workloads that are the app's own (decision 8)."""
    return [
        w
        for w in d.workloads(ctx)
        if w["kind"] in LONG_RUNNING_KINDS and not charts.not_the_app(ctx, w)
    ]


def _has_deploy_manifests(ctx: CheckContext) -> bool:
    return bool(_app_workloads(ctx) or d.ecs_task_definitions(ctx) or _unprobed_elsewhere(ctx))


def _live_health_probes(ctx: CheckContext) -> Outcome:
    """Readiness/liveness/startup probes of the app containers of running workloads."""
    workloads = live_k8s.workloads(ctx, *LONG_RUNNING_KINDS)
    if not workloads:
        return live_k8s.not_found("long-running workload")
    probed, unprobed = [], []
    for workload in workloads:
        for c, has in _container_probes(workload):
            names = [p for p in PROBES if p in c["container"]]
            excerpt = f"{workload['kind']}/{workload['name']} {c['container'].get('name', '')}"
            (probed if has else unprobed).append(
                live_k8s.evidence(
                    ctx,
                    workload,
                    c["pointer"],
                    f"{excerpt}: {', '.join(names)}" if names else f"{excerpt}: no probe",
                )
            )
    total = len(probed) + len(unprobed)
    if probed and unprobed:
        return Outcome.warned(
            f"{len(unprobed)} of {total} running containers have no probe.", unprobed[:5]
        )
    if probed:
        return Outcome.passed(f"Every one of {total} running containers has a probe.", probed[:5])
    return Outcome.failed("No running container has a readiness or liveness probe.", unprobed[:5])


def _aws_health_probes(ctx: CheckContext) -> Outcome:
    """ECS container health checks, or the load balancer's target health check."""
    items = live_aws.containers(ctx, essential_only=True)
    if not items:
        return live_aws.not_found("ECS container")
    probed, unprobed = [], []
    for item in items:
        container, service = item["container"], item["service"]
        balanced = [
            lb
            for lb in service.get("load_balancers") or []
            if lb.get("container_name") == container.get("name")
        ]
        if container.get("health_check"):
            command = " ".join(str(a) for a in container["health_check"].get("command") or [])
            pointer = f"{item['pointer']}/health_check"
            probed.append(live_aws.evidence(service, pointer, f"{item['name']}: {command}"))
        elif balanced:
            excerpt = f"{item['name']}: load balancer target health check"
            probed.append(live_aws.evidence(service, "/load_balancers", excerpt))
        else:
            excerpt = f"{item['name']}: no healthCheck, no load balancer"
            unprobed.append(live_aws.evidence(service, item["pointer"], excerpt))
    total = len(probed) + len(unprobed)
    if probed and unprobed:
        return Outcome.warned(
            f"{len(unprobed)} of {total} essential live ECS containers have no health check.",
            unprobed[:5],
        )
    if probed:
        return Outcome.passed(
            f"Every one of {total} essential live ECS containers is health-checked.", probed[:5]
        )
    return Outcome.failed(
        "No essential live ECS container has a healthCheck or a load balancer health check.",
        unprobed[:5],
    )


@check("disposability.health-probes")
@live_k8s.with_kubernetes(_live_health_probes, policy="live")
@live_aws.with_aws(_aws_health_probes, policy="live")
def health_probes(ctx: CheckContext) -> Outcome:
    workloads = _app_workloads(ctx)
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
            (unprobed + _unprobed_elsewhere(ctx))[:5],
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
    evidence += [default for _, default in frameworks.defaults(ctx, "graceful_shutdown")]
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


# The grace period the API server fills in when a manifest sets none.
DEFAULT_GRACE_SECONDS = 30


def _live_graceful_shutdown(ctx: CheckContext) -> Outcome:
    """preStop hooks, a deliberate grace period and draining servers of running workloads."""
    workloads = live_k8s.workloads(ctx, *LONG_RUNNING_KINDS)
    if not workloads:
        return live_k8s.not_found("long-running workload")
    good, killed = [], []
    for workload in workloads:
        pointer = f"{workload['pod_pointer']}/terminationGracePeriodSeconds"
        grace = workload["pod_spec"].get("terminationGracePeriodSeconds")
        unit = f"{workload['kind']}/{workload['name']}"
        if grace == 0:
            killed.append(live_k8s.evidence(ctx, workload, pointer, f"{unit} grace period: 0s"))
        elif isinstance(grace, int) and grace != DEFAULT_GRACE_SECONDS:
            good.append(
                live_k8s.evidence(ctx, workload, pointer, f"terminationGracePeriodSeconds: {grace}")
            )
        for c in workload["containers"]:
            if ((c["container"].get("lifecycle") or {}).get("preStop")) is not None:
                good.append(
                    live_k8s.evidence(
                        ctx, workload, f"{c['pointer']}/lifecycle/preStop", f"{unit} preStop hook"
                    )
                )
    view = live_k8s.view(ctx)
    for command in live_k8s.start_commands(ctx):
        running = command.get("workload_kind") in LONG_RUNNING_KINDS and not command.get("init")
        if running and _DRAINING_COMMANDS.search(command["command"]):
            good.append(view.evidence(command["path"], command["line"], command["command"]))
    if killed:
        return Outcome.failed(
            "Running pods are killed at once on shutdown (terminationGracePeriodSeconds: 0).",
            killed[:5],
        )
    if good:
        return Outcome.passed(
            "Running workloads shut down gracefully (preStop, grace period or a draining server).",
            list(dict.fromkeys(good))[:5],
        )
    return Outcome.unknown(
        "Running workloads keep the default 30 s grace period and no preStop hook; whether the "
        "app handles SIGTERM is decided by its code."
    )


def _app_level_evidence(ctx: CheckContext) -> list[Evidence]:
    """Shutdown handling that covers the app's code: handlers, preStop, grace, STOPSIGNAL."""
    evidence = [
        ctx.evidence(s["path"], s["line"], s["excerpt"]) for s in d.signals(ctx, "shutdown.")
    ]
    for command in d.start_commands(ctx):
        text = command["command"]
        if command["origin"] == "script" and (_TRAP_TERM.search(text) or _EXEC_PREFIX.match(text)):
            evidence.append(ctx.evidence(command["path"], command["line"], text))
    for workload in d.workloads(ctx):
        if "terminationGracePeriodSeconds" in workload["pod_spec"] or any(
            (c["container"].get("lifecycle") or {}).get("preStop") is not None
            for c in workload["containers"]
        ):
            evidence.append(ctx.evidence(workload["path"], workload["line"], workload["name"]))
    return evidence


def _undrained_failure(ctx: CheckContext) -> Outcome | None:
    """Decisions 1 and 2: a server seen in the code that drains nothing by itself, and no
    handler, hook or grace period of the app's; another unit's draining server does not count."""
    undrained = frameworks.leaving_to_app(ctx, "graceful_shutdown")
    if not undrained or _app_level_evidence(ctx):
        return None
    names = ", ".join(dict.fromkeys(item.framework.name for item in undrained))
    return Outcome.failed(
        f"{names} does not drain in-flight requests on SIGTERM by default, and no "
        "signal handler, server setting, preStop hook or grace period was found.",
        [ctx.evidence(i.path, i.line, f"{i.what}: no SIGTERM handling by default")
         for i in undrained[:5]],
    )  # fmt: skip


@check("disposability.graceful-shutdown")
@live_k8s.with_kubernetes(_live_graceful_shutdown, policy="worst")
def graceful_shutdown(ctx: CheckContext) -> Outcome:
    evidence = _shutdown_evidence(ctx)
    undrained = _undrained_failure(ctx)
    if undrained is not None:
        return undrained
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


def _live_fast_startup(ctx: CheckContext) -> Outcome:
    """Start-up allowances of the probes of running containers."""
    allowances = _probe_allowances(live_k8s.view(ctx))
    if not allowances:
        return live_k8s.not_found("probe timing")
    slow = sorted((a for a in allowances if a[0] > STARTUP_BUDGET_SECONDS), key=lambda a: -a[0])
    if slow:
        return Outcome.failed(
            f"{len(slow)} live probe(s) allow more than {STARTUP_BUDGET_SECONDS}s to start "
            f"(longest {slow[0][0]}s).",
            [e for _, e in slow][:5],
        )
    longest = max(a[0] for a in allowances)
    return Outcome.passed(
        f"Live probes allow at most {longest}s to start (budget {STARTUP_BUDGET_SECONDS}s).",
        [e for _, e in sorted(allowances, key=lambda a: -a[0])][:5],
    )


LAMBDA_PACKAGE_FAIL_BYTES = 50 * 1024 * 1024  # the zipped upload limit of Lambda
LAMBDA_PACKAGE_WARN_BYTES = 10 * 1024 * 1024


def _aws_function_startup(function: dict) -> tuple[str | None, Evidence]:
    """("fast" | "slow" | "heavy" | None, evidence) for one live Lambda function."""
    name = function["name"]
    provisioned = live_aws.provisioned_concurrency(function)
    if provisioned:
        pointer = "/provisioned_concurrency"
        return "fast", live_aws.evidence(function, pointer, f"{name}: {provisioned} provisioned")
    if function.get("snap_start") == "PublishedVersions":
        return "fast", live_aws.evidence(function, "/snap_start", f"{name}: SnapStart")
    if function.get("package_type") == "Image" or function.get("code_size") is None:
        return None, live_aws.evidence(function, "/package_type", f"{name}: container image")
    size = function["code_size"] + sum(
        (layer.get("code_size") or 0) for layer in function.get("layers") or []
    )
    excerpt = f"{name}: package {size / 1024 / 1024:.1f} MB with layers"
    evidence = live_aws.evidence(function, "/code_size", excerpt)
    if size > LAMBDA_PACKAGE_FAIL_BYTES:
        return "slow", evidence
    if size > LAMBDA_PACKAGE_WARN_BYTES:
        return "heavy", evidence
    return "fast", evidence


def _aws_ecs_startup(service: dict) -> list[tuple[int, Evidence]]:
    """(seconds allowed to start, evidence): health-check start periods and the service's
    load-balancer grace period."""
    found = []
    grace = service.get("health_check_grace_period")
    if isinstance(grace, int) and service.get("load_balancers"):
        excerpt = f"{service['name']}: healthCheckGracePeriodSeconds {grace}"
        found.append((grace, live_aws.evidence(service, "/health_check_grace_period", excerpt)))
    containers = (service.get("task_definition") or {}).get("containers") or []
    for i, container in enumerate(containers):
        check = container.get("health_check") if isinstance(container, dict) else None
        if isinstance(check, dict):
            seconds = check.get("start_period") or 0
            pointer = f"/task_definition/containers/{i}/health_check/start_period"
            excerpt = f"{service['name']}/{container.get('name')}: startPeriod {seconds}s"
            found.append((seconds, live_aws.evidence(service, pointer, excerpt)))
    return found


def _aws_fast_startup(ctx: CheckContext) -> Outcome:
    """Lambda package size (or provisioned concurrency, SnapStart); ECS start allowances."""
    functions = live_aws.functions(ctx)
    services = live_aws.ecs_services(ctx)
    if not functions and not services:
        return live_aws.not_found("Lambda function or ECS service")
    verdicts: dict[str | None, list[Evidence]] = {}
    for function in functions:
        state, found = _aws_function_startup(function)
        verdicts.setdefault(state, []).append(found)
    allowances = [a for s in services for a in _aws_ecs_startup(s)]
    for seconds, found in allowances:
        state = "slow" if seconds > STARTUP_BUDGET_SECONDS else "fast"
        verdicts.setdefault(state, []).append(found)
    if verdicts.get("slow"):
        return Outcome.failed(
            "Live functions ship packages over 50 MB without provisioned concurrency, or ECS "
            f"containers are allowed more than {STARTUP_BUDGET_SECONDS}s to start.",
            verdicts["slow"][:5],
        )
    if verdicts.get("heavy"):
        return Outcome.warned(
            "Live Lambda packages over 10 MB lengthen cold starts.", verdicts["heavy"][:5]
        )
    if verdicts.get("fast"):
        return Outcome.passed(
            "Live functions and containers start within their budgets.", verdicts["fast"][:5]
        )
    return Outcome.unknown(
        "The live resources show no package size or start-up allowance to judge.",
        verdicts.get(None, [])[:5],
    )


@check("disposability.fast-startup")
@live_k8s.with_kubernetes(_live_fast_startup, policy="live")
@live_aws.with_aws(_aws_fast_startup, policy="live")
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
