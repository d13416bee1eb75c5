"""VIII. Concurrency: declared process types, horizontal scaling, foreground processes."""

from __future__ import annotations

import re

from scorecards.checks import charts, live_aws, live_k8s
from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

LONG_RUNNING_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout", "DeploymentConfig")
SCALED_KINDS = ("Deployment", "Rollout", "DeploymentConfig")


def _platform_processes(ctx: CheckContext) -> list[Evidence]:
    """Process declarations of PaaS manifests: fly.toml, app.yaml, render.yaml, app.json..."""
    evidence = []
    for document in d.documents(ctx, "platform"):
        name = document["path"].rsplit("/", 1)[-1]
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            keys = {
                "fly.toml": "processes",
                "render.yaml": "services",
                "render.yml": "services",
                "app.json": "formation",
                "heroku.yml": "run",
            }
            key = keys.get(name)
            declared = (
                (key and data.get(key))
                or name in ("app.yaml", "app.yml")
                or ("/copilot/" in f"/{document['path']}" and data.get("type"))
            )
            if declared:
                line = d.line_of(entry, f"/{key}") if key else entry.get("line")
                evidence.append(ctx.evidence(document["path"], line, key or name))
    return evidence


def _declared_process_types(ctx: CheckContext) -> list[tuple[str, Evidence]]:
    found: list[tuple[str, Evidence]] = []
    for process in d.procfile_processes(ctx):
        found.append(
            (
                f"Procfile {process['type']}",
                ctx.evidence(
                    process["path"], process.get("line"), f"{process['type']}: {process['command']}"
                ),
            )
        )
    for service in d.compose_services(ctx):
        if service["service"].get("build"):
            line = d.line_of(service["entry"], service["pointer"])
            found.append(
                (
                    f"compose {service['name']}",
                    ctx.evidence(service["path"], line, f"service {service['name']} (build)"),
                )
            )
    for workload in d.workloads(ctx):
        found.append(
            (
                f"{workload['kind']} {workload['name']}",
                ctx.evidence(workload["path"], workload.get("line"), f"kind: {workload['kind']}"),
            )
        )
    for task in d.ecs_task_definitions(ctx):
        found.append(
            ("ECS task", ctx.evidence(task["path"], task.get("line"), "containerDefinitions"))
        )
    for function in d.lambda_functions(ctx):
        found.append(
            (
                f"function {function['name']}",
                ctx.evidence(
                    function["path"], function.get("line"), f"function {function['name']}"
                ),
            )
        )
    found.extend(("platform", e) for e in _platform_processes(ctx))
    return found


def _live_process_types(ctx: CheckContext) -> Outcome:
    """Each running workload is a process type (web, worker, job...)."""
    workloads = live_k8s.workloads(ctx)
    if not workloads:
        return live_k8s.not_found("workload")
    names = ", ".join(dict.fromkeys(f"{w['kind']} {w['name']}" for w in workloads[:6]))
    return Outcome.passed(
        f"Process types run as separate workloads: {names}.",
        [live_k8s.evidence(ctx, w, None, f"kind: {w['kind']}") for w in workloads[:5]],
    )


def _aws_process_types(ctx: CheckContext) -> Outcome:
    """Each live ECS service and Lambda function is a process type of its own."""
    units = [*live_aws.ecs_services(ctx), *live_aws.functions(ctx)]
    if not units:
        return live_aws.not_found("ECS service or Lambda function")
    label = {live_aws.ECS: "ECS service", live_aws.LAMBDA: "function"}
    names = [f"{label[u['type']]} {u['name']}" for u in units]
    return Outcome.passed(
        f"Process types run as separate units: {', '.join(names[:6])}.",
        [live_aws.evidence(u, "", name) for u, name in zip(units, names, strict=True)][:5],
    )


