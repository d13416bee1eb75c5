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


def is_non_production_path(path: str) -> bool:
    """Tests, fixtures, examples, docs and vendored code: not the service as deployed."""
    return bool(_NON_PRODUCTION.search(path) or _TEST_FILE.search(path))


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


def signals(ctx: CheckContext, rule: str, production_only: bool = True) -> list[dict]:
    """Source-code signals whose rule id equals ``rule`` or starts with it when it ends in '.'."""
    found = []
    for signal in repo(ctx).get("signals", []):
        rid = signal["rule"]
        if rid == rule or (rule.endswith(".") and rid.startswith(rule)):
            if production_only and is_non_production_path(signal["path"]):
                continue
            found.append(signal)
    return found


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

    def compute() -> list[dict]:
        objects = []
        for category in ("k8s", "helm_template"):
            for document in documents(ctx, category):
                for entry, data in iter_docs(document):
                    if isinstance(data, dict) and data.get("kind"):
                        objects.append({
                            "path": document["path"],
                            "line": entry.get("line"),
                            "entry": entry,
                            "object": data,
                            "templated": document.get("templated", False),
                        })
        return objects

    return ctx.memo("k8s_objects", compute)


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet",
                  "DeploymentConfig", "Rollout")


def _pod_spec(obj: dict) -> tuple[dict, str]:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec, "/spec"
    if kind == "CronJob":
        job = ((spec.get("jobTemplate") or {}).get("spec") or {})
        return ((job.get("template") or {}).get("spec") or {}), "/spec/jobTemplate/spec/template/spec"
    return ((spec.get("template") or {}).get("spec") or {}), "/spec/template/spec"


def workloads(ctx: CheckContext) -> list[dict]:
    """Kubernetes workloads: ``{"path","line","entry","kind","name","object","pod_spec","pod_pointer","containers"}``.

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
                        containers.append({"container": c, "pointer": f"{pointer}/{key}/{i}",
                                           "init": init})
            found.append({
                **item,
                "kind": obj.get("kind"),
                "name": ((obj.get("metadata") or {}).get("name")) or "",
                "pod_spec": pod_spec,
                "pod_pointer": pointer,
                "containers": containers,
            })
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
                        found.append({"path": document["path"], "entry": entry, "name": name,
                                      "service": service, "pointer": f"/services/{name}"})
        return found

    return ctx.memo("compose_services", compute)


def cfn_resources(ctx: CheckContext) -> list[dict]:
    """CloudFormation/SAM resources: ``{"path","entry","name","type","properties","pointer","template"}``."""

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "cloudformation"):
            for entry, data in iter_docs(document):
                resources = data.get("Resources") if isinstance(data, dict) else None
                if not isinstance(resources, dict):
                    continue
                for name, resource in resources.items():
                    if isinstance(resource, dict):
                        found.append({
                            "path": document["path"], "entry": entry, "name": name,
                            "type": resource.get("Type", ""),
                            "properties": resource.get("Properties") or {},
                            "pointer": f"/Resources/{name}", "template": data,
                        })
        return found

    return ctx.memo("cfn_resources", compute)


def serverless_functions(ctx: CheckContext) -> list[dict]:
    """Serverless Framework functions: ``{"path","entry","name","function","provider","pointer"}``."""

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
                        found.append({"path": document["path"], "entry": entry, "name": name,
                                      "function": fn if isinstance(fn, dict) else {},
                                      "provider": provider, "pointer": f"/functions/{name}",
                                      "config": data})
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

    ``{"path","line","name","tool": "sam"|"cloudformation"|"serverless"|"terraform","runtime","raw"}``.
    """

    def compute() -> list[dict]:
        found = []
        for res in cfn_resources(ctx):
            if res["type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                globals_fn = ((res["template"].get("Globals") or {}).get("Function") or {})
                runtime = res["properties"].get("Runtime") or globals_fn.get("Runtime")
                found.append({
                    "path": res["path"], "line": line_of(res["entry"], res["pointer"]),
                    "name": res["name"],
                    "tool": "sam" if res["type"].startswith("AWS::Serverless") else "cloudformation",
                    "runtime": runtime, "raw": res,
                })
        for fn in serverless_functions(ctx):
            runtime = fn["function"].get("runtime") or fn["provider"].get("runtime")
            found.append({"path": fn["path"], "line": line_of(fn["entry"], fn["pointer"]),
                          "name": fn["name"], "tool": "serverless", "runtime": runtime, "raw": fn})
        for res in terraform_resources(ctx, "aws_lambda_function"):
            if res.get("type") == "aws_lambda_function":
                found.append({"path": res["path"], "line": res.get("line"), "name": res.get("name"),
                              "tool": "terraform", "runtime": (res.get("attrs") or {}).get("runtime"),
                              "raw": res})
        return found

    return ctx.memo("lambda_functions", compute)


def ecs_task_definitions(ctx: CheckContext) -> list[dict]:
    """ECS task definitions from JSON/YAML files and CloudFormation ``AWS::ECS::TaskDefinition``."""

    def compute() -> list[dict]:
        found = []
        for document in documents(ctx, "ecs_task_definition"):
            for entry, data in iter_docs(document):
                if isinstance(data, dict):
                    found.append({"path": document["path"], "line": entry.get("line"),
                                  "entry": entry, "containers": data.get("containerDefinitions") or [],
                                  "pointer": "/containerDefinitions"})
        for res in cfn_resources(ctx):
            if res["type"] == "AWS::ECS::TaskDefinition":
                found.append({"path": res["path"], "line": line_of(res["entry"], res["pointer"]),
                              "entry": res["entry"],
                              "containers": res["properties"].get("ContainerDefinitions") or [],
                              "pointer": f"{res['pointer']}/Properties/ContainerDefinitions"})
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
        m for m in repo(ctx).get("manifests", [])
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
    return [p for p in paths(ctx) if regex.search(p) and not is_non_production_path(p)]
