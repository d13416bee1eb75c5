"""How the application handles SIGTERM: signal handlers and graceful-shutdown settings.

``shutdown.handler``: code that handles a termination signal or drains on shutdown
(``signal.signal(signal.SIGTERM, ...)``, ``process.on('SIGTERM')``, Go ``signal.Notify`` with
SIGTERM, ``addShutdownHook``, ``IHostApplicationLifetime``, Ruby ``trap("TERM")``, Rust
``SignalKind::terminate``, ``srv.Shutdown(ctx)``...), ``detail = {"how": form}``.
``shutdown.setting``: a server's graceful-shutdown setting in its config file (Spring
``server.shutdown=graceful``, gunicorn ``graceful_timeout``), ``detail = {"setting": name}``.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_TERM = r"(?:SIG)?TERM\b|SIGINT\b"
_HANDLER_FORMS = {
    # Python
    "py_signal": r"\bsignal\.signal\(\s*(?:signal\.)?SIG(?:TERM|INT)\b",
    "py_loop": r"\.add_signal_handler\(\s*(?:signal\.)?SIG(?:TERM|INT)\b",
    # JavaScript / TypeScript
    "node_process": r"""\bprocess\.(?:on|once|addListener)\(\s*["'`]SIG(?:TERM|INT)["'`]""",
    "nest_hooks": r"\.enableShutdownHooks\(",
    # Go
    "go_notify": r"\bsignal\.Notify(?:Context)?\([^)]*\bSIGTERM\b|\bsyscall\.SIGTERM\b",
    "go_shutdown": r"\.Shutdown\(\s*(?:ctx|context\.|shutdownCtx|timeoutCtx|c\b)",
    # JVM
    "jvm_hook": r"\.addShutdownHook\(|@PreDestroy\b",
    # .NET
    "dotnet_lifetime": r"\bIHostApplicationLifetime\b|\bApplicationStopping\b|"
    r"\bAppDomain\.CurrentDomain\.ProcessExit\b|\bAssemblyLoadContext\.Default\.Unloading\b",
    # Ruby
    "ruby_trap": rf"""\b(?:Signal\.)?trap\(\s*["':](?:{_TERM})""",
    # Rust
    "rust_signal": r"\bSignalKind::terminate\(\)|\.with_graceful_shutdown\(",
    # PHP
    "php_pcntl": r"\bpcntl_signal\(\s*SIG(?:TERM|INT)\b",
}
_HANDLER_LANGUAGES = frozenset({
    "python", "javascript", "typescript", "go", "java", "kotlin", "scala", "groovy", "csharp",
    "fsharp", "vb", "ruby", "rust", "php",
})  # fmt: skip

_SETTING_FORMS = {
    "spring": r"^\s*server\.shutdown\s*[=:]\s*[\"']?graceful\b|^\s*shutdown\s*:\s*[\"']?graceful\b",
    "spring_phase": r"\btimeout-per-shutdown-phase\s*[=:]",
    "gunicorn": r"^\s*graceful_timeout\s*=",
}
_SETTING_FILES = (
    r"(?i)((^|/)(application|bootstrap)[\w.-]*\.(properties|ya?ml)|(^|/)gunicorn[\w.-]*\.py"
    r"|(^|/)gunicorn\.conf)$"
)


def _named_pattern(forms: dict[str, str]) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in forms.items())


def _first_group(match: re.Match[str]) -> str:
    return next(name for name, value in match.groupdict().items() if value is not None)


def _handler_detail(match: re.Match[str], line: str) -> dict | None:
    return {"how": _first_group(match)}


def _setting_detail(match: re.Match[str], line: str) -> dict | None:
    return {"setting": _first_group(match)}


RULES = [
    SignalRule(
        id="shutdown.handler",
        languages=_HANDLER_LANGUAGES,
        pattern=_named_pattern(_HANDLER_FORMS),
        detail=_handler_detail,
    ),
    SignalRule(
        id="shutdown.setting",
        languages=frozenset({"properties", "yaml", "python", "conf"}),
        pattern=_named_pattern(_SETTING_FORMS),
        detail=_setting_detail,
        files=_SETTING_FILES,
    ),
]
