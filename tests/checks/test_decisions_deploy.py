"""The catalogue's 2026.12 decisions on deploy definitions (../shared/checks.md), decision by
decision, each with a passing and a failing repository written as real projects write them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scorecards.checks.results import Status
from tests.checks.helpers import result_for


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def check(root: Path, files: dict[str, str], check_id: str):
    return result_for(write(root, files), check_id)


def locators(result) -> list[str]:
    return [e.locator for e in result.evidence]


# --- Helm charts -----------------------------------------------------------------------------

CHART = """
    apiVersion: v2
    name: shop
    version: 0.3.0
    appVersion: "2.4.1"
"""
DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "shop.fullname" . }}
    spec:
      {{- if not .Values.autoscaling.enabled }}
      replicas: {{ .Values.replicaCount }}
      {{- end }}
      selector:
        matchLabels:
          app: shop
      template:
        spec:
          containers:
            - name: shop
              image: IMAGE
              ports:
                - containerPort: 8080
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: 8080
""".replace(
    "IMAGE", '"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"'
)
HPA = """
    {{- if .Values.autoscaling.enabled }}
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: {{ include "shop.fullname" . }}
    spec:
      scaleTargetRef:
        apiVersion: apps/v1
        kind: Deployment
        name: {{ include "shop.fullname" . }}
      minReplicas: {{ .Values.autoscaling.minReplicas }}
      maxReplicas: {{ .Values.autoscaling.maxReplicas }}
    {{- end }}
"""


def helm_chart(values: str) -> dict[str, str]:
    return {
        "charts/shop/Chart.yaml": CHART,
        "charts/shop/values.yaml": values,
        "charts/shop/templates/deployment.yaml": DEPLOYMENT,
        "charts/shop/templates/hpa.yaml": HPA,
        "Dockerfile": 'FROM python:3.12.4-slim\nCMD ["gunicorn", "shop.wsgi"]\n',
    }