@check("concurrency.process-types")
@live_k8s.with_kubernetes(_live_process_types, policy="best")
@live_aws.with_aws(_aws_process_types, policy="best")
def process_types(ctx: CheckContext) -> Outcome:
    declared = _declared_process_types(ctx)
    if declared:
        names = ", ".join(dict.fromkeys(name for name, _ in declared[:6]))
        return Outcome.passed(f"Process types are declared: {names}.", [e for _, e in declared][:5])
    commands = [c for c in d.start_commands(ctx) if c["origin"] == "dockerfile"]
    if commands:
        return Outcome.passed(
            "The image declares one process with its CMD/ENTRYPOINT; no Procfile or manifests "
            "declare further types.",
            [
                ctx.evidence(c["path"], c["line"], f"{c['instruction']} {c['command']}")
                for c in commands
            ][:5],
        )
    return Outcome.unknown(
        "No process declaration (Procfile, compose, Kubernetes, ECS, Lambda, Dockerfile CMD) "
        "was found; the deployment may live in another repository."
    )


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _helm_values_docs(ctx: CheckContext) -> list[tuple[dict, dict, dict]]:
    return [
        (document, entry, data)
        for document in d.documents(ctx, "helm_values")
        for entry, data in d.iter_docs(document)
        if isinstance(data, dict)
    ]


def _scaling_evidence(ctx: CheckContext) -> list[Evidence]:
    """Everything in the repository that scales the service horizontally."""
    evidence = []
    for item in d.k8s_objects(ctx):
        kind = item["object"].get("kind")
        if kind in ("HorizontalPodAutoscaler", "ScaledObject") and not (
            charts.OPTIONAL_ADDONS.search(item["path"])
        ):
            evidence.append(ctx.evidence(item["path"], item["line"], f"kind: {kind}"))
    for document, entry, data in _helm_values_docs(ctx):
        for prefix in _values_scopes(data):
            scope = charts.lookup(data, prefix[1:].replace("/", ".")) if prefix else data
            autoscaling = scope.get("autoscaling") if isinstance(scope, dict) else None
            if isinstance(autoscaling, dict) and autoscaling.get("enabled") is True:
                dotted = f"{prefix[1:].replace('/', '.')}." if prefix else ""
                evidence.append(
                    ctx.evidence(
                        document["path"],
                        d.line_of(entry, f"{prefix}/autoscaling/enabled"),
                        f"{dotted}autoscaling.enabled: true",
                    )
                )
    for workload, replicas in _workload_replicas(ctx):
        if replicas is not None and replicas > 1:
            evidence.append(
                ctx.evidence(
                    workload["path"],
                    d.line_of(workload["entry"], "/spec/replicas"),
                    f"{workload['name']} replicas: {replicas}",
                )
            )
    for document in d.documents(ctx, "kustomization"):
        for entry, data in d.iter_docs(document):
            for i, item in enumerate(
                (data or {}).get("replicas") or [] if isinstance(data, dict) else []
            ):
                if isinstance(item, dict) and (_as_int(item.get("count")) or 0) > 1:
                    evidence.append(
                        ctx.evidence(
                            document["path"],
                            d.line_of(entry, f"/replicas/{i}"),
                            f"replicas: {item.get('count')}",
                        )
                    )
    for res in d.cfn_resources(ctx):
        if res["type"] == "AWS::ApplicationAutoScaling::ScalableTarget":
            evidence.append(
                ctx.evidence(res["path"], d.line_of(res["entry"], res["pointer"]), res["type"])
            )
    for res in d.terraform_resources(ctx, "aws_appautoscaling_target"):
        evidence.append(ctx.evidence(res["path"], res.get("line"), "aws_appautoscaling_target"))
    for service in d.compose_services(ctx):
        replicas, pointer = _compose_replicas(service)
        if replicas and replicas > 1:
            evidence.append(
                ctx.evidence(
                    service["path"],
                    d.line_of(service["entry"], f"{service['pointer']}{pointer}"),
                    f"{service['name']} replicas: {replicas}",
                )
            )
    for res in d.terraform_resources(ctx, "aws_ecs_service"):
        count = _as_int((res.get("attrs") or {}).get("desired_count"))
        if count and count > 1:
            evidence.append(ctx.evidence(res["path"], res.get("line"), f"desired_count = {count}"))
    evidence += [
        ctx.evidence(s["path"], s["line"], s.get("excerpt") or "scaling")
        for s in d.code_deploy_signals(ctx, "scaling")
    ]
    for document in d.documents(ctx, "platform"):
        if document["path"].rsplit("/", 1)[-1] == "fly.toml":
            evidence.extend(_fly_scaling(ctx, document))
    evidence += [e for e, scaled in _platform_scaling(ctx) if scaled]
    return evidence


