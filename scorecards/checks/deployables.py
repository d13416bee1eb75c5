"""Shared, pure views over repository facts: the deployable units the checks reason about.

Every view is memoised per service through ``CheckContext.memo``. Views return plain dicts
with a ``path`` and ``line`` so checks can build evidence with ``ctx.evidence(path, line, ...)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scorecards.checks.context import CheckContext

# Folders whose files never describe the production service: tests, fixtures, examples, docs.
_NON_PRODUCTION = re.compile(
    r"(^|/)(tests?|__tests__|spec|specs|testdata|test[-_]?data|fixtures?|__fixtures__|__mocks__|"
    r"e2e|cypress|playwright|examples?|samples?|demos?|docs?|documentation|website|"
    r"benchmarks?|bench|third[-_]party|vendor|node_modules|\.venv|venv)(/|$)",
    re.IGNORECASE,
)
_TEST_FILE = re.compile(
    r"(^|/)(test_[^/]*|[^/]*_test\.[a-z]+|[^/]*\.(test|spec)\.[a-z]+|[^/]*Tests?\.(java|kt|cs)|"
    r"conftest\.py)$"
)


# Below a JVM/.NET-style source root folder names are package names (org/acme/samples/,
# com/example/demo/): only the part before the root can say "sample code".
_SOURCE_ROOT = re.compile(r"(^|/)src/main/(java|kotlin|scala|groovy|resources|webapp)/")


def is_non_production_path(path: str) -> bool:
    """Tests, fixtures, examples, docs and vendored code: not the service as deployed."""
    if _TEST_FILE.search(path):
        return True
    root = _SOURCE_ROOT.search(path)
    return bool(_NON_PRODUCTION.search(path[: root.end()] if root else path))


def repo(ctx: CheckContext) -> dict:
    return ctx.repo or {}


def paths(ctx: CheckContext) -> list[str]:
    return repo(ctx).get("paths", [])


def documents(ctx: CheckContext, category: str, production_only: bool = True) -> list[dict]:
    return [
        d
        for d in repo(ctx).get("documents", [])
        if d.get("category") == category
        and not (production_only and is_non_production_path(d["path"]))
    ]


def iter_docs(document: dict) -> Iterator[tuple[dict, dict]]:
    """(document entry, parsed data) for every YAML document of a file that parsed."""
    for entry in document.get("docs", []):
        if entry.get("data") is not None:
            yield entry, entry["data"]


def line_of(entry: dict, pointer: str) -> int | None:
    """Line of a JSON pointer inside a parsed document, falling back to its parents."""
    lines = entry.get("lines", {})
    while pointer:
        if pointer in lines:
            return lines[pointer]
        pointer = pointer.rsplit("/", 1)[0]
    return entry.get("line")


def _signals_by_rule(ctx: CheckContext) -> dict[str, list[tuple[int, dict, bool]]]:
    """Per rule id: (position in the facts, signal, from production code?), built once.

    Checks ask for signals some thirty times per service; a repository of 50,000 files holds
    tens of thousands of them, so one pass that sorts them by rule beats a pass per question.
    """

    def compute() -> dict[str, list[tuple[int, dict, bool]]]:
        production: dict[str, bool] = {}
        index: dict[str, list[tuple[int, dict, bool]]] = {}
        for position, signal in enumerate(repo(ctx).get("signals", [])):
            path = signal["path"]
            if path not in production:
                production[path] = not is_non_production_path(path)
            index.setdefault(signal["rule"], []).append((position, signal, production[path]))
        return index

    return ctx.memo("signals_by_rule", compute)


def signals(ctx: CheckContext, rule: str, production_only: bool = True) -> list[dict]:
    """Source-code signals whose rule id equals ``rule`` or starts with it when it ends in '.'."""
    index = _signals_by_rule(ctx)
    if rule.endswith("."):
        matching = [item for rid, items in index.items() if rid.startswith(rule) for item in items]
        matching.sort(key=lambda item: item[0])  # the facts' order, as one pass would give
    else:
        matching = index.get(rule, [])
    return [signal for _, signal, prod in matching if prod or not production_only]


def dockerfiles(ctx: CheckContext, production_only: bool = True) -> list[dict]:
    return [
        d
        for d in repo(ctx).get("dockerfiles", [])
        if not (production_only and is_non_production_path(d["path"]))
    ]


def production_dockerfiles(ctx: CheckContext) -> list[dict]:
    """Dockerfiles that build the deployed image (dev/test/devcontainer ones left out)."""
    return [d for d in dockerfiles(ctx) if d.get("role") != "dev"]


def k8s_objects(ctx: CheckContext) -> list[dict]:
    """Kubernetes objects from plain manifests and Helm templates, each with its doc entry.

    Returns dicts ``{"path", "line", "entry", "object", "templated"}``.
    """

    from scorecards.checks.charts import disabled_by

    def compute() -> list[dict]:
        objects = []
        for category in ("k8s", "helm_template"):
            for document in documents(ctx, category):
                for entry, data in iter_docs(document):
                    if category == "helm_template" and disabled_by(ctx, document["path"], entry):
                        continue  # disabled is absent: it does not render by default
                    if isinstance(data, dict) and data.get("kind"):
                        objects.append(
                            {
                                "path": document["path"],
                                "line": entry.get("line"),
                                "entry": entry,
                                "object": data,
                                "templated": document.get("templated", False),
                            }
                        )
        return objects

    return ctx.memo("k8s_objects", compute)


WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicaSet",
    "DeploymentConfig",
    "Rollout",
)


def _pod_spec(obj: dict) -> tuple[dict, str]:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec, "/spec"
    if kind == "CronJob":
        job = (spec.get("jobTemplate") or {}).get("spec") or {}
        return (
            (job.get("template") or {}).get("spec") or {}
        ), "/spec/jobTemplate/spec/template/spec"
    return ((spec.get("template") or {}).get("spec") or {}), "/spec/template/spec"


def workloads(ctx: CheckContext) -> list[dict]:
    """Kubernetes workloads.

    Each: ``{"path","line","entry","kind","name","object","pod_spec","pod_pointer","containers"}``.

    ``containers`` lists ``{"container", "pointer", "init": bool}``.
    """

    def compute() -> list[dict]:
        found = []
        for item in k8s_objects(ctx):
            obj = item["object"]
            if obj.get("kind") not in WORKLOAD_KINDS:
                continue
            pod_spec, pointer = _pod_spec(obj)
            if not isinstance(pod_spec, dict):
                continue
            containers = []
            for key, init in (("containers", False), ("initContainers", True)):
                for i, c in enumerate(pod_spec.get(key) or []):
                    if isinstance(c, dict):
                        containers.append(
                            {"container": c, "pointer": f"{pointer}/{key}/{i}", "init": init}
                        )
            found.append(
                {
                    **item,
                    "kind": obj.get("kind"),
                    "name": ((obj.get("metadata") or {}).get("name")) or "",
                    "pod_spec": pod_spec,
                    "pod_pointer": pointer,
                    "containers": containers,
                }
            )
        return found

    return ctx.memo("workloads", compute)


def compose_services(ctx: CheckContext) -> list[dict]:
    """``{"path","entry","name","service","pointer"}`` for every service of every compose file."""

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "compose"):
            for entry, data in iter_docs(document):
                services = data.get("services") if isinstance(data, dict) else None
                if not isinstance(services, dict):
                    continue
                for name, service in services.items():
                    if isinstance(service, dict):
                        found.append(
                            {
                                "path": document["path"],
                                "entry": entry,
                                "name": name,
                                "service": service,
                                "pointer": f"/services/{name}",
                            }
                        )
        return found

    return ctx.memo("compose_services", compute)


def cfn_resources(ctx: CheckContext) -> list[dict]:
    """CloudFormation/SAM resources.

    Each: ``{"path","entry","name","type","properties","pointer","template"}``.
    """

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "cloudformation"):
            for entry, data in iter_docs(document):
                resources = data.get("Resources") if isinstance(data, dict) else None
                if not isinstance(resources, dict):
                    continue
                for name, resource in resources.items():
                    if isinstance(resource, dict):
                        found.append(
                            {
                                "path": document["path"],
                                "entry": entry,
                                "name": name,
                                "type": resource.get("Type", ""),
                                "properties": resource.get("Properties") or {},
                                "pointer": f"/Resources/{name}",
                                "template": data,
                            }
                        )
        return found

    return ctx.memo("cfn_resources", compute)


def serverless_functions(ctx: CheckContext) -> list[dict]:
    """Serverless Framework functions.

    Each: ``{"path","entry","name","function","provider","pointer"}``.
    """

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "serverless"):
            for entry, data in iter_docs(document):
                if not isinstance(data, dict):
                    continue
                functions = data.get("functions")
                provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
                if isinstance(functions, dict):
                    for name, fn in functions.items():
                        found.append(
                            {
                                "path": document["path"],
                                "entry": entry,
                                "name": name,
                                "function": fn if isinstance(fn, dict) else {},
                                "provider": provider,
                                "pointer": f"/functions/{name}",
                                "config": data,
                            }
                        )
        return found

    return ctx.memo("serverless_functions", compute)


def terraform_resources(ctx: CheckContext, type_prefix: str = "") -> list[dict]:
    found = []
    for tf in repo(ctx).get("terraform", []):
        if is_non_production_path(tf["path"]):
            continue
        for resource in tf.get("resources", []):
            if resource.get("type", "").startswith(type_prefix):
                found.append({**resource, "path": tf["path"]})
    return found


def lambda_functions(ctx: CheckContext) -> list[dict]:
    """Every Lambda function declared in the repository, whatever the tool.

    ``{"path","line","name","tool","runtime","raw"}`` where tool is one of
    sam, cloudformation, serverless or terraform.
    """

    def compute() -> list[dict]:
        found = []
        for res in cfn_resources(ctx):
            if res["type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                globals_fn = (res["template"].get("Globals") or {}).get("Function") or {}
                runtime = res["properties"].get("Runtime") or globals_fn.get("Runtime")
                found.append(
                    {
                        "path": res["path"],
                        "line": line_of(res["entry"], res["pointer"]),
                        "name": res["name"],
                        "tool": "sam"
                        if res["type"].startswith("AWS::Serverless")
                        else "cloudformation",
                        "runtime": runtime,
                        "raw": res,
                    }
                )
        for fn in serverless_functions(ctx):
            runtime = fn["function"].get("runtime") or fn["provider"].get("runtime")
            found.append(
                {
                    "path": fn["path"],
                    "line": line_of(fn["entry"], fn["pointer"]),
                    "name": fn["name"],
                    "tool": "serverless",
                    "runtime": runtime,
                    "raw": fn,
                }
            )
        for res in terraform_resources(ctx, "aws_lambda_function"):
            if res.get("type") == "aws_lambda_function":
                found.append(
                    {
                        "path": res["path"],
                        "line": res.get("line"),
                        "name": res.get("name"),
                        "tool": "terraform",
                        "runtime": (res.get("attrs") or {}).get("runtime"),
                        "raw": res,
                    }
                )
        return found + _cdk_lambda_functions(ctx)

    return ctx.memo("lambda_functions", compute)


def _cdk_lambda_functions(ctx: CheckContext) -> list[dict]:
    from scorecards.checks.platforms import cdk_lambda_functions  # it builds on this module

    return cdk_lambda_functions(ctx)


def ecs_task_definitions(ctx: CheckContext) -> list[dict]:
    """ECS task definitions from JSON/YAML files and CloudFormation ``AWS::ECS::TaskDefinition``."""

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "ecs_task_definition"):
            for entry, data in iter_docs(document):
                if isinstance(data, dict):
                    found.append(
                        {
                            "path": document["path"],
                            "line": entry.get("line"),
                            "entry": entry,
                            "containers": data.get("containerDefinitions") or [],
                            "pointer": "/containerDefinitions",
                        }
                    )
        for res in cfn_resources(ctx):
            if res["type"] == "AWS::ECS::TaskDefinition":
                found.append(
                    {
                        "path": res["path"],
                        "line": line_of(res["entry"], res["pointer"]),
                        "entry": res["entry"],
                        "containers": res["properties"].get("ContainerDefinitions") or [],
                        "pointer": f"{res['pointer']}/Properties/ContainerDefinitions",
                    }
                )
        return found

    return ctx.memo("ecs_task_definitions", compute)


def procfile_processes(ctx: CheckContext) -> list[dict]:
    """``{"path","line","type","command"}`` for every process of every production Procfile."""
    found = []
    for procfile in repo(ctx).get("procfiles", []):
        if is_non_production_path(procfile["path"]):
            continue
        for process in procfile.get("processes", []):
            found.append({"path": procfile["path"], **process})
    return found


def manifests(ctx: CheckContext, production_only: bool = True) -> list[dict]:
    return [
        m
        for m in repo(ctx).get("manifests", [])
        if not (production_only and is_non_production_path(m["path"]))
    ]


def dependency_names(ctx: CheckContext) -> set[str]:
    """Lower-cased names of every declared dependency of production manifests."""
    return ctx.memo(
        "dependency_names",
        lambda: {
            str(d.get("name", "")).lower()
            for m in manifests(ctx)
            for d in m.get("dependencies", [])
        },
    )


def has_path(ctx: CheckContext, pattern: str) -> list[str]:
    """Production paths matching a regular expression (searched, not anchored)."""
    regex = re.compile(pattern)
    return [p for p in production_paths(ctx) if regex.search(p)]


def production_paths(ctx: CheckContext) -> list[str]:
    """The repository's paths outside tests, fixtures, docs and vendored code (computed once)."""
    return ctx.memo(
        "production_paths", lambda: [p for p in paths(ctx) if not is_non_production_path(p)]
    )


