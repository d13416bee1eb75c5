"""Factor II, Dependencies: manifests, lock files, base images, remote scripts, Lambda runtimes."""

from datetime import date

import pytest

from scorecards.checks.deps import runs_remote_script
from scorecards.checks.results import Status
from tests.checks.helpers import FIXTURES, result_for, result_from_facts


def manifest(
    path: str,
    ecosystem: str,
    type_: str,
    deps: list[tuple[str, str, bool]],
    role: str = "main",
    error: str | None = None,
) -> dict:
    return {
        "path": path,
        "ecosystem": ecosystem,
        "type": type_,
        "role": role,
        "error": error,
        "dependencies": [
            {"name": n, "spec": s, "exact": e, "line": i + 1, "dev": False}
            for i, (n, s, e) in enumerate(deps)
        ],
        "includes": [],
        "details": {},
    }


def stage(raw: str, line: int, name: str | None = None, **flags) -> dict:
    return {
        "index": line,
        "name": name,
        "line": line,
        "from": {
            "raw": raw,
            "image": raw,
            "tag": None,
            "digest": None,
            "platform": None,
            "stage_ref": flags.get("stage_ref", False),
            "scratch": flags.get("scratch", False),
            "unresolved": False,
        },
    }


def dockerfile(stages: list[dict], args: dict | None = None) -> dict:
    return {
        "path": "Dockerfile",
        "role": "prod",
        "error": None,
        "args": args or {},
        "stages": stages,
        "instructions": [],
    }


def sam(resources: dict, **top) -> dict:
    data = {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources, **top}
    return {
        "path": "template.yaml",
        "format": "yaml",
        "category": "cloudformation",
        "templated": False,
        "error": None,
        "docs": [{"line": 1, "data": data, "lines": {}}],
    }


def function(**properties) -> dict:
    return {"Type": "AWS::Serverless::Function", "Properties": properties}


# --- deps.manifest --------------------------------------------------------------------------


def test_it_passes_a_pyproject_manifest():
    result = result_for(FIXTURES / "deps-manifest" / "pyproject", "deps.manifest")
    assert result.status == Status.PASS
    assert result.evidence[0].locator == "pyproject.toml"


def test_it_fails_python_code_without_any_manifest():
    result = result_for(FIXTURES / "deps-manifest" / "python-without-manifest", "deps.manifest")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "main.py"


def test_it_is_not_applicable_to_infrastructure_with_a_helper_script():
    result = result_for(FIXTURES / "deps-manifest" / "infra-only", "deps.manifest")
    assert result.status == Status.NA


def test_it_ignores_static_javascript_assets_when_looking_for_code():
    paths = ["static/js/a.js", "static/js/b.js", "public/c.js", "index.html"]
    assert result_from_facts({"paths": paths}, "deps.manifest").status == Status.NA


def test_it_fails_three_go_files_without_go_mod():
    paths = ["cmd/a.go", "pkg/b.go", "pkg/c.go"]
    assert result_from_facts({"paths": paths}, "deps.manifest").status == Status.FAIL


# --- deps.lockfile --------------------------------------------------------------------------


def test_it_passes_workspace_packages_locked_by_the_root_lock_file():
    result = result_for(FIXTURES / "deps-lockfile" / "npm-workspace-locked", "deps.lockfile")
    assert result.status == Status.PASS


def test_it_fails_a_package_json_without_a_lock_file():
    result = result_for(FIXTURES / "deps-lockfile" / "npm-without-lock", "deps.lockfile")
    assert result.status == Status.FAIL
    assert "declares 2 dependencies and no package-lock.json" in result.evidence[0].excerpt


def test_it_fails_a_go_mod_without_go_sum():
    result = result_for(FIXTURES / "deps-lockfile" / "go-without-sum", "deps.lockfile")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "go.mod"


def test_it_warns_when_only_the_dev_requirements_are_unpinned():
    result = result_for(FIXTURES / "deps-lockfile" / "pip-compile", "deps.lockfile")
    assert result.status == Status.WARN
    assert result.evidence[0].locator.startswith("requirements-dev.txt")


def test_it_accepts_a_pyproject_covered_by_a_pinned_requirements_file():
    facts = {
        "manifests": [
            manifest("pyproject.toml", "python", "pyproject", [("django", ">=5.2", False)]),
            manifest("requirements.txt", "python", "requirements", [("django", "==5.2.1", True)]),
        ]
    }
    assert result_from_facts(facts, "deps.lockfile").status == Status.PASS


def test_a_maven_pom_with_exact_versions_and_managed_ones_warns_for_lack_of_a_lock():
    facts = {
        "manifests": [
            manifest(
                "pom.xml",
                "java",
                "pom.xml",
                [
                    ("org.postgresql:postgresql", "42.7.4", True),
                    ("spring-boot-starter-web", "", False),
                ],
            )
        ]
    }
    # Catalogue decision 7: deterministic direct versions, transitive ones unrecorded.
    result = result_from_facts(facts, "deps.lockfile")
    assert result.status == Status.WARN
    assert "transitive" in result.evidence[0].excerpt


