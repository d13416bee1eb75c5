"""Checks of factor X, Dev/prod parity (see catalogue/parity.yaml for metadata and remediation)."""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks import platforms
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome

MAX_EVIDENCE = 5

# --- parity.local-env ---

# Files that start a local environment, by path (searched, production paths only).
_LOCAL_ENV_PATHS = {
    "Tilt": r"(^|/)Tiltfile$",
    "Garden": r"(^|/)(project\.)?garden\.ya?ml$",
    "DevSpace": r"(^|/)devspace\.ya?ml$",
    "Skaffold": r"(^|/)skaffold[^/]*\.ya?ml$",
    "dev container": r"(^|/)\.devcontainer(/|\.json$)",
    "LocalStack": r"(^|/)\.localstack(/|$)|(^|/)localstack[^/]*\.(ya?ml|json|env)$",
    "Vagrant": r"(^|/)Vagrantfile$",
    "Nix flake": r"(^|/)flake\.nix$",
    "Devbox": r"(^|/)devbox\.json$",
    "SAM local": r"(^|/)samconfig\.toml$",
    # .NET Aspire: the AppHost project starts the app with its containers on a developer machine.
    ".NET Aspire AppHost": r"(^|/)[^/]*\.AppHost/[^/]+\.csproj$",
}
# Serverless Framework plugins that emulate the cloud locally.
_SERVERLESS_LOCAL_PLUGINS = re.compile(
    r"^serverless-(?:offline|localstack|dynamodb-local|dynamodb|s3-local)(?:-[\w-]+)?$"
)
_SAM_LOCAL_INPUTS = re.compile(r"(^|/)(env\.json|events/[^/]+\.json)$")


def _compose_evidence(ctx: CheckContext) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for svc in d.compose_services(ctx):
        if svc["path"] not in seen:
            names = [s["name"] for s in d.compose_services(ctx) if s["path"] == svc["path"]]
            seen[svc["path"]] = ctx.evidence(
                svc["path"],
                d.line_of(svc["entry"], "/services"),
                f"compose services: {', '.join(names[:6])}",
            )
    return list(seen.values())


def _sam_local_evidence(ctx: CheckContext) -> list[Evidence]:
    sam = [
        doc
        for doc in d.documents(ctx, "cloudformation")
        if any(
            "Serverless" in str((data or {}).get("Transform", ""))
            for _, data in d.iter_docs(doc)
            if isinstance(data, dict)
        )
    ]
    inputs = [p for p in d.paths(ctx) if _SAM_LOCAL_INPUTS.search(p)]
    if sam and inputs:
        return [ctx.evidence(inputs[0], None, "SAM local invoke inputs")]
    # A SAM template is itself what `sam local start-api` runs on a developer machine.
    production = [doc for doc in sam if not d.is_non_production_path(doc["path"])]
    if production:
        return [ctx.evidence(production[0]["path"], 1, "SAM template (sam local start-api)")]
    return []


def _serverless_offline_evidence(ctx: CheckContext) -> list[Evidence]:
    found = []
    for document in d.documents(ctx, "serverless"):
        for entry, data in d.iter_docs(document):
            plugins = data.get("plugins") if isinstance(data, dict) else None
            if isinstance(plugins, dict):  # the `plugins: {modules: [...]}` form
                plugins = plugins.get("modules")
            for i, plugin in enumerate(plugins if isinstance(plugins, list) else []):
                if _SERVERLESS_LOCAL_PLUGINS.match(str(plugin)):
                    line = d.line_of(entry, f"/plugins/{i}")
                    found.append(ctx.evidence(document["path"], line, f"plugin {plugin}"))
    return found


@check("parity.local-env")
def local_env(ctx: CheckContext) -> Outcome:
    evidence = _compose_evidence(ctx)
    tools = ["compose"] if evidence else []
    for tool, pattern in _LOCAL_ENV_PATHS.items():
        found = d.has_path(ctx, pattern)
        if found:
            tools.append(tool)
            evidence.append(ctx.evidence(found[0], None, f"{tool} configuration"))
    sam = _sam_local_evidence(ctx)
    if sam and "SAM local" not in tools:
        tools.append("SAM local")
        evidence.extend(sam)
    offline = _serverless_offline_evidence(ctx)
    if offline:
        tools.append("Serverless offline")
        evidence.extend(offline)
    if evidence:
        return Outcome.passed(
            f"A local environment is defined ({', '.join(tools)}).", evidence[:MAX_EVIDENCE]
        )
    return Outcome.failed(
        "No compose file, dev container, Skaffold/Tilt, SAM local or LocalStack configuration "
        "was found: developers must assemble their own environment."
    )


# --- parity.same-backing-services ---