# --- port/concurrency/disposability/admin views ---


def final_stage_commands(dockerfile: dict) -> dict[str, dict]:
    """The ``CMD`` and ``ENTRYPOINT`` instructions in effect in a Dockerfile's final stage.

    A final stage ``FROM <earlier stage>`` inherits that stage's instructions, so the lookup
    follows stage references; an instruction the image inherits from a base image is absent.
    """
    stages = dockerfile.get("stages") or []
    if not stages:
        return {}
    by_name = {str(s.get("name") or "").lower(): s for s in stages if s.get("name")}
    found: dict[str, dict] = {}
    stage: dict | None = stages[-1]
    seen: set[int] = set()
    while stage is not None and stage["index"] not in seen:
        seen.add(stage["index"])
        for item in dockerfile.get("instructions", []):
            keyword = item["instruction"]
            nearest = keyword not in found or found[keyword]["stage"] == stage["index"]
            if item["stage"] == stage["index"] and keyword in ("CMD", "ENTRYPOINT") and nearest:
                found[keyword] = item  # the last one of the nearest stage wins
        source = stage.get("from") or {}
        ref = str(source.get("image") or "").lower() if source.get("stage_ref") else ""
        stage = by_name.get(ref)
    return found


def instruction_command(item: dict) -> str:
    """A CMD/ENTRYPOINT/RUN as one command line, whatever its form."""
    if item.get("exec_form") and item.get("argv") is not None:
        return " ".join(str(a) for a in item["argv"])
    return str(item.get("value") or "")


