"""What app platforms, CDK code and bare application code say about how a service runs.

Three views that give a service its kind when it has no Dockerfile or Procfile:

- :func:`platform_services`: the processes an app platform spec defines (``render.yaml``, a
  DigitalOcean app spec, ``fly.toml``, App Engine ``app.yaml``, Heroku ``app.json`` /
  ``heroku.yml``, Platform.sh, Copilot), each ``paas`` when the platform builds it from source
  and ``container`` when it runs an image or a Dockerfile;
- :func:`cdk_lambda_functions`: Lambda functions declared with the AWS CDK, in the shape of
  ``deployables.lambda_functions`` (``tool = "cdk"``);
- :func:`server_in_code`: a repository with no deploy definition at all whose code starts a
  long-running server: a platform builds and runs it from source, so it is judged as ``paas``.
"""

from __future__ import annotations

from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext
from scorecards.checks.results import Evidence

# Render service types that are the app's processes (keyvalue/redis are managed backing services).
_RENDER_PROCESS_TYPES = frozenset({"web", "worker", "pserv", "cron", "background_worker"})
_RENDER_IMAGE_RUNTIMES = frozenset({"docker", "image"})
_DO_COMPONENTS = ("services", "workers", "jobs")
_DO_SOURCE_KEYS = ("environment_slug", "run_command", "build_command", "github", "gitlab", "git")


def _service(
    document: dict,
    entry: dict,
    pointer: str,
    platform: str,
    kind: str,
    name: object,
    command: str | None = None,
) -> dict:
    """One process of a spec; ``pointer`` locates its start command, or the process itself."""
    return {
        "path": document["path"],
        "line": d.line_of(entry, pointer),
        "platform": platform,
        "kind": kind,
        "name": str(name or platform),
        "command": command if isinstance(command, str) and command.strip() else None,
    }


def _render(document: dict, entry: dict, data: dict) -> list[dict]:
    found = []
    for index, service in enumerate(data.get("services") or []):
        if not isinstance(service, dict):
            continue
        runtime = str(service.get("runtime") or service.get("env") or "").lower()
        if service.get("type") not in _RENDER_PROCESS_TYPES or runtime == "static":
            continue
        image = runtime in _RENDER_IMAGE_RUNTIMES or "dockerfilePath" in service
        if not (image or runtime or service.get("startCommand") or service.get("buildCommand")):
            continue
        key = "startCommand" if service.get("startCommand") else "dockerCommand"
        start = service.get(key)
        pointer = f"/services/{index}" + (f"/{key}" if start else "")
        kind = "container" if image else "paas"
        found.append(_service(document, entry, pointer, "render", kind, service.get("name"), start))
    return found


def _digitalocean(document: dict, entry: dict, data: dict) -> list[dict]:
    spec, base = (data["spec"], "/spec") if isinstance(data.get("spec"), dict) else (data, "")
    found = []
    for key in _DO_COMPONENTS:
        for index, component in enumerate(spec.get(key) or []):
            if not isinstance(component, dict):
                continue
            image = "dockerfile_path" in component or "image" in component
            if not image and not any(k in component for k in _DO_SOURCE_KEYS):
                continue
            run = component.get("run_command")
            pointer = f"{base}/{key}/{index}" + ("/run_command" if run else "")
            kind = "container" if image else "paas"
            name = component.get("name")
            found.append(_service(document, entry, pointer, "digitalocean", kind, name, run))
    return found


def _fly(ctx: CheckContext, document: dict, entry: dict, data: dict) -> list[dict]:
    build = data.get("build") if isinstance(data.get("build"), dict) else {}
    if build.get("image") or build.get("dockerfile"):
        kind = "container"
    elif build.get("builder") or build.get("buildpacks"):
        kind = "paas"
    else:  # fly deploy builds the Dockerfile beside fly.toml when there is one
        kind = "container" if d.production_dockerfiles(ctx) else "paas"
    processes = data.get("processes") if isinstance(data.get("processes"), dict) else {}
    found = [
        _service(document, entry, f"/processes/{name}", "fly", kind, name, command)
        for name, command in processes.items()
        if isinstance(command, str)
    ]
    experimental = data.get("experimental") if isinstance(data.get("experimental"), dict) else {}
    command = experimental.get("cmd")
    if not found and isinstance(command, str | list):
        text = " ".join(str(part) for part in command) if isinstance(command, list) else command
        found.append(_service(document, entry, "/experimental/cmd", "fly", kind, "app", text))
    return found or [_service(document, entry, "/app", "fly", kind, data.get("app"))]


