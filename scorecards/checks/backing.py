"""Checks of factor IV, Backing services (see catalogue/backing.yaml for metadata, remediation)."""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks import live_aws, live_k8s
from scorecards.checks.config import literal_endpoints, platform_env_vars, plural
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome
from scorecards.collectors.repo_files import redaction

MAX_EVIDENCE = 5

# --- backing.attached-by-url ---

# Dependencies (any ecosystem, lower case; Maven/Gradle by artifact) that talk to a backing service.
BACKING_DEPENDENCIES = frozenset({
    # Python
    "psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "asyncpg", "pg8000", "aiopg",
    "pymysql", "mysqlclient", "aiomysql", "redis", "aioredis", "django-redis", "hiredis",
    "celery", "kombu", "pika", "aio-pika", "dramatiq", "rq", "kafka-python", "confluent-kafka",
    "aiokafka", "pymongo", "motor", "mongoengine", "beanie", "elasticsearch", "opensearch-py",
    "pymemcache", "pylibmc", "cassandra-driver", "dj-database-url",
    # Node.js
    "pg", "pg-promise", "postgres", "mysql", "mysql2", "mongoose", "mongodb", "ioredis",
    "amqplib", "amqp-connection-manager", "kafkajs", "bullmq", "bull", "bee-queue",
    "sequelize", "typeorm", "@prisma/client", "prisma", "knex", "@mikro-orm/core", "connect-redis",
    "@elastic/elasticsearch", "memcached", "memjs",
    # Go
    "github.com/lib/pq", "github.com/jackc/pgx/v4", "github.com/jackc/pgx/v5",
    "github.com/go-sql-driver/mysql", "github.com/redis/go-redis/v9",
    "github.com/go-redis/redis/v8", "github.com/go-redis/redis", "github.com/gomodule/redigo",
    "go.mongodb.org/mongo-driver", "github.com/shopify/sarama", "github.com/ibm/sarama",
    "github.com/segmentio/kafka-go", "github.com/rabbitmq/amqp091-go",
    "github.com/streadway/amqp", "gorm.io/driver/postgres", "gorm.io/driver/mysql",
    # Java / Kotlin
    "spring-boot-starter-data-jpa", "spring-boot-starter-data-redis", "spring-boot-starter-jdbc",
    "spring-boot-starter-data-mongodb", "spring-boot-starter-amqp", "spring-kafka",
    "spring-boot-starter-data-elasticsearch", "postgresql", "mysql-connector-java",
    "mysql-connector-j", "mariadb-java-client", "jedis", "lettuce-core", "kafka-clients",
    "mongodb-driver-sync", "amqp-client", "redisson",
    # Ruby, PHP, .NET, Rust, Elixir
    "sidekiq", "bunny", "mongoid", "dalli", "predis/predis", "php-amqplib/php-amqplib",
    "mongodb/mongodb", "npgsql", "npgsql.entityframeworkcore.postgresql", "stackexchange.redis",
    "microsoft.data.sqlclient", "system.data.sqlclient", "mysqlconnector", "mongodb.driver",
    "rabbitmq.client", "confluent.kafka", "sqlx", "diesel", "tokio-postgres", "lapin",
    "rdkafka", "postgrex", "redix", "myxql",
})  # fmt: skip


# Variable names that carry a backing service's location (a URL, host or DSN; not a password).
def location_name(name: str) -> bool:
    return redaction.is_location_name(name)


# Frameworks that bind environment variables to their data-source settings.
BINDING_FRAMEWORKS = frozenset({
    "spring-boot", "spring-config", "aspnet-core", "rails-erb", "dj-database-url",
    "django-environ", "pydantic-settings", "envconfig",
})  # fmt: skip


def _dependency_clients(ctx: CheckContext) -> list[tuple[dict, dict]]:
    return d.dependency_hits(ctx, BACKING_DEPENDENCIES)


def _sqlite_only_django(ctx: CheckContext) -> bool:
    engines = {s["detail"].get("engine") for s in d.signals(ctx, "backing.django-database")}
    return bool(engines) and engines <= {"sqlite3"}


def backing_clients(ctx: CheckContext) -> list[dict]:
    """``backing.client`` signals of production code (a SQLite-only Django DATABASES left out),
    and server databases a framework file declares (Laravel, Rails, Prisma)."""
    clients = d.signals(ctx, "backing.client")
    if _sqlite_only_django(ctx):
        clients = [s for s in clients if s["detail"].get("client") != "DATABASES"]
    for signal in d.signals(ctx, "backing.declared-database"):
        engine = signal["detail"].get("engine")
        if engine != "sqlite":
            clients.append({**signal, "detail": {"client": "database config", "service": engine}})
    return clients