def _script_mentioned(script_path: str, commands: list[str]) -> bool:
    name = script_path.rsplit("/", 1)[-1]
    pattern = re.compile(rf"(^|[\s/\"'=]){re.escape(name)}($|[\s\"';&|])")
    return any(pattern.search(command) for command in commands)


def start_commands(ctx: CheckContext) -> list[dict]:
    """How the service's processes start, from every place the repository says it.

    ``{"path","line","origin","command","process","instruction","exec_form"}``: ``origin`` is
    ``dockerfile`` (final-stage CMD/ENTRYPOINT of production Dockerfiles), ``script`` (a line of
    an entrypoint script those commands name), ``k8s`` (container command + args of a
    workload), ``procfile`` or ``ecs``; ``process`` names the Procfile type or the workload.
    """

    def compute() -> list[dict]:
        found: list[dict] = []
        for dockerfile in production_dockerfiles(ctx):
            for instruction, item in sorted(final_stage_commands(dockerfile).items()):
                found.append(
                    {
                        "path": dockerfile["path"],
                        "line": item["line"],
                        "origin": "dockerfile",
                        "command": instruction_command(item),
                        "process": None,
                        "instruction": instruction,
                        "exec_form": bool(item.get("exec_form")),
                    }
                )
        for workload in workloads(ctx):
            for c in workload["containers"]:
                container = c["container"]
                parts = [*(container.get("command") or []), *(container.get("args") or [])]
                if parts and isinstance(parts, list):
                    found.append(
                        {
                            "path": workload["path"],
                            "line": line_of(workload["entry"], c["pointer"]),
                            "origin": "k8s",
                            "command": " ".join(str(p) for p in parts),
                            "process": f"{workload['kind']}/{workload['name']}",
                            "instruction": None,
                            "exec_form": True,
                            "init": c["init"],
                            "workload_kind": workload["kind"],
                        }
                    )
        for process in procfile_processes(ctx):
            found.append(
                {
                    "path": process["path"],
                    "line": process.get("line"),
                    "origin": "procfile",
                    "command": process.get("command", ""),
                    "process": process.get("type"),
                    "instruction": None,
                    "exec_form": None,
                }
            )
        for task in ecs_task_definitions(ctx):
            for container in task["containers"]:
                if not isinstance(container, dict):
                    continue
                parts = [
                    *(container.get("entryPoint") or container.get("EntryPoint") or []),
                    *(container.get("command") or container.get("Command") or []),
                ]
                if parts and isinstance(parts, list):
                    found.append(
                        {
                            "path": task["path"],
                            "line": task.get("line"),
                            "origin": "ecs",
                            "command": " ".join(str(p) for p in parts),
                            "process": container.get("name") or container.get("Name"),
                            "instruction": None,
                            "exec_form": True,
                        }
                    )
        found += _platform_start_commands(ctx)
        commands = [item["command"] for item in found]
        for script in repo(ctx).get("scripts", []):
            if is_non_production_path(script["path"]) or not _script_mentioned(
                script["path"], commands
            ):
                continue
            for entry in script.get("lines", []):
                found.append(
                    {
                        "path": script["path"],
                        "line": entry["line"],
                        "origin": "script",
                        "command": entry["text"],
                        "process": None,
                        "instruction": None,
                        "exec_form": None,
                    }
                )
        return found

    return ctx.memo("start_commands", compute)


