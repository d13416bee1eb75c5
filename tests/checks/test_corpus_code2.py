"""Shapes of real repositories that fooled the code-side checks (issue 19), each as a passing
and a failing project written the way such projects are written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.checks.test_decisions_code import check_of

EXPRESS_PACKAGE = json.dumps(
    {"name": "todo-api", "version": "1.0.0", "dependencies": {"express": "^4.19.2"}}
)
EXPRESS_APP = """const express = require('express');
const app = express();
const port = process.env.PORT || 3000;

app.get('/', (req, res) => res.send('ok'));

app.listen(port, () => console.log(`listening on ${port}`));
"""
SIGTERM_HANDLER = """
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
"""
NGINX_FRONTEND = """FROM node:20.11.1-alpine AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM nginx:1.25.4-alpine
COPY --from=build /app/dist /usr/share/nginx/html
CMD ["nginx", "-g", "daemon off;"]
"""
API_DOCKERFILE = """FROM node:20.11.1-alpine
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
USER node
CMD ["node", "src/index.js"]
"""


# --- logs.structured / telemetry.instrumented: a small but complete app decides ---------------


def test_a_one_file_express_app_fails_structured_logs_and_telemetry(tmp_path: Path):
    files = {"package.json": EXPRESS_PACKAGE, "app.js": EXPRESS_APP}
    logs = check_of(tmp_path, files, "logs.structured")
    telemetry = check_of(tmp_path, files, "telemetry.instrumented")
    assert (logs.status, telemetry.status) == ("fail", "fail")
    assert logs.evidence[0].locator.startswith("app.js")  # where it looked


def test_a_repository_with_no_code_stays_unknown_for_telemetry(tmp_path: Path):
    files = {"README.md": "# notes\n", "docs/design.md": "no code here\n"}
    assert check_of(tmp_path, files, "telemetry.instrumented").status == "unknown"


def test_heroku_runtime_metrics_count_as_telemetry(tmp_path: Path):
    files = {
        "go.mod": "module example.com/hello\n\ngo 1.22\n\nrequire (\n"
        "\tgithub.com/gin-gonic/gin v1.9.1\n\tgithub.com/heroku/x v0.1.0\n)\n",
        "main.go": 'package main\n\nimport (\n\t"os"\n\n\t"github.com/gin-gonic/gin"\n'
        '\t_ "github.com/heroku/x/hmetrics/onload"\n)\n\nfunc main() {\n'
        '\tr := gin.New()\n\tr.Run(":" + os.Getenv("PORT"))\n}\n',
    }
    assert check_of(tmp_path, files, "telemetry.instrumented").status == "pass"


def test_application_insights_counts_as_telemetry(tmp_path: Path):
    package = json.loads(EXPRESS_PACKAGE)
    package["dependencies"]["applicationinsights"] = "^2.9.5"
    files = {"package.json": json.dumps(package), "app.js": EXPRESS_APP}
    assert check_of(tmp_path, files, "telemetry.instrumented").status == "pass"


def test_spring_boot_actuator_counts_as_telemetry(tmp_path: Path):
    pom = """<project>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-actuator</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
  </dependencies>
</project>
"""
    app = "package shop;\n\n@SpringBootApplication\npublic class ShopApplication {}\n"
    files = {"pom.xml": pom, "src/main/java/shop/ShopApplication.java": app}
    assert check_of(tmp_path, files, "telemetry.instrumented").status == "pass"
    without = {
        **files,
        "pom.xml": pom.replace("spring-boot-starter-actuator", "spring-boot-starter-cache"),
    }
    assert check_of(tmp_path / "b", without, "telemetry.instrumented").status == "fail"


RUST_MAIN = """use tracing::info;

fn setup() {
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .json()
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("subscriber");
}

