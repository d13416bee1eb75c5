"""Checks of factor III, Config (see catalogue/config.yaml for their metadata and remediation)."""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks import frameworks, live_aws, live_k8s
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import REDACTED, Evidence, Outcome

# A module import, not a name: redaction imports scorecards.checks.results, so importing the
# function would fail while scorecards.checks is still initialising.
from scorecards.collectors.repo_files import redaction

MAX_EVIDENCE = 5
MIN_CODE_FILES = 3

# Variables that only name the environment or the process, not the service's configuration.
_MODE_NAMES = frozenset({
    "NODE_ENV", "DJANGO_SETTINGS_MODULE", "FLASK_ENV", "FLASK_APP", "RAILS_ENV", "RACK_ENV",
    "APP_ENV", "GO_ENV", "MIX_ENV", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ENV",
    "ENVIRONMENT", "HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "CI",
})  # fmt: skip
_FRAMEWORK_TEXT = {
    "pydantic-settings": "pydantic BaseSettings reads its fields from the environment",
    "spring-boot": "Spring Boot binds environment variables to properties",
    "spring-config": "configuration properties bound by the framework",
    "aspnet-core": "ASP.NET Core configuration includes environment variables",
    "dotenv": "a dotenv loader puts variables into the environment",
    "rails-erb": "Rails config reads ENV through ERB",
    "dj-database-url": "dj-database-url reads DATABASE_URL",
    "django-environ": "django-environ reads settings from the environment",
    "envconfig": "struct fields are filled from the environment",
    "envalid": "envalid validates process.env",
    "nestjs-config": "@nestjs/config loads the environment",
}  # fmt: skip
# Env files that configure test runs only.
_TEST_ENV_FILE = re.compile(r"(?i)(^|/)(\.env\.(test|testing|ci)(\.[\w-]+)?|test\.env)$")
# JSON pointers of env entries in deploy manifests (compose, k8s, SAM, serverless, ECS).
_ENV_POINTER = re.compile(r"(?i)/(environment|env)(/variables)?/[^/]+(/value)?$")
_DEPLOY_CATEGORIES = ("compose", "k8s", "helm_template", "cloudformation", "serverless",
                      "ecs_task_definition")  # fmt: skip
_SECRET_ORDER = ("secret.private-key", "secret.aws-access-key", "secret.aws-secret-key")
# Decision 6: example files hold example values, unless the build copies them into place.
_EXAMPLE_FILE = re.compile(r"(?i)\.(example|sample|dist|template)(\.[\w-]+)?$|[._-]example\.\w+$")
# Decision 3: compose files named for development only mirror production locally.
_DEV_COMPOSE = re.compile(r"(?i)[.-](dev|development|override|local|test|ci)\b|local")
_DEPLOY_COMPOSE = re.compile(r"(?i)deploy|prod|stack")
_OTHER_DEPLOY_CATEGORIES = ("k8s", "helm_template", "helm_chart", "kustomization",
                            "cloudformation", "serverless", "ecs_task_definition",
                            "platform")  # fmt: skip