def _platform_start_commands(ctx: CheckContext) -> list[dict]:
    from scorecards.checks.platforms import platform_start_commands  # it builds on this module

    return platform_start_commands(ctx)


def helm_values(ctx: CheckContext, template_path: str) -> list[dict]:
    """Parsed ``values*.yaml`` of the chart a Helm template belongs to (``values.yaml`` first)."""
    chart_root = (
        template_path.split("/templates/", 1)[0]
        if "/templates/" in template_path
        else ("" if template_path.startswith("templates/") else None)
    )
    if chart_root is None:
        return []
    found = []
    for document in documents(ctx, "helm_values"):
        folder = document["path"].rsplit("/", 1)[0] if "/" in document["path"] else ""
        if folder == chart_root:
            for _entry, data in iter_docs(document):
                if isinstance(data, dict):
                    name = document["path"].rsplit("/", 1)[-1]
                    found.append(
                        {
                            "path": document["path"],
                            "data": data,
                            "primary": name in ("values.yaml", "values.yml"),
                        }
                    )
    return sorted(found, key=lambda v: not v["primary"])


_HELM_VALUE = re.compile(r"\{\{-?\s*\$?\.Values\.([\w.]+)\s*(?:\|[^}]*)?-?\}\}")


def helm_lookup(values: dict, dotted: str) -> object:
    """The value at ``a.b.c`` in a values mapping, or None."""
    current: object = values
    for part in dotted.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def resolve_helm(ctx: CheckContext, template_path: str, value: object) -> object:
    """A templated value with its ``{{ .Values.x }}`` placeholders filled from the chart's
    default ``values.yaml``; placeholders it cannot fill are left as written."""
    from scorecards.checks.charts import values_for

    if not isinstance(value, str) or "{{" not in value:
        return value
    data = values_for(ctx, template_path)
    if not data:
        return value
    whole = _HELM_VALUE.fullmatch(value.strip())
    if whole:
        found = helm_lookup(data, whole.group(1))
        return value if found is None else found

    def fill(match: re.Match[str]) -> str:
        found = helm_lookup(data, match.group(1))
        return match.group(0) if found is None or isinstance(found, dict | list) else str(found)

    return _HELM_VALUE.sub(fill, value)