def test_it_fails_a_gradle_build_with_a_dynamic_version():
    facts = {
        "manifests": [
            manifest(
                "build.gradle",
                "java",
                "build.gradle",
                [("com.fasterxml.jackson.core:jackson-databind", "2.+", False)],
            )
        ]
    }
    result = result_from_facts(facts, "deps.lockfile")
    assert result.status == Status.FAIL


def test_it_accepts_a_go_module_locked_by_a_workspace_go_sum():
    facts = {
        "manifests": [manifest("svc/go.mod", "go", "go.mod", [("chi", "v5.1.0", True)])],
        "lockfiles": [{"path": "go.sum", "ecosystem": "go", "type": "go.sum"}],
    }
    assert result_from_facts(facts, "deps.lockfile").status == Status.PASS


def test_it_warns_when_the_root_is_locked_but_a_tool_folder_is_not():
    facts = {
        "manifests": [
            manifest("package.json", "node", "package.json", [("express", "^4", False)]),
            manifest("tools/lint/package.json", "node", "package.json", [("eslint", "^9", False)]),
        ],
        "lockfiles": [
            {"path": "package-lock.json", "ecosystem": "node", "type": "npm"},
            {"path": "tools/other/yarn.lock", "ecosystem": "node", "type": "yarn"},
        ],
    }
    result = result_from_facts(facts, "deps.lockfile")
    assert result.status == Status.WARN
    assert result.evidence[0].locator.startswith("tools/lint/package.json")


def test_it_ignores_a_pyproject_that_declares_no_dependency():
    facts = {"manifests": [manifest("pyproject.toml", "python", "pyproject", [])]}
    assert result_from_facts(facts, "deps.lockfile").status == Status.NA


def test_it_does_not_know_when_a_manifest_fails_to_parse():
    facts = {
        "manifests": [
            manifest("requirements.txt", "python", "requirements", [("flask", "==3.0.0", True)]),
            manifest("package.json", "node", "package.json", [], error="Expecting ',' at line 3"),
        ]
    }
    result = result_from_facts(facts, "deps.lockfile")
    assert result.status == Status.UNKNOWN
    assert "Expecting" in result.evidence[0].excerpt


# --- deps.base-image-pinned -----------------------------------------------------------------


def test_it_passes_tags_from_arg_defaults_digests_and_build_time_arguments():
    result = result_for(
        FIXTURES / "deps-base-image-pinned" / "multi-stage-pinned", "deps.base-image-pinned"
    )
    assert result.status == Status.PASS
    assert "build argument without a default" in result.message


def test_it_fails_an_arg_defaulting_to_latest_and_a_from_without_a_tag():
    result = result_for(
        FIXTURES / "deps-base-image-pinned" / "latest-and-untagged", "deps.base-image-pinned"
    )
    assert result.status == Status.FAIL
    assert [e.locator for e in result.evidence] == ["Dockerfile:2", "Dockerfile:6"]


def test_it_is_not_applicable_without_a_dockerfile():
    facts = {
        "documents": [
            {
                "path": "k8s/d.yaml",
                "category": "k8s",
                "templated": False,
                "error": None,
                "docs": [
                    {
                        "line": 1,
                        "lines": {},
                        "data": {
                            "kind": "Deployment",
                            "spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}},
                        },
                    }
                ],
            }
        ]
    }
    assert result_from_facts(facts, "deps.base-image-pinned").status == Status.NA


def test_it_accepts_earlier_stages_and_scratch():
    stages = [
        stage("golang:1.23", 1, "build"),
        stage("build", 5, stage_ref=True),
        stage("scratch", 8, scratch=True),
    ]
    result = result_from_facts({"dockerfiles": [dockerfile(stages)]}, "deps.base-image-pinned")
    assert result.status == Status.PASS


def test_it_does_not_mistake_a_registry_port_for_a_tag():
    stages = [stage("localhost:5000/base", 1)]
    result = result_from_facts({"dockerfiles": [dockerfile(stages)]}, "deps.base-image-pinned")
    assert result.status == Status.FAIL


def test_it_accepts_latest_pinned_by_a_digest():
    stages = [stage("nginx:latest@sha256:" + "a" * 64, 1)]
    result = result_from_facts({"dockerfiles": [dockerfile(stages)]}, "deps.base-image-pinned")
    assert result.status == Status.PASS


# --- deps.no-remote-scripts -----------------------------------------------------------------


def test_it_passes_downloads_into_gpg_and_tar():
    result = result_for(
        FIXTURES / "deps-no-remote-scripts" / "keyring-download", "deps.no-remote-scripts"
    )
    assert result.status == Status.PASS


def test_it_fails_curl_into_sudo_bash_and_a_copied_script_that_runs_a_download():
    result = result_for(
        FIXTURES / "deps-no-remote-scripts" / "curl-pipe-bash", "deps.no-remote-scripts"
    )
    assert result.status == Status.FAIL
    assert [e.locator for e in result.evidence] == ["Dockerfile:4", "install-tools.sh:3"]