def plural(count: int, noun: str) -> str:
    """``1 file`` / ``3 files``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _ev(ctx: CheckContext, item: dict, excerpt: str) -> Evidence:
    return ctx.evidence(item["path"], item.get("line"), excerpt)


# --- config.env-settings ---


def _describe_read(signal: dict) -> str:
    if signal["rule"] == "env.framework":
        framework = signal["detail"].get("framework", "")
        return _FRAMEWORK_TEXT.get(framework, framework)
    name = signal["detail"].get("name") or "variables"
    return f"reads {name} from the environment" + (
        " (with a default)" if signal["detail"].get("default") else ""
    )


def _is_mode_read(signal: dict) -> bool:
    return signal["rule"] == "env.read" and signal["detail"].get("name") in _MODE_NAMES


def _distinct_reads(reads: list[dict]) -> list[dict]:
    """One read per variable name (or framework), configuration ones before mode switches."""
    seen: set[str] = set()
    ordered = []
    for signal in sorted(reads, key=lambda s: (_is_mode_read(s), not s["detail"].get("name"))):
        key = signal["detail"].get("name") or signal["detail"].get("framework") or signal["path"]
        if key not in seen:
            seen.add(key)
            ordered.append(signal)
    return ordered


_EXPANDED_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _start_command_env(ctx: CheckContext) -> list[Evidence]:
    """``uvicorn main:app --port $PORT``: the process reads its settings from the environment
    through the command that starts it (the app itself has nothing else to configure)."""
    return [
        _ev(ctx, c, f"{c['command'][:80]} (expands ${m[1]})")
        for c in d.start_commands(ctx)
        if (m := _EXPANDED_VARIABLE.search(str(c.get("command") or "")))
    ][:MAX_EVIDENCE]


@check("config.env-settings")
def env_settings(ctx: CheckContext) -> Outcome:
    reads = [*d.signals(ctx, "env.read"), *d.signals(ctx, "env.framework")]
    code_files = d.production_code_files(ctx)
    deploy_env = d.deploy_env_vars(ctx)
    if reads:
        distinct = _distinct_reads(reads)
        evidence = [_ev(ctx, s, _describe_read(s)) for s in distinct[:MAX_EVIDENCE]]
        if all(_is_mode_read(s) for s in distinct):
            names = ", ".join(sorted({s["detail"]["name"] for s in distinct}))
            return Outcome.warned(
                f"The code reads only {names} from the environment; its other settings come "
                "from files or literals.",
                evidence,
            )
        return Outcome.passed(
            f"Configuration is read from the environment ({plural(len(distinct), 'read')} found).",
            evidence,
        )
    defaults = frameworks.defaults(ctx, "config_env")
    if defaults:
        return Outcome.passed(
            "Configuration is read from the environment by the framework's settings binding.",
            [evidence for _, evidence in defaults[:MAX_EVIDENCE]],
        )
    expanded = _start_command_env(ctx)
    if expanded:
        return Outcome.passed(
            "The start command takes its settings from the environment.", expanded
        )
    if len(code_files) >= MIN_CODE_FILES:
        if deploy_env:
            return Outcome.unknown(
                "Deploy manifests set environment variables, but no read of them was found "
                "in the code.",
                [_ev(ctx, e, f"{e['name'] or 'envFrom'}") for e in deploy_env[:MAX_EVIDENCE]],
            )
        return Outcome.failed(
            f"No environment variable is read in {plural(len(code_files), 'source file')}: "
            "configuration is read from files or literals only."
        )
    if deploy_env:
        return Outcome.passed(
            "The deployed image is configured through environment variables in its manifests.",
            [
                _ev(ctx, e, f"{e['name'] or 'envFrom'} set for {e['unit']}")
                for e in deploy_env[:MAX_EVIDENCE]
            ],
        )
    return Outcome.unknown("No application code or deploy manifest says how it is configured.")


# --- config.no-committed-env-file ---


@check("config.no-committed-env-file")
def no_committed_env_file(ctx: CheckContext) -> Outcome:
    files = [
        f
        for f in d.repo(ctx).get("env_files", [])
        if not d.is_non_production_path(f["path"]) and not _TEST_ENV_FILE.search(f["path"])
    ]
    with_values = [
        (f, [a for a in f.get("assignments", []) if a.get("has_value")])
        for f in files
        if not f.get("example")
    ]
    with_values = [(f, assigned) for f, assigned in with_values if assigned]
    if with_values:
        evidence = [
            ctx.evidence(f["path"], a.get("line"), f"{a['name']}={REDACTED}")
            for f, assigned in with_values
            for a in assigned[:2]
        ][:MAX_EVIDENCE]
        paths = ", ".join(f["path"] for f, _ in with_values)
        count = sum(len(assigned) for _, assigned in with_values)
        return Outcome.failed(
            f"{paths} commit{'s' if len(with_values) == 1 else ''} "
            f"{plural(count, 'variable')} with values.",
            evidence,
        )
    if files:
        return Outcome.passed(
            "Only example or empty env files are committed.",
            [
                ctx.evidence(f["path"], None, "example" if f.get("example") else "no values")
                for f in files[:MAX_EVIDENCE]
            ],
        )
    return Outcome.passed("No .env file is committed.")


# --- config.no-hardcoded-secrets ---


# Deployment definitions parsed as no document: Bicep/ARM via azd, CDK and Pulumi programs.
_OTHER_DEPLOY_FILE = re.compile(r"(\.bicep$|(^|/)(azure\.ya?ml|cdk\.json|Pulumi\.ya?ml)$)")


def compose_is_deploy_manifest(ctx: CheckContext, path: str) -> bool:
    """Catalogue decision 3: named for deployment, or the only deployment definition there is."""
    name = path.rsplit("/", 1)[-1]
    if _DEPLOY_COMPOSE.search(name):
        return True
    if _DEV_COMPOSE.search(name):
        return False
    others = any(d.documents(ctx, c) for c in _OTHER_DEPLOY_CATEGORIES)
    return (
        not others
        and not d.repo(ctx).get("terraform")
        and not any(_OTHER_DEPLOY_FILE.search(p) for p in d.production_paths(ctx))
    )


def _copied_into_place(ctx: CheckContext, path: str) -> bool:
    """A build step names the example file (``COPY config.inc.php.dist config.inc.php``)."""
    name = path.rsplit("/", 1)[-1]
    return any(
        name in str(step.get("value", ""))
        for dockerfile in d.dockerfiles(ctx)
        for step in dockerfile.get("instructions") or []
        if step.get("instruction") in ("COPY", "ADD", "RUN")
    )


def _exempt_secret_file(ctx: CheckContext, path: str) -> bool:
    if _EXAMPLE_FILE.search(path) and not _copied_into_place(ctx, path):
        return True
    composes = {doc["path"] for doc in d.documents(ctx, "compose", production_only=False)}
    return path in composes and not compose_is_deploy_manifest(ctx, path)


def _deploy_env_lines(ctx: CheckContext) -> set[tuple[str, int]]:
    """(path, line) of env entries in deploy manifests: config.secrets-from-store judges them.

    A compose file that is a deploy manifest is judged here: no other check reads its values.
    """
    lines = set()
    for category in _DEPLOY_CATEGORIES:
        for document in d.documents(ctx, category):
            if category == "compose" and compose_is_deploy_manifest(ctx, document["path"]):
                continue
            for entry, _data in d.iter_docs(document):
                for pointer, line in entry.get("lines", {}).items():
                    if _ENV_POINTER.search(pointer):
                        lines.add((document["path"], line))
    return lines


def _secret_rank(signal: dict) -> tuple[int, str, int]:
    rule = signal["rule"]
    order = _SECRET_ORDER.index(rule) if rule in _SECRET_ORDER else len(_SECRET_ORDER)
    if rule in ("secret.keyword-literal", "secret.env-default"):
        order += 1
    return order, signal["path"], signal["line"]


def _secret_evidence(ctx: CheckContext, signal: dict) -> Evidence:
    kind = signal["detail"].get("type") or signal["rule"].removeprefix("secret.")
    return ctx.evidence(signal["path"], signal["line"], f"{kind}: {signal.get('excerpt', '')}")


@check("config.no-hardcoded-secrets")
def no_hardcoded_secrets(ctx: CheckContext) -> Outcome:
    deploy_lines = _deploy_env_lines(ctx)
    deploy_names = {(e["path"], e["name"]) for e in d.deploy_env_vars(ctx)}
    found = sorted(
        (
            s
            for s in d.signals(ctx, "secret.")
            if (s["path"], s["line"]) not in deploy_lines
            and (s["path"], s["detail"].get("name")) not in deploy_names
            and not _exempt_secret_file(ctx, s["path"])
        ),
        key=_secret_rank,
    )
    # Decision 6: a literal fallback of a secret-named setting ships wherever the variable is
    # unset, so it fails like any literal (placeholders never become signals).
    if found:
        files = len({s["path"] for s in found})
        return Outcome.failed(
            f"{plural(len(found), 'hard-coded credential')} found in {plural(files, 'file')}.",
            [_secret_evidence(ctx, s) for s in found[:MAX_EVIDENCE]],
        )
    scanned = sum(1 for p in d.paths(ctx) if not d.is_non_production_path(p))
    return Outcome.passed(f"No credential found in {plural(scanned, 'file')} scanned.")


# --- config.secrets-from-store ---


def _store_excerpt(entry: dict) -> str:
    kind = entry["kind"]
    if kind == "literal":
        return f"{entry['name']}: {REDACTED} (literal)"
    if kind == "chart-value":
        return f"{entry['name']}: {entry['value']}"
    if kind == "config-map":
        return f"{entry['name']} from a ConfigMap"
    return f"{entry['name']} from {'a secret store' if kind == 'secret-store' else 'a reference'}"


def _live_secrets_from_store(ctx: CheckContext) -> Outcome:
    """Environment of the running containers: literals, ConfigMaps or Secrets."""
    if not live_k8s.workloads(ctx):
        return live_k8s.not_found("workload")
    view = live_k8s.view(ctx)
    entries = live_k8s.env_vars(ctx)
    # A value the collector had to redact (a password inside a URL) is a literal credential too.
    secret = [
        e
        for e in entries
        if e["name"] and (redaction.is_secret_name(e["name"]) or REDACTED in str(e["value"] or ""))
    ]
    literals = [e for e in secret if e["kind"] == "literal"]
    if literals:
        return Outcome.failed(
            f"{plural(len(literals), 'secret-like variable')} of running containers hold a "
            "literal value instead of a Secret reference.",
            [_ev(view, e, _store_excerpt(e)) for e in literals[:MAX_EVIDENCE]],
        )
    plain = [e for e in secret if e["kind"] == "config-map"]
    if plain:
        return Outcome.warned(
            f"{plural(len(plain), 'secret-like variable')} of running containers come from a "
            "ConfigMap, not a Secret.",
            [_ev(view, e, _store_excerpt(e)) for e in plain[:MAX_EVIDENCE]],
        )
    stored = [e for e in secret if e["kind"] != "empty"]
    if stored:
        return Outcome.passed(
            f"{plural(len(stored), 'secret-like variable')} of running containers come from "
            "Secrets; none is a literal.",
            [_ev(view, e, _store_excerpt(e)) for e in stored[:MAX_EVIDENCE]],
        )
    return Outcome.passed(
        f"{plural(len(entries), 'variable')} of running containers checked; none has a "
        "secret-like name.",
        [_ev(view, e, e["name"] or "envFrom") for e in entries[:2]],
    )


def _aws_secret_literal(entry: dict) -> bool:
    """A literal value under a secret-like name (true/false flags aside), or any literal
    the collector recognised as a credential."""
    if entry["kind"] != "literal":
        return False
    return (entry["secret_like_name"] and not entry["flag"]) or entry["secret_like_value"]


def _aws_secrets_from_store(ctx: CheckContext) -> Outcome:
    """Environment of the live Lambda functions and ECS containers (names only, no values)."""
    if not live_aws.functions(ctx) and not live_aws.containers(ctx):
        return live_aws.not_found("Lambda function or ECS container")
    entries = live_aws.env_vars(ctx)

    def ev(e: dict, excerpt: str) -> Evidence:
        return live_aws.evidence(e["resource"], e["pointer"], f"{e['unit']}: {excerpt}")

    literals = [e for e in entries if _aws_secret_literal(e)]
    if literals:
        return Outcome.failed(
            f"{plural(len(literals), 'secret-like variable')} of live Lambda functions or ECS "
            "containers hold a literal value instead of a secret-store reference.",
            [ev(e, f"{e['name']}: {REDACTED} (literal)") for e in literals[:MAX_EVIDENCE]],
        )
    stored = [
        e
        for e in entries
        if e["kind"] == "secret-store" or (e["secret_like_name"] and e["kind"] == "reference")
    ]
    if stored:
        return Outcome.passed(
            f"{plural(len(stored), 'secret')} of live functions or containers come from Secrets "
            "Manager/SSM; no secret-like variable is a literal.",
            [ev(e, f"{e['name']} from a secret store") for e in stored[:MAX_EVIDENCE]],
        )
    return Outcome.passed(
        f"{plural(len(entries), 'live variable')} checked; none has a secret-like name or value.",
        [ev(e, e["name"]) for e in entries[:2]],
    )


# Platform spec keys that hand a value over without writing it: a value the platform generates
# or asks for on creation (Render `generateValue`/`sync: false`), or another resource's output.
_PLATFORM_STORED = ("generateValue", "fromDatabase", "fromService", "fromGroup")


def _platform_entry(document: dict, entry: dict, pointer: str, item: dict) -> dict | None:
    name = item.get("key") or item.get("name")
    if not name:
        return None
    value = item.get("value")
    if any(k in item for k in _PLATFORM_STORED) or item.get("sync") is False:
        kind = "secret-store"
    elif str(item.get("type", "")).upper() == "SECRET":
        kind = "secret-store"  # DigitalOcean encrypts SECRET values; the spec holds ciphertext
    else:
        kind = d.classify_env_value(value)
    return {
        "path": document["path"],
        "line": d.line_of(entry, pointer),
        "name": str(name),
        "kind": kind,
        "value": value,
        "tool": "platform",
        "unit": document["path"],
    }


def platform_env_vars(ctx: CheckContext) -> list[dict]:
    """Render `envVars` and DigitalOcean `envs` of an app platform spec."""
    found = []
    for document in d.documents(ctx, "platform"):
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict):
                continue
            root = "/spec" if isinstance(data.get("spec"), dict) else ""
            data = data.get("spec") if root else data  # .do/deploy.template.yaml wraps the spec
            units = [(root, data)] + [
                (f"{root}/{group}/{i}", unit)
                for group in ("services", "workers", "jobs", "functions", "static_sites")
                for i, unit in enumerate(data.get(group) or [])
                if isinstance(unit, dict)
            ]
            for base, unit in units:
                for key in ("envVars", "envs"):
                    for i, item in enumerate(unit.get(key) or []):
                        if isinstance(item, dict):
                            pointer = f"{base}/{key}/{i}"
                            found.append(_platform_entry(document, entry, pointer, item))
    return [e for e in found if e]


def _compose_env_vars(ctx: CheckContext) -> list[dict]:
    """Environment of compose files that are the deploy manifest (decision 3)."""
    found = []
    for svc in d.compose_services(ctx):
        if not compose_is_deploy_manifest(ctx, svc["path"]):
            continue
        env = svc["service"].get("environment")
        if isinstance(env, list):
            env = dict(str(e).partition("=")[::2] for e in env)
        for name, value in (env or {}).items() if isinstance(env, dict) else ():
            found.append(
                {
                    "path": svc["path"],
                    "line": d.line_of(svc["entry"], f"{svc['pointer']}/environment/{name}"),
                    "name": str(name),
                    "kind": d.classify_env_value(value),
                    "value": value,
                    "tool": "compose",
                    "unit": svc["name"],
                }
            )
    return found


@check("config.secrets-from-store")
@live_k8s.with_kubernetes(_live_secrets_from_store, policy="worst")
@live_aws.with_aws(_aws_secrets_from_store, policy="worst")
def secrets_from_store(ctx: CheckContext) -> Outcome:
    entries = [*d.deploy_env_vars(ctx), *platform_env_vars(ctx), *_compose_env_vars(ctx)]
    if not entries:
        return Outcome.unknown(
            "No deploy manifest in the repository sets environment variables; the live "
            "configuration was not ingested."
        )
    secret = [e for e in entries if e["name"] and redaction.is_secret_name(e["name"])]
    literals = [e for e in secret if e["kind"] == "literal"]
    if literals:
        return Outcome.failed(
            f"{plural(len(literals), 'secret-like variable')} set to a literal value in "
            "deploy manifests.",
            [_ev(ctx, e, _store_excerpt(e)) for e in literals[:MAX_EVIDENCE]],
        )
    plain = [e for e in secret if e["kind"] in ("chart-value", "config-map")]
    if plain:
        return Outcome.warned(
            f"{plural(len(plain), 'secret-like variable')} from chart values or a ConfigMap, "
            "not a Secret.",
            [_ev(ctx, e, _store_excerpt(e)) for e in plain[:MAX_EVIDENCE]],
        )
    stored = [e for e in secret if e["kind"] != "empty"]
    if stored:
        return Outcome.passed(
            f"{plural(len(stored), 'secret-like variable')} from a secret store or a "
            "reference; none is a literal.",
            [_ev(ctx, e, _store_excerpt(e)) for e in stored[:MAX_EVIDENCE]],
        )
    return Outcome.passed(
        f"{plural(len(entries), 'deploy-time variable')} checked; none has a secret-like name.",
        [_ev(ctx, entries[0], f"{entries[0]['name'] or 'envFrom'} ({entries[0]['tool']})")],
    )


# --- config.no-hardcoded-endpoints ---


_DEFAULT_ARGUMENT = re.compile(r"(?i)\b(default|fallback)\s*[=:]")


def literal_endpoints(ctx: CheckContext) -> list[dict]:
    """``endpoint.literal`` signals of production code that are not an env lookup's default."""
    env_lines = {(s["path"], s["line"]) for s in d.signals(ctx, "env.read")}
    framework_lines = {(s["path"], s["line"]) for s in d.signals(ctx, "env.framework")}
    return [
        s
        for s in d.signals(ctx, "endpoint.literal")
        if not s["detail"].get("env_default")
        and (s["path"], s["line"]) not in env_lines
        and not _continued_env_default(s, env_lines | framework_lines)
        and not d.is_dev_config_path(s["path"])
    ]