# Commands that start a server binding its own port (name -> pattern).
SERVER_COMMANDS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "gunicorn": r"\bgunicorn\b",
        "uvicorn": r"\buvicorn\b",
        "hypercorn": r"\bhypercorn\b",
        "daphne": r"\bdaphne\b",
        "granian": r"\bgranian\b",
        "waitress": r"\bwaitress-serve\b",
        "flask": r"\bflask\s+run\b",
        "fastapi run": r"\bfastapi\s+run\b",
        "uwsgi http-socket": r"\buwsgi\b[^\n]*--http(?:-socket)?\b",
        "django runserver": r"\bmanage\.py\s+runserver\b",
        "http.server": r"\bpython[\d.]*\s+-m\s+http\.server\b",
        "puma": r"\bpuma\b",
        "unicorn": r"\bunicorn(?:_rails)?\b",
        "thin": r"\bthin\s+start\b",
        "falcon": r"\bfalcon\s+(?:serve|host)\b",
        "rails server": r"\brails\s+s(?:erver)?\b",
        "next start": r"\bnext\s+start\b",
        "nuxt start": r"\bnuxt\s+start\b",
        "serve": r"\bserve\s+-s\b",
        "php -S": r"\bphp\s+(?:-\S+\s+)*-S\s",
        "roadrunner": r"\brr\s+serve\b",
        "frankenphp": r"\bfrankenphp\b",
        "octane": r"\bartisan\s+octane:start\b",
        "phoenix": r"\bphx\.server\b",
        "nginx": r"(?:^|[\s/])nginx(?:\s|$)",
        "caddy": r"\bcaddy\s+run\b",
    }.items()
}
WORKER_COMMAND = re.compile(
    r"\bcelery\b.*\b(?:worker|beat)\b|\bsidekiq\b|\brq\s+worker\b|\bdramatiq\b|\bhuey_consumer|"
    r"\brake\s+(?:jobs:work|resque:work)|\bartisan\s+(?:queue:work|schedule:work|horizon)\b|"
    r"\bgood_job\b|\bdelayed_job\b|\barq\s|\bfaust\b.*\bworker\b|\bshoryuken\b"
)


def servers_in_command(command: str) -> list[str]:
    """Names of the self-binding servers a start command runs."""
    return [name for name, pattern in SERVER_COMMANDS.items() if pattern.search(command)]


def dependency_hits(ctx: CheckContext, wanted: frozenset[str]) -> list[tuple[dict, dict]]:
    """(manifest, dependency) for production dependencies named in ``wanted``.

    A wanted name matches the whole dependency name, or its artifact after ``group:`` (Maven,
    Gradle): ``spring-boot-starter-web`` finds ``org.springframework.boot:spring-boot-starter-web``.
    """
    hits = []
    for manifest in manifests(ctx):
        if manifest.get("role") == "dev":
            continue
        for dep in manifest.get("dependencies", []):
            name = str(dep.get("name", "")).lower()
            if dep.get("dev"):
                continue
            if name in wanted or name.rsplit(":", 1)[-1] in wanted:
                hits.append((manifest, dep))
    return hits


# --- codebase/deps/build views ---


