"""Dotenv files: variable names and whether a value is set, never the value."""

import pytest

from scorecards.collectors.repo_files.envfiles import parse_env_file

TEXT = """# local settings
DATABASE_URL=postgres://app:hunter2@localhost/app
export SECRET_KEY='k3y-v4lu3'
EMPTY=
QUOTED_EMPTY=""
REFERENCE=${DATABASE_URL}
WITH_DEFAULT=${PORT:-8000}
DEBUG=true # inline comment
"""


def test_it_lists_names_lines_and_whether_each_has_a_value():
    parsed = parse_env_file(".env", TEXT)
    assert [(a["name"], a["has_value"], a["line"]) for a in parsed["assignments"]] == [
        ("DATABASE_URL", True, 2),
        ("SECRET_KEY", True, 3),
        ("EMPTY", False, 4),
        ("QUOTED_EMPTY", False, 5),
        ("REFERENCE", False, 6),
        ("WITH_DEFAULT", False, 7),
        ("DEBUG", True, 8),
    ]
    assert parsed["example"] is False


def test_it_never_stores_values():
    parsed = str(parse_env_file(".env", TEXT))
    assert "hunter2" not in parsed and "k3y-v4lu3" not in parsed


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        ".env.sample",
        "config/.env.template",
        ".env.dist",
        ".env.defaults",
        "example.env",
        ".env.tmpl",
        ".env.schema",
    ],
)
def test_it_marks_example_files(path):
    assert parse_env_file(path, "A=1\n")["example"] is True


@pytest.mark.parametrize("path", [".env", ".env.local", ".env.production", "deploy/prod.env"])
def test_it_marks_real_env_files_as_not_examples(path):
    assert parse_env_file(path, "A=1\n")["example"] is False


def test_it_reads_only_exports_from_an_envrc():
    parsed = parse_env_file(".envrc", "use flake\nexport AWS_PROFILE=dev\nlayout python\n")
    assert [a["name"] for a in parsed["assignments"]] == ["AWS_PROFILE"]


@pytest.mark.parametrize("path", ["environment.py", "src/env/config.yaml", "README.md"])
def test_it_ignores_other_files(path):
    assert parse_env_file(path, "A=1\n") is None