def test_decision_1_a_chart_with_the_hpa_switched_off_and_one_replica_fails_autoscaling(
    tmp_path,
):
    values = """
        replicaCount: 1
        image:
          repository: ghcr.io/acme/shop
          tag: ""
        autoscaling:
          enabled: false
          minReplicas: 2
          maxReplicas: 10
    """
    result = check(tmp_path, helm_chart(values), "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert "charts/shop/values.yaml:6" in locators(result)


def test_decision_1_a_chart_with_the_hpa_switched_on_passes_autoscaling(tmp_path):
    values = """
        replicaCount: 1
        autoscaling:
          enabled: true
          minReplicas: 2
          maxReplicas: 10
    """
    result = check(tmp_path, helm_chart(values), "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert "charts/shop/templates/hpa.yaml:2" in locators(result)


def test_decision_1_a_chart_that_leaves_replicas_out_fails_instead_of_unknown(tmp_path):
    files = helm_chart("image:\n  repository: ghcr.io/acme/shop\n")
    files["charts/shop/templates/deployment.yaml"] = "\n".join(
        line
        for line in DEPLOYMENT.splitlines()
        if not any(key in line for key in ("autoscaling.enabled", "replicas:", "{{- end }}"))
    )
    del files["charts/shop/templates/hpa.yaml"]
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert any("left out" in e.excerpt for e in result.evidence)
    assert locators(result)[0].startswith("charts/shop/templates/deployment.yaml:")


def test_decision_1_a_plain_deployment_without_replicas_fails_autoscaling(tmp_path):
    files = {
        "k8s/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/acme/api:1.4.2
        """
    }
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["k8s/deployment.yaml:5"]  # its spec, where replicas is missing


def test_decision_1_without_any_deploy_definition_autoscaling_stays_unknown(tmp_path):
    files = {
        "Dockerfile": 'FROM node:20.11.1\nCMD ["node", "server.js"]\n',
        "package.json": '{"name": "api", "dependencies": {"express": "4.19.2"}}',
    }
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.UNKNOWN


def test_decision_1_a_kustomize_base_without_replicas_fails_and_an_overlay_with_three_passes(
    tmp_path,
):
    base = {
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/acme/api:1.4.2
        """,
    }
    assert check(tmp_path / "a", base, "concurrency.autoscaling").status == Status.FAIL
    overlay = {
        **base,
        "deploy/overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
            replicas:
              - name: api
                count: 3
        """,
    }
    result = check(tmp_path / "b", overlay, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["deploy/overlays/prod/kustomization.yaml:4"]


# --- 3. compose as a deploy manifest ---------------------------------------------------------

PROD_COMPOSE = """
    services:
      web:
        image: ghcr.io/acme/shop:{tag}
        command: gunicorn shop.wsgi -b 0.0.0.0:8000
        ports:
          - "8000:8000"
{health}
      db:
        image: postgres:16.3
        volumes:
          - pgdata:/var/lib/postgresql/data
    volumes:
      pgdata: {{}}
"""
HEALTH = """        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8000/healthz"]
          interval: 10s"""


def prod_compose(tag: str = "1.8.2", health: str = HEALTH) -> str:
    return PROD_COMPOSE.format(tag=tag, health=health)


def test_decision_3_a_compose_file_named_prod_is_judged_like_a_manifest_without_a_deploy_key(
    tmp_path,
):
    files = {"docker-compose.prod.yml": prod_compose(tag="latest")}
    result = check(tmp_path, files, "build.image-tag-immutable")
    assert result.status == Status.FAIL
    assert locators(result) == ["docker-compose.prod.yml:3"]


def test_decision_3_a_prod_compose_file_with_full_versions_passes_image_tags(tmp_path):
    files = {"docker-compose.prod.yml": prod_compose(tag="1.8.2")}
    assert check(tmp_path, files, "build.image-tag-immutable").status == Status.PASS


def test_decision_3_a_development_compose_file_is_not_a_deploy_manifest(tmp_path):
    files = {
        "docker-compose.dev.yml": prod_compose(tag="latest"),
        "k8s/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                    - name: web
                      image: ghcr.io/acme/shop:1.8.2
        """,
    }
    result = check(tmp_path, files, "build.image-tag-immutable")
    assert result.status == Status.PASS
    assert locators(result) == ["k8s/deployment.yaml:11"]


def test_decision_3_the_only_compose_file_of_a_repository_deploys_it(tmp_path):
    result = check(
        tmp_path, {"compose.yaml": prod_compose(health="")}, "disposability.health-probes"
    )
    assert result.status == Status.FAIL
    assert locators(result) == ["compose.yaml:2"]
    assert "web: no healthcheck" in result.evidence[0].excerpt


def test_decision_3_a_healthcheck_on_a_prebuilt_app_image_counts(tmp_path):
    result = check(tmp_path, {"compose.yaml": prod_compose()}, "disposability.health-probes")
    assert result.status == Status.PASS
    assert locators(result) == ["compose.yaml:7"]


def test_decision_3_a_prod_compose_service_with_one_replica_fails_autoscaling(tmp_path):
    result = check(tmp_path, {"docker-compose.prod.yml": prod_compose()}, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["docker-compose.prod.yml:2"]


def test_decision_3_a_prod_compose_service_with_replicas_passes_autoscaling(tmp_path):
    text = prod_compose().replace(
        "        ports:", "        deploy:\n          replicas: 3\n        ports:"
    )
    result = check(tmp_path, {"docker-compose.prod.yml": text}, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["docker-compose.prod.yml:6"]


def test_decision_3_compose_alone_is_not_infrastructure_as_code(tmp_path):
    assert check(tmp_path, {"compose.yaml": prod_compose()}, "build.iac").status == Status.FAIL


# --- 4. build.iac ----------------------------------------------------------------------------

CDK_STACK = """
    import * as cdk from "aws-cdk-lib";
    import * as ecs from "aws-cdk-lib/aws-ecs";
    import * as ecsPatterns from "aws-cdk-lib/aws-ecs-patterns";

    export class ShopStack extends cdk.Stack {
      constructor(scope: cdk.App, id: string) {
        super(scope, id);
        new ecsPatterns.ApplicationLoadBalancedFargateService(this, "Web", {
          taskImageOptions: { image: IMAGE },
        });
      }
    }
"""


@pytest.mark.parametrize(
    "files",
    [
        {"infra/main.bicep": "resource app 'Microsoft.App/containerApps@2023-05-01' = {\n}\n"},
        {"azuredeploy.json": '{"$schema": "https://schema.management.azure.com/x#"}'},
        {"infra/Pulumi.yaml": "name: shop\nruntime: nodejs\n"},
        {
            "infra/lib/shop-stack.ts": CDK_STACK.replace(
                "IMAGE", 'ecs.ContainerImage.fromAsset("..")'
            )
        },
        {"deploy/shop.nomad.hcl": 'job "shop" {\n  datacenters = ["dc1"]\n}\n'},
        {"docker-stack.yml": prod_compose()},
        {".do/app.yaml": "name: shop\nservices:\n  - name: web\n    instance_count: 2\n"},
        {"fly.toml": 'app = "shop"\n[http_service]\n  internal_port = 8080\n'},
        {"render.yaml": "services:\n  - type: web\n    name: shop\n    runtime: python\n"},
        {"app.yaml": "runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n"},
    ],
    ids=["bicep", "arm", "pulumi", "cdk", "nomad", "swarm", "do", "fly", "render", "appengine"],
)
def test_decision_4_these_deploy_definitions_are_infrastructure_as_code(tmp_path, files):
    result = check(tmp_path, files, "build.iac")
    assert result.status == Status.PASS
    assert locators(result)[0].split(":")[0] in files


def test_decision_4_heroku_app_json_and_heroku_yml_are_not_enough(tmp_path):
    files = {
        "Procfile": "web: gunicorn shop.wsgi\n",
        "app.json": '{"name": "shop", "formation": {"web": {"quantity": 1}}, '
        '"addons": ["heroku-postgresql"]}',
        "heroku.yml": "build:\n  docker:\n    web: Dockerfile\n"
        "release:\n  command:\n    - ./release.sh\n",
    }
    result = check(tmp_path, files, "build.iac")
    assert result.status == Status.FAIL
    assert "heroku.yml" in result.message


def test_decision_4_cdk_written_in_python_is_infrastructure_as_code(tmp_path):
    files = {
        "infra/requirements.txt": "aws-cdk-lib==2.150.0\nconstructs==10.3.0\n",
        "infra/app.py": "import aws_cdk as cdk\napp = cdk.App()\napp.synth()\n",
    }
    result = check(tmp_path, files, "build.iac")
    assert result.status == Status.PASS
    assert result.evidence[0].locator.startswith("infra/requirements.txt")


# --- 5. disabled is absent; nested chart values ----------------------------------------------

UMBRELLA_CHART = """
    apiVersion: v2
    name: platform
    version: 1.0.0
    dependencies:
      - name: api
        version: 0.1.0
        repository: file://charts/api
      - name: postgresql
        version: 15.5.0
        repository: oci://registry-1.docker.io/bitnamicharts
        condition: postgresql.enabled
"""
SUBCHART_DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ .Release.Name }}-api
    spec:
      replicas: {{ .Values.replicaCount }}
      template:
        spec:
          containers:
            - name: api
              image: "ghcr.io/acme/api:{{ .Chart.AppVersion }}"
              livenessProbe:
                httpGet:
                  path: /healthz
                  port: http
"""
BITNAMI_STATEFULSET = """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: {{ .Release.Name }}-postgresql
    spec:
      replicas: 1
      template:
        spec:
          containers:
            - name: postgresql
              image: docker.io/bitnami/postgresql:16.3.0-debian-12-r14
"""


def umbrella(parent_values: str) -> dict[str, str]:
    return {
        "deploy/platform/Chart.yaml": UMBRELLA_CHART,
        "deploy/platform/values.yaml": parent_values,
        "deploy/platform/charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n"
        'appVersion: "3.2.0"\n',
        "deploy/platform/charts/api/values.yaml": "replicaCount: 1\n",
        "deploy/platform/charts/api/templates/deployment.yaml": SUBCHART_DEPLOYMENT,
        "deploy/platform/charts/postgresql/Chart.yaml": "apiVersion: v2\nname: postgresql\n"
        "version: 15.5.0\n",
        "deploy/platform/charts/postgresql/templates/statefulset.yaml": BITNAMI_STATEFULSET,
    }


def test_decision_5_a_parent_chart_sets_the_subchart_replica_count(tmp_path):
    files = umbrella("api:\n  replicaCount: 3\npostgresql:\n  enabled: false\n")
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["deploy/platform/charts/api/templates/deployment.yaml:6"]
    assert "replicas: 3" in result.evidence[0].excerpt


def test_decision_5_the_subchart_default_of_one_replica_fails(tmp_path):
    files = umbrella("postgresql:\n  enabled: false\n")
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["deploy/platform/charts/api/templates/deployment.yaml:6"]


def test_decision_5_an_hpa_whose_enabled_value_is_false_is_absent(tmp_path):
    values = "replicaCount: 1\nautoscaling:\n  enabled: false\n  maxReplicas: 5\n"
    files = helm_chart(values)
    del files["Dockerfile"]
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert all("hpa.yaml" not in loc for loc in locators(result))


def test_decision_5_umbrella_values_enabling_a_subchart_autoscaler_pass(tmp_path):
    files = umbrella("api:\n  autoscaling:\n    enabled: true\npostgresql:\n  enabled: false\n")
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert "deploy/platform/values.yaml:3" in locators(result)


# --- 8. which workloads count ----------------------------------------------------------------

LOCUST = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: locust-master
    spec:
      replicas: 1
      template:
        spec:
          containers:
            - name: locust
              image: locustio/locust:2.29.1
              args: ["-f", "/mnt/locust/locustfile.py", "--master"]
"""
APP_WITH_PROBES = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: shop
    spec:
      replicas: 3
      template:
        spec:
          containers:
            - name: shop
              image: ghcr.io/acme/shop:2.4.1
              readinessProbe:
                httpGet:
                  path: /ready
                  port: 8080
"""


def test_decision_8_a_load_generator_does_not_count_against_probes_or_autoscaling(tmp_path):
    files = {"k8s/shop.yaml": APP_WITH_PROBES, "k8s/loadtest/locust.yaml": LOCUST}
    root = write(tmp_path, files)
    probes = result_for(root, "disposability.health-probes")
    assert probes.status == Status.PASS
    assert locators(probes) == ["k8s/shop.yaml:10"]
    assert result_for(root, "concurrency.autoscaling").status == Status.PASS


def test_decision_8_the_apps_own_unprobed_workload_still_counts(tmp_path):
    files = {
        "k8s/shop.yaml": APP_WITH_PROBES,
        "k8s/worker.yaml": LOCUST.replace("locust-master", "worker")
        .replace("locustio/locust:2.29.1", "ghcr.io/acme/shop:2.4.1")
        .replace("name: locust", "name: worker"),
    }
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.WARN
    assert locators(result) == ["k8s/worker.yaml:10"]


def test_decision_8_a_helm_test_hook_does_not_count_against_probes(tmp_path):
    files = {
        "k8s/shop.yaml": APP_WITH_PROBES,
        "chart/Chart.yaml": CHART,
        "chart/values.yaml": "replicaCount: 2\n",
        "chart/templates/tests/test-connection.yaml": """
            apiVersion: v1
            kind: Pod
            metadata:
              name: "shop-test-connection"
              annotations:
                "helm.sh/hook": test
            spec:
              containers:
                - name: wget
                  image: busybox:1.36.1
                  command: ['wget', 'shop:80']
        """,
    }
    assert check(tmp_path, files, "disposability.health-probes").status == Status.PASS


def test_decision_8_a_bitnami_database_subchart_does_not_count_when_switched_on(tmp_path):
    files = umbrella("api:\n  replicaCount: 2\npostgresql:\n  enabled: true\n")
    root = write(tmp_path, files)
    probes = result_for(root, "disposability.health-probes")
    assert probes.status == Status.PASS  # the unprobed StatefulSet is Bitnami's, not the app
    assert all("postgresql" not in loc for loc in locators(probes))
    assert result_for(root, "concurrency.autoscaling").status == Status.PASS


def test_decision_8_an_optional_subchart_off_by_default_is_absent(tmp_path):
    files = umbrella("api:\n  replicaCount: 2\npostgresql:\n  enabled: false\n")
    files["deploy/platform/charts/postgresql/Chart.yaml"] = "apiVersion: v2\nname: postgresql\n"
    files["deploy/platform/charts/postgresql/templates/statefulset.yaml"] = (
        BITNAMI_STATEFULSET.replace(
            "docker.io/bitnami/postgresql:16.3.0-debian-12-r14",
            "docker.io/bitnami/postgresql:latest",
        )
    )
    # Off by default, so its `latest` image is not deployed either.
    assert check(tmp_path, files, "build.image-tag-immutable").status == Status.PASS


def test_decision_8_every_image_a_manifest_deploys_counts_for_image_tags(tmp_path):
    files = {
        "k8s/shop.yaml": APP_WITH_PROBES,
        "k8s/loadtest/locust.yaml": LOCUST.replace(
            "locustio/locust:2.29.1", "locustio/locust:latest"
        ),
    }
    result = check(tmp_path, files, "build.image-tag-immutable")
    assert result.status == Status.FAIL
    assert locators(result) == ["k8s/loadtest/locust.yaml:11"]


# --- 9. admin processes ----------------------------------------------------------------------

PROGRAM_CS = """
    using Microsoft.EntityFrameworkCore;

    var builder = WebApplication.CreateBuilder(args);
    builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(builder.Configuration["DB"]));
    var app = builder.Build();

    using (var scope = app.Services.CreateScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        db.Database.Migrate();
    }

    app.MapGet("/", () => "ok");
    app.Run();
"""


def test_decision_9_ef_core_migrating_at_startup_fails(tmp_path):
    files = {
        "src/Shop.Api/Program.cs": PROGRAM_CS,
        "src/Shop.Api/Migrations/20240101_Init.cs": "public partial class Init : Migration {}\n",
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["src/Shop.Api/Program.cs:10"]


def test_decision_9_a_separate_migrator_program_is_a_one_off_tool(tmp_path):
    files = {
        "src/Shop.Migrator/Program.cs": PROGRAM_CS,
        ".github/workflows/deploy.yml": """
            on: {push: {branches: [main]}}
            jobs:
              migrate:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: dotnet run --project src/Shop.Migrator
                  - run: aws ecs run-task --cluster shop --task-definition shop-migrate
        """,
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.PASS
    assert ".github/workflows/deploy.yml:8" in locators(result)


def test_decision_9_prisma_migrate_deploy_in_the_start_script_fails(tmp_path):
    files = {
        "package.json": """
            {
              "name": "shop-api",
              "scripts": {
                "build": "nest build",
                "start": "prisma migrate deploy && node dist/main.js",
                "db:seed": "ts-node prisma/seed.ts"
              },
              "dependencies": {"@nestjs/core": "10.3.8", "@prisma/client": "5.14.0"}
            }
        """,
        "prisma/migrations/20240101_init/migration.sql": "CREATE TABLE shop (id int);\n",
        "Dockerfile": 'FROM node:20.14.0-slim\nCMD ["npm", "start"]\n',
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["package.json:5"]


def test_decision_9_a_seed_script_is_not_an_admin_task(tmp_path):
    files = {
        "package.json": """
            {
              "name": "shop-api",
              "scripts": {"start": "node dist/main.js", "db:seed": "ts-node prisma/seed.ts",
                          "seed": "node seed.js"},
              "dependencies": {"express": "4.19.2"}
            }
        """,
    }
    assert check(tmp_path, files, "admin.one-off").status == Status.UNKNOWN


def test_decision_9_alembic_in_the_entrypoint_before_exec_gunicorn_fails(tmp_path):
    files = {
        "Dockerfile": 'FROM python:3.12.4-slim\nCOPY . /app\nENTRYPOINT ["/app/entrypoint.sh"]\n',
        "entrypoint.sh": """
            #!/bin/sh
            set -e
            alembic upgrade head
            exec gunicorn app.main:app -k uvicorn.workers.UvicornWorker
        """,
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["entrypoint.sh:3"]


def test_decision_9_a_migration_run_once_by_the_deploy_workflow_passes(tmp_path):
    files = {
        "Dockerfile": 'FROM python:3.12.4-slim\nCMD ["gunicorn", "shop.wsgi"]\n',
        "shop/migrations/0001_initial.py": "from django.db import migrations\n",
        ".github/workflows/deploy.yml": """
            name: deploy
            on:
              push:
                branches: [main]
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - name: Migrate
                    run: docker compose run --rm app python manage.py migrate
                  - run: docker compose up -d
        """,
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == ".github/workflows/deploy.yml:11"
    assert "run --rm app python manage.py migrate" in result.evidence[0].excerpt


def test_decision_9_a_log_shipping_rule_is_not_a_scheduled_admin_task(tmp_path):
    files = {
        "template.yaml": """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              ShipLogs:
                Type: AWS::Events::Rule
                Properties:
                  EventPattern:
                    source: ["aws.ecs"]
                  Targets:
                    - Arn: !GetAtt LogGroup.Arn
                      Id: logs
        """,
    }
    assert check(tmp_path, files, "admin.one-off").status == Status.UNKNOWN
    scheduled = {
        "template.yaml": files["template.yaml"].replace(
            'EventPattern:\n                    source: ["aws.ecs"]',
            "ScheduleExpression: rate(1 day)",
        )
    }
    assert check(tmp_path / "b", scheduled, "admin.one-off").status == Status.PASS


def test_decision_9_a_release_phase_passes(tmp_path):
    files = {
        "fly.toml": 'app = "shop"\n\n[deploy]\n  release_command = "python manage.py migrate"\n'
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.PASS
    assert locators(result) == ["fly.toml:4"]


# --- 10. moving tags in deploy manifests -----------------------------------------------------


def deployment_with(image: str) -> dict[str, str]:
    return {"k8s/app.yaml": APP_WITH_PROBES.replace("ghcr.io/acme/shop:2.4.1", image)}


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:latest",
        "acme/shop:main-latest",
        "traefik:stable",
        "caddy:edge",
        "acme/shop:main",
        "acme/shop:master",
        "acme/shop:nightly",
    ],
)
def test_decision_10_moving_tags_fail(tmp_path, image):
    result = check(tmp_path, deployment_with(image), "build.image-tag-immutable")
    assert result.status == Status.FAIL
    assert locators(result) == ["k8s/app.yaml:11"]


@pytest.mark.parametrize("image", ["redis:alpine", "mongo:8", "node:20-slim", "acme/shop:1.10"])
def test_decision_10_variants_and_partial_versions_warn(tmp_path, image):
    result = check(tmp_path, deployment_with(image), "build.image-tag-immutable")
    assert result.status == Status.WARN
    assert locators(result) == ["k8s/app.yaml:11"]


@pytest.mark.parametrize(
    "image",
    [
        "redis:7.2.4",
        "ghcr.io/acme/shop:v3.0.0-alpine",
        "postgres:16.3",
        "acme/shop@sha256:" + "a" * 64,
        "acme/shop:4f1c2d9",
        "acme/shop:${IMAGE_TAG}",
        "ko://github.com/acme/shop/cmd/api",
    ],
)
def test_decision_10_full_versions_digests_shas_and_pipeline_tags_pass(tmp_path, image):
    assert (
        check(tmp_path, deployment_with(image), "build.image-tag-immutable").status == Status.PASS
    )


def test_decision_10_a_chart_app_version_of_two_parts_warns(tmp_path):
    files = helm_chart('image:\n  repository: ghcr.io/acme/shop\n  tag: ""\n')
    files["charts/shop/Chart.yaml"] = CHART.replace('"2.4.1"', '"1.10"')
    result = check(tmp_path, files, "build.image-tag-immutable")
    assert result.status == Status.WARN
    assert "ghcr.io/acme/shop:1.10" in result.evidence[0].excerpt


def test_decision_10_cdk_from_registry_latest_fails_and_from_asset_passes(tmp_path):
    latest = {
        "infra/lib/shop-stack.ts": CDK_STACK.replace(
            "IMAGE", 'ecs.ContainerImage.fromRegistry("nginx:latest")'
        )
    }
    result = check(tmp_path / "a", latest, "build.image-tag-immutable")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/lib/shop-stack.ts:9"]
    asset = {
        "infra/lib/shop-stack.ts": CDK_STACK.replace(
            "IMAGE", 'ecs.ContainerImage.fromAsset("../app")'
        )
    }
    assert check(tmp_path / "b", asset, "build.image-tag-immutable").status == Status.PASS


TERRAFORM_ECS = """
    resource "aws_ecs_task_definition" "shop" {
      family                   = "shop"
      requires_compatibilities = ["FARGATE"]
      container_definitions = jsonencode([
        {
          name      = "shop"
          image     = "IMAGE"
          essential = true
          portMappings = [{ containerPort = 8080 }]
        }
      ])
    }

    resource "aws_ecs_service" "shop" {
      name            = "shop"
      task_definition = aws_ecs_task_definition.shop.arn
      desired_count   = COUNT
    }
"""


def test_decision_10_terraform_container_definitions_are_deploy_manifests(tmp_path):
    latest = {"infra/ecs.tf": TERRAFORM_ECS.replace("IMAGE", "nginx:latest").replace("COUNT", "2")}
    result = check(tmp_path / "a", latest, "build.image-tag-immutable")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/ecs.tf:7"]
    pinned = {
        "infra/ecs.tf": TERRAFORM_ECS.replace(
            "IMAGE", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1.8.2"
        ).replace("COUNT", "2")
    }
    assert check(tmp_path / "b", pinned, "build.image-tag-immutable").status == Status.PASS


def test_decision_1_a_terraform_ecs_service_with_one_task_fails_autoscaling(tmp_path):
    single = {
        "infra/ecs.tf": TERRAFORM_ECS.replace("IMAGE", "acme/shop:1.8.2").replace("COUNT", "1")
    }
    result = check(tmp_path / "a", single, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/ecs.tf:14"]
    many = {"infra/ecs.tf": TERRAFORM_ECS.replace("IMAGE", "acme/shop:1.8.2").replace("COUNT", "3")}
    assert check(tmp_path / "b", many, "concurrency.autoscaling").status == Status.PASS


def test_decision_10_a_dockerfile_from_a_latest_line_fails_base_image_pinning(tmp_path):
    files = {
        "Dockerfile": "FROM mcr.microsoft.com/dotnet/aspnet:8.0-latest\n"
        'CMD ["dotnet", "Shop.dll"]\n'
    }
    result = check(tmp_path / "a", files, "deps.base-image-pinned")
    assert result.status == Status.FAIL
    assert locators(result) == ["Dockerfile:1"]
    kept = {"Dockerfile": 'FROM node:20-slim\nCMD ["node", "server.js"]\n'}
    assert check(tmp_path / "b", kept, "deps.base-image-pinned").status == Status.PASS


# --- 1. deploy definitions other than Kubernetes decide autoscaling and probes -----------------


def test_decision_1_a_cdk_service_without_scaling_fails_and_with_scaling_passes(tmp_path):
    stack = CDK_STACK.replace("IMAGE", 'ecs.ContainerImage.fromAsset("../app")')
    result = check(tmp_path / "a", {"infra/lib/shop-stack.ts": stack}, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/lib/shop-stack.ts:8"]
    scaled = stack.replace(
        "        });\n", "        }).service.autoScaleTaskCount({ maxCapacity: 10 });\n"
    )
    result = check(tmp_path / "b", {"infra/lib/shop-stack.ts": scaled}, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["infra/lib/shop-stack.ts:10"]


def test_decision_1_a_bicep_container_app_with_min_replicas_passes_autoscaling(tmp_path):
    bicep = """
        resource shop 'Microsoft.App/containerApps@2023-05-01' = {
          name: 'shop'
          properties: {
            template: {
              containers: [ { name: 'shop', image: 'acr.azurecr.io/shop:1.8.2' } ]
              scale: { minReplicas: 2, maxReplicas: 10 }
            }
          }
        }
    """
    result = check(tmp_path / "a", {"infra/main.bicep": bicep}, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["infra/main.bicep:6"]
    single = bicep.replace("scale: { minReplicas: 2, maxReplicas: 10 }", "scale: {}")
    result = check(tmp_path / "b", {"infra/main.bicep": single}, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/main.bicep:1"]


def test_decision_1_a_render_blueprint_with_one_instance_fails_autoscaling(tmp_path):
    blueprint = "services:\n  - type: web\n    name: shop\n    runtime: python\n"
    result = check(tmp_path / "a", {"render.yaml": blueprint}, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["render.yaml:2"]
    scaled = blueprint + "    scaling:\n      minInstances: 2\n      maxInstances: 5\n"
    result = check(tmp_path / "b", {"render.yaml": scaled}, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["render.yaml:5"]


def test_decision_1_a_terraform_ecs_container_without_a_health_check_fails_probes(tmp_path):
    tf = TERRAFORM_ECS.replace("IMAGE", "acme/shop:1.8.2").replace("COUNT", "2")
    result = check(tmp_path / "a", {"infra/ecs.tf": tf}, "disposability.health-probes")
    assert result.status == Status.FAIL
    assert locators(result) == ["infra/ecs.tf:7"]
    checked = tf.replace(
        "essential = true",
        'essential = true\n      healthCheck = { command = ["CMD-SHELL", "curl -f :8080"] }',
    )
    result = check(tmp_path / "b", {"infra/ecs.tf": checked}, "disposability.health-probes")
    assert result.status == Status.PASS
    assert locators(result) == ["infra/ecs.tf:7"]


# --- 5. reading Helm conditions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (".Values.autoscaling.enabled", False),
        ("not .Values.autoscaling.enabled", True),
        ("and .Values.metrics.enabled (not .Values.autoscaling.enabled)", True),
        ("and .Values.autoscaling.enabled (not .Values.keda.enabled)", False),
        ("or .Values.autoscaling.enabled .Values.keda.enabled", False),
        ('eq .Values.kind "Deployment"', True),
        (".Values.ingress.enabled", False),  # unset is false, as Helm renders it
        ('.Capabilities.APIVersions.Has "autoscaling/v2"', None),  # not decidable: rendered
        ('include "shop.hpaEnabled" .', None),
    ],
)
def test_decision_5_helm_conditions_are_read_against_the_default_values(condition, expected):
    from scorecards.checks.charts import evaluate

    values = {"autoscaling": {"enabled": False}, "metrics": {"enabled": True}, "kind": "Deployment"}
    assert evaluate(condition, values) is expected


def test_decision_5_an_else_branch_is_not_taken_for_the_if_condition():
    from scorecards.collectors.repo_files.documents import helm_guards

    template = (
        "{{- if .Values.autoscaling.enabled }}\n"
        "kind: HorizontalPodAutoscaler\n"
        "{{- else }}\n"
        "kind: PodDisruptionBudget\n"
        "{{- end }}\n"
        "kind: Service\n"
    )
    guards = helm_guards(template)
    assert guards[1] == [".Values.autoscaling.enabled"]
    assert guards[3] == [None]  # the else branch: rendered when the condition is false
    assert guards[5] == []


def test_decision_4_a_health_check_setting_in_application_code_is_not_infrastructure(tmp_path):
    files = {
        "src/config.ts": "export const settings = {\n  healthCheck: { path: '/healthz' },\n};\n",
        "package.json": '{"name": "api", "dependencies": {"express": "4.19.2"}}',
    }
    root = write(tmp_path, files)
    assert result_for(root, "build.iac").status == Status.FAIL
    assert result_for(root, "disposability.health-probes").status != Status.PASS


def test_decision_5_root_scoped_values_in_a_range_are_read_too(tmp_path):
    files = helm_chart("image:\n  repository: ghcr.io/acme/shop\n  tag: 2.4.1\nreplicaCount: 2\n")
    files["charts/shop/templates/job.yaml"] = """
        {{- range $name, $job := .Values.jobs }}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: shop-{{ $name }}
        spec:
          template:
            spec:
              containers:
                - name: job
                  image: "{{ $.Values.image.repository }}:{{ $.Values.image.tag }}"
        {{- end }}
    """
    result = check(tmp_path, files, "admin.same-image")
    assert result.status == Status.PASS
    assert "ghcr.io/acme/shop" in result.evidence[0].excerpt


def test_decision_9_a_migration_helper_of_the_web_app_still_migrates_at_startup(tmp_path):
    files = {
        "src/Shared/MigrateDbContextExtensions.cs": """
            public static class MigrateDbContextExtensions
            {
                public static async Task MigrateAsync(this ShopDb context)
                {
                    await context.Database.MigrateAsync();
                }
            }
        """,
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["src/Shared/MigrateDbContextExtensions.cs:5"]


def test_decision_9_a_helm_test_hook_job_is_not_an_admin_task(tmp_path):
    hook = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: shop-smoke-test
          annotations:
            "helm.sh/hook": test
        spec:
          template:
            spec:
              containers:
                - name: smoke
                  image: curlimages/curl:8.8.0
              restartPolicy: Never
    """
    files = {"chart/Chart.yaml": CHART, "chart/templates/tests/smoke.yaml": hook}
    assert check(tmp_path / "a", files, "admin.one-off").status == Status.UNKNOWN
    migrate = {
        "chart/Chart.yaml": CHART,
        "chart/templates/migrate.yaml": hook.replace(
            '"helm.sh/hook": test', '"helm.sh/hook": pre-upgrade'
        ),
    }
    result = check(tmp_path / "b", migrate, "admin.one-off")
    assert result.status == Status.PASS
    assert locators(result) == ["chart/templates/migrate.yaml:1"]


def test_decision_5_a_condition_is_not_judged_false_when_the_values_did_not_parse(tmp_path):
    files = helm_chart("autoscaling:\n  enabled: true\n  maxReplicas: [unclosed\n")
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.PASS  # the HPA template stays: its condition is unknowable
    assert "charts/shop/templates/hpa.yaml:2" in locators(result)
