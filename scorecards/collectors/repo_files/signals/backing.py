"""Backing services the code talks to, and Django settings that keep the database in a file.

``backing.client``: an import or use of a database, cache or queue client, ``detail =
{"client": library, "service": "postgres"|"mysql"|"sql"|"redis"|"mongodb"|"queue"|...}``.
``backing.django-database``: the ``ENGINE`` of a Django ``DATABASES`` entry in a settings
module, ``detail = {"engine": "sqlite3"|"postgresql"|...}``.
``backing.declared-database``: a database named once for the application in a framework's own
file (Rails ``config/database.yml`` adapter, Prisma datasource provider, Laravel's default
``DB_CONNECTION``), ``detail = {"engine": "postgres"|"mysql"|"sqlite"|...}``.
``backing.sqlite-url``: a ``sqlite:///`` URL literal in code (a fallback or a default).
``backing.local-url``: a server database URL on this machine in code (``postgres://...@localhost``,
a default for development), ``detail = {"scheme": "postgresql"|...}``; and a ``docker run`` of a
database image in a shell script (a developer's database), ``detail = {"image": name}``.
``backing.aspire-resource``: a .NET Aspire AppHost resource (``builder.AddPostgres("db")``),
which runs as a container locally and is provisioned on deployment,
``detail = {"service": "postgres"|"redis"|...}``.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

# (regular expression, service); the library is the first non-empty group of the match.
_Q = r"""["']"""
_PY_MODULES = {
    r"psycopg2?|asyncpg|pg8000|aiopg": "postgres", r"pymysql|MySQLdb|aiomysql": "mysql",
    r"pymongo|motor|mongoengine|beanie": "mongodb", r"redis|aioredis|django_redis": "redis",
    r"celery|kombu|pika|aio_pika|dramatiq|rq": "queue",
    r"kafka|confluent_kafka|aiokafka": "kafka", r"elasticsearch|opensearchpy": "search",
    r"pymemcache|pylibmc": "memcached", r"cassandra": "cassandra",
}  # fmt: skip
_NODE_PACKAGES = {
    r"pg|pg-promise|postgres|@neondatabase/serverless": "postgres", r"mysql2?": "mysql",
    r"mongoose|mongodb": "mongodb", r"redis|ioredis|connect-redis": "redis",
    r"amqplib|amqp-connection-manager": "queue", r"bullmq|bull|bee-queue": "redis",
    r"@aws-sdk/client-dynamodb|@aws-sdk/lib-dynamodb": "dynamodb",
    r"kafkajs|node-rdkafka": "kafka", r"sequelize|typeorm|@prisma/client|knex|@mikro-orm/core"
    r"|drizzle-orm/\w+|objection": "sql", r"@elastic/elasticsearch|@opensearch-project/opensearch":
    "search", r"memcached|memjs": "memcached", r"cassandra-driver": "cassandra",
}  # fmt: skip
_GO_IMPORTS = {
    r"github\.com/lib/pq|github\.com/jackc/pgx(?:/v\d)?|gorm\.io/driver/postgres": "postgres",
    r"github\.com/go-sql-driver/mysql|gorm\.io/driver/mysql": "mysql",
    r"github\.com/(?:redis|go-redis)/(?:go-)?redis(?:/v\d)?|github\.com/gomodule/redigo": "redis",
    r"go\.mongodb\.org/mongo-driver": "mongodb",
    r"github\.com/(?:Shopify|IBM)/sarama|github\.com/segmentio/kafka-go"
    r"|github\.com/confluentinc/confluent-kafka-go": "kafka",
    r"github\.com/rabbitmq/amqp091-go|github\.com/streadway/amqp|github\.com/nats-io/nats\.go":
    "queue",
    r"github\.com/(?:elastic|olivere)/(?:go-)?elastic(?:search)?": "search",
}  # fmt: skip
_JVM_IMPORTS = {
    r"org\.springframework\.data\.jpa|javax\.persistence|jakarta\.persistence"
    r"|org\.springframework\.jdbc|java\.sql\.DriverManager|org\.hibernate": "sql",
    r"org\.springframework\.data\.redis|redis\.clients\.jedis|io\.lettuce|org\.redisson": "redis",
    r"org\.springframework\.data\.mongodb|com\.mongodb": "mongodb",
    r"org\.springframework\.amqp|com\.rabbitmq\.client": "queue",
    r"org\.apache\.kafka|org\.springframework\.kafka": "kafka",
    r"org\.springframework\.data\.elasticsearch|co\.elastic\.clients": "search",
}  # fmt: skip
_RUBY_GEMS = {
    r"pg": "postgres", r"mysql2": "mysql", r"redis|redis-client": "redis", r"sidekiq": "redis",
    r"bunny|sneakers": "queue", r"mongo|mongoid": "mongodb", r"dalli": "memcached",
    r"elasticsearch|searchkick": "search", r"rdkafka|ruby-kafka|karafka": "kafka",
}  # fmt: skip
_DOTNET_NAMESPACES = {
    r"Npgsql": "postgres", r"StackExchange\.Redis": "redis",
    r"(?:Microsoft|System)\.Data\.SqlClient": "sqlserver", r"MySql\.Data|MySqlConnector": "mysql",
    r"Microsoft\.EntityFrameworkCore": "sql", r"MongoDB\.Driver": "mongodb",
    r"RabbitMQ\.Client|MassTransit": "queue", r"Confluent\.Kafka": "kafka",
}  # fmt: skip
_RUST_CRATES = {
    r"sqlx|diesel|sea_orm|tokio_postgres|postgres": "sql", r"redis|deadpool_redis": "redis",
    r"mongodb": "mongodb", r"lapin": "queue", r"rdkafka": "kafka",
}  # fmt: skip
_PYTHON_USES = {
    r"^\s*(DATABASES)\s*=": "sql",
    r"\b(create_(?:async_)?engine)\(": "sql",
    r"\bboto3\.(?:client|resource)\(\s*[\"'](sqs|dynamodb|elasticache|rds)[\"']": "aws",
}  # fmt: skip
_PHP_USES = {
    r"\bnew\s+\\?(PDO)\(": "sql",
    r"\b(Predis\\Client)\b|\bnew\s+\\?(Redis)\(\)": "redis",
    r"\b(MongoDB\\Client)\b": "mongodb",
    r"\b(PhpAmqpLib)\\": "queue",
}  # fmt: skip
_JS_USES = {r"\bnew\s+(AWS\.DynamoDB)(?:\.DocumentClient)?\(": "dynamodb"}
_RUBY_USES = {r"<\s*(ActiveRecord::Base)\b|\b(ApplicationRecord)\s*<": "sql"}
_ELIXIR_USES = {r"\buse\s+(Ecto\.Repo)\b": "sql", r"\b(Redix)\.start_link\(": "redis"}


def _alternatives(table: dict[str, str], template: str) -> list[tuple[str, str]]:
    return [(template.format(body), service) for body, service in table.items()]


# Each family's import forms run only on that family's files: a Go import form matching a
# Python string literal would be a false client, and smaller alternations scan faster.
_FAMILY_FORMS: dict[frozenset[str], list[tuple[str, str]]] = {
    frozenset({"python"}): [
        *_alternatives(_PY_MODULES, r"^\s*(?:from|import)\s+({})(?:\.[\w.]+)?(?:\s|,|$)"),
        *_PYTHON_USES.items(),
    ],
    frozenset({"javascript", "typescript"}): [
        *_alternatives(
            _NODE_PACKAGES, rf"(?:\brequire\(\s*|\bfrom\s+|^\s*import\s+){_Q}({{}}){_Q}"
        ),
        *_JS_USES.items(),
    ],
    frozenset({"go"}): _alternatives(_GO_IMPORTS, r"^\s*(?:[\w.]+\s+)?\"({})(?:/[\w./-]*)?\""),
    frozenset({"java", "kotlin", "scala", "groovy"}): _alternatives(
        _JVM_IMPORTS, r"^\s*import\s+(?:static\s+)?({})\b"
    ),
    frozenset({"ruby"}): [
        *_alternatives(_RUBY_GEMS, rf"^\s*require\s+{_Q}({{}}){_Q}"),
        *_RUBY_USES.items(),
    ],
    frozenset({"php"}): list(_PHP_USES.items()),
    frozenset({"elixir"}): list(_ELIXIR_USES.items()),
    frozenset({"csharp"}): _alternatives(_DOTNET_NAMESPACES, r"^\s*using\s+({})\b"),
    frozenset({"rust"}): _alternatives(_RUST_CRATES, r"^\s*(?:pub\s+)?use\s+({})::"),
}


def _client_rule(languages: frozenset[str], forms: list[tuple[str, str]]) -> SignalRule:
    services = [service for _, service in forms]

    def detail(match: re.Match[str], line: str) -> dict | None:
        index = next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)
        outer = match.group(f"b{index}")
        inner = next((g for g in match.groups() if g and g != outer and g in outer), outer)
        service = services[index]
        if service == "aws":
            service = {"sqs": "queue", "elasticache": "redis", "rds": "sql"}.get(inner, inner)
        return {"client": inner.strip(), "service": service}

    pattern = "|".join(f"(?P<b{index}>{body})" for index, (body, _) in enumerate(forms))
    return SignalRule(id="backing.client", languages=languages, pattern=pattern, detail=detail)


