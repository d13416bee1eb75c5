"""Factor V, Build, release, run: CI, IaC, immutable images, no build at start, Lambda versions."""

import pytest

from scorecards.checks.build import BUILD_AT_START
from scorecards.checks.results import Status
from tests.checks.helpers import FIXTURES, result_for, result_from_facts


def doc(path: str, category: str, data: dict, lines: dict | None = None) -> dict:
    return {
        "path": path,
        "format": "yaml",
        "category": category,
        "templated": False,
        "error": None,
        "docs": [{"line": 1, "data": data, "lines": lines or {}}],
    }


def deployment(image: str, **container) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {
            "template": {"spec": {"containers": [{"name": "app", "image": image, **container}]}}
        },
    }


def sam_function(
    path: str = "template.yaml", template_extra: dict | None = None, **properties
) -> dict:
    data = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Runtime": "python3.13", **properties},
            }
        },
    }
    data["Resources"].update(template_extra or {})
    return doc(path, "cloudformation", data)


def terraform(*resources: tuple[str, str, dict]) -> dict:
    return {
        "path": "main.tf",
        "error": None,
        "modules": [],
        "variables": [],
        "backend": None,
        "resources": [
            {"type": t, "name": n, "line": i + 1, "attrs": a}
            for i, (t, n, a) in enumerate(resources)
        ],
    }


# --- build.ci-pipeline ----------------------------------------------------------------------


def test_it_passes_a_github_actions_workflow_that_runs_tests():
    result = result_for(FIXTURES / "build-ci-pipeline" / "github-actions", "build.ci-pipeline")
    assert result.status == Status.PASS


def test_it_passes_a_jenkinsfile():
    result = result_for(FIXTURES / "build-ci-pipeline" / "jenkinsfile", "build.ci-pipeline")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "Jenkinsfile"


def test_it_warns_when_workflows_only_tend_the_repository():
    result = result_for(FIXTURES / "build-ci-pipeline" / "housekeeping-only", "build.ci-pipeline")
    assert result.status == Status.WARN


def test_it_fails_a_repository_without_ci():
    result = result_for(FIXTURES / "build-ci-pipeline" / "none", "build.ci-pipeline")
    assert result.status == Status.FAIL


def test_it_counts_a_job_calling_a_reusable_workflow_as_ci():
    workflow = {
        "on": "push",
        "jobs": {"ci": {"uses": "acme/workflows/.github/workflows/py.yml@v1"}},
    }
    facts = {"documents": [doc(".github/workflows/ci.yml", "ci", workflow)]}
    assert result_from_facts(facts, "build.ci-pipeline").status == Status.PASS


def test_it_counts_a_buildspec_found_only_by_its_path():
    facts = {"paths": ["buildspec.yml", "app.py"]}
    assert result_from_facts(facts, "build.ci-pipeline").status == Status.PASS


# --- build.iac ------------------------------------------------------------------------------


def test_it_passes_kustomize_and_kubernetes_manifests():
    result = result_for(FIXTURES / "build-iac" / "kustomize", "build.iac")
    assert result.status == Status.PASS


def test_it_passes_terraform():
    result = result_for(FIXTURES / "build-iac" / "terraform", "build.iac")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "infra/main.tf"


def test_it_fails_when_only_a_local_compose_file_exists():
    result = result_for(FIXTURES / "build-iac" / "local-compose-only", "build.iac")
    assert result.status == Status.FAIL


def test_it_passes_a_compose_stack_with_deploy_sections():
    stack = {"services": {"web": {"image": "acme/web:1.2", "deploy": {"replicas": 2}}}}
    facts = {"documents": [doc("stack.yml", "compose", stack)]}
    assert result_from_facts(facts, "build.iac").status == Status.PASS


def test_it_passes_a_cdk_app_found_by_its_path():
    assert result_from_facts({"paths": ["cdk.json", "bin/app.ts"]}, "build.iac").status == (
        Status.PASS
    )


# --- build.image-tag-immutable --------------------------------------------------------------


def test_it_passes_a_base_image_pinned_by_a_kustomize_override():
    result = result_for(
        FIXTURES / "build-image-tag-immutable" / "kustomize-pinned", "build.image-tag-immutable"
    )
    assert result.status == Status.PASS


