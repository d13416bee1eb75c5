"""Service kinds from app platform specs, CDK code and servers in code, on real-world file shapes.

Each shape is written as its project writes it (render.yaml of render-examples, a DigitalOcean
``spec.yaml``, ``fly.toml``, App Engine ``app.yaml``, CDK stacks in five languages...), collected
by the real collector and judged by the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.checks.context import CheckContext
from scorecards.checks.kinds import detect_kinds
from scorecards.checks.results import Status
from scorecards.collectors.localdir import collect_directory
from scorecards.collectors.repo_files.signals.functions_code import lambda_runtime
from tests.checks.helpers import report_for

FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _kinds(root: Path, files: dict[str, str]) -> set[str]:
    facts = collect_directory(_tree(root, files))
    return set(detect_kinds(CheckContext(repo=facts)))


def _results(root: Path, files: dict[str, str]) -> dict:
    report = report_for(_tree(root, files))
    return {r.id: r for r in report.results}


# --- app platform specs -----------------------------------------------------------------------

RENDER_NATIVE = """\
services:
  - type: web
    name: fastapi-example
    runtime: python
    plan: free
    autoDeploy: false
    buildCommand: pip install -r requirements.txt
    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT
"""


def test_a_render_service_built_from_source_is_paas_and_its_start_command_is_judged(tmp_path):
    files = {
        "render.yaml": RENDER_NATIVE,
        "requirements.txt": "fastapi\nuvicorn\n",
        "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }
    assert _kinds(tmp_path, files) == {"paas"}
    results = {r.id: r for r in report_for(tmp_path).results}
    assert results["port.from-env"].status == Status.PASS
    assert any(e.locator == "render.yaml:8" for e in results["port.from-env"].evidence)
    # The build command installs, but it runs at build time: only startCommand is a start.
    assert results["build.no-build-at-runtime"].status == Status.PASS
    assert results["processes.stateless"].message.startswith("1 deployable unit")
    assert results["port.declared"].status == Status.NA  # container-only checks stay na


def test_a_render_start_command_that_installs_fails_no_build_at_runtime(tmp_path):
    spec = RENDER_NATIVE.replace(
        "startCommand: uvicorn", "startCommand: pip install -r requirements.txt && uvicorn"
    )
    results = _results(tmp_path, {"render.yaml": spec, "requirements.txt": "uvicorn\n"})
    assert results["build.no-build-at-runtime"].status == Status.FAIL


def test_the_legacy_env_key_and_a_worker_of_render_are_paas(tmp_path):
    spec = """\
services:
  - type: worker
    name: celery-worker
    env: python
    buildCommand: "pip install -r requirements.txt"
    startCommand: "celery --app tasks worker --loglevel info --concurrency 4"
  - type: redis
    name: celery-redis
    ipAllowList: []
"""
    assert _kinds(tmp_path, {"render.yaml": spec}) == {"paas"}


def test_a_render_docker_service_is_a_container(tmp_path):
    spec = """\
services:
  - type: web
    name: php
    runtime: docker
    dockerfilePath: ./Dockerfile
"""
    assert _kinds(tmp_path, {"render.yaml": spec}) == {"container"}


def test_a_render_file_of_managed_databases_only_gives_no_kind(tmp_path):
    spec = """\
databases:
  - name: mysitedb
services:
  - type: redis
    name: cache
    ipAllowList: []
"""
    assert _kinds(tmp_path, {"render.yaml": spec}) == set()


DO_SPEC = """\
name: zero2prod
region: fra
services:
  - name: zero2prod
    environment_slug: python
    github:
      branch: main
      deploy_on_push: true
      repo: acme/zero2prod
    run_command: gunicorn --worker-tmp-dir /dev/shm app:app
    http_port: 8000
    instance_count: 1
    instance_size_slug: basic-xxs
"""


def test_a_digitalocean_spec_that_builds_from_source_is_paas(tmp_path):
    results = _results(tmp_path, {"spec.yaml": DO_SPEC, "app.py": FLASK_APP})
    assert results["port.binding"].status == Status.PASS
    assert any(e.locator == "spec.yaml:10" for e in results["port.binding"].evidence)
    assert _kinds(tmp_path, {}) == {"paas"}


def test_a_digitalocean_spec_with_a_dockerfile_path_is_a_container(tmp_path):
    spec = DO_SPEC.replace("    environment_slug: python\n", "    dockerfile_path: Dockerfile\n")
    assert _kinds(tmp_path, {".do/app.yaml": spec}) == {"container"}


def test_a_deploy_template_wraps_the_digitalocean_spec(tmp_path):
    wrapped = "spec:\n" + "".join(f"  {line}\n" for line in DO_SPEC.splitlines())
    assert _kinds(tmp_path, {".do/deploy.template.yaml": wrapped}) == {"paas"}


def test_a_spec_yaml_that_is_not_an_app_spec_gives_no_kind(tmp_path):
    assert _kinds(tmp_path, {"spec.yaml": "name: x\nitems:\n  - a\n"}) == set()


FLY_TOML = """\
app = "hello-fly"
primary_region = "ams"