def _values_scopes(data: dict) -> list[str]:
    """JSON pointers of the values a chart reads: its own ("") and each sub-chart's."""
    return [""] + [
        f"/{key}"
        for key, value in data.items()
        if isinstance(value, dict) and key.lower() not in charts.THIRD_PARTY_SERVERS
    ]


def _compose_replicas(service: dict) -> tuple[int | None, str]:
    """(replicas, pointer below the service) of a compose service; None when unset."""
    body = service["service"]
    deploy = body.get("deploy")
    if isinstance(deploy, dict) and "replicas" in deploy:
        return _as_int(deploy.get("replicas")), "/deploy/replicas"
    if "scale" in body:
        return _as_int(body.get("scale")), "/scale"
    return None, ""


_RENDER_NAMES = ("render.yaml", "render.yml")
_HEROKU_PROCESS_DEFAULT = "web"


def _platform_scaling(ctx: CheckContext) -> list[tuple[Evidence, bool]]:
    """(evidence, scales?) per web service of Render blueprints, DigitalOcean app specs (by
    content, whatever the file is called) and Heroku ``app.json``; an App Engine app.yaml scales
    automatically unless it pins manual scaling to one instance."""
    from scorecards.collectors.repo_files.documents import is_app_platform_spec

    found = []
    for document in d.documents(ctx, "platform"):
        name = document["path"].rsplit("/", 1)[-1].lower()
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            if name in ("app.yaml", "app.yml") and "runtime" in data:
                found.append(_app_engine_scaling(ctx, document["path"], entry, data))
            elif name in _RENDER_NAMES:
                found += _component_scaling(ctx, document, entry, data, "", "numInstances")
            elif name == "app.json":
                found += _heroku_formation(ctx, document, entry, data)
            elif is_app_platform_spec(data):
                wrapped = isinstance(data.get("spec"), dict)
                spec, prefix = (data["spec"], "/spec") if wrapped else (data, "")
                found += _component_scaling(ctx, document, entry, spec, prefix, "instance_count")
    return found


def _component_scaling(
    ctx: CheckContext, document: dict, entry: dict, data: dict, prefix: str, count_key: str
) -> list[tuple[Evidence, bool]]:
    """Render services and DigitalOcean services: an instance count (1 when left out) unless
    an autoscaling block is set."""
    found = []
    for i, service in enumerate(data.get("services") or []):
        if not isinstance(service, dict) or service.get("type") in ("cron", "worker", "keyvalue"):
            continue
        pointer = f"{prefix}/services/{i}"
        label = service.get("name") or f"service {i}"
        auto = next((k for k in ("scaling", "autoscaling") if service.get(k)), None)
        count = _as_int(service.get(count_key)) if count_key in service else None
        if auto:
            excerpt, scaled = f"{label}: {auto}", True
            pointer += f"/{auto}"
        else:
            excerpt, scaled = f"{label}: {count or 1} instance(s)", (count or 1) > 1
            pointer += f"/{count_key}" if count_key in service else ""
        line = d.line_of(entry, pointer)
        found.append((ctx.evidence(document["path"], line, excerpt), scaled))
    return found


def _heroku_formation(
    ctx: CheckContext, document: dict, entry: dict, data: dict
) -> list[tuple[Evidence, bool]]:
    """A Heroku ``app.json`` deploys one web dyno unless its formation asks for more."""
    formation = data.get("formation") if isinstance(data.get("formation"), dict) else {}
    web = formation.get(_HEROKU_PROCESS_DEFAULT)
    quantity = _as_int(web.get("quantity")) if isinstance(web, dict) else None
    if quantity is None:
        line = d.line_of(entry, "/formation") if formation else entry.get("line")
        return [
            (ctx.evidence(document["path"], line, "app.json: no web formation (1 dyno)"), False)
        ]
    line = d.line_of(entry, "/formation/web/quantity")
    return [(ctx.evidence(document["path"], line, f"web quantity: {quantity}"), quantity > 1)]


def _app_engine_scaling(ctx: CheckContext, path: str, entry: dict, data: dict) -> tuple:
    manual = data.get("manual_scaling")
    if isinstance(manual, dict) and (_as_int(manual.get("instances")) or 1) <= 1:
        return ctx.evidence(path, d.line_of(entry, "/manual_scaling"), "manual_scaling: 1"), False
    line = d.line_of(entry, "/automatic_scaling") if "automatic_scaling" in data else entry["line"]
    return ctx.evidence(path, line, "App Engine automatic scaling"), True


