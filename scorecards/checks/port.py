"""VII. Port binding: the app binds its own port, read from the environment, and declares it.

All three checks share one view, :func:`server_finding`: which server the service runs
(self-binding, an external app server, php-fpm behind a web server, a worker, or nothing known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorecards.checks import deployables as d
from scorecards.checks import frameworks, live_aws, live_k8s
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

# Dependencies whose presence means the app embeds the server that binds its port.
SELF_SERVER_DEPENDENCIES = frozenset({
    # Python
    "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress", "granian",
    # Ruby
    "puma", "unicorn", "falcon", "thin",
    # Node.js
    "next", "fastify", "express", "koa", "@nestjs/core", "@nestjs/platform-express",
    "@hapi/hapi", "hapi", "restify", "@remix-run/serve", "polka",
    # JVM
    "spring-boot-starter-web", "spring-boot-starter-webflux", "spring-boot-starter-jersey",
    "quarkus-resteasy", "quarkus-resteasy-reactive", "quarkus-rest", "quarkus-vertx-http",
    "micronaut-http-server-netty", "ktor-server-netty", "ktor-server-cio", "ktor-server-jetty",
    "ktor-server-core", "javalin", "vertx-web", "dropwizard-core", "helidon-webserver",
    "spark-core",
    # Go
    "github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/labstack/echo/v4",
    "github.com/gofiber/fiber", "github.com/gofiber/fiber/v2",
    # Rust
    "actix-web", "axum", "warp", "rocket", "poem", "tide",
    # PHP
    "spiral/roadrunner", "spiral/roadrunner-http", "swoole", "openswoole", "laravel/octane",
    "runtime/frankenphp-symfony", "react/http", "amphp/http-server",
    # Elixir
    "phoenix", "plug_cowboy", "bandit",
})  # fmt: skip
# Frameworks that take their port from the environment by themselves.
ENV_PORT_DEPENDENCIES = frozenset({
    "spring-boot-starter-web", "spring-boot-starter-webflux", "spring-boot-starter-jersey",
    "quarkus-resteasy", "quarkus-resteasy-reactive", "quarkus-rest", "quarkus-vertx-http",
    "micronaut-http-server-netty",
})  # fmt: skip
SPRING_WEB = frozenset(
    {
        "spring-boot-starter-web",
        "spring-boot-starter-webflux",
        "spring-boot-starter-jersey",
        "spring-boot-starter-tomcat",
    }
)
APP_SERVER_IMAGES = frozenset({
    "tomcat", "jetty", "wildfly", "jboss", "jboss-eap", "websphere-liberty", "websphere",
    "open-liberty", "openliberty", "payara", "server-full", "server-web", "glassfish",
    "tomee",
})  # fmt: skip
STATIC_SERVER_IMAGES = frozenset({"nginx", "nginx-unprivileged", "caddy", "openresty"})
_WAR_DEPLOY = re.compile(r"\.war\b|/webapps\b|/deployments\b|/dropins\b|/autodeploy\b")
_MOD_PHP = re.compile(r"\blibapache2-mod-php|\bmod_php\b")


@dataclass
class ServerFinding:
    """``kind``: self | static | external | fpm | worker | none."""

    kind: str
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    servers: list[str] = field(default_factory=list)

    @property
    def binds_port(self) -> bool:
        return self.kind in ("self", "static", "mixed")


def _image_name(stage: dict) -> str:
    source = stage.get("from") or {}
    return str(source.get("image") or "").lower().rsplit("/", 1)[-1]


def _final_stage(dockerfile: dict) -> dict | None:
    stages = dockerfile.get("stages") or []
    return stages[-1] if stages else None


def _stage_instructions(dockerfile: dict, stage: dict, *keywords: str) -> list[dict]:
    return [
        i
        for i in dockerfile.get("instructions", [])
        if i["stage"] == stage["index"] and i["instruction"] in keywords
    ]


def _judge_dockerfile(ctx: CheckContext, dockerfile: dict) -> tuple[str, Evidence] | None:
    """What the image runs: (self|static|external|fpm, evidence), or None when it cannot tell."""
    stage = _final_stage(dockerfile)
    if stage is None:
        return None
    path = dockerfile["path"]
    for item in d.final_stage_commands(dockerfile).values():
        command = d.instruction_command(item)
        if [s for s in d.servers_in_command(command) if s != "nginx"]:
            return "self", ctx.evidence(path, item["line"], f"{item['instruction']} {command}")
    image, tag = _image_name(stage), str((stage.get("from") or {}).get("tag") or "").lower()
    from_evidence = ctx.evidence(path, stage.get("line"), (stage.get("from") or {}).get("raw", ""))
    if image in APP_SERVER_IMAGES:
        for item in _stage_instructions(dockerfile, stage, "COPY", "ADD"):
            if _WAR_DEPLOY.search(item["value"]):
                return "external", ctx.evidence(path, item["line"], f"COPY {item['value']}")
    if image == "php" and "apache" in tag:
        return "external", from_evidence
    for item in _stage_instructions(dockerfile, stage, "RUN"):
        if _MOD_PHP.search(item["value"]):
            return "external", ctx.evidence(path, item["line"], f"RUN {item['value']}")
    if (image == "php" and "fpm" in tag) or "php-fpm" in image:
        return "fpm", from_evidence
    if image in STATIC_SERVER_IMAGES:
        return "static", from_evidence
    return None


def _war_without_embedded_server(ctx: CheckContext) -> list[Evidence]:
    if d.dependency_hits(ctx, SPRING_WEB):
        return []
    return [
        ctx.evidence(m["path"], None, "<packaging>war</packaging>")
        for m in d.manifests(ctx)
        if (m.get("details") or {}).get("packaging") == "war"
    ]


def _self_evidence(ctx: CheckContext) -> tuple[list[Evidence], list[str]]:
    """Code, dependencies and start commands that show a self-binding server."""
    evidence, servers = [], []
    for command in d.start_commands(ctx):
        names = d.servers_in_command(command["command"])
        if names:
            servers.extend(names)
            evidence.append(ctx.evidence(command["path"], command["line"], command["command"]))
    for signal in d.signals(ctx, "server.self"):
        servers.append(signal["detail"].get("server", "server"))
        evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for manifest, dep in d.dependency_hits(ctx, SELF_SERVER_DEPENDENCIES):
        servers.append(dep["name"])
        evidence.append(ctx.evidence(manifest["path"], dep.get("line"), dep["name"]))
    for manifest in d.manifests(ctx):
        if str((manifest.get("details") or {}).get("sdk") or "") == "Microsoft.NET.Sdk.Web":
            servers.append("aspnet")
            evidence.append(ctx.evidence(manifest["path"], 1, "Sdk=Microsoft.NET.Sdk.Web"))
    # Decision 2: an embedded server the framework table knows binds the app's own port.
    for item, default in frameworks.defaults(ctx, "binds_port"):
        servers.append(item.framework.name)
        evidence.append(default)
    return evidence, servers


def _looks_like_worker(ctx: CheckContext) -> bool:
    processes = d.procfile_processes(ctx)
    if processes and not any(p.get("type") == "web" for p in processes):
        return True
    commands = [c["command"] for c in d.start_commands(ctx) if c["origin"] != "script"]
    return bool(commands) and all(d.WORKER_COMMAND.search(c) for c in commands)


def server_finding(ctx: CheckContext) -> ServerFinding:
    """Which server the service runs; the server the production Dockerfile runs wins."""
    return ctx.memo("port.server_finding", lambda: _server_finding(ctx))


def _server_finding(ctx: CheckContext) -> ServerFinding:
    judged: dict[str, list[Evidence]] = {}
    for dockerfile in d.production_dockerfiles(ctx):
        verdict = _judge_dockerfile(ctx, dockerfile)
        if verdict:
            judged.setdefault(verdict[0], []).append(verdict[1])
    evidence, servers = _self_evidence(ctx)
    if judged.get("external"):
        kind = "external" if not judged.get("self") else "mixed"
        return ServerFinding(kind, "", judged["external"] + judged.get("self", []))
    if judged.get("fpm"):
        kind = "fpm" if not judged.get("self") else "mixed"
        return ServerFinding(kind, "", judged["fpm"] + judged.get("self", []))
    if judged.get("self"):
        return ServerFinding("self", "", judged["self"] + evidence, servers)
    war = _war_without_embedded_server(ctx)
    if war:
        return ServerFinding("external", "", war)
    if evidence:
        return ServerFinding("self", "", evidence, servers)
    if judged.get("static"):
        return ServerFinding("static", "", judged["static"], ["nginx"])
    if _looks_like_worker(ctx):
        return ServerFinding("worker", "")
    return ServerFinding("none", "")


@check("port.binding")
def port_binding(ctx: CheckContext) -> Outcome:
    finding = server_finding(ctx)
    evidence = list(dict.fromkeys(finding.evidence))[:5]  # a CMD is seen as command and server
    if finding.kind == "external":
        return Outcome.failed(
            "The app is deployed into an external app server (WAR into a servlet container or "
            "Apache mod_php) instead of binding its own port.",
            evidence,
        )
    if finding.kind == "fpm":
        return Outcome.warned(
            "The app runs under php-fpm, which needs a separate web server in front to serve HTTP.",
            evidence,
        )
    if finding.kind == "mixed":
        return Outcome.warned(
            "Some images bind their own port, others run the app inside an external server "
            "(app server, mod_php or php-fpm).",
            evidence,
        )
    if finding.kind == "self":
        names = ", ".join(dict.fromkeys(finding.servers)) or "a self-binding server"
        return Outcome.passed(f"The app binds its own port ({names}).", evidence)
    if finding.kind == "static":
        return Outcome.passed(
            "The image serves files with its own web server (nginx/caddy).", evidence
        )
    if finding.kind == "worker":
        return Outcome.not_applicable("The service runs workers only; it serves no port.")
    return Outcome.unknown("No server was found in the code, dependencies or start commands.")


# Environment variables that carry the app's own listen port (not a backing service's).
_PORT_NAME = re.compile(r"^(?:PORT|[A-Z0-9_]*_PORT|ASPNETCORE_(?:HTTPS?_PORTS|URLS)|URLS)$")
_BACKING_WORDS = frozenset({
    "DB", "DATABASE", "POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MARIADB", "MSSQL", "SQL",
    "REDIS", "CACHE", "MEMCACHE", "MEMCACHED", "MONGO", "MONGODB", "RABBIT", "RABBITMQ", "AMQP",
    "KAFKA", "BROKER", "ELASTIC", "ELASTICSEARCH", "ES", "OPENSEARCH", "SMTP", "MAIL", "EMAIL",
    "IMAP", "LDAP", "STATSD", "DOGSTATSD", "JAEGER", "ZIPKIN", "OTEL", "OTLP", "AGENT", "DD",
    "SENTRY", "CASSANDRA", "NEO4J", "INFLUX", "INFLUXDB", "CLICKHOUSE", "NATS", "MQTT",
    "ZOOKEEPER", "CONSUL", "VAULT", "ETCD", "PROXY", "SSH", "FTP", "SFTP", "MINIO", "S3",
    "DEBUG", "DEBUGGER", "INSPECT", "PPROF", "METRICS", "PROMETHEUS", "SELENIUM", "CHROME",
})  # fmt: skip
_ENV_PORT_IN_COMMAND = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")
_HARDCODED_IN_COMMAND = re.compile(
    r"(?:--bind|-b)[= ]\s*['\"]?[\w.\[\]:]*:\d{2,5}\b|--port[= ]\s*\d{2,5}\b|"
    r"\bphp\s+(?:-\S+\s+)*-S\s+\S*:\d{2,5}|\brunserver\s+\S*:?\d{2,5}\b"
)
_PORT_FLAG = re.compile(r"\s(?:-p|--port)[= ]\s*\d{2,5}\b")
_GUNICORN_BIND = re.compile(r"(?:--bind|\s-b)[= ]|\s-c\s|--config")


def is_port_variable(name: str | None) -> bool:
    """``PORT``, ``SERVER_PORT``, ``ASPNETCORE_URLS``... but not ``DB_PORT`` or ``REDIS_PORT``."""
    if not name or not _PORT_NAME.match(name):
        return False
    words = set(name.split("_")) - {"PORT"}
    return not words & _BACKING_WORDS


def _env_port_evidence(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for signal in d.signals(ctx, "env.read"):
        if is_port_variable((signal.get("detail") or {}).get("name")):
            evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for rule in ("server.self", "server.port-setting"):
        for signal in d.signals(ctx, rule):
            if (signal.get("detail") or {}).get("env"):
                evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for command in d.start_commands(ctx):
        names = _ENV_PORT_IN_COMMAND.findall(command["command"])
        if any(is_port_variable(n) for n in names):
            evidence.append(ctx.evidence(command["path"], command["line"], command["command"]))
    return evidence


def _framework_env_port(ctx: CheckContext) -> list[Evidence]:
    """Servers that read the port from the environment without any code of the app's."""
    evidence = [
        ctx.evidence(m["path"], dep.get("line"), f"{dep['name']} reads SERVER_PORT")
        for m, dep in d.dependency_hits(ctx, ENV_PORT_DEPENDENCIES)
    ]
    for signal in d.signals(ctx, "server.self"):
        if signal["detail"].get("server") == "aspnet":
            evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for manifest in d.manifests(ctx):
        details = manifest.get("details") or {}
        if str(details.get("sdk") or "") == "Microsoft.NET.Sdk.Web":
            evidence.append(ctx.evidence(manifest["path"], 1, "Kestrel reads ASPNETCORE_URLS"))
        scripts = details.get("scripts") if isinstance(details.get("scripts"), dict) else {}
        if re.search(r"\bnext\s+start\b(?!.*(?:-p|--port)\s)", str(scripts.get("start") or "")):
            evidence.append(ctx.evidence(manifest["path"], None, f"start: {scripts['start']}"))
    gunicorn_config_literal = any(
        s["detail"].get("setting") == "gunicorn" and not s["detail"].get("env")
        for s in d.signals(ctx, "server.port-setting")
    )
    for command in d.start_commands(ctx):
        text = command["command"]
        if re.search(r"\bnext\s+start\b", text) and not re.search(r"\s(?:-p|--port)\s", text):
            evidence.append(ctx.evidence(command["path"], command["line"], text))
        if (
            re.search(r"\bgunicorn\b", text)
            and not _GUNICORN_BIND.search(text)
            and not gunicorn_config_literal
        ):
            evidence.append(ctx.evidence(command["path"], command["line"], text))
    # A literal -p/--port on the start command overrides what the framework would read.
    if not any(_PORT_FLAG.search(c["command"]) for c in d.start_commands(ctx)):
        evidence += [default for _, default in frameworks.defaults(ctx, "port_from_env")]
    return evidence


