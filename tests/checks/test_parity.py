"""Factor X, dev/prod parity: scored through the real collector on small fixture repositories."""

from tests.checks.helpers import result_for, result_from_facts


def status(case: str, check_id: str) -> str:
    return str(result_for(f"{check_id.replace('.', '-')}/{case}", check_id).status)


# parity.local-env


def test_it_passes_a_repository_with_a_compose_file():
    result = result_for("parity-local-env/compose", "parity.local-env")
    assert result.status == "pass"
    assert result.evidence[0].locator.startswith("compose.yaml")


def test_it_passes_a_dev_container():
    assert status("devcontainer", "parity.local-env") == "pass"


def test_it_fails_without_a_local_environment_even_with_a_compose_file_under_tests():
    assert status("none", "parity.local-env") == "fail"


def test_it_passes_sam_local_inputs_next_to_a_sam_template():
    template = {
        "path": "template.yaml",
        "format": "yaml",
        "category": "cloudformation",
        "docs": [
            {
                "line": 1,
                "data": {"Transform": "AWS::Serverless-2016-10-31", "Resources": {}},
                "lines": {},
            }
        ],
    }
    result = result_from_facts(
        {"documents": [template], "paths": ["template.yaml", "events/create.json"]},
        "parity.local-env",
    )
    assert result.status == "pass"


# parity.same-backing-services


def test_it_passes_when_compose_runs_the_services_production_uses():
    result = result_for("parity-same-backing-services/same-kinds", "parity.same-backing-services")
    assert result.status == "pass"
    assert "postgres" in result.message and "redis" in result.message


def test_it_fails_sqlite_in_dev_settings_when_production_uses_postgresql():
    result = result_for(
        "parity-same-backing-services/sqlite-in-dev", "parity.same-backing-services"
    )
    assert result.status == "fail"
    assert any(e.locator.startswith("shop/settings/dev.py") for e in result.evidence)


def test_it_fails_h2_in_a_spring_dev_profile_when_production_uses_postgresql():
    assert status("h2-in-dev-profile", "parity.same-backing-services") == "fail"


def test_it_does_not_count_sqlite_test_settings_as_a_parity_violation():
    assert status("sqlite-in-tests", "parity.same-backing-services") == "pass"


def test_it_is_not_applicable_without_backing_services():
    assert status("no-services", "parity.same-backing-services") == "na"


def test_it_is_unknown_when_the_local_environment_is_not_described():
    facts = {
        "manifests": [
            {
                "path": "requirements.txt",
                "ecosystem": "python",
                "role": "main",
                "dependencies": [{"name": "psycopg", "line": 1}],
            }
        ]
    }
    assert result_from_facts(facts, "parity.same-backing-services").status == "unknown"


def test_it_warns_when_compose_runs_only_some_of_the_production_services():
    compose = {
        "path": "compose.yaml",
        "format": "yaml",
        "category": "compose",
        "docs": [{"line": 1, "data": {"services": {"db": {"image": "postgres:16"}}}, "lines": {}}],
    }
    deps = [{"name": "psycopg", "line": 1}, {"name": "pymongo", "line": 2}]
    facts = {
        "documents": [compose],
        "manifests": [
            {
                "path": "requirements.txt",
                "ecosystem": "python",
                "role": "main",
                "dependencies": deps,
            }
        ],
    }
    result = result_from_facts(facts, "parity.same-backing-services")
    assert result.status == "warn"
    assert "mongodb" in result.message


def test_it_ignores_go_module_names_listed_in_python_code():
    signal = {
        "rule": "backing.client",
        "path": "app/names.py",
        "line": 3,
        "lang": "python",
        "excerpt": '"github.com/lib/pq",',
        "detail": {"client": "github.com/lib/pq", "service": "postgres"},
    }
    result = result_from_facts({"signals": [signal]}, "parity.same-backing-services")
    assert result.status == "na"


# parity.multi-env-iac


def test_it_passes_kustomize_overlays_per_environment():
    assert status("kustomize", "parity.multi-env-iac") == "pass"


def test_it_passes_a_sam_template_with_a_stage_parameter():
    result = result_for("parity-multi-env-iac/sam-stage", "parity.multi-env-iac")
    assert result.status == "pass"
    assert "Stage" in result.evidence[0].excerpt


def test_it_passes_terraform_with_tfvars_per_environment():
    assert status("terraform-tfvars", "parity.multi-env-iac") == "pass"


def test_it_fails_plain_manifests_without_overlays():
    assert status("plain-manifests", "parity.multi-env-iac") == "fail"


def test_it_warns_on_manifests_copied_per_environment():
    assert status("copies-per-env", "parity.multi-env-iac") == "warn"