_DJANGO_ENGINE = (
    r"""["']django\.db\.backends\.(?P<engine>\w+)["']"""
    r"""|["'](?P<ext>django\.contrib\.gis\.db\.backends\.\w+|django_\w+|mssql|"""
    r"""sql_server\.pyodbc|djongo)["']"""
)


def _engine_detail(match: re.Match[str], line: str) -> dict | None:
    return {"engine": match.group("engine") or match.group("ext")}


# Adapter / provider / connection names -> the kind the parity check compares.
_ENGINE_KINDS = {
    "postgresql": "postgres", "postgres": "postgres", "postgis": "postgres", "pgsql": "postgres",
    "cockroachdb": "postgres", "mysql": "mysql", "mysql2": "mysql", "trilogy": "mysql",
    "mariadb": "mysql", "sqlite": "sqlite", "sqlite3": "sqlite", "sqlserver": "sqlserver",
    "sqlsrv": "sqlserver", "mongodb": "mongodb",
}  # fmt: skip
_ENGINE_NAMES = "|".join(sorted(_ENGINE_KINDS, key=len, reverse=True))


_ASPIRE_KINDS = {
    "Postgres": "postgres", "AzurePostgresFlexibleServer": "postgres", "Redis": "redis",
    "AzureRedis": "redis", "RabbitMQ": "queue", "SqlServer": "sqlserver", "AzureSqlServer":
    "sqlserver", "MySql": "mysql", "MongoDB": "mongodb", "Kafka": "kafka",
}  # fmt: skip


