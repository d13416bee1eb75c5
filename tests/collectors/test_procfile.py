"""Procfiles: process types and their commands."""

from pathlib import Path

from scorecards.collectors.repo_files.procfile import parse_procfile

HEROKU = (Path(__file__).parent.parent / "fixtures" / "parsers" / "Procfile").read_text()


def test_it_reads_web_worker_and_release_processes_with_lines():
    parsed = parse_procfile("Procfile", HEROKU)
    assert [(p["type"], p["line"]) for p in parsed["processes"]] == [
        ("web", 2),
        ("worker", 3),
        ("release", 4),
    ]
    assert parsed["processes"][2]["command"] == "python manage.py migrate --noinput"


def test_it_keeps_colons_inside_the_command():
    parsed = parse_procfile("Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n")
    assert parsed["processes"][0]["command"] == "gunicorn app:app --bind 0.0.0.0:$PORT"


def test_it_ignores_comments_blank_lines_and_lines_without_a_type():
    parsed = parse_procfile("Procfile.dev", "# web: old\n\njust some text\nweb:\n")
    assert parsed == {"path": "Procfile.dev", "processes": []}
