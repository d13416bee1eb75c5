"""The env, endpoint, backing and session signal rules on real-world lines."""

import pytest

from scorecards.collectors.repo_files.source_scan import scan_source


def details(path: str, language: str, line: str, rule: str) -> list[dict]:
    return [s["detail"] for s in scan_source(path, line + "\n", language) if s["rule"] == rule]


@pytest.mark.parametrize(
    ("path", "language", "line", "name", "default"),
    [
        ("app/settings.py", "python", 'DB = os.environ["DATABASE_URL"]', "DATABASE_URL", False),
        ("app/settings.py", "python", 'PORT = int(os.getenv("PORT", 8000))', "PORT", True),
        ("app/settings.py", "python", 'x = os.environ.get("X") or "y"', "X", True),
        ("app/settings.py", "python", 'DEBUG = env.bool("DEBUG", default=False)', "DEBUG", True),
        ("app/settings.py", "python", 'DATABASES = {"default": env.db()}', "DATABASE_URL", False),
        ("app/settings.py", "python", 'DEBUG = config("DEBUG", cast=bool)', "DEBUG", False),
        ("src/index.js", "javascript", "const port = process.env.PORT || 3000;", "PORT", True),
        ("src/a.ts", "typescript", 'const u = process.env["API_URL"]!;', "API_URL", False),
        ("src/a.ts", "typescript", "const { DB_HOST, DB_USER } = process.env;", None, False),
        ("src/a.ts", "typescript", "const api = import.meta.env.VITE_API;", "VITE_API", False),
        ("main.go", "go", 'port := os.Getenv("PORT")', "PORT", False),
        ("main.go", "go", '\tPort int `envconfig:"PORT" default:"8080"`', "PORT", True),
        ("main.go", "go", 'port := getEnv("PORT", "8080")', "PORT", True),
        ("A.java", "java", 'String url = System.getenv("DB_URL");', "DB_URL", False),
        ("A.java", "java", '@Value("${server.port:8080}")', "server.port", True),
        (
            "src/main/resources/application.properties",
            "properties",
            "server.port=${PORT:8080}",
            "PORT",
            True,
        ),
        ("config/database.yml", "yaml", '  url: <%= ENV["DATABASE_URL"] %>', "DATABASE_URL", False),
        (
            "app.rb",
            "ruby",
            'url = ENV.fetch("REDIS_URL") { "redis://localhost" }',
            "REDIS_URL",
            True,
        ),
        ("config/database.php", "php", "'host' => env('DB_HOST', '127.0.0.1'),", "DB_HOST", True),
        (
            "Program.cs",
            "csharp",
            'var c = Environment.GetEnvironmentVariable("CONN") ?? "x";',
            "CONN",
            True,
        ),
        (
            "src/main.rs",
            "rust",
            'let p = std::env::var("PORT").unwrap_or("8080".into());',
            "PORT",
            True,
        ),
        ("config/runtime.exs", "elixir", 'port = System.get_env("PORT", "4000")', "PORT", True),
        ("Main.kt", "kotlin", 'val p = System.getenv("PORT") ?: "8080"', "PORT", True),
    ],
)
def test_env_read_names_the_variable_and_its_default(path, language, line, name, default):
    assert details(path, language, line, "env.read") == [{"name": name, "default": default}]


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/settings.py", "python", 'os.environ["X"] = "1"'),
        ("manage.py", "python", 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a.settings")'),
        ("app/settings.py", "python", '# PORT = os.getenv("PORT")'),
        ("src/a.ts", "typescript", "const s = `listening on ${PORT}`;"),
        ("k8s/deployment.yaml", "yaml", "    url: ${DB_HOST}"),
        ("index.php", "php", "$host = $_SERVER['HTTP_HOST'];"),
    ],
)
def test_env_read_ignores_writes_comments_templates_and_request_variables(path, language, line):
    assert details(path, language, line, "env.read") == []


@pytest.mark.parametrize(
    ("path", "language", "line", "framework"),
    [
        ("app/config.py", "python", "class Settings(BaseSettings):", "pydantic-settings"),
        ("app/settings.py", "python", "load_dotenv()", "dotenv"),
        ("src/index.js", "javascript", "require('dotenv').config()", "dotenv"),
        ("src/main/java/App.java", "java", "@SpringBootApplication", "spring-boot"),
        (
            "Program.cs",
            "csharp",
            "var builder = WebApplication.CreateBuilder(args);",
            "aspnet-core",
        ),
        ("config/database.yml", "yaml", "  url: <%= ENV['DATABASE_URL'] %>", "rails-erb"),
        (
            "app/settings.py",
            "python",
            'DATABASES = {"default": dj_database_url.config()}',
            "dj-database-url",
        ),
    ],
)
def test_env_framework_names_the_binding(path, language, line, framework):
    assert details(path, language, line, "env.framework") == [{"framework": framework}]


