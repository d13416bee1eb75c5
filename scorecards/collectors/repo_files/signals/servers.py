"""Servers the application starts itself, and the settings that pick their port.

``server.self``: code that binds a port itself (``app.listen(...)``, ``http.ListenAndServe``,
``uvicorn.run``, ``SpringApplication.run``, ``WebApplication.CreateBuilder``, actix
``HttpServer::new``...), ``detail = {"server": name, "port": "3000" | None, "env": bool}`` --
``port`` is a literal port written on the line, ``env`` says the line reads the environment.
``server.port-setting``: a server's port or bind address in its config file (Spring
``server.port``, puma ``port``, gunicorn ``bind``), ``detail = {"setting", "port", "env"}``.
``server.supervisord-nodaemon``: ``nodaemon=true`` in a supervisord configuration file.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

# Which server each alternative names; the group names are the keys.
_SELF_FORMS = {
    # Python
    "flask": r"\b(?:app|application|server)\.run\(\s*(?!main\b)",
    "uvicorn": r"\buvicorn\.run\(",
    "hypercorn": r"\bhypercorn\.asyncio\.serve\(|\bfrom\s+hypercorn\.asyncio\s+import\s+serve\b",
    "waitress": r"\bwaitress\.serve\(|\bfrom\s+waitress\s+import\s+serve\b",
    "aiohttp": r"\bweb\.run_app\(",
    "http_server": r"\b(?:http\.server\.)?(?:ThreadingHTTPServer|HTTPServer)\(\s*\(|"
    r"\bsocketserver\.(?:Threading)?TCPServer\(|\bsimple_server\.make_server\(",
    "socketio": r"\bsocketio\.run\(",
    # JavaScript / TypeScript
    "node_listen": r"\b(?:app|server|srv|httpServer|httpsServer|fastify|instance|api|application|"
    r"nestApp|expressApp|service|webServer)\.listen\(",
    "node_http": r"\b(?:http2?|https)\.createServer\(",
    "deno": r"\bDeno\.serve\(|\bBun\.serve\(",
    # Go
    "go_http": r"\bhttp\.ListenAndServe(?:TLS)?\(|\.ListenAndServe(?:TLS)?\(\)|"
    r"\bnet\.Listen\(\s*\"tcp",
    # JVM
    "ktor": r"\bembeddedServer\(",
    "javalin": r"\bJavalin\.create\(|\bJavalin\.start\(",
    "vertx": r"\.createHttpServer\(",
    "jdk_http": r"\bHttpServer\.create\(",
    "helidon": r"\bWebServer\.(?:builder|create)\(",
    # .NET
    "aspnet": r"\bWebApplication\.Create(?:Slim)?Builder\(|\bWebHost\.CreateDefaultBuilder\(|"
    r"\.UseKestrel\(|\.ConfigureWebHostDefaults\(",
    # Rust
    "actix": r"\bHttpServer::new\(",
    "axum": r"\baxum::serve\(|\baxum::Server::bind\(",
    "warp": r"\bwarp::serve\(",
    "rocket": r"\brocket::build\(\)|#\[(?:rocket::)?launch\]",
    "hyper": r"\bhyper::Server::bind\(|\bServer::bind\(",
    "tcp_listener": r"\bTcpListener::bind\(",
    # Elixir / PHP
    "phoenix": r"\buse\s+Phoenix\.Endpoint\b|\bPlug\.Cowboy\b|\{\s*Bandit\s*,",
    "swoole": r"\bnew\s+\\?(?:Swoole|OpenSwoole)\\Http\\Server\(",
}
# Go router forms, read in Go files only: ``app.Run()`` is also how an ASP.NET Core app starts.
_GO_SELF_FORMS = {
    "gin": r"\b(?:r|router|engine|g|app|server|srv)\.Run\(\s*(?:\"|\)|fmt\.|addr|port|\w*[Aa]ddr)",
    "echo": r"\b(?:e|echo|app|server|srv)\.Start\(\s*(?:\"|fmt\.|addr|port|\w*[Aa]ddr)",
    "fiber": r"\b(?:app|server|srv)\.Listen\(",
}
_SELF_LANGUAGES = frozenset({
    "python", "javascript", "typescript", "go", "java", "kotlin", "scala", "groovy", "csharp",
    "fsharp", "rust", "elixir", "php",
})  # fmt: skip
# Reads of the environment on the same line: process.env.PORT, os.Getenv("PORT"), ENV["PORT"]...
_ENV_ON_LINE = re.compile(
    r"process\.env|os\.(?:environ|getenv|Getenv|LookupEnv)|environ\.get|System\.getenv|"
    r"Environment\.GetEnvironmentVariable|\bENV\[|ENV\.fetch|env::var|System\.get_env|getenv\(|"
    r"Deno\.env|\$\{?[A-Z_]*PORT",
)
_LITERAL_PORT = re.compile(r"""(?:^|[\s(,:"'=])(\d{2,5})\b(?!\s*\.)""")
_PORT_WORD = re.compile(r"port\s*[=:]\s*(\d{2,5})\b", re.IGNORECASE)


def _self_pattern(forms: dict[str, str] = _SELF_FORMS) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in forms.items())


def _server_detail(match: re.Match[str], line: str) -> dict | None:
    server = next(name for name, value in match.groupdict().items() if value is not None)
    rest = line[match.start() :]
    if server == "node_listen" and not re.search(r"\.listen\(\s*[\w\"'`{(]", rest):
        return None  # `.listen()` with nothing to bind (event emitters, watchers)
    # gin's Run() with no address listens on $PORT (":8080" when unset).
    gin_default = server == "gin" and re.match(r"^(?:\w++\.)*+Run\(\s*\)", rest) is not None
    return {
        "server": server,
        "port": _literal_port(server, rest),
        "env": gin_default or bool(_ENV_ON_LINE.search(line)),
    }


def _literal_port(server: str, rest: str) -> str | None:
    """The literal port of the call, when one is written on the line (``listen(3000)``)."""
    keyword = _PORT_WORD.search(rest)
    if keyword:
        return keyword.group(1)
    call = rest[rest.find("(") + 1 :] if "(" in rest else rest
    if server in {"node_listen", "fiber", "gin", "echo", "go_http", "javalin", "ktor"}:
        literal = _LITERAL_PORT.match(call) or re.match(r"""^\s*+["'`]?[\w.]*+:(\d{2,5})\b""", call)
        if literal:
            return literal.group(1)
    return None


# Config files that set a server's port: key, then value.
_PORT_SETTING_FORMS = {
    "spring": r"^\s*server\.port\s*[=:]\s*(?P<spring>\S.*)$",
    "puma": r"^\s*port\s+(?P<puma>\S.*)$",
    "gunicorn": r"^\s*bind\s*=\s*(?P<gunicorn>\S.*)$",
    # uWSGI serves HTTP itself with http-socket (or its http router); socket= is uwsgi protocol
    # behind a web server, so it is not matched.
    "uwsgi": r"^\s*(?:http-socket|http)\s*[=:]\s*(?P<uwsgi>\S.*)$",
}
_PORT_SETTING_FILES = (
    r"(?i)((^|/)(application|bootstrap)[\w.-]*\.(properties|ya?ml)"
    r"|(^|/)puma\.rb|(^|/)gunicorn[\w.-]*\.py|(^|/)gunicorn\.conf|(^|/)uwsgi[\w.-]*\.(ini|ya?ml))$"
)


def _port_setting_pattern() -> str:
    return "|".join(f"(?P<_{name}>{body})" for name, body in _PORT_SETTING_FORMS.items())


def _port_setting_detail(match: re.Match[str], line: str) -> dict | None:
    setting = next(name for name in _PORT_SETTING_FORMS if match.group(name) is not None)
    value = match.group(setting)
    literal = re.search(r"(?<![\w$])(\d{2,5})\b", value)
    # Any environment lookup, including project helpers such as `_env_int("PORT", 8000)`.
    env = bool(
        _ENV_ON_LINE.search(value) or re.search(r"(?i)\$\{|\$\(|env|['\"][A-Z_]*PORT['\"]", value)
    )
    return {"setting": setting, "port": literal.group(1) if literal else None, "env": env}


RULES = [
    SignalRule(
        id="server.self",
        languages=_SELF_LANGUAGES - {"go"},
        pattern=_self_pattern(),
        detail=_server_detail,
    ),
    SignalRule(
        id="server.self",
        languages=frozenset({"go"}),
        pattern=_self_pattern({**_SELF_FORMS, **_GO_SELF_FORMS}),
        detail=_server_detail,
    ),
    SignalRule(
        id="server.port-setting",
        languages=frozenset({"properties", "yaml", "ruby", "python", "conf", "ini"}),
        pattern=_port_setting_pattern(),
        detail=_port_setting_detail,
        files=_PORT_SETTING_FILES,
    ),
    # ``const port = 3001;`` ... ``app.listen(port)``: the literal is a line above the call.
    SignalRule(
        id="server.port-literal",
        languages=frozenset({"javascript", "typescript"}),
        pattern=r"^\s*(?:export\s+)?(?:const|let|var)\s+(?:port|PORT)\s*(?::\s*number\s*)?="
        r"\s*(?P<port>\d{2,5})\s*;?\s*(?://.*)?$",
        detail=lambda match, line: {"port": match.group("port")},
    ),
    SignalRule(
        id="server.port-literal",
        languages=frozenset({"python"}),
        pattern=r"^(?:port|PORT)\s*=\s*(?P<port>\d{2,5})\s*(?:#.*)?$",
        detail=lambda match, line: {"port": match.group("port")},
    ),
    SignalRule(
        id="server.supervisord-nodaemon",
        languages=frozenset({"conf", "ini"}),
        pattern=r"^\s*nodaemon\s*=\s*true\b",
        flags=re.IGNORECASE,
    ),
]
