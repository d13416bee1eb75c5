"""Dockerfile parsing: stages, FROM resolution, instructions, exec form, redaction, role."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.dockerfile import (
    dockerfile_role,
    is_dockerfile,
    parse_dockerfile,
    split_image,
    substitute,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "collectors" / "dockerfiles"


@pytest.fixture(scope="module")
def multistage() -> dict:
    return parse_dockerfile("Dockerfile", (FIXTURES / "multistage.Dockerfile").read_text())


def stage(parsed: dict, name: str) -> dict:
    return next(s for s in parsed["stages"] if s["name"] == name)


def instructions(parsed: dict, keyword: str) -> list[dict]:
    return [i for i in parsed["instructions"] if i["instruction"] == keyword]


def test_it_parses_a_multistage_file_without_error(multistage):
    assert multistage["error"] is None
    assert [s["name"] for s in multistage["stages"]] == [
        "build",
        "assets",
        "test",
        "final",
        None,
        None,
        None,
    ]
    assert [s["index"] for s in multistage["stages"]] == list(range(7))


def test_it_resolves_arg_defaults_in_from(multistage):
    build = stage(multistage, "build")
    assert build["line"] == 7
    assert build["from"]["raw"] == "golang:${GO_VERSION}"
    assert (build["from"]["image"], build["from"]["tag"]) == ("golang", "1.22")
    assert build["from"]["platform"] == "$BUILDPLATFORM"
    assert build["from"]["unresolved"] is False


def test_it_uses_the_inline_default_of_an_arg_without_value(multistage):
    assets = stage(multistage, "assets")["from"]
    assert (assets["image"], assets["tag"], assets["unresolved"]) == ("python", "3.12-slim", False)


def test_it_marks_a_from_naming_an_earlier_stage(multistage):
    test = stage(multistage, "test")["from"]
    assert test["stage_ref"] is True
    assert test["tag"] is None


def test_it_reads_digests_scratch_registry_ports_and_unresolved_images(multistage):
    final = stage(multistage, "final")["from"]
    assert final["image"] == "gcr.io/distroless/static-debian12"
    assert final["digest"].startswith("sha256:")
    scratch, registry, unresolved = (s["from"] for s in multistage["stages"][4:])
    assert scratch["scratch"] is True
    assert (registry["image"], registry["tag"]) == ("registry.example.com:5000/team/app", None)
    assert unresolved["unresolved"] is True


def test_global_args_are_recorded_with_secrets_redacted(multistage):
    assert multistage["args"] == {"GO_VERSION": "1.22", "PY": None, "NPM_TOKEN": REDACTED}


def test_instructions_belong_to_a_stage(multistage):
    assert multistage["instructions"][0]["instruction"] == "FROM"
    assert {i["stage"] for i in multistage["instructions"]} == set(range(7))


def test_continuations_join_lines_and_skip_comments(multistage):
    run = instructions(multistage, "RUN")[0]
    assert run["line"] == 10
    assert run["value"] == (
        "--mount=type=cache,target=/go/pkg/mod go mod download && go build -o /out/app ./cmd/app"
    )


def test_heredoc_bodies_belong_to_their_instruction(multistage):
    heredoc = instructions(multistage, "RUN")[1]
    assert heredoc["line"] == 16
    assert "pip install --no-cache-dir build" in heredoc["value"]
    assert instructions(multistage, "FROM")[2]["line"] == 21


def test_exec_and_shell_forms_are_told_apart(multistage):
    entrypoint = instructions(multistage, "ENTRYPOINT")[0]
    assert (entrypoint["exec_form"], entrypoint["argv"]) == (True, ["/app"])
    cmd = instructions(multistage, "CMD")[0]
    assert (cmd["exec_form"], cmd["argv"]) == (False, None)
    healthcheck = instructions(multistage, "HEALTHCHECK")[0]
    assert healthcheck["argv"] == ["/app", "healthz"]
    assert instructions(multistage, "RUN")[2]["argv"] == ["go", "test", "./..."]


def test_env_values_of_secret_names_are_redacted(multistage):
    env = instructions(multistage, "ENV")
    assert env[0]["value"] == (
        f"APP_ENV=production DATABASE_PASSWORD={REDACTED} PASSWORD_FILE=/run/secrets/db"
    )
    assert env[1]["value"] == f"LEGACY_TOKEN {REDACTED}"
    assert env[0]["stage"] == 3


def test_the_escape_directive_changes_the_continuation_character():
    parsed = parse_dockerfile("Dockerfile", (FIXTURES / "escape.Dockerfile").read_text())
    run = instructions(parsed, "RUN")[0]
    assert run["value"] == "powershell -Command Write-Host hello"
    assert instructions(parsed, "CMD")[0]["line"] == 5


def test_instructions_before_from_and_unknown_ones_are_errors():
    parsed = parse_dockerfile("Dockerfile", (FIXTURES / "Dockerfile.broken").read_text())
    assert parsed["error"] == "line 1: RUN before the first FROM"
    assert parsed["stages"] == []


def test_a_file_without_from_is_an_error():
    assert parse_dockerfile("Dockerfile", "# only a comment\nARG X=1\n")["error"] == (
        "no FROM instruction"
    )


def test_an_unclosed_heredoc_is_an_error():
    parsed = parse_dockerfile("Dockerfile", "FROM alpine:3\nRUN <<EOT\necho hi\n")
    assert "never closed" in parsed["error"]


def test_substitute_reports_variables_without_value():
    assert substitute("${A:-x}-${B}", {"B": None}) == ("x-${B}", True)
    assert substitute("$A/${B:+set}", {"A": "a", "B": "b"}) == ("a/set", False)


def test_split_image_handles_tags_digests_and_ports():
    assert split_image("node:20-alpine") == ("node", "20-alpine", None)
    assert split_image("localhost:5000/app") == ("localhost:5000/app", None, None)
    assert split_image("app:1@sha256:ab") == ("app", "1", "sha256:ab")


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("Dockerfile", "prod"),
        ("services/api/Dockerfile", "prod"),
        ("Dockerfile.dev", "dev"),
        ("dev.Dockerfile", "dev"),
        ("Dockerfile-test", "dev"),
        ("docker/local/Dockerfile", "dev"),
        (".devcontainer/Dockerfile", "dev"),
        ("ci/Dockerfile", "dev"),
        ("Dockerfile.debug", "dev"),
        ("Dockerfile.prod", "prod"),
        ("devops/Dockerfile", "prod"),
    ],
)
def test_role_follows_names_and_folders(path: str, role: str):
    assert dockerfile_role(path) == role


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Dockerfile", True),
        ("a/Containerfile", True),
        ("api.Dockerfile", True),
        ("Dockerfile.worker", True),
        ("web.dockerfile", True),
        ("Dockerfile.md", False),
        ("docs/dockerfile-guide.md", False),
        ("Dockerfiles/README", False),
    ],
)
def test_dockerfile_names_are_recognised(path: str, expected: bool):
    assert is_dockerfile(path) is expected