def _sqlite_files(ctx: CheckContext) -> list[Evidence]:
    """The app's only database is a SQLite file the code names (Django, Rails, Laravel...)."""
    found = []
    if _sqlite_only_django(ctx):
        found += d.signals(ctx, "backing.django-database")
    found += [
        s
        for s in d.signals(ctx, "backing.declared-database")
        if s["detail"].get("engine") == "sqlite"
    ]
    return [ctx.evidence(s["path"], s["line"], s["excerpt"]) for s in found[:MAX_EVIDENCE]]


def _location_sources(ctx: CheckContext) -> list[tuple[dict, str]]:
    """Where backing-service locations come from configuration: (item, excerpt)."""
    found: list[tuple[dict, str]] = []
    for signal in d.signals(ctx, "env.read"):
        name = signal["detail"].get("name")
        if name and location_name(name):
            found.append((signal, f"reads {name} from the environment"))
    for signal in d.signals(ctx, "env.framework"):
        framework = signal["detail"].get("framework")
        if framework in BINDING_FRAMEWORKS:
            found.append((signal, f"{framework} binds environment variables to settings"))
    for entry in [*d.deploy_env_vars(ctx), *platform_env_vars(ctx)]:
        if entry["name"] and location_name(entry["name"]):
            found.append((entry, f"{entry['name']} set for {entry['unit']} ({entry['tool']})"))
    return found


def _client_evidence(
    ctx: CheckContext, clients: list[dict], deps: list[tuple[dict, dict]]
) -> list[Evidence]:
    evidence = [
        ctx.evidence(
            s["path"],
            s["line"],
            f"{s['detail'].get('client')} ({s['detail'].get('service')} client)",
        )
        for s in clients[:3]
    ]
    evidence += [
        ctx.evidence(m["path"], dep.get("line"), f"depends on {dep['name']}")
        for m, dep in deps[: 3 - len(evidence[:3])]
    ]
    return evidence


# Locations of telemetry and error-reporting agents, not of the app's backing services.
_TELEMETRY_NAME = re.compile(r"(?i)^(OTEL|JAEGER|ZIPKIN|SENTRY|DD|DATADOG|STATSD|NEW_RELIC|K_)")


def _live_attached_by_url(ctx: CheckContext) -> Outcome:
    """Running containers given backing-service locations through their environment."""
    if ctx.repo is not None and not backing_clients(ctx) and not _dependency_clients(ctx):
        return Outcome.not_applicable("No database, cache or queue client in the code.")
    view = live_k8s.view(ctx)
    found = [
        e
        for e in live_k8s.env_vars(ctx)
        if e["name"] and location_name(e["name"]) and not _TELEMETRY_NAME.match(e["name"])
    ]
    if not found:
        return live_k8s.not_found("backing-service location in a container's environment")
    unique: dict[str, dict] = {}
    for entry in found:
        unique.setdefault(entry["name"], entry)
    return Outcome.passed(
        f"Running containers get backing-service locations from their environment "
        f"({plural(len(unique), 'variable')}).",
        [
            view.evidence(e["path"], e["line"], f"{e['name']} set for {e['unit']} ({e['kind']})")
            for e in list(unique.values())[:MAX_EVIDENCE]
        ],
    )


def _aws_attached_by_url(ctx: CheckContext) -> Outcome:
    """Live Lambda functions and ECS containers given backing-service locations by name."""
    if ctx.repo is not None and not backing_clients(ctx) and not _dependency_clients(ctx):
        return Outcome.not_applicable("No database, cache or queue client in the code.")
    unique: dict[str, dict] = {}
    for entry in live_aws.env_vars(ctx):
        name = entry["name"]
        if location_name(name) and not _TELEMETRY_NAME.match(name):
            unique.setdefault(name, entry)
    if not unique:
        return live_aws.not_found("backing-service location in an environment")
    return Outcome.passed(
        f"Live functions and containers get backing-service locations from their environment "
        f"({plural(len(unique), 'variable')}).",
        [
            live_aws.evidence(e["resource"], e["pointer"], f"{e['name']} set for {e['unit']}")
            for e in list(unique.values())[:MAX_EVIDENCE]
        ],
    )