def test_it_fails_a_helm_chart_whose_values_set_latest():
    result = result_for(
        FIXTURES / "build-image-tag-immutable" / "helm-latest", "build.image-tag-immutable"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "chart/templates/deployment.yaml:10"
    assert "ghcr.io/acme/orders:latest" in result.evidence[0].excerpt


def test_it_fails_an_untagged_image_and_skips_placeholders_and_local_compose():
    result = result_for(
        FIXTURES / "build-image-tag-immutable" / "k8s-untagged", "build.image-tag-immutable"
    )
    assert result.status == Status.FAIL
    assert [e.excerpt for e in result.evidence] == [
        "image: acme/orders (no tag, so it means latest)"
    ]


def test_it_fails_an_ecs_task_definition_on_latest():
    task = {"family": "api", "containerDefinitions": [{"name": "api", "image": "acme/api:latest"}]}
    facts = {"documents": [doc("taskdef.json", "ecs_task_definition", task)]}
    assert result_from_facts(facts, "build.image-tag-immutable").status == Status.FAIL


def test_it_passes_a_tag_the_pipeline_substitutes_at_deploy_time():
    # Catalogue 2026.12, decision 10: a CI-substituted version is an immutable release.
    facts = {"documents": [doc("k8s/api.yaml", "k8s", deployment("acme/api:${IMAGE_TAG}"))]}
    assert result_from_facts(facts, "build.image-tag-immutable").status == Status.PASS


def test_it_uses_the_chart_app_version_when_the_values_leave_the_tag_empty():
    template = {
        **doc(
            "chart/templates/d.yaml",
            "helm_template",
            deployment(
                "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
            ),
        ),
        "templated": True,
    }
    facts = {
        "documents": [
            doc("chart/Chart.yaml", "helm_chart", {"name": "api", "appVersion": "2.0.1"}),
            doc(
                "chart/values.yaml", "helm_values", {"image": {"repository": "acme/api", "tag": ""}}
            ),
            template,
        ]
    }
    result = result_from_facts(facts, "build.image-tag-immutable")
    assert result.status == Status.PASS
    assert result.evidence[0].excerpt == "image: acme/api:2.0.1"


# --- build.no-build-at-runtime --------------------------------------------------------------


def test_it_passes_start_commands_that_only_start_the_app():
    result = result_for(
        FIXTURES / "build-no-build-at-runtime" / "clean-start", "build.no-build-at-runtime"
    )
    assert result.status == Status.PASS


def test_it_fails_an_entrypoint_script_that_installs_requirements():
    result = result_for(
        FIXTURES / "build-no-build-at-runtime" / "install-in-entrypoint",
        "build.no-build-at-runtime",
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "entrypoint.sh:3"


def test_it_fails_a_procfile_web_process_that_runs_npm_install():
    result = result_for(
        FIXTURES / "build-no-build-at-runtime" / "procfile-builds", "build.no-build-at-runtime"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "Procfile:1"


def test_it_fails_kubernetes_args_that_go_run():
    facts = {
        "documents": [
            doc("k8s/api.yaml", "k8s", deployment("golang:1.23", command=["go"], args=["run", "."]))
        ]
    }
    assert result_from_facts(facts, "build.no-build-at-runtime").status == Status.FAIL
    facts = {
        "documents": [
            doc("k8s/api.yaml", "k8s", deployment("golang:1.23", command=["sh", "-c", "go run ."]))
        ]
    }
    assert result_from_facts(facts, "build.no-build-at-runtime").status == Status.FAIL


def test_it_does_not_know_when_no_start_command_is_visible():
    facts = {
        "dockerfiles": [
            {
                "path": "Dockerfile",
                "role": "prod",
                "error": None,
                "args": {},
                "stages": [],
                "instructions": [
                    {
                        "stage": 0,
                        "line": 1,
                        "instruction": "FROM",
                        "value": "nginx:1.27",
                        "exec_form": False,
                        "argv": None,
                    }
                ],
            }
        ]
    }
    assert result_from_facts(facts, "build.no-build-at-runtime").status == Status.UNKNOWN


@pytest.mark.parametrize(
    "command",
    [
        "pip install -r requirements.txt && gunicorn app:app",
        "npm ci && node server.js",
        "yarn && yarn start",
        "bundle install && rails s",
        "./gradlew bootRun",
        "mvn -B spring-boot:run",
        "dotnet run --project Api",
        "npm run build && npm start",
        "npx tsc && node dist/index.js",
        "mix deps.get && mix phx.server",
        "cargo run --release",
    ],
)
def test_it_recognises_installs_and_compilation(command):
    assert BUILD_AT_START.search(command)


@pytest.mark.parametrize(
    "command",
    [
        "gunicorn app:app",
        "node dist/server.js",
        "npm start",
        "yarn start",
        "java -jar app.jar",
        "bundle exec puma -C config/puma.rb",
        "python manage.py migrate && gunicorn app.wsgi",
    ],
)
def test_it_accepts_plain_start_commands(command):
    assert not BUILD_AT_START.search(command)


# --- build.release-versioned ----------------------------------------------------------------


def test_it_passes_a_sam_function_with_auto_publish_alias_in_globals():
    result = result_for(
        FIXTURES / "build-release-versioned" / "sam-alias", "build.release-versioned"
    )
    assert result.status == Status.PASS


def test_it_fails_a_sam_function_without_versions():
    result = result_for(
        FIXTURES / "build-release-versioned" / "sam-latest-only", "build.release-versioned"
    )
    assert result.status == Status.FAIL


def test_it_fails_a_serverless_service_that_turns_versions_off():
    result = result_for(
        FIXTURES / "build-release-versioned" / "serverless-unversioned", "build.release-versioned"
    )
    assert result.status == Status.FAIL
    assert "versionFunctions: false" in result.evidence[0].excerpt


def test_it_passes_a_template_with_a_lambda_version_resource():
    version = {"Ver": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "x"}}}
    facts = {"documents": [sam_function(template_extra=version)]}
    assert result_from_facts(facts, "build.release-versioned").status == Status.PASS


def test_it_warns_when_only_some_functions_publish_versions():
    facts = {
        "documents": [
            sam_function("a/template.yaml", AutoPublishAlias="live"),
            sam_function("b/template.yaml"),
        ]
    }
    assert result_from_facts(facts, "build.release-versioned").status == Status.WARN


def test_it_passes_terraform_functions_with_publish():
    facts = {
        "terraform": [
            terraform(("aws_lambda_function", "fn", {"runtime": "python3.13", "publish": True}))
        ]
    }
    assert result_from_facts(facts, "build.release-versioned").status == Status.PASS


def test_it_does_not_know_terraform_functions_without_publish_or_alias():
    facts = {"terraform": [terraform(("aws_lambda_function", "fn", {"runtime": "python3.13"}))]}
    assert result_from_facts(facts, "build.release-versioned").status == Status.UNKNOWN


def test_it_fails_a_sub_image_uri_that_ends_in_latest():
    facts = {
        "documents": [sam_function(PackageType="Image", ImageUri={"Fn::Sub": "${Repo}:latest"})]
    }
    facts["dockerfiles"] = [
        {
            "path": "Dockerfile",
            "role": "prod",
            "error": None,
            "args": {},
            "stages": [],
            "instructions": [],
        }
    ]
    assert result_from_facts(facts, "build.image-tag-immutable").status == Status.FAIL


def test_it_leaves_out_dev_overlays_and_images_built_by_skaffold():
    facts = {
        "documents": [
            doc("deploy/overlays/dev/api.yaml", "k8s", deployment("acme/api:latest")),
            doc("k8s/api.yaml", "k8s", deployment("acme/api")),
            doc("k8s/proxy.yaml", "k8s", deployment("envoyproxy/envoy:v1.32.1")),
            doc("skaffold.yaml", "skaffold", {"build": {"artifacts": [{"image": "acme/api"}]}}),
        ]
    }
    result = result_from_facts(facts, "build.image-tag-immutable")
    assert result.status == Status.PASS
    assert [e.excerpt for e in result.evidence] == [
        "image: envoyproxy/envoy:v1.32.1",
        "image: acme/api",  # built by Skaffold, listed after the images the manifests fix
    ]
