"""Factor I, Codebase: codebase.vcs, codebase.one-repo-per-app, codebase.deploys-traceable."""

import shutil

from scorecards.checks.results import Status
from tests.checks.helpers import FIXTURES, result_for, result_from_facts


def dockerfile(path: str, instructions: list[tuple[str, str]] = ()) -> dict:
    return {
        "path": path,
        "role": "prod",
        "error": None,
        "args": {},
        "stages": [
            {
                "index": 0,
                "name": None,
                "line": 1,
                "from": {
                    "raw": "python:3.12",
                    "image": "python",
                    "tag": "3.12",
                    "digest": None,
                    "platform": None,
                    "stage_ref": False,
                    "scratch": False,
                    "unresolved": False,
                },
            }
        ],
        "instructions": [
            {
                "stage": 0,
                "line": i + 2,
                "instruction": kind,
                "value": value,
                "exec_form": False,
                "argv": None,
            }
            for i, (kind, value) in enumerate(instructions)
        ],
    }


def doc(path: str, category: str, *datas: dict) -> dict:
    return {
        "path": path,
        "format": "yaml",
        "category": category,
        "templated": False,
        "error": None,
        "docs": [{"line": 1, "data": data, "lines": {}} for data in datas],
    }


# --- codebase.vcs ---------------------------------------------------------------------------


def test_it_passes_a_repository_with_version_control_markers():
    result = result_for(FIXTURES / "codebase-vcs" / "gitignore-marker", "codebase.vcs")
    assert result.status == Status.PASS
    assert result.evidence


def test_it_does_not_know_about_a_tree_without_any_vcs_marker(tmp_path):
    tree = tmp_path / "plain"
    shutil.copytree(FIXTURES / "codebase-vcs" / "gitignore-marker", tree)
    (tree / ".gitignore").unlink()
    result = result_for(tree, "codebase.vcs")
    assert result.status == Status.UNKNOWN


def test_it_accepts_a_github_folder_as_a_marker():
    result = result_from_facts({"paths": [".github/workflows/ci.yml", "app.py"]}, "codebase.vcs")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == ".github/"


# --- codebase.one-repo-per-app --------------------------------------------------------------


def test_it_counts_a_dockerfile_beside_its_dev_variant_and_nginx_folder_as_one_app():
    result = result_for(
        FIXTURES / "codebase-one-repo-per-app" / "single-app", "codebase.one-repo-per-app"
    )
    assert result.status == Status.PASS


def test_it_warns_about_several_apps_not_declared_in_the_catalog():
    result = result_for(
        FIXTURES / "codebase-one-repo-per-app" / "undeclared-services", "codebase.one-repo-per-app"
    )
    assert result.status == Status.WARN
    assert "2 deployable units" in result.message


def test_it_passes_several_apps_declared_as_catalog_components():
    result = result_for(
        FIXTURES / "codebase-one-repo-per-app" / "declared-services", "codebase.one-repo-per-app"
    )
    assert result.status == Status.PASS
    assert "2 components" in result.message


def test_it_folds_nested_app_roots_into_the_outer_one():
    facts = {
        "dockerfiles": [dockerfile("Dockerfile"), dockerfile("worker/Dockerfile")],
        "procfiles": [{"path": "Procfile", "processes": []}],
    }
    result = result_from_facts(facts, "codebase.one-repo-per-app")
    assert result.status == Status.PASS


def test_it_ignores_dockerfiles_of_examples_when_counting_apps():
    facts = {"dockerfiles": [dockerfile("Dockerfile"), dockerfile("examples/demo/Dockerfile")]}
    result = result_from_facts(facts, "codebase.one-repo-per-app")
    assert result.status == Status.PASS


# --- codebase.deploys-traceable -------------------------------------------------------------


def test_it_passes_images_tagged_by_docker_metadata_action():
    result = result_for(
        FIXTURES / "codebase-deploys-traceable" / "metadata-action", "codebase.deploys-traceable"
    )
    assert result.status == Status.PASS
    assert "docker/metadata-action" in result.evidence[0].excerpt


def test_it_passes_images_tagged_with_the_gitlab_commit_sha():
    result = result_for(
        FIXTURES / "codebase-deploys-traceable" / "gitlab-commit-tag", "codebase.deploys-traceable"
    )
    assert result.status == Status.PASS
    assert result.evidence[0].locator == ".gitlab-ci.yml:4"


