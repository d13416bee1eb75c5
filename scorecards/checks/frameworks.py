"""What the checks know about frameworks and servers: how each is recognised and what its
documented defaults decide (catalogue decision 2: framework knowledge counts as evidence).

One table, :data:`FRAMEWORKS`. A default is ``None`` when the framework leaves that property
to the app (an Express app must call ``listen`` and handle SIGTERM itself). Checks ask
:func:`defaults` for the frameworks seen in a service that settle a property; the evidence
names the dependency, command or code line seen and the default relied on.
``docs/checks-guide.md`` renders the table (:func:`markdown_table`; a test keeps it in sync).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorecards.checks import deployables as d
from scorecards.checks.context import CheckContext
from scorecards.checks.results import Evidence

PROPERTIES = ("binds_port", "port_from_env", "logs_stdout", "graceful_shutdown", "config_env")
PROPERTY_TITLES = {
    "binds_port": "Port binding",
    "port_from_env": "Port from env",
    "logs_stdout": "Logs to stdout",
    "graceful_shutdown": "Graceful shutdown",
    "config_env": "Config from env",
}


@dataclass(frozen=True)
class Framework:
    """One framework or server. Detection: ``dependencies`` (manifest names, Maven/Gradle by
    artifact), ``commands`` (start-command patterns), ``servers`` (``server.self`` signal names
    and ``env.framework`` names found in code), ``sdk`` (.NET project SDK)."""

    key: str
    name: str
    ecosystem: str
    dependencies: frozenset[str] = frozenset()
    commands: tuple[str, ...] = ()
    servers: frozenset[str] = frozenset()
    sdk: str | None = None
    binds_port: str | None = None
    port_from_env: str | None = None
    logs_stdout: str | None = None
    graceful_shutdown: str | None = None
    config_env: str | None = None
    # (property, minimum "major.minor") for defaults introduced by a release.
    since: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Dependencies count only in manifests of this ecosystem (a bare name such as ``config``
    # is a different package in each registry).
    manifest_ecosystem: str | None = None

    def default(self, prop: str) -> str | None:
        return getattr(self, prop)


_SPRING_WEB = frozenset({
    # Spring Boot 1-3 and 4 (which splits spring-boot-starter-web into -webmvc) web starters,
    # and the embedded servers they pull in.
    "spring-boot-starter-web", "spring-boot-starter-webmvc", "spring-boot-starter-webflux",
    "spring-boot-starter-jersey", "spring-boot-starter-tomcat", "spring-boot-starter-jetty",
    "spring-boot-starter-undertow", "spring-boot-starter-reactor-netty",
})  # fmt: skip

_UWSGI_HTTP = r"\buwsgi\b[^\n]*--http(?:-socket)?\b"

FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        "django", "Django", "python", frozenset({"django"}),
        config_env=None,
    ),
    Framework(
        "flask", "Flask", "python", frozenset({"flask"}),
        logs_stdout="Flask's default handler writes to the WSGI error stream (stderr)",
    ),
    Framework(
        "fastapi", "FastAPI (fastapi run)", "python", commands=(r"\bfastapi\s+run\b",),
        binds_port="`fastapi run` serves the app with uvicorn on its own port",
        graceful_shutdown="`fastapi run` (uvicorn) drains in-flight requests on SIGTERM",
    ),
    Framework(
        "pydantic-settings", "pydantic-settings", "python",
        frozenset({"pydantic-settings"}), servers=frozenset({"pydantic-settings"}),
        config_env="BaseSettings fields are read from environment variables",
    ),
    Framework(
        "uvicorn", "uvicorn", "python", frozenset({"uvicorn"}), (r"\buvicorn\b",),
        frozenset({"uvicorn"}),
        binds_port="uvicorn binds its own socket",
        graceful_shutdown="uvicorn stops accepting and finishes in-flight requests on SIGTERM",
    ),
    Framework(
        "gunicorn", "gunicorn", "python", frozenset({"gunicorn"}), (r"\bgunicorn\b",),
        binds_port="gunicorn binds its own socket",
        logs_stdout="gunicorn's error log goes to stderr by default",
        graceful_shutdown="gunicorn lets workers finish requests on SIGTERM (graceful_timeout)",
    ),
    Framework(
        "uwsgi", "uWSGI (http-socket)", "python", commands=(_UWSGI_HTTP,),
        servers=frozenset({"uwsgi"}),
        binds_port="uWSGI `http-socket` serves HTTP on its own port",
    ),
    Framework(
        "express", "Express", "node", frozenset({"express"}),
        binds_port="an Express app binds its port with app.listen",
    ),
    Framework(
        "nest", "NestJS", "node", frozenset({"@nestjs/core", "@nestjs/platform-express"}),
        binds_port="NestFactory apps bind their port with app.listen",
        config_env="@nestjs/config loads process.env into ConfigService",
    ),
    Framework(
        "next", "Next.js", "node", frozenset({"next"}), (r"\bnext\s+start\b",),
        binds_port="`next start` binds its own port",
        port_from_env="`next start` listens on $PORT",
    ),
    Framework(
        "node-env-schema", "convict / envalid / env-var", "node",
        frozenset({"convict", "envalid", "env-var"}), servers=frozenset({"envalid"}),
        config_env="settings are declared in a schema filled from process.env",
    ),
    Framework(
        "spring-boot", "Spring Boot", "java", _SPRING_WEB,
        binds_port="the web starter embeds Tomcat/Netty/Jetty, which binds server.port (8080)",
        port_from_env="relaxed binding maps SERVER_PORT to server.port",
        logs_stdout="Spring Boot logs to the console unless logging.file.* is set",
        graceful_shutdown="server.shutdown=graceful is the default since Spring Boot 3.4",
        config_env="relaxed binding and @Value resolve properties from environment variables",
        since={"graceful_shutdown": (3, 4)},
    ),
    Framework(
        "aspnet-core", "ASP.NET Core", "dotnet",
        frozenset({"microsoft.aspnetcore.app", "microsoft.aspnetcore"}),
        servers=frozenset({"aspnet", "aspnet-core"}), sdk="Microsoft.NET.Sdk.Web",
        binds_port="Kestrel binds its own port",
        port_from_env="Kestrel reads ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS",
        logs_stdout="the default host logs to the console provider",
        graceful_shutdown="the generic host drains on SIGTERM (HostOptions.ShutdownTimeout)",
        config_env="IConfiguration includes environment variables by default",
    ),
    Framework(
        "rails", "Rails", "ruby", frozenset({"rails", "railties"}),
        (r"\brails\s+s(?:erver)?\b",), frozenset({"rails-erb"}),
        binds_port="`rails server` runs Puma on its own port",
        port_from_env="`rails server` and the generated config/puma.rb read PORT",
        logs_stdout="production logs to STDOUT (Rails 7.1+ default; RAILS_LOG_TO_STDOUT before)",
        config_env="Active Record reads DATABASE_URL from the environment",
    ),
    Framework(
        "puma", "Puma", "ruby", frozenset({"puma"}), (r"\bpuma\b",),
        binds_port="Puma binds its own socket",
        graceful_shutdown="Puma finishes in-flight requests on SIGTERM",
    ),
    Framework(
        "laravel", "Laravel", "php", frozenset({"laravel/framework"}),
        config_env="config/*.php read settings with env()",
    ),
    Framework(
        "go-net-http", "Go net/http", "go", servers=frozenset({"go_http"}),
        binds_port="http.ListenAndServe binds the port",
    ),
    Framework(
        "gin", "gin", "go", frozenset({"github.com/gin-gonic/gin"}), servers=frozenset({"gin"}),
        binds_port="gin's Run binds the port",
    ),
    Framework(
        "viper", "viper", "go", frozenset({"github.com/spf13/viper"}),
        port_from_env="the listen address is a viper key, which environment variables override",
        config_env="viper resolves keys from environment variables (AutomaticEnv/BindEnv)",
    ),
    Framework(
        "ardanlabs-conf", "ardanlabs/conf", "go",
        frozenset({"github.com/ardanlabs/conf", "github.com/ardanlabs/conf/v2",
                   "github.com/ardanlabs/conf/v3"}),
        port_from_env="conf.Parse fills the listen host from <PREFIX>_WEB_* environment variables",
        config_env="conf.Parse reads every field from environment variables",
    ),
    Framework(
        "actix", "actix-web", "rust", frozenset({"actix-web"}), servers=frozenset({"actix"}),
        binds_port="HttpServer::bind binds the port",
        graceful_shutdown="actix-web's HttpServer drains on SIGTERM (30 s by default)",
    ),
    Framework(
        "axum", "axum", "rust", frozenset({"axum"}), servers=frozenset({"axum"}),
        binds_port="axum::serve binds a TcpListener the app opens",
    ),
    Framework(
        "rocket", "Rocket", "rust", frozenset({"rocket"}), servers=frozenset({"rocket"}),
        binds_port="rocket::build().launch() binds its own port",
        port_from_env="ROCKET_PORT overrides Rocket.toml (figment)",
        graceful_shutdown="Rocket 0.5 stops accepting and drains on SIGTERM/SIGINT (grace 2 s)",
        since={"graceful_shutdown": (0, 5)},
    ),
    Framework(
        "config-rs", "config (Rust crate)", "rust", frozenset({"config"}),
        port_from_env="settings layered with config::Environment come from environment variables",
        config_env="config::Environment overlays environment variables on the settings files",
        manifest_ecosystem="rust",
    ),
)  # fmt: skip
BY_KEY = {f.key: f for f in FRAMEWORKS}


@dataclass(frozen=True)
class Seen:
    framework: Framework
    path: str
    line: int | None
    what: str  # the dependency, command or code that showed it
    version: str | None = None


def _version(spec: object) -> tuple[int, int] | None:
    found = re.match(r"^\D*+(\d++)\.(\d++)", str(spec or "")[:200])
    return (int(found[1]), int(found[2])) if found else None


def seen(ctx: CheckContext) -> list[Seen]:
    """Every framework of the table that the service shows, first sighting each."""
    return ctx.memo("frameworks.seen", lambda: _seen(ctx))


def _seen(ctx: CheckContext) -> list[Seen]:
    found: dict[str, Seen] = {}

    def add(item: Seen) -> None:
        found.setdefault(item.framework.key, item)

    commands = d.start_commands(ctx)
    server_signals = [*d.signals(ctx, "server.self"), *d.signals(ctx, "env.framework")]
    port_settings = d.signals(ctx, "server.port-setting")
    for framework in FRAMEWORKS:
        for manifest, dep in d.dependency_hits(ctx, framework.dependencies):
            if framework.manifest_ecosystem not in (None, manifest.get("ecosystem")):
                continue
            add(Seen(framework, manifest["path"], dep.get("line"), dep["name"], dep.get("spec")))
        for manifest in d.manifests(ctx):
            sdk = str((manifest.get("details") or {}).get("sdk") or "")
            if framework.sdk and sdk == framework.sdk:
                add(Seen(framework, manifest["path"], 1, f"Sdk={sdk}"))
        for command in commands:
            if any(re.search(p, command["command"]) for p in framework.commands):
                add(Seen(framework, command["path"], command["line"], command["command"]))
        for signal in server_signals:
            detail = signal.get("detail") or {}
            if {detail.get("server"), detail.get("framework")} & framework.servers:
                add(Seen(framework, signal["path"], signal["line"], signal["excerpt"]))
        for signal in port_settings:
            if (signal.get("detail") or {}).get("setting") in framework.servers:
                add(Seen(framework, signal["path"], signal["line"], signal["excerpt"]))
    _add_spring_version(ctx, found)
    return list(found.values())


def _add_spring_version(ctx: CheckContext, found: dict[str, Seen]) -> None:
    """Spring Boot's version comes from the parent POM, not the starter (Gradle's plugin
    version is not parsed: there the version-bound defaults are not relied on)."""
    item = found.get("spring-boot")
    if item is None or _version(item.version):
        return
    for manifest in d.manifests(ctx):
        parent = str((manifest.get("details") or {}).get("parent") or "")
        if "spring-boot" in parent:
            version = parent.rsplit(":", 1)[-1]
            found["spring-boot"] = Seen(item.framework, item.path, item.line, item.what, version)
            return


def applies(item: Seen, prop: str) -> bool:
    """The framework's default settles ``prop`` (and its version has it, when that matters)."""
    if item.framework.default(prop) is None:
        return False
    minimum = item.framework.since.get(prop)
    if minimum is None:
        return True
    version = _version(item.version)
    return version is not None and version >= minimum