def split_image_ref(reference: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference; a registry port is not a tag."""
    reference = reference.strip().strip("\"'")
    name, _, digest = reference.partition("@")
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        name = name[: len(name) - len(tag) - 1]
    return name, tag or None, digest or None


# --- config/backing/processes views ---
# Environment variables set by deploy manifests, application code files, dev-only config files.

_DEV_CONFIG_FILE = re.compile(
    r"(?i)(^|/)([^/]*[._-])?(dev|develop|development|local|test|testing|ci)"
    r"([._-][^/]*)?\.(py|ya?ml|properties|json|rb|js|ts|exs?|toml|ini|conf|php)$"
    r"|(^|/)local_settings\.py$"
)
# Values that point elsewhere: ${...} (serverless, Terraform, shell), {{...}} (Helm, CFN resolve).
_ENV_REFERENCE = re.compile(r"\$\{|\{\{|^\$\(?[A-Za-z_]")
_SECRET_STORE_REFERENCE = re.compile(
    r"\{\{\s*resolve:(secretsmanager|ssm-secure):|\$\{ssm:[^}]*(secretsmanager|~true)|"
    r"\$\{(aws_secretsmanager|data\.aws_secretsmanager|aws_ssm_parameter|data\.aws_ssm_parameter)"
)


def is_dev_config_path(path: str) -> bool:
    """Settings/config files named for dev, local, test or CI (``settings/dev.py``,
    ``application-local.yml``, ``config/environments/development.rb``)."""
    return bool(_DEV_CONFIG_FILE.search(path))


def production_code_files(ctx: CheckContext) -> list[str]:
    """Production paths of programming-language source files."""
    from scorecards.collectors.repo_files.signals import PROGRAMMING_LANGUAGES, language_of

    return ctx.memo(
        "production_code_files",
        lambda: [
            p
            for p in paths(ctx)
            if language_of(p) in PROGRAMMING_LANGUAGES and not is_non_production_path(p)
        ],
    )


def classify_env_value(value: object, secure_params: frozenset[str] = frozenset()) -> str:
    """``literal``, ``empty``, ``reference``, ``secret-store`` or ``chart-value`` (Helm values)."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, dict):
        if "Ref" in value and value["Ref"] in secure_params:
            return "secret-store"
        inner = value.get("Fn::Sub", value.get("Fn::Join", ""))
        if _SECRET_STORE_REFERENCE.search(str(inner)):
            return "secret-store"
        return "reference"
    if not isinstance(value, str):
        return "literal"
    if _SECRET_STORE_REFERENCE.search(value):
        return "secret-store"
    if "{{" in value and ".Values" in value:
        return "chart-value"
    if _ENV_REFERENCE.search(value):
        return "reference"
    return "literal"


def _entry_line(entry: dict, pointer: str) -> int | None:
    return line_of(entry, pointer)


def _k8s_env_vars(ctx: CheckContext) -> list[dict]:
    found = []
    for workload in workloads(ctx):
        tool = "helm" if workload["templated"] else "kubernetes"
        for item in workload["containers"]:
            container, pointer = item["container"], item["pointer"]
            for i, env in enumerate(container.get("env") or []):
                if not isinstance(env, dict) or not env.get("name"):
                    continue
                value_from = env.get("valueFrom")
                if isinstance(value_from, dict):
                    kind = (
                        "secret-store"
                        if "secretKeyRef" in value_from
                        else "config-map"
                        if "configMapKeyRef" in value_from
                        else "reference"
                    )
                else:
                    kind = classify_env_value(env.get("value"))
                found.append(
                    {
                        "path": workload["path"],
                        "line": _entry_line(workload["entry"], f"{pointer}/env/{i}"),
                        "name": str(env["name"]),
                        "kind": kind,
                        "value": env.get("value"),
                        "tool": tool,
                        "unit": workload["name"],
                    }
                )
            for i, source in enumerate(container.get("envFrom") or []):
                if isinstance(source, dict):
                    kind = "secret-store" if "secretRef" in source else "reference"
                    found.append(
                        {
                            "path": workload["path"],
                            "line": _entry_line(workload["entry"], f"{pointer}/envFrom/{i}"),
                            "name": None,
                            "kind": kind,
                            "value": None,
                            "tool": tool,
                            "unit": workload["name"],
                        }
                    )
    return found


def _mapping_env_vars(
    path: str,
    entry: dict,
    pointer: str,
    mapping: object,
    tool: str,
    unit: str,
    secure_params: frozenset[str] = frozenset(),
) -> list[dict]:
    if not isinstance(mapping, dict):
        return []
    return [
        {
            "path": path,
            "line": _entry_line(entry, f"{pointer}/{name}"),
            "name": str(name),
            "kind": classify_env_value(value, secure_params),
            "value": value,
            "tool": tool,
            "unit": unit,
        }
        for name, value in mapping.items()
    ]


def _cfn_env_vars(ctx: CheckContext) -> list[dict]:
    found = []
    for res in cfn_resources(ctx):
        if res["type"] not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            continue
        template = res["template"]
        params = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
        secure = frozenset(
            name
            for name, p in params.items()
            if isinstance(p, dict) and str(p.get("NoEcho", "")).lower() == "true"
        )
        variables = (res["properties"].get("Environment") or {}).get("Variables")
        found += _mapping_env_vars(
            res["path"],
            res["entry"],
            f"{res['pointer']}/Properties/Environment/Variables",
            variables,
            "cloudformation",
            res["name"],
            secure,
        )
        globals_env = (
            ((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}
        ).get("Variables")
        found += _mapping_env_vars(
            res["path"],
            res["entry"],
            "/Globals/Function/Environment/Variables",
            globals_env,
            "cloudformation",
            "Globals",
            secure,
        )
    unique = {(e["path"], e["line"], e["name"]): e for e in found}  # Globals once per template
    return list(unique.values())


def _serverless_env_vars(ctx: CheckContext) -> list[dict]:
    found = []
    seen_providers = set()
    for fn in serverless_functions(ctx):
        if fn["path"] not in seen_providers:
            seen_providers.add(fn["path"])
            found += _mapping_env_vars(
                fn["path"],
                fn["entry"],
                "/provider/environment",
                fn["provider"].get("environment"),
                "serverless",
                "provider",
            )
        found += _mapping_env_vars(
            fn["path"],
            fn["entry"],
            f"{fn['pointer']}/environment",
            fn["function"].get("environment"),
            "serverless",
            fn["name"],
        )
    return found


def _ecs_env_vars(ctx: CheckContext) -> list[dict]:
    found = []
    for task in ecs_task_definitions(ctx):
        for i, container in enumerate(task["containers"]):
            if not isinstance(container, dict):
                continue
            pointer = f"{task['pointer']}/{i}"
            for key in ("environment", "Environment", "secrets", "Secrets"):
                for j, item in enumerate(container.get(key) or []):
                    if not isinstance(item, dict):
                        continue
                    name = item.get("name", item.get("Name"))
                    if not name:
                        continue
                    if key.lower() == "secrets":
                        kind = "secret-store"
                        value = item.get("valueFrom", item.get("ValueFrom"))
                    else:
                        value = item.get("value", item.get("Value"))
                        kind = classify_env_value(value)
                    found.append(
                        {
                            "path": task["path"],
                            "line": _entry_line(task["entry"], f"{pointer}/{key}/{j}"),
                            "name": str(name),
                            "kind": kind,
                            "value": value,
                            "tool": "ecs",
                            "unit": str(container.get("name", container.get("Name", ""))),
                        }
                    )
    return found


def _terraform_env_vars(ctx: CheckContext) -> list[dict]:
    found = []
    for res in terraform_resources(ctx, "aws_lambda_function"):
        environment = (res.get("attrs") or {}).get("environment")
        blocks = environment if isinstance(environment, list) else [environment]
        for block in blocks:
            variables = block.get("variables") if isinstance(block, dict) else None
            if isinstance(variables, list) and variables:
                variables = variables[0]
            if not isinstance(variables, dict):
                continue
            for name, value in variables.items():
                found.append(
                    {
                        "path": res["path"],
                        "line": res.get("line"),
                        "name": str(name),
                        "kind": classify_env_value(value),
                        "value": value,
                        "tool": "terraform",
                        "unit": res.get("name", ""),
                    }
                )
    return found


def deploy_env_vars(ctx: CheckContext) -> list[dict]:
    """Variables production deploy manifests give the app (compose, a local tool, left out).

    ``{"path","line","name" (None for envFrom),"kind","value","tool","unit"}``; ``kind`` is
    ``literal`` (parsers show secret literals as ``«redacted»``), ``empty``, ``reference``,
    ``secret-store``, ``chart-value`` (Helm ``.Values``) or ``config-map``.
    """
    return ctx.memo(
        "deploy_env_vars",
        lambda: [
            *_k8s_env_vars(ctx),
            *_cfn_env_vars(ctx),
            *_serverless_env_vars(ctx),
            *_ecs_env_vars(ctx),
            *_terraform_env_vars(ctx),
        ],
    )


# --- parity/logs/beyond views ---


def flat_settings(data: object, prefix: str = "") -> dict[str, object]:
    """A nested mapping (Spring ``application.yml``) as dotted keys; flat ones stay as they are."""
    if not isinstance(data, dict):
        return {prefix: data} if prefix else {}
    flat: dict[str, object] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flat_settings(value, dotted))
        else:
            flat[dotted] = value
    return flat


def app_config_settings(ctx: CheckContext) -> list[dict]:
    """Spring-style application config: ``{"path","entry","settings": {dotted key: value}}``."""

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "app_config"):
            for entry, data in iter_docs(document):
                if isinstance(data, dict):
                    found.append(
                        {"path": document["path"], "entry": entry, "settings": flat_settings(data)}
                    )
        return found

    return ctx.memo("app_config_settings", compute)