@pytest.mark.parametrize(
    "command",
    [
        "curl -fsSL https://get.docker.com | sh",
        "curl -sSL https://install.python-poetry.org | python3 -",
        "wget -qO- https://example.com/i.sh | /bin/bash",
        "curl https://sh.rustup.rs -sSf | sh -s -- -y",
        'sh -c "$(curl -fsSL https://raw.githubusercontent.com/x/install.sh)"',
        "bash <(curl -s https://example.com/setup)",
        "wget -O - https://example.com/i.sh | sudo sh",
        "curl -sSL https://example.com/get.py | python -",
    ],
)
def test_it_recognises_a_download_run_by_a_shell(command):
    assert runs_remote_script(command)


@pytest.mark.parametrize(
    "command",
    [
        "curl -fsSL https://example.com/key | gpg --dearmor -o /etc/apt/keyrings/x.gpg",
        "curl -fsSL https://example.com/key | apt-key add -",
        "curl -L https://example.com/x.tar.gz | tar -xz",
        "curl -fsSL https://example.com/list | tee /etc/apt/sources.list.d/x.list",
        "curl -o install.sh https://example.com/install.sh || true",
        "curl -s https://api.github.com/repos/x/y | python3 -c 'import json,sys; print(1)'",
        "curl -fsSL https://example.com/x.sha256 | sha256sum -c -",
    ],
)
def test_it_accepts_downloads_that_are_not_executed(command):
    assert not runs_remote_script(command)


# --- deps.runtime-supported -----------------------------------------------------------------


def test_it_passes_a_parameter_default_runtime_and_a_container_image_function():
    result = result_for(
        FIXTURES / "deps-runtime-supported" / "sam-current", "deps.runtime-supported"
    )
    assert result.status == Status.PASS


def test_it_fails_a_deprecated_serverless_provider_runtime():
    result = result_for(
        FIXTURES / "deps-runtime-supported" / "serverless-deprecated", "deps.runtime-supported"
    )
    assert result.status == Status.FAIL
    assert "nodejs18.x" in result.evidence[0].excerpt


def test_it_warns_when_a_runtime_is_deprecated_within_six_months():
    facts = {"documents": [sam({"Fn": function(Runtime="nodejs22.x")})]}
    result = result_from_facts(facts, "deps.runtime-supported", today=date(2026, 12, 1))
    assert result.status == Status.WARN


def test_it_fails_dotnet8_after_its_deprecation_date():
    facts = {"documents": [sam({"Fn": function(Runtime="dotnet8")})]}
    assert result_from_facts(facts, "deps.runtime-supported").status == Status.FAIL


def test_it_does_not_know_a_runtime_from_a_parameter_without_default():
    facts = {
        "documents": [
            sam({"Fn": function(Runtime={"Ref": "Rt"})}, Parameters={"Rt": {"Type": "String"}})
        ]
    }
    assert result_from_facts(facts, "deps.runtime-supported").status == Status.UNKNOWN


def test_it_reads_terraform_lambda_runtimes():
    facts = {
        "terraform": [
            {
                "path": "main.tf",
                "error": None,
                "modules": [],
                "variables": [],
                "backend": None,
                "resources": [
                    {
                        "type": "aws_lambda_function",
                        "name": "fn",
                        "line": 3,
                        "attrs": {"runtime": "python3.8"},
                    }
                ],
            }
        ]
    }
    result = result_from_facts(facts, "deps.runtime-supported")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == "main.tf:3"


def test_it_accepts_packages_of_a_pnpm_workspace_locked_at_the_root():
    facts = {
        "paths": [
            "pnpm-workspace.yaml",
            "pnpm-lock.yaml",
            "package.json",
            "packages/api/package.json",
        ],
        "manifests": [
            manifest("package.json", "node", "package.json", [("turbo", "^2", False)]),
            manifest(
                "packages/api/package.json", "node", "package.json", [("fastify", "^5", False)]
            ),
        ],
        "lockfiles": [{"path": "pnpm-lock.yaml", "ecosystem": "node", "type": "pnpm"}],
    }
    assert result_from_facts(facts, "deps.lockfile").status == Status.PASS


def test_it_only_warns_about_an_unlocked_package_json_of_dev_tools():
    facts = {
        "manifests": [
            manifest("requirements.txt", "python", "requirements", [("flask", "==3.0.0", True)]),
            {
                **manifest("package.json", "node", "package.json", []),
                "dependencies": [
                    {"name": "prettier", "spec": "^3", "exact": False, "line": 3, "dev": True}
                ],
            },
        ]
    }
    assert result_from_facts(facts, "deps.lockfile").status == Status.WARN


def test_it_does_not_ask_a_jenkins_shared_library_for_a_manifest():
    paths = ["vars/build.groovy", "vars/deploy.groovy", "src/org/acme/Util.groovy"]
    assert result_from_facts({"paths": paths}, "deps.manifest").status == Status.NA