@check("backing.attached-by-url")
@live_k8s.with_kubernetes(_live_attached_by_url, policy="best")
@live_aws.with_aws(_aws_attached_by_url, policy="best")
def attached_by_url(ctx: CheckContext) -> Outcome:
    clients = backing_clients(ctx)
    deps = _dependency_clients(ctx)
    sqlite = _sqlite_files(ctx)
    if not clients and not deps and not sqlite:
        return Outcome.not_applicable("No database, cache or queue client found.")
    sources = list(
        {excerpt: (item, excerpt) for item, excerpt in reversed(_location_sources(ctx))}.values()
    )[::-1]  # first of each excerpt
    if sources:
        return Outcome.passed(
            f"Backing-service locations come from configuration "
            f"({plural(len(sources), 'source')}).",
            [
                ctx.evidence(item["path"], item.get("line"), excerpt)
                for item, excerpt in sources[:MAX_EVIDENCE]
            ],
        )
    if sqlite and not clients and not deps:
        return Outcome.failed(
            "The database is a SQLite file the code names; no location comes from "
            "configuration, so another database cannot be attached without a code change.",
            sqlite,
        )
    literals = literal_endpoints(ctx)
    if literals:
        return Outcome.failed(
            f"Backing services are reached at {plural(len(literals), 'literal location')} "
            "and no location is read from the environment.",
            [
                ctx.evidence(s["path"], s["line"], s["detail"].get("url", ""))
                for s in literals[:MAX_EVIDENCE]
            ],
        )
    return Outcome.unknown(
        "Clients found, but could not tell where their locations come from.",
        _client_evidence(ctx, clients, deps),
    )


# --- backing.not-bundled ---

# Images whose last path part is a database, cache or broker server.
_SERVER_IMAGE = re.compile(
    r"^(postgres|postgresql|postgis|timescaledb|mysql|mariadb|percona|redis|redis-stack-server|"
    r"valkey|keydb|mongo|mongodb|memcached|rabbitmq|cassandra|elasticsearch|opensearch)$"
)
# Sidecars that sit next to a database and are not the application.
_SIDECAR = re.compile(
    r"(?i)exporter|proxy|pgbouncer|sidecar|agent|envoy|istio|linkerd|fluent|backup|metrics|"
    r"busybox|wal-g|pgpool|sentinel"
)
_INSTALL = re.compile(
    r"\b(apt-get|apt|apk|yum|dnf|microdnf|zypper)\s+(?:[-\w=]+\s+)*(install|add)\b"
    r"(?P<args>[^;&|]*)"
)
# Server packages per package manager family. yum/dnf "postgresql" is the client.
_APT_SERVERS = re.compile(
    r"^(postgresql(-\d+(\.\d+)?)?|redis|redis-server|mysql-server(-[\d.]+)?|default-mysql-server|"
    r"mariadb-server(-[\d.]+)?|mongodb|mongodb-org|mongodb-org-server|mongodb-server|"
    r"rabbitmq-server|memcached)$"
)
_APK_SERVERS = re.compile(
    r"^(postgresql\d*|redis|mysql|mariadb|mongodb|rabbitmq-server|memcached)$"
)
_RPM_SERVERS = re.compile(
    r"^(postgresql\d*-server|redis\d*|mysql-server|mysql-community-server|mariadb-server|"
    r"mongodb-org|mongodb-org-server|rabbitmq-server|memcached)$"
)
_START_SERVER = re.compile(
    r"(^|[;&|(]\s*|\bexec\s+|\bsudo\s+(-\S+\s+)*|\bgosu\s+\S+\s+|\bsu-exec\s+\S+\s+|\bnohup\s+)"
    r"(/usr/\S*/)?(redis-server|mysqld(_safe)?|mongod|rabbitmq-server|memcached)\b"
    r"|\bpg_ctl(cluster)?\b[^;&|]*\bstart\b|\bpostgres\s+-D\b"
    r"|\b(service|/etc/init\.d/)\s*(postgresql|redis(-server)?|mysql|mariadb|mongod(b)?|"
    r"rabbitmq-server|memcached)\s+start\b"
)
_SQLITE_URL = re.compile(r"\bDATABASE_URL[=\s]+[\"']?sqlite:", re.IGNORECASE)
_NEAR_LINES = 10


def _image_name(image: object) -> str:
    name, _tag, _digest = d.split_image_ref(str(image or ""))
    return name.rsplit("/", 1)[-1].lower()


def is_server_image(image: object) -> bool:
    return bool(_SERVER_IMAGE.match(_image_name(image)))


def _server_packages(command: str) -> list[str]:
    found = []
    for match in _INSTALL.finditer(command):
        manager = match.group(1)
        servers = (
            _APK_SERVERS
            if manager == "apk"
            else _RPM_SERVERS
            if manager in ("yum", "dnf", "microdnf", "zypper")
            else _APT_SERVERS
        )
        for token in match.group("args").split():
            package = re.split(r"[=<>~]", token, maxsplit=1)[0].strip("\"'")
            if not token.startswith("-") and servers.match(package):
                found.append(package)
    return found