def _app_engine(document: dict, entry: dict, data: dict) -> list[dict]:
    kind = "container" if str(data.get("runtime")).lower() == "custom" else "paas"
    entrypoint = data.get("entrypoint")
    pointer = "/entrypoint" if isinstance(entrypoint, str) else "/runtime"
    name = data.get("service") or "default"
    return [_service(document, entry, pointer, "appengine", kind, name, entrypoint)]


def _heroku_yml(document: dict, entry: dict, data: dict) -> list[dict]:
    build = data.get("build") if isinstance(data.get("build"), dict) else {}
    kind = "container" if build.get("docker") else "paas"  # `languages` builds with buildpacks
    run = data.get("run") if isinstance(data.get("run"), dict) else {}
    found = []
    for name, process in run.items():
        command = process.get("command") if isinstance(process, dict) else process
        if isinstance(command, list):
            command = " ".join(str(part) for part in command)
        if isinstance(command, str):
            found.append(_service(document, entry, f"/run/{name}", "heroku", kind, name, command))
    return found or [_service(document, entry, "/build", "heroku", kind, "app")]


def _heroku_app_json(document: dict, entry: dict, data: dict) -> list[dict]:
    kind = "container" if data.get("stack") == "container" else "paas"
    return [_service(document, entry, "/name", "heroku", kind, data.get("name"))]


def _platform_sh(document: dict, entry: dict, data: dict) -> list[dict]:
    web = data.get("web") if isinstance(data.get("web"), dict) else {}
    commands = web.get("commands") if isinstance(web.get("commands"), dict) else {}
    start = commands.get("start")
    pointer = "/web/commands/start" if isinstance(start, str) else "/web"
    return [_service(document, entry, pointer, "platformsh", "paas", data.get("name"), start)]


def _copilot(document: dict, entry: dict, data: dict) -> list[dict]:
    if "Static Site" in str(data.get("type")):
        return []
    return [_service(document, entry, "/type", "copilot", "container", data.get("name"))]


def _services_of(ctx: CheckContext, document: dict, entry: dict, data: dict) -> list[dict]:
    from scorecards.collectors.repo_files.documents import is_app_platform_spec

    name = document["path"].rsplit("/", 1)[-1].lower()
    if name in ("render.yaml", "render.yml"):
        return _render(document, entry, data)
    if name == "fly.toml":
        return _fly(ctx, document, entry, data)
    if name == "heroku.yml":
        return _heroku_yml(document, entry, data)
    if name == "app.json":
        return _heroku_app_json(document, entry, data)
    if name == ".platform.app.yaml":
        return _platform_sh(document, entry, data)
    if "copilot/" in document["path"]:
        return _copilot(document, entry, data)
    if is_app_platform_spec(data):
        return _digitalocean(document, entry, data)
    if name in ("app.yaml", "app.yml") and isinstance(data.get("runtime"), str):
        return _app_engine(document, entry, data)
    return []


def platform_services(ctx: CheckContext) -> list[dict]:
    """Processes of app platform specs: ``{"path","line","platform","kind","name","command"}``,
    ``kind`` being ``paas`` (built from source by the platform) or ``container``."""

    def compute() -> list[dict]:
        found = []
        for document in d.documents(ctx, "platform"):
            for entry, data in d.iter_docs(document):
                if isinstance(data, dict):
                    found.extend(_services_of(ctx, document, entry, data))
        return found

    return ctx.memo("platforms.services", compute)


def platform_start_commands(ctx: CheckContext) -> list[dict]:
    """The start commands platform specs give, in the shape of ``deployables.start_commands``."""
    return [
        {
            "path": service["path"],
            "line": service["line"],
            "origin": "platform",
            "command": service["command"],
            "process": service["name"],
            "instruction": None,
            "exec_form": None,
        }
        for service in platform_services(ctx)
        if service["command"]
    ]


# --- AWS CDK functions ---------------------------------------------------------------------


def _runtime_after(runtimes: list[dict], start: int, end: int | None) -> dict | None:
    for signal in runtimes:
        if signal["line"] >= start and (end is None or signal["line"] < end):
            return signal
    return None