def _aspire_detail(match: re.Match[str], line: str) -> dict | None:
    return {"service": _ASPIRE_KINDS[match.group("resource")]}


def _declared_detail(match: re.Match[str], line: str) -> dict | None:
    return {"engine": _ENGINE_KINDS[match.group("engine").lower()]}


RULES = [
    SignalRule(
        id="backing.declared-database",
        languages=frozenset({"yaml"}),
        pattern=rf"^\s*adapter:\s*[\"']?(?P<engine>{_ENGINE_NAMES})[\"']?\s*$",
        detail=_declared_detail,
        files=r"(^|/)config/database\.ya?ml$",
    ),
    SignalRule(
        id="backing.declared-database",
        languages=frozenset({"prisma"}),
        pattern=rf"^\s*provider\s*=\s*\"(?P<engine>{_ENGINE_NAMES})\"",
        detail=_declared_detail,
    ),
    SignalRule(
        id="backing.declared-database",
        languages=frozenset({"php"}),
        pattern=rf"env\(\s*{_Q}DB_CONNECTION{_Q}\s*,\s*{_Q}(?P<engine>{_ENGINE_NAMES}){_Q}",
        detail=_declared_detail,
        files=r"(^|/)config/database\.php$",
    ),
    SignalRule(
        id="backing.aspire-resource",
        languages=frozenset({"csharp"}),
        pattern=rf"\.Add(?P<resource>{'|'.join(sorted(_ASPIRE_KINDS, key=len, reverse=True))})\(",
        detail=_aspire_detail,
    ),
    SignalRule(
        id="backing.local-url",
        languages=frozenset(
            {
                "python",
                "javascript",
                "typescript",
                "ruby",
                "go",
                "php",
                "java",
                "kotlin",
                "rust",
                "csharp",
                "elixir",
            }
        ),
        pattern=r"""["'`](?P<scheme>postgres(?:ql)?|mysql|mariadb|redis|mongodb)(?:\+\w+)?://"""
        r"""[^"'`\s]{0,200}?(?:@|//)(?:localhost|127\.0\.0\.1)[:/"'`]""",
        detail=lambda match, line: {"scheme": match.group("scheme").lower()},
    ),
    SignalRule(
        id="backing.local-url",
        languages=frozenset({"shell"}),
        # `docker run ... postgres:16`, or the image on the last line of a continued docker run
        # (`  postgres -N 1000`): either way a developer's machine runs that database.
        pattern=r"(?:docker\s+run\b.*\s|^\s+)(?P<image>(?:[\w.-]+/)*(?:postgres|postgis|mysql|"
        r"mariadb|redis|mongo))(?::[\w.-]+)?(?:\s+-[-\w].*|\s*\\)?\s*$",
        detail=lambda match, line: {"image": match.group("image")},
    ),
    SignalRule(
        id="backing.sqlite-url",
        languages=frozenset({"python", "javascript", "typescript", "ruby", "go", "php"}),
        pattern=rf"{_Q}sqlite(?:3)?(?:\+\w+)?:///",
    ),
    *(_client_rule(languages, forms) for languages, forms in _FAMILY_FORMS.items()),
    SignalRule(
        id="backing.django-database",
        languages=frozenset({"python"}),
        pattern=rf"""{_Q}?ENGINE{_Q}?\s*[:=]\s*(?:{_DJANGO_ENGINE})""",
        detail=_engine_detail,
        files=r"(?i)settings[^/]*\.py$|(^|/)settings/[^/]+\.py$",
    ),
]