def test_endpoint_literal_redacts_credentials():
    line = 'engine = create_engine("postgresql+psycopg2://app:pw@10.0.0.5:5432/app")'
    assert details("app/db.py", "python", line, "endpoint.literal") == [
        {
            "kind": "postgres",
            "url": "postgresql+psycopg2://«redacted»@10.0.0.5:5432/app",
            "host": "10.0.0.5",
            "env_default": False,
        }
    ]


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/db.py", "python", 'REDIS = os.getenv("REDIS_URL", "redis://localhost:6379/0")'),
        (
            "src/db.js",
            "javascript",
            "const u = process.env.MONGO_URL || 'mongodb://localhost/app';",
        ),
        (
            "src/main/resources/application.properties",
            "properties",
            "spring.datasource.url=${DB_URL:jdbc:postgresql://localhost:5432/app}",
        ),
    ],
)
def test_endpoint_literal_marks_defaults_of_environment_lookups(path, language, line):
    assert [d["env_default"] for d in details(path, language, line, "endpoint.literal")] == [True]


@pytest.mark.parametrize(
    "line",
    [
        'if url.startswith("redis://"):',
        'url = f"postgresql://{user}:{password}@{host}/{name}"',
        'parser.add_argument("--db", help="e.g. postgres://user:pass@localhost/db")',
        'x = "postgres://host:5432/db"',
        '# engine = create_engine("postgresql://localhost/dev")',
    ],
)
def test_endpoint_literal_needs_a_literal_host_in_code(line):
    assert details("app/db.py", "python", line, "endpoint.literal") == []


def test_endpoint_literal_finds_aws_managed_hosts():
    line = 'HOST = "orders.cluster-c9xyz.eu-west-1.rds.amazonaws.com"'
    assert details("app/db.py", "python", line, "endpoint.literal")[0]["kind"] == "rds"


@pytest.mark.parametrize(
    ("path", "language", "line", "client", "service"),
    [
        ("app/db.py", "python", "import psycopg2", "psycopg2", "postgres"),
        ("app/tasks.py", "python", "from celery import Celery", "celery", "queue"),
        ("src/db.js", "javascript", "const { Pool } = require('pg');", "pg", "postgres"),
        ("src/cache.ts", "typescript", "import Redis from 'ioredis';", "ioredis", "redis"),
        ("db.go", "go", '\t_ "github.com/lib/pq"', "github.com/lib/pq", "postgres"),
        (
            "Repo.java",
            "java",
            "import org.springframework.data.jpa.repository.JpaRepository;",
            "org.springframework.data.jpa",
            "sql",
        ),
        ("Cache.cs", "csharp", "using StackExchange.Redis;", "StackExchange.Redis", "redis"),
        ("app/queue.py", "python", 'sqs = boto3.client("sqs")', "sqs", "queue"),
    ],
)
def test_backing_client_names_library_and_service(path, language, line, client, service):
    assert details(path, language, line, "backing.client") == [
        {"client": client, "service": service}
    ]


def test_backing_client_ignores_modules_that_only_start_like_a_client():
    assert details("app/x.py", "python", "import redistools", "backing.client") == []


def test_django_database_engine_is_read_only_in_settings_modules():
    line = "        'ENGINE': 'django.db.backends.sqlite3',"
    assert details("mysite/settings.py", "python", line, "backing.django-database") == [
        {"engine": "sqlite3"}
    ]
    assert details("mysite/models.py", "python", line, "backing.django-database") == []


@pytest.mark.parametrize(
    ("path", "language", "line", "store"),
    [
        (
            "mysite/settings.py",
            "python",
            'SESSION_ENGINE = "django.contrib.sessions.backends.file"',
            "django-file-sessions",
        ),
        (
            "app.py",
            "python",
            'app.config["SESSION_TYPE"] = "filesystem"',
            "flask-session-filesystem",
        ),
        ("server.js", "javascript", "store: new session.MemoryStore(),", "express-memory-store"),
        (
            "server.js",
            "javascript",
            "const MemoryStore = require('memorystore')(session)",
            "express-memory-store",
        ),
        ("docker/php.ini", "ini", "session.save_handler = files", "php-file-sessions"),
        (
            "main.go",
            "go",
            'var store = sessions.NewFilesystemStore("", key)',
            "gorilla-filesystem-store",
        ),
    ],
)
def test_session_local_store_names_the_store(path, language, line, store):
    assert details(path, language, line, "session.local-store") == [{"store": store}]


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        (
            "mysite/settings.py",
            "python",
            'SESSION_ENGINE = "django.contrib.sessions.backends.cache"',
        ),
        ("app.js", "javascript", "const limiter = rateLimit({ store: new MemoryStore() })"),
        ("main.go", "go", "var store = sessions.NewCookieStore(key)"),
    ],
)
def test_session_local_store_ignores_shared_and_unrelated_stores(path, language, line):
    assert details(path, language, line, "session.local-store") == []