def _continued_env_default(signal: dict, read_lines: set[tuple[str, int]]) -> bool:
    """``dj_database_url.config(\n    default="postgres://localhost/app")``: the default argument
    of an environment read opened on one of the lines just above."""
    if not _DEFAULT_ARGUMENT.search(str(signal.get("excerpt") or "")):
        return False
    path, line = signal["path"], signal["line"]
    return any((path, line - k) in read_lines for k in (1, 2, 3))


@check("config.no-hardcoded-endpoints")
def no_hardcoded_endpoints(ctx: CheckContext) -> Outcome:
    found = literal_endpoints(ctx)
    if found:
        files = len({s["path"] for s in found})
        return Outcome.failed(
            f"{plural(len(found), 'literal backing-service location')} in {plural(files, 'file')}.",
            [
                ctx.evidence(s["path"], s["line"], s["detail"].get("url", ""))
                for s in found[:MAX_EVIDENCE]
            ],
        )
    defaults = d.signals(ctx, "endpoint.literal")
    if defaults:
        return Outcome.passed(
            "Backing-service URLs appear only as defaults of environment lookups or in "
            "dev/local config.",
            [
                ctx.evidence(s["path"], s["line"], s["detail"].get("url", ""))
                for s in defaults[:MAX_EVIDENCE]
            ],
        )
    return Outcome.passed("No literal database, cache or queue location in the code.")