def cdk_lambda_functions(ctx: CheckContext) -> list[dict]:
    """Lambda functions of CDK code: ``{"path","line","name","tool": "cdk","runtime","raw"}``.

    A function's runtime is the first ``Runtime.X`` between its construct and the next one in the
    file; when the props live elsewhere but the file names a single runtime, that one.
    ``raw["attrs"]`` mirrors Terraform's (``runtime``, ``package_type``) so the checks that read
    functions treat both alike.
    """

    def compute() -> list[dict]:
        cdk_files = {s["path"] for s in d.signals(ctx, "function.cdk-import")}
        constructs: dict[str, list[dict]] = {}
        for signal in d.signals(ctx, "function.cdk-lambda"):
            if signal["path"] in cdk_files:
                constructs.setdefault(signal["path"], []).append(signal)
        runtimes: dict[str, list[dict]] = {}
        for signal in d.signals(ctx, "function.cdk-runtime"):
            runtimes.setdefault(signal["path"], []).append(signal)
        found = []
        for path, signals in constructs.items():
            in_file = runtimes.get(path, [])
            distinct = {s["detail"]["constant"] for s in in_file}
            for position, signal in enumerate(signals):
                end = signals[position + 1]["line"] if position + 1 < len(signals) else None
                runtime = _runtime_after(in_file, signal["line"], end)
                if runtime is None and len(distinct) == 1:
                    runtime = in_file[0]
                found.append(_cdk_function(signal, runtime))
        return found

    return ctx.memo("platforms.cdk_functions", compute)


def _cdk_function(signal: dict, runtime: dict | None) -> dict:
    detail = signal["detail"]
    constant = runtime["detail"]["constant"] if runtime else None
    image = detail["construct"] == "DockerImageFunction" or constant == "FROM_IMAGE"
    value = runtime["detail"]["runtime"] if runtime else None
    return {
        "path": signal["path"],
        "line": signal["line"],
        "name": detail.get("id") or f"{detail['construct']} at line {signal['line']}",
        "tool": "cdk",
        "runtime": value,
        "raw": {
            "construct": detail["construct"],
            "attrs": {"runtime": value, "package_type": "Image" if image else "Zip"},
        },
    }


# --- a server in code, and nothing that deploys it -------------------------------------------

# Categories of documents that define how the service is deployed (a dev compose file does not).
_DEPLOY_CATEGORIES = (
    "k8s",
    "helm_chart",
    "helm_template",
    "kustomization",
    "ecs_task_definition",
    "cloudformation",
    "serverless",
    "platform",
)


def deploy_definition_paths(ctx: CheckContext) -> list[str]:
    """Files that package or deploy the service: Dockerfiles, Procfiles, manifests, platform
    specs, IaC (Terraform, CloudFormation, CDK, Pulumi, Bicep)."""
    found = [doc["path"] for c in _DEPLOY_CATEGORIES for doc in d.documents(ctx, c)]
    found += [dockerfile["path"] for dockerfile in d.production_dockerfiles(ctx)]
    found += [p["path"] for p in d.procfile_processes(ctx)]
    found += [
        tf["path"]
        for tf in d.repo(ctx).get("terraform", [])
        if (tf.get("resources") or tf.get("modules")) and not d.is_non_production_path(tf["path"])
    ]
    found += d.has_path(ctx, r"\.bicep$")
    found += [s["path"] for s in d.signals(ctx, "function.cdk-import")]
    return found


def server_in_code(ctx: CheckContext) -> list[Evidence]:
    """Evidence of a long-running server the code starts (or the server dependency that starts
    it), in a repository that has no packaging or deploy definition at all; empty otherwise."""

    def compute() -> list[Evidence]:
        if deploy_definition_paths(ctx) or _published_node_library(ctx):
            return []
        from scorecards.checks.port import SELF_SERVER_DEPENDENCIES

        evidence = [
            ctx.evidence(s["path"], s["line"], s["excerpt"]) for s in d.signals(ctx, "server.self")
        ]
        evidence += [
            ctx.evidence(manifest["path"], dep.get("line"), dep["name"])
            for manifest, dep in d.dependency_hits(ctx, SELF_SERVER_DEPENDENCIES)
            if dep.get("group") != "peerDependencies"  # a plug-in for servers, not one
        ]
        evidence += [
            ctx.evidence(m["path"], 1, "Sdk=Microsoft.NET.Sdk.Web")
            for m in d.manifests(ctx)
            if str((m.get("details") or {}).get("sdk") or "") == "Microsoft.NET.Sdk.Web"
        ]
        return evidence

    return ctx.memo("platforms.server_in_code", compute)


def _published_node_library(ctx: CheckContext) -> bool:
    """The top package.json describes a package to publish (not private, an entry point to
    import, no start script): code that starts a server there is the library's, not an app."""
    packages = [m for m in d.manifests(ctx) if m["path"].rsplit("/", 1)[-1] == "package.json"]
    if not packages:
        return False
    details = min(packages, key=lambda m: m["path"].count("/")).get("details") or {}
    scripts = details.get("scripts") if isinstance(details.get("scripts"), dict) else {}
    return bool(details.get("main")) and not details.get("private") and "start" not in scripts