fn main() {
    setup();
    info!("started");
}
"""


def test_a_tracing_subscriber_built_over_several_lines_with_json_passes(tmp_path: Path):
    files = {"Cargo.toml": '[package]\nname = "products"\n', "src/main.rs": RUST_MAIN}
    assert check_of(tmp_path, files, "logs.structured").status == "pass"
    plain = {**files, "src/main.rs": RUST_MAIN.replace("        .json()\n", "")}
    assert check_of(tmp_path / "b", plain, "logs.structured").status == "fail"


# --- logs.stdout: a developer's launcher script is not the app's logging ----------------------

RUN_ALL = """#!/bin/bash
set -e
mkdir -p target
nohup java -jar config-server/target/config-server.jar > target/config-server.log 2>&1 &
nohup java -jar api-gateway/target/api-gateway.jar > target/api-gateway.log 2>&1 &
"""


def test_a_launcher_script_backgrounding_services_is_not_file_logging(tmp_path: Path):
    files = {"package.json": EXPRESS_PACKAGE, "app.js": EXPRESS_APP, "scripts/run_all.sh": RUN_ALL}
    assert check_of(tmp_path, files, "logs.stdout").status == "pass"


def test_a_start_script_the_image_runs_that_redirects_to_a_file_fails(tmp_path: Path):
    files = {
        "package.json": EXPRESS_PACKAGE,
        "app.js": EXPRESS_APP,
        "start.sh": "#!/bin/sh\nexec node app.js > /var/log/app.log 2>&1\n",
        "Dockerfile": 'FROM node:20.11.1-alpine\nCOPY . .\nCMD ["./start.sh"]\n',
    }
    assert check_of(tmp_path, files, "logs.stdout").status == "fail"


# --- Dockerfile names: dockerfile.<service> and one-off images --------------------------------


def test_a_lower_case_dockerfile_dot_service_is_read(tmp_path: Path):
    dockerfile = "FROM golang:1.22.5 AS build\nCOPY . .\nRUN go build -o /sales\n\n"
    dockerfile += "FROM alpine:3.20.2\nCOPY --from=build /sales /sales\nUSER 1000\n"
    dockerfile += 'CMD ["/sales"]\n'
    files = {"zarf/docker/dockerfile.sales": dockerfile, "go.mod": "module sales\n"}
    assert check_of(tmp_path, files, "security.non-root").status == "pass"
    assert check_of(tmp_path, files, "deps.base-image-pinned").status == "pass"
    rooted = {**files, "zarf/docker/dockerfile.sales": dockerfile.replace("USER 1000\n", "")}
    assert check_of(tmp_path / "b", rooted, "security.non-root").status == "fail"


def test_an_export_dockerfile_beside_the_service_image_is_not_the_service(tmp_path: Path):
    service = 'FROM ruby:3.3.4-slim\nCOPY . .\nUSER 1000:1000\nCMD ["bin/rails", "server"]\n'
    export = "FROM ruby:3.3.4-slim\nRUN apt update && apt install -y zip\nCOPY . .\n"
    export += 'CMD ["zip", "-r", "/app.zip", "."]\n'
    files = {"Dockerfile": service, "Dockerfile-export": export, "Gemfile": "gem 'rails'\n"}
    assert check_of(tmp_path, files, "security.non-root").status == "pass"
    rooted = {**files, "Dockerfile": service.replace("USER 1000:1000\n", "")}
    assert check_of(tmp_path / "b", rooted, "security.non-root").status == "fail"


# --- port.from-env -----------------------------------------------------------------------------

BIN_WWW = """#!/usr/bin/env node
var app = require('../app');
var http = require('http');

var port = normalizePort(process.env.PORT || '3000');
app.set('port', port);
var server = http.createServer(app);
server.listen(port);
"""


def test_the_express_generator_bin_www_script_is_read(tmp_path: Path):
    files = {
        "package.json": EXPRESS_PACKAGE,
        "app.js": "module.exports = {};\n",
        "bin/www": BIN_WWW,
    }
    assert check_of(tmp_path, files, "port.from-env").status == "pass"
    literal = {**files, "bin/www": BIN_WWW.replace("process.env.PORT || '3000'", "3000")}
    literal["bin/www"] = literal["bin/www"].replace("server.listen(port)", "server.listen(3000)")
    assert check_of(tmp_path / "b", literal, "port.from-env").status == "fail"


GIN_MOD = "module example.com/conduit\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n"


def _gin_main(run: str) -> str:
    return (
        'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc main() {\n'
        f"\tr := gin.Default()\n\t{run}\n}}\n"
    )


def test_gin_run_without_an_address_reads_port(tmp_path: Path):
    files = {
        "go.mod": GIN_MOD,
        "hello.go": _gin_main("r.Run() // listen and serve on 0.0.0.0:8080"),
    }
    assert check_of(tmp_path, files, "port.from-env").status == "pass"
    literal = {**files, "hello.go": _gin_main('r.Run(":8080")')}
    assert check_of(tmp_path / "b", literal, "port.from-env").status == "fail"


def test_an_aspnet_app_run_is_not_a_gin_router(tmp_path: Path):
    csproj = '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n'
    program = "var builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\n"
    program += "app.Run();\n"
    files = {"src/Api/Api.csproj": csproj, "src/Api/Program.cs": program}
    assert check_of(tmp_path, files, "disposability.graceful-shutdown").status == "pass"


ROCKET_MAIN = """#[macro_use] extern crate rocket;