def final_stage_chain(dockerfile: dict) -> list[dict]:
    """The final stage and the earlier stages it is built ``FROM``, nearest first."""
    stages = dockerfile.get("stages") or []
    by_name = {str(s.get("name") or "").lower(): s for s in stages if s.get("name")}
    chain: list[dict] = []
    stage = stages[-1] if stages else None
    while stage is not None and stage not in chain:
        chain.append(stage)
        source = stage.get("from") or {}
        stage = (
            by_name.get(str(source.get("image") or "").lower()) if source.get("stage_ref") else None
        )
    return chain


# --- deploy definitions: image tags, compose as a deploy manifest (catalogue 2026.12) ---------

_MOVING_TAGS = frozenset({"latest", "stable", "edge", "main", "master", "nightly"})
_VERSION_PREFIX = re.compile(r"^v?(\d+(?:\.\d+)*)(?:$|[-_+.]?([A-Za-z].*)?$)")
_COMMIT_SHA = re.compile(r"^(?:sha-|git-|g)?[0-9a-f]{7,40}$")


# Images whose releases are numbered major.minor: two parts are the full version.
_TWO_PART_VERSIONED = frozenset({"postgres", "postgresql", "ubuntu", "postgis"})


def tag_verdict(tag: str | None, digest: str | None, name: str = "") -> tuple[str, str]:
    """("fail" | "warn" | "pass", why) for an image reference's tag (decision 10).

    A moving line fails; a variant or a partial version (``alpine``, ``8``, ``20-slim``,
    ``1.10``) warns as it changes under the same name; a full version, a digest, a commit sha
    or a pipeline's own tag (build number, date, ``release-42``) passes.
    """
    if digest:
        return "pass", "pinned by digest"
    if tag is None:
        return "fail", "no tag, so it means latest"
    lower = tag.lower()
    if lower in _MOVING_TAGS or lower.endswith("-latest"):
        return "fail", f"`{tag}` names a moving line"
    if _COMMIT_SHA.match(lower) and not lower.isdigit():
        return "pass", "a commit sha"
    version = _VERSION_PREFIX.match(lower)
    if version:
        parts = version.group(1).split(".")
        full = 2 if name.rsplit("/", 1)[-1].lower() in _TWO_PART_VERSIONED else 3
        if len(parts) >= full or (len(parts) == 1 and len(parts[0]) >= 4):
            return "pass", "a full version or build number"
        return "warn", f"`{tag}` is a partial version that moves with new releases"
    if not any(ch.isdigit() for ch in lower):
        return "warn", f"`{tag}` names a variant, not a version"
    return "pass", "a pipeline-made tag"