[http_service]
  internal_port = 8080
  force_https = true
"""


def test_fly_with_a_dockerfile_is_a_container(tmp_path):
    files = {"fly.toml": FLY_TOML, "Dockerfile": 'FROM node:20\nCMD ["node", "app.js"]\n'}
    assert _kinds(tmp_path, files) == {"container"}


def test_fly_with_a_buildpack_builder_is_paas(tmp_path):
    spec = FLY_TOML + '\n[build]\n  builder = "paketobuildpacks/builder:base"\n'
    spec += '\n[processes]\n  app = "gunicorn app:app"\n'
    results = _results(tmp_path, {"fly.toml": spec, "app.py": FLASK_APP})
    assert _kinds(tmp_path, {}) == {"paas"}
    assert results["port.binding"].status == Status.PASS


def test_app_engine_standard_is_paas_and_flexible_custom_is_a_container(tmp_path):
    standard = "runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n"
    assert _kinds(tmp_path / "std", {"app.yaml": standard, "main.py": FLASK_APP}) == {"paas"}
    results = _results(tmp_path / "std", {})
    assert results["port.from-env"].status == Status.PASS
    custom = "runtime: custom\nenv: flex\n"
    assert _kinds(tmp_path / "flex", {"app.yaml": custom}) == {"container"}


def test_a_kubernetes_manifest_named_app_yaml_is_not_app_engine(tmp_path):
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
    assert "paas" not in _kinds(tmp_path, {"app.yaml": manifest})


def test_heroku_yml_with_a_docker_build_is_a_container(tmp_path):
    spec = "build:\n  docker:\n    web: Dockerfile\nrun:\n  web: bundle exec puma\n"
    assert _kinds(tmp_path, {"heroku.yml": spec}) == {"container"}


def test_heroku_yml_that_builds_with_languages_is_paas(tmp_path):
    spec = "build:\n  languages:\n    - go\n\nrun:\n  web: go-getting-started\n"
    results = _results(tmp_path, {"heroku.yml": spec})
    assert _kinds(tmp_path, {}) == {"paas"}
    assert any(e.locator == "heroku.yml:6" for e in results["build.no-build-at-runtime"].evidence)


def test_heroku_app_json_with_buildpacks_is_paas(tmp_path):
    app_json = '{"name": "Start on Heroku", "buildpacks": [{"url": "heroku/python"}]}\n'
    assert _kinds(tmp_path, {"app.json": app_json}) == {"paas"}


# --- serverless from CDK and Terraform ---------------------------------------------------------

CDK_TS = """\
import * as cdk from '@aws-cdk/core';
import * as lambda from '@aws-cdk/aws-lambda';
import * as apigw from '@aws-cdk/aws-apigateway';

export class ServerlessCdkStack extends cdk.Stack {
  constructor(scope: cdk.Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    const welcomeLambda = new lambda.Function(this, 'HelloHandler', {
      runtime: lambda.Runtime.NODEJS_10_X,
      code: lambda.Code.fromAsset('lambda'),
      handler: 'hello.handler',
    });
  }
}
"""


def test_a_cdk_typescript_stack_with_node_10_is_serverless_and_fails_runtime_supported(tmp_path):
    results = _results(tmp_path, {"lib/serverless-cdk-stack.ts": CDK_TS})
    assert _kinds(tmp_path, {}) == {"serverless"}
    runtime = results["deps.runtime-supported"]
    assert runtime.status == Status.FAIL
    assert runtime.evidence[0].locator == "lib/serverless-cdk-stack.ts:9"
    assert "nodejs10.x" in runtime.evidence[0].excerpt
    assert results["port.binding"].status == Status.NA  # serverless: no port of its own


def test_a_nodejs_function_on_a_supported_runtime_passes(tmp_path):
    stack = """\
import { Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';

export class ApiStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const stateServiceLambda = new NodejsFunction(this, 'StateServiceLambda', {
      runtime: Runtime.NODEJS_24_X,
      entry: 'src/state-service/index.ts',
    });
  }
}
"""
    results = _results(tmp_path, {"cdk/lib/stacks/api-stack.ts": stack})
    assert results["deps.runtime-supported"].status == Status.PASS
    assert (
        "StateServiceLambda: runtime nodejs24.x"
        in results["deps.runtime-supported"].evidence[0].excerpt
    )


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (
            "app/stack.py",
            "from aws_cdk import Stack, aws_lambda as _lambda\n\n"
            "class Stack(Stack):\n"
            "    def __init__(self, scope, id):\n"
            "        super().__init__(scope, id)\n"
            "        fn = _lambda.Function(self, 'Hello',\n"
            "            runtime=_lambda.Runtime.PYTHON_3_8,\n"
            "            handler='hello.handler', code=_lambda.Code.from_asset('lambda'))\n",
        ),
        (
            "src/main/java/com/acme/AppStack.java",
            "package com.acme;\n"
            "import software.amazon.awscdk.services.lambda.Function;\n"
            "import software.amazon.awscdk.services.lambda.Runtime;\n"
            "public class AppStack {\n"
            "  void build() {\n"
            '    Function hello = Function.Builder.create(this, "Hello")\n'
            "        .runtime(Runtime.JAVA_8)\n"
            '        .handler("com.acme.Hello").build();\n'
            "  }\n"
            "}\n",
        ),
        (
            "src/App/AppStack.cs",
            "using Amazon.CDK;\nusing Amazon.CDK.AWS.Lambda;\n"
            "public class AppStack : Stack {\n"
            "  internal AppStack(Construct scope, string id) : base(scope, id) {\n"
            '    var fn = new Function(this, "Hello", new FunctionProps {\n'
            "      Runtime = Runtime.DOTNET_CORE_3_1,\n"
            '      Handler = "App::App.Function::Handler" });\n'
            "  }\n"
            "}\n",
        ),
        (
            "infra/stack.go",
            "package main\n\nimport (\n"
            '\t"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"\n'
            '\t"github.com/aws/jsii-runtime-go"\n)\n\n'
            "func NewStack(stack awscdk.Stack) {\n"
            '\tawslambda.NewFunction(stack, jsii.String("Hello"), &awslambda.FunctionProps{\n'
            "\t\tRuntime: awslambda.Runtime_GO_1_X(),\n"
            '\t\tHandler: jsii.String("main"),\n'
            "\t})\n}\n",
        ),
    ],
    ids=["python", "java", "csharp", "go"],
)
def test_cdk_functions_in_every_language_are_serverless_with_their_runtime(tmp_path, path, code):
    results = _results(tmp_path, {path: code})
    assert _kinds(tmp_path, {}) == {"serverless"}
    runtime = results["deps.runtime-supported"]
    assert runtime.status == Status.FAIL  # python3.8, java8, dotnetcore3.1 and go1.x are gone
    assert "Hello" in runtime.evidence[0].excerpt


def test_a_docker_image_function_runs_an_image_not_a_runtime(tmp_path):
    stack = """\
import * as lambda from 'aws-cdk-lib/aws-lambda';
new lambda.DockerImageFunction(this, 'Worker', {
  code: lambda.DockerImageCode.fromImageAsset('worker'),
});
"""
    results = _results(tmp_path, {"lib/stack.ts": stack})
    assert results["deps.runtime-supported"].status == Status.PASS
    assert "container image" in results["deps.runtime-supported"].evidence[0].excerpt


def test_the_javascript_function_constructor_is_not_a_lambda(tmp_path):
    code = (
        "const add = new Function('a', 'b', 'return a + b');\n"
        "const make = Function(factory, 'x');\n"
        "module.exports = { add, make };\n"
    )
    assert _kinds(tmp_path, {"src/util.js": code}) == set()


def test_function_calls_in_a_file_without_a_cdk_import_are_not_lambdas(tmp_path):
    code = "import sympy\n\nf = sympy.Function(x, 'f')\n"
    assert _kinds(tmp_path, {"calc.py": code}) == set()


def test_a_terraform_lambda_is_serverless_and_its_runtime_is_judged(tmp_path):
    main_tf = """\
resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.lambda.arn
  handler       = "app.handler"
  runtime       = "python3.8"
  filename      = "build/api.zip"
}
"""
    results = _results(tmp_path, {"infra/main.tf": main_tf})
    assert _kinds(tmp_path, {}) == {"serverless"}
    assert results["deps.runtime-supported"].status == Status.FAIL


@pytest.mark.parametrize(
    ("constant", "runtime"),
    [
        ("NODEJS_10_X", "nodejs10.x"),
        ("NODEJS_18_X", "nodejs18.x"),
        ("PYTHON_3_8", "python3.8"),
        ("PYTHON_3_12", "python3.12"),
        ("JAVA_8", "java8"),
        ("JAVA_8_CORRETTO", "java8.al2"),
        ("DOTNET_CORE_3_1", "dotnetcore3.1"),
        ("DOTNET_8", "dotnet8"),
        ("RUBY_2_7", "ruby2.7"),
        ("GO_1_X", "go1.x"),
        ("PROVIDED_AL2023", "provided.al2023"),
        ("FROM_IMAGE", None),
    ],
)
def test_cdk_runtime_constants_map_to_lambda_identifiers(constant, runtime):
    assert lambda_runtime(constant) == runtime


# --- code only: a server and no deploy definition ---------------------------------------------

EXPRESS_APP = """\
const express = require("express");
const app = express();
const port = process.env.PORT || 3001;

app.get("/", (req, res) => res.type('html').send(html));

const server = app.listen(port, () => console.log(`Example app listening on port ${port}!`));
"""
EXPRESS_PACKAGE = (
    '{"name": "express-hello-world", "version": "1.0.0", "main": "app.js",\n'
    ' "scripts": {"start": "node app.js"},\n'
    ' "dependencies": {"express": "^4.18.2"}}\n'
)


def test_an_express_app_with_no_deploy_files_is_judged_as_paas(tmp_path):
    results = _results(tmp_path, {"app.js": EXPRESS_APP, "package.json": EXPRESS_PACKAGE})
    assert _kinds(tmp_path, {}) == {"paas"}
    assert results["port.binding"].status == Status.PASS
    assert results["port.from-env"].status == Status.PASS
    stateless = results["processes.stateless"]
    assert stateless.status == Status.PASS
    assert "0 deployable units" not in stateless.message
    # Container-only checks stay not applicable: nothing builds an image.
    for check_id in ("port.declared", "security.non-root", "disposability.health-probes"):
        assert results[check_id].status == Status.NA


def test_a_spring_boot_web_app_with_no_deploy_files_is_paas(tmp_path):
    gradle = (
        "plugins {\n  id 'org.springframework.boot' version '3.3.0'\n  id 'java'\n}\n"
        "dependencies {\n"
        "  implementation 'org.springframework.boot:spring-boot-starter-web'\n}\n"
    )
    assert _kinds(tmp_path, {"build.gradle": gradle}) == {"paas"}


def test_a_node_library_that_is_a_plugin_for_servers_gets_no_kind(tmp_path):
    package = (
        '{"name": "express-rate-guard", "version": "2.0.0", "main": "index.js",\n'
        ' "peerDependencies": {"express": "^4"}}\n'
    )
    code = "module.exports = function guard(options) { return (req, res, next) => next(); };\n"
    assert _kinds(tmp_path, {"package.json": package, "index.js": code}) == set()


def test_a_published_node_library_whose_code_starts_a_server_gets_no_kind(tmp_path):
    package = '{"name": "tiny-web", "version": "5.0.0", "main": "lib/index.js"}\n'
    code = (
        "const http = require('http');\n"
        "exports.listen = function () { const server = http.createServer(this);\n"
        "  return server.listen.apply(server, arguments); };\n"
    )
    assert _kinds(tmp_path, {"package.json": package, "lib/index.js": code}) == set()


def test_a_cli_without_a_server_gets_no_kind(tmp_path):
    code = "import sys\n\n\ndef main():\n    print(sys.argv)\n"
    assert _kinds(tmp_path, {"cli.py": code, "requirements.txt": "click\n"}) == set()


def test_a_server_deployed_by_terraform_elsewhere_is_not_assumed_paas(tmp_path):
    main_tf = 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n'
    files = {"app.js": EXPRESS_APP, "package.json": EXPRESS_PACKAGE, "infra/main.tf": main_tf}
    assert _kinds(tmp_path, files) == set()


def test_a_server_deployed_by_a_terraform_module_is_not_assumed_paas(tmp_path):
    main_tf = 'module "service" {\n  source = "./modules/cloud-run"\n  name   = "api"\n}\n'
    files = {"app.js": EXPRESS_APP, "package.json": EXPRESS_PACKAGE, "deploy/main.tf": main_tf}
    assert _kinds(tmp_path, files) == set()
