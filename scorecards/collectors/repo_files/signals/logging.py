"""Where logs go and in which shape.

``logging.file``: the application writes its logs to a file it manages (a file handler,
appender or transport, a start command redirecting output to a file), ``detail = {"library":
name}``. ``logging.stdout``: logs explicitly sent to stdout/stderr. ``logging.structured``:
a structured (JSON) logger or formatter, ``detail = {"library": name}``.

Each rule is one regular expression whose alternatives are named groups; the detail function
reports the name of the alternative that matched.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_PYTHON = frozenset({"python"})
_JS = frozenset({"javascript", "typescript"})
_JVM = frozenset({"java", "kotlin", "scala", "groovy"})
_DOTNET = frozenset({"csharp", "fsharp", "vb"})

# Java logging configuration files (logback, log4j, log4j2) and Spring Boot application config.
_JAVA_LOG_CONFIG = r"(?i)(^|/)(logback|log4j2?)[\w.-]*\.(xml|properties|ya?ml|json)$"
_SPRING_CONFIG = r"(?i)(^|/)(application|bootstrap)[\w.-]*\.(properties|ya?ml)$"
_DOTNET_SETTINGS = r"(?i)(^|/)appsettings[\w.-]*\.json$"
# Scripts and configs that start the service: entrypoints, start scripts, server configs.
_START_SCRIPTS = r"(?i)(^|/)([\w-]*entrypoint[\w.-]*|start[\w.-]*|run[\w.-]*|boot[\w.-]*)\.sh$"
_Q = r"""["'`]"""


def _alternatives(forms: dict[str, str]) -> str:
    """One pattern of named alternatives; group names are the dict keys."""
    return "|".join(f"(?P<{name}>{body})" for name, body in forms.items())


def _named_detail(key: str = "library"):
    """Detail function reporting which named alternative matched."""

    def detail(match: re.Match[str], line: str) -> dict | None:
        name = next((k for k, v in match.groupdict().items() if v is not None), None)
        return {key: _LABELS.get(name, name)} if name else None

    return detail


def _fixed_detail(detail: dict):
    """Detail function returning the same detail for every match."""

    def fixed(match: re.Match[str], line: str) -> dict | None:
        return dict(detail)

    return fixed


# Group names must be identifiers; these give the human names shown in evidence.
_LABELS = {
    "py_handler": "logging file handler",
    "py_basic_config": "basicConfig with a filename",
    "py_dict_config": "logging file handler (dictConfig)",
    "loguru_file": "loguru file sink",
    "gunicorn_conf": "gunicorn log file",
    "winston_file": "winston File transport",
    "daily_rotate": "winston daily rotate file",
    "pino_file": "pino file destination",
    "log_path": "log file stream",
    "log4js_file": "log4js file appender",
    "write_stream": "log file write stream",
    "logback_file": "logback file appender",
    "log4j2_file": "log4j2 file appender",
    "log4j_file": "log4j file appender",
    "spring_file": "Spring Boot logging.file",
    "lumberjack": "lumberjack",
    "go_open_log": "log file opened with os.OpenFile",
    "ruby_logger": "Ruby Logger to a file",
    "monolog_file": "Monolog file handler",
    "serilog_file": "Serilog file sink",
    "serilog_settings": "Serilog file sink (appsettings)",
    "nlog_file": "NLog file target",
}

# File sinks written in code, per language family (a rule only reads its own languages, so the
# pattern tables of this very module, written in Python, never match the Node.js or Go forms).
_FILE_FORMS_BY_FAMILY: dict[str, tuple[frozenset[str], dict[str, str]]] = {
    "python": (
        _PYTHON,
        {
            "py_handler": r"\b(?:logging\.)?(?:handlers\.)?(?:Timed)?(?:Rotating|Watched)?"
            r"FileHandler\(",
            "py_basic_config": r"\bbasicConfig\([^)]*\bfilename\s*=",
            "py_dict_config": rf"{_Q}class{_Q}\s*:\s*{_Q}logging\.(?:handlers\.)?"
            rf"\w*FileHandler{_Q}",
            "loguru_file": r"\blogger\.add\(\s*f?[\"'][^\"']+[\"']",
        },
    ),
    "js": (
        _JS,
        {
            "winston_file": r"\btransports\.File\(|\bnew\s+DailyRotateFile\(",
            "daily_rotate": rf"{_Q}winston-daily-rotate-file{_Q}",
            "pino_file": rf"\bpino\.destination\(\s*(?:\{{[^}}]*\bdest\s*:\s*)?{_Q}[^{_Q}]",
            "log_path": rf"\bpath\s*:\s*{_Q}[^{_Q}]*\.log{_Q}",
            "log4js_file": rf"\btype\s*:\s*{_Q}(?:dateFile|fileSync){_Q}"
            rf"|\btype\s*:\s*{_Q}file{_Q}[^\n]*\bfilename\s*:",
            "write_stream": rf"\bcreateWriteStream\([^)]*\.log{_Q}",
        },
    ),
    "go": (
        frozenset({"go"}),
        {
            "lumberjack": r"\blumberjack\.Logger\s*\{|natefinch/lumberjack",
            "go_open_log": r"\bos\.(?:OpenFile|Create)\(\s*\"[^\"]*\.log\"",
        },
    ),
    "jvm": (
        _JVM,
        {
            "py_handler": r"\bnew\s+(?:java\.util\.logging\.)?FileHandler\(",
        },
    ),
    # Ruby: Logger.new("log/x.log") or Logger.new(Rails.root.join("log", ...)), not STDOUT.
    "ruby": (
        frozenset({"ruby"}),
        {
            "ruby_logger": r"\bLogger\.new\(\s*(?:[\"'][^\"']+[\"']|Rails\.root\.join\(|"
            r"File\.(?:open|new)\()",
        },
    ),
    # PHP Monolog: a handler opened on a path, not php://stdout or php://stderr.
    "php": (
        frozenset({"php"}),
        {
            "monolog_file": r"\bnew\s+\\?(?:Monolog\\Handler\\)?(?:RotatingFileHandler\(|"
            r"StreamHandler\(\s*(?![\"']php://)(?:[\"']|__DIR__|dirname\(|storage_path\())",
        },
    ),
    "dotnet": (
        _DOTNET,
        {
            "serilog_file": r"\.WriteTo\.(?:File|RollingFile)\(",
        },
    ),
}
_FILE_FORMS_JAVA_CONFIG = {
    "logback_file": r"ch\.qos\.logback\.core\.(?:rolling\.Rolling)?FileAppender",
    "log4j2_file": r"<(?:RollingRandomAccess|Rolling|RandomAccess)?File\b(?![\w.-])"
    r"|\.type\s*=\s*(?:Rolling)?File\s*$",
    "log4j_file": r"org\.apache\.log4j\.(?:Daily)?(?:Rolling)?FileAppender",
}
_FILE_FORMS_SPRING = {
    "spring_file": r"^\s*logging\.file(?:\.name|\.path)?\s*[=:]\s*\S",
}
_FILE_FORMS_DOTNET_SETTINGS = {
    "serilog_settings": r"\"Name\"\s*:\s*\"(?:File|RollingFile)\"",
    "nlog_file": r"\"type\"\s*:\s*\"File\"",
}
# gunicorn config file (accesslog = "/var/log/x"), "-" meaning stdout.
_GUNICORN_CONF = r"(?i)(^|/)gunicorn[\w.-]*\.py$"
_FILE_FORMS_GUNICORN = {
    "gunicorn_conf": r"^\s*(?:accesslog|errorlog)\s*=\s*[\"'](?!-[\"'])(?!/dev/std)[^\"']+[\"']",
}

# Start commands: server log-file options pointing at a path (``-`` is stdout), and output
# redirected into a log file. Dockerfiles: only CMD/ENTRYPOINT, not build-time RUN lines.
_LOG_OPTION = (
    r"--(?:access-|error-)?log-?file(?:=|\s+|[\"']\s*,\s*[\"'])"
    r"(?![\"']?-(?:\s|$|[\"']))(?![\"']?(?:/dev/std|\$))[\"']?[\w./-]+"
)
_REDIRECT = r"(?:^|\s)(?:[12]|&)?>>?\s*(?!/dev/|&)[\"']?(?:/var/log/\S+|\S+\.log\b)"


def _start_command_detail(match: re.Match[str], line: str) -> dict | None:
    return {"library": "start command writes a log file"}


def _dockerfile_detail(match: re.Match[str], line: str) -> dict | None:
    if not re.match(r"^\s*+(CMD|ENTRYPOINT)\b", line, re.IGNORECASE):
        return None
    return {"library": "start command writes a log file"}


_STDOUT_FORMS: dict[str, tuple[frozenset[str], str]] = {
    "python": (
        _PYTHON,
        r"\blogging\.StreamHandler\b|\bStreamHandler\(\s*(?:sys\.)?(?:stdout|"
        r"stderr)?\s*\)|\blogger\.add\(\s*sys\.std",
    ),
    "ruby": (
        frozenset({"ruby"}),
        r"\bLogger\.new\(\s*(?:STDOUT|STDERR|\$stdout|\$stderr)|RAILS_LOG_TO_STDOUT",
    ),
    "php": (frozenset({"php"}), r"php://(?:stdout|stderr)"),
    "node": (_JS, r"\btransports\.Console\(|\bpino\.destination\(\s*[12]\s*\)"),
    "jvm": (_JVM | {"xml"}, r"ConsoleAppender\b|<Console\b"),
    "dotnet": (_DOTNET, r"\.WriteTo\.Console\(|\.AddConsole\(|\.AddJsonConsole\("),
    "go": (frozenset({"go"}), r"\blog\.SetOutput\(\s*os\.Std(?:out|err)\s*\)"),
}

_PINO = r"(?:pino|pino-http|nestjs-pino|express-pino-logger|hono-pino)"
# Structured (JSON) loggers per language family; config-file forms are limited by file name.
_STRUCTURED_BY_FAMILY: dict[str, tuple[frozenset[str], dict[str, str]]] = {
    "python": (
        _PYTHON,
        {
            "structlog": r"^\s*(?:import\s+structlog\b|from\s+structlog\b)",
            "python_json_logger": r"\bpythonjsonlogger\b|\bjsonlogger\.JsonFormatter\b",
            "json_log_formatter": r"^\s*(?:import|from)\s+json_log_formatter\b",
            "loguru_serialize": r"\blogger\.add\([^)]*\bserialize\s*=\s*True\b",
            "ecs_logging": r"^\s*(?:import|from)\s+ecs_logging\b",
            "powertools_python": r"^\s*from\s+aws_lambda_powertools(?:\.logging)?\s+import"
            r"\s+[^#\n]*\bLogger\b",
        },
    ),
    "js": (
        _JS,
        {
            "pino": rf"\brequire\(\s*{_Q}{_PINO}{_Q}\s*\)|\bfrom\s+{_Q}{_PINO}{_Q}",
            "winston_json": r"\bformat\.json\(\)",
            "bunyan": rf"\brequire\(\s*{_Q}bunyan{_Q}\s*\)|\bfrom\s+{_Q}bunyan{_Q}",
            "powertools_node": rf"\bfrom\s+{_Q}@aws-lambda-powertools/logger{_Q}"
            rf"|\brequire\(\s*{_Q}@aws-lambda-powertools/logger{_Q}",
        },
    ),
    "jvm": (
        _JVM,
        {
            "logstash_encoder": r"^\s*import\s+net\.logstash\.logback\b",
            "log4j2_json": r"\bJson(?:Template)?Layout\b",
            "powertools_java": r"^\s*import\s+software\.amazon\.lambda\.powertools\.logging\b",
        },
    ),
    "go": (
        frozenset({"go"}),
        {
            "zap": r"^\s*(?:\w+\s+)?\"go\.uber\.org/zap\"",
            "zerolog": r"^\s*(?:\w+\s+)?\"github\.com/rs/zerolog(?:/log)?\"",
            "logrus_json": r"\blogrus\.JSONFormatter\b|&log\.JSONFormatter\b",
            "slog_json": r"\bslog\.NewJSONHandler\(",
        },
    ),
    "rust": (
        frozenset({"rust"}),
        {
            "tracing_json": r"\bfmt(?:::layer)?\(\)[^;\n]*\.json\(\)",
            # The builder split over lines: ``.json()`` alone on its line (reqwest's
            # ``.json()`` is followed by ``.await`` or a turbofish on the same line).
            "tracing_json_chain": r"^\s*\.json\(\)\s*$",
        },
    ),
    "ruby": (
        frozenset({"ruby"}),
        {
            "lograge_json": r"Lograge::Formatters::(?:Json|Logstash)\b",
            "semantic_logger_json": r"\bformatter:\s*:json\b",
        },
    ),
    "dotnet": (
        _DOTNET,
        {
            "serilog_json": r"\b(?:Rendered)?Compact(?:Json)?Formatter\b|\bJsonFormatter\(|"
            r"Serilog\.Formatting\.Json|\.AddJsonConsole\(",
        },
    ),
    # Logging configuration files: logback/log4j2 XML, Spring Boot, .NET appsettings, pom.xml.
    "config": (
        frozenset({"xml", "properties", "yaml", "json"}),
        {
            "logstash_encoder": r"\bLogstash(?:Encoder|Layout)\b|net\.logstash\.logback",
            "log4j2_json": r"<Json(?:Template)?Layout\b",
            "ecs_logging": r"\bEcsLayout\b|co\.elastic\.logging",
            "spring_structured": r"^\s*logging\.structured\.format\.(?:console|file)\s*[=:]",
            "serilog_json": r"\b(?:Rendered)?Compact(?:Json)?Formatter\b",
        },
    ),
    # Lambda's own JSON log format: SAM/CFN LoggingConfig, serverless, Terraform.
    "lambda": (
        frozenset({"hcl"}),
        {
            "lambda_json": r"\b[lL]og_?[fF]ormat\s*[:=]\s*[\"']?JSON\b",
        },
    ),
}
_STRUCTURED_CONFIG_FILES = (
    r"(?i)(^|/)(logback|log4j2?|application|bootstrap|appsettings)[\w.-]*\."
    r"(xml|properties|ya?ml|json)$|(^|/)pom\.xml$"
)
_LAMBDA_CONFIG_FILES = r"(?i)\.(ya?ml|json|tf|toml)$"
_LOGGING_CONFIG_LANGUAGES = frozenset({"xml", "properties", "yaml", "json"})


def _family_rules(
    base: str, table: dict[str, tuple[frozenset[str], dict[str, str]]], files: dict[str, str]
) -> list[SignalRule]:
    """One rule per language family: ``base`` for the first family, ``base.<family>`` after."""
    rules = []
    for index, (family, (languages, forms)) in enumerate(table.items()):
        rules.append(
            SignalRule(
                id=base if index == 0 else f"{base}.{family}",
                languages=languages,
                pattern=_alternatives(forms),
                detail=_named_detail(),
                files=files.get(family),
            )
        )
    return rules


RULES = [
    *_family_rules("logging.file", _FILE_FORMS_BY_FAMILY, {}),
    SignalRule(
        id="logging.file.config",
        languages=_LOGGING_CONFIG_LANGUAGES,
        pattern=_alternatives(_FILE_FORMS_JAVA_CONFIG),
        detail=_named_detail(),
        files=_JAVA_LOG_CONFIG,
    ),
    SignalRule(
        id="logging.file.spring",
        languages=frozenset({"properties", "yaml"}),
        pattern=_alternatives(_FILE_FORMS_SPRING),
        detail=_named_detail(),
        files=_SPRING_CONFIG,
    ),
    SignalRule(
        id="logging.file.appsettings",
        languages=frozenset({"json"}),
        pattern=_alternatives(_FILE_FORMS_DOTNET_SETTINGS),
        detail=_named_detail(),
        files=_DOTNET_SETTINGS,
    ),
    SignalRule(
        id="logging.file.gunicorn",
        languages=_PYTHON,
        pattern=_alternatives(_FILE_FORMS_GUNICORN),
        detail=_named_detail(),
        files=_GUNICORN_CONF,
    ),
    SignalRule(
        id="logging.file.dockerfile",
        languages=frozenset({"dockerfile"}),
        pattern=f"{_LOG_OPTION}|{_REDIRECT}",
        detail=_dockerfile_detail,
    ),
    SignalRule(
        id="logging.file.command",
        languages=frozenset({"procfile"}),
        pattern=f"{_LOG_OPTION}|{_REDIRECT}",
        detail=_start_command_detail,
    ),
    SignalRule(
        id="logging.file.script",
        languages=frozenset({"shell"}),
        pattern=f"{_LOG_OPTION}|{_REDIRECT}",
        detail=_start_command_detail,
        files=_START_SCRIPTS,
    ),
    *(
        SignalRule(
            id="logging.stdout" if family == "python" else f"logging.stdout.{family}",
            languages=languages,
            pattern=pattern,
            detail=_fixed_detail({"ecosystem": family}),
        )
        for family, (languages, pattern) in _STDOUT_FORMS.items()
    ),
    *_family_rules(
        "logging.structured",
        _STRUCTURED_BY_FAMILY,
        {"config": _STRUCTURED_CONFIG_FILES, "lambda": _LAMBDA_CONFIG_FILES},
    ),
]