def _hardcoded_port_evidence(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for rule in ("server.self", "server.port-setting"):
        for signal in d.signals(ctx, rule):
            detail = signal.get("detail") or {}
            if detail.get("port") and not detail.get("env"):
                evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for command in d.start_commands(ctx):
        if _HARDCODED_IN_COMMAND.search(command["command"]):
            evidence.append(ctx.evidence(command["path"], command["line"], command["command"]))
    # A literal port variable counts only in a file that starts a server on a variable.
    serving = {
        s["path"] for s in d.signals(ctx, "server.self") if not (s.get("detail") or {}).get("port")
    }
    for signal in d.signals(ctx, "server.port-literal"):
        if signal["path"] in serving:
            evidence.append(ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    return evidence


# Kubernetes expands $(VAR) in a container's command and args from its environment.
_K8S_VAR_IN_COMMAND = re.compile(r"\$\(([A-Z][A-Z0-9_]*)\)|\$\{?([A-Z][A-Z0-9_]*)")


def _live_serving_containers(ctx: CheckContext) -> list[tuple[dict, dict]]:
    """(workload, container item) of running app containers that serve a port: they declare
    one, or a Service selects their pods."""
    found = []
    for workload in live_k8s.workloads(ctx, *live_k8s.LONG_RUNNING_KINDS):
        selected = bool(live_k8s.services_of(ctx, workload))
        for item in workload["containers"]:
            if not item["init"] and (item["container"].get("ports") or selected):
                found.append((workload, item))
    return found


def _live_port_from_env(ctx: CheckContext) -> Outcome:
    """The port running containers listen on: a port variable, or a literal in the command."""
    serving = _live_serving_containers(ctx)
    if not serving:
        return live_k8s.not_found("container serving a port")
    from_env, hardcoded = [], []
    for workload, item in serving:
        container = item["container"]
        words = [*(container.get("command") or []), *(container.get("args") or [])]
        command = " ".join(str(w) for w in words)
        names = [a or b for a, b in _K8S_VAR_IN_COMMAND.findall(command)]
        if any(is_port_variable(n) for n in names):
            pointer = f"{item['pointer']}/{'args' if container.get('args') else 'command'}"
            from_env.append(live_k8s.evidence(ctx, workload, pointer, command))
            continue
        for i, env in enumerate(container.get("env") or []):
            if isinstance(env, dict) and is_port_variable(str(env.get("name") or "")):
                pointer = f"{item['pointer']}/env/{i}"
                value = env.get("value", "from a reference")
                from_env.append(live_k8s.evidence(ctx, workload, pointer, f"{env['name']}={value}"))
                break
        else:
            if _HARDCODED_IN_COMMAND.search(command):
                hardcoded.append(live_k8s.evidence(ctx, workload, item["pointer"], command))
    if from_env:
        return Outcome.passed(
            "Running containers get their listen port from the environment.", from_env[:5]
        )
    if hardcoded:
        return Outcome.failed(
            "Running containers are started with a literal listen port and no port variable.",
            hardcoded[:5],
        )
    return Outcome.unknown(
        "Running containers set no port variable; where the app takes its port from is not "
        "visible in the cluster."
    )


@check("port.from-env")
@live_k8s.with_kubernetes(_live_port_from_env, policy="best")
def port_from_env(ctx: CheckContext) -> Outcome:
    finding = server_finding(ctx)
    if finding.kind in ("worker", "none"):
        return Outcome.not_applicable("No web server was found; there is no listen port.")
    if not finding.binds_port:
        return Outcome.not_applicable(
            "The port belongs to an external server (app server, Apache or php-fpm), not the app."
        )
    from_env = _env_port_evidence(ctx) + _framework_env_port(ctx)
    if from_env:
        return Outcome.passed("The listen port is read from the environment.", from_env[:5])
    hardcoded = _hardcoded_port_evidence(ctx)
    if hardcoded:
        return Outcome.failed(
            f"The listen port is hard-coded ({len(hardcoded)} place(s)) and no port variable "
            "is read from the environment.",
            hardcoded[:5],
        )
    return Outcome.unknown("The repository does not show where the listen port comes from.")


def _declared_ports(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for dockerfile in d.production_dockerfiles(ctx):
        for item in dockerfile.get("instructions", []):
            if item["instruction"] == "EXPOSE":
                evidence.append(
                    ctx.evidence(dockerfile["path"], item["line"], f"EXPOSE {item['value']}")
                )
    for workload in d.workloads(ctx):
        for c in workload["containers"]:
            if not c["init"] and c["container"].get("ports"):
                evidence.append(
                    ctx.evidence(
                        workload["path"],
                        d.line_of(workload["entry"], f"{c['pointer']}/ports"),
                        f"{workload['kind']}/{workload['name']} ports",
                    )
                )
    for task in d.ecs_task_definitions(ctx):
        for container in task["containers"]:
            if isinstance(container, dict) and (
                container.get("portMappings") or container.get("PortMappings")
            ):
                evidence.append(ctx.evidence(task["path"], task.get("line"), "portMappings"))
    for service in d.compose_services(ctx):
        body = service["service"]
        if body.get("build") and (body.get("ports") or body.get("expose")):
            line = d.line_of(service["entry"], service["pointer"])
            evidence.append(ctx.evidence(service["path"], line, f"service {service['name']} ports"))
    return evidence


def _inherited_expose(ctx: CheckContext) -> list[Evidence]:
    """Server base images (nginx, tomcat, php:apache...) declare their port themselves."""
    evidence = []
    for dockerfile in d.production_dockerfiles(ctx):
        stage = _final_stage(dockerfile)
        if stage and (
            _image_name(stage) in APP_SERVER_IMAGES | STATIC_SERVER_IMAGES
            or (_image_name(stage) == "php" and (stage.get("from") or {}).get("tag"))
        ):
            raw = (stage.get("from") or {}).get("raw", "")
            evidence.append(ctx.evidence(dockerfile["path"], stage.get("line"), raw))
    return evidence


def _live_port_declared(ctx: CheckContext) -> Outcome:
    """``containerPort`` of running containers; a Service in front of a pod that declares none."""
    declared = _declared_ports(live_k8s.view(ctx))
    if declared:
        return Outcome.passed(
            f"Running containers declare the ports they serve ({len(declared)} workload(s)).",
            declared[:5],
        )
    undeclared = [
        live_k8s.evidence(ctx, w, f"{w['pod_pointer']}/containers", f"{w['kind']}/{w['name']}")
        for w in live_k8s.workloads(ctx, *live_k8s.LONG_RUNNING_KINDS)
        if live_k8s.services_of(ctx, w)
    ]
    if undeclared:
        return Outcome.failed(
            "A Service routes traffic to running pods whose containers declare no port.",
            undeclared[:5],
        )
    return live_k8s.not_found("declared container port")


def _aws_port_declared(ctx: CheckContext) -> Outcome:
    """``portMappings`` of the live ECS containers (workers without one say nothing)."""
    mapped = []
    for item in live_aws.containers(ctx, essential_only=True):
        ports = [str(p.get("container_port")) for p in item["container"].get("port_mappings") or []]
        if ports:
            pointer = f"{item['pointer']}/port_mappings"
            excerpt = f"{item['name']}: portMappings {', '.join(ports)}"
            mapped.append(live_aws.evidence(item["service"], pointer, excerpt))
    if mapped:
        return Outcome.passed(
            f"Live ECS containers declare the ports they serve ({len(mapped)} container(s)).",
            mapped[:5],
        )
    return live_aws.not_found("ECS container port mapping")


@check("port.declared")
@live_k8s.with_kubernetes(_live_port_declared, policy="best")
@live_aws.with_aws(_aws_port_declared, policy="best")
def port_declared(ctx: CheckContext) -> Outcome:
    declared = _declared_ports(ctx)
    if declared:
        return Outcome.passed(
            f"The served port is declared ({len(declared)} place(s)).", declared[:5]
        )
    inherited = _inherited_expose(ctx)
    if inherited:
        return Outcome.passed(
            "The server base image declares the port it serves (EXPOSE).", inherited[:5]
        )
    finding = server_finding(ctx)
    if finding.kind in ("worker", "none"):
        if finding.kind == "none":
            return Outcome.unknown("No server and no declared port were found.")
        return Outcome.not_applicable("The service runs workers only; it serves no port.")
    return Outcome.failed(
        "A web server was found but no port is declared (no EXPOSE, containerPort, ECS "
        "portMappings or compose ports).",
        finding.evidence[:3],
    )