def test_it_fails_a_pipeline_that_pushes_only_latest():
    result = result_for(
        FIXTURES / "codebase-deploys-traceable" / "latest-only", "codebase.deploys-traceable"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].excerpt == "pushes acme/orders:latest"


def test_it_does_not_take_a_checkout_of_the_sha_for_an_image_tag():
    result = result_for(
        FIXTURES / "codebase-deploys-traceable" / "silent", "codebase.deploys-traceable"
    )
    assert result.status == Status.UNKNOWN


def test_it_passes_an_oci_revision_label_in_the_dockerfile():
    facts = {
        "dockerfiles": [
            dockerfile(
                "Dockerfile",
                [("ARG", "GIT_SHA"), ("LABEL", "org.opencontainers.image.revision=$GIT_SHA")],
            )
        ]
    }
    result = result_from_facts(facts, "codebase.deploys-traceable")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "Dockerfile:3"


def test_it_passes_a_pod_template_annotated_with_the_commit():
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {
            "template": {
                "metadata": {"annotations": {"acme.io/git-commit": "3f2c1e9"}},
                "spec": {"containers": [{"name": "app", "image": "api:3f2c1e9"}]},
            }
        },
    }
    result = result_from_facts(
        {"documents": [doc("k8s/api.yaml", "k8s", deployment)]}, "codebase.deploys-traceable"
    )
    assert result.status == Status.PASS


def test_it_passes_a_jenkinsfile_that_tags_images_with_the_commit():
    facts = {
        "dockerfiles": [dockerfile("Dockerfile")],
        "scripts": [
            {
                "path": "Jenkinsfile",
                "lines": [{"line": 7, "text": 'sh "docker build -t acme/api:${env.GIT_COMMIT} ."'}],
            }
        ],
    }
    result = result_from_facts(facts, "codebase.deploys-traceable")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "Jenkinsfile:7"


def test_it_passes_a_sam_function_whose_version_description_names_the_commit():
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.13",
                    "AutoPublishAlias": "live",
                    "VersionDescription": {"Fn::Sub": "commit ${GitSha}"},
                },
            }
        },
    }
    result = result_from_facts(
        {"documents": [doc("template.yaml", "cloudformation", template)]},
        "codebase.deploys-traceable",
    )
    assert result.status == Status.PASS


def test_it_folds_a_github_action_dockerfile_into_the_repository_app():
    facts = {"dockerfiles": [dockerfile("Dockerfile"), dockerfile(".github/actions/x/Dockerfile")]}
    result = result_from_facts(facts, "codebase.one-repo-per-app")
    assert result.status == Status.PASS


def test_it_does_not_pair_a_sha_and_a_tag_flag_from_different_lines():
    workflow = {
        "on": "push",
        "jobs": {"b": {"steps": [{"run": "pip install -t lib .\necho ${{ github.sha }} > REV"}]}},
    }
    ci = doc(".github/workflows/ci.yml", "ci", workflow)
    facts = {"dockerfiles": [dockerfile("Dockerfile")], "documents": [ci]}
    result = result_from_facts(facts, "codebase.deploys-traceable")
    assert result.status == Status.UNKNOWN


def test_it_passes_an_image_tag_variable_set_from_the_commit():
    workflow = {
        "on": "push",
        "jobs": {"b": {"steps": [{"run": 'echo "IMAGE_TAG=${GITHUB_SHA::7}" >> "$GITHUB_ENV"'}]}},
    }
    ci = doc(".github/workflows/ci.yml", "ci", workflow)
    facts = {"dockerfiles": [dockerfile("Dockerfile")], "documents": [ci]}
    assert result_from_facts(facts, "codebase.deploys-traceable").status == Status.PASS


def test_it_does_not_take_a_description_about_commits_for_a_commit_reference():
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Runtime": "python3.13", "Description": "Handles commit webhooks"},
            }
        },
    }
    result = result_from_facts(
        {"documents": [doc("template.yaml", "cloudformation", template)]},
        "codebase.deploys-traceable",
    )
    assert result.status == Status.UNKNOWN


def test_it_passes_a_serverless_function_tagged_with_the_git_sha():
    config = {
        "service": "orders",
        "provider": {"name": "aws", "runtime": "nodejs22.x", "tags": {"GIT_SHA": "${env:SHA}"}},
        "functions": {"create": {"handler": "h.create"}},
    }
    result = result_from_facts(
        {"documents": [doc("serverless.yml", "serverless", config)]}, "codebase.deploys-traceable"
    )
    assert result.status == Status.PASS