# Compose image (last path part, no tag) -> backing-service kind.
_IMAGE_KINDS = (
    (
        re.compile(r"^(postgres|postgresql|postgis|timescaledb(-ha)?|supabase-postgres)$"),
        "postgres",
    ),
    (re.compile(r"^(mysql|mariadb|percona|percona-server)$"), "mysql"),
    (re.compile(r"^(mssql-server|mssql|azure-sql-edge)$"), "sqlserver"),
    (re.compile(r"^(redis|redis-stack|redis-stack-server|valkey|keydb|dragonfly)$"), "redis"),
    (re.compile(r"^(mongo|mongodb|mongodb-community-server)$"), "mongodb"),
    (re.compile(r"^(rabbitmq|activemq|artemis|nats|elasticmq)$"), "queue"),
    (re.compile(r"^(kafka|cp-kafka|cp-server|redpanda)$"), "kafka"),
    (re.compile(r"^(memcached)$"), "memcached"),
    (re.compile(r"^(elasticsearch|opensearch)$"), "search"),
    (re.compile(r"^(localstack|localstack-pro)$"), "aws"),
    (re.compile(r"^(dynamodb-local)$"), "dynamodb"),
    (re.compile(r"^(cassandra|scylla)$"), "cassandra"),
)
# Dependency (lower case; Maven/Gradle by artifact) -> kind used by the production code.
_DEPENDENCY_KINDS = {
    "postgres": {
        "psycopg",
        "psycopg2",
        "psycopg2-binary",
        "psycopg-binary",
        "asyncpg",
        "pg8000",
        "aiopg",
        "pg",
        "pg-promise",
        "postgres",
        "github.com/lib/pq",
        "github.com/jackc/pgx/v4",
        "github.com/jackc/pgx/v5",
        "gorm.io/driver/postgres",
        "postgresql",
        "npgsql",
        "npgsql.entityframeworkcore.postgresql",
        "postgrex",
        "tokio-postgres",
        "r2dbc-postgresql",
    },
    "mysql": {
        "pymysql",
        "mysqlclient",
        "aiomysql",
        "mysql",
        "mysql2",
        "mysql-connector-java",
        "mysql-connector-j",
        "mariadb-java-client",
        "github.com/go-sql-driver/mysql",
        "gorm.io/driver/mysql",
        "mysqlconnector",
        "myxql",
        "mysql-connector-python",
    },
    "redis": {
        "redis",
        "aioredis",
        "django-redis",
        "ioredis",
        "jedis",
        "lettuce-core",
        "spring-boot-starter-data-redis",
        "github.com/redis/go-redis/v9",
        "github.com/go-redis/redis/v8",
        "github.com/gomodule/redigo",
        "stackexchange.redis",
        "redix",
        "predis/predis",
        "redisson",
    },
    "sqlserver": {
        "microsoft.entityframeworkcore.sqlserver",
        "microsoft.data.sqlclient",
        "system.data.sqlclient",
        "mssql-jdbc",
        "mssql",
        "tedious",
        "github.com/microsoft/go-mssqldb",
        "github.com/denisenkom/go-mssqldb",
    },
    "mongodb": {
        "pymongo",
        "motor",
        "mongoengine",
        "beanie",
        "mongoose",
        "mongodb",
        "go.mongodb.org/mongo-driver",
        "spring-boot-starter-data-mongodb",
        "mongodb-driver-sync",
        "mongoid",
        "mongodb.driver",
        "mongodb/mongodb",
    },
}
_SERVER_SQL = frozenset({"postgres", "mysql", "sqlserver"})
# Kinds a local service stands in for (LocalStack emulates AWS services).
_COVERS = {
    "aws": {"aws", "dynamodb", "queue", "s3"},
    "redis": {"queue"},  # Celery, RQ, Dramatiq and Sidekiq brokers
    "postgres": {"sql"},
    "mysql": {"sql"},
    "sqlserver": {"sql"},
}
# Dev/local settings files (tests are not dev/prod parity: they are filtered out separately).
_DEV_NAME = re.compile(r"(?i)(^|/|[._-])(dev|develop|development|local)([._-]|/|$)")
_TEST_NAME = re.compile(r"(?i)(^|/|[._-])(tests?|testing|ci)([._-][^/]*)?$")
_EMBEDDED_JDBC = re.compile(r"(?i)^jdbc:(h2|hsqldb|derby):")
_SQLITE_URL = re.compile(r"(?i)^sqlite")
_PROD_JDBC = re.compile(r"(?i)^jdbc:(postgresql|mysql|mariadb|sqlserver)")
_DJANGO_ENGINES = {
    "postgresql": "postgres",
    "postgresql_psycopg2": "postgres",
    "mysql": "mysql",
    "postgis": "postgres",
}
_RDS_ENGINES = (
    ("postgres", "postgres"),
    ("aurora-postgresql", "postgres"),
    ("mysql", "mysql"),
    ("aurora-mysql", "mysql"),
    ("aurora", "mysql"),
    ("mariadb", "mysql"),
    ("sqlserver", "sqlserver"),
)


def _plausible(signal: dict) -> bool:
    """Go module paths only mean an import in Go code (not in a list of names elsewhere)."""
    return "/" not in str(signal["detail"].get("client", "")) or signal.get("lang") == "go"