#[get("/")]
fn index() -> &'static str { "Hello" }

#[launch]
fn rocket() -> _ {
    rocket::build().mount("/", routes![index])
}
"""


def test_rocket_reads_rocket_port_and_drains_on_sigterm(tmp_path: Path):
    cargo = '[package]\nname = "hello"\n\n[dependencies]\nrocket = "0.5"\n'
    files = {
        "Cargo.toml": cargo,
        "src/main.rs": ROCKET_MAIN,
        "Rocket.toml": "[default]\nport = 10000\n",
    }
    assert check_of(tmp_path, files, "port.from-env").status == "pass"
    assert check_of(tmp_path, files, "disposability.graceful-shutdown").status == "pass"
    older = {**files, "Cargo.toml": cargo.replace('"0.5"', '"0.4"')}
    assert check_of(tmp_path / "b", older, "disposability.graceful-shutdown").status != "pass"


ACTIX_CARGO = '[package]\nname = "newsletter"\n\n[dependencies]\nactix-web = "4"\n'
ACTIX_MAIN = """use actix_web::{App, HttpServer};

pub fn run(address: String) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(address)?;
    let _server = HttpServer::new(|| App::new()).listen(listener)?;
    Ok(())
}
"""


def test_a_port_read_through_the_config_crate_is_from_the_environment(tmp_path: Path):
    cargo = ACTIX_CARGO + 'config = { version = "0.14", features = ["yaml"] }\n'
    files = {"Cargo.toml": cargo, "src/startup.rs": ACTIX_MAIN}
    assert check_of(tmp_path, files, "port.from-env").status == "pass"
    assert (
        check_of(tmp_path / "b", {**files, "Cargo.toml": ACTIX_CARGO}, "port.from-env").status
        == "unknown"
    )


def test_an_npm_package_named_config_is_not_the_rust_crate(tmp_path: Path):
    package = {"name": "api", "dependencies": {"express": "^4.19.2", "config": "^3.3.12"}}
    app = EXPRESS_APP.replace("app.listen(port", "app.listen(3000").replace(
        "const port = process.env.PORT || 3000;\n", ""
    )
    files = {"package.json": json.dumps(package), "app.js": app}
    assert check_of(tmp_path, files, "port.from-env").status == "fail"


def test_a_listen_host_read_by_ardanlabs_conf_is_from_the_environment(tmp_path: Path):
    mod = (
        "module github.com/acme/service\n\ngo 1.22\n\nrequire github.com/ardanlabs/conf/v3 v3.1.8\n"
    )
    main = (
        'package main\n\nimport "net/http"\n\nfunc main() {\n'
        '\tcfg := struct{ Web struct{ APIHost string `conf:"default:0.0.0.0:3000"` } }{}\n'
        "\tapi := http.Server{Addr: cfg.Web.APIHost}\n"
        "\tapi.ListenAndServe()\n}\n"
    )
    files = {"go.mod": mod, "api/main.go": main}
    assert check_of(tmp_path, files, "port.from-env").status == "pass"
    plain = {**files, "go.mod": "module github.com/acme/service\n\ngo 1.22\n"}
    assert check_of(tmp_path / "b", plain, "port.from-env").status == "unknown"


# --- disposability.graceful-shutdown -----------------------------------------------------------


def _fullstack(api_code: str) -> dict[str, str]:
    return {
        "web/Dockerfile": NGINX_FRONTEND,
        "web/package.json": json.dumps({"name": "web", "dependencies": {"react": "^18.2.0"}}),
        "api/Dockerfile": API_DOCKERFILE,
        "api/package.json": EXPRESS_PACKAGE,
        "api/src/index.js": api_code,
    }


def test_nginx_serving_the_front_end_does_not_drain_the_express_api(tmp_path: Path):
    result = check_of(tmp_path, _fullstack(EXPRESS_APP), "disposability.graceful-shutdown")
    assert result.status == "fail"
    assert "express" in result.evidence[0].excerpt


def test_an_express_api_that_closes_its_server_on_sigterm_passes(tmp_path: Path):
    code = EXPRESS_APP.replace("app.listen(", "const server = app.listen(") + SIGTERM_HANDLER
    assert check_of(tmp_path, _fullstack(code), "disposability.graceful-shutdown").status == "pass"


def test_a_code_only_express_app_without_a_sigterm_handler_fails(tmp_path: Path):
    files = {"package.json": EXPRESS_PACKAGE, "app.js": EXPRESS_APP}
    assert check_of(tmp_path, files, "disposability.graceful-shutdown").status == "fail"


# --- build.ci-pipeline: build specs named by platform convention -------------------------------


def test_a_prefixed_cloud_build_file_and_an_amplify_build_spec_are_ci(tmp_path: Path):
    app = {"main.py": "print('hi')\n", "requirements.txt": "flask==3.0.3\n"}
    steps = "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: [build, .]\n"
    prefixed = {**app, "deploy.cloudbuild.yaml": steps}
    amplify = {**app, "amplify.yml": "version: 1\nfrontend:\n  phases:\n    build:\n"}
    assert check_of(tmp_path / "a", prefixed, "build.ci-pipeline").status == "pass"
    assert check_of(tmp_path / "b", amplify, "build.ci-pipeline").status == "pass"
    assert check_of(tmp_path / "c", app, "build.ci-pipeline").status == "fail"


# --- deps.lockfile ------------------------------------------------------------------------------

PROPS = """<Project>
  <ItemGroup>
    <PackageVersion Include="MediatR" Version="12.4.1" />
    <PackageVersion Include="Serilog" Version="4.0.1" />
  </ItemGroup>