def _fly_scaling(ctx: CheckContext, document: dict) -> list[Evidence]:
    evidence = []
    for entry, data in d.iter_docs(document):
        sections = [data.get("http_service")] if isinstance(data, dict) else []
        sections += list(data.get("services") or []) if isinstance(data, dict) else []
        for section in sections:
            if isinstance(section, dict) and (
                "min_machines_running" in section or section.get("auto_start_machines")
            ):
                evidence.append(
                    ctx.evidence(
                        document["path"], entry.get("line"), "fly.toml machines autoscaling"
                    )
                )
    return evidence


def _workload_replicas(ctx: CheckContext) -> list[tuple[dict, int | None]]:
    """(workload, replicas) of scaled workloads; Helm placeholders filled from values.yaml;
    ``None`` replicas means unresolved, 1 means unset (the Kubernetes default)."""
    found = []
    for workload in d.workloads(ctx):
        if workload["kind"] not in SCALED_KINDS or charts.not_the_app(ctx, workload):
            continue
        spec = workload["object"].get("spec") or {}
        if "replicas" not in spec:
            found.append((workload, 1))  # a template that leaves it out renders the default
            continue
        value = spec.get("replicas")
        if workload["templated"]:
            value = _chart_value(ctx, workload["path"], value)
        found.append((workload, _as_int(value)))
    return found


def _chart_value(ctx: CheckContext, path: str, value: object) -> object:
    """A templated value filled from the chart's defaults; a bare ``{{ .Values.x }}`` the
    values leave unset renders empty, which Kubernetes reads as its default of one replica."""
    resolved = d.resolve_helm(ctx, path, value)
    values = charts.values_for(ctx, path)
    bare = isinstance(resolved, str) and re.fullmatch(
        r"\{\{-?\s*\.Values\.[\w.]+\s*-?\}\}", resolved
    )
    return 1 if bare and values else resolved


