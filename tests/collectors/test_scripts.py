"""Shell scripts: command lines with continuations joined and secrets redacted."""

import pytest

from scorecards.collectors.repo_files.scripts import parse_script

ENTRYPOINT = """#!/usr/bin/env bash
set -euo pipefail

# wait for the database
trap 'kill -TERM $child' TERM
pip install -r requirements.txt
python manage.py migrate \\
    --noinput \\
    --verbosity 1
export DB_PASSWORD=hunter2hunter2
exec gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000}
"""


def test_it_keeps_command_lines_and_joins_continuations():
    parsed = parse_script("docker-entrypoint.sh", ENTRYPOINT)
    assert [(entry["line"], entry["text"]) for entry in parsed["lines"]] == [
        (2, "set -euo pipefail"),
        (5, "trap 'kill -TERM $child' TERM"),
        (6, "pip install -r requirements.txt"),
        (7, "python manage.py migrate --noinput --verbosity 1"),
        (10, "export DB_PASSWORD=«redacted»"),
        (11, "exec gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000}"),
    ]


def test_it_never_keeps_a_secret_value():
    assert "hunter2hunter2" not in str(parse_script("run.sh", ENTRYPOINT))


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("scripts/deploy.sh", "echo hi\n"),
        ("bin/setup.bash", "echo hi\n"),
        ("docker-entrypoint", "echo hi\n"),
        ("entrypoint", "echo hi\n"),
        ("bin/start", "#!/bin/sh\necho hi\n"),
        ("bin/run", "#!/usr/bin/env bash\necho hi\n"),
    ],
)
def test_it_recognises_shell_scripts(path, text):
    assert parse_script(path, text)["lines"] == [{"line": text.count("\n"), "text": "echo hi"}]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("bin/run", "#!/usr/bin/env python3\nprint(1)\n"),
        ("app.py", "print(1)\n"),
        ("Makefile", "all:\n"),
    ],
)
def test_it_ignores_files_that_are_not_shell_scripts(path, text):
    assert parse_script(path, text) is None


def test_it_bounds_the_number_and_length_of_lines():
    text = "\n".join(f"echo {'x' * 500} {i}" for i in range(1000))
    lines = parse_script("big.sh", text)["lines"]
    assert len(lines) == 400
    assert all(len(entry["text"]) <= 300 for entry in lines)