_DEV_COMPOSE = re.compile(
    r"(?i)(^|[._-])(dev|develop|development|override|local|test|tests|ci)([._-]|$)"
)
_DEPLOY_COMPOSE = re.compile(r"(?i)deploy|prod|(^|[._-])stack([._-]|$)")


def _has_other_deploy_definition(ctx: CheckContext) -> bool:
    """k8s, Helm, Kustomize, ECS/Terraform, serverless, CDK, a PaaS spec or Procfile."""
    categories = ("k8s", "helm_chart", "kustomization", "ecs_task_definition", "cloudformation")
    if any(documents(ctx, c) for c in categories) or serverless_functions(ctx):
        return True
    if any(tf.get("resources") for tf in repo(ctx).get("terraform", [])):
        return True
    platform = [doc for doc in documents(ctx, "platform") if not doc["path"].endswith("cdk.json")]
    return bool(platform or procfile_processes(ctx) or code_deploy_signals(ctx))


def compose_is_deploy_manifest(ctx: CheckContext, path: str) -> bool:
    """Decision 3: a compose file deploys the service when its name says so, or when nothing
    else in the repository does and it is not named for development."""
    name = path.rsplit("/", 1)[-1]
    stem = re.sub(r"^(docker-)?compose|\.ya?ml$", "", name)
    if _DEPLOY_COMPOSE.search(name) and not _DEV_COMPOSE.search(stem):
        return True
    if _DEV_COMPOSE.search(stem) or re.search(r"(?i)(^|/)(dev|local|\.devcontainer)/", path):
        return False
    return not ctx.memo("other_deploy_definition", lambda: _has_other_deploy_definition(ctx))


def deploy_compose_services(ctx: CheckContext) -> list[dict]:
    """Services of the compose files that are deploy manifests."""
    return [s for s in compose_services(ctx) if compose_is_deploy_manifest(ctx, s["path"])]


def code_deploy_signals(ctx: CheckContext, rule: str = "") -> list[dict]:
    """Deployments written as code (CDK, Pulumi, Bicep): ``image``, ``service``, ``scaling`` or
    ``health`` signals (all when ``rule`` is empty) of files that deploy an image or a service.

    ``healthCheck: {`` or ``minReplicas: 2`` alone also appear in application code; only files
    that declare what they deploy are infrastructure."""
    every = signals(ctx, "deploy.code.")
    infra = {s["path"] for s in every if s["rule"] in ("deploy.code.image", "deploy.code.service")}
    return [
        s for s in every if s["path"] in infra and (not rule or s["rule"] == f"deploy.code.{rule}")
    ]


def terraform_ecs_tasks(ctx: CheckContext) -> list[dict]:
    """``aws_ecs_task_definition`` resources as task definitions: one container per image
    found in ``container_definitions`` (``jsonencode([...])``, heredoc or JSON)."""
    found = []
    for res in terraform_resources(ctx, "aws_ecs_task_definition"):
        attrs = res.get("attrs") or {}
        text = str(attrs.get("container_definitions") or "")
        images = attrs.get("container_images") or []
        containers = [
            {
                "image": item.get("image"),
                "line": item.get("line"),
                "healthCheck": item.get("health"),
            }
            for item in images
            if isinstance(item, dict)
        ]
        if containers or text:
            found.append(
                {
                    "path": res["path"],
                    "line": res.get("line"),
                    "entry": {"line": res.get("line")},
                    "containers": containers,
                    "pointer": "/container_definitions",
                    "terraform": res,
                }
            )
    return found
