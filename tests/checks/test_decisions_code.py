"""Catalogue 2026.12 decisions on the code and config side (2, 6, 7) and the weak spots they
settle, each shown by a passing and a failing repository written as real projects write it."""

from __future__ import annotations

import json
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.checks.results import Status
from scorecards.collectors.localdir import collect_directory, collect_files
from scorecards.collectors.repo_files import walk
from scorecards.engine import evaluate_service
from tests.checks.helpers import TODAY


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            target.write_bytes(body)
        else:
            target.write_text(body, encoding="utf-8")
    return root


def results_of(facts: dict) -> dict:
    report = evaluate_service(CheckContext(repo=facts), today=TODAY)
    return {r.id: r for r in report.results}


def check_of(root: Path, files: dict[str, str | bytes], check_id: str):
    return results_of(collect_directory(write_tree(root, files)))[check_id]


# --- a file over the size cap is present ---------------------------------------------------

PACKAGE_JSON = json.dumps(
    {"name": "shop", "version": "1.0.0", "dependencies": {"express": "^4.21.1", "pg": "^8.13.0"}}
)


def big_lock() -> str:
    packages = {
        f"node_modules/pkg-{i}": {"version": "1.0.0", "integrity": "sha512-" + "a" * 80}
        for i in range(walk.MAX_FILE_BYTES // 100)
    }
    return json.dumps({"name": "shop", "lockfileVersion": 3, "packages": packages}, indent=2)


def test_a_lock_file_over_the_size_cap_still_locks_its_manifest(tmp_path):
    lock = big_lock()
    assert len(lock) > walk.MAX_FILE_BYTES
    result = check_of(
        tmp_path,
        {"package.json": PACKAGE_JSON, "package-lock.json": lock, "server.js": "x"},
        "deps.lockfile",
    )
    assert result.status == Status.PASS
    assert "too large" in result.evidence[0].excerpt


def test_without_the_big_lock_the_same_manifest_fails(tmp_path):
    result = check_of(tmp_path, {"package.json": PACKAGE_JSON, "server.js": "x"}, "deps.lockfile")
    assert result.status == Status.FAIL


def test_archives_keep_oversized_members_as_present_too():
    facts = collect_files(
        [("package.json", PACKAGE_JSON.encode()), ("package-lock.json", big_lock().encode())],
        "shop",
    )
    assert facts["too_large"] == ["package-lock.json"]
    assert facts["lockfiles"][0]["too_large"] is True
    assert results_of(facts)["deps.lockfile"].status == Status.PASS


def test_a_manifest_over_the_size_cap_is_declared(tmp_path):
    huge = "# pinned\n" + "".join(f"pkg{i}==1.0.{i}\n" for i in range(80_000))
    assert len(huge) > walk.MAX_FILE_BYTES
    result = check_of(tmp_path, {"requirements.txt": huge, "app.py": "print(1)"}, "deps.manifest")
    assert result.status == Status.PASS


# --- decision 7: JVM and .NET builds without a lock mechanism -------------------------------

POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>orders</artifactId>
  <version>1.4.0</version>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
      <version>3.3.5</version>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <version>{pg}</version>
    </dependency>
  </dependencies>
</project>
"""
CSPROJ = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="{v}" />
  </ItemGroup>
</Project>
"""
GRADLE = """plugins { id 'org.springframework.boot' version '3.3.5' }
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web:3.3.5'
    implementation 'com.google.guava:guava:{v}'
}
"""


def test_a_maven_build_pinning_every_version_warns(tmp_path):
    result = check_of(tmp_path, {"pom.xml": POM.format(pg="42.7.4")}, "deps.lockfile")
    assert result.status == Status.WARN
    assert "transitive" in result.evidence[0].excerpt


def test_a_maven_snapshot_or_range_fails(tmp_path):
    for n, version in enumerate(("42.7.5-SNAPSHOT", "[42.0,43.0)", "LATEST")):
        root = tmp_path / str(n)
        result = check_of(root, {"pom.xml": POM.format(pg=version)}, "deps.lockfile")
        assert result.status == Status.FAIL, version


def test_a_gradle_build_warns_without_and_passes_with_gradle_lockfile(tmp_path):
    files = {"build.gradle": GRADLE.replace("{v}", "33.3.1-jre")}
    assert check_of(tmp_path / "a", files, "deps.lockfile").status == Status.WARN
    locked = {**files, "gradle.lockfile": "com.google.guava:guava:33.3.1-jre=runtimeClasspath\n"}
    assert check_of(tmp_path / "b", locked, "deps.lockfile").status == Status.PASS
    floating = {"build.gradle": GRADLE.replace("{v}", "33.+")}
    assert check_of(tmp_path / "c", floating, "deps.lockfile").status == Status.FAIL


def test_nuget_pinned_warns_locked_passes_floating_fails(tmp_path):
    pinned = {"src/Api/Api.csproj": CSPROJ.format(v="8.0.10")}
    assert check_of(tmp_path / "a", pinned, "deps.lockfile").status == Status.WARN
    locked = {**pinned, "src/Api/packages.lock.json": '{"version": 1, "dependencies": {}}'}
    assert check_of(tmp_path / "b", locked, "deps.lockfile").status == Status.PASS
    floating = {"src/Api/Api.csproj": CSPROJ.format(v="8.*")}
    assert check_of(tmp_path / "c", floating, "deps.lockfile").status == Status.FAIL


# --- decision 6: literal credentials fail whatever their strength --------------------------

K8S_SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: orders-db
type: Opaque
stringData:
  POSTGRES_USER: orders
  POSTGRES_PASSWORD: {password}
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  template:
    spec:
      containers:
        - name: orders
          image: ghcr.io/acme/orders:1.4.0
          envFrom:
            - secretRef:
                name: orders-db
"""
APP = "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"


def secrets_check(root: Path, files: dict[str, str]):
    return check_of(root, files, "config.no-hardcoded-secrets")


def test_a_k8s_secret_holding_postgres_fails(tmp_path):
    files = {"k8s/secret.yaml": K8S_SECRET.format(password="postgres"), "app.py": APP}
    result = secrets_check(tmp_path, files)
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "k8s/secret.yaml:8"
    assert "postgres" not in result.evidence[0].excerpt.replace("POSTGRES", "")


def test_a_k8s_secret_with_a_placeholder_or_template_passes(tmp_path):
    for n, value in enumerate(('"changeme"', '"<password>"', '""', "'{{ .Values.db.password }}'")):
        files = {"k8s/secret.yaml": K8S_SECRET.format(password=value), "app.py": APP}
        assert secrets_check(tmp_path / str(n), files).status == Status.PASS, value


def test_a_connection_string_with_a_password_in_code_fails(tmp_path):
    program = (
        "var builder = WebApplication.CreateBuilder(args);\n"
        'var cs = "Host=db;Username=shop;Password=shop;Database=shop";\n'
    )
    result = secrets_check(tmp_path, {"src/Shop/Program.cs": program})
    assert result.status == Status.FAIL
    assert "Password=«redacted»" in result.evidence[0].excerpt
    url = 'engine = create_engine("postgresql://shop:postgres@db:5432/shop")\n'
    assert secrets_check(tmp_path / "py", {"app/db.py": url}).status == Status.FAIL


def test_a_connection_string_read_from_configuration_passes(tmp_path):
    program = 'var cs = builder.Configuration.GetConnectionString("Default");\n'
    assert secrets_check(tmp_path, {"src/Shop/Program.cs": program}).status == Status.PASS


def test_a_literal_fallback_of_a_secret_setting_fails_unless_a_placeholder(tmp_path):
    bad = 'SECRET_KEY = os.getenv("SECRET_KEY", "dev-secret")\n'
    assert secrets_check(tmp_path / "a", {"app/settings.py": bad}).status == Status.FAIL
    good = 'SECRET_KEY = os.getenv("SECRET_KEY", "changeme")\n'
    assert secrets_check(tmp_path / "b", {"app/settings.py": good}).status == Status.PASS


COMPOSE = """services:
  api:
    build: .
    environment:
      DATABASE_URL: postgres://shop@db:5432/shop
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: postgres
"""


def test_a_compose_file_that_deploys_fails_with_a_literal_password(tmp_path):
    # Decision 3: with no other deployment definition the compose file is the deploy manifest.
    result = secrets_check(tmp_path, {"docker-compose.yml": COMPOSE, "app.py": APP})
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "docker-compose.yml:9"


def test_a_development_compose_file_is_exempt(tmp_path):
    files = {"docker-compose.dev.yml": COMPOSE, "app.py": APP}
    assert secrets_check(tmp_path / "a", files).status == Status.PASS
    # Beside a Kubernetes deployment the plain compose file is local parity only.
    files = {"docker-compose.yml": COMPOSE, "app.py": APP, "k8s/deployment.yaml": DEPLOYMENT}
    assert secrets_check(tmp_path / "b", files).status == Status.PASS


PHP_CONFIG = "<?php\n$cfg['Servers'][$i]['password'] = 'root';\n"


def test_an_example_file_is_exempt_unless_the_build_copies_it_into_place(tmp_path):
    files = {"config.inc.php.dist": PHP_CONFIG, "index.php": "<?php echo 1;\n"}
    assert secrets_check(tmp_path / "a", files).status == Status.PASS
    dockerfile = "FROM php:8.3-apache\nCOPY config.inc.php.dist /var/www/html/config.inc.php\n"
    result = secrets_check(tmp_path / "b", {**files, "Dockerfile": dockerfile})
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "config.inc.php.dist:2"


def test_test_files_are_exempt(tmp_path):
    files = {"tests/test_db.py": 'PASSWORD = "postgres"\n', "app.py": APP}
    assert secrets_check(tmp_path, files).status == Status.PASS


def test_identifiers_that_look_random_are_not_secrets(tmp_path):
    config = (
        "notifications:\n"
        "  slack_token: arn:aws:sns:eu-west-1:123456789012:chatbot-alerts\n"
        "  api_key: 3f2b8c1e-9d4a-4b7e-8f6a-2c1d0e9b7a55\n"
        "  secret: 9b74c9897bac770ffc029102a200c5de\n"
    )
    assert secrets_check(tmp_path / "a", {"config/app.yaml": config}).status == Status.PASS
    working = "notifications:\n  slack_token: xoxb-2fA9kQ\n"
    assert secrets_check(tmp_path / "b", {"config/app.yaml": working}).status == Status.FAIL


def test_form_labels_and_translations_are_not_passwords(tmp_path):
    files = {
        "src/forms.ts": (
            'export const labels = { passwordLabel: "Password", password: "password" };\n'
        ),
        "config/locales/de.yml": "de:\n  password: Passwort\n",
    }
    assert secrets_check(tmp_path, files).status == Status.PASS


# --- shared names: PGPASSWORD & co., locations are URLs, hosts or DSNs ----------------------


def test_client_password_variables_are_secret_names():
    from scorecards.collectors.repo_files.redaction import is_location_name, is_secret_name

    assert all(is_secret_name(n) for n in ("PGPASSWORD", "PGPASS", "REDISCLI_AUTH"))
    assert not is_secret_name("PGUSER")
    assert not is_location_name("DB_PASSWORD") and not is_location_name("PGPASSWORD")
    assert all(is_location_name(n) for n in ("DATABASE_URL", "DB_HOST", "PGHOST", "REDIS_URL"))


def test_a_password_literal_in_a_deployment_env_is_not_from_a_store(tmp_path):
    deployment = DEPLOYMENT.replace(
        "          envFrom:\n            - secretRef:\n                name: orders-db\n",
        "          env:\n            - name: PGPASSWORD\n              value: postgres\n",
    )
    result = check_of(tmp_path, {"k8s/deployment.yaml": deployment, "app.py": APP},
                      "config.secrets-from-store")  # fmt: skip
    assert result.status == Status.FAIL
    assert "PGPASSWORD" in result.evidence[0].excerpt


def backing_app(env: str) -> dict[str, str]:
    deployment = DEPLOYMENT.replace(
        "          envFrom:\n            - secretRef:\n                name: orders-db\n", env
    )
    return {
        "k8s/deployment.yaml": deployment,
        "requirements.txt": "psycopg==3.2.3\n",
        "app/db.py": "import psycopg\n\nconn = psycopg.connect()\n",
    }


def test_a_password_from_a_secret_is_not_a_backing_service_location(tmp_path):
    env = (
        "          env:\n            - name: DB_PASSWORD\n              valueFrom:\n"
        "                secretKeyRef: {name: orders-db, key: password}\n"
    )
    result = check_of(tmp_path, backing_app(env), "backing.attached-by-url")
    assert result.status != Status.PASS
    located = env + "            - name: DATABASE_HOST\n              value: orders-db.internal\n"
    assert check_of(tmp_path / "b", backing_app(located), "backing.attached-by-url").status == (
        Status.PASS
    )


# --- decision 2: framework knowledge counts as evidence -----------------------------------

SPRING_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>{boot}</version>
  </parent>
  <groupId>org.acme</groupId>
  <artifactId>orders</artifactId>
  <version>0.0.1</version>
  <packaging>{packaging}</packaging>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>{starter}</artifactId>
    </dependency>
  </dependencies>
</project>
"""
SPRING_APP = """package org.acme.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
"""
JAVA_DOCKERFILE = (
    "FROM eclipse-temurin:21.0.5_11-jre\nCOPY target/orders.jar /app.jar\n"
    'EXPOSE 8080\nENTRYPOINT ["java", "-jar", "/app.jar"]\n'
)


def spring(boot="4.0.0", starter="spring-boot-starter-webmvc", packaging="jar", **more):
    return {
        "pom.xml": SPRING_POM.format(boot=boot, starter=starter, packaging=packaging),
        "src/main/java/org/acme/samples/orders/OrdersApplication.java": SPRING_APP,
        "Dockerfile": JAVA_DOCKERFILE,
        **more,
    }


def test_a_spring_boot_4_webmvc_starter_binds_and_reads_its_port(tmp_path):
    results = results_of(collect_directory(write_tree(tmp_path, spring())))
    binding = results["port.binding"]
    assert binding.status == Status.PASS
    assert any("spring-boot-starter-webmvc: the web starter embeds" in e.excerpt
               for e in binding.evidence)  # fmt: skip
    assert results["port.from-env"].status == Status.PASS


def test_a_war_into_tomcat_still_fails_port_binding(tmp_path):
    files = spring(starter="spring-boot-starter-data-jpa", packaging="war")
    files["Dockerfile"] = (
        "FROM tomcat:10.1.33-jre21\nCOPY target/orders.war /usr/local/tomcat/webapps/\n"
    )
    assert check_of(tmp_path, files, "port.binding").status == Status.FAIL


def test_the_sample_package_of_a_java_app_is_its_production_code(tmp_path):
    # org/acme/samples/... is a package path: the app's code, not sample code.
    files = spring()
    results = results_of(collect_directory(write_tree(tmp_path, files)))
    assert results["deps.manifest"].status == Status.PASS
    facts = collect_directory(tmp_path)
    from scorecards.checks import deployables as d

    code = d.production_code_files(CheckContext(repo=facts))
    assert "src/main/java/org/acme/samples/orders/OrdersApplication.java" in code


def test_spring_boot_logs_to_the_console_unless_a_log_file_is_set(tmp_path):
    result = check_of(tmp_path / "a", spring(), "logs.stdout")
    assert result.status == Status.PASS
    assert "logs to the console unless logging.file" in result.evidence[0].excerpt
    to_file = spring(**{"src/main/resources/application.properties": "logging.file.name=app.log\n"})
    assert check_of(tmp_path / "b", to_file, "logs.stdout").status == Status.FAIL


def test_spring_boot_drains_by_default_only_from_3_4(tmp_path):
    result = check_of(tmp_path / "a", spring(boot="3.4.1"), "disposability.graceful-shutdown")
    assert result.status == Status.PASS
    assert "server.shutdown=graceful" in result.evidence[0].excerpt
    older = check_of(tmp_path / "b", spring(boot="3.2.5"), "disposability.graceful-shutdown")
    assert older.status == Status.FAIL


EXPRESS_PACKAGE = json.dumps(
    {"name": "shop", "version": "1.0.0", "scripts": {"start": "node server.js"},
     "dependencies": {"express": "4.21.1", "joi": "17.13.3"}}
)  # fmt: skip
NODE_DOCKERFILE = (
    "FROM node:20.18.0-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
    'EXPOSE 3000\nCMD ["node", "server.js"]\n'
)
JOI_CONFIG = """const Joi = require("joi");

const schema = Joi.object({
  PORT: Joi.number().port().default(3000),
  DATABASE_URL: Joi.string().uri().required(),
}).unknown();

const { value } = schema.validate(process.env);
module.exports = { port: value.PORT, databaseUrl: value.DATABASE_URL };
"""
EXPRESS_SERVER = """const express = require("express");
const config = require("./config");

const app = express();
app.get("/healthz", (req, res) => res.send("ok"));
app.listen({listen});
"""


def express(listen="config.port", **more):
    return {
        "package.json": EXPRESS_PACKAGE,
        "package-lock.json": '{"lockfileVersion": 3}',
        "Dockerfile": NODE_DOCKERFILE,
        "config.js": JOI_CONFIG,
        "server.js": EXPRESS_SERVER.replace("{listen}", listen),
        **more,
    }


def test_a_port_read_through_a_joi_schema_comes_from_the_environment(tmp_path):
    result = check_of(tmp_path, express(), "port.from-env")
    assert result.status == Status.PASS
    assert any(e.locator == "config.js:4" for e in result.evidence)


def test_a_literal_listen_port_without_any_env_read_fails(tmp_path):
    files = express(listen="3000")
    files["config.js"] = "module.exports = { databaseUrl: 'postgres://db/shop' };\n"
    assert check_of(tmp_path, files, "port.from-env").status == Status.FAIL


def test_an_express_server_without_a_sigterm_handler_fails_graceful_shutdown(tmp_path):
    result = check_of(tmp_path / "a", express(), "disposability.graceful-shutdown")
    assert result.status == Status.FAIL
    assert "express" in result.evidence[0].excerpt
    handled = express()
    handled["server.js"] += 'process.on("SIGTERM", () => server.close());\n'
    result = check_of(tmp_path / "b", handled, "disposability.graceful-shutdown")
    assert result.status == Status.PASS


def test_fastapi_run_binds_its_own_port(tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "api"\nversion = "1"\n'
        'dependencies = ["fastapi[standard]==0.115.4"]\n',
        "uv.lock": "version = 1\n",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "Dockerfile": 'FROM python:3.12.7-slim\nCOPY . .\nCMD ["fastapi", "run", "app/main.py"]\n',
    }
    result = check_of(tmp_path, files, "port.binding")
    assert result.status == Status.PASS
    assert "fastapi run" in " ".join(e.excerpt for e in result.evidence)


UWSGI_APP = {
    "requirements.txt": "django==5.1.3\nuwsgi==2.0.28\n",
    "mysite/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\n"
    "application = get_wsgi_application()\n",
    "Dockerfile": 'FROM python:3.12.7-slim\nCOPY . .\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n',
}


def test_uwsgi_http_socket_binds_and_reads_port_from_env(tmp_path):
    files = {**UWSGI_APP, "uwsgi.ini": "[uwsgi]\nmodule = mysite.wsgi\nhttp-socket = :$(PORT)\n"}
    results = results_of(collect_directory(write_tree(tmp_path, files)))
    assert results["port.binding"].status == Status.PASS
    assert results["port.from-env"].status == Status.PASS


def test_uwsgi_http_socket_with_a_literal_port_fails_port_from_env(tmp_path):
    files = {**UWSGI_APP, "uwsgi.ini": "[uwsgi]\nmodule = mysite.wsgi\nhttp-socket = :8000\n"}
    results = results_of(collect_directory(write_tree(tmp_path, files)))
    assert results["port.binding"].status == Status.PASS
    assert results["port.from-env"].status == Status.FAIL


CSPROJ_WEB = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
</Project>
"""


def test_kestrel_reads_aspnetcore_urls_and_logs_to_the_console(tmp_path):
    files = {
        "src/Api/Api.csproj": CSPROJ_WEB,
        "src/Api/Program.cs": "var app = WebApplication.CreateBuilder(args).Build();\napp.Run();\n",
        "Dockerfile": "FROM mcr.microsoft.com/dotnet/aspnet:8.0.10\nENV ASPNETCORE_URLS=http://+:8080\n"
        'COPY out/ /app\nENTRYPOINT ["dotnet", "/app/Api.dll"]\n',
    }
    results = results_of(collect_directory(write_tree(tmp_path, files)))
    assert results["port.binding"].status == Status.PASS
    assert results["port.from-env"].status == Status.PASS
    assert results["logs.stdout"].status == Status.PASS
    assert results["disposability.graceful-shutdown"].status == Status.PASS


GO_MAIN = """package main

import (
\t"net/http"

\t"github.com/spf13/viper"
)

func main() {
\tviper.SetConfigFile("config.yaml")
\thttp.ListenAndServe(":" + viper.GetString("port"), nil)
}
"""


def go_app(mod_requires: str) -> dict[str, str]:
    return {
        "go.mod": f"module example.com/shop\n\ngo 1.23\n\nrequire (\n{mod_requires})\n",
        "go.sum": "",
        "main.go": GO_MAIN,
        "handlers.go": "package main\n",
        "store.go": "package main\n",
    }


def test_viper_counts_as_reading_configuration_from_the_environment(tmp_path):
    result = check_of(tmp_path, go_app("\tgithub.com/spf13/viper v1.19.0\n"), "config.env-settings")
    assert result.status == Status.PASS
    assert "github.com/spf13/viper: viper resolves keys" in result.evidence[0].excerpt


def test_go_code_with_no_settings_library_and_no_env_read_fails(tmp_path):
    files = go_app("\tgithub.com/go-chi/chi/v5 v5.1.0\n")
    files["main.go"] = (
        GO_MAIN.replace('\t"github.com/spf13/viper"\n', "")
        .replace('\tviper.SetConfigFile("config.yaml")\n', "")
        .replace('viper.GetString("port")', '"8080"')
    )
    assert check_of(tmp_path, files, "config.env-settings").status == Status.FAIL


# --- parity.same-backing-services: SQLite fallbacks and multi-database toolkits -------------

PG_COMPOSE = """services:
  api:
    build: .
    environment:
      DATABASE_URL: postgres://shop@db:5432/shop
  db:
    image: postgres:16.4
"""


def parity_of(root: Path, files: dict[str, str]):
    return check_of(root, files, "parity.same-backing-services")


def test_a_sqlite_fallback_of_database_url_fails_parity_with_postgres(tmp_path):
    settings = (
        "import os\n\nimport dj_database_url\n\n"
        'DATABASES = {"default": dj_database_url.parse(os.getenv("DATABASE_URL", '
        '"sqlite:///db.sqlite3"))}\n'
    )
    files = {"requirements.txt": "django==5.1.3\npsycopg==3.2.3\n", "shop/settings.py": settings}
    result = parity_of(tmp_path, files)
    assert result.status == Status.FAIL
    assert "falls back to SQLite" in result.evidence[0].excerpt


def test_a_database_url_without_fallback_and_a_local_postgres_passes(tmp_path):
    settings = 'import os\n\nDATABASE_URL = os.environ["DATABASE_URL"]\n'
    files = {
        "requirements.txt": "django==5.1.3\npsycopg==3.2.3\n",
        "shop/settings.py": settings,
        "docker-compose.yml": PG_COMPOSE,
    }
    assert parity_of(tmp_path, files).status == Status.PASS


SQLX_MAIN = """use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() -> Result<(), sqlx::Error> {
    let url = std::env::var("DATABASE_URL"){fallback};
    let pool = PgPoolOptions::new().connect(&url).await?;
    Ok(())
}
"""
CARGO = """[package]
name = "shop"
version = "0.1.0"
edition = "2021"

[dependencies]
sqlx = { version = "0.8.2", features = ["runtime-tokio", "postgres"] }
tokio = { version = "1.41.0", features = ["full"] }
"""


def test_sqlx_with_postgres_matches_a_local_postgres(tmp_path):
    files = {
        "Cargo.toml": CARGO,
        "src/main.rs": SQLX_MAIN.replace("{fallback}", '.expect("DATABASE_URL")'),
        "docker-compose.yml": PG_COMPOSE,
    }
    result = parity_of(tmp_path, files)
    assert result.status == Status.PASS
    assert "postgres" in result.message


def test_sqlx_falling_back_to_sqlite_fails(tmp_path):
    fallback = '.unwrap_or_else(|_| "sqlite://dev.db".to_string())'
    files = {
        "Cargo.toml": CARGO,
        "src/main.rs": SQLX_MAIN.replace("{fallback}", fallback),
        "docker-compose.yml": PG_COMPOSE,
    }
    assert parity_of(tmp_path, files).status == Status.FAIL


def test_an_unknown_spring_boot_version_is_not_failed_for_shutdown(tmp_path):
    files = {
        "build.gradle": "plugins { id 'org.springframework.boot' version '3.4.1' }\n"
        "dependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n",
        "src/main/java/org/acme/samples/orders/OrdersApplication.java": SPRING_APP,
        "Dockerfile": JAVA_DOCKERFILE,
    }
    result = check_of(tmp_path, files, "disposability.graceful-shutdown")
    assert result.status == Status.UNKNOWN


# --- decision 6: what is not a working password ---------------------------------------------


WORKFLOW = """name: deploy
on: [push]
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""
LARAVEL_USER = """<?php
class User extends Authenticatable
{
    protected function casts(): array
    {
        return ['email_verified_at' => 'datetime', 'password' => 'hashed'];
    }
}
"""
LARAVEL_REGISTER = """<?php
class RegisterController extends Controller
{
    protected function validator(array $data)
    {
        return Validator::make($data, [
            'password' => ['required', 'string', 'min:8', 'confirmed'],
        ]);
    }
}
"""


def test_permissions_casts_and_validation_rules_are_not_passwords(tmp_path):
    files = {
        ".github/workflows/deploy.yml": WORKFLOW,
        "app/Models/User.php": LARAVEL_USER,
        "app/Http/Controllers/RegisterController.php": LARAVEL_REGISTER,
    }
    assert secrets_check(tmp_path / "a", files).status == Status.PASS
    weak = {"config/auth.php": "<?php\nreturn ['password' => 'letmein'];\n"}
    assert secrets_check(tmp_path / "b", {**files, **weak}).status == Status.FAIL


def test_documentation_and_key_file_paths_are_not_passwords(tmp_path):
    readme = (
        "## Run locally\n\n```sh\n"
        'export GOOGLE_APPLICATION_CREDENTIALS="path/to/key.json"\n'
        'export DB_PASSWORD="postgres"\n```\n'
    )
    files = {"README.md": readme, "app.py": APP}
    assert secrets_check(tmp_path / "a", files).status == Status.PASS
    settings = 'DB_PASSWORD = "postgres"\nCREDENTIALS = "keys/service-account.json"\n'
    result = secrets_check(tmp_path / "b", {**files, "app/settings.py": settings})
    assert result.status == Status.FAIL
    assert [e.locator for e in result.evidence] == ["app/settings.py:1"]


def test_changethis_is_a_placeholder(tmp_path):
    env = "SECRET_KEY=changethis\nFIRST_SUPERUSER_PASSWORD=changethis\n"
    files = {"config/app.env": env, "app.py": APP}
    assert secrets_check(tmp_path / "a", files).status == Status.PASS
    files = {"config/app.env": "SECRET_KEY=s3cr3t-dev\n", "app.py": APP}
    assert secrets_check(tmp_path / "b", files).status == Status.FAIL


def test_a_literal_after_an_environment_fallback_operator_fails(tmp_path):
    shapes = {
        "src/auth.ts": "const auth = jwt({ secret: process.env.JWT_SECRET || 'superSecret' });\n",
        "src/keys.ts": "const apiKey = process.env.API_KEY ?? 'k3y-local';\n",
        "config.py": "class Config:\n    SECRET_KEY = os.environ.get('SECRET_KEY') or 'no-guess'\n",
        "cmd/main.go": 'func init() {\n\tviper.SetDefault("jwt-secret", "s1gning-secret")\n}\n',
    }
    for n, (path, text) in enumerate(shapes.items()):
        result = secrets_check(tmp_path / str(n), {path: text})
        assert result.status == Status.FAIL, path
        assert "«redacted»" in result.evidence[0].excerpt
    placeholders = {
        "src/auth.ts": "const secret = process.env.JWT_SECRET || 'changeme';\n",
        "cmd/main.go": 'viper.SetDefault("jwt-secret", "")\nlog.Print("token", "sent")\n',
        "src/port.ts": "const port = process.env.PORT || '3000';\n",
    }
    for n, (path, text) in enumerate(placeholders.items()):
        assert secrets_check(tmp_path / f"ok{n}", {path: text}).status == Status.PASS, path


# --- config.secrets-from-store: app platform specs and deploy compose files --------------

RENDER = """services:
  - type: web
    name: shop
    runtime: python
    startCommand: gunicorn shop.wsgi
    envVars:
      - key: DATABASE_URL
        fromDatabase:
          name: shopdb
          property: connectionString
      - key: SECRET_KEY
        generateValue: true
      - key: STRIPE_API_KEY
        sync: false
      - key: WEB_CONCURRENCY
        value: 4
"""
DO_SPEC = """name: shop
services:
  - name: api
    dockerfile_path: Dockerfile
    github:
      repo: acme/shop
      branch: main
    envs:
      - key: APP_DATABASE__PASSWORD
        scope: RUN_TIME
        value: ${shopdb.PASSWORD}
      - key: APP_JWT_SECRET
        type: SECRET
        value: EV[1:abc:def]
"""


def store_check(root: Path, files: dict[str, str]):
    return check_of(root, files, "config.secrets-from-store")


def test_render_and_do_specs_hand_secrets_over_without_writing_them(tmp_path):
    assert store_check(tmp_path / "a", {"render.yaml": RENDER, "app.py": APP}).status == Status.PASS
    assert (
        store_check(tmp_path / "b", {".do/app.yaml": DO_SPEC, "app.py": APP}).status == Status.PASS
    )
    literal = RENDER.replace("        sync: false\n", "        value: sk-live-9f8e7d\n")
    result = store_check(tmp_path / "c", {"render.yaml": literal, "app.py": APP})
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "render.yaml:13"


DEPLOY_COMPOSE = """services:
  backend:
    image: ghcr.io/acme/backend:1.2.0
    environment:
      - SECRET_KEY=${SECRET_KEY?Variable not set}
      - POSTGRES_SERVER=db
"""


def test_a_compose_file_that_deploys_takes_secrets_from_the_environment(tmp_path):
    files = {"compose.yml": DEPLOY_COMPOSE, "app.py": APP}
    assert store_check(tmp_path / "a", files).status == Status.PASS
    literal = DEPLOY_COMPOSE.replace("${SECRET_KEY?Variable not set}", "s3cr3t-k3y")
    assert store_check(tmp_path / "b", {**files, "compose.yml": literal}).status == Status.FAIL
    # Beside Bicep the compose file is local parity only: the Bicep decides, and is not read.
    bicep = {"infra/main.bicep": "param location string = resourceGroup().location\n"}
    result = store_check(tmp_path / "c", {**files, "compose.yml": literal, **bicep})
    assert result.status == Status.UNKNOWN


# --- backing.attached-by-url: framework database files, platform specs, SQLite files --------


def attached_check(root: Path, files: dict[str, str]):
    return check_of(root, files, "backing.attached-by-url")


LARAVEL_DATABASE = """<?php
return [
    'default' => env('DB_CONNECTION', 'mysql'),
    'connections' => [
        'mysql' => [
            'driver' => 'mysql',
            'url' => env('DB_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
        ],
    ],
];
"""


def test_a_laravel_database_config_reading_the_environment_passes(tmp_path):
    files = {"config/database.php": LARAVEL_DATABASE, "public/index.php": "<?php echo 1;\n"}
    result = attached_check(tmp_path / "a", files)
    assert result.status == Status.PASS
    assert any(e.locator.startswith("config/database.php:") for e in result.evidence)


def test_a_prisma_datasource_url_from_the_environment_passes(tmp_path):
    schema = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
    client = (
        "import { PrismaClient } from '@prisma/client';\nexport const db = new PrismaClient();\n"
    )
    files = {"prisma/schema.prisma": schema, "src/db.ts": client}
    assert attached_check(tmp_path / "a", files).status == Status.PASS
    without = schema.replace('env("DATABASE_URL")', '"file:./dev.db"')
    assert attached_check(tmp_path / "b", {**files, "prisma/schema.prisma": without}).status != (
        Status.PASS
    )


def test_platform_spec_locations_attach_the_database(tmp_path):
    spec = (
        "name: shop\nservices:\n  - name: api\n    dockerfile_path: Dockerfile\n"
        "    github:\n      repo: acme/shop\n      branch: main\n    envs:\n"
        "      - key: APP_DATABASE__HOST\n        value: ${shopdb.HOSTNAME}\n"
    )
    code = "use sqlx::PgPool;\n"
    files = {"spec.yaml": spec, "src/db.rs": code}
    assert attached_check(tmp_path / "a", files).status == Status.PASS
    assert attached_check(tmp_path / "b", {"src/db.rs": code}).status == Status.UNKNOWN


def test_a_sqlite_file_as_the_only_database_fails(tmp_path):
    settings = (
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n"
        "        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}\n"
    )
    result = attached_check(tmp_path / "a", {"site/settings.py": settings})
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "site/settings.py:3"
    url = "import dj_database_url\nDATABASES = {'default': dj_database_url.config()}\n"
    files = {"site/settings.py": url, "requirements.txt": "dj-database-url==2.3.0\n"}
    assert attached_check(tmp_path / "b", files).status == Status.PASS


# --- a Secret's weak value, a multi-line env default, Express's bin/www --------------------

SERVICE_BINDING = """apiVersion: v1
kind: Secret
metadata:
  name: orders-db
type: servicebinding.io/postgresql
stringData:
  host: "orders-db"
  username: "orders"
  password: "{value}"
"""


def test_a_label_word_is_a_working_password_in_a_secret(tmp_path):
    files = {"k8s/db.yml": SERVICE_BINDING.format(value="pass"), "app.py": APP}
    result = secrets_check(tmp_path / "a", files)
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "k8s/db.yml:9"
    files = {"k8s/db.yml": SERVICE_BINDING.format(value="password"), "app.py": APP}
    assert secrets_check(tmp_path / "b", files).status == Status.PASS


def test_a_localhost_default_on_the_line_after_the_env_read_is_not_hardcoded(tmp_path):
    settings = (
        "import dj_database_url\n\nDATABASES = {\n    'default': dj_database_url.config(\n"
        "        default='postgresql://shop@localhost:5432/shop',\n        conn_max_age=600,\n"
        "    )\n}\n"
    )
    check = "config.no-hardcoded-endpoints"
    assert check_of(tmp_path / "a", {"shop/settings.py": settings}, check).status == Status.PASS
    # Not a default: the URL itself is the setting.
    literal = settings.replace("default='postgresql", "'postgresql")
    assert check_of(tmp_path / "b", {"shop/settings.py": literal}, check).status == Status.FAIL


def test_express_bin_www_reads_the_port_from_the_environment(tmp_path):
    www = (
        "#!/usr/bin/env node\nvar app = require('../app');\nvar http = require('http');\n"
        "var port = normalizePort(process.env.PORT || '3000');\n"
        "var server = http.createServer(app);\nserver.listen(port);\n"
    )
    app = "var express = require('express');\nvar app = express();\nmodule.exports = app;\n"
    files = {"bin/www": www, "app.js": app, "package.json": '{"name": "hello"}'}
    assert check_of(tmp_path, files, "config.env-settings").status == Status.PASS


def test_a_condition_with_or_is_not_a_secret_fallback(tmp_path):
    code = (
        'def wanted(token):\n    return token.endswith(".sh") or "/" in token or "entry" in token\n'
    )
    assert secrets_check(tmp_path, {"app/scan.py": code}).status == Status.PASS


def test_a_start_command_expanding_a_variable_configures_from_the_environment(tmp_path):
    render = (
        "services:\n  - type: web\n    name: hello\n    runtime: python\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n"
    )
    main = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    files = {"render.yaml": render, "main.py": main}
    result = check_of(tmp_path / "a", files, "config.env-settings")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "render.yaml:5"
    fixed = render.replace("$PORT", "8000")
    result = check_of(tmp_path / "b", {**files, "render.yaml": fixed}, "config.env-settings")
    assert result.status != Status.PASS