def test_it_is_unknown_without_a_deployment_definition():
    assert status("no-iac", "parity.multi-env-iac") == "unknown"


def test_it_passes_serverless_stages():
    doc = {
        "path": "serverless.yml",
        "format": "yaml",
        "category": "serverless",
        "docs": [
            {
                "line": 1,
                "data": {"service": "x", "provider": {"stage": "${opt:stage, 'dev'}"}},
                "lines": {},
            }
        ],
    }
    assert result_from_facts({"documents": [doc]}, "parity.multi-env-iac").status == "pass"


# --- one declaration for every environment, local defaults, embedded defaults -------------

from pathlib import Path  # noqa: E402

from scorecards.checks.context import CheckContext  # noqa: E402
from scorecards.collectors.localdir import collect_directory  # noqa: E402
from scorecards.engine import evaluate_service  # noqa: E402
from tests.checks.helpers import TODAY  # noqa: E402

SAME = "parity.same-backing-services"


def parity_of(root: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    report = evaluate_service(CheckContext(repo=collect_directory(root)), today=TODAY)
    return next(r for r in report.results if r.id == SAME).status.value


RAILS_DB = """default: &default
  adapter: {adapter}
  pool: 5
development:
  <<: *default
  database: db/development.{ext}
production:
  <<: *default
  database: db/production.{ext}
"""
RAILS_MODEL = "class Article < ApplicationRecord\nend\n"


def test_one_rails_adapter_for_every_environment_passes(tmp_path):
    files = {
        "config/database.yml": RAILS_DB.format(adapter="postgresql", ext="db"),
        "app/models/article.rb": RAILS_MODEL,
        "Gemfile": "source 'https://rubygems.org'\ngem 'pg', '~> 1.5'\n",
    }
    assert parity_of(tmp_path / "a", files) == "pass"
    # Without the shared declaration the scanner does not know what development runs.
    files.pop("config/database.yml")
    assert parity_of(tmp_path / "b", files) == "unknown"


def test_a_prisma_provider_is_the_database_of_every_environment(tmp_path):
    schema = (
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
        'generator client {\n  provider = "prisma-client-js"\n}\n'
    )
    client = (
        "import { PrismaClient } from '@prisma/client';\nexport const db = new PrismaClient();\n"
    )
    files = {"prisma/schema.prisma": schema, "src/db.ts": client}
    assert parity_of(tmp_path, files) == "pass"


def test_a_django_project_on_sqlite_only_passes_but_sqlite_beside_postgres_fails(tmp_path):
    sqlite_only = (
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n"
        "        'NAME': 'db.sqlite3',\n    }\n}\n"
    )
    assert parity_of(tmp_path / "a", {"conduit/settings.py": sqlite_only}) == "pass"
    switch = (
        "import dj_database_url\nif IS_PRODUCTION:\n"
        "    DATABASES = {'default': dj_database_url.config(conn_max_age=600)}\nelse:\n"
        "    DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db'}}\n"
    )
    files = {
        "site/settings.py": switch,
        "requirements.txt": "django==5.2\npsycopg[binary]==3.2.3\npsycopg2-binary==2.9.10\n",
    }
    assert parity_of(tmp_path / "b", files) == "fail"


def test_a_sqlite_fallback_on_a_continuation_line_fails_beside_postgres(tmp_path):
    config = (
        "import os\n\nclass Config:\n"
        "    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL') or \\\n"
        "        'sqlite:///' + os.path.join(basedir, 'app.db')\n"
    )
    files = {"config.py": config, "requirements.txt": "flask==3.1.0\npsycopg2-binary==2.9.10\n"}
    assert parity_of(tmp_path / "a", files) == "fail"
    files["config.py"] = config.replace("'sqlite:///'", "'postgresql://localhost/app'")
    assert parity_of(tmp_path / "b", files) != "fail"


def test_a_local_postgres_default_is_what_development_runs(tmp_path):
    settings = (
        "import dj_database_url\nDATABASES = {'default': dj_database_url.config(\n"
        "    default='postgresql://postgres:postgres@localhost:5432/site', conn_max_age=600)}\n"
    )
    one_line = settings.replace("(\n    default", "(default")
    files = {"site/settings.py": one_line, "requirements.txt": "psycopg2-binary==2.9.10\n"}
    assert parity_of(tmp_path / "a", files) == "pass"
    files["site/settings.py"] = one_line.replace("localhost", "db.internal.example.net")
    assert parity_of(tmp_path / "b", files) == "unknown"


def test_spring_embedded_default_with_server_profiles_fails(tmp_path):
    pom = (
        "<project><dependencies>\n"
        "<dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId>"
        "<version>2.3.232</version></dependency>\n"
        "<dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId>"
        "<version>42.7.4</version></dependency>\n"
        "</dependencies></project>\n"
    )
    files = {
        "pom.xml": pom,
        "src/main/resources/application.properties": "spring.jpa.open-in-view=false\n",
        "src/main/resources/application-postgres.properties": (
            "spring.datasource.url=jdbc:postgresql://localhost/shop\n"
        ),
    }
    assert parity_of(tmp_path / "a", files) == "fail"
    files["src/main/resources/application.properties"] = (
        "spring.datasource.url=jdbc:postgresql://localhost/shop\n"
    )
    assert parity_of(tmp_path / "b", files) != "fail"


def test_an_aspire_app_host_runs_its_resources_locally_and_in_deployment(tmp_path):
    program = (
        "var builder = DistributedApplication.CreateBuilder(args);\n"
        'var redis = builder.AddRedis("redis");\nvar db = builder.AddPostgres("postgres");\n'
        "builder.Build().Run();\n"
    )
    api = "using Npgsql;\nusing StackExchange.Redis;\n"
    files = {"src/Shop.AppHost/Program.cs": program, "src/Shop.Api/Db.cs": api}
    assert parity_of(tmp_path / "a", files) == "pass"
    assert parity_of(tmp_path / "b", {"src/Shop.Api/Db.cs": api}) == "unknown"


def test_sqlite_locally_and_dj_database_url_in_production_fails_without_a_driver(tmp_path):
    settings = (
        "import os\nimport dj_database_url\n\nif 'DYNO' in os.environ:\n"
        "    DATABASES = {'default': dj_database_url.config(conn_max_age=600)}\nelse:\n"
        "    DATABASES = {\n        'default': {\n"
        "            'ENGINE': 'django.db.backends.sqlite3',\n            'NAME': 'db.sqlite3',\n"
        "        }\n    }\n"
    )
    files = {
        "site/settings.py": settings,
        "requirements.txt": "django==5.2\ndj-database-url==2.3.0\n",
    }
    assert parity_of(tmp_path / "a", files) == "fail"
    only_sqlite = settings.replace("dj_database_url.config(conn_max_age=600)", "{}")
    assert parity_of(tmp_path / "b", {**files, "site/settings.py": only_sqlite}) == "pass"


def test_a_script_that_starts_the_database_container_is_the_local_environment(tmp_path):
    script = (
        "#!/usr/bin/env bash\nset -eo pipefail\n"
        "docker run \\\n  --env POSTGRES_PASSWORD=${DB_PASSWORD} \\\n  --publish 5432:5432 \\\n"
        "  --detach \\\n  postgres:17 -N 500\n"
    )
    code = "use sqlx::PgPool;\n\nasync fn pool() -> PgPool { todo!() }\n"
    files = {"src/db.rs": code, "scripts/init_db.sh": script}
    assert parity_of(tmp_path / "a", files) == "pass"
    other = script.replace("postgres:17", "mysql:8.4")
    assert parity_of(tmp_path / "b", {**files, "scripts/init_db.sh": other}) != "pass"


def test_a_sqlite_fallback_passes_when_the_local_environment_runs_the_production_database(
    tmp_path,
):
    settings = (
        "import dj_database_url\nfrom environ import env\n\nurl = env('DATABASE_URL')\n"
        "if url:\n    DATABASES = {'default': dj_database_url.parse(url)}\nelse:\n"
        "    DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'x'}}\n"
    )
    compose = "services:\n  db:\n    image: postgres:16.4-alpine\n"
    files = {"site/settings.py": settings, "requirements.txt": "psycopg2-binary==2.9.10\n"}
    assert parity_of(tmp_path / "a", files) == "fail"
    assert parity_of(tmp_path / "b", {**files, "compose.yaml": compose}) == "pass"


DEV_DATABASE = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: database
spec:
  template:
    spec:
      containers:
        - name: postgres
          image: {image}
"""


def test_a_development_cluster_manifest_is_the_local_environment(tmp_path):
    code = 'package db\n\nimport (\n\t"github.com/jackc/pgx/v5"\n)\n'
    files = {
        "go.mod": "module acme/sales\n\ngo 1.23\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n",
        "business/db/db.go": code,
        "k8s/dev/database/dev-database.yaml": DEV_DATABASE.format(image="postgres:17.2"),
    }
    assert parity_of(tmp_path / "a", files) == "pass"
    files["k8s/dev/database/dev-database.yaml"] = DEV_DATABASE.format(image="busybox:1.37")
    assert parity_of(tmp_path / "b", files) == "unknown"