def defaults(ctx: CheckContext, prop: str) -> list[tuple[Seen, Evidence]]:
    """Frameworks seen whose documented default settles ``prop``, with evidence for each."""
    return [
        (item, ctx.evidence(item.path, item.line, f"{item.what}: {item.framework.default(prop)}"))
        for item in seen(ctx)
        if applies(item, prop)
    ]


# Servers documented to stop at once on SIGTERM unless the app closes them (server.close,
# Server.Shutdown, enableShutdownHooks, with_graceful_shutdown). Others whose behaviour
# depends on the version or the start command (Next.js, Flask) are not judged by default.
NO_SIGTERM_DRAIN = frozenset({"express", "nest", "go-net-http", "gin", "axum"})


def leaving_to_app(ctx: CheckContext, prop: str) -> list[Seen]:
    """Frameworks seen that bind a port but leave ``prop`` to the application's code."""
    known = (
        NO_SIGTERM_DRAIN if prop == "graceful_shutdown" else frozenset(f.key for f in FRAMEWORKS)
    )
    return [
        item
        for item in seen(ctx)
        if item.framework.binds_port
        and not applies(item, prop)
        and (item.framework.key in known or _known_older(item, prop))
    ]


def _known_older(item: Seen, prop: str) -> bool:
    """A version-bound default (Spring Boot's graceful shutdown) on a release known to lack it."""
    return prop in item.framework.since and _version(item.version) is not None