def _is_dev_file(path: str) -> bool:
    return bool(_DEV_NAME.search(path.rsplit("/", 1)[-1])) or "/dev/" in f"/{path}"


def _image_kind(image: object) -> str | None:
    name, _tag, _digest = d.split_image_ref(str(image or ""))
    last = name.rsplit("/", 1)[-1].lower()
    return next((kind for pattern, kind in _IMAGE_KINDS if pattern.match(last)), None)


def _images_in(data: object, limit: int = 10_000) -> list[str]:
    """Every ``image:`` value in a parsed manifest (iterative: a hostile file may nest deeply)."""
    images, stack, seen = [], [data], 0
    while stack and seen < limit:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            if isinstance(node.get("image"), str):
                images.append(node["image"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return images


def _dev_cluster_kinds(ctx: CheckContext) -> dict[str, Evidence]:
    """Kubernetes manifests for a development cluster (`k8s/dev/`, `*-dev.yaml`): the images
    they run are what local development (kind, minikube) uses."""
    found: dict[str, Evidence] = {}
    for document in d.documents(ctx, "k8s", production_only=False):
        if not _is_dev_file(document["path"]) or _TEST_NAME.search(document["path"]):
            continue
        for entry, data in d.iter_docs(document):
            for image in _images_in(data):
                kind = _image_kind(image)
                if kind and kind not in found:
                    found[kind] = ctx.evidence(
                        document["path"], entry.get("line"), f"image {image}"
                    )
    return found


def _local_kinds(ctx: CheckContext) -> dict[str, Evidence]:
    found: dict[str, Evidence] = _dev_cluster_kinds(ctx)
    for svc in d.compose_services(ctx):
        kind = _image_kind(svc["service"].get("image"))
        if kind and kind not in found:
            found[kind] = ctx.evidence(
                svc["path"],
                d.line_of(svc["entry"], svc["pointer"]),
                f"{svc['name']}: image {svc['service'].get('image')}",
            )
    return found


def _rds_kind(engine: object) -> str:
    text = str(engine or "").lower()
    return next((kind for prefix, kind in _RDS_ENGINES if text.startswith(prefix)), "sql")


def _resource_kinds(ctx: CheckContext) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    for res in d.cfn_resources(ctx):
        kind = None
        if res["type"] in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
            kind = _rds_kind(res["properties"].get("Engine"))
        elif res["type"].startswith("AWS::ElastiCache::"):
            engine = str(res["properties"].get("Engine") or "redis").lower()
            kind = "memcached" if engine == "memcached" else "redis"
        if kind and kind not in found:
            found[kind] = ctx.evidence(
                res["path"],
                d.line_of(res["entry"], res["pointer"]),
                f"{res['name']}: {res['type']}",
            )
    for res in d.terraform_resources(ctx, "aws_"):
        kind = None
        if res["type"] in ("aws_db_instance", "aws_rds_cluster"):
            kind = _rds_kind((res.get("attrs") or {}).get("engine"))
        elif res["type"].startswith("aws_elasticache_"):
            engine = str((res.get("attrs") or {}).get("engine") or "redis").lower()
            kind = "memcached" if engine == "memcached" else "redis"
        if kind and kind not in found:
            found[kind] = ctx.evidence(res["path"], res.get("line"), f"{res['type']}.{res['name']}")
    for document in d.documents(ctx, "helm_chart"):
        for entry, data in d.iter_docs(document):
            for i, dep in enumerate((data or {}).get("dependencies") or []):
                name = str((dep or {}).get("name", "")).lower() if isinstance(dep, dict) else ""
                kind = _image_kind(name) if name else None
                if kind and kind not in found:
                    found[kind] = ctx.evidence(
                        document["path"],
                        d.line_of(entry, f"/dependencies/{i}"),
                        f"Helm dependency {name}",
                    )
    return found


def _production_kinds(ctx: CheckContext) -> dict[str, Evidence]:
    """Kinds of backing service production uses: drivers, production settings, IaC resources."""
    found = _resource_kinds(ctx)
    for kind, names in _DEPENDENCY_KINDS.items():
        for manifest, dep in d.dependency_hits(ctx, frozenset(names)):
            found.setdefault(kind, ctx.evidence(manifest["path"], dep.get("line"), dep["name"]))
    for signal in d.signals(ctx, "backing.client"):
        kind = signal["detail"].get("service")
        if kind and kind != "sql" and not _is_dev_file(signal["path"]) and _plausible(signal):
            found.setdefault(kind, ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for signal in d.signals(ctx, "backing.client"):
        kind = _multi_database_kind(signal)
        if kind and not _is_dev_file(signal["path"]):
            found.setdefault(kind, ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for signal in d.signals(ctx, "backing.django-database"):
        kind = _DJANGO_ENGINES.get(str(signal["detail"].get("engine")))
        if kind and not _is_dev_file(signal["path"]):
            found.setdefault(kind, ctx.evidence(signal["path"], signal["line"], signal["excerpt"]))
    for config in d.app_config_settings(ctx):
        url = str(config["settings"].get("spring.datasource.url") or "")
        match = _PROD_JDBC.match(url)
        if match and not _is_dev_file(config["path"]):
            kind = {"postgresql": "postgres", "mariadb": "mysql"}.get(
                match[1].lower(), match[1].lower()
            )
            found.setdefault(
                kind,
                ctx.evidence(
                    config["path"],
                    d.line_of(config["entry"], ""),
                    f"spring.datasource.url={url[:60]}",
                ),
            )
    return found


# Toolkits that speak several databases (sqlx, SeaORM, Diesel): the item used names which.
_MULTI_DATABASE_CLIENTS = frozenset({"sqlx", "sea_orm", "diesel"})
_DRIVER_WORDS = (
    (re.compile(r"postgres|\bPg[A-Z]\w*|\bPg\b"), "postgres"),
    (re.compile(r"mysql|MySql"), "mysql"),
)
# A database URL whose fallback, when the variable is unset, is a SQLite file.
_SQLITE_FALLBACK = re.compile(r"(?i)[\"'`]sqlite(?:3)?(?:\+\w+)?:")


def _multi_database_kind(signal: dict) -> str | None:
    if signal["detail"].get("client") not in _MULTI_DATABASE_CLIENTS:
        return None
    excerpt = str(signal.get("excerpt") or "")
    return next((kind for pattern, kind in _DRIVER_WORDS if pattern.search(excerpt)), None)


def _sqlite_fallbacks(ctx: CheckContext) -> list[Evidence]:
    """``os.getenv("DATABASE_URL", "sqlite:///db.sqlite3")``, ``dj_database_url.config(
    default="sqlite://...")``: wherever the variable is unset (a laptop), SQLite runs."""
    found = []
    for signal in [*d.signals(ctx, "env.read"), *d.signals(ctx, "env.framework")]:
        excerpt = str(signal.get("excerpt") or "")
        if _SQLITE_FALLBACK.search(excerpt):
            name = (signal.get("detail") or {}).get("name") or "the database URL"
            found.append(
                ctx.evidence(signal["path"], signal["line"], f"{name} falls back to SQLite")
            )
    return found


def _fallback_substitutes(ctx: CheckContext) -> list[Evidence]:
    """SQLite the production code itself falls back to (a SQLite URL, a settings branch):
    what a laptop runs unless the repository's local environment (compose, a script) runs the
    production database."""
    found = [
        _signal_evidence(ctx, signal, "the code falls back to a SQLite file")
        for signal in d.signals(ctx, "backing.sqlite-url")
    ]
    for signal in d.signals(ctx, "backing.django-database"):
        path = signal["path"]
        embedded = signal["detail"].get("engine") == "sqlite3"
        if embedded and not _TEST_NAME.search(path) and not _is_dev_file(path):
            found.append(_signal_evidence(ctx, signal, "settings fall back to SQLite"))
    return found


def _substitutes(ctx: CheckContext) -> list[Evidence]:
    """Dev/local configuration that swaps a server database for an embedded one. Spring's
    embedded default is one even beside a compose file: the server databases are opt-in profiles."""
    found: list[Evidence] = [*_sqlite_fallbacks(ctx), *_embedded_spring_default(ctx)]
    for signal in d.signals(ctx, "backing.django-database"):
        if signal["detail"].get("engine") == "sqlite3" and _is_dev_file(signal["path"]):
            found.append(
                ctx.evidence(
                    signal["path"], signal["line"], "dev settings use django.db.backends.sqlite3"
                )
            )
    for config in d.app_config_settings(ctx):
        url = str(config["settings"].get("spring.datasource.url") or "")
        if _EMBEDDED_JDBC.match(url) and _is_dev_file(config["path"]):
            found.append(
                ctx.evidence(
                    config["path"],
                    d.line_of(config["entry"], ""),
                    f"spring.datasource.url={url[:60]}",
                )
            )
    for svc in d.compose_services(ctx):
        env = svc["service"].get("environment")
        items = (
            env.items()
            if isinstance(env, dict)
            else ((str(e).partition("=")[0], str(e).partition("=")[2]) for e in env or [])
        )
        for name, value in items:
            if str(name).upper() == "DATABASE_URL" and _SQLITE_URL.match(str(value or "")):
                found.append(
                    ctx.evidence(
                        svc["path"],
                        d.line_of(svc["entry"], svc["pointer"]),
                        f"{svc['name']}: DATABASE_URL={str(value)[:40]}",
                    )
                )
    return found


# Embedded databases Spring Boot starts when no datasource URL is configured.
_EMBEDDED_JVM_DATABASES = frozenset({"h2", "hsqldb", "derby"})
_SPRING_BASE_CONFIG = re.compile(r"(^|/)application\.(properties|ya?ml)$")
_SPRING_URL_KINDS = {"postgresql": "postgres", "mariadb": "mysql", "mysql": "mysql",
                     "sqlserver": "sqlserver", "sqlite": "sqlite"}  # fmt: skip
_URL_DATABASE_FRAMEWORKS = frozenset({"dj-database-url", "django-environ"})
_URL_SCHEME_KINDS = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql",
                     "mariadb": "mysql", "redis": "redis", "mongodb": "mongodb"}  # fmt: skip


def _signal_evidence(ctx: CheckContext, signal: dict, text: str | None = None) -> Evidence:
    return ctx.evidence(signal["path"], signal["line"], text or signal["excerpt"])


def _spring_datasources(ctx: CheckContext) -> tuple[dict[str, Evidence], dict[str, Evidence]]:
    """(kinds of the base ``application.*`` datasource, kinds of profile-specific ones)."""
    base: dict[str, Evidence] = {}
    profiles: dict[str, Evidence] = {}
    for config in d.app_config_settings(ctx):
        url = str(config["settings"].get("spring.datasource.url") or "")
        match = re.match(r"(?i)^jdbc:(\w+):", url)
        kind = _SPRING_URL_KINDS.get(match[1].lower()) if match else None
        if kind:
            target = base if _SPRING_BASE_CONFIG.search(config["path"]) else profiles
            line = d.line_of(config["entry"], "")
            target.setdefault(
                kind, ctx.evidence(config["path"], line, f"spring.datasource.url={url[:60]}")
            )
    return base, profiles


def _declared_everywhere(ctx: CheckContext) -> dict[str, Evidence]:
    """The database an application names once for all its environments: a Rails database.yml
    whose environments share one adapter, a Prisma provider, Laravel's default connection, a
    Django project whose only engine is SQLite, a Spring base datasource no profile overrides."""
    declared: dict[str, Evidence] = {}
    for signal in d.signals(ctx, "backing.declared-database"):
        declared.setdefault(str(signal["detail"]["engine"]), _signal_evidence(ctx, signal))
    engines = d.signals(ctx, "backing.django-database")
    sqlite_only = engines and all(s["detail"].get("engine") == "sqlite3" for s in engines)
    if sqlite_only and not _url_configured_databases(ctx):
        declared.setdefault("sqlite", _signal_evidence(ctx, engines[0]))
    base, profiles = _spring_datasources(ctx)
    if len(base) == 1 and not set(profiles) - set(base):
        declared.update(base)
    return declared if len(declared) == 1 else {}


def _local_defaults(ctx: CheckContext) -> dict[str, Evidence]:
    """``dj_database_url.config(default="postgres://...@localhost/app")``, ``docker run ...
    postgres`` in a script: the service a developer's machine runs."""
    found: dict[str, Evidence] = {}
    for signal in d.signals(ctx, "backing.local-url"):
        detail = signal["detail"]
        name = str(detail.get("scheme") or detail.get("image") or "").rsplit("/", 1)[-1]
        kind = _URL_SCHEME_KINDS.get(name) or _image_kind(name)
        if kind:
            found.setdefault(kind, _signal_evidence(ctx, signal, f"runs a local {kind}"))
    return found


def _url_configured_databases(ctx: CheckContext) -> list[Evidence]:
    """``dj_database_url.config()`` in a settings module that also names SQLite: production
    reads a server database's URL, and the SQLite branch is what runs locally."""
    sqlite_files = {
        s["path"]
        for s in d.signals(ctx, "backing.django-database")
        if s["detail"].get("engine") == "sqlite3" and not _TEST_NAME.search(s["path"])
    }
    return [
        _signal_evidence(ctx, s, "production reads DATABASE_URL (dj-database-url)")
        for s in d.signals(ctx, "env.framework")
        if s["detail"].get("framework") in _URL_DATABASE_FRAMEWORKS and s["path"] in sqlite_files
    ]


def _aspire_resources(ctx: CheckContext) -> dict[str, Evidence]:
    """An Aspire AppHost runs its resources as local containers and provisions them on deploy."""
    found: dict[str, Evidence] = {}
    for signal in d.signals(ctx, "backing.aspire-resource"):
        found.setdefault(str(signal["detail"]["service"]), _signal_evidence(ctx, signal))
    return found


def _embedded_spring_default(ctx: CheckContext) -> list[Evidence]:
    """An embedded JVM database on the classpath and no datasource in the base config: the
    default profile (a developer's run) uses it; profiles switch to a server database."""
    base, _profiles = _spring_datasources(ctx)
    bases = [c for c in d.app_config_settings(ctx) if _SPRING_BASE_CONFIG.search(c["path"])]
    if base or not bases:
        return []
    hits = d.dependency_hits(ctx, _EMBEDDED_JVM_DATABASES)
    return [
        ctx.evidence(manifest["path"], dep.get("line"), f"{dep['name']} (embedded by default)")
        for manifest, dep in hits[:1]
    ]


def _covered(kind: str, local: set[str]) -> bool:
    return kind in local or any(kind in _COVERS.get(have, ()) for have in local)


@check("parity.same-backing-services")
def same_backing_services(ctx: CheckContext) -> Outcome:
    everywhere = {**_declared_everywhere(ctx), **_aspire_resources(ctx)}
    production = {**_production_kinds(ctx), **everywhere}
    local = {**_local_defaults(ctx), **_local_kinds(ctx), **everywhere}
    substitutes = _substitutes(ctx)
    if not _SERVER_SQL & set(local):
        substitutes += _fallback_substitutes(ctx)
    server_sql = sorted(_SERVER_SQL & set(production))
    url_databases = _url_configured_databases(ctx)
    if substitutes and url_databases and not server_sql:
        return Outcome.failed(
            "Local settings use SQLite while production reads a database URL.",
            [*substitutes[:3], *url_databases[:2]],
        )
    if substitutes and server_sql:
        return Outcome.failed(
            f"Local/dev configuration uses an embedded database while production uses "
            f"{', '.join(server_sql)}.",
            [*substitutes[:3], *(production[k] for k in server_sql)][:MAX_EVIDENCE],
        )
    if not production and not local:
        if substitutes:
            return Outcome.unknown(
                "Dev settings use an embedded database; what production "
                "uses is not declared in the repository.",
                substitutes[:3],
            )
        return Outcome.not_applicable("No backing service is used or declared.")
    if not local:
        return Outcome.unknown(
            f"Production uses {', '.join(sorted(production))}; the repository does not say what "
            "local development runs.",
            list(production.values())[:MAX_EVIDENCE],
        )
    if not production:
        return Outcome.unknown(
            f"The local environment runs {', '.join(sorted(local))}; which services production "
            "uses is not declared in the repository.",
            list(local.values())[:MAX_EVIDENCE],
        )
    missing = sorted(k for k in production if not _covered(k, set(local)))
    matched = sorted(k for k in production if _covered(k, set(local)))
    if not missing:
        return Outcome.passed(
            f"The local environment runs the same kinds of service as production "
            f"({', '.join(matched)}).",
            [*local.values(), *production.values()][:MAX_EVIDENCE],
        )
    if matched:
        return Outcome.warned(
            f"The local environment runs {', '.join(matched)} but not {', '.join(missing)}, "
            "which production uses.",
            [*(production[k] for k in missing), *local.values()][:MAX_EVIDENCE],
        )
    return Outcome.unknown(
        f"Production uses {', '.join(sorted(production))}; the local environment runs "
        f"{', '.join(sorted(local))}.",
        [*production.values(), *local.values()][:MAX_EVIDENCE],
    )


# --- parity.multi-env-iac ---

_ENV_PARAMETER = re.compile(
    r"(?i)^(stage|stagename|env|envname|environment|environmentname|environmenttype|envtype|"
    r"deploymentenvironment|deployenv|stack|stackname|stackenv|appenv|targetenv|[a-z]*(stage|"
    r"environment))$"
)
_ENV_WORDS = re.compile(
    r"(?i)^(dev|develop|development|test|qa|uat|stage|staging|stg|preprod|pre-prod|prod|"
    r"production|prd|sandbox|demo|live|int|integration|local)$"
)
_HELM_ENV_VALUES = re.compile(r"(?i)(^|/)values[-._][\w-]+\.ya?ml$")
_TFVARS = re.compile(r"\.tfvars(\.json)?$")
_TF_ENV_DIR = re.compile(r"(?i)(^|/)(environments?|envs?|stages?|live)/([\w.-]+)/[^/]+\.tf$")
_SLS_STAGE = re.compile(r"\$\{(opt:stage|sls:stage|self:provider\.stage|env:STAGE)")
_PULUMI_STACK = re.compile(r"(^|/)Pulumi\.[\w-]+\.ya?ml$")
_HELMFILE = re.compile(r"(^|/)helmfile[^/]*\.ya?ml$")
_TERRAGRUNT = re.compile(r"(^|/)terragrunt\.hcl$")


def _kustomize_evidence(ctx: CheckContext) -> list[Evidence]:
    files = d.documents(ctx, "kustomization")
    overlays = []
    for document in files:
        for entry, data in d.iter_docs(document):
            refs = (
                [
                    *(data.get("resources") or []),
                    *(data.get("bases") or []),
                    *(data.get("components") or []),
                ]
                if isinstance(data, dict)
                else []
            )
            if "/overlays/" in f"/{document['path']}" or any(
                str(r).startswith("../") for r in refs
            ):
                overlays.append(
                    ctx.evidence(document["path"], entry.get("line"), "Kustomize overlay")
                )
    if len(overlays) >= 2 or (overlays and len(files) >= 2):
        return overlays
    return []


def _helm_evidence(ctx: CheckContext) -> list[Evidence]:
    by_chart: dict[str, list[str]] = {}
    for document in d.documents(ctx, "helm_values"):
        folder = document["path"].rsplit("/", 1)[0] if "/" in document["path"] else ""
        by_chart.setdefault(folder, []).append(document["path"])
    env_values = [p for p in d.paths(ctx) if _HELM_ENV_VALUES.search(p)]
    for chart_files in by_chart.values():
        if len(chart_files) >= 2:
            return [ctx.evidence(p, None, "Helm values file") for p in chart_files]
    if len(env_values) >= 2 or (env_values and by_chart):
        return [ctx.evidence(p, None, "Helm values per environment") for p in env_values]
    helmfiles = d.has_path(ctx, _HELMFILE.pattern)
    return [ctx.evidence(helmfiles[0], None, "helmfile")] if helmfiles else []


def _cfn_parameter_evidence(ctx: CheckContext) -> tuple[list[Evidence], list[Evidence]]:
    """(templates with an environment parameter, templates without one)."""
    good, bad = [], []
    for document in d.documents(ctx, "cloudformation"):
        for entry, data in d.iter_docs(document):
            if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
                continue
            params = data.get("Parameters") if isinstance(data.get("Parameters"), dict) else {}
            # A parameter read from the account's SSM Parameter Store takes each environment's
            # value where the stack is deployed.
            env = [p for p in params if _ENV_PARAMETER.match(str(p))] + [
                p
                for p, spec in params.items()
                if isinstance(spec, dict)
                and str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value")
            ]
            if env:
                good.append(
                    ctx.evidence(
                        document["path"],
                        d.line_of(entry, f"/Parameters/{env[0]}"),
                        f"Parameters: {env[0]}",
                    )
                )
            else:
                bad.append(
                    ctx.evidence(
                        document["path"],
                        entry.get("line"),
                        "template without an environment parameter",
                    )
                )
    return good, bad


def _samconfig_evidence(ctx: CheckContext) -> list[Evidence]:
    for document in d.documents(ctx, "platform"):
        if not document["path"].endswith("samconfig.toml"):
            continue
        for entry, data in d.iter_docs(document):
            envs = [k for k, v in (data or {}).items() if isinstance(v, dict) and "deploy" in v]
            if len(envs) >= 2:
                return [
                    ctx.evidence(
                        document["path"],
                        entry.get("line"),
                        f"samconfig environments: {', '.join(envs[:4])}",
                    )
                ]
    return []


def _serverless_evidence(ctx: CheckContext) -> list[Evidence]:
    for document in d.documents(ctx, "serverless"):
        for entry, data in d.iter_docs(document):
            text = str(data)
            if _SLS_STAGE.search(text) or "${sls:" in text:
                return [
                    ctx.evidence(
                        document["path"],
                        d.line_of(entry, "/provider/stage"),
                        "serverless stage parameter",
                    )
                ]
            params = (data or {}).get("params") if isinstance(data, dict) else None
            if isinstance(params, dict) and len(params) >= 2:
                return [
                    ctx.evidence(
                        document["path"], d.line_of(entry, "/params"), "serverless params per stage"
                    )
                ]
    return []


def _terraform_evidence(ctx: CheckContext) -> list[Evidence]:
    tfvars = d.has_path(ctx, _TFVARS.pattern)
    if len(tfvars) >= 2:
        return [ctx.evidence(p, None, "Terraform variables per environment") for p in tfvars]
    env_dirs = {m[3] for p in d.has_path(ctx, _TF_ENV_DIR.pattern) if (m := _TF_ENV_DIR.search(p))}
    if len(env_dirs) >= 2:
        return [
            ctx.evidence(p, None, "Terraform environment folder")
            for p in d.has_path(ctx, _TF_ENV_DIR.pattern)
        ][:MAX_EVIDENCE]
    grunt = d.has_path(ctx, _TERRAGRUNT.pattern)
    if len(grunt) >= 2:
        return [ctx.evidence(p, None, "Terragrunt environment") for p in grunt]
    for tf in d.repo(ctx).get("terraform", []):
        if d.is_non_production_path(tf["path"]):
            continue
        if "terraform.workspace" in str(tf.get("resources")) + str(tf.get("modules")):
            return [ctx.evidence(tf["path"], None, "terraform.workspace")]
        env_vars = [v for v in tf.get("variables") or [] if _ENV_PARAMETER.match(str(v))]
        if env_vars:
            return [ctx.evidence(tf["path"], None, f'variable "{env_vars[0]}"')]
    return []


def _platform_evidence(ctx: CheckContext) -> list[Evidence]:
    stacks = d.has_path(ctx, _PULUMI_STACK.pattern)
    if len(stacks) >= 2:
        return [ctx.evidence(p, None, "Pulumi stack") for p in stacks]
    bicep = [
        ctx.evidence(s["path"], s["line"], s.get("excerpt") or "Bicep environment parameter")
        for s in d.signals(ctx, "deploy.code.env-parameter")
        if not d.is_non_production_path(s["path"])
    ]
    if bicep:
        return bicep
    specs = _platform_specs(ctx)
    if len(specs) >= 2 and any(_named_for_environment(p) for p in specs):
        return [ctx.evidence(p, None, "platform spec per environment") for p in specs]
    for document in d.documents(ctx, "platform"):
        if document["path"].rsplit("/", 1)[-1] != "cdk.json":
            continue
        for entry, data in d.iter_docs(document):
            context = (data or {}).get("context") if isinstance(data, dict) else None
            keys = [str(k).rsplit(":", 1)[-1] for k in (context or {})]
            envs = [
                k for k in keys if _ENV_WORDS.match(k) or k.lower() in ("environments", "stages")
            ]
            if envs:
                return [
                    ctx.evidence(
                        document["path"],
                        d.line_of(entry, "/context"),
                        f"CDK context: {', '.join(envs[:3])}",
                    )
                ]
    return []


def _copies_per_environment(ctx: CheckContext) -> list[Evidence]:
    """Plain manifests duplicated in one folder per environment (k8s/prod, k8s/staging...)."""
    by_env: dict[str, str] = {}
    for document in d.documents(ctx, "k8s"):
        parts = document["path"].split("/")[:-1]
        env = next((p for p in parts if _ENV_WORDS.match(p)), None)
        if env:
            by_env.setdefault(env.lower(), document["path"])
    if len(by_env) >= 2:
        return [ctx.evidence(path, None, f"manifests for {env}") for env, path in by_env.items()]
    return []


def _platform_specs(ctx: CheckContext) -> list[str]:
    return [
        doc["path"]
        for doc in d.documents(ctx, "platform")
        if doc["path"].rsplit("/", 1)[-1] != "cdk.json"
        and not d.is_non_production_path(doc["path"])
        and any(s["path"] == doc["path"] for s in platforms.platform_services(ctx))
    ]


def _named_for_environment(path: str) -> bool:
    """``deploy/staging/spec.yaml``, ``render.production.yaml``."""
    return any(_ENV_WORDS.match(part) for part in re.split(r"[/._-]", path))


def _single_definitions(ctx: CheckContext) -> list[Evidence]:
    """Deploy definitions that exist once, with nothing to vary per environment: an app
    platform spec, a Procfile, a compose file that is the deploy manifest, a CDK app whose
    context names no environment."""
    found = [
        ctx.evidence(p, None, "one platform spec for every environment")
        for p in _platform_specs(ctx)[:1]
    ]
    procfiles = d.procfile_processes(ctx)
    if procfiles and not found:
        found.append(ctx.evidence(procfiles[0]["path"], None, "one Procfile, no environments"))
    compose = d.deploy_compose_services(ctx)
    if compose:
        found.append(ctx.evidence(compose[0]["path"], None, "one compose deploy file"))
    cdk = [doc["path"] for doc in d.documents(ctx, "platform") if doc["path"].endswith("cdk.json")]
    if cdk:
        found.append(ctx.evidence(cdk[0], None, "CDK app without per-environment context"))
    return found


def _unparameterised(ctx: CheckContext) -> list[Evidence]:
    found = _single_definitions(ctx)
    plain_k8s = [doc for doc in d.documents(ctx, "k8s")]
    if plain_k8s:
        found.append(
            ctx.evidence(
                plain_k8s[0]["path"], None, "plain Kubernetes manifests, no overlays or values"
            )
        )
    tf_files = [
        tf
        for tf in d.repo(ctx).get("terraform", [])
        if not d.is_non_production_path(tf["path"]) and tf.get("resources")
    ]
    if tf_files:
        found.append(
            ctx.evidence(
                tf_files[0]["path"],
                None,
                "Terraform without tfvars, workspaces or environment folders",
            )
        )
    return found


@check("parity.multi-env-iac")
def multi_env_iac(ctx: CheckContext) -> Outcome:
    cfn_good, cfn_bad = _cfn_parameter_evidence(ctx)
    for tool, evidence in (
        ("Kustomize overlays", _kustomize_evidence(ctx)),
        ("Helm values per environment", _helm_evidence(ctx)),
        ("CloudFormation/SAM environment parameter", cfn_good),
        ("samconfig.toml environments", _samconfig_evidence(ctx)),
        ("Serverless stages", _serverless_evidence(ctx)),
        ("Terraform per-environment variables", _terraform_evidence(ctx)),
        ("stacks per environment", _platform_evidence(ctx)),
    ):
        if evidence:
            return Outcome.passed(
                f"One deployment definition is parameterised per environment ({tool}).",
                evidence[:MAX_EVIDENCE],
            )
    copies = _copies_per_environment(ctx)
    if copies:
        return Outcome.warned(
            "Deployment manifests are copied once per environment instead of "
            "one definition with per-environment overlays or values.",
            copies[:MAX_EVIDENCE],
        )
    bad = [*cfn_bad, *_unparameterised(ctx)]
    if bad:
        return Outcome.failed(
            "The deployment definition has no per-environment parameters, overlays or values.",
            bad[:MAX_EVIDENCE],
        )
    return Outcome.unknown("No parameterisable deployment definition in the repository.")