def _helm_autoscaling_disabled(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for document, entry, data in _helm_values_docs(ctx):
        name = document["path"].rsplit("/", 1)[-1]
        if name not in ("values.yaml", "values.yml"):
            continue
        for prefix in _values_scopes(data):
            scope = charts.lookup(data, prefix[1:].replace("/", ".")) if prefix else data
            if not isinstance(scope, dict):
                continue
            autoscaling = scope.get("autoscaling")
            replicas = _as_int(scope.get("replicaCount"))
            if (
                isinstance(autoscaling, dict)
                and autoscaling.get("enabled") is False
                and replicas in (None, 1)
            ):
                dotted = f"{prefix[1:]}." if prefix else ""
                evidence.append(
                    ctx.evidence(
                        document["path"],
                        d.line_of(entry, f"{prefix}/autoscaling/enabled"),
                        f"{dotted}autoscaling.enabled: false, {dotted}replicaCount: 1",
                    )
                )
    return evidence


def _single_instance_definitions(ctx: CheckContext) -> list[Evidence]:
    """Deploy definitions other than Kubernetes that run one instance and do not scale."""
    evidence = []
    for service in d.deploy_compose_services(ctx):
        if charts.LOAD_GENERATORS.search(service["name"]) or _third_party(service):
            continue
        replicas, pointer = _compose_replicas(service)
        if (replicas or 1) <= 1:
            line = d.line_of(service["entry"], f"{service['pointer']}{pointer}")
            evidence.append(
                ctx.evidence(service["path"], line, f"{service['name']}: replicas {replicas or 1}")
            )
    for res in d.terraform_resources(ctx, "aws_ecs_service"):
        count = _as_int((res.get("attrs") or {}).get("desired_count"))
        if (count or 1) <= 1:
            excerpt = f"{res.get('name')}: desired_count = {count if count is not None else 1}"
            evidence.append(ctx.evidence(res["path"], res.get("line"), excerpt))
    evidence += [
        ctx.evidence(s["path"], s["line"], f"{s.get('excerpt') or 'service'} (no scaling)")
        for s in d.code_deploy_signals(ctx, "service")
    ]
    evidence += [e for e, scaled in _platform_scaling(ctx) if not scaled]
    return evidence


def _third_party(service: dict) -> bool:
    image = service["service"].get("image")
    if service["service"].get("build") or not isinstance(image, str):
        return False
    name, _tag, _digest = d.split_image_ref(image)
    return name.rsplit("/", 1)[-1].lower() in charts.THIRD_PARTY_SERVERS


def _live_autoscaling(ctx: CheckContext) -> Outcome:
    """Autoscalers targeting running workloads, or more than one replica."""
    workloads = live_k8s.workloads(ctx, *SCALED_KINDS, "StatefulSet")
    if not workloads:
        return live_k8s.not_found("Deployment or StatefulSet")
    scaled, single, unread = [], [], []
    for workload in workloads:
        autoscalers = live_k8s.autoscalers_of(ctx, workload)
        count = live_k8s.replicas(workload)
        unit = f"{workload['kind']}/{workload['name']}"
        refused = live_k8s.unlisted(ctx, "HorizontalPodAutoscaler", workload)
        if refused and not autoscalers and not (count is not None and count > 1):
            unread.append(live_k8s.evidence(ctx, workload, "/spec/replicas", f"{unit}: {refused}"))
        elif autoscalers:
            spec = autoscalers[0]["object"].get("spec") or {}
            bounds = f"{spec.get('minReplicas', 1)}-{spec.get('maxReplicas', '?')}"
            scaled.append(
                live_k8s.evidence(
                    ctx, autoscalers[0], "/spec/scaleTargetRef", f"{unit} autoscaled {bounds}"
                )
            )
        elif count is not None and count > 1:
            scaled.append(
                live_k8s.evidence(ctx, workload, "/spec/replicas", f"{unit} replicas: {count}")
            )
        elif count == 1 and workload["kind"] in SCALED_KINDS:
            single.append(live_k8s.evidence(ctx, workload, "/spec/replicas", f"{unit} replicas: 1"))
    if scaled:
        return Outcome.passed("Running workloads scale horizontally.", (scaled + single)[:5])
    if unread:
        return Outcome.unknown(
            "HorizontalPodAutoscalers could not be listed where the workloads run, so whether "
            "they scale is not known (grant the scanner list on horizontalpodautoscalers).",
            unread[:5],
        )
    if single:
        return Outcome.failed(
            "Running Deployments have a single replica and no HorizontalPodAutoscaler.", single[:5]
        )
    return live_k8s.not_found("scalable Deployment")


def _aws_ecs_scaling(service: dict) -> tuple[str | None, object]:
    """("scaled" | "single" | None, evidence) for one live ECS service."""
    scaling = service.get("autoscaling")
    desired = service.get("desired_count")
    name = f"ECS service {service['name']}"
    if isinstance(scaling, dict) and not scaling.get("suspended"):
        bounds = f"{scaling.get('min')}-{scaling.get('max')}"
        state = "scaled" if (scaling.get("max") or 0) > 1 else "single"
        return state, live_aws.evidence(service, "/autoscaling", f"{name} autoscaled {bounds}")
    if service.get("scheduling_strategy") == "DAEMON":
        return "scaled", live_aws.evidence(service, "", f"{name}: one task per instance")
    if isinstance(desired, int) and desired > 1:
        return "scaled", live_aws.evidence(service, "/desired_count", f"{name}: {desired} tasks")
    if live_aws.unreadable(service, "autoscaling"):
        return None, None  # a scalable target may exist; it could not be read
    evidence = live_aws.evidence(service, "/desired_count", f"{name}: {desired} task(s)")
    return "single", evidence


def _aws_lambda_scaling(function: dict) -> tuple[str, object]:
    reserved = function.get("reserved_concurrency")
    provisioned = live_aws.provisioned_concurrency(function)
    name = f"function {function['name']}"
    if reserved == 0:
        return "throttled", live_aws.evidence(
            function, "/reserved_concurrency", f"{name}: reserved concurrency 0 (throttled)"
        )
    if reserved == 1:
        return "single", live_aws.evidence(
            function, "/reserved_concurrency", f"{name}: reserved concurrency 1"
        )
    detail = f"reserved concurrency {reserved}" if reserved else "unreserved concurrency"
    if provisioned:
        detail += f", {provisioned} provisioned"
    return "scaled", live_aws.evidence(function, "/reserved_concurrency", f"{name}: {detail}")


def _aws_autoscaling(ctx: CheckContext) -> Outcome:
    """ECS scalable targets and task counts; Lambda concurrency settings."""
    verdicts = [_aws_ecs_scaling(s) for s in live_aws.ecs_services(ctx)]
    verdicts += [_aws_lambda_scaling(f) for f in live_aws.functions(ctx)]
    if not verdicts:
        return live_aws.not_found("ECS service or Lambda function")
    by_state: dict[str | None, list] = {}
    for state, found in verdicts:
        by_state.setdefault(state, []).append(found)
    scaled, stuck = by_state.get("scaled", []), by_state.get("single", [])
    throttled = by_state.get("throttled", [])
    if throttled and not scaled:
        return Outcome.failed(
            "Live Lambda functions are throttled to zero concurrency.", (throttled + stuck)[:5]
        )
    if scaled:
        return Outcome.passed(
            "Live ECS services or Lambda functions scale horizontally.",
            (scaled + stuck + throttled)[:5],
        )
    if stuck:
        return Outcome.failed(
            "Live ECS services run a single task without autoscaling (or functions are capped "
            "at one concurrent execution).",
            stuck[:5],
        )
    return Outcome.unknown("The scaling settings of the live ECS services could not be read.")


@check("concurrency.autoscaling")
@live_k8s.with_kubernetes(_live_autoscaling, policy="live")
@live_aws.with_aws(_aws_autoscaling, policy="live")
def autoscaling(ctx: CheckContext) -> Outcome:
    scaling = _scaling_evidence(ctx)
    if scaling:
        return Outcome.passed("Horizontal scaling is configured.", scaling[:5])
    functions = d.lambda_functions(ctx)
    if functions:
        return _lambda_autoscaling(ctx, functions)
    disabled = _helm_autoscaling_disabled(ctx)
    single = [(w, r) for w, r in _workload_replicas(ctx) if r == 1]
    unresolved = [w for w, r in _workload_replicas(ctx) if r is None]
    if disabled or (single and not unresolved):
        evidence = disabled + [
            ctx.evidence(
                w["path"],
                d.line_of(w["entry"], "/spec/replicas"),
                f"{w['kind']}/{w['name']} replicas: 1"
                + ("" if "replicas" in (w["object"].get("spec") or {}) else " (left out)"),
            )
            for w, _ in single
        ]
        return Outcome.failed(
            "Workloads run a single replica and no autoscaler (HPA, KEDA) is declared.",
            evidence[:5],
        )
    others = _single_instance_definitions(ctx)
    if others and not unresolved:
        return Outcome.failed(
            "The deploy definition runs one instance and declares no autoscaling "
            "(compose replicas, ECS desired count or scaling, platform instance count).",
            others[:5],
        )
    heroku_button = d.has_path(ctx, r"^app\.json$")
    if d.procfile_processes(ctx) and heroku_button:
        return Outcome.failed(
            "The Heroku app.json deploys one web dyno: it sets no formation.",
            [ctx.evidence(heroku_button[0], 1, "app.json: no web formation (1 dyno)")],
        )
    if d.procfile_processes(ctx):
        return Outcome.unknown(
            "Dyno formation is live platform configuration, not in the repository."
        )
    return Outcome.unknown("No deployment manifest in the repository says how the service scales.")


_LAMBDA_CONCURRENCY = {
    "sam": ("ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig"),
    "cloudformation": ("ReservedConcurrentExecutions",),
    "serverless": ("reservedConcurrency", "provisionedConcurrency"),
    "terraform": ("reserved_concurrent_executions",),
}


def _lambda_concurrency(function: dict) -> str | None:
    """The reserved or provisioned concurrency a function's definition sets, if any."""
    raw = function.get("raw") or {}
    if function["tool"] in ("sam", "cloudformation"):
        globals_fn = (raw.get("template", {}).get("Globals") or {}).get("Function") or {}
        props = {**globals_fn, **(raw.get("properties") or {})}
    elif function["tool"] == "serverless":
        props = raw.get("function") or {}
    else:
        props = raw.get("attrs") or {}
    keys = _LAMBDA_CONCURRENCY.get(function["tool"], ())
    return next((k for k in keys if props.get(k) not in (None, "", 0)), None)


def _lambda_autoscaling(ctx: CheckContext, functions: list[dict]) -> Outcome:
    """Lambda scales per request on its own; what the catalogue asks of a function is capacity
    set on purpose, reserved or provisioned concurrency (one function per handler is
    process-types evidence, not scaling)."""
    set_on = [(f, k) for f in functions if (k := _lambda_concurrency(f))]
    set_on_evidence = [
        ctx.evidence(f["path"], f.get("line"), f"function {f['name']}: {k}") for f, k in set_on
    ]
    set_on_evidence += [
        ctx.evidence(s["path"], s["line"], s.get("excerpt") or "concurrency")
        for s in d.signals(ctx, "deploy.code.scaling")
        if (s.get("detail") or {}).get("how") == "lambda_concurrency"
    ]
    set_on_evidence += [
        ctx.evidence(r["path"], r.get("line"), "aws_lambda_provisioned_concurrency_config")
        for r in d.terraform_resources(ctx, "aws_lambda_provisioned_concurrency_config")
    ]
    if set_on_evidence:
        return Outcome.passed(
            "Lambda functions have reserved or provisioned concurrency.", set_on_evidence[:5]
        )
    return Outcome.failed(
        "No Lambda function sets reserved or provisioned concurrency.",
        [ctx.evidence(f["path"], f.get("line"), f"function {f['name']}") for f in functions][:5],
    )


# Start commands that detach the process from the container's foreground.
_DAEMON_FORMS = {
    "supervisord": re.compile(r"\bsupervisord\b(?!.*(?:\s-n\b|--nodaemon))"),
    "pm2 start": re.compile(r"\bpm2\s+start\b(?!.*--no-daemon)"),
    "nohup": re.compile(r"\bnohup\b"),
    "service start": re.compile(r"\bservice\s+[\w.-]+\s+(?:start|restart)\b"),
    "init.d": re.compile(r"/etc/init\.d/[\w.-]+\s+(?:start|restart)\b"),
    "systemctl start": re.compile(r"\bsystemctl\s+(?:start|restart)\b"),
    "gunicorn --daemon": re.compile(r"\bgunicorn\b.*\s(?:--daemon|-D)\b"),
}
_TRAILING_AMPERSAND = re.compile(r"(?<![&>])&\s*$")
_WAIT_OR_EXEC = re.compile(r"(?:^|[;&|]\s*)(?:wait|exec)\b")


def _daemon_form(command: str, supervisord_nodaemon: bool) -> str | None:
    for name, pattern in _DAEMON_FORMS.items():
        if pattern.search(command) and not (name == "supervisord" and supervisord_nodaemon):
            return name
    if _TRAILING_AMPERSAND.search(command) and not _WAIT_OR_EXEC.search(command):
        return "trailing &"
    return None


def _scripts_that_wait(commands: list[dict]) -> set[str]:
    """Entrypoint scripts that keep a foreground process (``wait`` or a final ``exec``)."""
    return {
        c["path"]
        for c in commands
        if c["origin"] == "script" and _WAIT_OR_EXEC.search(c["command"].strip())
    }


@check("concurrency.no-daemon")
def no_daemon(ctx: CheckContext) -> Outcome:
    commands = d.start_commands(ctx)
    if not commands:
        return Outcome.unknown(
            "No start command (Dockerfile CMD/ENTRYPOINT, Procfile, Kubernetes command) was found."
        )
    nodaemon = bool(d.signals(ctx, "server.supervisord-nodaemon"))
    waiting = _scripts_that_wait(commands)
    bad = []
    for command in commands:
        form = _daemon_form(command["command"], nodaemon)
        if form == "trailing &" and command["path"] in waiting:
            continue  # a helper backgrounded while the script execs or waits for the main one
        if form:
            bad.append(ctx.evidence(command["path"], command["line"], command["command"]))
    if bad:
        return Outcome.failed(
            f"{len(bad)} start command(s) daemonize or background the process "
            "(supervisord, pm2 start, nohup, service start, trailing &).",
            bad[:5],
        )
    return Outcome.passed(
        f"{len(commands)} start command(s) checked; all run in the foreground.",
        [ctx.evidence(c["path"], c["line"], c["command"]) for c in commands][:3],
    )
