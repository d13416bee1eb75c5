"""Shapes from real repositories that the deploy-side checks misjudged (issue 19), each rule with
a passing and a failing project written as such projects are written."""

from __future__ import annotations

from scorecards.checks.results import Status
from tests.checks.test_decisions_deploy import check, locators

# --- admin.one-off ---------------------------------------------------------------------------

GO_MAIN = """
    package main

    import "github.com/example/shop/store"

    func migrate(db *store.DB) {
    \tdb.AutoMigrate(&store.Order{})
    }

    func main() {
    \tdb := store.Open()
    \tmigrate(db)
    \tstore.Serve(db)
    }
"""


def test_gorm_automigrate_in_main_fails_admin_one_off(tmp_path):
    files = {"go.mod": "module github.com/example/shop\n\ngo 1.22\n", "main.go": GO_MAIN}
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["main.go:6"]


def test_gorm_automigrate_in_a_test_does_not_count(tmp_path):
    files = {
        "go.mod": "module github.com/example/shop\n\ngo 1.22\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "store/store_test.go": "package store\n\nfunc setup() { db.AutoMigrate(&Order{}) }\n",
    }
    assert check(tmp_path, files, "admin.one-off").status == Status.UNKNOWN


def test_ef_core_ensure_created_at_startup_fails(tmp_path):
    files = {
        "src/Shop/Program.cs": """
            var builder = WebApplication.CreateBuilder(args);
            var app = builder.Build();
            using (var scope = app.Services.CreateScope())
            {
                scope.ServiceProvider.GetRequiredService<ShopContext>()
                    .Database.EnsureCreated();
            }
            app.Run();
        """,
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["src/Shop/Program.cs:6"]


def test_spring_sql_init_always_fails(tmp_path):
    files = {
        "src/main/resources/application-mysql.properties": (
            "spring.datasource.url=${MYSQL_URL}\n# the schema script is idempotent\n"
            "spring.sql.init.mode=always\n"
        ),
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert locators(result) == ["src/main/resources/application-mysql.properties:3"]


GRADLE_FLYWAY = """
    plugins { id 'org.springframework.boot' version '3.3.1' }
    dependencies {
        implementation 'org.springframework.boot:spring-boot-starter-web:3.3.1'
        implementation 'org.flywaydb:flyway-core:10.15.0'
    }
"""


def test_spring_boot_with_flyway_migrates_at_startup(tmp_path):
    files = {
        "build.gradle": GRADLE_FLYWAY,
        "src/main/resources/db/migration/V1__create_orders.sql": "CREATE TABLE orders (id int);\n",
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert "Spring Boot" in result.evidence[0].excerpt


RAILS_MIGRATION = "class CreateOrders < ActiveRecord::Migration[7.1]\nend\n"


def test_rails_migrations_are_applied_by_a_one_off_command(tmp_path):
    files = {
        "Gemfile": "source 'https://rubygems.org'\ngem 'rails', '7.1.3'\n",
        "db/migrate/20240101000000_create_orders.rb": RAILS_MIGRATION,
        "Procfile": "web: bundle exec puma -C config/puma.rb\n",
    }
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.PASS
    assert "rails db:migrate" in result.evidence[0].excerpt


def test_rails_migrations_in_the_web_line_still_fail(tmp_path):
    files = {
        "Gemfile": "source 'https://rubygems.org'\ngem 'rails', '7.1.3'\n",
        "db/migrate/20240101000000_create_orders.rb": RAILS_MIGRATION,
        "Procfile": "web: bundle exec rails db:migrate && bundle exec puma -C config/puma.rb\n",
    }
    assert check(tmp_path, files, "admin.one-off").status == Status.FAIL


INIT_MIGRATE = """
    apiVersion: apps/v1
    kind: {kind}
    metadata:
      name: shop
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
              image: shop-image
              command: ["./admin", "migrate-seed"]
          containers:
            - name: shop
              image: shop-image
"""


def test_a_migrating_init_container_of_a_deployment_fails(tmp_path):
    files = {"k8s/shop.yaml": INIT_MIGRATE.format(kind="Deployment")}
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.FAIL
    assert "migrate-seed" in result.evidence[0].excerpt


def test_a_migrating_job_passes(tmp_path):
    files = {"k8s/shop.yaml": INIT_MIGRATE.format(kind="Job")}
    assert check(tmp_path, files, "admin.one-off").status == Status.PASS


LARAVEL = {
    "composer.json": '{"require": {"laravel/framework": "11.9.0"}}\n',
    "database/migrations/2024_01_01_000000_create_orders_table.php": "<?php\n",
    "scripts/10-deploy.sh": (
        "#!/usr/bin/env bash\nphp artisan config:cache\nphp artisan migrate --force\n"
    ),
}


def test_a_script_that_migrates_without_a_caller_is_unknown(tmp_path):
    result = check(tmp_path, dict(LARAVEL), "admin.one-off")
    assert result.status == Status.UNKNOWN
    assert locators(result) == ["scripts/10-deploy.sh:3"]


def test_a_workflow_running_the_script_in_a_throwaway_container_passes(tmp_path):
    files = dict(LARAVEL)
    files[".github/workflows/deploy.yml"] = """
        on: {push: {branches: [main]}}
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: docker compose -f compose.yml run --rm app bash scripts/10-deploy.sh
              - run: docker compose -f compose.yml up -d
    """
    result = check(tmp_path, files, "admin.one-off")
    assert result.status == Status.PASS
    assert ".github/workflows/deploy.yml:6" in locators(result)


# --- concurrency.autoscaling -----------------------------------------------------------------

SAM = """
    AWSTemplateFormatVersion: '2010-09-09'
    Transform: AWS::Serverless-2016-10-31
    Resources:
      ListOrdersFunction:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: orders.list_handler
"""
PROVISIONED = """
          AutoPublishAlias: live
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 5
"""


def test_lambda_functions_without_concurrency_fail_autoscaling(tmp_path):
    result = check(tmp_path, {"template.yaml": SAM}, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["template.yaml:4"]


def test_lambda_with_provisioned_concurrency_passes(tmp_path):
    files = {"template.yaml": SAM.rstrip("\n") + PROVISIONED}
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert "ProvisionedConcurrencyConfig" in result.evidence[0].excerpt


def test_serverless_framework_reserved_concurrency_passes(tmp_path):
    files = {
        "serverless.yml": """
            service: orders
            provider: {name: aws, runtime: nodejs20.x}
            functions:
              list:
                handler: handler.list
                reservedConcurrency: 20
        """,
    }
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.PASS


DO_SPEC = """
    name: shop
    region: ams
    services:
      - name: shop
        dockerfile_path: Dockerfile
        github:
          branch: main
          repo: example/shop
        http_port: 8080
        instance_count: {count}
"""  # the line of instance_count: 10


def test_a_digitalocean_spec_with_one_instance_fails(tmp_path):
    files = {"spec.yaml": DO_SPEC.format(count=1), "Dockerfile": "FROM rust:1.79.0\n"}
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["spec.yaml:10"]


def test_a_digitalocean_spec_with_three_instances_passes(tmp_path):
    files = {"spec.yaml": DO_SPEC.format(count=3), "Dockerfile": "FROM rust:1.79.0\n"}
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.PASS


def test_a_heroku_button_without_formation_fails(tmp_path):
    files = {
        "Procfile": "web: gunicorn shop.wsgi\n",
        "app.json": '{"name": "Shop", "description": "Deploy the shop to Heroku"}\n',
        "requirements.txt": "gunicorn==22.0.0\n",
    }
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["app.json:1"]


def test_a_heroku_formation_of_two_web_dynos_passes(tmp_path):
    files = {
        "Procfile": "web: gunicorn shop.wsgi\n",
        "app.json": '{"name": "Shop", "formation": {"web": {"quantity": 2, "size": "basic"}}}\n',
        "requirements.txt": "gunicorn==22.0.0\n",
    }
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.PASS


K8S_APP = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: frontend
    spec:
      template:
        spec:
          containers:
            - name: frontend
              image: example/frontend:1.4.2
"""
HPA = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: frontend
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: frontend}
      minReplicas: 2
      maxReplicas: 6
"""


def test_an_hpa_among_optional_extras_does_not_scale_the_app(tmp_path):
    files = {"kubernetes-manifests/frontend.yaml": K8S_APP, "extras/hpa/frontend.yaml": HPA}
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["kubernetes-manifests/frontend.yaml:5"]


def test_an_hpa_beside_the_app_scales_it(tmp_path):
    files = {"kubernetes-manifests/frontend.yaml": K8S_APP, "kubernetes-manifests/hpa.yaml": HPA}
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.PASS


# --- parity.multi-env-iac --------------------------------------------------------------------

BICEP = """
    targetScope = 'subscription'

    @minLength(1)
    param {param} string
    param location string

    resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {{
      name: 'rg-shop'
      location: location
    }}
"""


def test_a_bicep_template_taking_the_environment_name_passes(tmp_path):
    files = {"infra/main.bicep": BICEP.format(param="environmentName")}
    result = check(tmp_path, files, "parity.multi-env-iac")
    assert result.status == Status.PASS
    assert locators(result) == ["infra/main.bicep:4"]


def test_a_render_blueprint_alone_is_one_definition_for_every_environment(tmp_path):
    files = {
        "render.yaml": """
            services:
              - type: web
                name: shop
                runtime: python
                buildCommand: pip install -r requirements.txt
                startCommand: gunicorn shop.wsgi
        """,
        "requirements.txt": "gunicorn==22.0.0\n",
    }
    result = check(tmp_path, files, "parity.multi-env-iac")
    assert result.status == Status.FAIL
    assert locators(result) == ["render.yaml"]


def test_a_platform_spec_per_environment_passes(tmp_path):
    files = {
        "deploy/staging/spec.yaml": DO_SPEC.format(count=1),
        "deploy/production/spec.yaml": DO_SPEC.format(count=3),
        "Dockerfile": "FROM rust:1.79.0\n",
    }
    result = check(tmp_path, files, "parity.multi-env-iac")
    assert result.status == Status.PASS
    assert len(result.evidence) == 2


def test_one_platform_spec_fails_multi_env(tmp_path):
    files = {"deploy/spec.yaml": DO_SPEC.format(count=3), "Dockerfile": "FROM rust:1.79.0\n"}
    assert check(tmp_path, files, "parity.multi-env-iac").status == Status.FAIL


def test_a_procfile_alone_fails_multi_env(tmp_path):
    files = {"Procfile": "web: gunicorn shop.wsgi\n", "requirements.txt": "gunicorn==22.0.0\n"}
    result = check(tmp_path, files, "parity.multi-env-iac")
    assert result.status == Status.FAIL
    assert locators(result) == ["Procfile"]


def test_ssm_parameters_vary_a_sam_template_per_environment(tmp_path):
    template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          UserPoolArn:
            Type: 'AWS::SSM::Parameter::Value<String>'
            Default: '/shop/auth/user-pool-arn'
        Resources:
          ListOrders:
            Type: AWS::Serverless::Function
            Properties: {Runtime: python3.12, Handler: orders.handler}
    """
    assert check(tmp_path, {"template.yaml": template}, "parity.multi-env-iac").status == (
        Status.PASS
    )
    plain = template.replace("'AWS::SSM::Parameter::Value<String>'", "String")
    assert check(tmp_path, {"template.yaml": plain}, "parity.multi-env-iac").status == (Status.FAIL)


# --- disposability.health-probes -------------------------------------------------------------

COMPOSE_DEV = """
    services:
      web:
        build: .
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8080/healthz"]
"""


def test_a_development_compose_healthcheck_does_not_probe_the_k8s_deployment(tmp_path):
    files = {"k8s/frontend.yaml": K8S_APP, "docker-compose.yml": COMPOSE_DEV}
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.FAIL
    assert locators(result)[0].startswith("k8s/frontend.yaml")


def test_a_compose_healthcheck_counts_when_compose_is_the_deploy_definition(tmp_path):
    files = {"docker-compose.yml": COMPOSE_DEV, "Dockerfile": "FROM python:3.12.4-slim\n"}
    assert check(tmp_path, files, "disposability.health-probes").status == Status.PASS


def test_a_digitalocean_health_check_is_a_probe(tmp_path):
    spec = DO_SPEC.format(count=2) + "        health_check:\n          http_path: /health\n"
    files = {"spec.yaml": spec, "Dockerfile": "FROM rust:1.79.0\n"}
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.PASS
    assert "health_check" in result.evidence[0].excerpt


def test_a_digitalocean_service_without_health_check_fails(tmp_path):
    files = {"spec.yaml": DO_SPEC.format(count=2), "Dockerfile": "FROM rust:1.79.0\n"}
    assert check(tmp_path, files, "disposability.health-probes").status == Status.FAIL


AVM_SITE = """
    param location string

    module api 'br/public:avm/res/web/site:0.6.0' = {{
      name: 'api'
      params: {{
        kind: 'app,linux'
        location: location
        serverFarmResourceId: planId
        siteConfig: {{
          linuxFxVersion: 'NODE|20-lts'{health}
        }}
      }}
    }}
"""


def test_an_app_service_module_without_health_check_path_fails(tmp_path):
    files = {"infra/app/api.bicep": AVM_SITE.format(health="")}
    probes = check(tmp_path, files, "disposability.health-probes")
    assert probes.status == Status.FAIL
    assert locators(probes) == ["infra/app/api.bicep:3"]
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.FAIL


def test_an_app_service_module_with_health_check_path_passes(tmp_path):
    files = {"infra/app/api.bicep": AVM_SITE.format(health="\n      healthCheckPath: '/health'")}
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.PASS


# --- parity.local-env ------------------------------------------------------------------------

SLS = """
    service: messages
    provider: {name: aws, runtime: nodejs20.x}
    functions:
      list:
        handler: handler.list
"""


def test_serverless_offline_is_a_local_environment(tmp_path):
    files = {"serverless.yml": SLS + "    plugins:\n      - serverless-offline\n"}
    result = check(tmp_path, files, "parity.local-env")
    assert result.status == Status.PASS
    assert locators(result) == ["serverless.yml:7"]


def test_serverless_without_an_offline_plugin_has_no_local_environment(tmp_path):
    files = {"serverless.yml": SLS + "    plugins:\n      - serverless-prune-plugin\n"}
    assert check(tmp_path, files, "parity.local-env").status == Status.FAIL


def test_a_sam_template_runs_locally_with_sam_local(tmp_path):
    result = check(tmp_path, {"template.yaml": SAM}, "parity.local-env")
    assert result.status == Status.PASS
    assert locators(result) == ["template.yaml:1"]


def test_an_aspire_apphost_is_a_local_environment(tmp_path):
    files = {
        "src/Shop.AppHost/Shop.AppHost.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
        "src/Shop.AppHost/Program.cs": "var app = DistributedApplication.CreateBuilder(args);\n",
    }
    assert check(tmp_path, files, "parity.local-env").status == Status.PASS


# --- build.image-tag-immutable ---------------------------------------------------------------

UNTAGGED = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      replicas: 2
      template:
        spec:
          containers:
            - name: worker
              image: worker
"""


def test_an_image_skaffold_builds_in_a_profile_is_tagged_by_the_pipeline(tmp_path):
    files = {
        "k8s/worker.yaml": UNTAGGED,
        "skaffold.yaml": """
            apiVersion: skaffold/v4beta1
            kind: Config
            profiles:
              - name: development
                build:
                  artifacts:
                    - image: worker
                      context: .
        """,
    }
    assert check(tmp_path, files, "build.image-tag-immutable").status == Status.PASS


def test_an_untagged_image_nothing_builds_fails(tmp_path):
    result = check(tmp_path, {"k8s/worker.yaml": UNTAGGED}, "build.image-tag-immutable")
    assert result.status == Status.FAIL


PROBED = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: sales
    spec:
      replicas: 2
      template:
        spec:
          containers:
            - name: sales
              image: example/sales:1.4.2
              readinessProbe:
                httpGet: {path: /readiness, port: 3000}
"""
DB_STATEFULSET = """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: ledger-db
      labels: {tier: db}
    spec:
      serviceName: ledger-db
      template:
        spec:
          containers:
            - name: postgres
              image: example/ledger-db:1.4.2
"""
PATCH = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: sales
    spec:
      template:
        spec:
          containers:
            - name: sales
              resources: {limits: {cpu: "1"}}
"""
LOKI = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: loki
    spec:
      template:
        spec:
          containers:
            - name: loki
              image: grafana/loki:3.5.0
"""


def test_databases_patches_and_observability_servers_are_not_the_app(tmp_path):
    files = {
        "k8s/base/sales.yaml": PROBED,
        "k8s/base/ledger-db.yaml": DB_STATEFULSET,
        "k8s/dev/sales-patch.yaml": PATCH,
        "k8s/dev/loki.yaml": LOKI,
    }
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.PASS
    assert locators(result) == ["k8s/base/sales.yaml:10"]


def test_an_unprobed_app_pod_still_fails_beside_a_database(tmp_path):
    unprobed = PROBED.replace(
        "              readinessProbe:\n                httpGet: {path: /readiness, port: 3000}\n",
        "",
    )
    files = {"k8s/base/sales.yaml": unprobed, "k8s/base/ledger-db.yaml": DB_STATEFULSET}
    result = check(tmp_path, files, "disposability.health-probes")
    assert result.status == Status.FAIL
    assert all(loc.startswith("k8s/base/sales.yaml") for loc in locators(result))


# --- admin.same-image ------------------------------------------------------------------------


def test_a_migrating_init_container_on_the_app_image_is_the_same_image(tmp_path):
    manifest = INIT_MIGRATE.format(kind="Deployment")
    result = check(tmp_path, {"k8s/shop.yaml": manifest}, "admin.same-image")
    assert result.status == Status.PASS
    assert locators(result) == ["k8s/shop.yaml:10"]


def test_an_init_container_on_a_tool_image_says_nothing_of_the_admin_image(tmp_path):
    manifest = INIT_MIGRATE.format(kind="Deployment").replace(
        "              image: shop-image\n              command",
        "              image: busybox:1.36.1\n              command",
    )
    assert check(tmp_path, {"k8s/shop.yaml": manifest}, "admin.same-image").status == (
        Status.UNKNOWN
    )
