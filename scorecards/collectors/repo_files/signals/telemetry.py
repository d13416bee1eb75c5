"""Metrics and tracing wired into the service.

``telemetry.sdk``: code importing or starting a telemetry SDK or agent (OpenTelemetry,
Prometheus clients, Micrometer, Datadog, New Relic, Elastic APM, Sentry, AWS X-Ray, Powertools
Tracer/Metrics), ``detail = {"vendor": name}``. ``telemetry.config``: telemetry switched on in
configuration (Terraform ``tracing_config`` mode Active, Prometheus scrape
annotations, ServiceMonitor, Spring Boot actuator metrics export), same detail.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_Q = r"""["'`]"""

_LABELS = {
    "otel": "OpenTelemetry",
    "prometheus": "Prometheus client",
    "micrometer": "Micrometer",
    "datadog": "Datadog",
    "newrelic": "New Relic",
    "elastic_apm": "Elastic APM",
    "sentry": "Sentry",
    "xray": "AWS X-Ray",
    "powertools": "Powertools Tracer/Metrics",
    "otel2": "OpenTelemetry",
    "lambda_tracing": "Lambda active tracing",
    "scrape": "Prometheus scrape annotations",
    "service_monitor": "Prometheus Operator monitor",
    "actuator": "Spring Boot metrics export",
}

_PY_MODULES = (
    r"(?P<otel>opentelemetry)|(?P<prometheus>prometheus_client|prometheus_fastapi_instrumentator|"
    r"django_prometheus|starlette_exporter)|(?P<datadog>ddtrace|datadog_lambda|datadog)"
    r"|(?P<newrelic>newrelic)|(?P<elastic_apm>elasticapm)|(?P<sentry>sentry_sdk)"
    r"|(?P<xray>aws_xray_sdk)"
)
_JS_PACKAGES = (
    r"(?P<otel>@opentelemetry/[\w-]+)|(?P<prometheus>prom-client|express-prom-bundle)"
    r"|(?P<datadog>dd-trace|datadog-lambda-js)|(?P<newrelic>newrelic)"
    r"|(?P<elastic_apm>elastic-apm-node(?:/start)?)|(?P<sentry>@sentry/[\w-]+)"
    r"|(?P<xray>aws-xray-sdk(?:-core)?)|(?P<powertools>@aws-lambda-powertools/(?:tracer|metrics))"
)
_GO_MODULES = (
    r"(?P<otel>go\.opentelemetry\.io/otel)|(?P<prometheus>github\.com/prometheus/client_golang)"
    r"|(?P<datadog>(?:gopkg\.in|github\.com)/DataDog/dd-trace-go)"
    r"|(?P<newrelic>github\.com/newrelic/go-agent)|(?P<elastic_apm>go\.elastic\.co/apm)"
    r"|(?P<sentry>github\.com/getsentry/sentry-go)|(?P<xray>github\.com/aws/aws-xray-sdk-go)"
)
_JVM_PACKAGES = (
    r"(?P<otel>io\.opentelemetry)|(?P<micrometer>io\.micrometer)|(?P<prometheus>io\.prometheus)"
    r"|(?P<datadog>datadog\.trace)|(?P<newrelic>com\.newrelic)|(?P<elastic_apm>co\.elastic\.apm)"
    r"|(?P<sentry>io\.sentry)|(?P<xray>com\.amazonaws\.xray)"
    r"|(?P<powertools>software\.amazon\.lambda\.powertools\.(?:tracing|metrics))"
)
# Per language family: imports (or requires) of a telemetry SDK, and a few setup calls.
_SDK_BY_FAMILY: dict[str, tuple[frozenset[str], str]] = {
    "python": (
        frozenset({"python"}),
        rf"^\s*(?:from|import)\s+(?:{_PY_MODULES})\b"
        r"|^\s*from\s+aws_lambda_powertools\s+import\s+[^#\n]*\b(?P<powertools>Tracer|Metrics)\b",
    ),
    "js": (
        frozenset({"javascript", "typescript"}),
        rf"(?:\brequire\(\s*|\bfrom\s+|^\s*import\s+){_Q}(?:{_JS_PACKAGES}){_Q}",
    ),
    "go": (frozenset({"go"}), rf"^\s*(?:[\w.]+\s+)?\"(?:{_GO_MODULES})[\w./-]*\""),
    "jvm": (
        frozenset({"java", "kotlin", "scala", "groovy"}),
        rf"^\s*import\s+(?:static\s+)?(?:{_JVM_PACKAGES})\b",
    ),
    "dotnet": (
        frozenset({"csharp", "fsharp", "vb"}),
        r"\b(?P<otel>AddOpenTelemetry)\(|^\s*using\s+(?P<otel2>OpenTelemetry)\b"
        r"|^\s*using\s+(?P<prometheus>Prometheus)\b|\b(?P<sentry>UseSentry)\(",
    ),
    "ruby": (
        frozenset({"ruby"}),
        r"^\s*require\s+[\"'](?P<otel>opentelemetry[\w/-]*)|^\s*require\s+[\"']"
        r"(?P<datadog>ddtrace|datadog)|^\s*require\s+[\"'](?P<newrelic>newrelic_rpm)"
        r"|\b(?P<sentry>Sentry\.init)\b|^\s*require\s+[\"'](?P<prometheus>prometheus/client)",
    ),
    "php": (
        frozenset({"php"}),
        r"^\s*use\s+(?P<otel>OpenTelemetry)\\|^\s*use\s+(?P<prometheus>Prometheus)\\"
        r"|\b(?P<sentry>Sentry\\init)\(",
    ),
}
# Wrapper commands that start the app with an agent: Dockerfiles, Procfiles, start scripts.
_AGENT_COMMANDS = {
    "otel": r"\bopentelemetry-instrument\b|opentelemetry-javaagent",
    "datadog": r"\bddtrace-run\b|dd-java-agent",
    "newrelic": r"\bnewrelic-admin\s+run-program\b|newrelic\.jar",
    "elastic_apm": r"elastic-apm-agent",
}
_CONFIG_FORMS = {
    # Terraform ``tracing_config { mode = "Active" }``; SAM/CFN/serverless tracing is read from
    # the parsed templates by the check (a line rule would also match prose in YAML files).
    "lambda_tracing": r"^\s*mode\s*=\s*\"Active\"",
    "scrape": r"prometheus\.io/scrape\s*:\s*[\"']?true",
    "service_monitor": r"^\s*kind\s*:\s*(?:ServiceMonitor|PodMonitor)\b",
    "actuator": r"^\s*management\.(?:metrics\.export|prometheus\.metrics\.export|otlp|tracing)\."
    r"|^\s*management\.endpoints\.web\.exposure\.include\s*[=:][^#\n]*\bprometheus\b",
}
# Configuration files where those keys mean telemetry: IaC, k8s manifests, Spring config.
_CONFIG_FILES = r"(?i)\.(ya?ml|json|tf|properties)$"


def _detail(match: re.Match[str], line: str) -> dict | None:
    name = next((k for k, v in match.groupdict().items() if v is not None), None)
    return {"vendor": _LABELS.get(name, name)} if name else None


def _alternatives(forms: dict[str, str]) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in forms.items())


RULES = [
    *(
        SignalRule(
            id="telemetry.sdk" if family == "python" else f"telemetry.sdk.{family}",
            languages=languages,
            pattern=pattern,
            detail=_detail,
        )
        for family, (languages, pattern) in _SDK_BY_FAMILY.items()
    ),
    SignalRule(
        id="telemetry.agent",
        languages=frozenset({"dockerfile", "procfile", "shell"}),
        pattern=_alternatives(_AGENT_COMMANDS),
        detail=_detail,
    ),
    SignalRule(
        id="telemetry.config",
        languages=frozenset({"yaml", "json", "hcl", "properties"}),
        pattern=_alternatives(_CONFIG_FORMS),
        detail=_detail,
        files=_CONFIG_FILES,
    ),
]