def ecosystems(ctx: CheckContext) -> list[str]:
    """Remediation ecosystems of the frameworks seen, in table order of first sighting."""
    return list(dict.fromkeys(item.framework.ecosystem for item in seen(ctx)))


def markdown_table() -> str:
    """The table as Markdown, for docs/checks-guide.md."""
    head = ["Framework / server", "Ecosystem", "Detected by", *PROPERTY_TITLES.values()]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in FRAMEWORKS:
        detected = [*sorted(f.dependencies), *(f"`{c}`" for c in _command_names(f))]
        detected += [f"code: {s}" for s in sorted(f.servers)] + ([f"Sdk={f.sdk}"] if f.sdk else [])
        cells = [f.name, f.ecosystem, ", ".join(detected) or "—"]
        cells += [_cell(f, prop) for prop in PROPERTIES]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def _command_names(framework: Framework) -> list[str]:
    readable = {
        r"\bfastapi\s+run\b": "fastapi run",
        _UWSGI_HTTP: "uwsgi --http-socket",
        r"\buvicorn\b": "uvicorn",
        r"\bgunicorn\b": "gunicorn",
        r"\bnext\s+start\b": "next start",
        r"\brails\s+s(?:erver)?\b": "rails server",
        r"\bpuma\b": "puma",
    }
    return [readable.get(c, c) for c in framework.commands]


def _cell(framework: Framework, prop: str) -> str:
    text = framework.default(prop)
    if text is None:
        return "left to the app"
    minimum = framework.since.get(prop)
    return f"{text} (from {minimum[0]}.{minimum[1]})" if minimum else text