</Project>
"""
CSPROJ = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="MediatR" />
    <PackageReference Include="Serilog" />
  </ItemGroup>
</Project>
"""


def test_central_package_versions_are_locked_by_the_projects_lock_files(tmp_path: Path):
    files = {
        "Directory.Packages.props": PROPS,
        "src/Api/Api.csproj": CSPROJ,
        "src/Api/packages.lock.json": '{"version": 1, "dependencies": {}}\n',
    }
    assert check_of(tmp_path, files, "deps.lockfile").status == "pass"
    unlocked = {k: v for k, v in files.items() if not k.endswith("packages.lock.json")}
    assert check_of(tmp_path / "b", unlocked, "deps.lockfile").status == "warn"


def test_asset_build_dev_dependencies_without_a_lock_fail(tmp_path: Path):
    assets = {
        "private": True,
        "scripts": {"dev": "vite", "build": "vite build"},
        "devDependencies": {"vite": "^5.0.0", "laravel-vite-plugin": "^1.0.0"},
    }
    files = {
        "composer.json": json.dumps({"require": {"laravel/framework": "^11.0"}}),
        "composer.lock": json.dumps({"packages": []}),
        "package.json": json.dumps(assets),
    }
    assert check_of(tmp_path, files, "deps.lockfile").status == "fail"
    tooling = {**assets, "scripts": {"lint": "eslint ."}}
    lint_only = {**files, "package.json": json.dumps(tooling)}
    assert check_of(tmp_path / "b", lint_only, "deps.lockfile").status == "warn"


# --- port.from-env: a literal port variable a line above the listen call ------------------------


def test_a_literal_port_constant_passed_to_listen_fails(tmp_path: Path):
    literal = EXPRESS_APP.replace("process.env.PORT || 3000", "3001")
    files = {"package.json": EXPRESS_PACKAGE, "app.js": literal}
    result = check_of(tmp_path, files, "port.from-env")
    assert result.status == "fail"
    assert result.evidence[0].locator == "app.js:3"
    assert check_of(tmp_path / "b", {**files, "app.js": EXPRESS_APP}, "port.from-env").status == (
        "pass"
    )


def test_a_port_constant_in_a_file_that_starts_no_server_is_not_the_listen_port(tmp_path: Path):
    files = {
        "package.json": EXPRESS_PACKAGE,
        "src/db.js": "const port = 5432;\nmodule.exports = { port };\n",
        "src/index.js": "const app = require('express')();\napp.listen(process.argv[2]);\n",
    }
    assert check_of(tmp_path, files, "port.from-env").status == "unknown"


# --- api.contract: a web framework of the table serves an API ------------------------------------


def test_a_spring_boot_4_webmvc_service_without_a_contract_fails(tmp_path: Path):
    gradle = (
        "plugins { id 'org.springframework.boot' version '4.0.0' }\n\ndependencies {\n"
        "  implementation 'org.springframework.boot:spring-boot-starter-webmvc'\n}\n"
    )
    app = "package shop;\n\n@SpringBootApplication\npublic class ShopApplication {}\n"
    files = {"build.gradle": gradle, "src/main/java/shop/ShopApplication.java": app}
    assert check_of(tmp_path, files, "api.contract").status == "fail"
    with_spec = {
        **files,
        "src/main/resources/openapi.yaml": (
            "openapi: 3.0.3\ninfo:\n  title: shop\n  version: '1'\npaths: {}\n"
        ),
    }
    assert check_of(tmp_path / "b", with_spec, "api.contract").status == "pass"