def _app_dockerfiles(ctx: CheckContext) -> list[dict]:
    """Production Dockerfiles of the app (not images that package a database server)."""
    result = []
    for dockerfile in d.production_dockerfiles(ctx):
        stages = dockerfile.get("stages") or []
        final = (stages[-1].get("from") or {}) if stages else {}
        if not is_server_image(final.get("image")):
            result.append(dockerfile)
    return result


def _dockerfile_findings(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    app_paths = {f["path"] for f in _app_dockerfiles(ctx)}
    for dockerfile in _app_dockerfiles(ctx):
        for item in dockerfile.get("instructions", []):
            command = d.instruction_command(item)
            if item["instruction"] == "RUN":
                for package in _server_packages(command):
                    evidence.append(
                        ctx.evidence(
                            dockerfile["path"], item["line"], f"installs {package}: {command}"
                        )
                    )
            if item["instruction"] == "ENV" and _SQLITE_URL.search(command):
                evidence.append(ctx.evidence(dockerfile["path"], item["line"], f"ENV {command}"))
    for start in d.start_commands(ctx):
        from_app = start["origin"] == "script" or start["path"] in app_paths
        if (
            start["origin"] in ("dockerfile", "script")
            and from_app
            and (_START_SERVER.search(start["command"]))
        ):
            evidence.append(
                ctx.evidence(start["path"], start["line"], f"starts a server: {start['command']}")
            )
    return evidence


def _workload_findings(ctx: CheckContext) -> list[Evidence]:
    evidence = []
    for workload in d.workloads(ctx):
        containers = [c for c in workload["containers"] if not c["init"]]
        servers = [c for c in containers if is_server_image(c["container"].get("image"))]
        apps = [
            c
            for c in containers
            if not is_server_image(c["container"].get("image"))
            and not _SIDECAR.search(str(c["container"].get("image", "")))
            and not _SIDECAR.search(str(c["container"].get("name", "")))
        ]
        if servers and apps:
            server = servers[0]
            evidence.append(
                ctx.evidence(
                    workload["path"],
                    d.line_of(workload["entry"], server["pointer"]),
                    f"{workload['kind']}/{workload['name']} runs "
                    f"{server['container'].get('image')} beside "
                    f"{apps[0]['container'].get('name') or 'the app'}",
                )
            )
    for entry in d.deploy_env_vars(ctx):
        if entry["name"] == "DATABASE_URL" and str(entry["value"] or "").startswith("sqlite:"):
            evidence.append(
                ctx.evidence(entry["path"], entry["line"], f"DATABASE_URL={entry['value']}")
            )
    return evidence


def _django_sqlite_findings(ctx: CheckContext) -> list[Evidence]:
    engines = [
        s for s in d.signals(ctx, "backing.django-database") if not d.is_dev_config_path(s["path"])
    ]
    if any(s["detail"].get("engine") != "sqlite3" for s in engines):
        return []  # another production settings module names a server database
    config_reads = [*d.signals(ctx, "env.read"), *d.signals(ctx, "env.framework")]
    evidence = []
    for signal in engines:
        near = any(
            r["path"] == signal["path"] and abs(r["line"] - signal["line"]) <= _NEAR_LINES
            for r in config_reads
        )
        if not near:
            evidence.append(
                ctx.evidence(
                    signal["path"], signal["line"], "DATABASES uses django.db.backends.sqlite3"
                )
            )
    return evidence


def _live_not_bundled(ctx: CheckContext) -> Outcome:
    """Pods that run a database, cache or broker server beside the app's container."""
    workloads = live_k8s.workloads(ctx)
    if not workloads:
        return live_k8s.not_found("workload")
    findings = _workload_findings(live_k8s.view(ctx))
    if findings:
        return Outcome.failed(
            "A running pod holds its own database/cache server beside the app, or the app uses "
            "a local SQLite file.",
            findings[:MAX_EVIDENCE],
        )
    return Outcome.passed(
        f"{plural(len(workloads), 'running workload')} checked; no pod runs a database, cache "
        "or queue server beside the app."
    )


@check("backing.not-bundled")
@live_k8s.with_kubernetes(_live_not_bundled, policy="worst")
def not_bundled(ctx: CheckContext) -> Outcome:
    findings = [*_dockerfile_findings(ctx), *_workload_findings(ctx), *_django_sqlite_findings(ctx)]
    if findings:
        return Outcome.failed(
            "The service bundles its own database/cache server or uses a local SQLite file.",
            findings[:MAX_EVIDENCE],
        )
    dockerfiles = len(d.production_dockerfiles(ctx))
    workloads = len(d.workloads(ctx))
    return Outcome.passed(
        f"{plural(dockerfiles, 'Dockerfile')} and {plural(workloads, 'workload')} checked; "
        "no bundled database, cache or queue server."
    )
